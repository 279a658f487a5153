"""Reads of claims, always through the user's area (the member's village)."""

import statistics
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Substr, TruncMonth

from lindung.accounts.scoping import area_code, within
from lindung.enrolment.models import Membership
from lindung.regulation.models import SettingChange
from lindung.regulation.selectors import calendar, regulation_on
from lindung.rules import claims as rules
from lindung.rules.contributions import Month, month_range
from lindung.rules.holidays import Calendar
from lindung.rules.regulation import Regulation
from lindung.wilayah.models import Wilayah

from .benefit import claim_benefit
from .models import Claim, ClaimDocument

AREA = "membership__peserta__desa__code"
REGISTERED = (Membership.Status.REGISTERED, Membership.Status.ACTIVE)


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
    """The open claims that have a warning on ``day`` (a deadline near or passed, a decision BPJS owes), the overdue
    first. A regency has tens of claims a year, so the rules run over the open ones in Python."""
    found, days, settings_on = [], calendar(), _settings_by_day()
    # The claims alone: their warnings need nothing of the member (joining him cost half a second for a thousand).
    for c in claims_for(user).filter(status__in=rules.OPEN).select_related(None).order_by("event_date", "number"):
        warned = [w for w in warnings(c, day, days, settings_on(c.event_date)) if w.overdue or not overdue_only]
        if warned:
            found.append((c, warned))
    return sorted(found, key=lambda row: not any(w.overdue for w in row[1]))


def _settings_by_day() -> Callable[[date], Regulation]:
    """``regulation_on`` for the event days of many claims, asking once per set of changes in force: the settings on
    a day are those of the latest day a change took effect by then (a query per claim took 2 s for a thousand)."""
    changed = sorted(set(SettingChange.objects.values_list("effective_from", flat=True)))
    found: dict[date | None, Regulation] = {}

    def on(day: date) -> Regulation:
        later = bisect_right(changed, day)
        since = changed[later - 1] if later else None
        if since not in found:
            found[since] = regulation_on(day)
        return found[since]
    return on


def warnings(claim: Claim, day: date, days: Calendar | None = None, reg: Regulation | None = None
             ) -> list[rules.Warning]:
    """The claim's warnings on ``day``: under the settings in force on its event day (a claim is decided by the
    rules of the day it happened; ``reg``: those settings, when the caller has them), its payment deadline in the
    working days of the holiday calendar (``days``: the calendar, when the caller has it already)."""
    return rules.warnings(claim.facts(), day, reg=reg or regulation_on(claim.event_date), calendar=days or calendar())


def deadlines(claim: Claim) -> rules.Deadlines:
    """The claim's deadlines, as ``warnings`` counts them."""
    return claim.facts().deadlines(regulation_on(claim.event_date), calendar())


def overdue(user, day: date) -> list[tuple[Claim, list[rules.Warning]]]:
    """The open claims past a deadline on ``day``: to be highlighted."""
    return with_warnings(user, day, overdue_only=True)


def alerts(user) -> QuerySet[Claim]:
    """Reports from a kecamatan or a village the office has not seen yet, for the office's home page."""
    return claims_for(user).filter(seen_by_office_at__isnull=True).order_by("reported_on", "number")


def of_year(user, year: int | None = None) -> QuerySet[Claim]:
    """The user's claims, of the events of one year when asked (the report's filter)."""
    found = claims_for(user)
    return found if year is None else found.filter(event_date__year=year)


def counts(user, by: str, year: int | None = None) -> list[dict]:
    """Claims counted by ``kind``, ``status``, ``kecamatan`` (code) or ``month`` (of the event), with the paid
    ones and the amount paid: [{by: value, "claims": n, "paid_claims": n, "paid": Rupiah}]."""
    keys = {"kind": F("kind"), "status": F("status"), "kecamatan": Substr("membership__peserta__desa_id", 1, 8),
            "month": TruncMonth("event_date")}
    if by not in keys:
        raise ValueError(f"Tidak bisa menghitung klaim menurut {by!r}.")
    return list(of_year(user, year).order_by().annotate(key=keys[by]).values("key")  # type: ignore[arg-type]  # .values() rows: dicts, TypedDicts to django-stubs
                .annotate(claims=Count("pk"), paid_claims=Count("pk", filter=Q(status=Claim.Status.PAID)),
                          paid=Sum("paid_amount")).order_by("key")
                .values("key", "claims", "paid_claims", "paid"))


def amounts_paid(user, year: int | None = None) -> dict[str, int]:
    """The amount paid per kind of claim, and in all (key "total")."""
    rows = dict(of_year(user, year).filter(status=Claim.Status.PAID).order_by().values("kind")
                .annotate(paid=Sum("paid_amount")).values_list("kind", "paid"))
    return {**{k: rows.get(k, 0) for k in Claim.Kind.values}, "total": sum(rows.values())}


@dataclass(frozen=True)
class DaysToPayment:
    number: str
    kind: str
    days: int  # calendar days from the event to the payment
    late: bool  # paid after the day BPJS had to pay by


def days_to_payment(user, year: int | None = None) -> list[DaysToPayment]:
    """For each paid claim: how long the family waited from the event, and whether BPJS paid late."""
    rows = (of_year(user, year).filter(status=Claim.Status.PAID).order_by("paid_on", "number")
            .values_list("number", "kind", "event_date", "paid_on", "payment_due"))
    return [DaysToPayment(number, kind, (paid - event).days, due is not None and paid > due)  # type: ignore[operator]  # PAID: paid_on set
            for number, kind, event, paid, due in rows]


# --- the claims pages -----------------------------------------------------------------------------

REPORT_SEARCH_LIMIT = 20


def _reportable(user) -> QuerySet[Membership]:
    """Memberships of the user's area BPJS registered (KPJ known): the only ones a claim can be made on."""
    return (Membership.objects.filter(within(user, "peserta__desa__code"), status__in=REGISTERED).exclude(kpj="")
            .select_related("peserta__desa", "programme"))


def members_to_report(user, q: str) -> list[Membership]:
    """Members of the user's area a death or an accident can be reported for, found by a whole NIK (16 digits),
    a whole KPJ or every word of the name (3+ letters); one row per person (the latest membership). A shorter
    query finds nobody: the page never lists the area's members wholesale."""
    q = " ".join((q or "").split())
    found = _reportable(user)
    if q.isdigit():
        found = found.filter(peserta__nik=q) if len(q) == 16 else found.filter(kpj=q)
    elif len(q.replace(" ", "")) >= 3:
        for word in q.split():
            found = found.filter(peserta__nama__icontains=word)
    else:
        return []
    rows, seen = [], set()
    for m in found.order_by("peserta__nama", "peserta_id", "-first")[:REPORT_SEARCH_LIMIT * 3]:
        if m.peserta_id not in seen:
            seen.add(m.peserta_id)
            rows.append(m)
    return rows[:REPORT_SEARCH_LIMIT]


def member_to_report(user, pk) -> Membership:
    """One membership a claim can be reported on by the user; Membership.DoesNotExist otherwise."""
    return _reportable(user).get(pk=pk)


def claim_list(user, *, status: str = "", kind: str = "", kecamatan: str = "") -> QuerySet[Claim]:
    """The user's claims, of one status, kind or kecamatan (code) when asked."""
    found = claims_for(user)
    if status:
        found = found.filter(status=status)
    if kind:
        found = found.filter(kind=kind)
    if kecamatan:
        found = found.filter(membership__peserta__desa__code__startswith=kecamatan + ".")
    return found


def benefit_preview(claim: Claim) -> tuple[dict, str] | None:
    """What submission would freeze if it ran now (services' own computation; nothing is written): the benefit
    (rules.benefits' as_dict) and the coverage status on the event day as a text. None when it cannot be
    computed yet: the office computes it when it submits the claim."""
    try:
        result, status = claim_benefit(claim)
    except ValidationError:
        return None
    return result, status.summary


# --- the claims report ----------------------------------------------------------------------------

# How long families waited from the event to the payment, as the report groups it: (label, last day of it).
WAIT_GROUPS = (("0–14", 14), ("15–30", 30), ("31–60", 60), ("61–90", 90), ("91–180", 180), ("> 180", None))


@dataclass(frozen=True)
class ClaimReport:
    """The figures of the user's area, of the events of one year (or of every year): counts and sums only."""

    year: int | None
    by_kind: list[dict]  # every kind: key, claims, paid_claims, paid (Rupiah)
    by_status: list[dict]  # every status: key, claims
    by_kecamatan: list[dict]  # the kecamatans with claims: key (code), name, claims, paid_claims, paid
    by_month: list[dict]  # every month from the first event to the last: key (Month), claims, paid, kinds {kind: n}
    waits: list[DaysToPayment]  # the paid claims, in the order paid

    @property
    def claims(self) -> int:
        return sum(r["claims"] for r in self.by_kind)

    @property
    def paid_claims(self) -> int:
        return len(self.waits)

    @property
    def paid(self) -> int:
        return sum(r["paid"] for r in self.by_kind)

    @property
    def median_days(self) -> float | None:
        return statistics.median(w.days for w in self.waits) if self.waits else None

    @property
    def average_days(self) -> float | None:
        return round(statistics.fmean(w.days for w in self.waits), 1) if self.waits else None

    @property
    def slowest(self) -> DaysToPayment | None:
        return max(self.waits, key=lambda w: w.days, default=None)

    @property
    def late(self) -> int:
        return sum(w.late for w in self.waits)

    @property
    def distribution(self) -> list[tuple[str, int]]:
        found, start = [], 0
        for label, last in WAIT_GROUPS:
            found.append((label, sum(start <= w.days and (last is None or w.days <= last) for w in self.waits)))
            start = (last or 0) + 1
        return found


def _figures(key, found: dict | None) -> dict:
    found = found or {}
    return {"key": key, **{f: found.get(f) or 0 for f in ("claims", "paid_claims", "paid")}}


def report(user, year: int | None = None) -> ClaimReport:
    """The claims report: by kind, status, kecamatan and month of the event, the amounts paid, the waits."""
    by = {key: {r["key"]: r for r in counts(user, key, year)} for key in ("kind", "status", "kecamatan")}
    names = dict(Wilayah.objects.filter(code__in=by["kecamatan"]).values_list("code", "name"))
    months = {Month.of(r["key"]): r for r in counts(user, "month", year)}
    kinds: dict[Month, dict[str, int]] = {m: dict.fromkeys(Claim.Kind.values, 0) for m in months}
    stacked = (of_year(user, year).order_by().annotate(month=TruncMonth("event_date")).values("month", "kind")
               .annotate(n=Count("pk")).values_list("month", "kind", "n"))
    for month, kind, n in stacked:
        kinds[Month.of(month)][kind] = n
    return ClaimReport(
        year=year,
        by_kind=[_figures(k, by["kind"].get(k)) for k in Claim.Kind.values],
        by_status=[_figures(s, by["status"].get(s)) for s in Claim.Status.values],
        by_kecamatan=[{**_figures(code, found), "name": names.get(code, code)} for code, found in by["kecamatan"].items()],
        by_month=[{**_figures(m, months.get(m)), "kinds": kinds.get(m, dict.fromkeys(Claim.Kind.values, 0))}
                  for m in (month_range(min(months), max(months)) if months else [])],
        waits=days_to_payment(user, year),
    )


def report_years(user) -> list[int]:
    """The years of the events of the user's claims, for the report's filter."""
    return [day.year for day in claims_for(user).dates("event_date", "year")]


def report_claims(user, year: int | None = None) -> list[dict]:
    """The user's claims as the report lists them: steps, places and money, no names and no NIK."""
    rows = (of_year(user, year).order_by("event_date", "number")
            .values("number", "kind", "status", "event_date", "reported_on", "submitted_on", "paid_on", "paid_amount",
                    "payment_due", kecamatan=F("membership__peserta__desa__parent__name"),
                    desa=F("membership__peserta__desa__name")))
    return [{**r, "days": (r["paid_on"] - r["event_date"]).days if r["paid_on"] else None,
             "late": bool(r["paid_on"] and r["payment_due"] and r["paid_on"] > r["payment_due"])} for r in rows]
