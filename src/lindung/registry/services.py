"""Every write to the registry: in a transaction, checked, audited."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from lindung.accounts.scoping import sees_code
from lindung.audit.services import record_event
from lindung.payments import protection

from .models import Peserta


def _check_may_edit(user, peserta: Peserta) -> None:
    role = getattr(user, "role", None)
    if role is None or not role.edits_registry or not sees_code(user, peserta.desa_id):
        raise PermissionDenied(_("You may not change members' data in this area."))


def refuse_nik_elsewhere(user, holder: Peserta) -> None:
    """On the record: the user typed the NIK of a worker outside his area (the form refused it without saying so)."""
    record_event(user, "registry.nik_refused", target=f"peserta:{holder.pk}",
                 summary=f"NIK peserta di luar wilayah pengguna diketik di formulir peserta; ditolak tanpa "
                         f"menyebut bahwa NIK itu terdaftar (wilayah pengguna {user.area_id}).")


@transaction.atomic
def save_peserta(user, peserta: Peserta) -> Peserta:
    """Create or update a worker the form has already validated (NIK rules included)."""
    _check_may_edit(user, peserta)
    if peserta.pk is not None:
        # The worker may have been moved from outside the user's area: check the stored row too.
        _check_may_edit(user, Peserta.objects.select_for_update().get(pk=peserta.pk))
    created = peserta.pk is None
    peserta._history_user = user
    peserta.full_clean()
    peserta.save()
    protection.moved([peserta.pk])
    record_event(
        user,
        "registry.peserta_created" if created else "registry.peserta_updated",
        target=f"peserta:{peserta.pk}",
        summary=f"Peserta di desa {peserta.desa_id} {'ditambahkan' if created else 'diubah'}.",
    )
    return peserta
