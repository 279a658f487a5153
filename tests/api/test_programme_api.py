"""The API of programmes: the plan preview, saved scenarios, four-eyes approval, enrolment status."""

import pytest
from django.test import Client

from lindung.accounts.services import issue_token
from lindung.enrolment import services as enrolment
from lindung.programs.demo import ensure_demo_programme
from tests.conftest import KAUR, KAUR_SELATAN, six_workers
from tests.factories import bearer


@pytest.fixture
def api(users):
    return Client(), {name: bearer(issue_token(user)) for name, user in users.items()}


def test_preview_save_and_approve_a_plan(api, users):
    client, auth = api
    six_workers()
    programme = ensure_demo_programme(KAUR)
    programme.budget = 3 * 12 * 16_800 + 16_799  # three full years and not quite one more month
    programme.save()
    body = {"kind": "optimum", "min_consecutive": 6}
    preview = client.post("/api/programmes/kaur-2025/plan", body, content_type="application/json", **auth["operator"])
    assert preview.status_code == 200
    figures = {s["name"]: s for s in preview.json()["scenarios"]}
    assert preview.json()["candidates"] == 6 and preview.json()["monthly_cost_per_person"] == 16_800
    assert (figures["full_year"]["people"], figures["full_year"]["remaining"]) == (3, 16_799)
    assert figures["all_max_months"]["months"] == 6 and figures["all_max_months"]["people"] == 6
    assert figures["optimum"]["cost"] <= programme.budget and programme.budget - figures["optimum"]["cost"] < 16_800

    saved = client.post("/api/programmes/kaur-2025/scenarios", body, content_type="application/json", **auth["operator"])
    assert saved.status_code == 201
    number = saved.json()["number"]
    assert number == 1 and saved.json()["created_by"] == "operator" and saved.json()["approved_by"] is None
    own = client.post(f"/api/programmes/kaur-2025/scenarios/{number}/approve", **auth["operator"])
    assert own.status_code == 403
    approved = client.post(f"/api/programmes/kaur-2025/scenarios/{number}/approve", **auth["admin"])
    assert approved.status_code == 200 and approved.json()["approved_by"] == "admin"
    again = client.post(f"/api/programmes/kaur-2025/scenarios/{number}/approve", **auth["admin"])
    assert again.status_code == 409 and "sudah punya rencana" in again.json()["detail"]
    assert client.get("/api/programmes/kaur-2025", **auth["pimpinan"]).json()["plan"] == number
    refused = client.post("/api/programmes/kaur-2025/scenarios", {"kind": "optimum", "budget": programme.budget + 1},
                          content_type="application/json", **auth["operator"])
    assert refused.status_code == 422


def test_enrolment_status_and_members_follow_the_area(api, users, planned):
    client, auth = api
    enrolment.submit_registration(users["operator"], planned)
    office = client.get("/api/programmes/kaur-2025/enrolment", **auth["bpjs"]).json()
    assert {r["code"]: r["counts"]["submitted"] for r in office} == {"17.04.01": 2, "17.04.05": 3}
    camat = client.get("/api/programmes/kaur-2025/enrolment", **auth["camat"]).json()
    assert [r["code"] for r in camat] == [KAUR_SELATAN]
    members = client.get("/api/programmes/kaur-2025/members", **auth["camat"]).json()
    assert len(members) == 3 and all(m["desa"].startswith(KAUR_SELATAN) for m in members)
    assert client.get("/api/programmes/kaur-2025/members?status=candidate", **auth["admin"]).json() == []
    scenario = client.get(f"/api/programmes/kaur-2025/scenarios/{planned.plan.number}", **auth["camat"]).json()
    assert list(scenario["by_kecamatan"]) == [KAUR_SELATAN]
    assert client.post("/api/programmes/kaur-2025/plan", {"kind": "optimum"}, content_type="application/json",
                       **auth["camat"]).status_code == 403
