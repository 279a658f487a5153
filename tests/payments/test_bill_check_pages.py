"""The check before approval on the bill's page: run, members taken off with a reason, the approver's note, the
auditor's xlsx read back, and each role seeing only his area's findings."""

import io
from datetime import date

import openpyxl
import pytest

from lindung.life import services as life
from lindung.payments import services
from lindung.payments.models import Bill, BillFinding
from lindung.rules.bill_check import RULES, Rule
from tests.factories import bill_url, messages_of, page_text, run

DIED = RULES[Rule.DIED].title
MOVED = RULES[Rule.MOVED_OUT].title


@pytest.fixture
def checked(users, planned):
    """January 2025's draft bill with a death reported in Kaur Selatan (the camat's) and a move in Kinal."""
    programme = run(planned)
    bill = services.generate_bill(users["operator"], programme, "2025-01").bill
    lines = {line.peserta.nama: line.peserta for line in bill.lines.select_related("peserta")}
    life.report_death(users["admin"], lines["Ahmad Nelayan"], died_on=date(2024, 12, 20), evidence="surat desa")
    life.record(users["admin"], lines["Joko Nelayan"], kind="moved_out", happened_on=date(2024, 11, 3), source="typed")
    return bill, lines


def test_the_operator_checks_and_takes_members_off_the_admin_approves_with_a_note(client, users, checked):
    bill, lines = checked
    client.force_login(users["operator"])
    page = client.post(bill_url("check", bill.programme, "2025-01"), follow=True)
    text = page_text(page)
    assert messages_of(page)[0].startswith("Pemeriksaan menemukan 2 temuan")
    assert DIED in text and MOVED in text and "20 Desember 2024" in text and lines["Ahmad Nelayan"].nik in text
    # no reason: refused, nothing changes
    refused = client.post(bill_url("exclude", bill.programme, "2025-01"), {"nik": [lines["Ahmad Nelayan"].nik]})
    assert refused.status_code == 400 and Bill.objects.get(pk=bill.pk).members == 5
    done = client.post(bill_url("exclude", bill.programme, "2025-01"),
                       {"nik": [lines["Ahmad Nelayan"].nik], "reason": "Meninggal menurut laporan desa"}, follow=True)
    assert Bill.objects.get(pk=bill.pk).members == 4
    assert "Meninggal menurut laporan desa" in page_text(done)
    client.force_login(users["admin"])
    client.post(bill_url("approve", bill.programme, "2025-01"), {"note": ""})
    assert Bill.objects.get(pk=bill.pk).status == Bill.Status.DRAFT  # the move is still open
    page = client.get(bill_url("bill", bill.programme, "2025-01"))
    assert 'data-testid="approve-form"' in page_text(page)
    client.post(bill_url("approve", bill.programme, "2025-01"), {"note": "Pindah sesudah tagihan dibuat; ditagih BPJS"})
    approved = Bill.objects.get(pk=bill.pk)
    assert approved.status == Bill.Status.APPROVED and approved.approval_note.startswith("Pindah")
    assert dict(approved.findings.values_list("peserta__nama", "outcome")) == {
        "Ahmad Nelayan": BillFinding.Outcome.EXCLUDED, "Joko Nelayan": BillFinding.Outcome.KEPT}

    workbook = openpyxl.load_workbook(io.BytesIO(client.get(bill_url("check_xlsx", bill.programme, "2025-01")).content))
    summary = {row[0]: row[2:5] for row in workbook["Ringkasan"].iter_rows(values_only=True) if row[0] in RULES_TITLES}
    assert summary[DIED] == (0, 1, 0) and summary[MOVED] == (0, 0, 1) and len(summary) == len(Rule)
    header, *rows = list(workbook["Temuan"].iter_rows(values_only=True))
    assert header[:2] == ("NIK", "Nama")
    dead = next(row for row in rows if row[0] == lines["Ahmad Nelayan"].nik)
    assert (dead[5], dead[7], dead[8]) == (DIED, "Dikeluarkan dari tagihan", "Meninggal menurut laporan desa")
    assert "surat desa" in dead[6] and len(rows) == 2
    assert workbook["Temuan"].cell(2, 1).data_type == "s"  # NIK as text: all 16 digits


RULES_TITLES = {text.title for text in RULES.values()}


def test_a_camat_sees_his_areas_findings_only_and_cannot_check(client, users, checked):
    bill, lines = checked
    services.check_bill(users["operator"], bill)
    client.force_login(users["camat"])
    text = page_text(client.get(bill_url("bill", bill.programme, "2025-01")))
    assert lines["Ahmad Nelayan"].nik in text and lines["Joko Nelayan"].nik not in text
    assert 'data-testid="exclude-form"' in text and 'name="nik"' not in text and "Jalankan" not in text
    assert client.post(bill_url("check", bill.programme, "2025-01"), follow=True).status_code == 200
    assert Bill.objects.get(pk=bill.pk).checked_by == users["operator"]
    client.post(bill_url("exclude", bill.programme, "2025-01"), {"nik": [lines["Ahmad Nelayan"].nik], "reason": "x"})
    assert Bill.objects.get(pk=bill.pk).members == 5
    rows = list(openpyxl.load_workbook(io.BytesIO(client.get(bill_url("check_xlsx", bill.programme, "2025-01")).content))
                ["Temuan"].iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == [lines["Ahmad Nelayan"].nik]
