"""Issue 18 on the real database: a work accident's transport waits for the arrears, total disability with the
children's ages (frozen at submission, whatever the settings say later), the JKM claim deadline from the settings,
and a suspected work accident's 30-day decision on the claim, its list and its API."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lindung.accounts.services import issue_token
from lindung.audit.models import Event
from lindung.claims import selectors, services
from lindung.claims.models import Claim
from lindung.regulation.models import SettingChange
from tests.factories import bearer, pay_bill, report, upload

S = Claim.Status
INJURY_DOCUMENTS = ("kartu_peserta", "ktp_peserta", "kk", "rekening", "surat_dokter")


def pay_january_to_april(users, running):
    for month in ("2025-01", "2025-02", "2025-03", "2025-04"):
        pay_bill(users, running, month, date.fromisoformat(f"{month}-10"))


def setting(users, name, value, since=date(2020, 1, 1)):
    return SettingChange.objects.create(name=name, value=value, effective_from=since, reason="uji",
                                        changed_by=users["admin"])


def test_an_accident_in_arrears_gives_medical_care_now_and_transport_with_the_cash_after(users, running, ahmad):
    pay_bill(users, running, "2025-01", date(2025, 1, 10))
    pay_bill(users, running, "2025-02", date(2025, 2, 10))
    claim = report(users["operator"], ahmad, kind="jkk_injury", cause="Jatuh dari perahu")
    benefit, status = selectors.benefit_preview(claim)
    assert benefit["status"] == "menunggak" and benefit["arrears_months"] == 2
    assert benefit["rights"] == {"perawatan medis, perawatan di rumah": "ya",
                                 "biaya transportasi": "setelah_tunggakan_dibayar",
                                 "santunan uang (STMB, cacat)": "setelah_tunggakan_dibayar"}


def test_total_disability_counts_the_childrens_scholarship_and_stays_frozen_when_the_rate_changes(
        client, users, running, ahmad):
    pay_january_to_april(users, running)
    claim = report(users["operator"], ahmad, kind="jkk_injury", cause="Tertimpa kayu")
    with pytest.raises(ValidationError, match="0 to 100|0 sampai 100"):
        services.record_total_disability(users["operator"], claim, total=True, children_ages=[4, 101])
    with pytest.raises(PermissionDenied):
        services.record_total_disability(users["desa"], claim, total=True, children_ages=[4])
    services.record_total_disability(users["operator"], claim, total=True, children_ages=[4, 9])
    assert Event.objects.filter(action="claims.disability_recorded", target_id=claim.number).exists()
    for kind in INJURY_DOCUMENTS:
        upload(users["operator"], claim, kind)
    services.mark_documents_complete(users["operator"], claim)
    claim = services.submit(users["operator"], claim)
    frozen = {"Cacat total tetap (70% × 80 × penghasilan)": 56_000_000, "Santunan berkala (24 bulan)": 12_000_000,
              "Beasiswa anak 1 (TK)": 1_500_000, "Beasiswa anak 2 (SD)": 1_500_000}
    assert claim.benefit["components"] == frozen and claim.benefit_total == claim.payable_now == 71_000_000
    with pytest.raises(ValidationError, match="already submitted|sudah diajukan"):
        services.record_total_disability(users["operator"], claim, total=False, children_ages=[])

    # The office lowers the rate from before the accident: a new claim is computed at 60 %, the submitted one is not.
    setting(users, "total_disability_percent", 60)
    claim.refresh_from_db()
    assert claim.benefit["components"] == frozen and claim.benefit_total == 71_000_000
    budi = running.memberships.get(peserta__nama="Budi Petani")
    later = report(users["operator"], budi, kind="jkk_injury", event_date=date(2025, 4, 25))
    client.force_login(users["operator"])
    url = reverse("claims:disability", args=[later.number])
    assert client.post(url, {"total": "on", "children_ages": "4, x"}).status_code == 400
    assert client.post(url, {"total": "on", "children_ages": "16"}).status_code == 302
    later.refresh_from_db()
    assert (later.total_disability, later.children_ages) == (True, [16])
    preview, _status = selectors.benefit_preview(later)
    assert preview["components"]["Cacat total tetap (60% × 80 × penghasilan)"] == 48_000_000
    assert preview["components"]["Beasiswa anak 1 (SMA)"] == 3_000_000
    page = client.get(reverse("claims:detail", args=[later.number])).content.decode()
    assert 'data-testid="total-disability"' in page and "Rp63.000.000" in page


def test_the_jkm_claim_deadline_follows_the_setting_of_the_event_day_jkk_stays_five_years(users, running, ahmad):
    setting(users, "jkm_claim_years", 1)
    with pytest.raises(ValidationError, match="lebih dari 1 tahun lalu"):
        report(users["operator"], ahmad)  # a death on 20 April 2025, more than a year ago
    work = report(users["operator"], ahmad, kind="jkk_death")
    assert work.claim_due == date(2030, 4, 20)
    SettingChange.objects.all().delete()
    setting(users, "jkm_claim_years", 1, since=date(2025, 4, 21))  # in force only after the death
    assert Claim.objects.filter(pk=work.pk).update(status=S.REJECTED, rejection_reason="uji")
    assert report(users["operator"], ahmad).claim_due == date(2030, 4, 20)


def test_a_suspected_work_accident_shows_its_decision_deadline_and_is_listed_first_when_overdue(
        client, users, running, ahmad):
    today = timezone.localdate()
    day = today - timedelta(days=1)
    with pytest.raises(ValidationError, match="Only a JKK claim|Hanya klaim JKK"):
        report(users["operator"], ahmad, event_date=day, suspected_work_accident=True)
    suspected = report(users["desa"], ahmad, kind="jkk_injury", event_date=day, suspected_work_accident=True)
    assert suspected.decision_due == today + timedelta(days=30)
    assert Event.objects.filter(action="claims.reported", summary__contains="dugaan kecelakaan kerja").exists()
    budi = running.memberships.get(peserta__nama="Budi Petani")
    plain = report(users["operator"], budi, kind="jkk_injury", event_date=day)
    assert plain.decision_due is None
    [(code, overdue)] = [(w.code, w.overdue) for w in selectors.warnings(suspected, today)
                         if w.code == "suspected_decision"]
    assert not overdue

    # Marked later by the office: counted from the first report, the claim's report day.
    with pytest.raises(PermissionDenied):
        services.mark_suspected(users["desa"], plain)
    Claim.objects.filter(pk=plain.pk).update(reported_on=today - timedelta(days=31))
    plain = services.mark_suspected(users["operator"], plain)
    assert plain.decision_due == today - timedelta(days=1)
    assert Event.objects.filter(action="claims.suspected", target_id=plain.number).exists()

    client.force_login(users["operator"])
    page = client.get(reverse("claims:list")).content.decode()
    assert page.index(f"claim-{plain.number}") < page.index(f"claim-{suspected.number}")  # overdue first
    assert "Keputusan BPJS atas dugaan kecelakaan kerja lewat batas" in page
    detail = client.get(reverse("claims:detail", args=[suspected.number])).content.decode()
    assert 'data-testid="decision-due"' in detail

    api = Client()
    auth = bearer(issue_token(users["operator"]))
    answer = api.get(f"/api/claims/{suspected.number}", **auth).json()
    assert answer["suspected_work_accident"] is True and answer["decision_due"] == str(today + timedelta(days=30))
    assert [w["code"] for w in answer["warnings"]] == ["suspected_decision"]
    listed = {c["number"]: c for c in api.get("/api/claims", **auth).json()}
    assert listed[plain.number]["overdue"] and listed[plain.number]["decision_due"] == str(today - timedelta(days=1))
    made = api.post("/api/claims", {"kind": "jkk_injury", "event_date": str(today), "nik": budi.peserta.nik,
                                    "event_place": "Laut", "cause": "Perahu terbalik", "reporter_name": "Istri",
                                    "reporter_relationship": "istri", "suspected_work_accident": True},
                    content_type="application/json", **auth)
    assert made.status_code == 201 and made.json()["decision_due"] == str(today + timedelta(days=30))
    disability = api.post(f"/api/claims/{made.json()['number']}/disability", {"total": True, "children_ages": [7]},
                          content_type="application/json", **auth)
    assert disability.status_code == 200 and disability.json()["children_ages"] == [7]
