"""The regent's page on a phone (375 px): every figure is a link, and its list shows as many as the figure says."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.core.dashboard_world import build, on_day

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_regent_follows_each_figure_to_its_list_on_his_phone(open_as, users):
    build(users)
    with on_day():
        page = open_as("pimpinan", **PHONE)
        home = page.url
        dash = page.get_by_test_id("dashboard")
        expect(dash).to_be_visible()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Perlindungan hari ini")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375  # nothing wider than the phone

        def follow(testid: str, figure: str):
            link = page.get_by_test_id(testid)
            expect(link.locator(".n")).to_have_text(figure)
            link.click()

        for testid, figure, names in (("fig-aktif", "2", ["Ahmad Lunas", "Siti Lunas"]),
                                      ("fig-menunggak", "2", ["Budi Nunggak", "Wati Tahunlalu"]),
                                      ("fig-berakhir", "1", ["Joko Wafat"]),
                                      ("fig-lapse-60", "2", ["Budi Nunggak", "Wati Tahunlalu"])):
            follow(testid, figure)
            people = page.get_by_test_id("protection-people").locator("li")
            expect(people).to_have_count(int(figure))
            for name in names:
                expect(page.get_by_test_id("protection-people")).to_contain_text(name)
            expect(page.get_by_test_id("protection-count")).to_contain_text(f"{figure} orang")
            assert page.evaluate("document.documentElement.scrollWidth") <= 375
            page.goto(home)

        # A kecamatan's figure in the table: Kinal's dead.
        kinal = page.get_by_test_id("protection-by-kecamatan").locator("tr", has_text="Kinal")
        kinal.get_by_role("link").nth(3).click()  # the ended
        expect(page.get_by_test_id("protection-people")).to_contain_text("Joko Wafat")
        expect(page.get_by_test_id("protection-people")).to_contain_text("Meninggal")
        page.goto(home)

        follow("fig-cards-office", "2")
        cards = page.get_by_test_id("cards")
        expect(cards).to_contain_text("Joko Wafat")
        expect(cards).to_contain_text("Wati Tahunlalu")
        expect(cards).not_to_contain_text("Ahmad Lunas")
        page.goto(home)
        follow("fig-cards-overdue", "1")
        expect(page.get_by_test_id("overdue-cards")).to_contain_text("Siti Lunas")
        page.goto(home)

        follow("fig-claims-paid", "2")
        expect(page.get_by_test_id("claims").locator("li")).to_have_count(2)
        page.goto(home)
        page.get_by_test_id("budget-kaur-2026").click()
        expect(page.locator("main")).to_contain_text("Rp84.000")


def test_the_camat_reads_a_workers_protection_today_on_his_phone_without_scrolling_sideways(open_as, live_server,
                                                                                            users):
    """The person page's programme table had its last columns, protection today and KPJ, cut off at the right."""
    world = build(users)
    ahmad = world["people"]["Ahmad Lunas"]
    with on_day():
        page = open_as("camat", **PHONE)
        page.goto(f"{live_server.url}/peserta/{ahmad.pk}/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Ahmad Lunas")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        today = page.get_by_test_id("memberships").get_by_test_id("protection")
        expect(today).to_have_count(2)
        expect(today.first).to_have_text("Aktif")  # his 2026 membership, the newest first
        for i in range(2):
            box = today.nth(i).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 375, box  # on the screen, not beyond its edge
        labels = page.get_by_test_id("memberships").locator("td").evaluate_all(
            "cells => cells.map(td => getComputedStyle(td, '::before').content)")
        assert '"Perlindungan hari ini"' in labels and '"KPJ"' in labels  # each value shown beside its label
