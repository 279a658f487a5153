"""The API of the money cycle: bills with four-eyes approval, lines by area, payments, a worker's coverage."""

from datetime import date

import pytest
from django.test import Client

from lindung.accounts.services import issue_token
from lindung.enrolment.models import Membership
from tests.api.test_api import bearer
from tests.conftest import KAUR_SELATAN
from tests.payments.test_payments import run


@pytest.fixture
def api(users, planned):
    run(planned)
    for i, m in enumerate(planned.memberships.order_by("peserta__nik")):
        Membership.objects.filter(pk=m.pk).update(kpj=f"2401000000{i}")
    return Client(), {name: bearer(issue_token(user)) for name, user in users.items()}


def post(client, url, auth, body=None):
    return client.post(url, body or {}, content_type="application/json", **auth)


def test_generate_approve_pay_and_see_the_coverage(api):
    client, auth = api
    made = post(client, "/api/programmes/kaur-2025/bills", auth["operator"], {"month": "2025-01"})
    assert made.status_code == 201
    assert (made.json()["members"], made.json()["total"], made.json()["due_date"]) == (5, 5 * 16_800, "2025-01-15")
    assert post(client, "/api/programmes/kaur-2025/bills", auth["camat"], {"month": "2025-01"}).status_code == 403
    assert post(client, "/api/programmes/kaur-2025/bills", auth["operator"], {"month": "2025-13"}).status_code == 409
    post(client, "/api/programmes/kaur-2025/bills", auth["admin"], {"month": "2025-02"})
    own = post(client, "/api/programmes/kaur-2025/bills/2025-02/approve", auth["admin"])
    assert own.status_code == 403 and "pengguna lain" in own.json()["detail"]
    approved = post(client, "/api/programmes/kaur-2025/bills/2025-01/approve", auth["admin"])
    assert approved.status_code == 200 and approved.json()["approved_by"] == "admin"

    camat_lines = client.get("/api/programmes/kaur-2025/bills/2025-01/lines", **auth["camat"]).json()
    assert len(camat_lines) == 3 and all(ln["desa"].startswith(KAUR_SELATAN) for ln in camat_lines)
    assert {ln["total"] for ln in camat_lines} == {16_800} and all(ln["paid_on"] is None for ln in camat_lines)

    # Late and short by one line: four members paid (in NIK order), in arrears from the due date until then.
    paid = post(client, "/api/programmes/kaur-2025/bills/2025-01/payments", auth["admin"],
                {"sp2d_number": "SP2D-1", "paid_on": "2025-01-20", "amount": 4 * 16_800})
    assert paid.status_code == 201
    assert (paid.json()["lines_paid"], paid.json()["late"]) == (4, True)
    lines = client.get("/api/programmes/kaur-2025/bills/2025-01/lines", **auth["admin"]).json()
    assert paid.json()["in_arrears"] == [ln["nik"] for ln in lines[:4]]
    assert [ln["paid_on"] for ln in lines] == ["2025-01-20"] * 4 + [None]
    bill = client.get("/api/programmes/kaur-2025/bills/2025-01", **auth["pimpinan"]).json()
    assert (bill["status"], bill["paid"]) == ("partly_paid", 4 * 16_800)
    again = post(client, "/api/programmes/kaur-2025/bills/2025-01/payments", auth["admin"],
                 {"sp2d_number": "SP2D-2", "paid_on": "2025-01-21", "amount": 2 * 16_800})
    assert again.status_code == 409 and "melebihi sisa tagihan" in again.json()["detail"]
    assert [p["sp2d_number"] for p in client.get("/api/programmes/kaur-2025/bills/2025-01/payments",
                                                  **auth["admin"]).json()] == ["SP2D-1"]

    first, last = lines[0]["nik"], lines[-1]["nik"]
    timeline = client.get(f"/api/workers/{first}/coverage", **auth["admin"]).json()
    assert [t["programme"] for t in timeline] == ["kaur-2025"]
    months = {m["month"]: m for m in timeline[0]["months"]}
    assert months["2025-01"]["payer"] == "APBD" and months["2025-01"]["late"] is True
    assert months["2025-02"]["paid_on"] is None
    # Nobody paid after January: the member lapsed on the first day of the fourth unpaid month (May 2025).
    assert timeline[0]["status_today"] == "nonaktif" and months["2025-05"]["status"] == "nonaktif"
    assert months["2025-04"]["status"] == "menunggak"
    unpaid = client.get(f"/api/workers/{last}/coverage", **auth["admin"]).json()[0]["months"]
    assert unpaid[0]["payer"] == "" and unpaid[0]["month"] == "2025-01"


def test_outside_the_area_nothing_is_found(api):
    client, auth = api
    post(client, "/api/programmes/kaur-2025/bills", auth["operator"], {"month": "2025-01"})
    lines = client.get("/api/programmes/kaur-2025/bills/2025-01/lines", **auth["admin"]).json()
    kinal = next(ln["nik"] for ln in lines if not ln["desa"].startswith(KAUR_SELATAN))
    assert client.get(f"/api/workers/{kinal}/coverage", **auth["camat"]).status_code == 404
    assert client.get("/api/programmes/kaur-2025/bills/2025-03", **auth["admin"]).status_code == 404
    assert client.get("/api/programmes/kaur-2025/bills/bukan-bulan", **auth["admin"]).status_code == 422
    assert date(2025, 1, 15).isoformat() == client.get("/api/programmes/kaur-2025/bills", **auth["camat"]).json()[0]["due_date"]
