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
