"""The bill pages: make, approve, pay (partly, late) through the browser's forms; who may do what; a camat's
view; the Excel export, the cover letter read back from the PDF, and the budget realisation."""

import io
import json
import re
import subprocess
from datetime import date

import openpyxl
import pytest
from django.urls import reverse

from lindung.enrolment.models import Membership
from lindung.payments import selectors, services
from lindung.payments.models import Bill, PaidMonth, Payment
from tests.factories import another_admin, approved_bill, bill_url, messages_of, page_text, run

KAUR_SELATAN = {"Ahmad Nelayan", "Budi Petani", "Rudi Buruh"}  # the camat's members on the bill
PKS = "PKS/560/DISNAKER-KAUR/2024"


@pytest.fixture
def running(planned):
    for i, m in enumerate(planned.memberships.order_by("peserta__nik")):
        Membership.objects.filter(pk=m.pk).update(kpj=f"2401000000{i}")
    planned.pks_number, planned.pks_date = PKS, date(2024, 12, 20)
    return run(planned)


def test_make_approve_and_pay_a_bill_through_the_pages(client, users, running):
    client.force_login(users["operator"])
    page = client.get(bill_url("bills", running))
    assert page.status_code == 200 and 'data-testid="generate-form"' in page_text(page)
    done = client.post(bill_url("generate", running), {"month": "2025-01"}, follow=True)
    bill = Bill.objects.get(programme=running, month=date(2025, 1, 1))
    assert done.redirect_chain[-1][0] == bill_url("bill", running, "2025-01")
    assert bill.members == 5 and bill.status == Bill.Status.DRAFT
    assert any("5" in m and "Rp84.000" in m for m in messages_of(done))
    # The operator made it and may not approve it; the page offers him neither approval nor payment.
    assert 'data-testid="approve-form"' not in page_text(done) and 'data-testid="pay-form"' not in page_text(done)
    refused = client.post(bill_url("approve", running, "2025-01"), follow=True)
    assert any("Admin Dinas" in m for m in messages_of(refused))
    bill.refresh_from_db()
    assert bill.status == Bill.Status.DRAFT

    client.force_login(users["admin"])
    page = client.get(bill_url("bill", running, "2025-01"))
    assert 'data-testid="approve-form"' in page_text(page) and "data-confirm=" in page_text(page)
    client.post(bill_url("approve", running, "2025-01"))
    bill.refresh_from_db()
    assert bill.status == Bill.Status.APPROVED and bill.approved_by == users["admin"]

    # Partly paid in time: 40,000 pays the first two lines by NIK, written the Indonesian way.
    paid = client.post(bill_url("pay", running, "2025-01"), {"sp2d_number": "900/SP2D/001", "paid_on": "2025-01-10",
                                                        "amount": "Rp40.000"}, follow=True)
    assert paid.redirect_chain[-1][0] == bill_url("bill", running, "2025-01")
    body = page_text(paid)
    assert 'data-testid="arrears"' not in body and "900/SP2D/001" in body
    assert re.search(r'data-testid="bill-paid">Rp40\.000', body)
    bill.refresh_from_db()
    assert bill.status == Bill.Status.PARTLY_PAID and PaidMonth.objects.count() == 2

    # The rest after the due date: flagged, with the three members it left in arrears, named.
    late = client.post(bill_url("pay", running, "2025-01"), {"sp2d_number": "900/SP2D/002", "paid_on": "2025-01-20",
                                                        "amount": "44000"}, follow=True)
    payment = Payment.objects.get(sp2d_number="900/SP2D/002")
    assert payment.late and late.redirect_chain[-1][0] == bill_url("bill", running, "2025-01") + f"?tunggakan={payment.pk}#tunggakan"
    assert any("15 Januari 2025" in m and " 3 " in m for m in messages_of(late))
    arrears = late.context["arrears"]
    lines = list(bill.lines.order_by("peserta__nik").select_related("peserta__desa", "membership"))
    assert [(m.peserta.nama, m.peserta.desa.name, m.membership.kpj) for m in arrears] == [
        (line.peserta.nama, line.peserta.desa.name, line.membership.kpj) for line in lines[2:]]
    body = page_text(late)
    assert 'data-testid="arrears"' in body and all(line.membership.kpj in body for line in lines[2:])
    bill.refresh_from_db()
    assert bill.status == Bill.Status.PAID and 'data-testid="pay-form"' not in body


def test_bad_input_is_refused_with_a_message_and_changes_nothing(client, users, running):
    bill = approved_bill(users, running)
    client.force_login(users["admin"])
    for amount in ("84,5", "84000.0", "8.40.00", "-5", ""):
        page = client.post(bill_url("pay", running, "2025-01"), {"sp2d_number": "1", "paid_on": "2025-01-10", "amount": amount})
        assert page.status_code == 400 and page.context["pay_form"].errors["amount"], amount
    for data, words in (({"amount": "84.001"}, "melebihi sisa tagihan Rp84.000"), ({"paid_on": "2999-01-01"}, "masa depan"),
                        ({"sp2d_number": "   "}, "SP2D")):
        page = client.post(bill_url("pay", running, "2025-01"),
                           {"sp2d_number": "SP2D-1", "paid_on": "2025-01-10", "amount": "84000", **data})
        assert page.status_code == 400 and words in page_text(page), data
    assert not Payment.objects.exists() and not PaidMonth.objects.exists()
    again = client.post(bill_url("approve", running, "2025-01"), follow=True)
    assert any("draf" in m for m in messages_of(again))
    page = client.post(bill_url("generate", running), {"month": "Januari"})
    assert page.status_code == 200 and page.context["form"].errors["month"]
    out_of_period = client.post(bill_url("generate", running), {"month": "2026-03"}, follow=True)
    assert any("di luar masa program" in m for m in messages_of(out_of_period))
    assert list(Bill.objects.values_list("pk", flat=True)) == [bill.pk]
    for month in ("2025-13", "2025-05"):  # no such month, no such bill
        assert client.get(bill_url("bill", running, month)).status_code == 404
    assert client.get(f"/program/{running.code}/iuran/januari/").status_code == 404


def test_the_maker_of_a_bill_does_not_approve_it(client, users, running):
    client.force_login(users["admin"])
    client.post(bill_url("generate", running), {"month": "2025-02"})
    page = client.get(bill_url("bill", running, "2025-02"))
    assert 'data-testid="approve-form"' not in page_text(page)
    refused = client.post(bill_url("approve", running, "2025-02"), follow=True)
    assert any("pengguna lain" in m for m in messages_of(refused))
    assert Bill.objects.get().status == Bill.Status.DRAFT


def test_an_admin_who_added_to_a_draft_does_not_approve_it(client, users, running):
    """The operator made the draft, a second admin generated the month again (a top-up): neither approves it."""
    draft = services.generate_bill(users["operator"], running, "2025-02").bill
    draft.lines.first().delete()  # a member missing from the draft, whom the top-up adds
    second = another_admin()
    assert services.generate_bill(second, running, "2025-02").added == 1
    client.force_login(second)
    assert 'data-testid="approve-form"' not in page_text(client.get(bill_url("bill", running, "2025-02")))
    refused = client.post(bill_url("approve", running, "2025-02"), follow=True)
    assert any("menambah/mengurangi" in m for m in messages_of(refused))
    assert Bill.objects.get().status == Bill.Status.DRAFT
    assert services.approve_bill(users["admin"], Bill.objects.get()).status == Bill.Status.APPROVED


@pytest.mark.parametrize("username", ["camat", "desa", "bpjs", "pimpinan"])
def test_roles_without_the_flags_see_no_forms_and_change_nothing(client, users, running, username):
    bill = approved_bill(users, running)
    draft = services.generate_bill(users["operator"], running, "2025-02").bill
    client.force_login(users[username])
    assert 'data-testid="generate-form"' not in page_text(client.get(bill_url("bills", running)))
    page = client.get(bill_url("bill", running, "2025-01"))
    assert page.status_code == 200 and 'data-testid="pay-form"' not in page_text(page)
    assert 'data-testid="approve-form"' not in page_text(client.get(bill_url("bill", running, "2025-02")))
    for target, data in ((bill_url("generate", running), {"month": "2025-03"}), (bill_url("approve", running, "2025-02"), {}),
                         (bill_url("pay", running, "2025-01"), {"sp2d_number": "X", "paid_on": "2025-01-10", "amount": "16800"})):
        response = client.post(target, data, follow=True)
        assert response.status_code in (200, 400) and any("Hanya" in m for m in messages_of(response)), target
    assert client.get(bill_url("cover_letter", running, "2025-01")).status_code == 403
    draft.refresh_from_db()
    assert draft.status == Bill.Status.DRAFT and Bill.objects.count() == 2
    assert not Payment.objects.exists() and bill.lines.count() == 5


def test_a_camat_sees_the_bill_totals_but_only_his_kecamatans_lines(client, users, running):
    late = services.record_payment(users["admin"], approved_bill(users, running), "SP2D-8", date(2025, 1, 21), 84_000)
    client.force_login(users["camat"])
    arrears = client.get(bill_url("bill", running, "2025-01"), {"tunggakan": late.payment.pk})
    assert len(late.in_arrears) == 5 and {m.peserta.nama for m in arrears.context["arrears"]} == KAUR_SELATAN
    page = client.get(bill_url("bill", running, "2025-01"))
    body = page_text(page)
    assert re.search(r'data-testid="bill-total">Rp84\.000', body) and "Rp50.400" in body  # 3 × 16.800 for his area
    assert {line.peserta.nama for line in page.context["page"]} == KAUR_SELATAN
    assert "Joko Nelayan" not in body and "Wati Petani" not in body and ">Kinal<" not in body
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(bill_url("bill_xlsx", running, "2025-01")).content))
    names = {row[1] for row in workbook["Peserta"].iter_rows(min_row=2, values_only=True)}
    assert names == KAUR_SELATAN


def summary_of(sheet) -> dict:
    return {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row[0]}


def test_the_excel_export_has_the_bill_its_payments_and_every_line_typed(client, users, running):
    bill = approved_bill(users, running)
    first = bill.lines.order_by("peserta__nik").first().peserta
    first.nama = "=HYPERLINK(\"http://x\")"  # a name that would run as a formula
    first.save()
    services.record_payment(users["admin"], bill, "SP2D-7", date(2025, 1, 10), 16_800)
    client.force_login(users["admin"])
    response = client.get(bill_url("bill_xlsx", running, "2025-01"))
    assert response["Content-Disposition"] == f'attachment; filename="tagihan-{running.code}-2025-01.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Ringkasan", "Peserta"]
    summary = summary_of(workbook["Ringkasan"])
    assert summary["Jumlah tagihan (Rp)"] == 84_000 and summary["Peserta"] == 5 and summary["Bulan iuran"] == "2025-01"
    assert summary["Jatuh tempo"].date() == date(2025, 1, 15) and summary["Disetujui oleh"] == "Admin Dinas"
    payments = list(workbook["Ringkasan"].iter_rows(values_only=True))
    at = payments.index(("No. SP2D", "Tanggal SP2D", "Jumlah (Rp)", "Terlambat", "Dicatat oleh"))
    assert payments[at + 1][0] == "SP2D-7" and payments[at + 1][1].date() == date(2025, 1, 10)
    assert payments[at + 1][2:] == (16_800, "Tidak", "admin") and len(payments) == at + 2
    sheet = workbook["Peserta"]
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["NIK", "Nama", "Kecamatan", "Desa/Kelurahan", "No. KPJ"] and header[-2:] == ["Jumlah (Rp)", "Dibayar tanggal"]
    rows = list(sheet.iter_rows(min_row=2))
    lines = list(bill.lines.order_by("peserta__nik").select_related("peserta", "membership"))
    assert [r[0].value for r in rows] == [line.peserta.nik for line in lines]
    assert all(r[0].data_type == "s" and r[4].data_type == "s" and r[0].number_format == "@" for r in rows)
    assert [r[4].value for r in rows] == [line.membership.kpj for line in lines]
    assert sum(r[9].value for r in rows) == 84_000 and all(isinstance(r[9].value, int) for r in rows)
    assert [(r[5].value, r[6].value, r[7].value) for r in rows] == [(10_000, 6_800, 0)] * 5
    assert rows[0][1].value == "'=HYPERLINK(\"http://x\")" and rows[0][1].data_type == "s"
    assert rows[0][10].value.date() == date(2025, 1, 10) and [r[10].value for r in rows[1:]] == [None] * 4
    assert {r[2].value for r in rows} == {"Kaur Selatan", "Kinal"}


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "surat.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout


def test_the_cover_letter_asks_for_the_total_in_figures_and_words_per_kecamatan(client, users, running, tmp_path):
    client.force_login(users["operator"])
    client.post(bill_url("generate", running), {"month": "2025-01"})
    draft = client.get(bill_url("cover_letter", running, "2025-01"), follow=True)
    assert any("disetujui" in m or "approved" in m for m in messages_of(draft))
    services.approve_bill(users["admin"], Bill.objects.get())
    response = client.get(bill_url("cover_letter", running, "2025-01"))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    text = pdf_text(response.content, tmp_path)
    flat = " ".join(text.split())
    assert "Rp84.000" in flat and "delapan puluh empat ribu rupiah" in flat
    assert "Bulan Januari 2025" in flat and "15 Januari 2025" in flat and PKS in flat and "20 Desember 2024" in flat
    assert "Kabupaten Kaur" in flat and "Kepala Badan Keuangan dan Aset Daerah (BKAD)" in flat and "NIP." in flat
    assert "JKK" in flat and "Rp50.000" in flat and "Rp34.000" in flat and "JHT" not in flat  # 5 × 10.000, 5 × 6.800
    per_kecamatan = {m[0]: (int(m[1]), m[2]) for m in re.findall(r"\d+\s+(Kaur Selatan|Kinal)\s+(\d+)\s+(Rp[\d.]+)", text)}
    assert per_kecamatan == {"Kaur Selatan": (3, "Rp50.400"), "Kinal": (2, "Rp33.600")}
    again = pdf_text(client.get(bill_url("cover_letter", running, "2025-01")).content, tmp_path)
    assert again == text  # the same bill, the same letter


def test_the_realisation_adds_up_and_is_drawn(client, users, running):
    january = approved_bill(users, running)
    services.record_payment(users["admin"], january, "SP2D-1", date(2025, 1, 10), 40_000)
    services.record_payment(users["admin"], approved_bill(users, running, "2025-02"), "SP2D-2", date(2025, 2, 10), 84_000)
    services.generate_bill(users["operator"], running, "2025-03")
    found = selectors.realisation(users["admin"], running)
    months = {str(r.month): r for r in found.months}
    assert len(found.months) == 12 and (months["2025-01"].committed, months["2025-01"].paid) == (84_000, 40_000)
    assert (months["2025-02"].committed, months["2025-02"].paid, months["2025-02"].paid_to_date) == (84_000, 84_000, 124_000)
    assert (months["2025-03"].draft, months["2025-03"].committed, months["2025-03"].bill.status) == (84_000, 0, "draft")
    assert (found.ceiling, found.committed, found.paid, found.draft) == (running.budget, 168_000, 124_000, 84_000)
    assert found.remaining == running.budget - 168_000
    assert sum(r.committed for r in found.months) == found.committed and found.months[-1].paid_to_date == found.paid
    # The full-year plan: its five people every month, adding up to what it costs.
    assert [r.planned for r in found.months] == [5 * 16_800] * 12 and found.planned == running.plan.cost
    assert selectors.realisation(users["camat"], running) == found  # the regency's figures, for every area

    client.force_login(users["pimpinan"])
    page = client.get(bill_url("bills", running))
    body = page_text(page)
    assert re.search(r'data-testid="committed">Rp168\.000', body) and re.search(r'data-testid="paid">Rp124\.000', body)
    assert re.search(r'data-testid="remaining">Rp' + f"{running.budget - 168_000:,}".replace(",", r"\."), body)
    assert 'data-testid="drafts"' in body
    chart = json.loads(re.search(r'<script id="chart-realisation" type="application/json">(.*?)</script>', body, re.S)[1])
    committed, paid, to_date, ceiling, plan = chart["traces"]
    assert committed["y"][:3] == [84_000, 84_000, 0] and paid["y"][:3] == [40_000, 84_000, 0]
    assert to_date["y"][-1] == 124_000 and set(ceiling["y"]) == {running.budget} and len(plan["y"]) == 12


def test_the_programme_page_links_to_its_bills(client, users, running):
    client.force_login(users["camat"])
    body = page_text(client.get(reverse("programs:detail", args=[running.code])))
    assert bill_url("bills", running) in body
