from django_tasks import task

from . import services
from .models import PrintBatch


@task()
def render_print_batch(batch_id: int) -> str:
    return services.render_pdf(batch_id)


def abandoned(batch_id: int, *, reason: str) -> None:
    """The job's worker died on it too often (core.jobs): the run's PDF is failed with the reason; it can be asked for
    again."""
    P = PrintBatch.Pdf
    PrintBatch.objects.filter(pk=batch_id, pdf_status__in=[P.QUEUED, P.RUNNING]).update(pdf_status=P.FAILED,
                                                                                       pdf_error=reason[:300])
