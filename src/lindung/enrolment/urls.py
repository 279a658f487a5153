from django.urls import path

from . import views

app_name = "enrolment"
urlpatterns = [
    path("", views.members, name="members"),
    path("kirim/", views.submit, name="submit"),
    path("berkas/<int:number>.xlsx", views.batch_xlsx, name="batch_xlsx"),
    path("berkas/semua.zip", views.batches_zip, name="batches_zip"),
    path("peserta.xlsx", views.members_xlsx, name="members_xlsx"),
    path("jawaban/", views.answer, name="answer"),
    path("diperbaiki/", views.fixed, name="fixed"),
]
