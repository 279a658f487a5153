from django.urls import path

from . import views

app_name = "regulation"
urlpatterns = [
    path("", views.settings_page, name="settings"),
    path("<slug:name>/ubah/", views.change, name="change"),
]
