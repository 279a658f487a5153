"""The API's holiday calendar: the libur nasional and cuti bersama due dates and deadlines skip."""

from datetime import date

from ninja import Router, Schema

from lindung.regulation.selectors import calendar

router = Router()


class HolidayOut(Schema):
    date: date
    kind: str  # libur (libur nasional) or cuti_bersama
    name: str
    decree: str


@router.get("/holidays", response=list[HolidayOut], tags=["holidays"])
def holidays(request, year: int | None = None):
    """The holidays the calendar counts, by date: the list Lindung ships and those the office added."""
    return [{"date": h.day, "kind": h.kind.value, "name": h.name, "decree": h.decree}
            for h in sorted(calendar().holidays, key=lambda h: (h.day, h.kind)) if year is None or h.day.year == year]
