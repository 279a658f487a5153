"""The API's regulation settings: those in force on a day (today by default), with the reading they belong to."""

from datetime import date
from typing import Any

from django.utils import timezone
from ninja import Router, Schema

from lindung.rules.regulation import VERSION

from .selectors import regulation_on

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
