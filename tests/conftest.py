import os
from datetime import date
from importlib.util import find_spec

import pytest
from django.utils import translation

from lindung.accounts.demo import ensure_demo_users
from lindung.enrolment.models import Membership
from lindung.payments import services as bills
from lindung.programs.models import Programme
from lindung.registry.models import Pekerjaan, Peserta
from lindung.registry.occupations import ensure_occupations
from lindung.rules.nik import make_nik
from lindung.wilayah.services import load_regency

# Live-server tests drive the browser from the test thread, which Playwright runs inside an event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The walk's world (every page and endpoint, with a plan, bills, cards, claims…), for the tests that walk them all.
pytest_plugins = ["tests.walk"]


def pytest_collection_modifyitems(config, items):
    """The Spark tests need the optional extra: without PySpark they are skipped with the reason; with it they run,
    so a Spark failure always fails."""
    if find_spec("pyspark") is not None:
        return
    missing = pytest.mark.skip(reason="PySpark is not installed: `uv sync --extra spark` (with Java 17) runs these")
    for item in items:
        if item.get_closest_marker("spark"):
            item.add_marker(missing)


PASSWORD = "uji-lindung-2024"
KAUR = "17.04"
KAUR_SELATAN = "17.04.05"
BANDAR_BINTUHAN = "17.04.05.1013"  # the demo village operator's kelurahan
OTHER_VILLAGE_KAUR_SELATAN = "17.04.05.2009"  # Sekunyit
KINAL_VILLAGE = "17.04.01.2001"  # Gedung Wani, another kecamatan


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # Files a test writes (imports, card PDFs, claim documents, the outbox, backups) go to its own directory, never
    # to the checkout's ./var, where CI's SQLite and PostgreSQL legs run side by side.
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = settings.DATA_DIR / "media"
    settings.LINDUNG_OUTBOX_FILE = settings.DATA_DIR / "outbox.jsonl"
    settings.LINDUNG_BACKUP_DIR = settings.DATA_DIR / "backups"
    settings.CACHES = {**settings.CACHES, "kept": {**settings.CACHES["kept"], "LOCATION": settings.DATA_DIR / "kept"}}
    # The manifest needs collectstatic; tests serve static files from the finders instead.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    yield
    # A page asked in English leaves English active in this thread (LocaleMiddleware does not reset it): the next
    # test's services and commands would speak English where a user's would speak the default, Indonesian.
    translation.deactivate()


@pytest.fixture(autouse=True)
def occupations(request):
    """A transactional test (marked so, or serving a live server) starts from a flushed database (an earlier one
    emptied it): the data migrations' occupations are gone, so put them back."""
    marker = request.node.get_closest_marker("django_db")
    if (marker and marker.kwargs.get("transaction")) or "live_server" in request.fixturenames:
        request.getfixturevalue("transactional_db")
        ensure_occupations(Pekerjaan)


@pytest.fixture
def import_settings(settings):
    """Imports take ages on 1 January 2025 and run at once."""
    settings.LINDUNG_PROGRAMME_START = "2025-01-01"
    # pytest-django's settings fixture sends setting_changed, on which django_tasks drops its cached backends.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return settings


@pytest.fixture
def kaur(db):
    load_regency(KAUR)
    return KAUR


@pytest.fixture
def users(kaur):
    ensure_demo_users(KAUR, PASSWORD)
    from lindung.accounts.models import User

    return {u.username: u for u in User.objects.all()}


def new_peserta(desa: str, nama: str, *, sex: str = "L", born=None, serial: int = 1, job: str = "petani") -> Peserta:
    """A worker not saved yet, for a service to save (registry.services.save_peserta)."""
    born = born or date(1980, 5, 17)
    return Peserta(
        nik=make_nik(desa[:8], born, sex, serial), nama=nama, jenis_kelamin=sex, tanggal_lahir=born, desa_id=desa,
        pekerjaan_1=Pekerjaan.objects.get(code=job), desil=1, miskin_ekstrem=True,
    )


def make_peserta(desa: str, nama: str, *, sex: str = "L", born=None, serial: int = 1, job: str = "petani") -> Peserta:
    peserta = new_peserta(desa, nama, sex=sex, born=born, serial=serial, job=job)
    peserta.save()
    return peserta


@pytest.fixture
def three_workers(kaur):
    """One worker in the demo village, one elsewhere in Kaur Selatan, one in another kecamatan."""
    return {
        "village": make_peserta(BANDAR_BINTUHAN, "Siti Dalamdesa", sex="P", serial=11),
        "kecamatan": make_peserta(OTHER_VILLAGE_KAUR_SELATAN, "Budi Sekecamatan", serial=12, job="nelayan"),
        "outside": make_peserta(KINAL_VILLAGE, "Joko Luarwilayah", serial=13),
    }


def six_workers() -> list[Peserta]:
    """Six eligible workers: four in Kaur Selatan (two fishers' high risk puts Ahmad first), two in Kinal."""
    return [make_peserta(desa, nama, serial=serial, job=job, sex="P" if nama.startswith(("Siti", "Wati")) else "L")
            for serial, (desa, nama, job) in enumerate([
                (BANDAR_BINTUHAN, "Ahmad Nelayan", "nelayan"), (BANDAR_BINTUHAN, "Siti Pedagang", "pedagang-kecil"),
                (OTHER_VILLAGE_KAUR_SELATAN, "Budi Petani", "petani"), (OTHER_VILLAGE_KAUR_SELATAN, "Rudi Buruh", "buruh-tani"),
                (KINAL_VILLAGE, "Joko Nelayan", "nelayan"), (KINAL_VILLAGE, "Wati Petani", "petani"),
            ], start=31)]


def plan_programme(users, kind: str = "full_year", *, people: int = 5):
    """Kaur's 2025 programme with six_workers(), a budget for ``people`` full years, and the ``kind`` scenario
    saved by the operator and approved by the admin."""
    from lindung.programs import services
    from lindung.programs.demo import ensure_demo_programme
    from lindung.programs.selectors import Settings

    six_workers()
    programme = ensure_demo_programme(KAUR)
    programme.budget = people * 12 * 16_800
    programme.save()
    scenario = services.save_scenario(users["operator"], programme, Settings.of(programme), kind)
    services.approve_scenario(users["admin"], scenario)
    programme.refresh_from_db()
    return programme


@pytest.fixture
def planned(users):
    return plan_programme(users)


PAID_ON = {"2025-01": date(2025, 1, 13), "2025-02": date(2025, 2, 12)}


@pytest.fixture
def funded(users, planned):
    """The plan's members registered with BPJS, funded January–February 2025, both bills paid in time; every
    worker but the two in Sekunyit has a phone."""
    planned.memberships.update(status=Membership.Status.ACTIVE, last=date(2025, 2, 1))
    for i, m in enumerate(planned.memberships.order_by("pk")):
        Membership.objects.filter(pk=m.pk).update(kpj=f"{25_000_000_000 + i}")
    planned.status = Programme.Status.RUNNING
    planned.save()
    for month, paid_on in PAID_ON.items():
        bill = bills.approve_bill(users["admin"], bills.generate_bill(users["operator"], planned, month).bill)
        bills.record_payment(users["admin"], bill, f"SP2D/{month}", paid_on, bill.total)
    Peserta.objects.exclude(desa_id=OTHER_VILLAGE_KAUR_SELATAN).update(telepon="081234567890")
    return planned
