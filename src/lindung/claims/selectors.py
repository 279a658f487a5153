"""Reads of claims, always through the user's area (the member's village)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, QuerySet, Sum
from django.db.models.functions import Substr, TruncMonth

from lindung.accounts.scoping import area_code, within
from lindung.rules import claims as rules

from .models import Claim, ClaimDocument

AREA = "membership__peserta__desa__code"


def claims_for(user) -> QuerySet[Claim]:
    if area_code(user) is None:
        return Claim.objects.none()
    return (Claim.objects.filter(within(user, AREA))
            .select_related("membership__peserta__desa", "membership__programme", "reported_by"))


def claim(user, number: str) -> Claim:
    """One claim the user may see; Claim.DoesNotExist otherwise."""
    return claims_for(user).get(number=number)


@dataclass(frozen=True)
class ChecklistRow:
    document: rules.Document
    files: list[ClaimDocument]

    @property
    def done(self) -> bool:
        return bool(self.files)


def checklist(claim: Claim) -> list[ChecklistRow]:
    """The claim's checklist with the files uploaded for each document (of a claim a selector gave the user)."""
    files = list(claim.documents.select_related("uploaded_by").order_by("uploaded_at", "pk"))
    return [ChecklistRow(d, [f for f in files if f.kind == d.code])
            for d in rules.checklist(claim.kind, claim.traffic_accident)]


def with_warnings(user, day: date, *, overdue_only: bool = False) -> list[tuple[Claim, list[rules.Warning]]]:
    """The open claims that have a warning on ``day`` (a deadline near or passed), the overdue first. A regency
    has tens of claims a year, so the rules run over the open ones in Python."""
    found = []
    for c in claims_for(user).filter(status__in=rules.OPEN).order_by("event_date", "number"):
        warned = [w for w in rules.warnings(c.facts(), day) if w.overdue or not overdue_only]
        if warned:
            found.append((c, warned))
    return sorted(found, key=lambda row: not any(w.overdue for w in row[1]))


def overdue(user, day: date) -> list[tuple[Claim, list[rules.Warning]]]:
    """The open claims past a deadline on ``day``: to be highlighted."""
    return with_warnings(user, day, overdue_only=True)


def alerts(user) -> QuerySet[Claim]:
    """Reports from a kecamatan or a village the office has not seen yet, for the office's home page."""
    return claims_for(user).filter(seen_by_office_at__isnull=True).order_by("reported_on", "number")


def counts(user, by: str) -> list[dict]:
    """Claims counted by ``kind``, ``status``, ``kecamatan`` (code) or ``month`` (of the event), with the amount
    paid: [{by: value, "claims": n, "paid": Rupiah}]."""
    keys = {"kind": F("kind"), "status": F("status"), "kecamatan": Substr("membership__peserta__desa_id", 1, 8),
            "month": TruncMonth("event_date")}
    if by not in keys:
        raise ValueError(f"Tidak bisa menghitung klaim menurut {by!r}.")
    return list(claims_for(user).order_by().annotate(key=keys[by]).values("key")
                .annotate(claims=Count("pk"), paid=Sum("paid_amount")).order_by("key")
                .values("key", "claims", "paid"))


def amounts_paid(user) -> dict[str, int]:
    """The amount paid per kind of claim, and in all (key "total")."""
    rows = dict(claims_for(user).filter(status=Claim.Status.PAID).order_by().values("kind")
                .annotate(paid=Sum("paid_amount")).values_list("kind", "paid"))
    return {**{k: rows.get(k, 0) for k in Claim.Kind.values}, "total": sum(rows.values())}


@dataclass(frozen=True)
class DaysToPayment:
    number: str
    kind: str
    days: int  # calendar days from the event to the payment
    late: bool  # paid after the day BPJS had to pay by


def days_to_payment(user) -> list[DaysToPayment]:
    """For each paid claim: how long the family waited from the event, and whether BPJS paid late."""
    rows = (claims_for(user).filter(status=Claim.Status.PAID).order_by("paid_on", "number")
            .values_list("number", "kind", "event_date", "paid_on", "payment_due"))
    return [DaysToPayment(number, kind, (paid - event).days, due is not None and paid > due)
            for number, kind, event, paid, due in rows]
