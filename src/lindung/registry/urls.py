from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("", views.peserta_list, name="list"),
    path("baru/", views.peserta_create, name="create"),
    path("<int:pk>/", views.peserta_detail, name="detail"),
    path("<int:pk>/ubah/", views.peserta_edit, name="edit"),
]
