from django.urls import path

from . import views

app_name = "programs"
urlpatterns = [
    path("", views.programme_list, name="list"),
    path("<slug:code>/", views.programme_detail, name="detail"),
    path("<slug:code>/aturan/", views.programme_rules, name="rules"),
]
