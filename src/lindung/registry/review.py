"""Decisions on probable duplicates: merge the same person, or dismiss the pair for good."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.accounts.roles import require
from lindung.audit.services import record_event

from .models import DismissedPair, DuplicatePair, Peserta

# Fields the kept record takes from the other one where its own are empty.
FILLED = ["no_kk", "tempat_lahir", "alamat", "telepon", "pekerjaan_1", "pekerjaan_2", "desil", "id_keluarga", "hubungan"]


def _pending(user, pair_id: int) -> DuplicatePair:
    require(user, "imports", _("Only the Admin or Operator Dinas reviews duplicates."))
    pair = DuplicatePair.objects.select_for_update().get(pk=pair_id)
    if pair.decision != DuplicatePair.Decision.PENDING:
        raise ValidationError(_("This pair is already decided."))
    return pair


@transaction.atomic
def confirm_same_person(user, pair_id: int, keep: str) -> Peserta:
    """Keep one record (`keep` is the NIK to keep), fill its gaps from the other, delete the other.

    Both records' values stay in the history tables: the kept one's change and the other's deletion.
    """
    pair = _pending(user, pair_id)
    if keep not in (pair.nik_a, pair.nik_b):
        raise ValidationError(_("Choose which NIK of this pair is kept."))
    kept, gone = (pair.a, pair.b) if keep == pair.nik_a else (pair.b, pair.a)
    for field in FILLED:
        if not getattr(kept, field) and getattr(gone, field):
            setattr(kept, field, getattr(gone, field))
    # Other open pairs about the deleted record lose their subject.
    DuplicatePair.objects.filter(decision=DuplicatePair.Decision.PENDING).exclude(pk=pair.pk).filter(
        Q(a=gone) | Q(b=gone)).delete()
    reason = f"gabung duplikat #{pair.number}"
    gone._history_user, gone._change_reason = user, reason
    if gone.pk == pair.a_id:
        pair.a = None
    else:
        pair.b = None
    gone.delete()
    kept._history_user, kept._change_reason = user, reason
    kept.save()
    pair.decision, pair.decided_by, pair.decided_at = DuplicatePair.Decision.SAME, user, timezone.now()
    pair.save()
    record_event(user, "registry.duplicate_merged", target=f"duplicatepair:{pair.pk}",
                 summary=f"Dua catatan digabung: peserta #{kept.pk} dipertahankan.")
    return kept


@transaction.atomic
def dismiss(user, pair_id: int) -> None:
    """Different people: the pair is remembered and never proposed again."""
    pair = _pending(user, pair_id)
    DismissedPair.objects.get_or_create(nik_a=pair.nik_a, nik_b=pair.nik_b, defaults={"by": user})
    pair.decision, pair.decided_by, pair.decided_at = DuplicatePair.Decision.DIFFERENT, user, timezone.now()
    pair.save()
    record_event(user, "registry.duplicate_dismissed", target=f"duplicatepair:{pair.pk}",
                 summary="Pasangan dinyatakan orang berbeda.")
