"""The APBD-P in the browser (issue 15, item 2): a 2026 programme funded January-June for its six workers; the
office operator previews the revision that extends it to December for everyone and saves it as plan version 2;
the admin approves it; July's bill follows version 2. Then a cut from August: three of the six lose cover, the
admin approves, and the hand-over notices of those three are queued.

Rp16.800 per person per month. January-June for six: Rp604.800. To December for six: Rp1.209.600. The cut:
January-July for six is fixed (Rp705.600), and Rp252.000 more pays August-December for three (Rp957.600)."""

import re

import pytest
from playwright.sync_api import expect

from lindung.notify.models import Message
from lindung.payments import services as payments
from lindung.rules.contributions import Month
from tests.factories import JAN, JUN, pay_months, programme_2026

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def compare(page, base, code, month, budget, reason):
    page.goto(f"{base}/program/{code}/")
    page.get_by_test_id("revise").click()
    form = page.get_by_test_id("revision-form")
    form.get_by_label("Mulai bulan").fill(month)
    form.get_by_label("Pagu baru, Rp").fill(budget)
    form.get_by_label("Alasan").fill(reason)
    form.get_by_role("button", name="Bandingkan skenario").click()


def test_the_apbd_p_extends_the_programme_then_a_cut_queues_notices(open_as, live_server, users):
    programme = programme_2026(users, 6 * 6 * 16_800)  # everyone January-June
    pay_months(users, programme, JAN, JUN)
    base, code = live_server.url, programme.code

    # The operator previews the APBD-P: everyone to December.
    operator = open_as("operator")
    compare(operator, base, code, "2026-07", "1.209.600", "APBD-P 2026")
    everyone = operator.get_by_test_id("revision-everyone")
    expect(everyone.get_by_test_id("fixed")).to_have_text("Rp604.800")
    expect(everyone.get_by_test_id("cost")).to_have_text("Rp1.209.600")
    expect(everyone.get_by_test_id("gaining")).to_have_text("6")
    expect(everyone.get_by_test_id("losing")).to_have_text("0")
    everyone.get_by_role("button", name="Simpan sebagai versi draf").click()
    expect(operator.get_by_test_id("plan-version")).to_contain_text("Versi rencana 2")
    expect(operator.get_by_test_id("plan-version")).to_contain_text("draf")
    expect(operator.get_by_test_id("revision-reason")).to_have_text("APBD-P 2026")
    expect(operator.get_by_test_id("approve-revision")).to_have_count(0)  # not by its author
    version_2 = operator.url

    # Another admin approves it; the programme's plan is version 2, version 1 still listed.
    admin = open_as("admin")
    admin.goto(version_2)
    admin.get_by_test_id("approve-revision").get_by_role("button").click()
    expect(admin).to_have_url(re.compile(rf"/program/{code}/$"))
    versions = admin.get_by_test_id("plan-versions")
    expect(versions.locator("tr", has_text="v2")).to_contain_text("berlaku")
    expect(versions.locator("tr", has_text="v1")).to_contain_text("Rp604.800")
    expect(admin.get_by_test_id("programme-facts")).to_contain_text("Rp1.209.600")

    # July's bill follows version 2: all six.
    operator.goto(f"{base}/program/{code}/")
    operator.get_by_role("link", name="Tagihan bulanan").click()
    form = operator.get_by_test_id("generate-form")
    form.get_by_label("Bulan iuran").fill("2026-07")
    form.get_by_role("button", name="Buat tagihan bulan ini").click()
    expect(operator.get_by_test_id("bill-total")).to_have_text("Rp100.800")
    bill = payments.approve_bill(users["admin"], programme.bills.get(month=Month(2026, 7).first_day), note="uji")
    payments.record_payment(users["admin"], bill, "SP2D/2026-07", Month(2026, 7).first_day.replace(day=10), bill.total)

    # A cut from August: the months for fewer people; three lose cover after July.
    compare(operator, base, code, "2026-08", "957.600", "APBD-P 2026: pemotongan")
    full = operator.get_by_test_id("revision-full_year")
    expect(full.get_by_test_id("losing")).to_have_text("3")
    expect(full.get_by_test_id("lapse-dates")).to_contain_text("1 November 2026: 3")
    full.get_by_role("button", name="Simpan sebagai versi draf").click()
    expect(operator.get_by_test_id("plan-version")).to_contain_text("Versi rencana 3")
    expect(operator.get_by_test_id("losing-lines").locator("tbody tr")).to_have_count(3)

    admin.goto(operator.url)
    admin.get_by_test_id("approve-revision").get_by_role("button").click()
    expect(admin.get_by_test_id("plan-versions").locator("tr", has_text="v3")).to_contain_text("berlaku")
    admin.get_by_role("link", name="Serah terima ke kepesertaan mandiri").click()
    expect(admin.get_by_test_id("outbox-counts")).to_contain_text("Dalam antrean: 3")
    notices = Message.objects.filter(about=code)
    assert notices.count() == 3 and all("Jul 2026" in m.text for m in notices)
