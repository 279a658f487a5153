"""The money cycle in the browser: the office operator makes January's bill, the admin approves it and records a
partial SP2D, and BPJS's invoice with three planted differences is reconciled: each is listed with its name and
one is resolved with a note.

Five members protected in January at Rp16.800 (the six workers' full-year plan): a bill of Rp84.000. The SP2D
pays Rp50.400, three whole lines. BPJS's file bills the second member Rp17.000, leaves out the fifth and adds
someone we never billed."""

import re

import pytest
from playwright.sync_api import Page, expect

from lindung.enrolment.models import Membership
from lindung.payments.protection import refresh
from tests.browser.conftest import log_in
from tests.conftest import plan_programme
from tests.factories import run

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STRANGER = ("24019999999", "Orang Tidak Dikenal")


def confirm_dialogs(page: Page) -> None:
    page.on("dialog", lambda dialog: dialog.accept())


def test_bill_partial_payment_and_reconciliation(page: Page, browser, live_server, users):
    programme = run(plan_programme(users))
    members = list(programme.memberships.select_related("peserta").order_by("peserta__nik"))
    for i, m in enumerate(members):
        Membership.objects.filter(pk=m.pk).update(kpj=f"2401000000{i}")
    refresh(Membership.objects.all())
    base = live_server.url

    # The operator makes the bill.
    log_in(page, base, "operator")
    confirm_dialogs(page)
    page.goto(f"{base}/program/{programme.code}/")
    page.get_by_role("link", name="Tagihan bulanan").click()
    form = page.get_by_test_id("generate-form")
    form.get_by_label("Bulan iuran").fill("2025-01")
    form.get_by_role("button", name="Buat tagihan bulan ini").click()
    expect(page).to_have_url(re.compile(r"/iuran/2025-01/$"))
    expect(page.get_by_test_id("bill-status")).to_have_text("Draf")
    expect(page.get_by_test_id("bill-total")).to_have_text("Rp84.000")
    expect(page.get_by_test_id("approve-form")).to_have_count(0)  # not by its maker
    expect(page.get_by_test_id("bill-lines")).to_contain_text(members[0].peserta.nama)

    # The admin approves it and records an SP2D paying part of it.
    admin = browser.new_page()
    log_in(admin, base, "admin")
    confirm_dialogs(admin)
    admin.goto(f"{base}/program/{programme.code}/iuran/2025-01/")
    admin.get_by_test_id("approve-form").get_by_role("button").click()
    expect(admin.get_by_test_id("bill-status")).to_have_text("Disetujui")
    pay = admin.get_by_test_id("pay-form")
    pay.get_by_label("nomor SP2D").fill("00123/SP2D/BKAD/2025")
    pay.get_by_label("Tanggal SP2D").fill("2025-01-14")
    pay.get_by_label("Jumlah, Rp").fill("50.400")
    pay.get_by_role("button", name="Catat pembayaran").click()
    expect(admin.get_by_test_id("bill-status")).to_have_text("Dibayar sebagian")
    expect(admin.get_by_test_id("bill-paid")).to_contain_text("Rp50.400")
    expect(admin.get_by_test_id("payments")).to_contain_text("00123/SP2D/BKAD/2025")
    lines = admin.get_by_test_id("bill-lines")
    for m in members[:3]:  # paid in NIK order, whole lines only
        expect(lines.locator("tr", has_text=m.peserta.nama)).to_contain_text("14")
    expect(lines.locator("tr", has_text=members[3].peserta.nama)).not_to_contain_text("2025")

    # BPJS's invoice for January, with three planted differences.
    rows = [(f"2401000000{i}", m.peserta.nama, 17_000 if i == 1 else 16_800) for i, m in enumerate(members[:4])]
    rows.append((*STRANGER, 16_800))
    invoice = "No. KPJ,Nama Peserta,Jumlah Iuran\n" + "".join(f"{k},{n},{a}\n" for k, n, a in rows)
    page.goto(f"{base}/program/{programme.code}/iuran/2025-01/")
    page.get_by_role("link", name="Rekonsiliasi dengan BPJS").click()
    page.get_by_test_id("reconcile-form").locator("input[type=file]").set_input_files(
        files=[{"name": "tagihan-bpjs-2025-01.csv", "mimeType": "text/csv", "buffer": invoice.encode()}])
    page.get_by_role("button", name="Bandingkan").click()
    expect(page.get_by_test_id("matched")).to_have_text("3")
    for kind in ("amount_differs", "only_ours", "only_theirs"):
        expect(page.get_by_test_id(kind)).to_have_text("1")
    differs = page.get_by_test_id("differences-amount_differs")
    expect(differs).to_contain_text(members[1].peserta.nama)
    expect(differs).to_contain_text("Rp17.000")
    expect(page.get_by_test_id("differences-only_ours")).to_contain_text(members[4].peserta.nama)
    expect(page.get_by_test_id("differences-only_theirs")).to_contain_text(STRANGER[1])
    expect(page.get_by_test_id("differences-only_theirs")).to_contain_text(STRANGER[0])

    stranger = page.get_by_test_id("differences-only_theirs").locator("tr", has_text=STRANGER[1])
    stranger.get_by_label("Catatan penyelesaian").fill("Bukan peserta program ini; BPJS diminta menghapus.")
    stranger.get_by_role("button", name="Selesaikan").click()
    expect(page.get_by_test_id("differences-only_theirs")).to_contain_text("BPJS diminta menghapus")
    expect(page.get_by_test_id("differences-only_theirs")).to_contain_text("operator")
