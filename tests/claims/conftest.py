import pytest

from lindung.enrolment.models import Membership
from lindung.programs.models import Programme
from tests.cards.conftest import registered


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Claim documents are uploaded to a temporary directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def running(planned):
    """BPJS registered everyone of the plan (KPJ) and the programme runs."""
    registered(planned)
    Programme.objects.filter(pk=planned.pk).update(status=Programme.Status.RUNNING)
    planned.refresh_from_db()
    return planned


@pytest.fixture
def ahmad(running) -> Membership:
    """A fisher of the village operator's kelurahan, male: he leaves a widow."""
    return running.memberships.select_related("peserta").get(peserta__nama="Ahmad Nelayan")
