"""Serve plotly.min.js from the installed plotly wheel, so charts work with no internet and no CDN."""

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PLOTLY_DIR = Path(plotly.__file__).parent / "package_data"
PLOTLY_NAME = "plotly.min.js"
PREFIX = "vendor/"


class PlotlyFinder(BaseFinder):
    """Exposes exactly one file, vendor/plotly.min.js, and nothing else from plotly's package data."""

    storage = FileSystemStorage(location=PLOTLY_DIR)

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        if path == PREFIX + PLOTLY_NAME:
            found = str(PLOTLY_DIR / PLOTLY_NAME)
            return [found] if find_all else found
        return []

    def list(self, ignore_patterns):
        storage = FileSystemStorage(location=PLOTLY_DIR)
        storage.prefix = PREFIX.rstrip("/")
        yield PLOTLY_NAME, storage
