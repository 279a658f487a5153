from django.urls import path

from . import views

app_name = "life"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("daftar-kematian/", views.death_list, name="death_list"),
    path("peserta/<int:pk>/catat/", views.record, name="record"),
    path("peserta/<int:pk>/pemberi-iuran-lain/", views.record_cover, name="record_cover"),
    path("pemberi-iuran-lain/<int:pk>/tarik/", views.withdraw_cover, name="withdraw_cover"),
    path("<int:pk>/verifikasi/", views.verify, name="verify"),
    path("<int:pk>/koreksi/", views.correct, name="correct"),
    path("<int:pk>/batalkan/", views.reverse, name="reverse"),
]
