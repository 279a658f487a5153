"""Reads of the money cycle, always through the user's area."""

from django.db.models import OuterRef, QuerySet, Subquery

from lindung.accounts.scoping import area_code, within
from lindung.enrolment.models import Membership
from lindung.rules import coverage
from lindung.rules.contributions import Month, Payer

from .models import Bill, BillLine, PaidMonth


def bills_for(user, programme) -> QuerySet[Bill]:
    """A programme's bills. A bill is the regency's (totals, no names), so anyone with an area sees it."""
    if area_code(user) is None:
        return Bill.objects.none()
    return Bill.objects.filter(programme=programme).order_by("month")


def bill_lines(user, bill: Bill) -> QuerySet[BillLine]:
    """The bill's lines of the members in the user's area, in payment order (by NIK), each with ``paid_on``
    (None: unpaid)."""
    paid = PaidMonth.objects.filter(peserta=OuterRef("peserta_id"), month=OuterRef("month"))
    return (BillLine.objects.filter(within(user, "peserta__desa__code"), bill=bill)
            .annotate(paid_on=Subquery(paid.values("paid_on")[:1])).select_related("peserta").order_by("peserta__nik"))


def coverage_of(user, membership: Membership) -> coverage.Membership:
    """The membership as the coverage engine sees it (for `coverage.timeline`, `status_on`, …).
    Raises Membership.DoesNotExist outside the user's area."""
    membership = Membership.objects.filter(within(user, "peserta__desa__code")).get(pk=membership.pk)
    return as_coverage(membership, PaidMonth.objects.filter(membership=membership))


def as_coverage(membership: Membership, paid_months) -> coverage.Membership:
    """The engine's membership from our rows. Coverage starts on the first funded month's first day: the
    registration date BPJS records is the start of the cooperation agreement's first month (DOMAIN.md §2)."""
    return coverage.Membership(registered=membership.first, payments=tuple(
        coverage.Payment(Month.of(p.month), Payer(p.payer), p.paid_on) for p in paid_months))


PAYERS = {Payer.APBN: "APBN", Payer.APBD: "APBD", Payer.DANA_DESA: "Dana desa", Payer.CSR: "CSR",
          Payer.MANDIRI: "Mandiri"}


def timeline_of(user, membership: Membership, today) -> list[dict]:
    """Month by month from the first funded month to four months after the last (when an unpaid
    member lapses): who paid, when, late or not, and the status — for the worker's page."""
    rows = coverage.timeline(coverage_of(user, membership), Month.of(membership.first),
                             Month.of(membership.last).shift(4), today=today)
    return [{"month": r.month, "payer": PAYERS.get(r.payer, ""), "paid_on": r.paid_on, "late": r.late,
             "due": r.due, "status": r.status} for r in rows]
