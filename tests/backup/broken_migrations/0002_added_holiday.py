# The real migration, as released.
from importlib import import_module

Migration = import_module("lindung.regulation.migrations.0002_added_holiday").Migration
