from django_tasks import task

from .imports.services import stage
from .models import ImportBatch


@task()
def stage_import(batch_id: int) -> str:
    return stage(ImportBatch.objects.get(pk=batch_id)).status
