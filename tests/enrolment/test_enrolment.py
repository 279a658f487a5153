"""Enrolment with BPJS: registration files per kecamatan, BPJS's answer (KPJ or rejection), fixed and resent."""

import io
from datetime import date, datetime

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from lindung.audit.models import Event
from lindung.enrolment import selectors, services
from lindung.enrolment.models import Membership, RegistrationBatch
from lindung.registry.imports.services import file_chunks
from tests.conftest import KAUR_SELATAN
from tests.factories import KPJ, answer_from, submit_all

def test_the_registration_file_has_one_sheet_per_kecamatan_with_nik_as_text(users, planned):
    batches = services.submit_registration(users["operator"], planned)
    # Siti Pedagang ranks last (ties by NIK; a woman's NIK has day + 40) and the money stops before her.
    assert [(b.kecamatan_id, b.members) for b in batches] == [("17.04.01", 2), ("17.04.05", 3)]
    book = openpyxl.load_workbook(io.BytesIO(selectors.registration_workbook(users["operator"], planned, batches)))
    assert sorted(book.sheetnames) == ["Kaur Selatan", "Kinal"]
    sheet = book["Kaur Selatan"]
    header = next(r for r in sheet.iter_rows() if any(c.value == "NIK" for c in r))
    col = {c.value: c.column - 1 for c in header}
    rows = [r for r in sheet.iter_rows(min_row=header[0].row + 1) if r[col["NIK"]].value]
    assert len(rows) == 3
    for r in rows:
        assert isinstance(r[col["NIK"]].value, str) and len(r[col["NIK"]].value) == 16
        assert r[col["Tanggal Mulai Kepesertaan"]].value == datetime(2025, 1, 1)
        assert r[col["Program"]].value == "JKK, JKM" and r[col["Penghasilan (Rp)"]].value == 1_000_000
    assert set(planned.memberships.values_list("status", flat=True)) == {"submitted"}
    with pytest.raises(ValidationError, match="belum didaftarkan"):  # nothing left to send
        services.submit_registration(users["operator"], planned)
    assert Event.objects.filter(action="enrolment.submitted").count() == 2


def test_the_answer_registers_kpjs_and_records_a_rejection(users, planned):
    sent = submit_all(users, planned)
    outcome = services.import_answer(users["operator"], planned, [answer_from(sent, {"Budi Petani": "NIK tidak padan Dukcapil"})])
    assert (outcome.registered, outcome.rejected, outcome.errors) == (4, 1, 0)
    by_name = {m.peserta.nama: m for m in planned.memberships.select_related("peserta")}
    assert by_name["Budi Petani"].status == "rejected" and by_name["Budi Petani"].rejection_reason == "NIK tidak padan Dukcapil"
    assert by_name["Ahmad Nelayan"].status == "registered" and by_name["Ahmad Nelayan"].kpj == "24010000001"
    # The same file again changes nothing.
    again = services.import_answer(users["operator"], planned, [answer_from(sent, {"Budi Petani": "NIK tidak padan Dukcapil"})])
    assert (again.registered, again.rejected, again.unchanged) == (0, 0, 5)
    # Fixed, it goes into the next file as resubmitted, and then registers.
    services.mark_fixed(users["operator"], by_name["Budi Petani"])
    with pytest.raises(ValidationError):
        services.mark_fixed(users["operator"], by_name["Ahmad Nelayan"])
    resent = submit_all(users, planned)
    assert planned.memberships.get(pk=by_name["Budi Petani"].pk).status == "resubmitted"
    assert services.import_answer(users["operator"], planned, [answer_from(resent)]).registered == 1
    assert planned.memberships.filter(status="registered").count() == 5
    assert by_name["Budi Petani"].history.count() >= 5  # candidate, submitted, rejected, fixed, resubmitted, registered


def test_a_wrong_row_changes_nothing_and_is_named(users, planned):
    sent = submit_all(users, planned)
    # One KPJ for two people, on two kecamatan sheets.
    kpj = {**KPJ, "Joko Nelayan": KPJ["Ahmad Nelayan"]}
    outcome = services.import_answer(users["operator"], planned, [answer_from(sent, kpj=kpj)])
    assert outcome.errors == 1 and "24010000001" in outcome.findings["message"][0]
    assert outcome.findings["column"][0] == "No. KPJ"
    assert set(planned.memberships.values_list("status", flat=True)) == {"submitted"}
    member = planned.memberships.select_related("peserta").first()
    Membership.objects.filter(pk=member.pk).delete()
    outcome = services.import_answer(users["operator"], planned, [answer_from(sent)])
    assert outcome.errors == 1 and "bukan peserta program" in outcome.findings["message"][0]
    assert set(planned.memberships.values_list("kpj", flat=True)) == {""}


def test_the_camat_sees_and_downloads_only_his_kecamatan(client, users, planned):
    services.submit_registration(users["operator"], planned)
    client.force_login(users["camat"])
    page = client.get(reverse("enrolment:members", args=[planned.code]))
    assert [r["code"] for r in page.context["rows"]] == [KAUR_SELATAN]
    assert "Joko Nelayan" not in page.content.decode() and "Ahmad Nelayan" in page.content.decode()
    kinal = RegistrationBatch.objects.get(kecamatan_id="17.04.01")
    assert client.get(reverse("enrolment:batch_xlsx", args=[planned.code, kinal.number])).status_code == 404
    assert client.post(reverse("enrolment:submit", args=[planned.code])).status_code == 403


def test_the_command_line_exports_and_reads_the_answer(users, planned, tmp_path, capsys):
    out = tmp_path / "pendaftaran.xlsx"
    call_command("enrol", "export", str(out), "--programme", planned.code, "--user", "operator")
    assert "5 peserta dalam 2 berkas" in capsys.readouterr().out
    answer = tmp_path / "jawaban.xlsx"
    answer.write_bytes(answer_from(out.read_bytes(), {"Rudi Buruh": "Data ganda"}))
    call_command("enrol", "import-kpj", str(answer), "--user", "operator")
    assert "4 terdaftar (KPJ), 1 ditolak" in capsys.readouterr().out
    with pytest.raises(CommandError, match="LINDUNG_USER"):
        call_command("enrol", "import-kpj", str(answer))
    with pytest.raises(CommandError, match="Kolom NIK"):
        (tmp_path / "salah.csv").write_text("nama;alamat\nBudi;Bintuhan\n")
        call_command("enrol", "import-kpj", str(tmp_path / "salah.csv"), "--user", "operator")
    assert date(2025, 12, 1) == planned.memberships.first().last
    assert list(file_chunks(out))  # the file is a real workbook on disk


def test_a_kpj_arriving_in_a_running_programme_is_protection_at_once(users, planned):
    from lindung.programs.services import advance_status, save_programme

    sent = submit_all(users, planned)
    planned.pks_number, planned.pks_date = "B/1/PKS/2025", date(2025, 1, 2)
    save_programme(users["admin"], planned)
    advance_status(users["admin"], planned)
    planned.refresh_from_db()
    assert services.import_answer(users["operator"], planned, [answer_from(sent)]).registered == 5
    assert set(planned.memberships.values_list("status", flat=True)) == {"active"}


def test_the_workers_page_shows_his_programmes(client, users, planned):
    member = planned.memberships.select_related("peserta").first()
    client.force_login(users["admin"])
    body = client.get(reverse("registry:detail", args=[member.peserta_id])).content.decode()
    assert "Perlindungan Pekerja Rentan 2025" in body and "Calon" in body
