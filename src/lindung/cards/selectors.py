"""Reads of the card cycle, always through the user's area: cards, overdue holds, counts per kecamatan and the
hand-overs (berita acara) whose cards the user may see."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr
from django.utils import timezone

from lindung.accounts.roles import OPERATOR_DESA
from lindung.accounts.scoping import area_code, within
from lindung.enrolment.models import Membership
from lindung.payments.protection import with_protection
from lindung.programs.selectors import kecamatan_names
from lindung.regulation.selectors import calendar, regulation_on
from lindung.rules import cards as rules
from lindung.wilayah.models import Level, Wilayah

from .models import Card, CardMove, Handover, PrintBatch

S = Card.Status
AREA = "membership__peserta__desa__code"
PRINTABLE = (Membership.Status.REGISTERED, Membership.Status.ACTIVE)
# Cards the office holds: printed, at the office, returned to it (the regent's page's "office"; card_list's status).
AT_OFFICE = (S.PRINTED, S.AT_DINAS, S.RETURNED)
OFFICE = "office"


def limits() -> rules.Limits:
    return rules.Limits(settings.LINDUNG_CARD_OVERDUE_DAYS, settings.LINDUNG_CARD_LAST_STEP_DAYS)


def awaiting_card(programme) -> QuerySet[Membership]:
    """The programme's registered members (KPJ known) who have no live card: whom the next print run is for. Not
    the dead, nor anyone whose membership ended (life.services)."""
    return (Membership.objects.filter(programme=programme, status__in=PRINTABLE, ended_on__isnull=True).exclude(kpj="")
            .filter(~Exists(Card.objects.filter(membership=OuterRef("pk")).exclude(status=S.VOIDED))))


def awaiting_by_kecamatan(user, programme) -> list[dict]:
    """Per kecamatan of the user's area: how many of the programme's members wait for a card."""
    rows = list(awaiting_card(programme).filter(within(user, "peserta__desa__code"))
                .annotate(kecamatan=Substr("peserta__desa__code", 1, 8)).values("kecamatan")
                .annotate(members=Count("pk")).order_by("kecamatan"))
    names = kecamatan_names(r["kecamatan"] for r in rows)
    return [{**r, "name": names.get(r["kecamatan"], "")} for r in rows]


def batch_cards(batch) -> QuerySet[Card]:
    """A print run's live cards in print order (by village and name)."""
    return (batch.card_set.exclude(status=S.VOIDED).select_related("membership__peserta", "membership__programme")
            .order_by("membership__peserta__desa_id", "membership__peserta__nama", "pk"))


def print_batches(user, programme=None) -> QuerySet[PrintBatch]:
    """The print runs of the kecamatans in the user's area, newest first."""
    batches = (PrintBatch.objects.filter(within(user, "kecamatan__code"))
               .select_related("programme", "kecamatan", "created_by").order_by("-created", "-pk"))
    return batches.filter(programme=programme) if programme is not None else batches


def cards_for(user, programme=None, status: str | None = None, q: str | None = None, *, as_range: bool = False
              ) -> QuerySet[Card]:
    """The user's cards (voided ones too, when asked by status), newest version first per member;
    ``q`` finds a name, a KPJ or a card number; ``as_range`` as scoping.within's."""
    cards = (Card.objects.filter(within(user, AREA, as_range=as_range)).select_related("membership__peserta__desa", "membership__programme")
             .order_by("membership__peserta__desa_id", "membership__peserta__nama", "-version", "pk"))
    if programme is not None:
        cards = cards.filter(membership__programme=programme)
    if status:
        cards = cards.filter(status=status)
    if q and q.strip():
        q = q.strip()
        cards = cards.filter(Q(membership__peserta__nama__icontains=q) | Q(membership__kpj=q) | Q(number=q))
    return cards


def card_list(user, status: str = "", area: str = "", q: str = "", *, paged: bool = False) -> QuerySet[Card]:
    """The cards a page or the API lists: of one status (or "office": AT_OFFICE), or every live one (voided cards
    only when asked for); ``area``: a kecamatan or village code inside the user's area; ``q`` as in cards_for.
    ``paged``: to read a page of them, not to count them."""
    # A page in village and name order from the people's villages up (the index peserta_desa_nama), stopping at the
    # page: a first page among a million cards took 4.3 s (a camat's) to 6 s (the office's) sorting every card.
    # SQLite walks that index only under a range of village codes (as_range), and the office's area is no filter at
    # all (scoping.under): its range, true of every row, is added to a page's query (to a count's it would join every
    # card to its person). The villages are read apart (prefetch): joined, SQLite read them first and sorted again.
    cards = (cards_for(user, status=None if status in ("", OFFICE) else status, q=q, as_range=True)
             .select_related(None).select_related("membership__peserta", "membership__programme")
             .prefetch_related("membership__peserta__desa"))
    code = area_code(user)
    if paged and code is not None and connection.vendor == "sqlite":
        cards = cards.filter(**{f"{AREA}__gte": code, f"{AREA}__lt": code + "/"})
    if status == OFFICE:
        cards = cards.filter(status__in=AT_OFFICE)
    if not status:
        cards = cards.exclude(status=S.VOIDED)
    if area:
        cards = cards.filter(Q(**{AREA: area}) | Q(**{f"{AREA}__startswith": area + "."}))
    return cards


def with_protection_today(cards, day: date) -> list[Card]:
    """The cards (a page of them: a list) each with ``protection``: its membership annotated by the coverage engine on
    ``day`` (payments.protection), so a card's holder shows as paid up, in arrears, lapsed or dead."""
    cards = list(cards)
    found = {m.pk: m for m in with_protection(Membership.objects.filter(pk__in={c.membership_id for c in cards}), day)}
    for c in cards:
        c.protection = found[c.membership_id]
    return cards


def villages_with_cards(user) -> QuerySet[Wilayah]:
    """The villages of the user's area that hold cards of his, for a village chooser."""
    # Village by village, each asked whether it holds one card: listing the villages of all the cards read every
    # card of the area (2 s for the office's million people).
    holds = Card.objects.filter(membership__peserta__desa=OuterRef("code"))
    return Wilayah.objects.filter(within(user, "code"), Exists(holds), level=Level.DESA).order_by("name")


def villages_holding(user, today: date, status: str = S.AT_CAMAT) -> list[dict]:
    """The villages of the user's area with live cards of his, by name, each with its kecamatan's name and how many
    cards: at ``status`` (``cards``; the camat's at_camat: the chooser of a hand-over to one village), live
    (``live``) and overdue as ``overdue_cards`` (``overdue``)."""
    # The camat's card list takes its counts from here: each count of a camat's cards walks his area's people and
    # their cards (0.25 s among a million people), so they are counted in one walk.
    # Grouped by the code alone, in the order of the index walked; the names read apart (joined, a lookup per card).
    rows = list(cards_for(user, as_range=True).exclude(status=S.VOIDED)
                .values(code=F("membership__peserta__desa_id"))
                .annotate(cards=Count("pk", filter=Q(status=status)), live=Count("pk"),
                          overdue=Count("pk", filter=_overdue_of(user, today)))
                .order_by("code"))
    names = dict(Wilayah.objects.filter(code__in=[r["code"] for r in rows]).values_list("code", "name"))
    kecamatans = kecamatan_names({r["code"][:8] for r in rows})
    return sorted(({**r, "name": names[r["code"]], "kecamatan": kecamatans.get(r["code"][:8], "")} for r in rows),
                  key=lambda r: (r["name"], r["code"]))


def village(user, code: str) -> Wilayah | None:
    """A village of the user's area (None when it is not his or not a village)."""
    return Wilayah.objects.filter(within(user, "code"), code=code, level=Level.DESA).first()


def village_cards(user, code: str, status: str = S.AT_CAMAT) -> QuerySet[Card]:
    """The user's cards of one village at ``status``, by name: what a camat hands to that village."""
    return cards_for(user, status=status).filter(membership__peserta__desa_id=code)


def card_for_public(number: str) -> Card:
    """A card by its number for the public check its QR opens: not scoped to anyone's area (nobody is logged in;
    the signed token and the rate limit guard it). Card.DoesNotExist when there is none."""
    return Card.objects.select_related("membership__peserta", "membership__programme").get(number=number)


def _overdue(today: date, statuses=rules.HELD) -> Q:
    """Cards held at a level (of ``statuses``) since before that level's cutoff (rules.cards.overdue_before)."""
    found, reg, days = Q(pk__in=[]), regulation_on(today), calendar()
    for status in statuses:
        cutoff = rules.overdue_before(status, today, limits(), reg=reg, calendar=days)
        assert cutoff is not None  # every HELD status has a limit
        found |= Q(status=status, since__lt=_start_of(cutoff))
    return found


def _start_of(day: date):
    return timezone.make_aware(datetime.combine(day, time.min))


def overdue_cards(user, today: date) -> QuerySet[Card]:
    """The overdue cards the user must move, the longest held first: a village operator's are those at his village;
    his village's cards still at the camat or the office are theirs to move (``overdue_upstream``)."""
    # Read from the people's villages up: few of a camat's cards are overdue, and SQLite otherwise walked every card
    # of the regency in the order of their dates to find them (1 s among a million).
    return cards_for(user, as_range=True).filter(_overdue_of(user, today)).order_by("since", "number")


def _overdue_of(user, today: date) -> Q:
    """The overdue cards the user must move (``overdue_cards``)."""
    return _overdue(today, (S.AT_VILLAGE,) if _village_operator(user) else rules.HELD)


def oldest_overdue(user, today: date, n: int) -> list[Card]:
    """The first ``n`` cards of ``overdue_cards``."""
    # Status by status, each the first n in the order of the index (status, since, number), then those few in
    # order: the overdue of all statuses at once were every one sorted (157,000 of the office's, 2 s with the joins).
    overdue = overdue_cards(user, today)
    first = set().union(*(overdue.filter(_overdue(today, (status,))).values_list("pk", flat=True)[:n]
                          for status in rules.HELD))
    return list(overdue.filter(pk__in=first)[:n])


def overdue_count(user, today: date) -> int:
    """How many cards ``overdue_cards`` lists."""
    return overdue_cards(user, today).order_by().count()


def counts_by_place(user, today: date, places: Mapping[str, tuple[str, ...]]) -> dict[str, int]:
    """The live cards of the user's area in each place (a place: its statuses), and how many are overdue: counted
    from the people's villages up (as_range), as a camat's counts among a million cards need (3.6 s scanning every
    card, 0.4 s so), in one walk: an overdue card is never voided."""
    return cards_for(user, as_range=True).order_by().exclude(status=S.VOIDED).aggregate(
        **{place: Count("pk", filter=Q(status__in=statuses)) for place, statuses in places.items()},
        overdue=Count("pk", filter=_overdue_of(user, today)))


def overdue_upstream(user, today: date) -> int:
    """For a village operator: his village's cards held too long before they reach him (0 for anyone else)."""
    if not _village_operator(user):
        return 0
    return cards_for(user).filter(_overdue(today)).exclude(status=S.AT_VILLAGE).count()


def _village_operator(user) -> bool:
    return getattr(user.role, "name", None) == OPERATOR_DESA.name


COLUMNS = ("printed", "at_dinas", "at_camat", "at_village", "delivered", "returned", "overdue")


def status_by_kecamatan(user, today: date) -> list[dict]:
    """Per kecamatan of the user's area that has cards: how many live cards are at each stage, and overdue."""
    counts = {s: Count("pk", filter=Q(status=s)) for s in COLUMNS[:-1]}
    rows = (Card.objects.filter(within(user, AREA)).exclude(status=S.VOIDED)
            .annotate(kecamatan=Substr("membership__peserta__desa__code", 1, 8)).values("kecamatan")
            .annotate(**counts, overdue=Count("pk", filter=_overdue(today))).order_by("kecamatan"))
    rows = list(rows)
    names = kecamatan_names(r["kecamatan"] for r in rows)
    return [{"kecamatan": r["kecamatan"], "name": names.get(r["kecamatan"], ""), **{c: r[c] for c in COLUMNS}}  # type: ignore[literal-required]  # COLUMNS are its keys
            for r in rows]


@dataclass(frozen=True)
class League:
    kecamatan: str
    name: str
    held: int  # cards not yet delivered (printed … at the village)
    overdue: int
    oldest_days: int | None  # calendar days the longest-held card has been at its level
    delivered: int
    average_days_to_deliver: float | None  # from printing to the worker's hands, calendar days


def league_table(user, today: date) -> list[League]:
    """Per kecamatan of the user's area: cards held, overdue, the oldest hold and how fast cards reach workers;
    the slowest first. Counts only: no names."""
    cards = (Card.objects.filter(within(user, AREA)).exclude(status=S.VOIDED)
             .annotate(kecamatan=Substr("membership__peserta__desa__code", 1, 8)))
    delivered_on = Subquery(CardMove.objects.filter(card=OuterRef("pk"), to_status=S.DELIVERED)
                            .values("handover__happened_on")[:1])
    held = {r["kecamatan"]: r for r in cards.filter(status__in=rules.HELD).values("kecamatan")
            .annotate(n=Count("pk"), late=Count("pk", filter=_overdue(today)), oldest=Min("since")).order_by()}
    done: dict[str, list[int]] = {}
    for row in cards.filter(status=S.DELIVERED).annotate(on=delivered_on).values("kecamatan", "on", "batch__created"):
        done.setdefault(row["kecamatan"], []).append((row["on"] - timezone.localtime(row["batch__created"]).date()).days)
    names = kecamatan_names(set(held) | set(done))
    table = [League(code, names.get(code, ""), held[code]["n"] if code in held else 0,
                    held[code]["late"] if code in held else 0,
                    (today - timezone.localtime(held[code]["oldest"]).date()).days if code in held else None,
                    len(done.get(code, [])), round(sum(done[code]) / len(done[code]), 1) if done.get(code) else None)
             for code in sorted(set(held) | set(done))]
    return sorted(table, key=lambda r: (-r.overdue, -(r.oldest_days or 0), r.kecamatan))


def handovers_for(user) -> QuerySet[Handover]:
    """The hand-overs all of whose cards lie in the user's area: a berita acara names its people, so nobody
    sees one that lists someone outside his area."""
    if area_code(user) is None:
        return Handover.objects.none()
    outside = CardMove.objects.filter(handover=OuterRef("pk")).exclude(within(user, f"card__{AREA}"))
    return (Handover.objects.filter(~Exists(outside)).annotate(count=Count("moves"))
            .select_related("kecamatan", "desa").order_by("-happened_on", "-number"))


def handover(user, number: str) -> Handover:
    """One hand-over the user may see; Handover.DoesNotExist otherwise."""
    return handovers_for(user).get(number=number)


def minutes_rows(handover: Handover) -> list[dict]:
    """The cards of a hand-over for its minutes as they were on the day, in a fixed order: village, name, card."""
    return list(handover.moves.order_by("village", "name", "card__number")  # type: ignore[arg-type]  # .values() rows: dicts, TypedDicts to django-stubs
                .values("reason", "name", "kpj", "village", number=F("card__number")))
