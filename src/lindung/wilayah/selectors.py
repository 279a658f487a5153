from django.conf import settings
from django.db.models import Q, QuerySet

from lindung.accounts.scoping import area_code, within

from . import deployment
from .models import Wilayah


def ancestors(code: str) -> list[str]:
    """The codes of the regions ``code`` lies in, the province first."""
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def regions_for(user, *, parent: str | None = None) -> QuerySet[Wilayah]:
    """The user's area, everything inside it, and the regions it lies in — nothing beside it."""
    code = area_code(user)
    if code is None:
        return Wilayah.objects.none()
    qs = Wilayah.objects.filter(within(user, "code") | Q(code__in=ancestors(code)))
    if parent is not None:
        qs = qs.filter(parent_id=parent)
    return qs


def region_for(user, code: str) -> Wilayah | None:
    return regions_for(user).filter(code=code).first()


def regency_name() -> str:
    """The regency (or province) Lindung serves, as its documents name it ("Kabupaten Kaur"); "" before its regions
    are loaded."""
    return deployment.name()


def signing_place(regency: str) -> str:
    """Where the office's letters are signed: LINDUNG_OFFICE_CITY, else the regency's own name ("Kaur")."""
    return settings.LINDUNG_OFFICE_CITY or regency.split(" ", 1)[-1]
