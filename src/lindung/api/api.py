"""The API: keyed by NIK, KPJ, codes and numbers users see, never database ids; scoped exactly like the pages.

Each app with endpoints has its router (``<app>/api.py``, its schemas beside it); this module holds the one
``NinjaAPI``, its authentication and the error answers every router shares, and mounts the routers.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import NinjaAPI
from ninja.security import django_auth

from lindung.accounts.api import router as accounts
from lindung.cards.api import router as cards
from lindung.claims.api import router as claims
from lindung.enrolment.api import router as enrolment
from lindung.payments.api import router as payments
from lindung.programs.api import router as programs
from lindung.registry.api import router as registry
from lindung.regulation.api import router as regulation
from lindung.wilayah.api import router as wilayah

from .auth import TokenAuth
from .common import Refused

api = NinjaAPI(
    title="Lindung API",
    version="1",
    description="Peserta BPJS Ketenagakerjaan pekerja rentan, per wilayah pengguna.",
    auth=[TokenAuth(), django_auth],
    urls_namespace="api",
)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Tidak diizinkan."}, status=403)


@api.exception_handler(ValidationError)
def _refused(request, exc):
    # A service refused a transition (already approved, own scenario, nothing to send): say why.
    return api.create_response(request, {"detail": " ".join(exc.messages)}, status=409)


@api.exception_handler(Refused)
def _answered(request, exc):
    return api.create_response(request, exc.body, status=exc.status)


# Every router carries its full paths (/programmes/{code}/bills lives with the bills): mounted at the root.
for router in (accounts, wilayah, registry, programs, enrolment, payments, cards, claims, regulation):
    api.add_router("", router)
