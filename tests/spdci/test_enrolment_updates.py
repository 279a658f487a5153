"""Enrolment updates pushed to our IBR (POST /registry/sync/enrollment/updates, action "notify"): another payer's
system tells which people it enrols for which months; each person of the register of the token's area is recorded
as other cover once, audited, and every beneficiary answered (recorded, not found in your area, invalid) in the
standard's shapes, never saying anything of a person outside the area. Only the office may push."""

from datetime import date, datetime, timezone

import pytest
from django.test import Client

from lindung.accounts.roles import OPERATOR_DINAS
from lindung.accounts.services import issue_token, save_user
from lindung.audit.models import Event
from lindung.life.models import OtherCover
from lindung.pipeline import spdci
from lindung.pipeline.spdci import Enrolment
from lindung.registry.models import Peserta
from lindung.wilayah.services import load_regency
from tests.conftest import PASSWORD, six_workers
from tests.factories import bearer

from . import standard

UPDATES = "/registry/sync/enrollment/updates"
URL = "/api/spdci/ibr/v1.0.0" + UPDATES
NOW = datetime(2025, 3, 1, 8, tzinfo=timezone.utc)
NOBODY = "1704055709809999"  # on no register


def enrolment(nik: str, *, programme: str = "desa-air-petai-2025", payer: str = "dana_desa",
              payer_name: str = "Desa Air Petai", status: str = "active") -> Enrolment:
    return Enrolment(nik=nik, programme=programme, programme_name="Perlindungan Pekerja Desa", status=status,
                     protection="aktif", payer=payer, payer_name=payer_name, first=date(2025, 1, 1),
                     last=date(2025, 6, 1), ended_on=None, paid=())


def push(*enrolments: Enrolment) -> dict:
    return spdci.enrolment_updates(enrolments, sender_id="siskeudes.1704", receiver_id="lindung.17.04", now=NOW)


def send(body, token: str):
    return Client().post(URL, body, content_type="application/json", **bearer(token))


def answered(response) -> dict:
    """The answer, checked against the release's schemas (the header also against the registry core's)."""
    body = response.json()
    if "header" in body:
        assert standard.errors(standard.response_schema("ibr", UPDATES), body) == []
    else:
        assert standard.errors(standard.http_error_schema("ibr"), body) == []
    return body


def results(body: dict) -> list[tuple[str, str]]:
    return [(r["status"], r["status_reason_message"].split(":", 1)[0]) for r in body["message"]["enrolled_response"]]


@pytest.fixture
def workers(users) -> list[Peserta]:
    return six_workers()


def test_our_push_validates_against_the_release():
    body = push(enrolment("1704055709800011"))
    assert standard.errors(standard.request_schema("ibr", UPDATES), body) == []
    assert body["header"]["action"] == "notify"


def test_a_push_records_each_person_of_the_area_once_and_answers_each_beneficiary(users, workers):
    token = issue_token(users["operator"])
    village, province = workers[0], workers[1]
    body = push(enrolment(village.nik), enrolment(province.nik, programme="bengkulu-2025", payer="apbd",
                                                  payer_name="Pemprov Bengkulu"),
                enrolment(NOBODY), enrolment(workers[2].nik, status="candidate"))
    body["message"]["enrolled_updates"]["beneficiaries"].append({"@type": "Beneficiary", "member": {}})

    first = answered(send(body, token))
    assert first["header"]["status"] == "succ" and first["header"]["action"] == "on-notify"
    assert (first["header"]["total_count"], first["header"]["completed_count"]) == (4, 5)
    assert first["header"]["receiver_id"] == "siskeudes.1704"
    assert results(first) == [("succ", "recorded"), ("succ", "recorded"), ("rjct", "not_found"),
                              ("rjct", "invalid"), ("rjct", "invalid")]
    assert "Desa Air Petai" in first["message"]["enrolled_response"][0]["status_reason_message"]
    covers = OtherCover.objects.filter(withdrawn_at__isnull=True).order_by("peserta__nik")
    assert sorted(covers.values_list("peserta__nik", "payer", "payer_name", "first", "last", "source")) == sorted([
        (village.nik, "dana_desa", "Desa Air Petai", date(2025, 1, 1), date(2025, 6, 1), "registry"),
        (province.nik, "provinsi", "Pemprov Bengkulu", date(2025, 1, 1), date(2025, 6, 1), "registry")])
    assert covers.first().evidence.startswith("Kiriman SPDCI siskeudes.1704: program ")
    pushed = Event.objects.get(action="life.enrolments_pushed")
    assert pushed.summary == ("Kiriman kepesertaan SPDCI dari siskeudes.1704: 5 penerima, 2 dicatat sebagai pemberi "
                              "iuran lain, 1 tidak ada di register wilayah, 2 tidak sah.")
    assert village.nik not in pushed.summary and village.nama not in pushed.summary
    assert Event.objects.filter(action="life.other_cover_recorded").count() == 2

    again = answered(send(body, token))  # the same push twice records once
    assert results(again) == results(first)
    assert OtherCover.objects.count() == 2
    assert Event.objects.filter(action="life.other_cover_recorded").count() == 2


def test_a_person_outside_the_area_is_answered_as_one_on_no_register(users, workers):
    load_regency("17.05")
    seluma = save_user("operator-seluma", role=OPERATOR_DINAS.name, area_code="17.05", password=PASSWORD)
    body = answered(send(push(enrolment(workers[0].nik), enrolment(NOBODY)), issue_token(seluma)))
    kaur, nobody = body["message"]["enrolled_response"]
    assert kaur["status"] == nobody["status"] == "rjct"
    assert (kaur["status_reason_message"].replace(workers[0].nik, "NIK") ==
            nobody["status_reason_message"].replace(NOBODY, "NIK"))
    assert not OtherCover.objects.exists()


@pytest.mark.parametrize("role", ["camat", "desa", "bpjs", "pimpinan", "auditor"])
def test_only_the_office_may_push(users, workers, role):
    response = send(push(enrolment(workers[0].nik)), issue_token(users[role]))
    assert response.status_code == 403 and answered(response)["errors"][0]["code"] == "err.request.forbidden"
    assert not OtherCover.objects.exists()


def test_a_push_is_refused_as_a_whole_when_it_is_no_push(users):
    token = issue_token(users["admin"])
    searching = push(enrolment(NOBODY))
    searching["header"]["action"] = "search"
    response = send(searching, token)
    assert response.status_code == 400
    assert answered(response)["header"]["status_reason_code"] == "rjct.action.invalid"
    empty = push()
    response = send(empty, token)
    assert response.status_code == 400 and answered(response)["header"]["status"] == "rjct"
    response = Client().post(URL, push(enrolment(NOBODY)), content_type="application/json")
    assert response.status_code == 401 and answered(response)["errors"][0]["code"] == "err.request.unauthorized"


def test_the_release_sample_of_a_push_is_answered(users):
    """Process flow 1 pushes a Beneficiary under action "register" as receipt_information, identified by NID, its
    enrolment with no end: read, and answered invalid (no months)."""
    sample = standard.sample("ibr-processflow1req.json")
    body = answered(send(sample, issue_token(users["admin"])))
    assert body["header"]["status"] == "succ"
    assert results(body) == [("rjct", "invalid")]
