"""lindung.rules.holidays and the due dates, card and claim deadlines that count its working days (DOMAIN.md
section 2), against the SKB 3 Menteri on libur nasional and cuti bersama of each year:

- 2024: SKB Menteri Agama, Menteri Ketenagakerjaan, MenPAN-RB Nomor 855 Tahun 2023, Nomor 3 Tahun 2023, Nomor 4
  Tahun 2023 (17 libur nasional, 10 cuti bersama), and Keppres 10/2024 (14 February, Pemilu) and 33/2024
  (27 November, Pilkada), each a libur nasional;
- 2025: SKB Nomor 1017 Tahun 2024, Nomor 2 Tahun 2024, Nomor 2 Tahun 2024 (17 and 10), amended by SKB Nomor 933
  Tahun 2025, Nomor 1 Tahun 2025, Nomor 3 Tahun 2025 (cuti bersama on 18 August 2025);
- 2026: SKB Nomor 1497 Tahun 2025, Nomor 2 Tahun 2025, Nomor 5 Tahun 2025 (17 and 8);
- 2027: SKB Nomor 1205 Tahun 2026, Nomor 3 Tahun 2026, Nomor 2 Tahun 2026.

The expected dates below are worked out by hand from those lists, not from the shipped file."""

from dataclasses import replace
from datetime import date

import pytest
from lokal import get_holidays

from lindung.rules.cards import Limits, Status, overdue
from lindung.rules.claims import Kind as ClaimKind
from lindung.rules.claims import deadlines
from lindung.rules.contributions import Month, Payer, contribution, due_date, jht_due_date
from lindung.rules.holidays import SHIPPED, Calendar, Holiday, Kind, read_holidays
from lindung.rules.regulation import DEFAULT

CUTI_OPEN = replace(DEFAULT, cuti_bersama_closed=False)

# The day of each month's JKK/JKM due date, January to December: the 15th, or the first working day after it.
DUE_DAYS = {
    # April: Monday 15th cuti bersama Idulfitri. June: Saturday 15th, Monday 17 Iduladha (libur), Tuesday 18 cuti
    # bersama. September: Sunday 15th, Monday 16 Maulid Nabi. SKB 855/2023.
    2024: (15, 15, 15, 16, 15, 19, 15, 15, 17, 15, 15, 16),
    # February, March and November: a Saturday 15th; June a Sunday. No holiday on a 15th. SKB 1017/2024.
    2025: (15, 17, 17, 15, 15, 16, 15, 15, 15, 15, 17, 15),
    # February: Sunday 15th, Monday 16 cuti bersama Imlek, Tuesday 17 Imlek. May: Friday 15th cuti bersama
    # Kenaikan. August: Saturday 15th, Monday 17 Proklamasi. SKB 1497/2025.
    2026: (15, 18, 16, 15, 18, 15, 15, 18, 15, 15, 16, 15),
    # March: Monday 15th cuti bersama Idulfitri. May: Saturday 15th, Monday 17 Iduladha, Tuesday 18 cuti bersama
    # Iduladha, Wednesday 19 cuti bersama and Thursday 20 Waisak. August: Sunday 15th Maulid Nabi. SKB 1205/2026.
    2027: (15, 15, 16, 15, 21, 15, 15, 16, 15, 15, 15, 15),
}
# With cuti bersama a working day (the setting off), these months fall due earlier.
DUE_WHEN_CUTI_OPEN = {Month(2024, 4): 15, Month(2024, 6): 18, Month(2026, 2): 16, Month(2026, 5): 15,
                      Month(2027, 3): 15, Month(2027, 5): 18}

EVERY_MONTH = [Month(year, m) for year in DUE_DAYS for m in range(1, 13)]


@pytest.mark.parametrize("month", EVERY_MONTH, ids=str)
def test_due_date_of_every_month_of_2024_to_2027(month):
    assert due_date(month) == date(month.year, month.month, DUE_DAYS[month.year][month.month - 1])


@pytest.mark.parametrize("month", EVERY_MONTH, ids=str)
def test_cuti_bersama_counts_as_open_when_the_setting_says_so(month):
    expected = DUE_WHEN_CUTI_OPEN.get(month, DUE_DAYS[month.year][month.month - 1])
    assert due_date(month, reg=CUTI_OPEN) == date(month.year, month.month, expected)


def test_the_due_day_is_a_setting():
    # 1 April 2025 is Idulfitri (libur), 2-4 and 7 April cuti bersama, 5-6 a weekend (SKB 1017/2024).
    assert due_date("2025-04", reg=replace(DEFAULT, due_day=1)) == date(2025, 4, 8)
    # A due day past the month's end is its last day: Friday 28 February 2025.
    assert due_date("2025-02", reg=replace(DEFAULT, due_day=31)) == date(2025, 2, 28)


def test_collective_payers_pay_in_the_month_itself_unless_the_setting_says_the_next():
    assert due_date("2024-05", collective=True) == date(2024, 5, 15)
    later = replace(DEFAULT, collective_pays_in_month=False)
    # June 2024's due date: Saturday 15th, Monday 17 Iduladha, Tuesday 18 cuti bersama (SKB 855/2023).
    assert due_date("2024-05", collective=True, reg=later) == date(2024, 6, 19)
    assert contribution("2024-05", Payer.APBD, "petani", reg=later).due_date == date(2024, 6, 19)
    # A worker paying for himself is no collective payer: the month itself.
    assert contribution("2024-05", Payer.MANDIRI, "petani", reg=later).due_date == date(2024, 5, 15)


def test_jht_is_due_on_the_due_day_of_the_following_month():
    assert jht_due_date("2024-08") == date(2024, 9, 17)  # Sunday 15th, Monday 16 Maulid Nabi (SKB 855/2023)
    assert contribution("2024-08", Payer.APBD, "petani", jht=True).jht_due_date == date(2024, 9, 17)


def test_due_dates_are_provisional_only_where_the_calendar_has_no_list():
    assert not any(contribution(m, Payer.APBD, "petani", jht=True).due_dates_provisional
                   for m in EVERY_MONTH[:-1])
    assert contribution("2028-01", Payer.APBD, "petani").due_dates_provisional
    # The office adds 2028's list (one holiday here, for the test): the year is known.
    with_2028 = SHIPPED.plus([Holiday(date(2028, 1, 14), Kind.LIBUR, "Libur uji", "uji")])
    assert not contribution("2028-01", Payer.APBD, "petani", calendar=with_2028).due_dates_provisional


def test_an_added_holiday_moves_the_due_date():
    added = SHIPPED.plus([Holiday(date(2025, 1, 15), Kind.CUTI_BERSAMA, "Cuti uji", "uji")])
    assert due_date("2025-01") == date(2025, 1, 15)
    assert due_date("2025-01", calendar=added) == date(2025, 1, 16)
    assert due_date("2025-01", calendar=added, reg=CUTI_OPEN) == date(2025, 1, 15)


def test_the_decrees_counts_of_libur_nasional_and_cuti_bersama():
    def count(year, kind):
        return sum(1 for h in SHIPPED.holidays if h.day.year == year and h.kind == kind)

    # 17 + 10 per SKB 855/2023, and the two election days of Keppres 10/2024 and 33/2024.
    assert (count(2024, Kind.LIBUR), count(2024, Kind.CUTI_BERSAMA)) == (19, 10)
    # 17 + 10 per SKB 1017/2024, and 18 August of SKB 933/2025.
    assert (count(2025, Kind.LIBUR), count(2025, Kind.CUTI_BERSAMA)) == (17, 11)
    assert (count(2026, Kind.LIBUR), count(2026, Kind.CUTI_BERSAMA)) == (17, 8)  # SKB 1497/2025
    assert SHIPPED.years >= {2024, 2025, 2026, 2027}


@pytest.mark.parametrize("year", [2026, 2027])
def test_the_2026_and_2027_lists_agree_with_lokal_id(year):
    kinds = {"libur_nasional": Kind.LIBUR, "cuti_bersama": Kind.CUTI_BERSAMA}
    theirs = {(date.fromisoformat(h.date), kinds[h.type]) for h in get_holidays(year).holidays}
    assert {(h.day, h.kind) for h in SHIPPED.holidays if h.day.year == year} == theirs


def test_card_deadlines_skip_the_2024_and_2025_holidays():
    # At the village from Friday 5 April 2024: 8, 9, 12 and 15 April cuti bersama, 10-11 Idulfitri (SKB
    # 855/2023); the 3 working days are 16, 17 and 18 April.
    since = date(2024, 4, 5)
    assert not overdue(Status.AT_VILLAGE, since, date(2024, 4, 18), Limits())
    assert overdue(Status.AT_VILLAGE, since, date(2024, 4, 19), Limits())
    # With cuti bersama open: 8, 9 and 12 April.
    assert overdue(Status.AT_VILLAGE, since, date(2024, 4, 15), Limits(), reg=CUTI_OPEN)
    # At the camat from Wednesday 26 March 2025: 7 working days are 27 March and 8-15 April, past Nyepi's cuti
    # bersama (28 March), Idulfitri (31 March, 1 April) and its cuti bersama (2-4, 7 April) (SKB 1017/2024).
    since = date(2025, 3, 26)
    assert not overdue(Status.AT_CAMAT, since, date(2025, 4, 15), Limits())
    assert overdue(Status.AT_CAMAT, since, date(2025, 4, 16), Limits())


@pytest.mark.parametrize(("kind", "submitted", "paid_by"), [
    # JKK, 7 working days from Friday 14 June 2024: 17 June Iduladha, 18 June cuti bersama (SKB 855/2023).
    (ClaimKind.JKK_INJURY, date(2024, 6, 14), date(2024, 6, 27)),
    # JKM, 3 working days from Tuesday 26 November 2024: 27 November Pilkada (Keppres 33/2024).
    (ClaimKind.JKM, date(2024, 11, 26), date(2024, 12, 2)),
    # JKM from Thursday 27 March 2025: Nyepi, Idulfitri and their cuti bersama to 7 April (SKB 1017/2024).
    (ClaimKind.JKM, date(2025, 3, 27), date(2025, 4, 10)),
    # JKM from Friday 15 August 2025: 17 August Proklamasi (a Sunday), 18 August cuti bersama (SKB 933/2025).
    (ClaimKind.JKM, date(2025, 8, 15), date(2025, 8, 21)),
])
def test_claim_payment_deadlines_skip_the_2024_and_2025_holidays(kind, submitted, paid_by):
    assert deadlines(kind, submitted, submitted_on=submitted).payment == paid_by


def test_claim_payment_deadline_with_cuti_bersama_open():
    # 18 June 2024 then counts: 18, 19, 20, 21, 24, 25, 26 June.
    assert deadlines(ClaimKind.JKK_INJURY, date(2024, 6, 14), submitted_on=date(2024, 6, 14),
                     reg=CUTI_OPEN).payment == date(2024, 6, 26)


def test_a_year_without_a_list_skips_only_weekends():
    empty = Calendar(())
    assert not empty.knows(2024)
    assert empty.next_working_day(date(2024, 4, 15)) == date(2024, 4, 15)
    assert SHIPPED.next_working_day(date(2024, 4, 15)) == date(2024, 4, 16)


def test_reading_a_holiday_file_names_the_line_and_column_of_a_mistake():
    rows = ["date,kind,name,decree", "2028-01-01,libur,Tahun Baru 2028 Masehi,SKB uji"]
    assert read_holidays(rows) == [Holiday(date(2028, 1, 1), Kind.LIBUR, "Tahun Baru 2028 Masehi", "SKB uji")]
    with pytest.raises(ValueError, match="Baris 1: kolom harus date,kind,name,decree"):
        read_holidays(["tanggal,jenis,nama,dasar", *rows[1:]])
    with pytest.raises(ValueError, match="Baris 3, kolom date: '2028-02-30'"):
        read_holidays([*rows, "2028-02-30,libur,Uji,SKB uji"])
    with pytest.raises(ValueError, match="Baris 2, kolom kind: 'libur_nasional'"):
        read_holidays([rows[0], "2028-01-01,libur_nasional,Uji,SKB uji"])
    with pytest.raises(ValueError, match="Baris 2, kolom decree: kosong"):
        read_holidays([rows[0], "2028-01-01,libur,Uji,"])
