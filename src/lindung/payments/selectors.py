"""Reads of the money cycle, always through the user's area."""

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils.translation import gettext

from lindung.regulation.selectors import calendar, regulation_on
from lindung.accounts.scoping import area_code, within
from lindung.audit.selectors import actors_on
from lindung.core.templatetags.lindung import bulan as month_words
from lindung.enrolment.models import Membership
from lindung.life.selectors import live_cover, paid_by_others
from lindung.programs.models import PlanLine
from lindung.rules import coverage
from lindung.rules.bill_check import RULES, Rule
from lindung.rules.contributions import Month, Payer, month_range
from lindung.wilayah.models import Wilayah

from .models import Bill, BillFinding, BillLine, Difference, PaidMonth, Payment, Reconciliation
from .protection import latest_due_month

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from .protection import ProtectedMembership

# The memberships a monthly bill charges for (read by the bill, its check and the hand-over to self-pay).
BILLED = (Membership.Status.ACTIVE, Membership.Status.REGISTERED)


def bills_for(user, programme) -> QuerySet[Bill]:
    """A programme's bills. A bill is the regency's (totals, no names), so anyone with an area sees it."""
    if area_code(user) is None:
        return Bill.objects.none()
    return Bill.objects.filter(programme=programme).order_by("month")


class PaidOn(TypedDict):
    """What ``bill_lines`` annotates a line with (for the type checker)."""
    paid_on: date | None


def bill_lines(user, bill: Bill) -> "QuerySet[WithAnnotations[BillLine, PaidOn]]":
    """The bill's lines of the members in the user's area, in payment order (by NIK), each with ``paid_on``
    (None: unpaid)."""
    paid = PaidMonth.objects.filter(peserta=OuterRef("peserta_id"), month=OuterRef("month"))
    return (BillLine.objects.filter(within(user, "peserta__desa__code"), bill=bill)
            .annotate(paid_on=Subquery(paid.values("paid_on")[:1])).select_related("peserta").order_by("peserta__nik"))


def coverage_of(user, membership: Membership) -> coverage.Membership:
    """The membership as the coverage engine sees it (for `coverage.timeline`, `status_on`, …).
    Raises Membership.DoesNotExist outside the user's area."""
    return membership_coverage(Membership.objects.filter(within(user, "peserta__desa__code")).get(pk=membership.pk))


def membership_coverage(membership: Membership) -> coverage.Membership:
    """The engine's membership with every month paid for it, whoever reads (the card's public check has no user)."""
    return as_coverage(membership, PaidMonth.objects.filter(membership=membership))


def as_coverage(membership: Membership, paid_months) -> coverage.Membership:
    """The engine's membership from our rows. Registered on the first funded month's first day; cover starts with
    the first payment, from its month or the programme's PKS date (``coverage.cover_start``, DOMAIN.md §3)."""
    return coverage.Membership(registered=membership.first, payments=tuple(
        coverage.Payment(Month.of(p.month), Payer(p.payer), p.paid_on) for p in paid_months),
        ended_on=membership.ended_on, end_kind=coverage.EndKind(membership.end_kind) if membership.end_kind else None,
        pks=membership.programme.pks_date)


def status_of(membership: "ProtectedMembership", day: date, *, latest: Month | None = None) -> coverage.Status:
    """The engine's Status of a membership annotated by ``protection.with_protection`` on ``day``: its label and
    explanation for a list, without reading its payments again. ``latest``: ``latest_due_month(day)``, when a list
    has it already."""
    state = coverage.State(membership.protection_state)
    latest = latest or latest_due_month(day)
    arrears = tuple(latest.shift(-i) for i in reversed(range(membership.protection_arrears)))
    ended = state is coverage.State.ENDED
    return coverage.Status(state, arrears=arrears, lapse=membership.protection_lapse,
                           end_kind=coverage.EndKind(membership.end_kind) if ended else None,
                           ended_on=membership.ended_on if ended else None)


PAYERS: dict[str | None, str] = {Payer.APBN: "APBN", Payer.APBD: "APBD", Payer.DANA_DESA: "Dana desa", Payer.CSR: "CSR",
          Payer.MANDIRI: "Mandiri"}


def timeline_of(user, membership: Membership, today) -> list[dict]:
    """Month by month from the first funded month to four months after the last (when an unpaid
    member lapses): who paid, when, late or not, and the status — for the worker's page."""
    rows = coverage.timeline(coverage_of(user, membership), Month.of(membership.first),
                             Month.of(membership.last).shift(4), today=today, reg=regulation_on(today),
                             calendar=calendar())
    return [{"month": r.month, "payer": PAYERS.get(r.payer, ""), "paid_on": r.paid_on, "late": r.late,
             "due": r.due, "status": r.status} for r in rows]


COMMITTED = (Bill.Status.APPROVED, Bill.Status.PARTLY_PAID, Bill.Status.PAID)


@dataclass(frozen=True)
class MonthRealised:
    month: Month
    bill: Bill | None
    planned: int | None  # what the approved plan expected; None without a plan
    draft: int  # a draft bill's total: not committed until approved
    committed: int  # an approved (partly) paid or unpaid bill's total
    paid: int  # payments against this month's bill
    paid_to_date: int  # payments against the bills of this month and the months before


@dataclass(frozen=True)
class Realisation:
    ceiling: int
    months: list[MonthRealised]
    planned: int | None
    draft: int
    committed: int
    paid: int

    @property
    def remaining(self) -> int:
        """What the ceiling still allows after every approved bill, paid or not."""
        return self.ceiling - self.committed


def realisation(user, programme) -> Realisation:
    """The budget's use month by month over the programme's period. Bills and payments are the regency's
    totals, readable by anyone with an area like the bills themselves; the plan's figures are counts."""
    months = month_range(programme.first_month, programme.last_month)
    bills = bills_for(user, programme)
    by_month = {Month.of(b.month): b for b in bills}
    paid = {Month.of(day): s for day, s in Payment.objects.filter(bill__in=bills).order_by()
            .values("bill__month").annotate(s=Sum("amount")).values_list("bill__month", "s")}
    planned = _planned(programme.plan, months) if programme.plan_id and area_code(user) else None
    rows, to_date = [], 0
    for i, month in enumerate(months):
        bill = by_month.get(month)
        to_date += paid.get(month, 0)
        rows.append(MonthRealised(
            month, bill, planned[i] if planned else None,
            draft=bill.total if bill and bill.status == Bill.Status.DRAFT else 0,
            committed=bill.total if bill and bill.status in COMMITTED else 0, paid=paid.get(month, 0),
            paid_to_date=to_date))
    return Realisation(programme.budget, rows, sum(planned) if planned else None, sum(r.draft for r in rows),
                       sum(r.committed for r in rows), to_date)


def _planned(plan, months: list[Month]) -> list[int]:
    """Per month, the plan's members covered that month times its price: one query, adds up to the plan's cost."""
    counts = PlanLine.objects.filter(scenario=plan).aggregate(**{
        f"m{i}": Count("pk", filter=Q(first__lte=m.first_day, last__gte=m.first_day)) for i, m in enumerate(months)})
    return [counts[f"m{i}"] * plan.cost_per_month for i in range(len(months))]


def realisation_chart(found: Realisation) -> dict:
    """Committed and paid per month as bars, paid to date against the ceiling as lines (core charts.js)."""
    labels = [month_words(r.month) for r in found.months]
    traces = [
        {"type": "bar", "name": gettext("Committed (approved bills)"), "x": labels,
         "y": [r.committed for r in found.months], "marker": {"color": "#0b6e4f"}},
        {"type": "bar", "name": gettext("Amount paid"), "x": labels, "y": [r.paid for r in found.months],
         "marker": {"color": "#7fb8a4"}},
        {"type": "scatter", "mode": "lines+markers", "name": gettext("Paid to date"), "x": labels,
         "y": [r.paid_to_date for r in found.months], "line": {"color": "#1f4e79"}},
        {"type": "scatter", "mode": "lines", "name": gettext("Budget ceiling (pagu)"), "x": labels,
         "y": [found.ceiling] * len(labels), "line": {"dash": "dot", "color": "#b3261e"}},
    ]
    if found.planned is not None:
        traces.append({"type": "scatter", "mode": "lines", "name": gettext("Plan, per month"), "x": labels,
                       "y": [r.planned for r in found.months], "line": {"dash": "dash", "shape": "hv", "color": "#888"}})
    return {"title": gettext("Budget realisation (Rp)"), "traces": traces}


def bill_by_kecamatan(user, bill: Bill) -> list[dict]:
    """Per kecamatan of the user's area: code, name, members and the sums of jkk, jkm, jht, discount, total."""
    rows = list(BillLine.objects.filter(within(user, "peserta__desa__code"), bill=bill).order_by()
                .values(code=F("peserta__desa__parent_id"))
                .annotate(members=Count("pk"), jkk=Sum("jkk"), jkm=Sum("jkm"), jht=Sum("jht"), discount=Sum("discount"),
                          total=Sum("total")).order_by("code"))
    names = dict(Wilayah.objects.filter(code__in=[r["code"] for r in rows]).values_list("code", "name"))
    return [{**r, "name": names.get(r["code"], r["code"])} for r in rows]


LINE_COLUMNS = ("peserta__nik", "peserta__nama", "peserta__desa__parent__name", "peserta__desa__name", "membership__kpj",
                "jkk", "jkm", "jht", "discount", "total", "paid_on")


def bill_line_rows(user, bill: Bill):
    """The lines of the user's area as tuples of LINE_COLUMNS, streamed from the database (for big exports)."""
    return bill_lines(user, bill).values_list(*LINE_COLUMNS).iterator(chunk_size=2000)


def findings_for(user, bill: Bill) -> QuerySet[BillFinding]:
    """The check's findings on the bill of members in the user's area, by rule then NIK."""
    return (BillFinding.objects.filter(within(user, "peserta__desa__code"), bill=bill)
            .select_related("peserta__desa__parent", "membership", "decided_by").order_by("rule", "peserta__nik"))


OUTCOMES = (BillFinding.Outcome.OPEN, BillFinding.Outcome.EXCLUDED, BillFinding.Outcome.KEPT)


@dataclass(frozen=True)
class RuleCount:
    rule: Rule
    title: str
    why: str
    open: int
    excluded: int
    kept: int


def check_summary(user, bill: Bill) -> list[RuleCount]:
    """Per rule of the check, in the rules' order, how many of the user's area's findings are open, taken off the
    bill and kept on it; every rule, so that a clean rule shows as checked with none found."""
    counts = {(r, o): n for r, o, n in findings_for(user, bill).order_by().values_list("rule", "outcome")
              .annotate(n=Count("pk")).values_list("rule", "outcome", "n")}
    return [RuleCount(rule, RULES[rule].title, RULES[rule].why, *(counts.get((rule, o), 0) for o in OUTCOMES))
            for rule in Rule]


def put_in_arrears(user, payment: Payment) -> QuerySet[PaidMonth]:
    """The months a late payment paid, of members of the user's area: each member was in arrears from the bill's
    due date until the payment (rules.coverage). Empty for a payment made in time."""
    return (PaidMonth.objects.filter(within(user, "peserta__desa__code"), payment=payment, payment__late=True)
            .select_related("peserta__desa", "membership").order_by("peserta__nik"))


def reconciliations_for(user, bill: Bill) -> QuerySet[Reconciliation]:
    """The bill's comparisons with BPJS's files, the latest (the one that counts) first. Counts and totals
    name nobody, so anyone who sees the bill sees them; the differences go through ``differences``."""
    if area_code(user) is None:
        return Reconciliation.objects.none()
    return Reconciliation.objects.filter(bill=bill).select_related("imported_by").order_by("-imported", "-pk")


def differences(user, reconciliation: Reconciliation, kind: str | None = None,
                open_only: bool = False) -> QuerySet[Difference]:
    """The reconciliation's differences in the user's area: a member's by his village; someone only BPJS
    bills carries the regency's code, so only users of the whole regency see him."""
    found = Difference.objects.filter(within(user, "desa_code"), reconciliation=reconciliation)
    if kind:
        found = found.filter(kind=kind)
    if open_only:
        found = found.filter(resolved_at__isnull=True)
    return found.select_related("resolved_by").order_by("kind", "nik", "kpj", "pk")


def makers(bill: Bill) -> set[int | None]:
    """Who made the bill, added members to its draft or took them off it: none of them may approve it."""
    return {bill.created_by_id} | actors_on(f"bill:{bill.pk}", ["payments.bill_generated",
                                                               "payments.bill_members_excluded"])


@dataclass(frozen=True)
class DoubleCover:
    """A month we bill a person for that another payer pays too (DOMAIN.md §9, Penajam Paser Utara)."""

    month: date
    nik: str
    nama: str
    kecamatan: str
    desa: str
    bill_status: str
    total: int
    paid_on: date | None
    payers: str  # the other payers' names and kinds, "; "-joined


def double_cover(user, programme) -> list[DoubleCover]:
    """Every bill line of the programme in the user's area whose month another payer's live cover pays as well, by
    month then NIK: one query for the lines (an EXISTS over the cover index), one for their covers."""
    paid = PaidMonth.objects.filter(peserta=OuterRef("peserta_id"), month=OuterRef("month"))
    lines = list(BillLine.objects.filter(within(user, "peserta__desa__code"), bill__programme=programme)
                 .filter(paid_by_others(OuterRef("month"))).annotate(paid_on=Subquery(paid.values("paid_on")[:1]))
                 .order_by("month", "peserta__nik")
                 .values_list("month", "peserta_id", "peserta__nik", "peserta__nama", "peserta__desa__parent__name",
                              "peserta__desa__name", "bill__status", "total", "paid_on"))
    covers: dict[int, list] = {}
    for c in live_cover().filter(peserta_id__in={line[1] for line in lines}).order_by("first", "pk"):
        covers.setdefault(c.peserta_id, []).append(c)
    statuses = dict(Bill.Status.choices)
    return [DoubleCover(month, nik, nama, kecamatan, desa, str(statuses[status]), total, paid_on,
                        "; ".join(f"{c.payer_name} ({c.get_payer_display()})" for c in covers[pk]
                                  if c.first <= month and (c.last is None or month <= c.last)))
            for month, pk, nik, nama, kecamatan, desa, status, total, paid_on in lines]
