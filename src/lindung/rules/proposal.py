"""The budget proposal (RKA) for a coming year, issue 15 item 4: what N people cost over a period, month by month at
the rate in force each month, and what a budget of Rp X buys — how many people for the whole period, and how many
months for the N people — in whole people and whole months, with the money left.

Each month is priced by ``contributions.contribution`` from its dated tables, so a rate change inside the period
applies from its month. Like ``contributions.highest_monthly``, a month is priced for an occupation on no discount
list: a discount for some occupations only (transport workers, PP 50/2025) never makes the request too small.

Money is integer Rupiah; messages are Indonesian because they are shown to the clerk.
"""

from __future__ import annotations

from dataclasses import dataclass

from lokal import format_rupiah

from lindung.rules.contributions import DISCOUNTS, INCOME_TIERS, IncomeTier, Month, Payer, contribution, month_range

# Bounds that catch a slip of the keyboard, far above any real request.
MAX_PEOPLE = 10_000_000  # more than the population of any regency
MAX_BUDGET = 100_000_000_000_000  # Rp100 triliun: more than any region's whole APBD


@dataclass(frozen=True)
class Basis:
    """What the proposal assumes: the period (within one budget year), who pays, the income tier and the package."""

    first: Month
    last: Month
    payer: Payer
    income: int = 1_000_000
    jht: bool = False
    tiers: tuple[IncomeTier, ...] = INCOME_TIERS

    def __post_init__(self) -> None:
        object.__setattr__(self, "payer", Payer(self.payer))  # "apbd" from a form
        if self.last < self.first:
            raise ValueError(f"Bulan terakhir {self.last} sebelum bulan pertama {self.first}.")
        if self.last.year != self.first.year:
            raise ValueError("Usulan anggaran disusun per tahun anggaran: bulan pertama dan terakhir harus dalam "
                             f"tahun yang sama, bukan {self.first} dan {self.last}.")

    @property
    def months(self) -> int:
        return self.last.index - self.first.index + 1


@dataclass(frozen=True)
class Line:
    """One month of the proposal: one person's contribution that month, for ``people``."""

    month: Month
    rate: int
    people: int

    @property
    def cost(self) -> int:
        return self.rate * self.people


@dataclass(frozen=True)
class Proposal:
    basis: Basis
    people: int
    budget: int
    lines: tuple[Line, ...]  # every month of the period, for ``people``
    people_bought: int  # whole people the budget pays for the whole period
    months_bought: int  # whole months, from the first, the budget pays for ``people``
    sources: tuple[str, ...]  # the regulations the rates come from
    not_applied: tuple[str, ...]  # discounts in force during the period that this payer does not get

    @property
    def total(self) -> int:
        return sum(line.cost for line in self.lines)

    @property
    def shortfall(self) -> int:
        """What the budget lacks to pay every person for the whole period (0 when it is enough)."""
        return max(0, self.total - self.budget)

    @property
    def per_person(self) -> int:
        """One person for the whole period."""
        return sum(line.rate for line in self.lines)

    @property
    def people_cost(self) -> int:
        return self.people_bought * self.per_person

    @property
    def people_left(self) -> int:
        return self.budget - self.people_cost

    @property
    def months_cost(self) -> int:
        return sum(line.cost for line in self.lines[:self.months_bought])

    @property
    def months_left(self) -> int:
        return self.budget - self.months_cost

    @property
    def last_month_bought(self) -> Month | None:
        return self.lines[self.months_bought - 1].month if self.months_bought else None


def propose(basis: Basis, people: int, budget: int) -> Proposal:
    """The cost of ``people`` over ``basis``'s period and what ``budget`` buys.

    Kaur, 2025, APBD, JKK + JKM: 7,130 people cost Rp119,784,000 a month; Rp300,000,000 pays them for 2 months
    (Rp60,432,000 left) or 1,488 people for the whole year (Rp19,200 left). Raises ValueError (UnknownTier for an
    income tier not in the table) with a message for the clerk.
    """
    _check("Jumlah orang", people, MAX_PEOPLE, format_rupiah(MAX_PEOPLE, symbol=False) + " orang")
    _check("Anggaran", budget, MAX_BUDGET, format_rupiah(MAX_BUDGET))
    months = month_range(basis.first, basis.last)
    found = [contribution(m, basis.payer, "", basis.income, jht=basis.jht, tiers=basis.tiers) for m in months]
    lines = tuple(Line(m, c.total, people) for m, c in zip(months, found))
    bought, spent = 0, 0
    for line in lines:  # whole months from the first, while the money lasts
        if spent + line.cost > budget:
            break
        bought, spent = bought + 1, spent + line.cost
    return Proposal(
        basis=basis, people=people, budget=budget, lines=lines,
        people_bought=budget // sum(line.rate for line in lines), months_bought=bought,
        sources=tuple(dict.fromkeys(row.source for c in found for row in c.basis)),
        not_applied=tuple(
            f"{d.name} ({d.source}) tidak berlaku karena iuran dibayar dari {basis.payer.value.upper()}."
            for d in DISCOUNTS
            if d.occupations is None and basis.payer in d.excluded_payers
            and d.valid_from <= basis.last and basis.first <= d.valid_to
        ),
    )


def _check(what: str, value: int, most: int, most_text: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} harus bilangan bulat, bukan {value!r}.")
    if value <= 0:
        raise ValueError(f"{what} harus lebih dari nol, bukan {value}.")
    if value > most:
        raise ValueError(f"{what} paling banyak {most_text}: periksa angka nol yang diketik.")
