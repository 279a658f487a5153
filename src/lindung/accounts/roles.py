"""Roles are Django Groups; each says which level of area its users hold and what they may do."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from lindung.wilayah.models import Level


@dataclass(frozen=True)
class Role:
    name: str  # the Group name, in Indonesian as the office says it
    label: object
    area_level: Level  # the level of the user's area
    edits_registry: bool = False
    reads_audit: bool = False


ADMIN_DINAS = Role("Admin Dinas", _("Office administrator"), Level.KABUPATEN, edits_registry=True)
OPERATOR_DINAS = Role("Operator Dinas", _("Office operator"), Level.KABUPATEN, edits_registry=True)
CAMAT = Role("Camat", _("District head (camat)"), Level.KECAMATAN)
OPERATOR_DESA = Role("Operator Desa", _("Village operator"), Level.DESA, edits_registry=True)
PETUGAS_BPJS = Role("Petugas BPJS", _("BPJS account officer"), Level.KABUPATEN)
PIMPINAN = Role("Pimpinan", _("Leadership (regent, office head)"), Level.KABUPATEN)
AUDITOR = Role("Auditor", _("Auditor"), Level.KABUPATEN, reads_audit=True)

ROLES = {r.name: r for r in (ADMIN_DINAS, OPERATOR_DINAS, CAMAT, OPERATOR_DESA, PETUGAS_BPJS, PIMPINAN, AUDITOR)}
