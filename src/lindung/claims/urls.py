from django.urls import path

from . import views

app_name = "claims"
urlpatterns: list = [
    path("", views.claim_list, name="list"),
    path("lapor/", views.report_new, name="report_new"),
    path("<str:number>/", views.claim_detail, name="detail"),
    path("<str:number>/diterima/", views.seen, name="seen"),
    path("<str:number>/ahli-waris/", views.heir_add, name="heir_add"),
    path("<str:number>/ahli-waris/<int:pk>/hapus/", views.heir_remove, name="heir_remove"),
    path("<str:number>/dokumen/", views.document_upload, name="document_upload"),
    path("<str:number>/dokumen/<int:pk>/", views.document, name="document"),
    path("<str:number>/dugaan-kecelakaan-kerja/", views.suspected, name="suspected"),
    path("<str:number>/cacat/", views.disability, name="disability"),
    path("<str:number>/lengkap/", views.complete, name="complete"),
    path("<str:number>/ajukan/", views.submit, name="submit"),
    path("<str:number>/setujui/", views.approve, name="approve"),
    path("<str:number>/tolak/", views.reject, name="reject"),
    path("<str:number>/bayar/", views.pay, name="pay"),
]
