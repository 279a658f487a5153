"""The claims API end to end: a village operator reports a death and files the heir and the documents, the office
completes and submits it (the benefit frozen), BPJS decides and pays, the report counts it; refusals answer
403 (role), 404 (outside the area), 409 (the step refused) and 422 (bad input)."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from lindung.accounts.roles import CAMAT
from lindung.accounts.services import issue_token, save_user
from lindung.claims.models import Claim, ClaimDocument, Heir
from tests.claims import conftest as claims_fixtures
from tests.conftest import PASSWORD
from tests.factories import DEATH_DOCUMENTS, JPEG, PDF, bearer, pay_bill

# The claims tests' fixtures: the programme running, Ahmad, uploads in a temporary directory.
running, ahmad, media = claims_fixtures.running, claims_fixtures.ahmad, claims_fixtures.media

REPORT = {"kind": "jkm", "event_date": "2025-04-20", "event_place": "Rumah", "cause": "Sakit jantung",
          "reporter_name": "Kepala Desa", "reporter_relationship": "Kepala desa", "reporter_phone": "081234567890"}


@pytest.fixture
def api(users, running):
    for month in ("2025-01", "2025-02", "2025-03", "2025-04"):  # Ahmad is active on the day he dies
        pay_bill(users, running, month, date.fromisoformat(f"{month}-10"))
    kinal = save_user("camat_kinal", role=CAMAT.name, area_code="17.04.01", password=PASSWORD)
    tokens = {name: bearer(issue_token(user)) for name, user in {**users, "camat_kinal": kinal}.items()}
    return Client(), tokens


def post(client, url, auth, body=None):
    return client.post(url, body or {}, content_type="application/json", **auth)


def test_a_death_from_the_village_report_to_the_payment(api, ahmad):
    client, auth = api
    made = post(client, "/api/claims", auth["desa"], {**REPORT, "nik": ahmad.peserta.nik})
    assert made.status_code == 201, made.content
    claim = made.json()
    number = claim["number"]
    assert (claim["status"], claim["kind"], claim["nik"], claim["kpj"], claim["event_date"]) == (
        "reported", "jkm", ahmad.peserta.nik, ahmad.kpj, "2025-04-20")
    assert claim["claim_due"] == "2030-04-20" and claim["heirs"] == [] and claim["benefit"] is None
    assert [(d["kind"], d["required"], d["present"]) for d in claim["documents"]] == [
        (k, True, False) for k in DEATH_DOCUMENTS]

    heir = post(client, f"/api/claims/{number}/heirs", auth["desa"],
                {"name": "Siti Aminah", "relationship": "janda", "nik": "", "bank_account": "BRI 1234"})
    assert heir.status_code == 201 and heir.json()["heirs"] == [{"name": "Siti Aminah", "relationship": "janda"}]
    assert "BRI 1234" not in heir.content.decode()  # the heir's account stays on the claim's page

    early = post(client, f"/api/claims/{number}/complete", auth["operator"])
    assert early.status_code == 409 and "belum lengkap" in early.json()["detail"]
    for kind in DEATH_DOCUMENTS:
        done = client.post(f"/api/claims/{number}/documents",
                           {"kind": kind, "file": SimpleUploadedFile("scan.pdf", PDF)}, **auth["desa"])
        assert done.status_code == 201, done.content
    documents = {d["kind"]: d for d in done.json()["documents"]}
    assert all(d["present"] and d["files"] == 1 and d["uploaded_at"] for d in documents.values())
    assert "%PDF" not in done.content.decode() and ClaimDocument.objects.count() == 7

    assert post(client, f"/api/claims/{number}/complete", auth["desa"]).status_code == 403
    assert post(client, f"/api/claims/{number}/complete", auth["operator"]).json()["status"] == "documents_complete"
    submitted = post(client, f"/api/claims/{number}/submit", auth["operator"]).json()
    assert (submitted["status"], submitted["benefit_total"], submitted["payable_now"]) == ("submitted", 42_000_000, 42_000_000)
    assert submitted["benefit"]["components"]["Biaya pemakaman"] == 10_000_000
    assert submitted["submitted_on"] == str(timezone.localdate()) and submitted["payment_due"] > submitted["submitted_on"]

    assert post(client, f"/api/claims/{number}/decide", auth["operator"], {"approved": True}).status_code == 403
    refused = post(client, f"/api/claims/{number}/paid", auth["bpjs"], {"amount": 42_000_000, "paid_on": str(date.today())})
    assert refused.status_code == 409 and "tidak bisa langsung menjadi dibayar" in refused.json()["detail"]
    assert post(client, f"/api/claims/{number}/decide", auth["bpjs"], {"approved": True}).json()["status"] == "approved"
    paid = post(client, f"/api/claims/{number}/paid", auth["bpjs"], {"amount": 42_000_000, "paid_on": str(date.today())})
    assert paid.status_code == 200
    assert (paid.json()["status"], paid.json()["paid_amount"], paid.json()["warnings"]) == ("paid", 42_000_000, [])
    again = post(client, f"/api/claims/{number}/decide", auth["bpjs"], {"approved": True})
    assert again.status_code == 409 and "sudah final" in again.json()["detail"]

    report = client.get("/api/claims/report", **auth["pimpinan"]).json()
    waited = (timezone.localdate() - date(2025, 4, 20)).days
    assert (report["claims"], report["paid_claims"], report["paid"], report["median_days"], report["slowest_days"]) == (
        1, 1, 42_000_000, waited, waited)
    assert {r["key"]: r["claims"] for r in report["by_kind"]} == {"jkm": 1, "jkk_death": 0, "jkk_injury": 0}
    assert report["by_kecamatan"] == [{"key": "17.04.05", "name": "Kaur Selatan", "claims": 1, "paid_claims": 1,
                                       "paid": 42_000_000}]
    assert report["by_month"][0]["key"] == "2025-04" and report["by_month"][0]["kinds"]["jkm"] == 1
    assert sum(report["days_to_payment"].values()) == 1
    assert client.get("/api/claims/report?year=2024", **auth["pimpinan"]).json()["claims"] == 0
    assert client.get("/api/claims/report", **auth["camat_kinal"]).json()["paid"] == 0

    listed = client.get("/api/claims?status=paid", **auth["camat"]).json()
    assert [c["number"] for c in listed] == [number] and listed[0]["overdue"] is False
    assert client.get("/api/claims?kind=jkk_injury", **auth["admin"]).json() == []
    assert client.get("/api/claims?kecamatan=17.04.01", **auth["admin"]).json() == []
    detail = client.get(f"/api/claims/{number}", **auth["desa"]).json()
    assert detail["paid_on"] == str(date.today()) and detail["heirs"][0]["name"] == "Siti Aminah"


def test_another_areas_claim_is_not_found_and_bad_input_is_422(api, ahmad, running):
    client, auth = api
    number = post(client, "/api/claims", auth["desa"], {**REPORT, "nik": ahmad.peserta.nik}).json()["number"]
    # The camat of Kinal: the claim does not exist for him, whatever he tries.
    for method, url in [("get", f"/api/claims/{number}"), ("post", f"/api/claims/{number}/heirs"),
                        ("post", f"/api/claims/{number}/complete"), ("post", f"/api/claims/{number}/decide")]:
        body = {"name": "X", "relationship": "janda"} if url.endswith("heirs") else {"approved": True}
        response = (client.get(url, **auth["camat_kinal"]) if method == "get"
                    else post(client, url, auth["camat_kinal"], body))
        assert response.status_code == 404, url
    assert client.get("/api/claims", **auth["camat_kinal"]).json() == []
    assert client.get("/api/claims/KLM-2000-0001", **auth["admin"]).status_code == 404
    joko = running.memberships.filter(peserta__desa__code__startswith="17.04.01.").select_related("peserta").first()
    assert post(client, "/api/claims", auth["desa"], {**REPORT, "nik": joko.peserta.nik}).status_code == 404
    assert post(client, "/api/claims", auth["desa"], {**REPORT, "kpj": joko.kpj}).status_code == 404
    assert post(client, "/api/claims", auth["bpjs"], {**REPORT, "kind": "jkk_injury", "nik": joko.peserta.nik}).status_code == 403

    bad = [
        ("/api/claims", {**REPORT}),  # neither NIK nor KPJ
        ("/api/claims", {**REPORT, "nik": ahmad.peserta.nik, "kind": "pensiun"}),
        ("/api/claims", {**REPORT, "nik": ahmad.peserta.nik, "cause": ""}),
        ("/api/claims", {**REPORT, "nik": ahmad.peserta.nik, "event_date": "20-04-2025"}),
        ("/api/claims", {**REPORT, "kpj": "=1+1"}),
        ("/api/claims", {**REPORT, "nik": ahmad.peserta.nik, "kpj": joko.kpj}),
        (f"/api/claims/{number}/heirs", {"name": "Siti", "relationship": "tetangga"}),
        (f"/api/claims/{number}/heirs", {"relationship": "janda"}),
        (f"/api/claims/{number}/paid", {"amount": 0, "paid_on": "2025-05-01"}),
        (f"/api/claims/{number}/decide", {"reason": "tanpa keputusan"}),
    ]
    for url, body in bad:
        response = post(client, url, auth["operator"], body)
        assert response.status_code == 422, (url, body, response.content)
    assert client.get("/api/claims?status=hilang", **auth["admin"]).status_code == 422
    assert client.post(f"/api/claims/{number}/documents", {"kind": "kk"}, **auth["desa"]).status_code == 422
    assert client.post(f"/api/claims/{number}/documents", {"kind": "ijazah", "file": SimpleUploadedFile("a.pdf", PDF)},
                       **auth["desa"]).status_code == 422
    # A file that is no photo nor PDF, or a document this claim does not need: the service refuses (409).
    html = client.post(f"/api/claims/{number}/documents",
                       {"kind": "kk", "file": SimpleUploadedFile("kk.pdf", b"<script>alert(1)</script>")}, **auth["desa"])
    assert html.status_code == 409 and "harus foto" in html.json()["detail"]
    police = client.post(f"/api/claims/{number}/documents", {"kind": "laporan_polisi", "file": SimpleUploadedFile(
        "p.jpg", JPEG)}, **auth["desa"])
    assert police.status_code == 409
    widow = post(client, f"/api/claims/{number}/heirs", auth["desa"], {"name": "Siti", "relationship": "janda"})
    assert widow.status_code == 201
    refused = post(client, f"/api/claims/{number}/heirs", auth["desa"], {"name": "Rahmat", "relationship": "saudara_kandung"})
    assert refused.status_code == 409 and "tidak dapat menjadi ahli waris" in refused.json()["detail"]
    duplicate = post(client, "/api/claims", auth["desa"], {**REPORT, "kind": "jkk_death", "kpj": ahmad.kpj})
    assert duplicate.status_code == 409 and number in duplicate.json()["detail"]
    # Nothing the refusals touched was written.
    assert (Claim.objects.count(), Heir.objects.count(), ClaimDocument.objects.count()) == (1, 1, 0)
    assert post(client, "/api/claims", auth["operator"], {**REPORT, "kind": "jkk_injury", "kpj": joko.kpj}).status_code == 201
