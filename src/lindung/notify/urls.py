from django.urls import path

from . import views

app_name = "notify"
urlpatterns = [
    path("", views.outbox, name="outbox"),
    path("kirim/", views.send, name="send"),
    path("tinjau/", views.review, name="review"),
]
