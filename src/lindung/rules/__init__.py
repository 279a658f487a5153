"""The regulation as code: pure functions, no Django, no I/O."""
