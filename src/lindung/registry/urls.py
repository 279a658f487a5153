from django.urls import path

from . import views
from .imports import views as import_views

app_name = "registry"
urlpatterns = [
    path("", views.peserta_list, name="list"),
    path("unduh.xlsx", views.peserta_xlsx, name="xlsx"),
    path("baru/", views.peserta_create, name="create"),
    path("<int:pk>/", views.peserta_detail, name="detail"),
    path("<int:pk>/ubah/", views.peserta_edit, name="edit"),
    path("impor/", import_views.import_list, name="imports"),
    path("impor/templat.xlsx", import_views.import_template, name="import_template"),
    path("impor/<int:pk>/", import_views.import_detail, name="import_detail"),
    path("impor/<int:pk>/petakan/", import_views.import_map, name="import_map"),
    path("impor/<int:pk>/putuskan/", import_views.import_decide, name="import_decide"),
    path("impor/<int:pk>/temuan.xlsx", import_views.import_findings_xlsx, name="import_findings"),
    path("duplikat/", import_views.review_queue, name="review"),
    path("duplikat/<int:pk>/putuskan/", import_views.review_decide, name="review_decide"),
]
