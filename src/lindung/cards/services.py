"""Writes of the card cycle: printing a kecamatan's cards, handing them on down the chain (rules.cards) with a
numbered berita acara, and replacing a card. Each runs in one transaction, checks who may do it and leaves an
audit event without names.

Who records which move: a move is recorded by whoever holds the cards at the level they leave —
the office (Admin/Operator Dinas) for printed → at_dinas → at_camat, for returns from the office and for
sending a returned card out again; the camat for at_camat → at_village and returns from his kecamatan; the
village operator for at_village → delivered/returned, which the camat may also record for his villages, as
many villages have no operator of their own. Printing and replacing cards is the office's (role ``plans``).
"""

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy
from simple_history.utils import bulk_create_with_history

from lindung.accounts.roles import ADMIN_DINAS, CAMAT, OPERATOR_DESA, OPERATOR_DINAS, require
from lindung.accounts.scoping import sees_code, within
from lindung.audit.models import Event
from lindung.audit.services import record_event
from lindung.core.db import refresh_statistics, save_numbered
from lindung.core.uploads import check_photo_or_pdf
from lindung.programs.models import Programme
from lindung.rules import cards as rules
from lindung.wilayah.models import Level, Wilayah

from . import selectors
from .documents import card_sheet_pdf
from .models import Card, CardMove, Handover, PrintBatch

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

S = Card.Status
OFFICE = {ADMIN_DINAS.name, OPERATOR_DINAS.name}
# The roles that record a move out of each level (see the module's docstring).
RECORDED_BY: dict[str, set[str]] = {
    S.PRINTED: OFFICE, S.AT_DINAS: OFFICE, S.RETURNED: OFFICE,
    S.AT_CAMAT: {CAMAT.name},
    S.AT_VILLAGE: {OPERATOR_DESA.name, CAMAT.name},
}
EVIDENCE_MAX_MB = 10
# A card's stage as messages name it (the same words as rules.cards.LABELS in Indonesian).
STAGES: dict[str, "StrPromise"] = {
    S.PRINTED: pgettext_lazy("card stage", "printed"),
    S.AT_DINAS: pgettext_lazy("card stage", "at the office"),
    S.AT_CAMAT: pgettext_lazy("card stage", "at the kecamatan (camat)"),
    S.AT_VILLAGE: pgettext_lazy("card stage", "at the village"),
    S.DELIVERED: pgettext_lazy("card stage", "received by the member"),
    S.RETURNED: pgettext_lazy("card stage", "returned to the office"),
    S.VOIDED: pgettext_lazy("card stage", "voided"),
}
HANDOVER_FIELDS = (("giver_name", gettext_lazy("the giver's name")), ("giver_role", gettext_lazy("the giver's position")),
                   ("receiver_name", gettext_lazy("the receiver's name")),
                   ("receiver_role", gettext_lazy("the receiver's position")), ("place", gettext_lazy("the place")))


@transaction.atomic
def print_cards(user, programme: Programme, kecamatan: Wilayah | str, layout: str = PrintBatch.Layout.A4) -> PrintBatch:
    """A card for every registered member of the kecamatan (KPJ known) who has no live card yet, as one batch."""
    require(user, "plans", _("Only the Admin or Operator Dinas may print members' cards."))
    kecamatan = _kecamatan(user, kecamatan)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    members = (selectors.awaiting_card(programme).filter(peserta__desa__code__startswith=kecamatan.code + ".")
               .annotate(before=Subquery(_last_version(OuterRef("kpj"))))
               .order_by("peserta__desa_id", "peserta__nama", "pk")
               .values_list("pk", "kpj", "before"))
    members = list(members)
    if not members:
        raise ValidationError(_("No member of programme %(programme)s in Kecamatan %(kecamatan)s has a KPJ and no "
                                "card yet.") % {"programme": programme.code, "kecamatan": kecamatan.name})
    batch = PrintBatch.objects.create(
        programme=programme, kecamatan=kecamatan, layout=layout, cards=len(members), created_by=user,
        number=(programme.print_batches.aggregate(n=Max("number"))["n"] or 0) + 1)
    now = timezone.now()
    bulk_create_with_history([
        Card(membership_id=pk, batch=batch, number=f"{kpj}-{(before or 0) + 1}", version=(before or 0) + 1, since=now)
        for pk, kpj, before in members], Card, batch_size=500, default_user=user)
    refresh_statistics(len(members), Card)
    record_event(user, "cards.printed", target=f"printbatch:{batch.pk}",
                 summary=f"Cetak kartu {programme.code} #{batch.number}, Kecamatan {kecamatan.name}: {len(members)} kartu.")
    return batch


@transaction.atomic
def hand_over(user, cards, to_status: str, *, giver_name: str, giver_role: str, receiver_name: str, receiver_role: str,
              place: str, happened_on: date, evidence=None, reason: str = "", id_checked: bool = False) -> Handover:
    """Move the cards one step down the chain (or back, returned) in one numbered hand-over: all or nothing.
    The cards must all be in the user's area and at the same level, which the user's role records."""
    try:
        ids = {c.pk if isinstance(c, Card) else int(c) for c in cards}
    except (TypeError, ValueError):
        raise ValidationError(_("The choice of cards is not valid.")) from None
    if not ids:
        raise ValidationError(_("Choose at least one card to hand over."))
    found = list(Card.objects.select_for_update(of=("self",)).filter(within(user, "membership__peserta__desa__code"), pk__in=ids)
                 .select_related("membership__peserta__desa"))
    if len(found) != len(ids):
        raise ValidationError(ngettext("%(missing)s of %(count)s card is not in your area.",
                                       "%(missing)s of %(count)s cards are not in your area.", len(ids))
                              % {"missing": len(ids) - len(found), "count": len(ids)})
    states = {c.status for c in found}
    if len(states) > 1:
        raise ValidationError(_("The cards of one hand-over must all be at the same stage; chosen: %(stages)s.")
                              % {"stages": ", ".join(str(STAGES[s]) for s in sorted(states))})
    current = states.pop()
    if to_status == S.VOIDED:
        raise ValidationError(_("A card is voided by replacing it, not by a hand-over."))
    try:
        rules.check_move(current, to_status, reason)
    except ValueError as refused:
        raise ValidationError(str(refused)) from None
    if user.role is None or user.role.name not in RECORDED_BY.get(current, ()):
        raise PermissionDenied(_("Your role does not record hand-overs of cards %(stage)s.")
                               % {"stage": STAGES[current]})
    fields = {"giver_name": giver_name, "giver_role": giver_role, "receiver_name": receiver_name,
              "receiver_role": receiver_role, "place": place}
    fields = {k: (v or "").strip() for k, v in fields.items()}
    missing = [str(label) for key, label in HANDOVER_FIELDS if not fields[key]]
    if missing:
        raise ValidationError(_("Required: %(fields)s.") % {"fields": ", ".join(missing)})
    today = timezone.localdate()
    if happened_on > today:
        raise ValidationError(_("The date of the hand-over cannot be in the future."))
    arrived = max(timezone.localtime(c.since).date() for c in found)
    if happened_on < arrived:
        raise ValidationError(_("The date of the hand-over is before the cards reached this stage (%(arrived)s).")
                              % {"arrived": f"{arrived:%d-%m-%Y}"})
    if to_status == S.DELIVERED and not id_checked:
        raise ValidationError(_("Before the cards are handed over, check the receiver's KTP and tick that you did."))
    _check_evidence(evidence)
    kecamatans = {c.membership.peserta.desa_id[:8] for c in found}
    desas = {c.membership.peserta.desa_id for c in found}
    if to_status == S.AT_CAMAT and len(kecamatans) > 1:
        raise ValidationError(_("Cards for the camat must be of one kecamatan; those chosen are of %(n)s kecamatans.")
                              % {"n": len(kecamatans)})
    if to_status in (S.AT_VILLAGE, S.DELIVERED) and len(desas) > 1:
        raise ValidationError(_("Cards for a village must be of one village; those chosen are of %(n)s villages.")
                              % {"n": len(desas)})
    handover = Handover(
        from_status=current, to_status=to_status, giver=user, place=fields["place"],
        giver_name=fields["giver_name"], giver_role=fields["giver_role"], receiver_name=fields["receiver_name"],
        receiver_role=fields["receiver_role"], happened_on=happened_on, id_checked=id_checked, created_by=user,
        kecamatan_id=kecamatans.pop() if len(kecamatans) == 1 else None, desa_id=desas.pop() if len(desas) == 1 else None,
        office=settings.LINDUNG_OFFICE_NAME)
    if evidence:
        handover.evidence = evidence
    save_numbered(handover, f"BA-{happened_on.year}-")
    # The day it happened: a hand-over recorded late does not make the card look fresh.
    since = timezone.now() if happened_on == today else timezone.make_aware(datetime.combine(happened_on, time.min))
    for card in found:
        card.status, card.since = to_status, since
        card.return_reason = reason if to_status == S.RETURNED else ""
    # One UPDATE for all (they all take the same values), not a CASE per card: a kecamatan's cards in one go.
    Card.objects.filter(pk__in=ids).update(status=to_status, since=since, return_reason=found[0].return_reason)
    Card.history.bulk_history_create(found, batch_size=500, update=True, default_user=user)
    CardMove.objects.bulk_create([CardMove(card=c, handover=handover, from_status=current, to_status=to_status,
                                           reason=reason, name=c.membership.peserta.nama, kpj=c.membership.kpj or "",
                                           village=c.membership.peserta.desa.name) for c in found], batch_size=500)
    refresh_statistics(len(found), Card, CardMove)
    record_event(user, "cards.handed_over", target=f"handover:{handover.pk}",
                 summary=f"Berita acara {handover.number}: {len(found)} kartu {rules.LABELS[rules.Status(current)]} "
                         f"→ {rules.LABELS[rules.Status(to_status)]}"
                         + (f" ({rules.RETURN_REASONS[reason]})." if reason else "."))
    return handover


def _office_batch(user, batch: PrintBatch) -> None:
    require(user, "plans", _("Only the Admin or Operator Dinas may print members' cards."))
    if not selectors.print_batches(user).filter(pk=batch.pk).exists():
        raise PermissionDenied(_("This print run is not of your area."))


@transaction.atomic
def record_download(user, batch: PrintBatch) -> int:
    """A print run's PDF goes out: once after printing, again when a sheet was spoiled. Every download is on the
    record (cards in people's hands get copies). Returns how many cards it holds."""
    _office_batch(user, batch)
    cards = selectors.batch_cards(batch).count()
    before = Event.objects.filter(action="cards.batch_downloaded", target_type="printbatch", target_id=str(batch.pk)).count()
    record_event(user, "cards.batch_downloaded", target=f"printbatch:{batch.pk}",
                 summary=f"PDF kartu {batch} diunduh (ke-{before + 1}): {cards} kartu"
                         + (f", {batch.cards - cards} sudah dibatalkan tidak dicetak." if cards < batch.cards else "."))
    return cards


STALLED = timedelta(minutes=15)  # a PDF job still "running" after this died with its worker


def prepare_pdf(user, batch: PrintBatch) -> PrintBatch:
    """Queue the run's PDF in the background unless it is ready or on its way; the printing page shows how far."""
    from .tasks import render_print_batch

    _office_batch(user, batch)
    with transaction.atomic():
        batch = PrintBatch.objects.select_for_update().get(pk=batch.pk)
        P = PrintBatch.Pdf
        on_its_way = batch.pdf_status == P.QUEUED or (
            batch.pdf_status == P.RUNNING and batch.pdf_started and timezone.now() - batch.pdf_started < STALLED)
        if (batch.pdf_status == P.READY and batch.pdf) or on_its_way:
            return batch
        batch.pdf_status, batch.pdf_progress, batch.pdf_error = P.QUEUED, 0, ""
        batch.save(update_fields=["pdf_status", "pdf_progress", "pdf_error"])
        render_print_batch.enqueue(batch.pk)  # a database queue sees it once this commits
    batch.refresh_from_db()
    return batch


def render_pdf(batch_id: int) -> str:
    """The background job: the run's live cards (a voided card is not printed again — its replacement is in a run
    of its own) as one PDF file, with the progress saved as it goes. A failure is kept for the page to show."""
    P = PrintBatch.Pdf
    batches = PrintBatch.objects.filter(pk=batch_id)
    batches.update(pdf_status=P.RUNNING, pdf_progress=0, pdf_started=timezone.now(), pdf_error="")
    batch = batches.get()

    def progress(done: int, total: int) -> None:
        batches.update(pdf_progress=min(99, done * 100 // max(total, 1)))

    try:
        content = card_sheet_pdf(selectors.batch_cards(batch), batch.layout, progress)
    except Exception as exc:  # whatever broke, the office sees it and can prepare again
        batches.update(pdf_status=P.FAILED, pdf_error=f"{type(exc).__name__}: {exc}"[:300])
        raise
    if batch.pdf:
        batch.pdf.delete(save=False)
    batch.pdf.save(f"kartu-{batch.programme.code}-{batch.number}.pdf", ContentFile(content), save=False)
    batches.update(pdf=batch.pdf.name, pdf_status=P.READY, pdf_progress=100)
    return P.READY


@transaction.atomic
def replace_card(user, card: Card, reason: str, layout: str = PrintBatch.Layout.A4) -> Card:
    """Void a card (lost, damaged, wrong data) and print the member's next version in a batch of its own."""
    require(user, "plans", _("Only the Admin or Operator Dinas may replace members' cards."))
    card = (Card.objects.select_for_update(of=("self",)).select_related("membership__peserta", "batch")
            .filter(within(user, "membership__peserta__desa__code")).filter(pk=card.pk).first())
    if card is None:
        raise ValidationError(_("The card is not in your area."))
    try:
        rules.check_move(card.status, S.VOIDED, reason)
    except ValueError as refused:
        raise ValidationError(str(refused)) from None
    membership = card.membership
    if not membership.kpj:
        raise ValidationError(_("This member has no KPJ yet: a new card cannot be printed yet."))
    now = timezone.now()
    card.status, card.void_reason, card.since = S.VOIDED, reason, now
    card._history_user = user
    card.save()  # first: one live card per member
    # The old run's PDF still holds the voided card: prepared again without it when next asked for.
    PrintBatch.objects.filter(pk=card.batch_id).update(pdf_status=PrintBatch.Pdf.NONE, pdf_progress=0)
    programme = Programme.objects.select_for_update().get(pk=membership.programme_id)
    batch = PrintBatch.objects.create(
        programme=programme, kecamatan_id=card.batch.kecamatan_id, layout=layout, cards=1, created_by=user,
        number=(programme.print_batches.aggregate(n=Max("number"))["n"] or 0) + 1)
    version = Card.objects.filter(membership__kpj=membership.kpj).aggregate(v=Max("version"))["v"] + 1
    new = Card(membership=membership, batch=batch, number=f"{membership.kpj}-{version}", version=version, since=now)
    new._history_user = user
    new.save()
    card.replaced_by = new
    card.save(update_fields=["replaced_by"])
    record_event(user, "cards.replaced", target=f"card:{card.pk}",
                 summary=f"Kartu versi {card.version} dibatalkan ({rules.VOID_REASONS[reason]}); dicetak versi {version} "
                         f"(#{batch.number}).")
    return new


def _last_version(kpj):
    """The highest version printed for a KPJ, whichever programme: the KPJ is the person's, and the card number
    (KPJ-version) must stay unique when he is a member of next year's programme too."""
    return (Card.objects.filter(membership__kpj=kpj).order_by().values("membership__kpj")
            .annotate(v=Max("version")).values("v"))


def _kecamatan(user, kecamatan: Wilayah | str) -> Wilayah:
    code = kecamatan.code if isinstance(kecamatan, Wilayah) else str(kecamatan).strip()
    found = Wilayah.objects.filter(code=code, level=Level.KECAMATAN).first()
    if found is None:
        raise ValidationError(_("There is no kecamatan with the code %(code)s.") % {"code": repr(code)})
    if not sees_code(user, found.code):
        raise ValidationError(_("Kecamatan %(name)s is outside your area.") % {"name": found.name})
    return found


def _check_evidence(evidence) -> None:
    if evidence:
        check_photo_or_pdf(evidence, _("The hand-over evidence"), EVIDENCE_MAX_MB)
