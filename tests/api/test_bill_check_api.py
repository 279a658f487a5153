"""The API of the check before a bill is approved: the summary per rule and the findings of the caller's area, the
check run by the office only, members taken off the bill, and the approval that needs a note for open findings."""

from datetime import date

import pytest
from django.test import Client

from lindung.accounts.services import issue_token
from lindung.life import services as life
from lindung.payments import services
from lindung.rules.bill_check import RULES, Rule
from tests.conftest import KAUR_SELATAN, plan_programme
from tests.factories import bearer, run

URL = "/api/programmes/kaur-2025/bills/2025-01"


@pytest.fixture
def draft(users):
    """Five members of Kaur 2025, active with their KPJ, and January 2025's draft bill: nothing to find."""
    programme = run(plan_programme(users))
    return services.generate_bill(users["operator"], programme, "2025-01").bill


@pytest.fixture
def api(users, draft):
    return Client(), {name: bearer(issue_token(user)) for name, user in users.items()}


def post(client, url, auth, body=None):
    return client.post(url, body or {}, content_type="application/json", **auth)


def by_rule(body) -> dict:
    return {r["rule"]: (r["open"], r["excluded"], r["kept"]) for r in body["summary"]}


def dead_in_and_out_of_kaur_selatan(users, draft):
    """Two members reported dead in December 2024: one of Kaur Selatan (the camat's), one of Kinal."""
    people = [ln.peserta for ln in draft.lines.order_by("peserta__nik").select_related("peserta")]
    inside = next(p for p in people if p.desa_id.startswith(KAUR_SELATAN))
    outside = next(p for p in people if not p.desa_id.startswith(KAUR_SELATAN))
    for person in (inside, outside):
        life.report_death(users["admin"], person, died_on=date(2024, 12, 20), evidence="surat kepala desa")
    return inside, outside


def checked(client, auth, users, draft, dead=None):
    """The two dead members of ``dead_in_and_out_of_kaur_selatan`` (reported here unless given) and the operator's
    check of the draft (its body)."""
    inside, outside = dead or dead_in_and_out_of_kaur_selatan(users, draft)
    response = post(client, f"{URL}/check", auth["operator"])
    assert response.status_code == 200
    return inside, outside, response.json()


def excluded_outside(client, auth, outside):
    """The operator takes the member of Kinal off the bill, with a reason."""
    return post(client, f"{URL}/exclude", auth["operator"], {"reason": "Meninggal, surat kepala desa", "niks": [outside.nik]})


def test_the_check_finds_the_dead_with_their_evidence_and_pages_and_filters_them(api, users, draft):
    client, auth = api
    dead = dead_in_and_out_of_kaur_selatan(users, draft)
    before = client.get(f"{URL}/check", **auth["operator"]).json()  # not run yet: every rule, nothing found
    assert before["checked_by"] is None and before["findings"] == []
    assert [r["rule"] for r in before["summary"]] == [r.value for r in Rule]
    assert set(by_rule(before).values()) == {(0, 0, 0)}

    inside, outside, body = checked(client, auth, users, draft, dead)
    assert (body["month"], body["status"], body["members"], body["checked_by"]) == ("2025-01", "draft", 5, "operator")
    assert by_rule(body)["died"] == (2, 0, 0) and body["summary"][0]["title"] == RULES[Rule.DIED].title
    assert sorted(f["nik"] for f in body["findings"]) == sorted([inside.nik, outside.nik])
    finding = body["findings"][0]
    assert (finding["rule"], finding["title"], finding["outcome"], finding["note"]) == (
        "died", RULES[Rule.DIED].title, "open", "")
    assert "20 Desember 2024" in finding["evidence"] and "surat kepala desa" in finding["evidence"]
    assert finding["nama"] in (inside.nama, outside.nama)
    assert len(client.get(f"{URL}/check?limit=1", **auth["operator"]).json()["findings"]) == 1
    assert client.get(f"{URL}/check?offset=1", **auth["operator"]).json()["findings"] == body["findings"][1:]
    assert client.get(f"{URL}/check?rule=no_kpj", **auth["operator"]).json()["findings"] == []
    assert client.get(f"{URL}/check?rule=mati", **auth["operator"]).status_code == 422


def test_the_camat_sees_the_counts_and_findings_of_his_kecamatan_only(api, users, draft):
    client, auth = api
    inside, _, _ = checked(client, auth, users, draft)
    camat = client.get(f"{URL}/check", **auth["camat"]).json()
    assert [f["nik"] for f in camat["findings"]] == [inside.nik]
    assert all(f["desa"].startswith(KAUR_SELATAN) for f in camat["findings"])
    assert by_rule(camat)["died"] == (1, 0, 0)


def test_excluding_needs_a_reason_and_takes_the_member_off_the_bill_once(api, users, draft):
    client, auth = api
    _, outside, _ = checked(client, auth, users, draft)
    no_reason = post(client, f"{URL}/exclude", auth["operator"], {"reason": " ", "niks": [outside.nik]})
    assert no_reason.status_code == 409 and "alasan" in no_reason.json()["detail"]
    assert post(client, f"{URL}/exclude", auth["operator"], {"reason": "x", "rules": ["mati"]}).status_code == 422
    excluded = excluded_outside(client, auth, outside)
    assert excluded.status_code == 200
    body = excluded.json()
    assert (body["excluded"], body["members"], body["total"]) == (1, 4, 4 * 16_800)
    assert by_rule(body)["died"] == (1, 1, 0)
    gone = next(f for f in body["findings"] if f["nik"] == outside.nik)
    assert (gone["outcome"], gone["note"]) == ("excluded", "Meninggal, surat kepala desa")
    assert outside.nik not in [ln["nik"] for ln in client.get(f"{URL}/lines", **auth["admin"]).json()]
    again = post(client, f"{URL}/exclude", auth["operator"], {"reason": "lagi", "niks": [outside.nik]})
    assert again.status_code == 409 and "Tidak ada temuan terbuka" in again.json()["detail"]


def test_one_dead_member_is_excluded_the_other_kept_by_the_approvals_note_and_the_check_closes(api, users, draft):
    # The story of the check: no approval without a note while findings are open, one member excluded, the
    # other kept by the approval's note, and no check after.
    client, auth = api
    inside, outside, _ = checked(client, auth, users, draft)
    refused = post(client, f"{URL}/approve", auth["admin"])
    assert refused.status_code == 409
    assert f"2 peserta: 2 {RULES[Rule.DIED].title}" in refused.json()["detail"]
    assert "alasan" in refused.json()["detail"]
    assert excluded_outside(client, auth, outside).status_code == 200
    # without a body at all, the approval is still refused with the reason, as before: one finding is open
    bare = client.generic("POST", f"{URL}/approve", **auth["admin"])
    assert bare.status_code == 409 and f"1 peserta: 1 {RULES[Rule.DIED].title}" in bare.json()["detail"]
    approved = post(client, f"{URL}/approve", auth["admin"], {"note": "Kematian belum diverifikasi dinas"})
    assert approved.status_code == 200
    assert (approved.json()["status"], approved.json()["approved_by"], approved.json()["members"]) == (
        "approved", "admin", 4)
    after = client.get(f"{URL}/check", **auth["pimpinan"]).json()
    assert by_rule(after)["died"] == (0, 1, 1)
    kept = next(f for f in after["findings"] if f["nik"] == inside.nik)
    assert (kept["outcome"], kept["note"]) == ("kept", "Kematian belum diverifikasi dinas")
    late = post(client, f"{URL}/check", auth["operator"])
    assert late.status_code == 409 and "sudah disetujui" in late.json()["detail"]


def test_a_clean_bill_is_approved_without_a_body(api):
    client, auth = api
    assert post(client, f"{URL}/check", auth["admin"]).json()["findings"] == []
    approved = client.generic("POST", f"{URL}/approve", **auth["admin"])  # no body, as before
    assert approved.status_code == 200 and approved.json()["status"] == "approved"


def test_read_only_roles_see_the_check_but_may_not_run_it_nor_exclude(api, users, draft):
    client, auth = api
    dead_in_and_out_of_kaur_selatan(users, draft)
    services.check_bill(users["operator"], draft)
    for role in ("camat", "desa", "bpjs", "pimpinan", "auditor"):
        assert client.get(f"{URL}/check", **auth[role]).status_code == 200
        ran = post(client, f"{URL}/check", auth[role])
        assert ran.status_code == 403 and "Admin/Operator Dinas" in ran.json()["detail"]
        out = post(client, f"{URL}/exclude", auth[role], {"reason": "x", "rules": ["died"]})
        assert out.status_code == 403
        assert post(client, f"{URL}/approve", auth[role], {"note": "x"}).status_code == 403
    assert by_rule(client.get(f"{URL}/check", **auth["admin"]).json())["died"] == (2, 0, 0)
    assert client.get("/api/programmes/kaur-2025/bills/2025-02/check", **auth["admin"]).status_code == 404
    assert client.get("/api/programmes/kaur-2025/bills/2025-13/check", **auth["admin"]).status_code == 422
