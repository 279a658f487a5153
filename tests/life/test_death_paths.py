"""A death reaches Lindung four ways — BPJS's approval of a claim, a village's report the office verifies, the civil
registry's death list, BPJS's member status file — and each must take the person out of everything that would
spend money or send words on him: next year's plan, bills after the month he died, card printing, the self-pay
hand-over and its notices; "Meninggal" is what every page says of him; a reversal puts it all back."""

import io
from datetime import date

import pytest
import xlsxwriter
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lindung.audit.models import Event
from lindung.cards.selectors import awaiting_card
from lindung.claims import services as claims
from lindung.enrolment.models import Membership
from lindung.life import services
from lindung.life.models import LifeEvent
from lindung.notify.models import Message
from lindung.selfpay import selectors as selfpay_selectors
from lindung.selfpay import services as selfpay_services
from lindung.payments import services as payments
from lindung.payments.models import BillLine
from lindung.programs.models import Programme
from lindung.programs.selectors import assessment, candidates
from tests.cards.conftest import registered

DIED = date(2025, 2, 10)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
DEATH_DOCUMENTS = ("surat_kematian", "surat_ahli_waris", "kartu_peserta", "ktp_peserta", "ktp_ahli_waris", "kk", "rekening")
REPORT = {"event_place": "Rumah", "cause": "Sakit jantung", "reporter_name": "Kepala Desa",
          "reporter_relationship": "Kepala desa"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def running(planned, users):
    """The 2025 plan's five members registered (KPJ), funded all year; January and February paid; a hand-over
    notice queued for each; and next year's programme waiting for its plan."""
    registered(planned)
    Programme.objects.filter(pk=planned.pk).update(status=Programme.Status.RUNNING)
    for month, paid_on in (("2025-01", date(2025, 1, 10)), ("2025-02", date(2025, 2, 12))):
        bill = payments.approve_bill(users["admin"], payments.generate_bill(users["operator"], planned, month).bill)
        payments.record_payment(users["admin"], bill, f"SP2D-{month}", paid_on, bill.total)
    for m in planned.memberships.select_related("peserta"):
        Message.objects.create(peserta=m.peserta, purpose="selfpay", about=planned.code, channel="sms",
                               phone="081234567890", text="…")
    Programme.objects.create(code="kaur-2026", name="Perlindungan 2026", year=2026, start=date(2026, 1, 1),
                             end=date(2026, 12, 1), budget=100_000_000)
    planned.refresh_from_db()
    return planned


@pytest.fixture
def ahmad(running) -> Membership:
    return running.memberships.select_related("peserta").get(peserta__nama="Ahmad Nelayan")


def by_claim(users, membership):
    claim = claims.report_claim(users["desa"], membership.peserta, kind="jkm", event_date=DIED, **REPORT)
    claims.add_heir(users["desa"], claim, name="Siti Aminah", relationship="janda", nik="", bank_account="BRI 1")
    for kind in DEATH_DOCUMENTS:
        claims.upload_document(users["desa"], claim, kind, SimpleUploadedFile("scan.pdf", PDF))
    claims.mark_documents_complete(users["operator"], claim)
    claims.submit(users["operator"], claim)
    claims.decide(users["bpjs"], claim, approved=True)


def by_village_report(users, membership):
    event = services.report_death(users["desa"], membership.peserta, died_on=DIED, evidence="surat kepala desa")
    assert event.status == LifeEvent.Status.REPORTED
    services.verify(users["operator"], event, evidence="akta kematian 1704-KM-2025-0001")


def xlsx(headers, rows) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    sheet = book.add_worksheet()
    sheet.write_string(0, 0, "Daftar — judul")
    for c, h in enumerate(headers):
        sheet.write_string(1, c, h)
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    book.close()
    return out.getvalue()


def by_death_list(users, membership):
    data = xlsx(["NIK", "Nama", "Tanggal Meninggal", "No. Akta Kematian"], [
        [membership.peserta.nik, membership.peserta.nama, "10-02-2025", "1704-KM-2025-0001"],
        ["1704051203950099", "Orang Lain", "01-03-2025", ""],  # not on the register: counted, nothing else
    ])
    outcome = services.import_death_list(users["operator"], "kematian-feb-2025.xlsx", data)
    assert (outcome.errors, outcome.recorded, outcome.not_registered) == (0, 1, 1)


def by_bpjs_status(users, membership):
    data = xlsx(["No. KPJ", "NIK", "Nama", "Status", "Bulan Terakhir Dibayar", "Tanggal Meninggal"], [
        [membership.kpj, membership.peserta.nik, membership.peserta.nama, "Meninggal Dunia", "2025-02", "10/02/2025"],
    ])
    outcome = selfpay_services.import_status(users["operator"], membership.programme, "status.xlsx", data)
    assert (outcome.errors, outcome.died) == (0, 1)


PATHS = {"claim": by_claim, "village_report": by_village_report, "death_list": by_death_list,
         "bpjs_status": by_bpjs_status}


def next_years_candidates(users) -> set[str]:
    return {w.key for w in candidates(users["admin"], Programme.objects.get(code="kaur-2026")).workers}


def assert_out_of_everything(users, client, programme, member, source):
    member.refresh_from_db()
    event = LifeEvent.objects.get(peserta=member.peserta, status=LifeEvent.Status.VERIFIED)
    assert (event.kind, event.source, event.happened_on) == ("died", source, DIED)
    assert (member.ended_on, member.end_kind) == (DIED, Membership.End.DEATH)
    # Next year: not a candidate, and the assessment says why.
    assert member.peserta.nik not in next_years_candidates(users)
    assessed = assessment(users["admin"], Programme.objects.get(code="kaur-2026"))
    row = assessed.filter(assessed["nik"] == member.peserta.nik).row(0, named=True)
    assert not row["eligible"] and "Meninggal dunia 10 Februari 2025" in row["reasons"]
    # No bill after the month he died; the others are billed for March.
    payments.generate_bill(users["operator"], programme, "2025-03")
    assert set(BillLine.objects.filter(peserta=member.peserta).values_list("month", flat=True)) == {
        date(2025, 1, 1), date(2025, 2, 1)}
    assert BillLine.objects.filter(month=date(2025, 3, 1)).count() == programme.memberships.count() - 1
    # No card printed for him, no self-pay hand-over, no notice.
    assert not awaiting_card(programme).filter(pk=member.pk).exists()
    assert member.pk not in {m.membership_id for m in selfpay_selectors.self_pay_list(users["admin"], programme).members}
    assert set(Message.objects.filter(peserta=member.peserta).values_list("status", flat=True)) == {"withdrawn"}
    assert Message.objects.exclude(peserta=member.peserta).filter(status="queued").count() == 4
    # "Meninggal" on his page, for the office and for his village.
    for name in ("operator", "desa"):
        client.force_login(users[name])
        page = client.get(reverse("registry:detail", args=[member.peserta_id])).content.decode()
        assert "Meninggal 10 Februari 2025" in page
    return event


@pytest.mark.parametrize("path", PATHS)
def test_a_death_takes_him_out_of_plans_bills_cards_and_notices_and_a_reversal_puts_him_back(
        users, running, ahmad, client, path):
    assert ahmad.peserta.nik in next_years_candidates(users)
    PATHS[path](users, ahmad)
    source = {"claim": "claim", "village_report": "village", "death_list": "death_list", "bpjs_status": "bpjs_status"}
    event = assert_out_of_everything(users, client, running, ahmad, source[path])

    with pytest.raises(PermissionDenied):
        services.reverse(users["operator"], event, "Salah orang")  # only the Admin Dinas
    with pytest.raises(ValidationError):
        services.reverse(users["admin"], event, "  ")  # a reason is required
    done = services.reverse(users["admin"], event, "Salah orang: yang meninggal pamannya, NIK tertukar")
    assert (done.memberships, done.messages) == (1, 1)
    assert "1 kepesertaan berjalan lagi, 1 pesan kembali ke antrean" in done.message
    ahmad.refresh_from_db()
    assert (ahmad.ended_on, ahmad.end_kind) == (None, "")
    assert ahmad.peserta.nik in next_years_candidates(users)
    assert awaiting_card(running).filter(pk=ahmad.pk).exists()
    assert Message.objects.get(peserta=ahmad.peserta).status == "queued"
    assert Event.objects.filter(action="life.reversed", target_id=str(event.pk)).exists()
    for e in Event.objects.filter(action__startswith="life."):
        assert ahmad.peserta.nik not in e.summary and ahmad.peserta.nama not in e.summary


def test_a_reported_death_keeps_him_out_of_new_plans_and_notices_but_ends_nothing_until_verified(
        users, running, ahmad):
    services.report_death(users["desa"], ahmad.peserta, died_on=DIED)
    ahmad.refresh_from_db()
    assert ahmad.ended_on is None  # the village's word is not yet the office's
    assert ahmad.peserta.nik not in next_years_candidates(users)
    assert Message.objects.get(peserta=ahmad.peserta).status == "withdrawn"
    assessed = assessment(users["admin"], Programme.objects.get(code="kaur-2026"))
    reasons = assessed.filter(assessed["nik"] == ahmad.peserta.nik)["reasons"].to_list()[0]
    assert any("dilaporkan, belum diverifikasi" in r for r in reasons)


def test_the_village_may_only_report_deaths_in_its_own_area(users, running, ahmad):
    outside = running.memberships.get(peserta__nama="Joko Nelayan")
    with pytest.raises(PermissionDenied):
        services.report_death(users["desa"], outside.peserta, died_on=DIED)
    with pytest.raises(ValidationError):
        services.record(users["desa"], ahmad.peserta, kind="moved_out", happened_on=DIED, source="village")
    assert not LifeEvent.objects.exists()


def test_a_correction_moves_the_end_and_a_second_record_of_another_day_is_refused(users, running, ahmad):
    event = services.record_death(users["operator"], ahmad.peserta, died_on=DIED, source="typed")
    with pytest.raises(ValidationError, match="sudah tercatat meninggal dunia pada 10 Februari 2025"):
        services.record_death(users["operator"], ahmad.peserta, died_on=date(2025, 3, 1), source="typed")
    assert services.record_death(users["operator"], ahmad.peserta, died_on=DIED, source="typed") == event
    services.correct(users["admin"], event, happened_on=date(2025, 1, 20), reason="Akta kematian: 20 Januari")
    ahmad.refresh_from_db()
    assert ahmad.ended_on == date(2025, 1, 20)
    with pytest.raises(ValidationError):
        services.record_death(users["operator"], ahmad.peserta, died_on=date(2099, 1, 1), source="typed")


def test_moving_out_ends_his_membership_as_an_exit(users, running, ahmad):
    services.record(users["operator"], ahmad.peserta, kind="moved_out", happened_on=date(2025, 3, 5),
                    source="typed", evidence="surat pindah")
    ahmad.refresh_from_db()
    assert (ahmad.ended_on, ahmad.end_kind) == (date(2025, 3, 5), Membership.End.EXIT)
    assert ahmad.peserta.nik not in next_years_candidates(users)


def test_a_death_list_with_a_wrong_row_records_nothing_and_names_the_row_and_column(users, running, ahmad):
    other = running.memberships.exclude(pk=ahmad.pk).select_related("peserta").first()
    data = xlsx(["NIK", "Nama", "Tanggal Meninggal"], [
        [ahmad.peserta.nik, "Ahmad", "10-02-2025"],
        ["17040512039500", "Salah", "01-03-2025"],  # 14 digits
        [other.peserta.nik, "Lain", "31-02-2025"],  # no such day
    ])
    outcome = services.import_death_list(users["operator"], "kematian.xlsx", data)
    assert outcome.errors == 2 and outcome.recorded == 0
    assert [(f["row"], f["column"]) for f in outcome.findings] == [(4, "NIK"), (5, "Tanggal Meninggal")]
    assert not LifeEvent.objects.exists()
    ahmad.refresh_from_db()
    assert ahmad.ended_on is None


def test_the_death_list_page_shows_the_refused_rows_and_only_the_office_may_use_it(users, running, ahmad, client):
    client.force_login(users["camat"])
    assert client.get(reverse("life:death_list")).status_code == 403
    client.force_login(users["operator"])
    bad = xlsx(["NIK", "Tanggal Meninggal"], [[ahmad.peserta.nik, "kemarin"]])
    response = client.post(reverse("life:death_list"), {"file": SimpleUploadedFile("k.xlsx", bad)})
    assert response.status_code == 422 and "kemarin" in response.content.decode()
    good = xlsx(["NIK", "Tanggal Meninggal"], [[ahmad.peserta.nik, "10 Februari 2025"]])
    response = client.post(reverse("life:death_list"), {"file": SimpleUploadedFile("k.xlsx", good)})
    assert response.status_code == 200 and LifeEvent.objects.get().happened_on == DIED


def test_a_card_of_an_earlier_programme_checks_against_the_programme_that_protects_him_now(users, running, ahmad):
    """A KPJ is a person's for life: Ahmad's 2025 card is valid in 2026 while the 2026 programme pays for him."""
    from lindung.cards.public_views import validity
    from lindung.cards.services import print_cards
    from lindung.payments.models import PaidMonth

    card = print_cards(users["operator"], running, ahmad.peserta.kecamatan_code).card_set.get(membership=ahmad)
    assert not validity(card, date(2025, 12, 1)).valid  # 2025: January and February paid, lapsed 1 June
    later = Membership.objects.create(programme=Programme.objects.get(code="kaur-2026"), peserta=ahmad.peserta,
                                      status=Membership.Status.ACTIVE, kpj=ahmad.kpj, first=date(2026, 1, 1),
                                      last=date(2026, 12, 1))
    PaidMonth.objects.create(membership=later, peserta=ahmad.peserta, month=date(2026, 1, 1), payer="apbd",
                             paid_on=date(2026, 1, 12))
    assert validity(card, date(2026, 1, 20)).valid
    services.record_death(users["operator"], ahmad.peserta, died_on=date(2026, 1, 25), source="typed")
    assert validity(card, date(2026, 1, 26)).reason == "Kepesertaan sudah berakhir."


def test_bpjs_status_file_says_he_is_a_wage_earner_member_now_and_his_employer_pays_those_months(users, running,
                                                                                                   ahmad, client):
    from lindung.life.models import OtherCover

    data = xlsx(["No. KPJ", "NIK", "Status", "Bulan Terakhir Dibayar", "TMT"], [
        [ahmad.kpj, ahmad.peserta.nik, "Penerima Upah", "2025-02", "01-03-2025"]])
    client.force_login(users["operator"])
    page = client.post(reverse("selfpay:status_file", kwargs={"code": running.code}),
                       {"file": SimpleUploadedFile("status.xlsx", data)}, follow=True).content.decode()
    assert "1 peserta dibayar pihak lain (pemberi kerja, atau pihak lain) sejak tanggal dalam berkas" in page
    assert "0 peserta membayar mandiri, 0 berhenti" in page  # he did not stop: his employer pays
    # Other cover, not an end: the programme leaves his months to the employer, and pays again if the job ends.
    cover = OtherCover.objects.get(peserta=ahmad.peserta)
    assert (cover.first, cover.last, cover.payer, cover.source) == (date(2025, 3, 1), None, "penerima_upah",
                                                                    "bpjs_status")
    ahmad.refresh_from_db()
    assert ahmad.ended_on is None and not LifeEvent.objects.exists()
    payments.generate_bill(users["operator"], running, "2025-03")
    march = BillLine.objects.filter(month=date(2025, 3, 1))
    assert not march.filter(peserta=ahmad.peserta).exists() and march.count() == running.memberships.count() - 1
    undated = xlsx(["No. KPJ", "Status", "Bulan Terakhir Dibayar"], [
        [running.memberships.exclude(pk=ahmad.pk).first().kpj, "Pindah ke PU", "2025-02"]])
    refused = selfpay_services.import_status(users["operator"], running, "status2.xlsx", undated)
    assert refused.errors == 1 and OtherCover.objects.count() == 1


def test_bpjs_status_file_says_another_payer_pays_him_from_a_month_which_we_leave_to_it(users, running, ahmad):
    from lindung.life.models import OtherCover

    data = xlsx(["No. KPJ", "NIK", "Status", "Bulan Terakhir Dibayar", "TMT"], [
        [ahmad.kpj, ahmad.peserta.nik, "Dibayar Pihak Lain", "2025-02", "01-03-2025"]])
    outcome = selfpay_services.import_status(users["operator"], running, "status.xlsx", data)
    assert outcome.errors == 0
    cover = OtherCover.objects.get(peserta=ahmad.peserta)
    assert (cover.first, cover.last, cover.source, cover.payer) == (date(2025, 3, 1), None, "bpjs_status", "lain")
    ahmad.refresh_from_db()
    assert ahmad.ended_on is None and not LifeEvent.objects.exists()  # his months are left to the payer; nothing ends


def test_the_office_verifies_a_reported_death_from_the_list_and_returns_to_it(users, running, ahmad, client):
    event = services.report_death(users["desa"], ahmad.peserta, died_on=DIED)
    client.force_login(users["operator"])
    page = client.get(reverse("life:list") + "?status=reported").content.decode()
    assert reverse("life:verify", args=[event.pk]) in page and reverse("life:reverse", args=[event.pk]) not in page
    response = client.post(reverse("life:verify", args=[event.pk]), {"happened_on": "2025-02-10", "back": "list"})
    assert response.status_code == 302 and response["Location"] == reverse("life:list")
    ahmad.refresh_from_db()
    assert ahmad.ended_on == DIED
