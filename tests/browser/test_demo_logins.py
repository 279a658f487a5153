"""The demo as a person meets it: the office admin sees all of Kaur, the camat only Kaur Selatan."""

import re

import pytest
from playwright.sync_api import Page, expect

from lindung.accounts.demo import ensure_demo_users
from lindung.registry.demo import KAUR_WORKERS, seed_workers
from lindung.registry.models import Peserta
from lindung.wilayah.services import load_regency
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Keluar").click()
    expect(page).to_have_url(re.compile(r"/akun/masuk/"))


def test_admin_sees_kaur_and_camat_sees_only_kaur_selatan(page: Page, live_server):
    load_regency("17.04")
    seed_workers("17.04", KAUR_WORKERS, 2024)
    ensure_demo_users("17.04", PASSWORD)
    in_kaur_selatan = Peserta.objects.filter(desa__code__startswith="17.04.05.").count()
    outsider = Peserta.objects.exclude(desa__code__startswith="17.04.05.").order_by("nik").first()
    page.set_default_timeout(15_000)

    # Admin Dinas, in Indonesian: 7.130 workers in 15 kecamatan.
    log_in(page, live_server.url, "admin")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Perlindungan hari ini")
    expect(page.get_by_test_id("total-workers")).to_have_text("7.130")
    expect(page.get_by_test_id("kecamatan-count")).to_have_text("15")
    rows = page.get_by_test_id("by-kecamatan").locator("tbody tr")
    expect(rows).to_have_count(15)
    expect(page.get_by_test_id("by-kecamatan")).to_contain_text("Padang Guci Hulu")
    expect(page.locator(".chart .main-svg").first).to_be_attached()  # Plotly drew, from our own static files
    log_out(page)

    # Camat of Kaur Selatan: only his kecamatan, and an outsider cannot be found or opened.
    log_in(page, live_server.url, "camat")
    expect(page.get_by_test_id("total-workers")).to_have_text(f"{in_kaur_selatan:,}".replace(",", "."))
    expect(page.get_by_test_id("kecamatan-count")).to_have_text("1")
    expect(page.get_by_test_id("by-kecamatan").locator("tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("by-kecamatan")).to_contain_text("Kaur Selatan")
    expect(page.get_by_test_id("by-kecamatan")).not_to_contain_text("Kinal")
    page.get_by_role("link", name="Peserta").first.click()
    page.get_by_role("searchbox").fill(outsider.nik[:10])
    expect(page.get_by_text("Tidak ada yang ditemukan", exact=False)).to_be_visible()
    response = page.goto(f"{live_server.url}/peserta/{outsider.pk}/")
    assert response.status == 404

    # Switch to English: the same numbers, English words and separators.
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="EN").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Protection today")
    expect(page.get_by_test_id("total-workers")).to_have_text(f"{in_kaur_selatan:,}")
    expect(page.get_by_role("link", name="Workers", exact=True)).to_be_visible()
