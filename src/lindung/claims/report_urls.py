from django.urls import path

from . import report_views

app_name = "claims_report"
urlpatterns: list = [
    path("", report_views.index, name="index"),
    path("laporan.xlsx", report_views.xlsx, name="xlsx"),
]
