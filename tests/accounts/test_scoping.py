"""accounts.scoping: a regency office on its own server holds every village there is, so its counts run without the
area filter (no join of a million rows to their villages); the filter is back the moment another regency's villages
are loaded, and a camat's is never dropped."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from lindung.accounts.scoping import holds_every_village
from lindung.registry.selectors import peserta_for
from lindung.wilayah.models import Level, Wilayah
from lindung.wilayah.services import load_regency
from tests.conftest import KAUR, KAUR_SELATAN, make_peserta


def counted(user) -> tuple[set[str], str]:
    """The names the user's register holds, and the SQL that read them."""
    with CaptureQueriesContext(connection) as queries:
        names = set(peserta_for(user).values_list("nama", flat=True))
    return names, queries.captured_queries[-1]["sql"]


def test_the_office_reads_without_the_area_filter_until_another_regency_is_loaded(users, three_workers):
    office, camat = users["operator"], users["camat"]
    kaur = {w.nama for w in three_workers.values()}
    assert holds_every_village(KAUR) and not holds_every_village(KAUR_SELATAN)

    names, sql = counted(office)
    assert names == kaur and "desa_id" not in sql  # every village is Kaur's: nothing to filter
    names, sql = counted(camat)
    assert names == {"Siti Dalamdesa", "Budi Sekecamatan"} and "desa_id" in sql

    load_regency("17.05")  # a province server: Seluma's villages and a worker of Seluma
    seluma = Wilayah.objects.filter(level=Level.DESA, code__startswith="17.05.").first()
    make_peserta(seluma.code, "Warga Seluma", serial=14)
    assert not holds_every_village(KAUR) and holds_every_village("17")
    names, sql = counted(office)
    assert names == kaur and "desa_id" in sql
