"""Reads of imports and the review queue. Imports hold people of every area: office roles only."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from lindung.accounts.roles import ADMIN_DINAS, AUDITOR, OPERATOR_DINAS

from .models import DuplicatePair, ImportBatch, SavedMapping, headers_key

IMPORT_READERS = {ADMIN_DINAS.name, OPERATOR_DINAS.name, AUDITOR.name}


def check_reads_imports(user) -> None:
    role = getattr(user, "role", None)
    if role is None or role.name not in IMPORT_READERS:
        raise PermissionDenied


def imports_for(user) -> QuerySet[ImportBatch]:
    check_reads_imports(user)
    return ImportBatch.objects.select_related("uploaded_by", "decided_by")


def pairs_for(user, *, decision: str = DuplicatePair.Decision.PENDING) -> QuerySet[DuplicatePair]:
    check_reads_imports(user)
    return DuplicatePair.objects.filter(decision=decision).select_related(
        "a", "b", "a__desa", "b__desa", "a__pekerjaan_1", "b__pekerjaan_1"
    )


def saved_mappings(user, batch: ImportBatch) -> QuerySet[SavedMapping]:
    """Mappings saved for files with exactly this batch's headers."""
    check_reads_imports(user)
    return SavedMapping.objects.filter(headers_key=headers_key(batch.headers))
