"""Lindung's URLs and one page that fails, for tests/ops/test_logs.py."""

from django.urls import path

from lindung.urls import handler400, handler403, handler404, handler500  # noqa: F401  # its error pages
from lindung.urls import urlpatterns as lindung

NIK = "1704055709800011"


def fails(request, word):
    raise ValueError(f"Key (nik)=({NIK}) already exists.")


urlpatterns = [*lindung, path("gagal/<str:word>/", fails)]
