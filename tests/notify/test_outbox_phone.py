"""The outbox on a phone (375 px): from the hand-over page the operator opens the outbox of its notices, sees them
held (queued too long ago) with what they cost in SMS, ticks them all and sends them anyway after the
confirmation; nothing on the page is wider than the phone."""

from datetime import date, datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lindung.notify import services as outbox
from lindung.notify.models import Message
from lindung.selfpay import services as selfpay
from tests.browser.conftest import PHONE, browser_type_launch_args, open_as  # noqa: F401 (fixtures)
from tests.factories import with_phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_operator_reviews_the_held_notices_on_a_phone(open_as, live_server, users, funded,  # noqa: F811
                                                          settings, tmp_path, monkeypatch):
    settings.LINDUNG_OUTBOX_FILE = tmp_path / "outbox.jsonl"
    monkeypatch.setattr(outbox, "current_day", lambda: date(2025, 3, 20))  # before the lapse date
    selfpay.prepare_messages(users["operator"], funded)
    Message.objects.update(created=timezone.make_aware(datetime(2025, 1, 20, 9)))  # 59 days before
    outbox.send_queued(users["operator"], "selfpay", funded.code)
    n = with_phone(funded)
    assert Message.objects.filter(status=Message.Status.HELD).count() == n

    page = open_as("operator", **PHONE)
    page.goto(f"{live_server.url}/program/{funded.code}/iuran/serah-terima/")
    page.get_by_test_id("outbox-link").click()
    held = page.get_by_test_id("held")
    expect(held).to_contain_text(f"{n} pesan ditahan untuk ditinjau")
    expect(held).to_contain_text("Disiapkan 59 hari lalu")
    expect(page.get_by_test_id("parts-held")).to_contain_text(f"{n} bagian SMS")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # nothing wider than the phone
    page.screenshot(path=str(tmp_path / "outbox-phone.png"), full_page=True)

    held.get_by_role("button", name="Centang semua yang tampil").click()
    held.get_by_role("button", name="Tetap kirim").click()  # the confirmation is accepted
    expect(page.locator("p.msg").first).to_contain_text(f"{n} terkirim")
    assert set(Message.objects.values_list("status", flat=True)) == {Message.Status.SENT}
    assert len(settings.LINDUNG_OUTBOX_FILE.read_text().splitlines()) == n
