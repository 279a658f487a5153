"""The office's holidays: `lindung holidays list|add|import`, audited, only by the Admin Dinas, and counted by the
due dates the apps compute (DOMAIN.md section 2)."""

import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from lindung.audit.models import Event
from lindung.payments import services as bills
from lindung.payments.protection import latest_due_month
from lindung.regulation.models import AddedHoliday, SettingChange
from lindung.regulation.selectors import calendar
from lindung.rules.contributions import Month
from lindung.rules.holidays import Kind
from tests.factories import run


def holidays(*args, user="admin"):
    out = io.StringIO()
    call_command("holidays", *args, *(["--user", user] if user else []), stdout=out)
    return out.getvalue()


def test_an_added_holiday_is_audited_and_moves_the_bills_due_date(users, planned):
    # A holiday for the test on Wednesday 15 January 2025, otherwise a working day (SKB 1017/2024).
    said = holidays("add", "2025-01-15", "--kind", "cuti_bersama", "--name", "Cuti uji", "--decree", "SKB uji")
    assert "1 hari libur ditambahkan, 0 sudah ada" in said
    added = AddedHoliday.objects.get()
    assert (added.day, added.kind, added.added_by) == (date(2025, 1, 15), Kind.CUTI_BERSAMA, users["admin"])
    event = Event.objects.get(action="regulation.holidays_added")
    assert event.actor == users["admin"] and "2025-01-15" in event.summary
    bill = bills.generate_bill(users["operator"], run(planned), "2025-01").bill
    assert bill.due_date == date(2025, 1, 16)


def test_only_the_admin_dinas_adds_holidays(users):
    with pytest.raises(CommandError, match="Admin Dinas"):
        holidays("add", "2025-01-15", "--kind", "libur", "--name", "Uji", "--decree", "SKB uji", user="operator")
    assert not AddedHoliday.objects.exists() and not Event.objects.filter(action="regulation.holidays_added")


def test_importing_a_years_list_leaves_out_the_days_the_calendar_has(users, tmp_path):
    csv = tmp_path / "libur-2028.csv"
    csv.write_text("date,kind,name,decree\n"
                   "2028-01-01,libur,Tahun Baru 2028 Masehi,SKB uji\n"
                   "2025-08-18,cuti_bersama,Hari Ulang Tahun ke-80 Kemerdekaan RI,SKB 933/2025\n", encoding="utf-8")
    assert not calendar().knows(2028)
    assert "1 hari libur ditambahkan, 1 sudah ada" in holidays("import", str(csv))
    assert calendar().knows(2028) and AddedHoliday.objects.count() == 1


def test_a_file_with_a_mistake_adds_nothing_and_names_the_line(users, tmp_path):
    csv = tmp_path / "libur.csv"
    csv.write_text("date,kind,name,decree\n2028-01-01,libur,Tahun Baru,SKB uji\n2028-13-01,libur,Uji,SKB uji\n")
    with pytest.raises(CommandError, match="Baris 3, kolom date"):
        holidays("import", str(csv))
    assert not AddedHoliday.objects.exists()


def test_the_list_shows_the_shipped_and_the_added_holidays(users):
    holidays("add", "2028-01-03", "--kind", "libur", "--name", "Libur uji", "--decree", "SKB uji")
    listed = json.loads(holidays("list", "--year", "2028", "--json", user=None))
    assert listed == [{"date": "2028-01-03", "kind": "libur", "name": "Libur uji", "decree": "SKB uji"}]
    text = holidays("list", "--year", "2025", user=None)
    assert "2025-08-18  cuti bersama" in text and "SKB Nomor 933 Tahun 2025" in text


def test_the_api_lists_a_years_holidays(client, users):
    holidays("add", "2028-01-03", "--kind", "libur", "--name", "Libur uji", "--decree", "SKB uji")
    assert client.get("/api/holidays").status_code == 401
    client.force_login(users["camat"])
    listed = client.get("/api/holidays", {"year": 2025}).json()
    assert {"date": "2025-08-18", "kind": "cuti_bersama", "name": "Hari Ulang Tahun ke-80 Kemerdekaan Republik "
            "Indonesia", "decree": "SKB Nomor 933 Tahun 2025; Nomor 1 Tahun 2025; Nomor 3 Tahun 2025 (perubahan)"} in listed
    assert len(listed) == 28 and [h["date"] for h in listed] == sorted(h["date"] for h in listed)
    assert client.get("/api/holidays", {"year": 2028}).json() == [
        {"date": "2028-01-03", "kind": "libur", "name": "Libur uji", "decree": "SKB uji"}]


def test_the_status_of_every_page_counts_the_offices_holidays_and_due_day(users):
    """The stored protection (payments.protection: the dashboards, lists and exports) asks which months are due by
    the settings in force and the office's closed days, as the coverage engine does (PP 44/2015 Ps 22)."""
    assert latest_due_month(date(2025, 1, 16)) == Month(2025, 1)  # due Wednesday the 15th
    holidays("add", "2025-01-15", "--kind", "libur", "--name", "Libur daerah", "--decree", "SK Bupati uji")
    assert latest_due_month(date(2025, 1, 16)) == Month(2024, 12)  # due on the 16th: not yet in arrears on it
    SettingChange.objects.create(name="due_day", value=10, effective_from=date(2025, 1, 1), reason="uji",
                                 changed_by=users["admin"])
    assert latest_due_month(date(2025, 1, 11)) == Month(2025, 1)  # due Friday the 10th
