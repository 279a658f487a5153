from django_tasks import task

from . import services


@task()
def render_print_batch(batch_id: int) -> str:
    return services.render_pdf(batch_id)
