"""Reads of imports and the review queue. Imports hold people of every area: office roles only."""

from django.db.models import QuerySet

from lindung.accounts.roles import require

from ..models import DuplicatePair, ImportBatch, SavedMapping, headers_key


def check_reads_imports(user) -> None:
    require(user, "reads_imports")


def imports_for(user) -> QuerySet[ImportBatch]:
    check_reads_imports(user)
    return ImportBatch.objects.select_related("uploaded_by", "decided_by")


def pairs_for(user, *, decision: str = DuplicatePair.Decision.PENDING) -> QuerySet[DuplicatePair]:
    check_reads_imports(user)
    return DuplicatePair.objects.filter(decision=decision).select_related(
        "a", "b", "a__desa", "b__desa", "a__pekerjaan_1", "b__pekerjaan_1", "batch"
    )


def saved_mappings(user, batch: ImportBatch) -> QuerySet[SavedMapping]:
    """Mappings saved for files with exactly this batch's headers."""
    check_reads_imports(user)
    return SavedMapping.objects.filter(headers_key=headers_key(batch.headers))
