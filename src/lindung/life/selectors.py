"""Reads of life events, always through the user's area; and, for the plan, who is out of it because of one."""

from collections.abc import Iterator
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet

from lindung.accounts.scoping import people
from lindung.rules.contributions import Month, tanggal
from lindung.rules.other_cover import Cover, OtherPayer, left_to_others, payers_by_month

from .models import LifeEvent, OtherCover

S = LifeEvent.Status
LIVE = (S.REPORTED, S.VERIFIED)
REASONS = {  # why a person with a live event is not eligible for a new plan (programs.selectors)
    LifeEvent.Kind.DIED: "Meninggal dunia",
    LifeEvent.Kind.MOVED_OUT: "Pindah ke luar kabupaten",
    LifeEvent.Kind.WAGE_EARNER: "Peserta penerima upah di tempat lain",
}


def events_of(user, peserta) -> QuerySet[LifeEvent]:
    return (LifeEvent.objects.filter(people(user, "peserta__"), peserta=peserta)
            .select_related("recorded_by", "verified_by", "reversed_by").order_by("-happened_on", "-pk"))


def event_for(user, pk: int) -> LifeEvent:
    """Raises LifeEvent.DoesNotExist outside the user's area."""
    return LifeEvent.objects.select_related("peserta").get(people(user, "peserta__"), pk=pk)


def events_for(user, status: str = "", kind: str = "") -> QuerySet[LifeEvent]:
    found = LifeEvent.objects.filter(people(user, "peserta__"))
    if status:
        found = found.filter(status=status)
    if kind:
        found = found.filter(kind=kind)
    return found.select_related("peserta__desa__parent", "recorded_by").order_by("status", "-happened_on", "-pk")


def live_events() -> QuerySet[LifeEvent]:
    """Every reported or verified event (not reversed), of the whole regency: callers use it as a filter inside
    a query that is scoped already."""
    return LifeEvent.objects.filter(status__in=LIVE)


def recorded_deaths(peserta_ids) -> dict[int, date]:
    """Person id -> the verified date of death, of those among ``peserta_ids`` recorded dead."""
    return dict(LifeEvent.objects.filter(peserta_id__in=list(peserta_ids), kind=LifeEvent.Kind.DIED, status=S.VERIFIED)
                .values_list("peserta_id", "happened_on"))


def excluded_reasons() -> dict[str, str]:
    """NIK -> why he is out of a new plan: any live event, a death still to verify too."""
    found = {}
    for nik, kind, status, day in (live_events().order_by("happened_on")
                                   .values_list("peserta__nik", "kind", "status", "happened_on")):
        reported = " (dilaporkan, belum diverifikasi)" if status == S.REPORTED else ""
        found[nik] = f"{REASONS[LifeEvent.Kind(kind)]} {tanggal(day)}{reported}"
    return found


# Other cover: the months another payer pays.

def live_cover() -> QuerySet[OtherCover]:
    """Every cover not withdrawn, of the whole regency: a filter inside a query scoped already."""
    return OtherCover.objects.filter(withdrawn_at__isnull=True)


def paying_on(day) -> QuerySet[OtherCover]:
    """Live cover paying the month of ``day`` (its first day: a date, or a column of the outer query)."""
    return live_cover().filter(Q(last__isnull=True) | Q(last__gte=day), first__lte=day)


def paid_by_others(day, person: str = "peserta_id") -> Exists:
    """Whether another payer pays the month of ``day`` for the row's person (``person`` names its column): one
    EXISTS over the live-cover index, for a bill or plan of any size."""
    return Exists(paying_on(day).filter(peserta=OuterRef(person)))


def months_paid_by_others(peserta_ids, first: Month, last: Month) -> dict[int, set[Month]]:
    """Person id -> the months of ``first``..``last`` another payer pays, of those among ``peserta_ids`` (a list or
    a queryset of ids) with any: one query."""
    covers: dict[int, list[Cover]] = {}
    for pk, cover in _covers(live_cover().filter(peserta_id__in=peserta_ids), first, last):
        covers.setdefault(pk, []).append(cover)
    return {pk: left_to_others(found, first, last) for pk, found in covers.items()}


def _covers(covers: QuerySet[OtherCover], first: Month, last: Month) -> Iterator[tuple[int, Cover]]:
    for pk, payer, name, a, b in (covers.filter(Q(last__isnull=True) | Q(last__gte=first.first_day),
                                                first__lte=last.first_day)
                                  .values_list("peserta_id", "payer", "payer_name", "first", "last")):
        yield pk, Cover(OtherPayer(payer), name, Month.of(a), None if b is None else Month.of(b))


def covers_of(user, peserta) -> QuerySet[OtherCover]:
    """A person's other cover, withdrawn too (the page shows both), through the user's area."""
    return (OtherCover.objects.filter(people(user, "peserta__"), peserta=peserta)
            .select_related("recorded_by", "withdrawn_by").order_by("-first", "-pk"))


def cover_for(user, pk: int) -> OtherCover:
    """Raises OtherCover.DoesNotExist outside the user's area."""
    return OtherCover.objects.select_related("peserta").get(people(user, "peserta__"), pk=pk)


def payers_month_by_month(user, peserta, first: Month, last: Month) -> dict[Month, list[Cover]]:
    """His other payers for each month of ``first``..``last`` (live cover only)."""
    covers = [c for _pk, c in _covers(covers_of(user, peserta).filter(withdrawn_at__isnull=True), first, last)]
    return payers_by_month(covers, first, last)
