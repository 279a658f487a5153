"""What a card may say about its holder's protection, the same on the printed card, the card's page and the public
check its QR opens: never a validity beyond what is paid or funded.

A card is printed once and carried for years, while the protection changes every month; so the card states only
what is true for good on the day it is printed — the months paid, and the last month the programme funds (or
the day he lapsed, or his membership ended) — and says that its QR code shows the status today: the public check
(/v/<token>/) asks the coverage engine live and is the truth.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from lindung.payments.models import PaidMonth
from lindung.payments.selectors import as_coverage
from lindung.regulation.selectors import calendar, regulation_on
from lindung.rules import coverage
from lindung.rules.contributions import Month, bulan, tanggal
from lindung.rules.regulation import Regulation

QR_LINE = "Pindai QR untuk status terkini"  # printed under the QR code
PAID, FUNDED = "Iuran dibayar s.d.", "Didanai program s.d."


@dataclass(frozen=True)
class Printed:
    paid_until: Month | None  # the last month settled by the payments made, oldest first (coverage.paid_until)
    funded_until: Month  # the programme's last funded month for him (Membership.last)
    lapsed_on: date | None = None  # he had lapsed by the day
    ended_on: date | None = None  # his membership had ended by the day (death, exit)
    died: bool = False

    def lines(self) -> list[tuple[str, str]]:
        """(label, value) rows for the card, Indonesian: the months paid, then the programme's last funded month
        while he is covered and it lies beyond them, or since when he is lapsed, or when it ended."""
        rows = [(PAID, bulan(self.paid_until) if self.paid_until else "belum ada")]
        if self.ended_on:
            rows.append(("Meninggal" if self.died else "Berakhir", tanggal(self.ended_on)))
        elif self.lapsed_on:
            rows.append(("Nonaktif sejak", tanggal(self.lapsed_on)))
        elif self.paid_until is None or self.paid_until < self.funded_until:
            rows.append((FUNDED, bulan(self.funded_until)))
        return rows


    def public_lines(self) -> list[tuple[str, str]]:
        """The rows the public check shows beside its verdict: the same words as the card, but not how the
        membership ended (the public learns only that it ended or lapsed, from the verdict)."""
        return [row for row in self.lines() if row[0] in (PAID, FUNDED)]


def printed(membership, paid_months, day: date, reg: Regulation | None = None) -> Printed:
    """The card's statement for ``membership`` on ``day`` from its PaidMonth rows (``paid_months``; only the ones
    paid by the day count). Anything with ``first``, ``last``, ``ended_on``, ``end_kind`` will do; without
    ``first`` (a made-up card) nothing counts as paid."""
    last = membership.last
    funded_until = Month(last.year, last.month)
    first = getattr(membership, "first", None)
    if first is None:
        return Printed(None, funded_until)
    reg = reg or regulation_on(day)
    engine = as_coverage(membership, [p for p in paid_months if p.paid_on <= day])
    days = calendar()
    paid_until = coverage.paid_until(engine, day, reg=reg, calendar=days)
    status = coverage.status_on(engine, day, reg=reg, calendar=days)
    if status.state is coverage.State.ENDED:
        return Printed(paid_until, funded_until, ended_on=status.ended_on,
                       died=status.end_kind is coverage.EndKind.DEATH)
    if status.state is coverage.State.LAPSED:
        return Printed(paid_until, funded_until, lapsed_on=status.lapse)
    return Printed(paid_until, funded_until)


def printed_for(memberships, day: date) -> dict[int, Printed]:
    """Membership pk -> its card's statement on ``day``, for many at once (one query for their months paid).
    Memberships without a pk (made-up cards) are left out."""
    memberships = [m for m in memberships if getattr(m, "pk", None) is not None]
    paid = defaultdict(list)
    for row in PaidMonth.objects.filter(membership_id__in=[m.pk for m in memberships]).order_by("month"):
        paid[row.membership_id].append(row)
    reg = regulation_on(day) if memberships else None
    return {m.pk: printed(m, paid[m.pk], day, reg) for m in memberships}
