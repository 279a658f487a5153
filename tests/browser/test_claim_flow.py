"""A death, from the village to the family's money, in the browser: the village operator reports it on his phone
the day it happens; the office names the widow, uploads the papers, declares them complete and submits the claim
to BPJS (the benefit frozen at Rp42.000.000); the admin records BPJS's approval and the payment; the claims report
then counts the claim paid, the Rupiah paid to families and the days it took."""

from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lindung.claims.models import Claim
from lindung.rules import claims as rules
from tests.browser.conftest import PHONE
from tests.cards.conftest import registered
from tests.conftest import plan_programme
from tests.factories import PDF, pay_bill

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_death_reported_by_the_village_is_paid_and_counted_in_the_report(open_as, users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    programme = plan_programme(users, people=30)
    registered(programme)
    for month in ("2025-01", "2025-02"):
        pay_bill(users, programme, month, date.fromisoformat(f"{month}-10"))
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(PDF)

    village = open_as("desa", **PHONE)
    village.get_by_test_id("home-report-claim").click()
    village.get_by_test_id("find-member").locator("input[name=q]").fill("Ahmad Nelayan")
    village.get_by_test_id("find-member").locator("button").click()
    expect(village.get_by_test_id("members")).not_to_contain_text("Joko Nelayan")  # another kecamatan's fisher
    village.get_by_test_id("members").get_by_role("link", name="Ahmad Nelayan").click()
    form = village.get_by_test_id("report-form")
    form.locator("input[name=kind][value=jkm]").check()
    form.locator("input[name=event_date]").fill("2025-02-20")
    form.locator("input[name=event_place]").fill("Rumah, Bandar Bintuhan")
    form.locator("[name=cause]").fill("Sakit jantung")
    form.locator("input[name=reporter_name]").fill("Siti Aminah")
    form.locator("input[name=reporter_phone]").fill("081234567890")
    form.locator("input[name=reporter_relationship]").fill("Istri")
    form.locator("button[type=submit]").click()
    expect(village.get_by_test_id("claim-name")).to_contain_text("Ahmad Nelayan")
    expect(village.get_by_test_id("family")).to_contain_text("Rp42.000.000")  # what the family may be owed
    expect(village.get_by_test_id("family")).to_contain_text("kematian")  # and the papers to bring
    assert village.evaluate("document.documentElement.scrollWidth") <= 375
    claim = Claim.objects.get()

    office = open_as("operator")
    expect(office.get_by_test_id("home-claim-alerts")).to_be_visible()
    office.get_by_test_id("home-claim-alerts").locator("a").click()
    office.get_by_test_id("claim-alerts").get_by_role("link", name="Ahmad Nelayan").click()
    heir = office.get_by_test_id("heir-form")
    heir.locator("input[name=name]").fill("Siti Aminah")
    heir.locator("select[name=relationship]").select_option("janda")
    heir.locator("button[type=submit]").click()
    expect(office.get_by_test_id("heirs")).to_contain_text("Siti Aminah")
    for document in rules.checklist(claim.kind):
        if document.required:
            row = office.get_by_test_id(f"doc-{document.code}")
            row.locator("input[type=file]").set_input_files(str(scan))
            row.locator("button[type=submit]").click()
            expect(office.get_by_test_id(f"doc-{document.code}")).to_contain_text("✓")
    actions = office.get_by_test_id("claim-actions")
    actions.get_by_role("button", name="Berkas sudah lengkap").click()
    expect(office.get_by_test_id("claim-status")).to_contain_text("Dokumen lengkap")
    office.get_by_test_id("claim-actions").get_by_role("button", name="Ajukan ke BPJS").click()
    expect(office.get_by_test_id("benefit-total")).to_have_text("Rp42.000.000")
    expect(office.get_by_test_id("payable-now")).to_have_text("Rp42.000.000")

    admin = open_as("admin")
    admin.goto(office.url)
    admin.get_by_test_id("claim-actions").get_by_role("button", name="BPJS menyetujui").click()
    pay_form = admin.get_by_test_id("pay-form")
    pay_form.locator("input[name=amount]").fill("Rp42.000.000")
    pay_form.locator("input[name=paid_on]").fill(timezone.localdate().isoformat())
    pay_form.locator("button[type=submit]").click()
    expect(admin.get_by_test_id("claim-status")).to_contain_text("Lunas")
    claim.refresh_from_db()
    assert (claim.status, claim.paid_amount, claim.paid_on) == ("paid", 42_000_000, timezone.localdate())

    admin.get_by_role("link", name="Klaim", exact=True).click()
    admin.get_by_test_id("claims-report-link").click()
    expect(admin.get_by_test_id("paid-claims")).to_have_text("1")
    expect(admin.get_by_test_id("paid-total")).to_have_text("Rp42.000.000")
    days = (timezone.localdate() - date(2025, 2, 20)).days  # reported late: the office found it only now
    expect(admin.get_by_test_id("median-days")).to_have_text(str(days))
