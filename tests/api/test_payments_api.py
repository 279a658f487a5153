"""The API of the money cycle: bills with four-eyes approval, lines by area, payments, a worker's coverage."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lindung.accounts.services import issue_token
from lindung.enrolment.models import Membership
from lindung.payments.protection import refresh
from tests.conftest import KAUR_SELATAN
from tests.factories import bearer, run


@pytest.fixture
def api(users, planned):
    run(planned)
    for i, m in enumerate(planned.memberships.order_by("peserta__nik")):
        Membership.objects.filter(pk=m.pk).update(kpj=f"2401000000{i}")
    refresh(Membership.objects.all())
    return Client(), {name: bearer(issue_token(user)) for name, user in users.items()}


def post(client, url, auth, body=None):
    return client.post(url, body or {}, content_type="application/json", **auth)


def coverage(client, nik, auth):
    """A worker's coverage: his NIK in the body, never in the URL."""
    return post(client, "/api/workers/coverage", auth, {"nik": nik})


BILLS = "/api/programmes/kaur-2025/bills"


def approved_january(client, auth):
    """The operator generates January 2025's bill of the five members and the admin approves it."""
    assert post(client, BILLS, auth["operator"], {"month": "2025-01"}).status_code == 201
    approved = post(client, f"{BILLS}/2025-01/approve", auth["admin"])
    assert approved.status_code == 200 and approved.json()["approved_by"] == "admin"


def paid_late_and_short(client, auth):
    """January paid on the 20th (due the 15th) for four lines: SP2D-1."""
    return post(client, f"{BILLS}/2025-01/payments", auth["admin"],
                {"sp2d_number": "SP2D-1", "paid_on": "2025-01-20", "amount": 4 * 16_800})


def test_the_office_generates_a_bill_and_only_another_user_approves_it(api):
    client, auth = api
    made = post(client, BILLS, auth["operator"], {"month": "2025-01"})
    assert made.status_code == 201
    assert (made.json()["members"], made.json()["total"], made.json()["due_date"]) == (5, 5 * 16_800, "2025-01-15")
    assert post(client, BILLS, auth["camat"], {"month": "2025-01"}).status_code == 403
    assert post(client, BILLS, auth["operator"], {"month": "2025-13"}).status_code == 409
    post(client, BILLS, auth["admin"], {"month": "2025-02"})
    own = post(client, f"{BILLS}/2025-02/approve", auth["admin"])
    assert own.status_code == 403 and "pengguna lain" in own.json()["detail"]
    approved = post(client, f"{BILLS}/2025-01/approve", auth["admin"])
    assert approved.status_code == 200 and approved.json()["approved_by"] == "admin"


def test_the_camat_sees_the_unpaid_lines_of_his_kecamatan_only(api):
    client, auth = api
    approved_january(client, auth)
    camat_lines = client.get(f"{BILLS}/2025-01/lines", **auth["camat"]).json()
    assert len(camat_lines) == 3 and all(ln["desa"].startswith(KAUR_SELATAN) for ln in camat_lines)
    assert {ln["total"] for ln in camat_lines} == {16_800} and all(ln["paid_on"] is None for ln in camat_lines)


def test_a_late_short_payment_pays_lines_in_nik_order_and_no_more_than_is_owed(api):
    client, auth = api
    approved_january(client, auth)
    # Late and short by one line: four members paid (in NIK order), in arrears from the due date until then.
    paid = paid_late_and_short(client, auth)
    assert paid.status_code == 201
    assert (paid.json()["lines_paid"], paid.json()["late"]) == (4, True)
    lines = client.get(f"{BILLS}/2025-01/lines", **auth["admin"]).json()
    assert paid.json()["in_arrears"] == [ln["nik"] for ln in lines[:4]]
    assert [ln["paid_on"] for ln in lines] == ["2025-01-20"] * 4 + [None]
    bill = client.get(f"{BILLS}/2025-01", **auth["pimpinan"]).json()
    assert (bill["status"], bill["paid"]) == ("partly_paid", 4 * 16_800)
    again = post(client, f"{BILLS}/2025-01/payments", auth["admin"],
                 {"sp2d_number": "SP2D-2", "paid_on": "2025-01-21", "amount": 2 * 16_800})
    assert again.status_code == 409 and "melebihi sisa tagihan" in again.json()["detail"]
    assert [p["sp2d_number"] for p in client.get(f"{BILLS}/2025-01/payments", **auth["admin"]).json()] == ["SP2D-1"]


def test_a_bill_paid_late_and_short_shows_in_each_workers_coverage_month_by_month(api):
    # The story of the money cycle: a bill generated, approved, paid late and short, and each worker's months.
    client, auth = api
    approved_january(client, auth)
    assert paid_late_and_short(client, auth).status_code == 201
    lines = client.get(f"{BILLS}/2025-01/lines", **auth["admin"]).json()
    first, last = lines[0]["nik"], lines[-1]["nik"]
    timeline = coverage(client, first, auth["admin"]).json()
    assert [t["programme"] for t in timeline] == ["kaur-2025"]
    months = {m["month"]: m for m in timeline[0]["months"]}
    assert months["2025-01"]["payer"] == "APBD" and months["2025-01"]["late"] is True
    assert months["2025-02"]["paid_on"] is None
    # Nobody paid after January: the member lapsed on the first day of the fourth unpaid month (May 2025).
    assert timeline[0]["status_today"] == "nonaktif" and months["2025-05"]["status"] == "nonaktif"
    assert months["2025-04"]["status"] == "menunggak"
    unpaid = coverage(client, last, auth["admin"]).json()[0]["months"]
    assert unpaid[0]["payer"] == "" and unpaid[0]["month"] == "2025-01"


def test_outside_the_area_nothing_is_found(api):
    client, auth = api
    post(client, "/api/programmes/kaur-2025/bills", auth["operator"], {"month": "2025-01"})
    lines = client.get("/api/programmes/kaur-2025/bills/2025-01/lines", **auth["admin"]).json()
    kinal = next(ln["nik"] for ln in lines if not ln["desa"].startswith(KAUR_SELATAN))
    assert coverage(client, kinal, auth["camat"]).status_code == 404
    assert client.get("/api/programmes/kaur-2025/bills/2025-03", **auth["admin"]).status_code == 404
    assert client.get("/api/programmes/kaur-2025/bills/bukan-bulan", **auth["admin"]).status_code == 422
    assert date(2025, 1, 15).isoformat() == client.get("/api/programmes/kaur-2025/bills", **auth["camat"]).json()[0]["due_date"]


def test_reconcile_a_file_and_resolve_a_difference(api, users):
    client, auth = api
    post(client, "/api/programmes/kaur-2025/bills", auth["operator"], {"month": "2025-01"})
    lines = client.get("/api/programmes/kaur-2025/bills/2025-01/lines", **auth["admin"]).json()
    assert client.get("/api/programmes/kaur-2025/bills/2025-01/reconciliation", **auth["admin"]).status_code == 404
    rows = [f"{ln['kpj']},{ln['nama']},{17_000 if i == 0 else 16_800}" for i, ln in enumerate(lines[:4])]
    invoice = ("No. KPJ,Nama,Jumlah\n" + "\n".join([*rows, "24019999999,Orang Asing,16800"])).encode()
    bad = ("No. KPJ,Nama,Jumlah\n" + "\n".join([*rows, "2401999,Orang Asing,16800"])).encode()

    def upload(data, who="operator"):
        return client.post("/api/programmes/kaur-2025/bills/2025-01/reconciliation",
                           {"file": SimpleUploadedFile("tagihan.csv", data, content_type="text/csv")}, **auth[who])

    refused = upload(bad)
    assert refused.status_code == 422 and refused.json()["findings"][0]["row"] == 6
    assert client.get("/api/programmes/kaur-2025/bills/2025-01/reconciliation", **auth["admin"]).status_code == 404
    assert upload(invoice, "camat").status_code == 403
    done = upload(invoice)
    assert done.status_code == 201
    body = done.json()
    assert (body["matched"], body["amount_differs"], body["only_ours"], body["only_theirs"]) == (3, 1, 1, 1)
    kinds = {d["kind"]: d for d in body["differences"]}
    assert (kinds["amount_differs"]["nama"], kinds["amount_differs"]["theirs"]) == (lines[0]["nama"], 17_000)
    assert kinds["only_ours"]["kpj"] == lines[4]["kpj"] and kinds["only_theirs"]["nama"] == "Orang Asing"

    camat = client.get("/api/programmes/kaur-2025/bills/2025-01/reconciliation", **auth["camat"]).json()
    assert camat["matched"] == 3 and all(d["kind"] != "only_theirs" for d in camat["differences"])  # not his area
    resolved = post(client, "/api/programmes/kaur-2025/bills/2025-01/reconciliation/resolve", auth["operator"],
                    {"kind": "only_theirs", "kpj": "24019999999", "note": "Bukan peserta kita; BPJS mengoreksi."})
    assert resolved.status_code == 200
    still_open = client.get("/api/programmes/kaur-2025/bills/2025-01/reconciliation?open_only=true", **auth["admin"]).json()
    assert sorted(d["kind"] for d in still_open["differences"]) == ["amount_differs", "only_ours"]
    again = post(client, "/api/programmes/kaur-2025/bills/2025-01/reconciliation/resolve", auth["operator"],
                 {"kind": "only_theirs", "kpj": "24019999999", "note": "lagi"})
    assert again.status_code == 409
