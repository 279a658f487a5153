from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    # The people behind a figure of the regent's page: ?keadaan=aktif|menunggak|nonaktif|berakhir|berisiko
    # (&kecamatan=CODE, &hari=30 for berisiko).
    path("perlindungan/", views.protection_list, name="protection"),
    path("ringkasan.pdf", views.dashboard_document, name="dashboard_pdf"),
]
