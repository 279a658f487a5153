"""A budget typed the Indonesian way in the browser (issue 16): "500.000.000" is said back in words while typing
and saved as Rp500.000.000; "500,5" is refused with a message and the saved budget stays."""

import pytest
from playwright.sync_api import Page, expect

from lindung.programs.models import Programme
from tests.browser.conftest import fill_programme, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_office_types_five_hundred_million(page: Page, live_server, users):
    base = live_server.url
    log_in(page, base, "operator")
    page.goto(base + "/program/baru/")
    form = page.get_by_test_id("programme-form")
    fill_programme(form, "kaur-2026", "Pekerja Rentan 2026", 2026, "500.000.000")
    expect(form.locator("#id_budget_words")).to_have_text("Rp500.000.000 — lima ratus juta rupiah")
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(f"{base}/program/kaur-2026/")
    expect(page.get_by_test_id("programme-facts")).to_contain_text("Rp500.000.000")
    assert Programme.objects.get(code="kaur-2026").budget == 500_000_000

    page.goto(base + "/program/kaur-2026/ubah/")
    form = page.get_by_test_id("programme-form")
    expect(form.locator("input[name=budget]")).to_have_value("500.000.000")
    form.locator("input[name=budget]").fill("500,5")
    expect(form.locator("#id_budget_words")).to_contain_text("Bukan jumlah rupiah bulat")
    form.locator("button[type=submit]").click()
    expect(page.locator(".errorlist")).to_contain_text("Tulis jumlah dalam rupiah bulat")
    assert Programme.objects.get(code="kaur-2026").budget == 500_000_000
