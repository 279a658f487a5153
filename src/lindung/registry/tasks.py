from django_tasks import task

from lindung.audit.services import record_event

from .imports.services import stage
from .models import ImportBatch


@task()
def stage_import(batch_id: int) -> str:
    return stage(ImportBatch.objects.get(pk=batch_id)).status


def abandoned(batch_id: int, *, reason: str) -> None:
    """The job's worker died on it too often (core.jobs): the import fails with the reason, never "checking" for ever."""
    S = ImportBatch.Status
    batch = ImportBatch.objects.filter(pk=batch_id, status__in=[S.QUEUED, S.RUNNING]).first()
    if batch is not None:
        batch.status, batch.error, batch.progress, batch.stage = S.FAILED, reason, 100, ""
        batch.save(update_fields=["status", "error", "progress", "stage"])
        record_event(batch.uploaded_by, "registry.import_failed", target=f"importbatch:{batch.pk}",
                     summary="Impor gagal diperiksa: pekerja latar belakang berhenti.")
