from django.urls import path

from . import views

app_name = "notify"
urlpatterns = [
    path("", views.outbox, name="outbox"),
    path("kotak-keluar.xlsx", views.outbox_xlsx, name="outbox_xlsx"),
    path("kirim/", views.send, name="send"),
    path("tinjau/", views.review, name="review"),
]
