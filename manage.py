#!/usr/bin/env python
"""Django's manage.py, for those who expect it; `lindung` is the same command."""

from lindung.cli import main

if __name__ == "__main__":
    main()
