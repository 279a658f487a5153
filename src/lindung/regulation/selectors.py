"""The regulation settings in force on a day: the defaults of rules.regulation with the office's changes."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindung.rules.holidays import SHIPPED, Calendar, Holiday, Kind
from lindung.rules.regulation import DEFAULT, Regulation

from .models import AddedHoliday, SettingChange

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


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


@dataclass(frozen=True)
class About:
    """How the settings page names a setting, says what it decides and where its default comes from."""

    label: StrOrPromise
    help: StrOrPromise
    source: StrOrPromise


ABOUT: dict[str, About] = {
    "due_day": About(_("Due day of the month"), _("JKK and JKM are due on this day, or the next working day."),
                     "PP 44/2015 Ps 22"),
    "collective_pays_in_month": About(
        _("A collective payer pays in the contribution month"),
        _("Yes: due by the due day of the month itself. No: by the due day of the following month."),
        _("BPJS practice for collective payers: to be confirmed")),
    "cuti_bersama_closed": About(_("Collective leave (cuti bersama) is a closed day"),
                                 _("For due dates, card and claim deadlines."), "SKB 3 Menteri"),
    "cover_starts": About(_("Cover starts"), _("From the first month paid, or from the cooperation agreement (PKS)."),
                          "PP 44/2015 Ps 1 angka 4, Ps 11(4)-(5)"),
    "lapse_day": About(_("Lapse day"), _("The day a member with more than 3 unpaid months loses his rights."),
                       "PP 44/2015 Ps 24(3)"),
    "acquired_after_months": About(_("Counted as acquired by BPJS after (months)"),
                                   _("The planner warns when a plan covers people for fewer paid months."),
                                   _("BPJS practice: to be confirmed")),
    "prepay_max_months": About(_("Months that may be paid ahead"), _("Payments further ahead are refused."),
                               _("BPJS practice: to be confirmed")),
    "jkm_claim_years": About(_("JKM claim deadline (years)"), _("Years after the death in which a claim is taken."),
                             _("Open question; JKK: 5 years")),
    "total_disability_percent": About(_("Total permanent disability (percent)"),
                                      _("The benefit is this percentage × 80 × the declared income."),
                                      "PP 82/2019 Lampiran III"),
    "transport_occupations": About(_("Transport occupations of PP 50/2025"),
                                   _("Occupation codes whose contributions get the transport discount, one per line."),
                                   "PP 50/2025 (an open list: \"antara lain\")"),
    "income_tiers": About(_("Declared income tiers"),
                          _("One line per tier: declared income; JKK; JHT, in Rupiah, from BPJS's bracket list."),
                          "PP 44/2015 Lampiran II"),
    "disability_parts": About(_("Partial disability table"),
                              _("One line per part of the body: code; part of the body; percent, as the regulation "
                                "lists them. Claims and the calculator read the percent by the code."),
                              "PP 82/2019 Lampiran III"),
    "aid_caps": About(_("Caps for aids"),
                      _("One line per aid (prostheses, orthoses, dentures, hearing aids, glasses): code; aid; cap "
                        "in Rupiah."),
                      "PP 82/2019 Lampiran III"),
}


def about(name: str) -> About:
    return ABOUT[name]


@dataclass(frozen=True)
class Row:
    name: str
    about: About
    value: object  # in force today
    default: object
    changes: list[SettingChange]  # newest first, including any not in force yet


def rows(today: date | None = None) -> list[Row]:
    """Every setting in the order of rules.regulation.Regulation, with today's value, its default and its changes."""
    now = regulation_on(today)
    by_name: dict[str, list[SettingChange]] = {}
    for change in changes():
        by_name.setdefault(change.name, []).append(change)
    return [Row(f.name, ABOUT[f.name], getattr(now, f.name), getattr(DEFAULT, f.name), by_name.get(f.name, []))
            for f in fields(Regulation)]


def calendar() -> Calendar:
    """The holidays due dates and deadlines count: the list Lindung ships with the office's additions."""
    return SHIPPED.plus(Holiday(a.day, Kind(a.kind), a.name, a.decree) for a in AddedHoliday.objects.all())
