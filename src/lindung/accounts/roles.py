"""Roles are Django Groups; each says which level of area its users hold and what they may do."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from lindung.wilayah.models import Level

# An office's area: the province (a province deployment's office) or a regency.
OFFICE = (Level.PROVINSI, Level.KABUPATEN)


@dataclass(frozen=True)
class Role:
    name: str  # the Group name, in Indonesian as the office says it
    label: object
    area_levels: tuple[Level, ...]  # the levels of area its users may hold
    edits_registry: bool = False
    reads_audit: bool = False
    reads_imports: bool = False  # imports and the review queue hold people of every area
    imports: bool = False  # uploads imports, decides on probable duplicates
    approves: bool = False  # approves imports and plans, sets a programme's rules and status
    plans: bool = False  # makes programmes and plan scenarios, sends registrations to BPJS, reads its answers
    # The poverty register: people never enrolled in a programme too (their NIK, family card, address, phone,
    # desil). Without it a role sees only members (people with a membership) and what concerns them.
    reads_register: bool = True
    reads_outbox: bool = True  # the messages to people (their phone numbers)


ADMIN_DINAS = Role("Admin Dinas", _("Office administrator"), OFFICE, edits_registry=True,
                   reads_imports=True, imports=True, approves=True, plans=True)
OPERATOR_DINAS = Role("Operator Dinas", _("Office operator"), OFFICE, edits_registry=True,
                      reads_imports=True, imports=True, plans=True)
CAMAT = Role("Camat", _("District head (camat)"), (Level.KECAMATAN,))
OPERATOR_DESA = Role("Operator Desa", _("Village operator"), (Level.DESA,), edits_registry=True)
PETUGAS_BPJS = Role("Petugas BPJS", _("BPJS account officer"), OFFICE, reads_register=False,
                    reads_outbox=False)
PIMPINAN = Role("Pimpinan", _("Leadership (regent, office head)"), OFFICE)
AUDITOR = Role("Auditor", _("Auditor"), OFFICE, reads_audit=True, reads_imports=True)

ROLES = {r.name: r for r in (ADMIN_DINAS, OPERATOR_DINAS, CAMAT, OPERATOR_DESA, PETUGAS_BPJS, PIMPINAN, AUDITOR)}


def can(user, capability: str) -> bool:
    """Whether the user's role has a capability (a flag of Role), e.g. can(user, "approves")."""
    role = getattr(user, "role", None)
    return bool(role and getattr(role, capability))


def require(user, capability: str, message: str = "") -> None:
    if not can(user, capability):
        raise PermissionDenied(message)


def require_someone_else(user, authors: int | Iterable[int | None], message: str) -> None:
    """The four-eyes rule: whoever made a plan or a bill, or added to it, may not approve it himself."""
    if user.pk in ({authors} if isinstance(authors, int) else set(authors)):
        raise PermissionDenied(message)
