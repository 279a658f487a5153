"""lindung.rules.nik: examples for every finding code, then properties."""

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lindung.rules.nik import Finding, check_against, make_nik, mask_nik, parse_nik

TODAY = date(2025, 6, 1)
MAN = "1704050508950001"  # Kaur Selatan, 05-08-1995, male, serial 0001
WOMAN = "1704054508950001"  # same, day 05 + 40


def parse(value, **kwargs):
    kwargs.setdefault("today", TODAY)
    return parse_nik(value, **kwargs)


def codes(info):
    return [f.code for f in info.errors]


def only_error(value, code, **kwargs):
    info = parse(value, **kwargs)
    assert codes(info) == [code]
    assert not info.valid
    return info.errors[0]


# --- valid NIKs ---------------------------------------------------------------


def test_male():
    info = parse(MAN)
    assert info.valid
    assert (info.nik, info.province_code, info.regency_code, info.kecamatan_code) == (
        MAN, "17", "17.04", "17.04.05"
    )
    assert (info.birth_date, info.sex, info.serial) == (date(1995, 8, 5), "L", "0001")
    assert info.errors == info.warnings == ()


def test_female_day_plus_40():
    info = parse(WOMAN)
    assert info.valid
    assert (info.birth_date, info.sex) == (date(1995, 8, 5), "P")


@pytest.mark.parametrize("day_field, day, sex", [("01", 1, "L"), ("31", 31, "L"),
                                                 ("41", 1, "P"), ("71", 31, "P")])
def test_day_field_bounds(day_field, day, sex):
    info = parse(f"170405{day_field}01950001")
    assert info.valid
    assert (info.birth_date, info.sex) == (date(1995, 1, day), sex)


@pytest.mark.parametrize("value", [
    "  1704054508950001\n",
    "1704 0545 0895 0001",
    "17.04.05.450895.0001",
    "1704\u00a005450895\t0001",  # non-breaking space from a web page
])
def test_separators_and_surrounding_whitespace_are_removed(value):
    info = parse(value)
    assert info.valid
    assert info.nik == WOMAN


@pytest.mark.parametrize("nik, kecamatan", [
    ("6501014508950001", "65.01.01"),  # Kalimantan Utara, split from Kalimantan Timur in 2012
    ("9501014508950001", "95.01.01"),  # Papua Pegunungan (2022)
    ("9301014508950001", "93.01.01"),  # Papua Selatan (2022)
    ("9601014508950001", "96.01.01"),  # Papua Barat Daya (2022)
])
def test_newer_provinces_are_known(nik, kecamatan):
    info = parse(nik)
    assert info.valid
    assert info.kecamatan_code == kecamatan
    assert info.warnings == ()


def test_today_defaults_to_the_real_date():
    assert parse_nik(MAN).birth_date == date(1995, 8, 5)


# --- century ------------------------------------------------------------------


@pytest.mark.parametrize("yymmdd_field, today, born", [
    ("050805", date(2025, 6, 1), date(2005, 8, 5)),  # a child, not someone born in 1905
    ("050825", date(2025, 6, 1), date(1925, 8, 5)),  # 2025-08-05 is still ahead
    ("010625", date(2025, 6, 1), date(2025, 6, 1)),  # born today
    ("020625", date(2025, 6, 1), date(1925, 6, 2)),  # tomorrow in 2025 -> 1925
    ("050899", date(2025, 6, 1), date(1999, 8, 5)),
    ("010100", date(2025, 6, 1), date(2000, 1, 1)),
])
def test_century_pivot(yymmdd_field, today, born):
    dd, mm, yy = yymmdd_field[:2], yymmdd_field[2:4], yymmdd_field[4:]
    assert parse(f"170405{dd}{mm}{yy}0001", today=today).birth_date == born


# --- leap years ---------------------------------------------------------------


@pytest.mark.parametrize("nik, born", [
    ("1704052902960001", date(1996, 2, 29)),
    ("1704052902000001", date(2000, 2, 29)),  # 2000 is a leap year (divisible by 400)
    ("1704056902040001", date(2004, 2, 29)),  # woman: 29 + 40
])
def test_feb_29_in_leap_year(nik, born):
    info = parse(nik)
    assert info.valid
    assert info.birth_date == born


@pytest.mark.parametrize("nik", ["1704052902950001", "1704052902010001", "1704056902970001"])
def test_feb_29_in_non_leap_year(nik):
    finding = only_error(nik, "nik_date")
    assert "tidak ada di kalender" in finding.message
    assert "29-02-" in finding.message
    assert "+ 40" in finding.message


# --- errors -------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", "   ", "\t\n", "-", " - ", "--", ".", float("nan")])
def test_empty(value):
    finding = only_error(value, "nik_empty")
    assert "NIK kosong" in finding.message


@pytest.mark.parametrize("value", [
    1.70405450895e15,
    1704054508950000.0,
    "1.70405450895E+15",
    "1,70405E+15",  # Indonesian locale: decimal comma
    "1.70405e15",
    "1704054508950001.0",
    "1704054508950001,00",
    "1,704,054,508,950,000",
    "1.704.054.508.950.000",  # Indonesian locale thousands separator
    " 1.70405450895E+15 ",
    170405450895000,
])
def test_number_cell(value):
    message = only_error(value, "nik_number_cell").message
    assert "angka di Excel" in message
    assert "15 digit" in message
    assert "Teks" in message and "ketik ulang" in message


def test_number_cell_16_digit_int_says_it_is_still_a_number():
    message = only_error(1704054508950001, "nik_number_cell").message
    assert "(1704054508950001)" in message
    assert "Walaupun terlihat 16 digit" in message
    assert "Teks" in message


def test_number_cell_short_int_has_no_16_digit_caveat():
    assert "Walaupun" not in only_error(170405450895000, "nik_number_cell").message


@pytest.mark.parametrize("value, char, position", [
    ("17O4054508950001", "'O'", 3),
    ("1704-0545-0895-0001", "'-'", 5),
    ("NIK 1704054508950001", "'N'", 1),
    ("'1704054508950001", "'''", 1),  # Excel's text-prefix apostrophe, pasted literally
    ("17040545089500l1", "'l'", 15),
    ("1704054508950001x", "'x'", 17),
    ("1704\u200b054508950001", "U+200B", 5),
    ("\u0661" * 16, "'\u0661'", 1),  # Arabic-Indic digits are not NIK digits
    ("True", "'T'", 1),
])
def test_not_digits_names_the_first_offending_character(value, char, position):
    message = only_error(value, "nik_not_digits").message
    assert "hanya boleh berisi angka" in message
    assert f"{char} di posisi ke-{position}." in message


def test_not_digits_hints_at_letter_o():
    assert "tertukar dengan angka 0/1" in only_error("17O4054508950001", "nik_not_digits").message


def test_bool_is_not_a_number_cell():
    only_error(True, "nik_not_digits")


@pytest.mark.parametrize("value, count", [
    ("170405450895001", 15),
    ("17040545089500011", 17),
    ("1704 0545 0895 001", 15),
    ("1", 1),
    ("0", 1),
])
def test_length(value, count):
    finding = only_error(value, "nik_length")
    assert finding.message == f"NIK harus 16 digit, yang diisi {count} digit."


def test_length_example_message():
    assert only_error("170405450895000", "nik_length").message == (
        "NIK harus 16 digit, yang diisi 15 digit."
    )


@pytest.mark.parametrize("day_field", ["00", "32", "35", "40", "72", "99"])
def test_impossible_day_field(day_field):
    info = parse(f"170405{day_field}08950001")
    assert codes(info) == ["nik_date"]
    message = info.errors[0].message
    assert f"Angka tanggal lahir di NIK (digit ke-7 dan 8) adalah {day_field}" in message
    assert "41-71 untuk perempuan (tanggal lahir + 40)" in message
    assert info.birth_date is None and info.sex is None


@pytest.mark.parametrize("month", ["00", "13", "99"])
def test_impossible_month(month):
    message = only_error(f"17040505{month}950001", "nik_date").message
    assert f"Bulan lahir di NIK (digit ke-9 dan 10) adalah {month}, harus 01-12." == message


def test_impossible_day_and_month_are_both_reported():
    info = parse("1704053513950001")
    assert codes(info) == ["nik_date", "nik_date"]
    assert "tanggal" in info.errors[0].message and "Bulan" in info.errors[1].message


@pytest.mark.parametrize("nik, shown", [
    ("1704053102950001", "31-02-1995"),
    ("1704053104950001", "31-04-1995"),
    ("1704057106950001", "31-06-1995"),  # woman: 71 = 31 + 40
])
def test_day_not_in_month(nik, shown):
    message = only_error(nik, "nik_date").message
    assert f"({shown}) tidak ada di kalender" in message
    assert "40" in message


def test_day_not_in_month_for_a_woman_explains_the_offset():
    message = only_error("1704057106950001", "nik_date").message
    assert "angka tanggal 71 = tanggal 31 + 40 karena perempuan" in message


def test_future_birth_date():
    # Only reachable when `today` is before 19YY, e.g. a machine clock set far back.
    finding = only_error("1704050512990001", "nik_future", today=date(1999, 1, 1))
    assert finding.message == (
        "Tanggal lahir di NIK (05-12-1999) ada di masa depan (hari ini 01-01-1999)."
    )


def test_serial_0000():
    info = parse("1704054508950000")
    assert codes(info) == ["nik_serial"]
    assert "0000" in info.errors[0].message and "0001" in info.errors[0].message
    assert info.serial == "0000"
    assert info.birth_date == date(1995, 8, 5)  # the rest is still parsed


def test_several_errors_at_once():
    assert codes(parse("1704050013950000")) == ["nik_date", "nik_date", "nik_serial"]


# --- region warnings ----------------------------------------------------------


@pytest.mark.parametrize("kecamatan", ["01", "05", "15"])
def test_kaur_kecamatan_known(kecamatan):
    assert parse(f"1704{kecamatan}4508950001").warnings == ()


def test_unknown_kecamatan_is_a_warning_not_an_error():
    info = parse("1704994508950001")
    assert info.valid
    [warning] = info.warnings
    assert (warning.code, warning.severity) == ("nik_region_unknown", "warning")
    assert "Kode kecamatan 17.04.99" in warning.message
    assert "pemekaran" in warning.message


def test_unknown_province_is_named():
    info = parse("9999994508950001")
    assert info.valid
    assert info.kecamatan_code == "99.99.99"
    [warning] = info.warnings
    assert (warning.code, warning.severity) == ("nik_region_unknown", "warning")
    assert "Kode provinsi 99" in warning.message


def test_known_region_is_injectable():
    asked = []

    def known(code):
        asked.append(code)
        return code != "17.04.05"

    info = parse(WOMAN, known_region=known)
    assert asked == ["17", "17.04.05"]
    assert [w.code for w in info.warnings] == ["nik_region_unknown"]


def test_region_is_checked_even_when_the_nik_has_errors():
    info = parse("9999990013950001")
    assert "nik_date" in codes(info)
    assert [w.code for w in info.warnings] == ["nik_region_unknown"]


# --- check_against ------------------------------------------------------------


@pytest.mark.parametrize("sex", ["L", "l", "Laki-laki", "LAKI-LAKI", " laki-laki "])
def test_check_against_sex_mismatch_for_a_woman(sex):
    [finding] = check_against(parse(WOMAN), sex=sex)
    assert finding.code == "nik_sex_mismatch"
    assert finding.severity == "error"
    assert finding.message == (
        f"Jenis kelamin di NIK perempuan (tanggal lahir +40), "
        f"tetapi kolom Jenis Kelamin berisi {sex}."
    )


def test_check_against_sex_mismatch_for_a_man():
    [finding] = check_against(parse(MAN), sex="Perempuan")
    assert finding.message == (
        "Jenis kelamin di NIK laki-laki (tanggal lahir tanpa +40), "
        "tetapi kolom Jenis Kelamin berisi Perempuan."
    )


@pytest.mark.parametrize("nik, sex", [(WOMAN, "P"), (WOMAN, "perempuan"), (MAN, "L"),
                                      (MAN, "Laki-laki")])
def test_check_against_sex_agrees(nik, sex):
    assert check_against(parse(nik), sex=sex) == ()


def test_check_against_unknown_sex_raises():
    with pytest.raises(ValueError):
        check_against(parse(WOMAN), sex="X")


def test_check_against_birthdate_mismatch_shows_both_dates():
    [finding] = check_against(parse(WOMAN), birth_date=date(1995, 5, 8))
    assert finding.code == "nik_birthdate_mismatch"
    assert finding.message == (
        "Tanggal lahir di NIK 05-08-1995, tetapi kolom Tanggal Lahir berisi 08-05-1995."
    )


def test_check_against_ignores_the_century_the_nik_cannot_hold():
    info = parse("1704050508200001")  # read as 2020
    assert check_against(info, birth_date=date(1920, 8, 5)) == ()
    assert len(check_against(info, birth_date=date(1921, 8, 5))) == 1


def test_check_against_both_mismatches():
    found = check_against(parse(WOMAN), sex="L", birth_date=date(1995, 8, 6))
    assert [f.code for f in found] == ["nik_sex_mismatch", "nik_birthdate_mismatch"]


def test_check_against_nothing_to_compare_or_invalid_nik():
    assert check_against(parse(WOMAN)) == ()
    assert check_against(parse(WOMAN), sex=None, birth_date=None) == ()
    assert check_against(parse("17040545089500"), sex="L", birth_date=date(2000, 1, 1)) == ()
    assert check_against(parse(1704054508950001), sex="L") == ()


# --- make_nik / mask_nik ------------------------------------------------------


def test_make_nik_example():
    assert make_nik("17.04.05", date(1995, 8, 5), "P", 1) == WOMAN
    assert make_nik("170405", date(1995, 8, 5), "Laki-laki", 1) == MAN
    assert make_nik("17.04.05", date(2001, 12, 31), "p", 9999) == "1704057112019999"


@pytest.mark.parametrize("code, sex, serial", [
    ("17.04.05", "P", 0),
    ("17.04.05", "P", 10000),
    ("17.04.05", "P", -1),
    ("17.04.05", "P", "1"),
    ("17.04.05", "P", True),
    ("17.04.05", "W", 1),
    ("17.04.05", "", 1),
    ("17.04", "P", 1),
    ("17.04.5", "P", 1),
    ("1704055", "P", 1),
    ("17-04-05", "P", 1),
    ("aa.bb.cc", "P", 1),
    (170405, "P", 1),
])
def test_make_nik_rejects_bad_input(code, sex, serial):
    with pytest.raises(ValueError):
        make_nik(code, date(1995, 8, 5), sex, serial)


@pytest.mark.parametrize("nik, masked", [
    (WOMAN, "1704********0001"),
    (" 1704054508950001 ", "1704********0001"),
    ("170405450895001", "1704*******5001"),
    ("12345678", "********"),
    ("", ""),
])
def test_mask_nik(nik, masked):
    assert mask_nik(nik) == masked


# --- properties ---------------------------------------------------------------

KNOWN_CODES = {"nik_empty", "nik_number_cell", "nik_not_digits", "nik_length", "nik_date",
               "nik_future", "nik_serial"}
kecamatan_codes = st.tuples(*[st.integers(0, 99)] * 3).map(lambda t: "%02d.%02d.%02d" % t)
anything = st.one_of(
    st.none(), st.text(), st.integers(), st.floats(), st.booleans(), st.decimals(),
    st.from_regex(r"\A[0-9 .,eE+\-]{0,24}\Z"),  # close to the interesting branches
    st.text(alphabet="0123456789", min_size=14, max_size=18),
)


def assert_well_formed(finding: Finding, severity):
    assert finding.severity == severity
    assert "NIK" in finding.message  # every message tells the clerk which field is wrong
    assert finding.message.endswith(".")
    assert not re.search(r"\b(must|invalid|error)\b", finding.message, re.I)  # not English


@given(kecamatan_codes, st.dates(date(1940, 1, 1), date(2010, 12, 31)), st.sampled_from("LP"),
       st.integers(1, 9999))
def test_make_then_parse_round_trips(kecamatan, born, sex, serial):
    nik = make_nik(kecamatan, born, sex, serial)
    assert re.fullmatch(r"[0-9]{16}", nik)
    info = parse_nik(nik, today=TODAY)
    assert info.valid
    assert (info.nik, info.kecamatan_code, info.birth_date, info.sex, info.serial) == (
        nik, kecamatan, born, sex, f"{serial:04d}"
    )
    assert mask_nik(nik) == nik[:4] + "*" * 8 + nik[-4:]


@given(anything, st.dates(date(1990, 1, 1), date(2090, 1, 1)))
def test_parse_never_raises_and_explains_every_rejection(value, today):
    info = parse_nik(value, today=today, known_region=lambda code: code.startswith("1"))
    assert info.valid == (info.errors == ())
    for finding in info.errors:
        assert finding.code in KNOWN_CODES
        assert_well_formed(finding, "error")
    for finding in info.warnings:
        assert finding.code == "nik_region_unknown"
        assert_well_formed(finding, "warning")
    if info.valid:
        assert re.fullmatch(r"[0-9]{16}", info.nik)
        assert info.birth_date <= today
    check_against(info, sex="L", birth_date=today)  # never raises on any parse result


@given(st.text())
def test_anything_that_is_not_16_digits_is_rejected(text):
    digits = re.sub(r"[\s.]", "", text.strip())
    info = parse_nik(text, known_region=lambda code: True)
    if not re.fullmatch(r"[0-9]{16}", digits):
        assert not info.valid
        assert info.errors


@given(st.text(alphabet="0123456789", min_size=16, max_size=16))
def test_16_digits_valid_exactly_when_date_and_serial_are(nik):
    day_field, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    day = day_field - 40 if day_field > 40 else day_field
    try:
        year = 2000 + yy if date(2000 + yy, month, day) <= TODAY else 1900 + yy
        date(year, month, day)
        real_date = True
    except ValueError:
        real_date = False
    info = parse_nik(nik, today=TODAY, known_region=lambda code: True)
    assert info.valid == (real_date and nik[12:] != "0000")
    assert info.warnings == ()
