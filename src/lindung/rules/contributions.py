"""BPU contributions (iuran) and their due dates, DOMAIN.md section 2.

A month's contribution depends on the declared income tier, the payer and the occupation, and the
rules change by date, so every figure lives in a dated table below, never in the code:
``INCOME_TIERS`` (JKK and optional JHT per declared income), ``JKM_RATES`` and ``DISCOUNTS``
(PP 50/2025). A regency that needs more tiers passes its own tier table.

All money is integer Rupiah. Messages are Indonesian because they are shown to the clerk.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache

from lokal import format_rupiah

from lindung.rules.holidays import SHIPPED, Calendar
from lindung.rules.regulation import DEFAULT, Regulation

_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


@dataclass(frozen=True, order=True)
class Month:
    """A contribution month, written ``YYYY-MM`` as everywhere in Lindung."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"Bulan harus 1-12, bukan {self.month}.")

    @classmethod
    def parse(cls, text: str) -> Month:
        match = _MONTH.fullmatch(text.strip())
        if not match:
            raise ValueError(f"Bulan harus ditulis TTTT-BB, misalnya 2025-01, bukan {text!r}.")
        return cls(int(match[1]), int(match[2]))

    def next(self) -> Month:
        return self.shift(1)

    def shift(self, by: int) -> Month:
        """The month ``by`` months later (earlier when negative): 2025-02 shifted by 4 is 2025-06."""
        i = self.index + by
        return Month(i // 12, i % 12 + 1)

    @property
    def index(self) -> int:
        """Months since year 0, so two months subtract into the number of months between them."""
        return self.year * 12 + self.month - 1

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @property
    def first_day(self) -> date:
        """How a month is stored in a DateField: its first day."""
        return date(self.year, self.month, 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


class Payer(StrEnum):
    """Who pays a member's contribution."""

    APBN = "apbn"
    APBD = "apbd"
    DANA_DESA = "dana_desa"
    CSR = "csr"
    MANDIRI = "mandiri"  # the worker himself

    @property
    def collective(self) -> bool:
        """Pays for many members at once ("wadah"): the regency, a village, a company."""
        return self is not Payer.MANDIRI


@dataclass(frozen=True)
class IncomeTier:
    """A row of PP 44/2015 Lampiran II: JKK is 1% and JHT 2% of the declared income."""

    income: int
    jkk: int
    jht: int
    valid_from: Month
    valid_to: Month | None  # None: still in force
    source: str


@dataclass(frozen=True)
class JkmRate:
    amount: int
    valid_from: Month
    valid_to: Month | None
    source: str


@dataclass(frozen=True)
class Discount:
    """A temporary cut of some components; of the rows that match a case, the first one wins."""

    name: str
    valid_from: Month
    valid_to: Month
    percent: int
    occupations: frozenset[str] | None  # None: every occupation
    excluded_payers: frozenset[Payer]
    components: frozenset[str]  # of "jkk", "jkm", "jht"
    source: str


Rule = IncomeTier | JkmRate | Discount

_PP_44_2015 = Month(2015, 7)  # BPJS Ketenagakerjaan's JKK and JKM started in July 2015



@cache  # a Regulation is frozen: one table per settings
def income_tiers(reg: Regulation = DEFAULT) -> tuple[IncomeTier, ...]:
    """The tier table of the settings (``reg.income_tiers``: income, JKK, JHT), in force since PP 44/2015. Only the
    lowest tier is known for sure; the office fills the rest from BPJS's bracket list, other tiers are refused."""
    return tuple(IncomeTier(income, jkk, jht, _PP_44_2015, None, "PP 44/2015 Lampiran II (JKK 1%), PP 46/2015 (JHT 2%)")
                 for income, jkk, jht in reg.income_tiers)


INCOME_TIERS = income_tiers()

JKM_RATES: tuple[JkmRate, ...] = (
    JkmRate(6_800, _PP_44_2015, None, "PP 44/2015 (JKM BPU Rp6.800 per bulan)"),
)

_GOVERNMENT = frozenset({Payer.APBN, Payer.APBD})


@cache
def discounts(reg: Regulation = DEFAULT) -> tuple[Discount, ...]:
    """PP 50/2025 halves JKK and JKM but not for members paid from APBN/APBD; its transport workers are the open
    list ``reg.transport_occupations`` (drivers of ojek and other vehicles, couriers: occupation codes of the
    register). The transport row comes first because its period is longer and the two rows must not stack."""
    return (
        Discount("Diskon 50% iuran JKK dan JKM sektor transportasi", Month(2026, 1), Month(2027, 3),
                 50, frozenset(reg.transport_occupations), _GOVERNMENT, frozenset({"jkk", "jkm"}), "PP 50/2025"),
        Discount("Diskon 50% iuran JKK dan JKM", Month(2026, 4), Month(2026, 12),
                 50, None, _GOVERNMENT, frozenset({"jkk", "jkm"}), "PP 50/2025"),
    )


DISCOUNTS = discounts()  # by the default settings
TRANSPORT_OCCUPATIONS = frozenset(DEFAULT.transport_occupations)


class UnknownTier(ValueError):
    """The declared income has no row in the tier table for that month."""


@dataclass(frozen=True)
class Contribution:
    """One member's contribution for one month. ``jkk``, ``jkm`` and ``jht`` are before the
    discount; ``total`` is what is paid."""

    jkk: int
    jkm: int
    jht: int  # 0 when JHT was not chosen
    discount: int
    due_date: date  # of JKK and JKM
    jht_due_date: date | None  # None when JHT was not chosen
    # The calendar has no holiday list for a due date's year (the SKB 3 Menteri is published about
    # September of the year before), so only weekends were skipped.
    due_dates_provisional: bool
    basis: tuple[Rule, ...]  # the rows used, for the bill's explanation

    @property
    def total(self) -> int:
        return self.jkk + self.jkm + self.jht - self.discount

    @property
    def full_rate(self) -> int:
        """The month's contribution without the discount."""
        return self.jkk + self.jkm + self.jht

    def credit(self, paid: int) -> int:
        """What paying ``paid`` for this month leaves as a credit on the next month (PP 50/2025 Ps 6(1)): the part
        of a discounted month paid above the discounted amount, up to the full rate. None without a discount, so
        never for APBD/APBN, whom the discount does not apply to."""
        return max(0, min(paid, self.full_rate) - self.total) if self.discount else 0


def contribution(
    month: Month | str,
    payer: Payer | str,
    occupation: str,
    income: int = 1_000_000,
    *,
    jht: bool = False,
    tiers: tuple[IncomeTier, ...] | None = None,
    reg: Regulation = DEFAULT,
    calendar: Calendar = SHIPPED,
) -> Contribution:
    """The contribution of a BPU member for ``month``, by the tier table and transport occupations of ``reg``
    (``tiers`` replaces its tier table).

    ("2026-05", "mandiri", "pedagang-kecil") -> total 8,400; the same with "apbd" -> 16,800.
    Raises UnknownTier for an income that the tiers do not have in that month.
    """
    month = Month.parse(month) if isinstance(month, str) else month
    payer = Payer(payer)
    tiers = income_tiers(reg) if tiers is None else tiers
    tier = next((t for t in tiers if t.income == income and _in_force(t, month)), None)
    if tier is None:
        raise UnknownTier(_unknown_tier(income, month, tiers))
    jkm = next((r for r in JKM_RATES if _in_force(r, month)), None)
    if jkm is None:
        raise ValueError(f"Tidak ada tarif JKM untuk bulan {month}.")
    amounts = {"jkk": tier.jkk, "jkm": jkm.amount, "jht": tier.jht if jht else 0}
    basis: list[Rule] = [tier, jkm]
    discount = next((d for d in discounts(reg) if _discounted(d, month, payer, occupation)), None)
    cut = 0
    if discount is not None:
        basis.append(discount)
        # PP 50/2025 fixes the *payable* part at 50%, so each component's payable part is
        # rounded half up to the Rupiah and the discount is the rest: 10,001 -> pay 5,001.
        for component in discount.components:
            amount = amounts[component]
            cut += amount - (amount * (100 - discount.percent) + 50) // 100
    due = due_date(month, collective=payer.collective, reg=reg, calendar=calendar)
    jht_due = jht_due_date(month, reg=reg, calendar=calendar) if jht else None
    return Contribution(
        jkk=amounts["jkk"], jkm=amounts["jkm"], jht=amounts["jht"], discount=cut,
        due_date=due, jht_due_date=jht_due,
        due_dates_provisional=not all(calendar.knows(d.year) for d in (due, jht_due) if d),
        basis=tuple(basis),
    )


def prepayment_refused(month: Month, paid_on: date, reg: Regulation = DEFAULT) -> str | None:
    """Why paying ``month`` on ``paid_on`` is refused: it is more than ``reg.prepay_max_months`` months ahead of the
    month of payment (paying ahead is possible, within a limit: DOMAIN.md sections 2 and 8). None when it may be
    paid."""
    latest = Month.of(paid_on).shift(reg.prepay_max_months)
    if month <= latest:
        return None
    return (f"Iuran bulan {bulan(month)} tidak dapat dibayar pada {tanggal(paid_on)}: paling jauh "
            f"{reg.prepay_max_months} bulan di muka, yaitu sampai {bulan(latest)}.")


def month_range(first: Month, last: Month) -> list[Month]:
    """Every month from ``first`` to ``last``, both included."""
    found, month = [], first
    while month <= last:
        found.append(month)
        month = month.next()
    return found


def highest_monthly(first: Month, last: Month, payer: Payer | str, income: int = 1_000_000, *,
                    jht: bool = False, tiers: tuple[IncomeTier, ...] | None = None, reg: Regulation = DEFAULT) -> int:
    """The most one person's month costs from ``first`` to ``last`` for an occupation on no discount
    list: the price a budget plan uses. Discounts only lower a month, so such a plan never overspends.
    Raises UnknownTier like ``contribution``."""
    if last < first:
        raise ValueError(f"Bulan terakhir {last} sebelum bulan pertama {first}.")
    return max(contribution(m, payer, "", income, jht=jht, tiers=tiers, reg=reg).total
               for m in month_range(first, last))


BULAN = ("Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember").split()


def tanggal(day: date) -> str:
    """A date the Indonesian way, for messages: 17 Desember 2024."""
    return f"{day.day} {BULAN[day.month - 1]} {day.year}"


def bulan(month: Month) -> str:
    """A month the Indonesian way, for messages: Desember 2026."""
    return f"{BULAN[month.month - 1]} {month.year}"


def due_date(month: Month | str, *, collective: bool = False, reg: Regulation = DEFAULT,
             calendar: Calendar = SHIPPED) -> date:
    """When JKK and JKM of ``month`` are due: the due day (``reg.due_day``, the 15th) of the month itself, or
    the next working day when the office is closed then (weekends, libur nasional and, by the setting, cuti
    bersama of ``calendar``). A ``collective`` payer (the regency, a village) pays by the due day of the
    following month instead when ``reg.collective_pays_in_month`` is off, as BPJS practice may have it.

    For years the calendar has no holiday list for, only weekends are skipped; see
    ``Contribution.due_dates_provisional``.
    """
    month = Month.parse(month) if isinstance(month, str) else month
    return _on_due_day(month.next() if collective and not reg.collective_pays_in_month else month, reg, calendar)


def jht_due_date(month: Month | str, *, reg: Regulation = DEFAULT, calendar: Calendar = SHIPPED) -> date:
    """When JHT of ``month`` is due: the due day of the following month, or the next working day."""
    month = Month.parse(month) if isinstance(month, str) else month
    return _on_due_day(month.next(), reg, calendar)


def _on_due_day(month: Month, reg: Regulation, calendar: Calendar) -> date:
    # A due day past a month's end (a setting of 31 in February) is its last day.
    day = date(month.year, month.month, min(reg.due_day, monthrange(month.year, month.month)[1]))
    return calendar.next_working_day(day, reg)


def _in_force(row: Rule, month: Month) -> bool:
    return row.valid_from <= month and (row.valid_to is None or month <= row.valid_to)


def _discounted(discount: Discount, month: Month, payer: Payer, occupation: str) -> bool:
    return (
        _in_force(discount, month)
        and payer not in discount.excluded_payers
        and (discount.occupations is None or occupation in discount.occupations)
    )


def _unknown_tier(income: int, month: Month, tiers: tuple[IncomeTier, ...]) -> str:
    known = ", ".join(format_rupiah(t.income) for t in tiers if _in_force(t, month))
    return (
        f"Penghasilan {format_rupiah(income)} belum ada di tabel tingkat penghasilan BPU untuk "
        f"bulan {month} (yang tersedia: {known or 'tidak ada'}). Tambahkan tingkat ini ke tabel "
        "sesuai PP 44/2015 Lampiran II sebelum dipakai."
    )
