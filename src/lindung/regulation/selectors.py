"""The regulation settings in force on a day: the defaults of rules.regulation with the office's changes."""

from datetime import date

from django.utils import timezone

from lindung.rules.holidays import SHIPPED, Calendar, Holiday, Kind
from lindung.rules.regulation import DEFAULT, Regulation

from .models import AddedHoliday, SettingChange


def regulation_on(day: date | None = None) -> Regulation:
    """The settings in force on ``day`` (today when None): for each setting, its latest change in force by then."""
    day = day or timezone.localdate()
    values = {}
    for name, value in (SettingChange.objects.filter(effective_from__lte=day)
                        .order_by("effective_from", "pk").values_list("name", "value")):
        values[name] = value  # later changes overwrite earlier ones
    return DEFAULT.with_values(values)


def changes() -> list[SettingChange]:
    return list(SettingChange.objects.select_related("changed_by").order_by("-effective_from", "-pk"))


def calendar() -> Calendar:
    """The holidays due dates and deadlines count: the list Lindung ships with the office's additions."""
    return SHIPPED.plus(Holiday(a.day, Kind(a.kind), a.name, a.decree) for a in AddedHoliday.objects.all())
