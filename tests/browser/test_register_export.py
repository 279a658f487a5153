"""A clerk filters the register to one village, downloads it, and the file holds exactly that village's people."""

import openpyxl
import pytest
from playwright.sync_api import expect

from lindung.accounts.demo import ensure_demo_users
from lindung.audit.models import Event
from lindung.registry.models import Peserta
from lindung.wilayah.services import load_regency
from tests.conftest import BANDAR_BINTUHAN, KINAL_VILLAGE, OTHER_VILLAGE_KAUR_SELATAN, PASSWORD, make_peserta

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_filter_to_a_village_and_export(open_as, live_server, tmp_path):
    load_regency("17.04")
    ensure_demo_users("17.04", PASSWORD)
    for i, village in enumerate([BANDAR_BINTUHAN] * 3 + [OTHER_VILLAGE_KAUR_SELATAN] * 4 + [KINAL_VILLAGE] * 2):
        make_peserta(village, f"Pekerja {i:02d}", serial=40 + i)
    page = open_as("operator")
    page.set_default_timeout(20_000)
    page.goto(live_server.url + "/peserta/")
    filters = page.get_by_test_id("register-filters")
    filters.get_by_label("Kecamatan").select_option(label="Kaur Selatan")
    filters.get_by_role("button", name="Tampilkan").click()
    page.get_by_test_id("register-filters").get_by_label("Desa").select_option(value=OTHER_VILLAGE_KAUR_SELATAN)
    page.get_by_test_id("register-filters").get_by_role("button", name="Tampilkan").click()
    expect(page.get_by_test_id("register").locator("tbody tr")).to_have_count(4)
    with page.expect_download() as download:
        page.get_by_test_id("register-xlsx").click()
    path = tmp_path / "peserta.xlsx"
    download.value.save_as(path)
    sheet = openpyxl.load_workbook(path).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    expected = set(Peserta.objects.filter(desa_id=OTHER_VILLAGE_KAUR_SELATAN).values_list("nik", flat=True))
    assert {r[0] for r in rows} == expected and len(rows) == 4
    assert all(sheet.cell(row=n, column=1).data_type == "s" for n in range(2, 6))  # NIK stored as text
    assert {r[4] for r in rows} == {"Sekunyit"}
    assert OTHER_VILLAGE_KAUR_SELATAN in Event.objects.get(action="registry.register_downloaded").summary
