"""Serve plotly.min.js from the installed plotly wheel, so charts work with no internet and no CDN; compress the
static files once."""

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage

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


class CompressedHashedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """whitenoise's storage compressing (gzip and brotli) only the hashed copies, which `{% static %}` links to.

    whitenoise compresses each file twice, as ``app.css`` and ``app.3f2a….css``: half of collectstatic's time, most
    of it plotly.min.js. The unhashed originals stay, served uncompressed, for what builds their URL itself (the
    admin's scripts, for their icons)."""

    def compress_files(self, paths):
        hashed = {self.clean_name(name) for name in self.hashed_files.values()}
        return super().compress_files([path for path in paths if self.clean_name(path) in hashed])
