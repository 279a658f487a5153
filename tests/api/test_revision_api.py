"""The API of a plan revision (issue 15 item 6): preview the scenarios, save one as the next version, another Admin
Dinas approves it, and every version stays listed."""

import pytest
from django.test import Client

from lindung.accounts.services import issue_token
from lindung.payments import services as payments
from tests.factories import JAN, JUL, JUN, RATE, another_admin, bearer, pay_months, programme_2026

URL = "/api/programmes/kaur-2026"


@pytest.fixture
def api(users):
    """Kaur 2026 funded January-June for its six members, the six months paid; tokens for every role."""
    programme = programme_2026(users, 6 * 6 * RATE)
    pay_months(users, programme, JAN, JUN)
    users["admin2"] = another_admin()
    return programme, Client(), {name: bearer(issue_token(user)) for name, user in users.items()}


def post(client, url, auth, body):
    return client.post(url, body, content_type="application/json", **auth)


def test_preview_save_and_approve_a_revision_extending_everyone_to_december(api, users):
    programme, client, auth = api
    body = {"revise_from": "2026-07", "budget": "1.209.600"}  # twelve months for six, as a clerk types it
    preview = post(client, f"{URL}/revision/preview", auth["operator"], body)
    assert preview.status_code == 200, preview.content
    found = preview.json()
    assert (found["plan_version"], found["earliest"], found["budget"], found["cost_per_month"]) == (
        1, "2026-07", 1_209_600, RATE)
    everyone = next(s for s in found["scenarios"] if s["kind"] == "everyone")
    assert (everyone["people"], everyone["cost"], everyone["fixed_cost"], everyone["losing_cover"],
            everyone["gaining_cover"], everyone["no_month_left"]) == (6, 12 * 6 * RATE, 6 * 6 * RATE, 0, 6, 0)
    assert programme.scenarios.count() == 1  # a preview saves nothing

    saved = post(client, f"{URL}/revision", auth["operator"], {**body, "kind": "everyone", "reason": "APBD-P 2026"})
    assert saved.status_code == 201, saved.content
    assert {k: saved.json()[k] for k in ("version", "revises", "reason", "revised_from", "in_force")} == {
        "version": 2, "revises": 1, "reason": "APBD-P 2026", "revised_from": "2026-07", "in_force": False}
    assert post(client, f"{URL}/plan-versions/2/approve", auth["operator"], {}).status_code == 403
    approved = post(client, f"{URL}/plan-versions/2/approve", auth["admin"], {})
    assert approved.status_code == 200 and approved.json()["in_force"] is True
    versions = client.get(f"{URL}/plan-versions", **auth["auditor"]).json()
    assert [(v["version"], v["in_force"]) for v in versions] == [(1, False), (2, True)]
    assert payments.generate_bill(users["operator"], programme, JUL).bill.members == 6  # July follows version 2


def test_what_the_revision_api_refuses(api):
    programme, client, auth = api
    assert post(client, f"{URL}/revision/preview", auth["camat"], {"revise_from": "2026-07", "budget": 1}
                ).status_code == 403
    assert post(client, f"{URL}/revision/preview", auth["operator"], {"revise_from": "Juli", "budget": 1}
                ).status_code == 422
    assert post(client, f"{URL}/revision/preview", auth["operator"], {"revise_from": "2026-07", "budget": "1,2 M"}
                ).status_code == 422
    paid_month = post(client, f"{URL}/revision/preview", auth["operator"], {"revise_from": "2026-06", "budget": 1})
    assert paid_month.status_code == 409 and "2026-06" in paid_month.json()["detail"]
    no_reason = post(client, f"{URL}/revision", auth["operator"], {"revise_from": "2026-07", "budget": 1_209_600})
    assert no_reason.status_code == 409 and "alasan" in no_reason.json()["detail"]
    assert client.get("/api/programmes/tidak-ada/plan-versions", **auth["admin"]).status_code == 404
    assert programme.scenarios.count() == 1
