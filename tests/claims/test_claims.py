"""Claims on the real database: reported from the village, heirs in legal order, documents, the benefit frozen at
submission from the member's real paid months, BPJS's decision and payment, area scoping, all-or-nothing."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lindung.accounts.roles import CAMAT
from lindung.accounts.services import save_user
from lindung.audit.models import Event
from lindung.claims import selectors, services
from lindung.claims.models import Claim, ClaimDocument, Heir
from lindung.enrolment.models import Membership
from lindung.payments import services as payments
from lindung.payments.selectors import membership_coverage
from lindung.rules.coverage import State, claim_status
from lindung.rules.nik import make_nik
from tests.conftest import PASSWORD, make_peserta
from tests.factories import DEATH_DOCUMENTS, JPEG, REPORT, pay_bill, report, upload

S = Claim.Status
YEAR = timezone.localdate().year


def complete_death_file(user, claim):
    services.add_heir(user, claim, name="Siti Aminah", relationship="janda", nik="", bank_account="BRI 1234")
    for kind in DEATH_DOCUMENTS:
        upload(user, claim, kind)


def test_death_in_the_second_unpaid_month_pays_10m_now_and_32m_after_the_arrears(users, running, ahmad):
    # January and February paid in time, March and April not: he dies on 20 April 2025, after April's due date.
    pay_bill(users, running, "2025-01", date(2025, 1, 10))
    pay_bill(users, running, "2025-02", date(2025, 2, 10))
    claim = report(users["desa"], ahmad)
    assert claim.number == f"KLM-{YEAR}-0001" and claim.status == S.REPORTED and claim.stage_one_due is None
    assert claim.claim_due == date(2030, 4, 20)
    complete_death_file(users["desa"], claim)
    services.mark_documents_complete(users["operator"], claim)
    claim = services.submit(users["operator"], claim)
    claim.refresh_from_db()
    assert claim.status == S.SUBMITTED and claim.submitted_on == timezone.localdate()
    assert (claim.benefit_total, claim.payable_now) == (42_000_000, 10_000_000)
    assert claim.benefit["payable_after_arrears"] == 32_000_000
    assert claim.benefit["components"] == {"Santunan sekaligus": 20_000_000, "Santunan berkala (24 bulan)": 12_000_000,
                                           "Biaya pemakaman": 10_000_000}
    assert (claim.benefit["arrears_months"], claim.benefit["arrears_amount"]) == (2, 2 * 16_800)
    assert claim.rule_version == "JKM PP 82/2019 sejak 2019-12-02" == claim.benefit["rule_version"]
    assert claim.coverage_status.startswith("Menunggak 2 bulan (Maret 2025, April 2025). JKK")
    assert claim.payment_due > claim.submitted_on


def test_frozen_amounts_do_not_change_when_payments_change_later(users, running, ahmad):
    pay_bill(users, running, "2025-01", date(2025, 1, 10))
    pay_bill(users, running, "2025-02", date(2025, 2, 10))
    claim = report(users["operator"], ahmad)
    complete_death_file(users["operator"], claim)
    services.mark_documents_complete(users["operator"], claim)
    services.submit(users["operator"], claim)
    # March's payment order turns up afterwards, dated before the death: the engine now sees one month in arrears.
    pay_bill(users, running, "2025-03", date(2025, 3, 14))
    now = claim_status(membership_coverage(ahmad), date(2025, 4, 20))
    assert now.state is State.ARREARS and len(now.arrears) == 1
    claim.refresh_from_db()
    assert (claim.benefit_total, claim.payable_now, claim.benefit["arrears_months"]) == (42_000_000, 10_000_000, 2)
    assert claim.coverage_status.startswith("Menunggak 2 bulan")


def test_an_active_member_gets_everything_now_and_a_lapsed_one_nothing(users, running, ahmad):
    for month in ("2025-01", "2025-02", "2025-03", "2025-04"):
        pay_bill(users, running, month, date.fromisoformat(f"{month}-10"))
    budi = running.memberships.get(peserta__nama="Budi Petani")
    active = report(users["operator"], ahmad, event_date=date(2025, 4, 20))
    # Nobody pays Budi's months any more from May: the membership lapsed on 1 August 2025.
    Membership.objects.filter(pk=budi.pk).update(first=date(2025, 1, 1))
    lapsed = report(users["operator"], budi, event_date=date(2025, 9, 1))
    for claim in (active, lapsed):
        complete_death_file(users["operator"], claim)
        services.mark_documents_complete(users["operator"], claim)
        services.submit(users["operator"], claim)
        claim.refresh_from_db()
    assert (active.benefit_total, active.payable_now) == (42_000_000, 42_000_000)
    assert (lapsed.benefit_total, lapsed.payable_now, lapsed.benefit["status"]) == (0, 0, "nonaktif")
    assert lapsed.coverage_status.startswith("Nonaktif sejak 1 Agustus 2025: iuran 2025-05 sampai 2025-07 tidak")


def test_a_sibling_while_a_widow_exists_is_refused_with_the_reason(users, running, ahmad):
    claim = report(users["desa"], ahmad)
    services.add_heir(users["desa"], claim, name="Siti Aminah", relationship="janda")
    with pytest.raises(ValidationError, match="Saudara kandung tidak dapat menjadi ahli waris selama ada janda"):
        services.add_heir(users["desa"], claim, name="Rahmat", relationship="saudara_kandung")
    with pytest.raises(ValidationError, match="meninggalkan janda, bukan duda"):
        services.add_heir(users["desa"], claim, name="Rahmat", relationship="duda")
    with pytest.raises(ValidationError, match="NIK ahli waris: NIK harus 16 digit"):
        services.add_heir(users["desa"], claim, name="Anak", relationship="anak", nik="123")
    assert list(claim.heirs.values_list("relationship", flat=True)) == ["janda"]
    # A sibling named first gives way only once removed: the widow cannot be added beside him.
    other = report(users["operator"], running.memberships.get(peserta__nama="Rudi Buruh"))
    sibling = services.add_heir(users["operator"], other, name="Rahmat", relationship="saudara_kandung")
    with pytest.raises(ValidationError, match="Saudara kandung tidak dapat .* selama ada janda"):
        services.add_heir(users["operator"], other, name="Sari", relationship="janda")
    services.remove_heir(users["operator"], sibling)
    services.add_heir(users["operator"], other, name="Sari", relationship="janda")
    assert list(other.heirs.values_list("relationship", flat=True)) == ["janda"]


def test_an_injury_report_gets_the_stage_one_deadline_and_no_heirs(users, running, ahmad):
    today = timezone.localdate()
    claim = report(users["desa"], ahmad, kind="jkk_injury", event_date=today - timedelta(days=1), traffic_accident=True,
                   cause="Perahu terbalik saat melaut")
    assert claim.stage_one_due == today + timedelta(days=1)
    assert not [w for w in selectors.with_warnings(users["operator"], today)]
    with pytest.raises(ValidationError, match="Ahli waris hanya untuk klaim kematian"):
        services.add_heir(users["desa"], claim, name="Siti", relationship="janda")
    late = report(users["desa"], ahmad, kind="jkk_injury", event_date=today - timedelta(days=5))
    warned = dict(selectors.with_warnings(users["operator"], today))
    assert [w.code for w in warned[late]] == ["stage_one_late"]
    assert Event.objects.filter(action="claims.reported", target_id=late.number, summary__contains="terlambat").exists()
    # Traffic: the police report is on the list and missing; the doctor's date starts stage II.
    for kind in ("kartu_peserta", "ktp_peserta", "kk", "rekening"):
        upload(users["desa"], claim, kind, JPEG, "foto.jpg")
    upload(users["desa"], claim, "surat_dokter", issued_on=today)
    claim.refresh_from_db()
    assert claim.doctor_statement_on == today
    with pytest.raises(ValidationError, match="belum lengkap: Laporan polisi"):
        services.mark_documents_complete(users["operator"], claim)
    upload(users["desa"], claim, "laporan_polisi")
    services.mark_documents_complete(users["operator"], claim)
    claim = services.submit(users["operator"], claim)
    # Nothing was ever paid for the 2025 programme: never covered (PP 44/2015 Ps 1 angka 4), so no right at all.
    assert (claim.benefit["total"], claim.benefit["status"]) == (0, "belum_terdaftar")
    assert set(claim.benefit["rights"].values()) == {"tidak"} and claim.stage_one_due == claim.event_date + timedelta(days=2)


def test_a_second_report_of_the_same_accident_is_refused_and_another_day_is_not(users, running, ahmad):
    day = timezone.localdate() - timedelta(days=1)
    first = report(users["desa"], ahmad, kind="jkk_injury", event_date=day)
    with pytest.raises(ValidationError, match=f"Klaim {first.number} sudah melaporkan JKK kecelakaan kerja"):
        report(users["operator"], ahmad, kind="jkk_injury", event_date=day)
    assert Claim.objects.count() == 1
    assert report(users["desa"], ahmad, kind="jkk_injury", event_date=day - timedelta(days=1)).number != first.number


def test_village_reports_alert_the_office_until_seen(users, running, ahmad):
    claim = report(users["desa"], ahmad)
    own = report(users["operator"], running.memberships.get(peserta__nama="Budi Petani"))
    assert list(selectors.alerts(users["admin"])) == [claim]
    assert own.seen_by_office_at is not None
    with pytest.raises(PermissionDenied):
        services.mark_seen(users["desa"], claim)
    services.mark_seen(users["operator"], claim)
    assert not selectors.alerts(users["admin"]).exists()


def test_a_camat_of_another_kecamatan_can_neither_see_nor_report(users, running, ahmad):
    kinal = save_user("camat_kinal", role=CAMAT.name, area_code="17.04.01", password=PASSWORD)
    claim = report(users["camat"], ahmad)
    assert claim in selectors.claims_for(users["camat"]) and claim in selectors.claims_for(users["admin"])
    assert not selectors.claims_for(kinal).exists()
    with pytest.raises(Claim.DoesNotExist):
        selectors.claim(kinal, claim.number)
    with pytest.raises(PermissionDenied):
        report(kinal, ahmad, event_date=date(2025, 5, 1), kind="jkk_injury")
    with pytest.raises(PermissionDenied, match="di luar wilayah"):
        services.add_heir(kinal, claim, name="Siti", relationship="janda")
    joko = running.memberships.filter(peserta__desa__code__startswith="17.04.01.").first()
    with pytest.raises(PermissionDenied, match="di luar wilayah"):
        report(users["camat"], joko)
    # The village operator reports for his own kelurahan only.
    budi = running.memberships.get(peserta__nama="Budi Petani")
    with pytest.raises(PermissionDenied, match="di luar wilayah"):
        report(users["desa"], budi)
    assert selectors.counts(kinal, "kind") == [] and selectors.alerts(kinal).count() == 0


def test_members_not_registered_are_refused_and_nothing_is_written(users, running, ahmad):
    stranger = make_peserta("17.04.05.1013", "Orang Luar", serial=91)
    with pytest.raises(ValidationError, match="bukan peserta program"):
        services.report_claim(users["desa"], stranger, kind="jkm", event_date=date(2025, 4, 20), **REPORT)
    Membership.objects.filter(pk=ahmad.pk).update(status=Membership.Status.SUBMITTED, kpj="")
    with pytest.raises(ValidationError, match="belum terdaftar di BPJS"):
        report(users["desa"], ahmad)
    Membership.objects.filter(pk=ahmad.pk).update(status=Membership.Status.ACTIVE, kpj=ahmad.kpj)
    with pytest.raises(ValidationError, match="sebelum kepesertaan mulai"):
        report(users["desa"], ahmad, event_date=date(2024, 12, 31))
    with pytest.raises(ValidationError, match="belum terjadi"):
        report(users["desa"], ahmad, event_date=timezone.localdate() + timedelta(days=1))
    with pytest.raises(ValidationError, match="Wajib diisi: penyebab, nama pelapor"):
        report(users["desa"], ahmad, cause=" ", reporter_name="")
    with pytest.raises(PermissionDenied):
        report(users["bpjs"], ahmad)
    assert not Claim.objects.exists() and not Event.objects.filter(action__startswith="claims.").exists()
    first = report(users["desa"], ahmad)
    assert first.number == f"KLM-{YEAR}-0001"  # no number was used up by the refusals
    with pytest.raises(ValidationError, match=f"Sudah ada klaim kematian {first.number}"):
        report(users["desa"], ahmad, kind="jkk_death")


def test_uploads_of_the_wrong_type_are_refused_and_leave_nothing(users, running, ahmad, media):
    claim = report(users["desa"], ahmad)
    with pytest.raises(ValidationError, match="Akta/surat keterangan kematian harus foto \\(JPEG, PNG, WebP\\) atau PDF"):
        upload(users["desa"], claim, "surat_kematian", b"<html><script>alert(1)</script>", "akta.pdf")
    with pytest.raises(ValidationError, match="harus foto"):
        upload(users["desa"], claim, "surat_kematian", b"PK\x03\x04 a docx", "akta.docx")
    with pytest.raises(ValidationError, match="tidak termasuk daftar dokumen"):
        upload(users["desa"], claim, "laporan_polisi")
    assert not ClaimDocument.objects.exists()
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))
    kept = upload(users["desa"], claim, "surat_kematian", JPEG, "../../akta.JPG")
    assert kept.file.name.startswith(f"klaim/{claim.number}/surat_kematian-") and kept.file.name.endswith(".jpg")
    assert (media / kept.file.name).read_bytes() == JPEG
    assert [row.done for row in selectors.checklist(claim)][:2] == [True, False]


def test_steps_are_taken_by_the_right_roles_in_order_all_or_nothing(users, running, ahmad):
    claim = report(users["desa"], ahmad)
    with pytest.raises(ValidationError, match="belum lengkap: Akta/surat keterangan kematian, Surat keterangan ahli waris"):
        services.mark_documents_complete(users["operator"], claim)
    for kind in DEATH_DOCUMENTS:
        upload(users["desa"], claim, kind)
    with pytest.raises(ValidationError, match="belum menyebut ahli waris"):
        services.mark_documents_complete(users["operator"], claim)
    services.add_heir(users["desa"], claim, name="Siti Aminah", relationship="janda")
    with pytest.raises(PermissionDenied):
        services.mark_documents_complete(users["desa"], claim)
    with pytest.raises(ValidationError, match="tidak bisa langsung menjadi diajukan ke BPJS"):
        services.submit(users["operator"], claim)
    services.mark_documents_complete(users["operator"], claim)
    with pytest.raises(ValidationError, match="hanya bisa diubah selama klaim berstatus dilaporkan"):
        upload(users["desa"], claim, "kk")
    with pytest.raises(PermissionDenied):
        services.submit(users["camat"], claim)
    services.submit(users["operator"], claim)
    with pytest.raises(PermissionDenied):
        services.decide(users["operator"], claim, approved=True)
    events = Event.objects.count()
    with pytest.raises(ValidationError, match="harus disertai alasan"):
        services.decide(users["bpjs"], claim, approved=False, reason=" ")
    claim.refresh_from_db()
    assert (claim.status, claim.decided_on, Event.objects.count()) == (S.SUBMITTED, None, events)
    with pytest.raises(ValidationError, match="tidak bisa langsung menjadi dibayar"):
        services.record_paid(users["bpjs"], claim, amount=10_000_000, paid_on=timezone.localdate())
    services.decide(users["bpjs"], claim, approved=True)
    paid = services.record_paid(users["admin"], claim, amount=42_000_000, paid_on=timezone.localdate())
    assert (paid.status, paid.paid_amount) == (S.PAID, 42_000_000)
    assert list(claim.history.order_by("history_id").values_list("status", flat=True)) == [
        "reported", "documents_complete", "submitted", "approved", "paid"]
    # The audit trail names neither the member nor the heir, nor a NIK.
    summaries = " ".join(Event.objects.filter(action__startswith="claims.").values_list("summary", flat=True))
    assert "Ahmad" not in summaries and "Siti" not in summaries and ahmad.peserta.nik not in summaries
    assert selectors.amounts_paid(users["admin"]) == {"jkm": 42_000_000, "jkk_death": 0, "jkk_injury": 0, "total": 42_000_000}
    (waited,) = selectors.days_to_payment(users["admin"])
    assert (waited.number, waited.days, waited.late) == (claim.number, (timezone.localdate() - date(2025, 4, 20)).days, False)


def test_a_rejected_claim_keeps_its_reason_and_is_final(users, running, ahmad):
    claim = report(users["desa"], ahmad)
    complete_death_file(users["desa"], claim)
    services.mark_documents_complete(users["admin"], claim)
    services.submit(users["admin"], claim)
    services.decide(users["admin"], claim, approved=False, reason="Peserta nonaktif pada tanggal peristiwa")
    claim.refresh_from_db()
    assert (claim.status, claim.rejection_reason) == (S.REJECTED, "Peserta nonaktif pada tanggal peristiwa")
    with pytest.raises(ValidationError, match="sudah final"):
        services.record_paid(users["admin"], claim, amount=1, paid_on=timezone.localdate())
    # A rejected death claim does not block a new one for the same member.
    assert report(users["desa"], ahmad, kind="jkk_death").number == f"KLM-{YEAR}-0002"


def test_overdue_payments_are_highlighted_and_claims_counted(users, running, ahmad):
    claim = report(users["desa"], ahmad)
    complete_death_file(users["desa"], claim)
    services.mark_documents_complete(users["operator"], claim)
    services.submit(users["operator"], claim)
    injury = report(users["camat"], running.memberships.get(peserta__nama="Budi Petani"), kind="jkk_injury",
                    event_date=date(2025, 6, 2))
    claim.refresh_from_db()
    assert selectors.overdue(users["admin"], claim.payment_due) == []
    ((late, warned),) = selectors.overdue(users["admin"], claim.payment_due + timedelta(days=1))
    assert late == claim and [w.code for w in warned] == ["payment"]
    assert selectors.overdue(users["desa"], claim.payment_due + timedelta(days=1))[0][0] == claim
    expired = dict(selectors.overdue(users["camat"], date(2030, 6, 3)))  # the 5 years of the injury have passed
    assert [w.code for w in expired[injury]] == ["claim_deadline"] and [w.code for w in expired[claim]] == ["payment"]
    by = {by: {row["key"]: row["claims"] for row in selectors.counts(users["admin"], by)} for by in
          ("kind", "status", "kecamatan")}
    assert by == {"kind": {"jkm": 1, "jkk_injury": 1}, "status": {"reported": 1, "submitted": 1},
                  "kecamatan": {"17.04.05": 2}}
    months = selectors.counts(users["admin"], "month")
    assert [(str(row["key"])[:7], row["claims"]) for row in months] == [("2025-04", 1), ("2025-06", 1)]
    assert Heir.objects.filter(claim=claim).count() == 1


def test_a_work_accident_death_pays_48_times_the_income_and_a_childs_scholarship_from_the_nik(users, running, ahmad):
    for month in ("2025-01", "2025-02", "2025-03", "2025-04"):
        pay_bill(users, running, month, date.fromisoformat(f"{month}-10"))
    claim = report(users["operator"], ahmad, kind="jkk_death", cause="Tenggelam saat melaut")
    complete_death_file(users["operator"], claim)
    services.add_heir(users["operator"], claim, name="Anak Pertama", relationship="anak",
                      nik=make_nik("17.04.05", date(2017, 8, 1), "L", 7))  # 7 years old on the day: SD
    services.add_heir(users["operator"], claim, name="Anak Kedua", relationship="anak")  # no NIK yet
    upload(users["operator"], claim, "surat_dokter")
    services.mark_documents_complete(users["operator"], claim)
    claim = services.submit(users["operator"], claim)
    assert claim.benefit["components"] == {"Santunan kematian (48 × penghasilan)": 48_000_000,
                                           "Santunan berkala (24 bulan)": 12_000_000, "Biaya pemakaman": 10_000_000,
                                           "Beasiswa anak 1 (SD)": 1_500_000}
    assert claim.benefit_total == claim.payable_now == 71_500_000
    assert claim.rule_version == "JKK PP 82/2019 sejak 2019-12-02; JKM PP 82/2019 sejak 2019-12-02"
    assert "Ada anak tanpa NIK: beasiswanya belum dihitung, lengkapi NIK-nya." in claim.benefit["notes"]


def test_a_claim_past_its_five_years_cannot_be_submitted(users, running, ahmad):
    claim = report(users["desa"], ahmad)
    complete_death_file(users["desa"], claim)
    services.mark_documents_complete(users["operator"], claim)
    # Recorded long ago and left lying: the event is now more than 5 years back.
    Claim.objects.filter(pk=claim.pk).update(event_date=timezone.localdate() - timedelta(days=5 * 366))
    with pytest.raises(ValidationError, match="Hak klaim sudah gugur"):
        services.submit(users["operator"], claim)
    claim.refresh_from_db()
    assert (claim.status, claim.benefit, claim.submitted_on) == (S.DOCUMENTS_COMPLETE, None, None)


def test_an_approved_death_ends_the_membership_no_more_bills_no_self_pay_notice_and_the_card_is_not_valid(
        users, running, ahmad):
    from lindung.notify.models import Message
    from lindung.selfpay import selectors as selfpay_selectors
    from lindung.payments.models import BillLine

    pay_bill(users, running, "2025-01", date(2025, 1, 10))
    claim = report(users["desa"], ahmad, event_date=date(2025, 2, 3))
    neighbour = running.memberships.exclude(pk=ahmad.pk).first()
    notice, other = (Message.objects.create(peserta=m.peserta, purpose="selfpay", about=running.code, channel="sms",
                                            phone="081234567890", text="…") for m in (ahmad, neighbour))
    complete_death_file(users["desa"], claim)
    services.mark_documents_complete(users["operator"], claim)
    services.submit(users["operator"], claim)
    ahmad.refresh_from_db()
    assert ahmad.ended_on is None  # a report or a submission is not yet BPJS's word
    services.decide(users["bpjs"], claim, approved=True)
    ahmad.refresh_from_db()
    assert (ahmad.ended_on, ahmad.end_kind) == (date(2025, 2, 3), Membership.End.DEATH)
    assert ahmad.history.first().history_user == users["bpjs"]
    status = claim_status(membership_coverage(ahmad), date(2025, 3, 1))
    assert status.state == State.ENDED
    # February, the month he died in, is still billed; March is not; the others are.
    for month in ("2025-02", "2025-03"):
        payments.generate_bill(users["operator"], running, month)
    billed = set(BillLine.objects.filter(membership=ahmad).values_list("month", flat=True))
    assert billed == {date(2025, 1, 1), date(2025, 2, 1)}
    assert BillLine.objects.filter(month=date(2025, 3, 1)).count() == running.memberships.count() - 1
    assert not selfpay_selectors.memberships(users["admin"], running).filter(pk=ahmad.pk).exists()
    assert Message.objects.get(pk=notice.pk).status == Message.Status.WITHDRAWN
    assert Message.objects.get(pk=other.pk).status == Message.Status.QUEUED
