from django.urls import path

from . import views

# The hand-over to self-paid membership of one programme; a village's list is ?desa=CODE (without it: the user's
# whole area).
app_name = "selfpay"
urlpatterns = [
    path("", views.members, name="members"),
    path("grafik/", views.cohort, name="cohort"),
    path("daftar.xlsx", views.village_xlsx, name="village_xlsx"),
    path("daftar.pdf", views.village_pdf, name="village_pdf"),
    path("pesan/", views.outbox, name="outbox"),
    path("pesan/siapkan/", views.prepare, name="prepare"),
    path("pesan/kirim/", views.send, name="send"),
    path("status/", views.status_file, name="status_file"),
]
