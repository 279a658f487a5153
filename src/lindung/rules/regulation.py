"""The rules the regulation leaves open (DOMAIN.md marks them [check], section 8 lists them): one setting
each, with the documented default, read in one place.

A rule function that depends on one takes ``reg: Regulation = DEFAULT``; the apps pass the settings in force
on the day in question (``lindung.regulation.selectors.regulation_on``), which the office changes on the
"Regulation settings" page. ``VERSION`` names this reading of the regulation in every ``--json`` output.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from enum import StrEnum
from typing import Any

VERSION = "PP 44/2015 jo. PP 82/2019, PP 49/2023, PP 50/2025 (dibaca Desember 2026)"


class CoverStart(StrEnum):
    FIRST_PAID = "first_paid"  # the first month whose contribution is paid (PP 44/2015 Ps 1 angka 4)
    PKS = "pks"  # the date in the cooperation agreement with BPJS


class LapseDay(StrEnum):
    FOURTH_MONTH = "fourth_month"  # the 1st of the fourth consecutive unpaid month (BPJS's operating rules)
    AFTER_DUE = "after_due"  # the day after the fourth unpaid month's due date (PP 44/2015 Ps 24(3) read literally)


@dataclass(frozen=True)
class Regulation:
    """Every open rule with its default. Field order is the order of the settings page."""

    due_day: int = 15  # JKK and JKM are due on this day of the contribution month
    collective_pays_in_month: bool = True  # a collective payer (the regency) pays by the due day of the month itself
    cuti_bersama_closed: bool = True  # collective leave counts as a closed day for due dates and deadlines
    cover_starts: CoverStart = CoverStart.FIRST_PAID
    lapse_day: LapseDay = LapseDay.FOURTH_MONTH
    acquired_after_months: int = 6  # BPJS counts a government-paid member as acquired after this many paid months
    prepay_max_months: int = 12  # months that may be paid ahead of the current one
    jkm_claim_years: int = 5  # the JKM claim deadline; 5 years is firm for JKK only
    total_disability_percent: int = 70  # total permanent disability: this % × 80 × declared income
    # PP 50/2025's transport workers: an open list ("antara lain"), as occupation codes of the register.
    transport_occupations: tuple[str, ...] = ("pengemudi-ojek", "sopir", "kurir")
    # The declared-income tiers (income, JKK, JHT) in force; only the Rp1,000,000 row is known for sure.
    income_tiers: tuple[tuple[int, int, int], ...] = ((1_000_000, 10_000, 20_000),)
    # PP 82/2019 Lampiran III, filled by the office from the regulation's text (no citable copy of the table was
    # found, and no figure is entered from memory): partial disability (code, part of the body, percent as typed,
    # e.g. "2,5") and the caps for aids (code, aid, cap in Rupiah) — prostheses, orthoses, dentures, hearing aids,
    # glasses. Each change names its source in the reason the audit trail keeps.
    disability_parts: tuple[tuple[str, str, str], ...] = ()
    aid_caps: tuple[tuple[str, str, int], ...] = ()

    def with_values(self, values: dict[str, Any]) -> Regulation:
        """These settings with some replaced by stored values (as JSON gives them back); unknown names are
        refused, so a setting renamed in code is never silently dropped."""
        kinds = {f.name: f.type for f in fields(self)}
        unknown = set(values) - set(kinds)
        if unknown:
            raise ValueError(f"Pengaturan tidak dikenal: {', '.join(sorted(unknown))}.")
        return replace(self, **{name: _typed(getattr(self, name), value) for name, value in values.items()})

    def as_dict(self) -> dict[str, Any]:
        """The settings as JSON writes them, for ``--json`` outputs and the audit trail."""
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}


DEFAULT = Regulation()


def _typed(default: Any, value: Any) -> Any:
    if isinstance(default, StrEnum):
        return type(default)(value)
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ValueError(f"Nilai ya/tidak diharapkan, bukan {value!r}.")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"Bilangan bulat diharapkan, bukan {value!r}.")
        return value
    if isinstance(default, tuple):
        return tuple(tuple(v) if isinstance(v, list) else v for v in value)
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return str(value) if isinstance(value, StrEnum) else value
