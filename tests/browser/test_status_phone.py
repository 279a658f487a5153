"""The public status check on a cheap phone with JavaScript off: from the login page's link, NIK and date of birth
typed, the answer read; a wrong date of birth gets "not found"."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.payments.conftest import members, today  # noqa: F401 (the fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_worker_checks_his_status_on_a_phone_without_javascript(browser, live_server, members, today, tmp_path):  # noqa: F811
    peserta = members[0].peserta
    context = browser.new_context(**PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/akun/masuk/")
        page.get_by_role("link", name="Cek status kepesertaan").click()
        form = page.get_by_test_id("status-form")
        form.get_by_label("NIK").fill(peserta.nik)
        form.get_by_label("Tanggal", exact=True).fill(str(peserta.tanggal_lahir.day))
        form.get_by_label("Bulan").select_option(str(peserta.tanggal_lahir.month))
        form.get_by_label("Tahun").fill(str(peserta.tanggal_lahir.year))
        form.get_by_role("button", name="Cek status").click()
        expect(page.get_by_test_id("status-verdict")).to_have_text("Terlindungi hari ini (10 Maret 2025)")
        expect(page.get_by_test_id("status-name")).not_to_have_text(peserta.nama)
        expect(page.get_by_test_id("status-selfpay")).to_be_visible()
        assert page.locator("main").bounding_box()["width"] <= 375  # nothing wider than the phone
        page.screenshot(path=tmp_path / "status.png", full_page=True)
        page.screenshot(path="/tmp/x/status-phone.png", full_page=True)  # to look at by hand

        form = page.get_by_test_id("status-form")
        form.get_by_label("NIK").fill(peserta.nik)
        form.get_by_label("Tanggal", exact=True).fill(str(peserta.tanggal_lahir.day))
        form.get_by_label("Bulan").select_option(str(peserta.tanggal_lahir.month))
        form.get_by_label("Tahun").fill(str(peserta.tanggal_lahir.year + 1))  # a wrong date of birth
        form.get_by_role("button", name="Cek status").click()
        expect(page.get_by_test_id("status-unknown")).to_contain_text("Tidak ditemukan")
        expect(page.get_by_test_id("status-name")).to_have_count(0)
        page.screenshot(path="/tmp/x/status-phone-unknown.png", full_page=True)
    finally:
        context.close()
