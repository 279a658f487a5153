from django.conf import settings
from django.db.models import Q, QuerySet

from lindung.accounts.scoping import area_code, within

from .models import Wilayah


def _ancestors(code: str) -> list[str]:
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def regions_for(user, *, parent: str | None = None) -> QuerySet[Wilayah]:
    """The user's area, everything inside it, and the regions it lies in — nothing beside it."""
    code = area_code(user)
    if code is None:
        return Wilayah.objects.none()
    qs = Wilayah.objects.filter(within(user, "code") | Q(code__in=_ancestors(code)))
    if parent is not None:
        qs = qs.filter(parent_id=parent)
    return qs


def region_for(user, code: str) -> Wilayah | None:
    return regions_for(user).filter(code=code).first()


def regency_name() -> str:
    """The regency Lindung serves, as its documents name it ("Kabupaten Kaur"); "" before its regions are loaded."""
    return Wilayah.objects.filter(code=settings.LINDUNG_REGENCY).values_list("name", flat=True).first() or ""


def signing_place(regency: str) -> str:
    """Where the office's letters are signed: LINDUNG_OFFICE_CITY, else the regency's own name ("Kaur")."""
    return settings.LINDUNG_OFFICE_CITY or regency.split(" ", 1)[-1]
