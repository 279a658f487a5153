from django.urls import path, re_path

from . import views

# A bill is named by its month, YYYY-MM; only that shape, so other pages here keep their own words.
MONTH = r"(?P<month>[0-9]{4}-[0-9]{2})"
app_name = "payments"
urlpatterns: list = [
    path("", views.bills, name="bills"),
    path("buat/", views.generate, name="generate"),
    path("dibayar-ganda/", views.double_cover, name="double_cover"),
    path("dibayar-ganda.xlsx", views.double_cover_xlsx, name="double_cover_xlsx"),
    re_path(rf"^{MONTH}/$", views.bill, name="bill"),
    re_path(rf"^{MONTH}/setujui/$", views.approve, name="approve"),
    re_path(rf"^{MONTH}/bayar/$", views.pay, name="pay"),
    re_path(rf"^{MONTH}/periksa/$", views.check, name="check"),
    re_path(rf"^{MONTH}/keluarkan/$", views.exclude, name="exclude"),
    re_path(rf"^{MONTH}/pemeriksaan\.xlsx$", views.check_xlsx, name="check_xlsx"),
    re_path(rf"^{MONTH}\.xlsx$", views.bill_xlsx, name="bill_xlsx"),
    re_path(rf"^{MONTH}/surat\.pdf$", views.cover_letter, name="cover_letter"),
    re_path(rf"^{MONTH}/rekonsiliasi/$", views.reconciliation, name="reconciliation"),
    re_path(rf"^{MONTH}/rekonsiliasi/selisih/(?P<pk>[0-9]+)/$", views.resolve, name="resolve_difference"),
]
