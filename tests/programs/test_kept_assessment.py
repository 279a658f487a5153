"""The programme page reads the assessment kept, and a change to anything it is made of is on the next view."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lindung.life.services import report_death
from lindung.programs import selectors
from lindung.programs.tasks import keep_assessments
from lindung.registry.models import Pekerjaan, Peserta
from lindung.registry.services import save_peserta
from tests.programs.conftest import eligible_count, ranking_names, rules_data


def view(client, programme, **query):
    """The page, and whether it read the workers from the register (the only read of their family ids)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("programs:detail", args=[programme.code]), query)
    assert response.status_code == 200
    return response, any('"id_keluarga"' in q["sql"] and "registry_peserta" in q["sql"] for q in queries)


def kept_files():
    return sorted(selectors.kept_assessments_dir().glob("*.parquet"))


def test_the_page_reads_the_kept_assessment_until_a_worker_changes(client, users, programme, workers):
    client.force_login(users["admin"])
    first, read = view(client, programme)
    assert read and eligible_count(first) == 3 and len(kept_files()) == 1
    again, read = view(client, programme)
    assert not read, "a second view worked the assessment out again"
    assert ranking_names(again) == ranking_names(first) == ["Ahmad Nelayan", "Fajar Kinal", "Bambang Petani"]
    assert [r["priority"] for r in again.context["page"]] == [135, 120, 100]

    petani = Peserta.objects.get(pk=workers["petani"].pk)
    petani.desil = 3
    save_peserta(users["admin"], petani)
    changed, read = view(client, programme)
    assert read and eligible_count(changed) == 2 and "Bambang Petani" not in ranking_names(changed)
    not_eligible, read = view(client, programme, show="not")
    assert not read and "Bambang Petani" in ranking_names(not_eligible)


def test_rules_occupations_and_life_events_each_name_another_kept_assessment(client, users, programme, workers):
    client.force_login(users["admin"])
    assert eligible_count(view(client, programme)[0]) == 3
    client.post(reverse("programs:rules", args=[programme.code]), rules_data(programme, desil_max=2))
    response, read = view(client, programme)
    assert read and eligible_count(response) == 4

    petani = Pekerjaan.objects.get(code="petani")
    petani.high_risk = True
    petani.save()
    response, read = view(client, programme)
    assert read and [r["priority"] for r in response.context["page"]][:2] == [135, 135]

    report_death(users["admin"], workers["nelayan"], died_on=date(2025, 2, 1))
    response, read = view(client, programme)
    assert read and "Ahmad Nelayan" not in ranking_names(response) and eligible_count(response) == 3


def test_each_area_keeps_its_own_and_a_camat_never_reads_the_office_s(client, users, programme, workers):
    client.force_login(users["admin"])
    assert view(client, programme)[0].context["summary"]["total"] == 7
    client.force_login(users["camat"])
    response, read = view(client, programme)
    assert read and response.context["summary"]["total"] == 5 and "Fajar Kinal" not in response.content.decode()
    assert len(kept_files()) == 2


def test_the_job_an_import_queues_keeps_it_before_the_first_view(client, users, programme, workers):
    assert keep_assessments.call() >= 1
    client.force_login(users["admin"])
    response, read = view(client, programme)
    assert not read and eligible_count(response) == 3


def test_what_is_kept_is_what_the_register_gives_now(users, programme, workers):
    kept = selectors.assessment(users["admin"], programme)
    fresh = selectors.assess_workers(Peserta.objects.all(), programme)
    assert kept.equals(fresh)
