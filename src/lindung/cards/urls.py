from django.urls import path

from . import printing_views, views

app_name = "cards"
urlpatterns: list = [
    path("", views.card_list, name="list"),
    path("serah-terima/", views.hand_over, name="hand_over"),
    path("pindai/", views.scan, name="scan"),
    path("ke-desa/<str:code>/", views.to_village, name="to_village"),
    path("ke-desa/<str:code>/konfirmasi/", views.to_village_confirm, name="to_village_confirm"),
    path("kartu/<str:number>/", views.card, name="card"),
    path("kartu/<str:number>/serahkan/", views.deliver, name="deliver"),
    path("serah-terima/<str:number>/", views.handover, name="handover"),
    path("serah-terima/<str:number>/berita-acara.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("serah-terima/<str:number>/bukti", views.evidence, name="evidence"),
    path("peringkat/", views.league, name="league"),
    path("cetak/", printing_views.printing, name="printing"),
    path("cetak/baru/", printing_views.print_run, name="print_run"),
    path("cetak/<int:pk>/", printing_views.batch, name="batch"),
    path("cetak/<int:pk>/kartu.pdf", printing_views.batch_pdf, name="batch_pdf"),
    path("kartu/<str:number>/ganti/", printing_views.replace, name="replace"),
]
