"""The "Regulation settings" page: the Admin Dinas changes an open rule from a day on, audited; a change never
reaches back; everyone else reads; the API says what is in force on a day."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lindung.audit.models import Event
from lindung.payments.models import Protection
from lindung.regulation.models import SettingChange
from lindung.regulation.selectors import ABOUT, regulation_on
from lindung.rules.regulation import DEFAULT, LapseDay, Regulation

pytestmark = pytest.mark.django_db
URL = "/regulasi/"


def test_every_setting_is_described_on_the_page(client, users):
    client.force_login(users["admin"])
    page = client.get(URL).content.decode()
    for name in Regulation.__dataclass_fields__:
        assert name in ABOUT, f"rules.regulation.Regulation.{name} has no label on the settings page"
        assert f'data-setting="{name}"' in page and f'/regulasi/{name}/ubah/' in page


def test_a_change_holds_from_its_day_on_and_is_audited(client, users):
    today = timezone.localdate()
    client.force_login(users["admin"])
    answer = client.post(f"{URL}prepay_max_months/ubah/", {
        "prepay_max_months-value": "6", "prepay_max_months-effective_from": (today + timedelta(days=1)).isoformat(),
        "prepay_max_months-reason": "Surat BPJS 12/2026"})
    assert answer.status_code == 302
    assert regulation_on(today).prepay_max_months == 12  # today is decided under the old rule
    assert regulation_on(today + timedelta(days=1)).prepay_max_months == 6
    event = Event.objects.get(action="regulation.setting_changed")
    assert event.actor == users["admin"] and "12 -> 6" in event.summary
    page = client.get(URL).content.decode()
    assert "Surat BPJS 12/2026" in page and "1 perubahan" in page


def test_the_lapse_day_holds_from_today_and_rebuilds_every_members_stored_protection(client, users, funded):
    """payments.Protection keeps each member's lapse date under the settings of the day it was built: changing the
    lapse day (or where cover starts) rebuilds it at once, so it cannot be dated later."""
    today = timezone.localdate()
    client.force_login(users["admin"])
    before = dict(Protection.objects.values_list("membership_id", "lapse_on"))
    later = client.post(f"{URL}lapse_day/ubah/", {"lapse_day-value": "after_due", "lapse_day-reason": "x",
                                                   "lapse_day-effective_from": (today + timedelta(days=1)).isoformat()})
    assert later.status_code == 400 and "berlaku mulai hari ini" in later.content.decode()
    assert client.post(f"{URL}lapse_day/ubah/", {"lapse_day-value": "after_due", "lapse_day-reason": "Surat BPJS",
                                                 "lapse_day-effective_from": today.isoformat()}).status_code == 302
    assert regulation_on(today).lapse_day is LapseDay.AFTER_DUE
    after = dict(Protection.objects.values_list("membership_id", "lapse_on"))
    assert before.keys() == after.keys() and all(after[pk] > before[pk] for pk in before)  # after the 4th due date


def test_a_change_dated_in_the_past_is_refused_and_nothing_is_stored(client, users):
    client.force_login(users["admin"])
    answer = client.post(f"{URL}due_day/ubah/", {"due_day-value": "10", "due_day-reason": "coba",
                                                  "due_day-effective_from": "2025-01-01"})
    assert answer.status_code == 400 and "tidak pernah mengubah yang sudah diputuskan" in answer.content.decode()
    assert not SettingChange.objects.exists()


def test_the_income_tiers_are_typed_the_indonesian_way_and_a_bad_line_is_named(client, users):
    today = timezone.localdate().isoformat()
    client.force_login(users["admin"])
    bad = client.post(f"{URL}income_tiers/ubah/", {"income_tiers-value": "1.000.000; 10.000; 20.000\n2 juta; 20.000",
                                                    "income_tiers-effective_from": today, "income_tiers-reason": "x"})
    assert bad.status_code == 400 and "Baris 2" in bad.content.decode()
    good = client.post(f"{URL}income_tiers/ubah/", {
        "income_tiers-value": "1.000.000; 10.000; 20.000\r\nRp2.000.000; 20.000; 40.000",
        "income_tiers-effective_from": today, "income_tiers-reason": "Daftar tingkat upah BPJS"})
    assert good.status_code == 302
    assert regulation_on().income_tiers == ((1_000_000, 10_000, 20_000), (2_000_000, 20_000, 40_000))
    assert "Rp2.000.000; Rp20.000; Rp40.000" in client.get(URL).content.decode()


def test_the_disability_table_and_the_aid_caps_are_typed_line_by_line_and_edited_from_what_is_in_force(client, users):
    """PP 82/2019 Lampiran III's two tables: the office types them; a bad line or a code twice is named."""
    today = timezone.localdate().isoformat()
    client.force_login(users["admin"])
    assert "belum diisi" in client.get(URL).content.decode()
    post = lambda name, value: client.post(f"{URL}{name}/ubah/", {  # noqa: E731
        f"{name}-value": value, f"{name}-effective_from": today, f"{name}-reason": "PP 82/2019 Lampiran III"})
    bad = post("disability_parts", "ibu-jari; Ibu jari; 15\nibu jari kiri; Ibu jari kiri; 12")
    assert bad.status_code == 400 and "Baris 2" in bad.content.decode()
    twice = post("disability_parts", "ibu-jari; Ibu jari; 15\nIBU-JARI; Ibu jari lagi; 12")
    assert twice.status_code == 400 and "ibu-jari" in twice.content.decode()
    assert post("disability_parts", "a-1; Bagian A; 150").status_code == 400
    assert post("disability_parts", "Ibu-Jari; Ibu jari; 15\r\ntelunjuk; Telunjuk; 2,5%").status_code == 302
    assert post("aid_caps", "kacamata; Kacamata; Rp1.000.000").status_code == 302
    reg = regulation_on()
    assert reg.disability_parts == (("ibu-jari", "Ibu jari", "15"), ("telunjuk", "Telunjuk", "2.5"))
    assert reg.aid_caps == (("kacamata", "Kacamata", 1_000_000),)
    page = client.get(URL).content.decode()
    assert "Telunjuk (telunjuk): 2,5%" in page and "Kacamata (kacamata): Rp1.000.000" in page
    assert "ibu-jari; Ibu jari; 15\ntelunjuk; Telunjuk; 2,5</textarea>" in page  # the form starts from the table


@pytest.mark.parametrize("username", ["camat", "bpjs", "auditor"])
def test_other_roles_read_the_settings_and_cannot_change_them(client, users, username):
    client.force_login(users[username])
    page = client.get(URL)
    assert page.status_code == 200 and "Hanya Admin Dinas" in page.content.decode() and "/ubah/" not in page.content.decode()
    answer = client.post(f"{URL}due_day/ubah/", {"due_day-value": "10", "due_day-reason": "x",
                                                  "due_day-effective_from": timezone.localdate().isoformat()})
    assert answer.status_code == 403 and regulation_on().due_day == DEFAULT.due_day


def test_the_api_says_the_settings_in_force_on_a_day(client, users):
    tomorrow = timezone.localdate() + timedelta(days=1)
    SettingChange.objects.create(name="prepay_max_months", value=6, effective_from=tomorrow, reason="x",
                                 changed_by=users["admin"])
    client.force_login(users["camat"])
    today = client.get("/api/regulation").json()
    later = client.get(f"/api/regulation?day={tomorrow.isoformat()}").json()
    assert today["settings"]["prepay_max_months"] == 12 and later["settings"]["prepay_max_months"] == 6
    assert later["version"].startswith("PP 44/2015 jo.") and "Desember 2026" in later["version"] and later["day"] == tomorrow.isoformat()
