from django_tasks import task

from . import selectors
from .models import Programme


@task()
def keep_assessments() -> int:
    """Work out each open programme's assessment for its office before anyone opens the page (an approved import
    changes the register: at a million workers the first view would otherwise take seconds)."""
    open_ones = Programme.objects.exclude(status=Programme.Status.CLOSED)
    for programme in open_ones:
        selectors.kept_assessment_of(programme.owner_code, programme)
    return len(open_ones)
