"""Reads of imports and the review queue. Imports hold people of every area: office roles only, and in a province
deployment each office only its area's (a regency office the imports of its regency's users and the pairs of its
regency's people; the province office all)."""

from django.db.models import Q, QuerySet

from lindung.accounts.roles import require
from lindung.accounts.scoping import within

from ..models import DuplicatePair, ImportBatch, SavedMapping, headers_key


def check_reads_imports(user) -> None:
    require(user, "reads_imports")


def batches_within(user) -> Q:
    """A filter keeping the imports uploaded by users whose area lies in this user's (the services lock through it)."""
    return within(user, "uploaded_by__area__code")


def pairs_within(user) -> Q:
    """A filter keeping the pairs whose both people live in this user's area: a pair across two regencies is the
    province office's to decide."""
    return within(user, "a__desa__code") & within(user, "b__desa__code")


def imports_for(user) -> QuerySet[ImportBatch]:
    check_reads_imports(user)
    return ImportBatch.objects.filter(batches_within(user)).select_related("uploaded_by", "decided_by")


def pairs_for(user, *, decision: str = DuplicatePair.Decision.PENDING) -> QuerySet[DuplicatePair]:
    check_reads_imports(user)
    return DuplicatePair.objects.filter(pairs_within(user), decision=decision).select_related(
        "a", "b", "a__desa", "b__desa", "a__pekerjaan_1", "b__pekerjaan_1", "batch"
    )


def saved_mappings(user, batch: ImportBatch) -> QuerySet[SavedMapping]:
    """Mappings saved for files with exactly this batch's headers."""
    check_reads_imports(user)
    return SavedMapping.objects.filter(headers_key=headers_key(batch.headers))
