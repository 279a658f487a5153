"""Lindung's settings with a release whose regulation migrations break on the way (broken_migrations): for the
`lindung upgrade` that fails, run as a real process."""

from lindung.settings import *  # noqa: F403

MIGRATION_MODULES = {"regulation": "tests.backup.broken_migrations"}
