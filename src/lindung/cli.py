"""The `lindung` command: Django's management commands with Lindung's settings.

`lindung demo`, `lindung seed`, `lindung regions load 17.04`, `lindung serve`, `lindung migrate`, …
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:] if argv is None else argv
    execute_from_command_line(["lindung", *(args or ["help"])])


if __name__ == "__main__":
    main()
