import re
from datetime import date

from django import template
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.html import format_html

register = template.Library()


@register.filter
def rupiah(value) -> str:
    """Integer Rupiah as Indonesians write it: Rp16.800 (whatever the page language)."""
    if value in (None, ""):
        return ""
    amount = int(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(amount):,}".replace(",", ".")


@register.filter
def angka(value) -> str:
    """A count with the page language's thousands separator: 7.130 in Indonesian, 7,130 in English."""
    if value in (None, ""):
        return ""
    return number_format(value, force_grouping=True)


@register.filter
def bulan(value) -> str:
    """A month as a person reads it, in the page language: "Mei 2026" / "May 2026" — from a Month, a date or
    "2026-05" (files and the API keep the ISO form)."""
    from lindung.rules.contributions import Month

    if value in (None, ""):
        return ""
    if isinstance(value, str):
        value = Month.parse(value)
    return date_format(value.first_day if isinstance(value, Month) else value, "F Y")


_ISO = re.compile(r"\b(\d{4})-(\d{2})(?:-(\d{2}))?\b")


def _in_words(match: re.Match) -> str:
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None and month is not None  # _ISO's first two groups are not optional
    try:
        return date_format(date(year, month, day or 1), "j F Y" if day else "F Y")
    except ValueError:
        return match.group()


@register.filter
def iso_in_words(text) -> str:
    """A text a service or the rules wrote with ISO months and days ("Menunggak 1 bulan (2025-01)", a rule "sejak
    2019-12-02"), as a person reads it in the page language: "Januari 2025", "2 Desember 2019". The stored text
    keeps its form."""
    return _ISO.sub(_in_words, str(text)) if text not in (None, "") else ""


@register.filter
def percent_of(part, whole) -> int:
    return round(100 * part / whole) if whole else 0


@register.simple_tag(takes_context=True)
def protection(context, membership) -> str:
    """A member's protection today as the coverage engine says it, from payments.protection's annotations."""
    from lindung.payments.protection import latest_due_month
    from lindung.payments.selectors import status_of

    day = context.get("today") or timezone.localdate()
    key = ("latest_due_month", day)  # the same for every row of a list: asked once per page, not twice per row
    if key not in context.render_context:
        context.render_context[key] = latest_due_month(day)
    status = status_of(membership, day, latest=context.render_context[key])
    return format_html('<span class="status {}" title="{}" data-testid="protection">{}</span>', status.state.value,
                       status.explanation, status.label)
