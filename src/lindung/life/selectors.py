"""Reads of life events, always through the user's area; and, for the plan, who is out of it because of one."""

from datetime import date

from django.db.models import QuerySet

from lindung.accounts.scoping import people
from lindung.rules.contributions import tanggal

from .models import LifeEvent

S = LifeEvent.Status
LIVE = (S.REPORTED, S.VERIFIED)
REASONS = {  # why a person with a live event is not eligible for a new plan (programs.selectors)
    LifeEvent.Kind.DIED: "Meninggal dunia",
    LifeEvent.Kind.MOVED_OUT: "Pindah ke luar kabupaten",
    LifeEvent.Kind.WAGE_EARNER: "Peserta penerima upah di tempat lain",
    LifeEvent.Kind.OTHER_PAYER: "Iurannya dibayar pemberi iuran lain",
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
