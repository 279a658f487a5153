from django.contrib import admin
from django.urls import include, path

from lindung.api.api import api
from lindung.cards import public_views as card_public_views
from lindung.core import error_views
from lindung.core import views as core_views
from lindung.payments import public_views as status_public_views
from lindung.spdci.api import ibr as spdci_ibr
from lindung.spdci.api import social as spdci_social

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("tugas/", core_views.jobs, name="jobs"),  # the background jobs, for the Admin Dinas
    path("terbilang", core_views.rupiah_words, name="rupiah_words"),  # a Rupiah field said back in words
    path("ringkasan/", include("lindung.core.urls")),  # the regent's page: its lists and PDF
    path("i18n/", include("django.conf.urls.i18n")),
    path("akun/", include("lindung.accounts.urls")),
    path("peserta/", include("lindung.registry.urls")),
    path("audit/", include("lindung.audit.urls")),
    path("program/", include("lindung.programs.urls")),
    path("program/<slug:code>/pendaftaran/", include("lindung.enrolment.urls")),
    path("program/<slug:code>/iuran/", include("lindung.payments.urls")),
    path("program/<slug:code>/iuran/serah-terima/", include("lindung.selfpay.urls")),
    path("kartu/", include("lindung.cards.urls")),
    path("pesan/", include("lindung.notify.urls")),
    path("klaim/laporan/", include("lindung.claims.report_urls")),
    path("klaim/", include("lindung.claims.urls")),
    path("peristiwa/", include("lindung.life.urls")),
    path("regulasi/", include("lindung.regulation.urls")),
    path("v/<str:token>/", card_public_views.verify, name="card_verify"),  # public: the QR code on a card
    path("cek-status/", status_public_views.status, name="public_status"),  # public: status by NIK and date of birth
    # The SPDCI release 1.0.0 APIs, each with its docs (lindung.spdci).
    path("api/spdci/ibr/v1.0.0/", spdci_ibr.urls),
    path("api/spdci/social/v1.0.0/", spdci_social.urls),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

# The error pages in the app's layout and the user's language, with the reason given (core.error_views).
handler400 = error_views.bad_request
handler403 = error_views.permission_denied
handler404 = error_views.page_not_found
handler500 = error_views.server_error
