"""The regent's figures (issue 14): who is protected today, the year's budget, where the cards are, the claims
and who loses protection soon — for the user's area, set-based (a few queries whatever the number of members).

The same figures make the home page of the Pimpinan and the Admin Dinas, its one-page PDF and
``lindung dashboard --json``. Each count says what it counts: people (each counted once, by his current
membership: payments.protection.current_memberships), cards, claims, Rupiah.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from lindung.accounts.roles import ADMIN_DINAS, AUDITOR, CAMAT, OPERATOR_DINAS, PIMPINAN
from lindung.accounts.scoping import area_code, within
from lindung.cards import selectors as cards
from lindung.claims import selectors as claims
from lindung.claims.models import Claim
from lindung.enrolment.models import Membership
from lindung.payments.protection import (
    LAPSE_HORIZONS, AreaProtection, ProtectionCounts, current_memberships, protection_counts, summed, with_protection,
)
from lindung.payments.selectors import realisation
from lindung.programs.models import Programme
from lindung.programs.selectors import programmes_for
from lindung.registry.selectors import peserta_for
from lindung.rules.coverage import State
from lindung.wilayah.models import Level, Wilayah, level_of

from .kept import kept

# The homes that lead with the regent's figures (a camat's shows his kecamatan's); a village operator's home is
# about the cards and reports of his village.
ROLES = (PIMPINAN.name, ADMIN_DINAS.name, OPERATOR_DINAS.name, CAMAT.name, AUDITOR.name)

# Where the office holds cards: printed, at the office, or returned to it (cards.selectors.card_list's "office").
CARD_PLACES = {"office": cards.AT_OFFICE, "camat": (cards.S.AT_CAMAT,), "village": (cards.S.AT_VILLAGE,),
               "delivered": (cards.S.DELIVERED,)}

# The protection list's filter (``keadaan``): a state, or "berisiko": protected today and lapsing within ``hari`` days.
AT_RISK = "berisiko"
STATES = (State.ACTIVE.value, State.ARREARS.value, State.LAPSED.value, State.ENDED.value, State.NOT_YET.value)


@dataclass(frozen=True)
class ProgrammeBudget:
    programme: Programme
    ceiling: int
    committed: int  # approved bills, paid or not
    paid: int

    @property
    def remaining(self) -> int:
        return self.ceiling - self.committed


@dataclass(frozen=True)
class Dashboard:
    day: date
    area: str  # the user's area code
    protection: ProtectionCounts
    budgets: list[ProgrammeBudget]  # this year's programmes
    cards: dict[str, int]  # office, camat, village, delivered, overdue
    claims: dict  # reported, paid, paid_rupiah, median_days (None: nothing paid)
    regencies: list[AreaProtection]  # a province's page: its figures per regency; [] on a regency's or narrower

    @property
    def budget(self) -> dict[str, int]:
        total = {k: sum(getattr(b, k) for b in self.budgets) for k in ("ceiling", "committed", "paid")}
        return {**total, "remaining": total["ceiling"] - total["committed"]}

    def as_json(self) -> dict:
        """The figures ``lindung dashboard --json`` prints, with exactly these keys."""
        total = self.protection.total
        return {
            "protected_today": total.aktif, "in_arrears": total.menunggak, "lapsed": total.nonaktif,
            "ended": total.berakhir, "not_yet_covered": total.belum, "budget": self.budget, "cards": self.cards, "claims": self.claims,
            **{f"lapse_next_{n}": total.lapse_next[n] for n in LAPSE_HORIZONS},
        }


def shows_dashboard(user) -> bool:
    return getattr(user.role, "name", None) in ROLES and area_code(user) is not None


def dashboard(user, day: date) -> Dashboard:
    """The regent's figures of the user's area on ``day``."""
    area = area_code(user) or ""
    protection = kept("protection_counts", user, day, compute=lambda: protection_counts(user, day))
    return Dashboard(day=day, area=area, protection=protection, budgets=budgets(user, day.year),
                     cards=card_places(user, day), claims=claim_figures(user),
                     regencies=by_regency(protection) if area and level_of(area) == Level.PROVINSI else [])


def by_regency(protection: ProtectionCounts) -> list[AreaProtection]:
    """The province's page: each regency's figures, its kecamatan's summed (a kecamatan code begins with its
    regency's, "17.04.05")."""
    codes = sorted({k.code[:5] for k in protection.kecamatan})
    names = dict(Wilayah.objects.filter(code__in=codes).values_list("code", "name"))
    return [summed(code, names.get(code, code), [k for k in protection.kecamatan if k.code.startswith(code + ".")])
            for code in codes]


def budgets(user, year: int) -> list[ProgrammeBudget]:
    """Each programme of ``year``: its ceiling and what its bills committed and paid (payments.selectors.realisation).
    The budget is the regency's: the same for everyone with an area."""
    found = []
    for programme in programmes_for(user).filter(year=year).order_by("start", "code"):
        r = realisation(user, programme)
        found.append(ProgrammeBudget(programme, r.ceiling, r.committed, r.paid))
    return found


def card_places(user, day: date) -> dict[str, int]:
    """Live cards of the user's area by where they are, and those held too long (cards.selectors.overdue_cards)."""
    return kept("card_places", user, day, compute=lambda: cards.counts_by_place(user, day, CARD_PLACES))


def claim_figures(user) -> dict:
    """Every claim of the user's area: reported (all), paid, Rupiah paid to families, median days from the event to
    the payment (as claims.selectors.report says them, all years)."""
    paid = Q(status=Claim.Status.PAID)
    found = claims.of_year(user).order_by().aggregate(
        reported=Count("pk"), paid=Count("pk", filter=paid), paid_rupiah=Coalesce(Sum("paid_amount", filter=paid), 0))
    waits = [w.days for w in claims.days_to_payment(user)]
    median = statistics.median(waits) if waits else None
    return {**found, "median_days": None if median is None else (int(median) if median == int(median) else median)}


def protection_list(user, day: date, *, state: str = "", kecamatan: str = "", within_days: int | None = None
                    ) -> QuerySet[Membership]:
    """The people behind a protection figure: each person's current membership on ``day`` in the user's area (of
    ``kecamatan`` when given), of one state, or protected today and lapsing within ``within_days`` days (AT_RISK),
    annotated by payments.protection; by village and name."""
    found = current_memberships(day, Membership.objects.filter(within(user, "peserta__desa__code")))
    if kecamatan:
        found = found.filter(peserta__desa__code__startswith=kecamatan + ".")
    found = with_protection(found.select_related("peserta__desa", "programme"), day)
    if state == AT_RISK:
        horizon = day.toordinal() + (within_days or LAPSE_HORIZONS[0])
        found = found.filter(protection_state__in=[State.ACTIVE.value, State.ARREARS.value],
                             protection_lapse__lte=date.fromordinal(horizon))
    elif state:
        found = found.filter(protection_state=state)
    return found.order_by("peserta__desa_id", "peserta__nama", "pk")


def people_by_village(user) -> list[tuple[str, int]]:
    """People in the register per village of the user's area, by village name: the chart of the camat's and the
    village operator's home (core.svgchart, drawn on the server)."""
    # Counted by village code on the register's index of villages (walked as a range, scoping.within), then named:
    # grouping by the joined name read every person's row.
    by_code = dict(peserta_for(user).filter(within(user, "desa__code", as_range=True)).order_by()
                   .values_list("desa_id").annotate(n=Count("pk")).values_list("desa_id", "n"))
    by_name: Counter[str] = Counter()  # in the database's order of the names
    for code, name in Wilayah.objects.filter(code__in=by_code).order_by("name").values_list("code", "name"):
        by_name[name] += by_code[code]
    return list(by_name.items())


def kecamatan_name(code: str) -> str:
    if not code:
        return ""
    return Wilayah.objects.filter(code=code).values_list("name", flat=True).first() or code
