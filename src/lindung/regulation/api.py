"""The API's regulation settings: those in force on a day (today by default), with the reading they belong to; and
the holiday calendar: the libur nasional and cuti bersama due dates and deadlines skip."""

from datetime import date
from typing import Any

from django.utils import timezone
from ninja import Router, Schema

from lindung.rules.regulation import VERSION

from .selectors import calendar, regulation_on

router = Router()


class RegulationOut(Schema):
    version: str
    day: date
    settings: dict[str, Any]


@router.get("/regulation", response=RegulationOut, tags=["regulation"])
def regulation(request, day: date | None = None):
    """The open rules of the regulation as the office has set them for ``day``: what every calculation used."""
    reg = regulation_on(day)
    return {"version": VERSION, "day": day or timezone.localdate(), "settings": reg.as_dict()}


class HolidayOut(Schema):
    date: date
    kind: str  # libur (libur nasional) or cuti_bersama
    name: str
    decree: str


@router.get("/holidays", response=list[HolidayOut], tags=["regulation"])
def holidays(request, year: int | None = None):
    """The holidays the calendar counts, by date: the list Lindung ships and those the office added."""
    return [{"date": h.day, "kind": h.kind.value, "name": h.name, "decree": h.decree}
            for h in sorted(calendar().holidays, key=lambda h: (h.day, h.kind)) if year is None or h.day.year == year]
