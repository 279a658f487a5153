"""The API of cards: cards by their printed number, print runs, hand-overs by their minutes' number."""

from django.http import Http404
from django.utils import timezone
from ninja import Router, Status
from ninja.errors import HttpError

from lindung.api.common import programme_or_404
from lindung.cards import selectors as cards
from lindung.cards import services as card_services
from lindung.cards.models import Card, Handover, PrintBatch

from .schemas import CardOut, CardStatusOut, HandoverIn, HandoverOut, PrintBatchOut, PrintIn, ReplaceIn

router = Router()


@router.get("/cards/status", response=list[CardStatusOut], tags=["cards"])
def card_status(request):
    """Per kecamatan of the caller's area: live cards at each stage of the hand-over, and the overdue ones."""
    return cards.status_by_kecamatan(request.user, timezone.localdate())


@router.get("/cards", response=list[CardOut], tags=["cards"])
def card_list(request, status: str = "", kecamatan: str = "", q: str = "", offset: int = 0, limit: int = 100):
    """The caller's cards, by village and name; ``q``: a name, KPJ or card number."""
    start = max(offset, 0)
    found = list(cards.card_list(request.user, status=status, area=kecamatan, q=q, paged=True)
                 [start:start + min(max(limit, 1), 1000)])
    # Which of these are overdue (not the ids of all the overdue cards of the area).
    late = set(cards.overdue_cards(request.user, timezone.localdate()).filter(pk__in=[c.pk for c in found])
               .values_list("pk", flat=True))
    return [_card_out(c, c.pk in late) for c in found]


def _card_out(c, overdue: bool) -> dict:
    return {"number": c.number, "kpj": c.membership.kpj, "nama": c.membership.peserta.nama,
            "desa": c.membership.peserta.desa_id, "programme": c.membership.programme.code, "status": c.status,
            "since": c.since, "return_reason": c.return_reason, "void_reason": c.void_reason, "overdue": overdue}


@router.post("/cards/{number}/replace", response={201: CardOut}, tags=["cards"])
def card_replace(request, number: str, data: ReplaceIn):
    """Void a card (lost, damaged, wrong data) and print the member's next version in a print run of its own;
    answers the new card (download its run's PDF from the printing page)."""
    found = cards.cards_for(request.user).filter(number=number).first()
    if found is None:
        raise Http404
    if data.reason not in Card.VoidReason.values or data.layout not in PrintBatch.Layout.values:
        raise HttpError(422, "reason: lost, damaged atau wrong_data; layout: a4 atau card.")
    return Status(201, _card_out(card_services.replace_card(request.user, found, data.reason, data.layout), False))


def _batch_out(b) -> dict:
    return {"programme": b.programme.code, "number": b.number, "kecamatan": b.kecamatan_id,
            "cards": b.cards, "layout": b.layout, "created": b.created}


@router.get("/cards/batches", response=list[PrintBatchOut], tags=["cards"])
def print_batches(request):
    """The print runs of the caller's area, newest first."""
    return [_batch_out(b) for b in cards.print_batches(request.user)[:500]]


@router.post("/cards/batches", response={201: PrintBatchOut}, tags=["cards"])
def print_run(request, data: PrintIn):
    """Print the cards of a kecamatan's members who have none yet, as one run (the office's)."""
    programme = programme_or_404(request, data.programme)
    if data.layout not in PrintBatch.Layout.values:
        raise HttpError(422, "layout: a4 atau card.")
    return Status(201, _batch_out(card_services.print_cards(request.user, programme, data.kecamatan, data.layout)))


def _handover_out(h: Handover) -> dict:
    return {**{f: getattr(h, f) for f in ("number", "from_status", "to_status", "giver_name", "giver_role",
                                          "receiver_name", "receiver_role", "place", "happened_on", "id_checked")},
            "cards": [{"number": r["number"], "kpj": r["kpj"], "nama": r["name"], "desa": r["village"]}
                      for r in cards.minutes_rows(h)]}


@router.post("/cards/handovers", response={201: HandoverOut}, tags=["cards"])
def handover_record(request, data: HandoverIn):
    """Hand cards on one step (all or nothing) with a numbered berita acara; refused moves answer 409."""
    numbers = set(data.cards)
    found = list(cards.cards_for(request.user).filter(number__in=numbers))
    missing = numbers - {c.number for c in found}
    if missing:
        raise HttpError(422, "Kartu tidak ada di wilayah Anda: " + ", ".join(sorted(missing)[:20]) + ".")
    done = card_services.hand_over(
        request.user, found, data.to_status, giver_name=data.giver_name, giver_role=data.giver_role,
        receiver_name=data.receiver_name, receiver_role=data.receiver_role, place=data.place,
        happened_on=data.happened_on, reason=data.reason, id_checked=data.id_checked)
    return Status(201, _handover_out(done))


@router.get("/cards/handovers/{number}", response=HandoverOut, tags=["cards"])
def handover_detail(request, number: str):
    try:
        return _handover_out(cards.handover(request.user, number))
    except Handover.DoesNotExist:
        raise Http404
