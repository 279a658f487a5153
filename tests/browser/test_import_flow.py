"""A clerk uploads a P3KE file with planted mistakes, watches it being checked, reads the report;
another admin approves it."""

import re

import pytest
from playwright.sync_api import Page, expect

from lindung.accounts.demo import ensure_demo_users
from lindung.pipeline.samples import p3ke_individu, write_xlsx
from lindung.registry.demo import generate_workers, villages_of
from lindung.registry.models import ImportBatch, Peserta
from lindung.wilayah.services import load_regency
from tests.browser.conftest import log_in, run_queued_jobs
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_watch_report_and_approve(page: Page, live_server, settings, tmp_path):
    settings.LINDUNG_PROGRAMME_START = "2025-01-01"
    load_regency("17.04")
    ensure_demo_users("17.04", PASSWORD)
    villages = villages_of("17.04")
    people = generate_workers(villages, 12, 5, other_kecamatan=[])
    people[2] = dict(people[2], nik=people[2]["nik"][:14])  # row 4: a short NIK
    people[5] = dict(people[5], desa_id="17.01.01.2001")  # row 7: a village of another regency
    path = write_xlsx(p3ke_individu(people), tmp_path / "P3KE Kaur individu.xlsx", title_rows=["DATA P3KE KAUR"])
    page.set_default_timeout(20_000)

    log_in(page, live_server.url, "operator")
    page.get_by_role("link", name="Impor").first.click()
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name=re.compile("Unggah")).click()
    expect(page.get_by_test_id("import-progress")).to_be_visible()  # queued: the page polls for progress

    run_queued_jobs()
    expect(page.get_by_test_id("import-report")).to_be_visible()  # the poll brought the report
    expect(page.get_by_test_id("import-progress")).to_have_count(0)
    page.reload()
    findings = page.get_by_test_id("findings")
    expect(findings.locator("tbody tr")).to_have_count(2)
    expect(findings).to_contain_text("16 digit")
    expect(findings.locator("tbody tr").first).to_contain_text("4")
    expect(findings).to_contain_text("Kode Kemdagri")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("xlsx")).click()
    assert download.value.suggested_filename.endswith(".xlsx")
    expect(page.get_by_role("button", name=re.compile("Setujui"))).to_have_count(0)  # not the uploader's call
    page.get_by_role("button", name="Keluar").click()

    log_in(page, live_server.url, "admin")
    batch = ImportBatch.objects.get()
    page.goto(f"{live_server.url}/peserta/impor/{batch.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())  # the confirmation before an irreversible write
    page.get_by_role("button", name=re.compile("Setujui")).click()
    expect(page.locator(".msg").first).to_contain_text("10")
    assert Peserta.objects.count() == 10
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED and batch.decided_by.username == "admin"
