"""Read BPJS Ketenagakerjaan's member status file: per row a KPJ and/or a NIK, the status (Aktif, Non Aktif,
Meninggal) and the last contribution month paid.

BPJS writes the month in many ways: 2025-05, Mei 2025, 05/2025, an Excel date cell (read as
"2025-05-01 00:00:00"), a date typed as a number (its serial, 45778), 01/05/2025. Each distinct text is parsed
once. Every sheet with a KPJ or NIK column and a last-month column is read, like pipeline/kpj.py; findings
name the sheet, the row as Excel numbers it and the file's own header. Whether a KPJ or NIK is a member of the
programme is the service's question.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import polars as pl

from lindung.pipeline.kpj import nik_results
from lindung.pipeline.readers import (
    Check,
    PERSON_SPELLINGS,
    ReadError,
    SHOWN_MAX,
    as_findings,
    kpj_checks,
    kpj_state,
    read_bytes,
    read_sheets,
    row_findings,
    safe_text,
)
from lindung.pipeline.schema import ROW
from lindung.pipeline.sources import key
from lindung.rules.contributions import Month

SPELLINGS = {
    **PERSON_SPELLINGS,
    "status": ["Status Kepesertaan", "Status Peserta", "Status Aktif", "Status"],
    "last_paid": ["Bulan Terakhir Dibayar", "Bulan Iuran Terakhir", "Iuran Terakhir", "Periode Iuran Terakhir",
                  "Periode Terakhir", "Bulan Terakhir Bayar", "Terakhir Bayar", "Blth Terakhir", "Tgl Iuran Terakhir",
                  "Tanggal Iuran Terakhir", "Bulan Terakhir"],
    # The day the status began: the date of death, or when he became a wage-earner member or another payer took over.
    "since": ["Tanggal Meninggal", "Tgl Meninggal", "Tanggal Kematian", "Tanggal Wafat", "TMT", "TMT Status",
              "Tanggal Status", "Sejak Tanggal", "Sejak"],
}
KNOWN = frozenset(key(s) for variants in SPELLINGS.values() for s in variants)
ACTIVE, LAPSED, DIED = "aktif", "nonaktif", "meninggal"
WAGE_EARNER, OTHER_PAYER = "penerima_upah", "pihak_lain"  # covered elsewhere: the regency should stop paying
STATUSES = {key(s): status for status, spellings in {
    ACTIVE: ["Aktif", "Active", "A"],
    LAPSED: ["Non Aktif", "Nonaktif", "Non-Aktif", "Tidak Aktif", "NA", "Non Active", "Inactive"],
    DIED: ["Meninggal", "Meninggal Dunia", "MD", "Wafat"],
    WAGE_EARNER: ["Penerima Upah", "PU", "Peserta PU", "Pindah PU", "Pindah ke PU"],
    OTHER_PAYER: ["Dibayar Pihak Lain", "Pemberi Iuran Lain", "Wadah Lain", "Pindah Wadah"],
}.items() for s in spellings}

MONTHS = {name: i for i, names in enumerate([
    "januari jan january", "februari feb pebruari peb february", "maret mar march", "april apr",
    "mei may", "juni jun june", "juli jul july", "agustus agu agt ags aug august", "september sep sept",
    "oktober okt oct october", "november nov nop", "desember des dec december",
], start=1) for name in names.split()}
EXCEL_EPOCH = date(1899, 12, 30)  # day 0 of Excel's serial dates (1900 system, after its leap-year bug)
FIRST_YEAR, LAST_YEAR = 2015, 2100  # BPU contributions began in 2015; anything outside is a typing error
_FORMATS: list[tuple[str, Callable[..., tuple[int, int]]]] = [  # (pattern, groups -> (year, month)), tried in order on the lower-cased, trimmed text
    (r"(\d{4})[-/.](\d{1,2})", lambda y, m: (y, m)),  # 2025-05
    (r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?", lambda y, m, d: (y, m)),  # date cell
    (r"(\d{1,2})[-/.](\d{4})", lambda m, y: (y, m)),  # 05/2025
    (r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", lambda d, m, y: (y, m)),  # 01/05/2025, day first as in Indonesia
    (r"(\d{4})(\d{2})", lambda y, m: (y, m)),  # 202505
]
_NAMED = re.compile(r"([a-z]+)[\s\-./,]*(\d{4}|\d{2})")  # Mei 2025, Mei-25
_SERIAL = re.compile(r"(\d{5})(?:\.0+)?")  # a date typed into a number cell: days since EXCEL_EPOCH


def parse_month(text: str) -> Month:
    """The month a cell names; raises ValueError with an Indonesian message saying how to write it."""
    t = " ".join(text.strip().lower().split())
    for pattern, pick in _FORMATS:
        if m := re.fullmatch(pattern, t):
            year, month = pick(*map(int, m.groups()))
            return _checked(year, month, text)
    if (m := _NAMED.fullmatch(t)) and m[1] in MONTHS:
        year = int(m[2]) + (2000 if len(m[2]) == 2 else 0)
        return _checked(year, MONTHS[m[1]], text)
    if m := _SERIAL.fullmatch(t):
        day = EXCEL_EPOCH + timedelta(days=int(m[1]))
        return _checked(day.year, day.month, text)
    raise ValueError(f"Bulan '{text[:SHOWN_MAX]}' tidak dikenali. Tulis bulan iuran terakhir misalnya 2025-05, "
                     "Mei 2025 atau 05/2025.")


_DAY_FORMATS: list[tuple[str, Callable[..., tuple[int, int, int]]]] = [  # (pattern, groups -> (year, month, day)) of a day, tried in order on the lower-cased, trimmed text
    (r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?", lambda y, m, d: (y, m, d)),  # date cell
    (r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", lambda d, m, y: (y, m, d)),  # 10/02/2025, day first as in Indonesia
]
_NAMED_DAY = re.compile(r"(\d{1,2})[\s\-./,]*([a-z]+)[\s\-./,]*(\d{4})")  # 10 Februari 2025


def parse_day(text: str) -> date:
    """The day a cell names (10-02-2025, 2025-02-10, 10 Februari 2025, an Excel date cell or serial); raises
    ValueError with an Indonesian message saying how to write it."""
    t = " ".join(text.strip().lower().split())
    parts: tuple[int, int, int] | None = None
    day: date | None
    for pattern, pick in _DAY_FORMATS:
        if m := re.fullmatch(pattern, t):
            parts = pick(*map(int, m.groups()))
    if parts is None and (m := _NAMED_DAY.fullmatch(t)) and m[2] in MONTHS:
        parts = int(m[3]), MONTHS[m[2]], int(m[1])
    if parts is None and (m := _SERIAL.fullmatch(t)):
        day = EXCEL_EPOCH + timedelta(days=int(m[1]))
        parts = day.year, day.month, day.day
    try:
        day = date(*parts) if parts else None
    except ValueError:
        day = None
    if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"Tanggal '{text[:SHOWN_MAX]}' tidak dikenali. Tulis tanggal misalnya 10-02-2025 atau "
                         "10 Februari 2025.")
    return day


def _checked(year: int, month: int, text: str) -> Month:
    if not 1 <= month <= 12 or not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"Bulan '{text[:SHOWN_MAX]}' tidak mungkin (bulan 1-12, tahun {FIRST_YEAR}-{LAST_YEAR}). "
                         "Tulis bulan iuran terakhir misalnya 2025-05.")
    return Month(year, month)


@dataclass
class StatusFile:
    """BPJS's statuses, one frame row per non-empty row of the file."""

    # sheet (Utf8, null for CSV), row (Int64, as in Excel), kpj (11 digits when valid, else the cell's text),
    # nik (16 digits when valid, else the cell's text), nama, status (ACTIVE, LAPSED, DIED or null when empty),
    # last_paid ("YYYY-MM" or null when empty), since (Date or null: the day the status began, e.g. the date of death, when the file gives it),
    # valid (no error finding on the row).
    frame: pl.DataFrame
    findings: pl.DataFrame  # schema.FINDINGS_SCHEMA; with several sheets the message names the sheet
    headers: dict[str, str]  # field -> the file's header text (first sheet read)


def read_status(path: str | Path, *, max_bytes: int = 50 * 2**20, max_columns: int = 500) -> StatusFile:
    """Read and check a status file; raises ReadError when it is unreadable or lacks the columns it needs."""
    sheets = read_sheets(
        lambda: read_bytes(path, max_bytes), KNOWN, SPELLINGS, fields=list(SPELLINGS),
        usable=lambda cols: ("kpj" in cols or "nik" in cols) and "last_paid" in cols,
        missing=lambda mapped: _no_column(), asked_for="daftar status peserta dari BPJS Ketenagakerjaan",
        max_columns=max_columns)
    frame, findings = _check(sheets.frame, several=sheets.several)
    return StatusFile(frame, findings, sheets.headers)


def _no_column() -> ReadError:
    return ReadError(
        "no_status_columns",
        "Kolom yang diperlukan tidak ditemukan. Daftar status peserta dari BPJS Ketenagakerjaan harus punya kolom "
        "No. KPJ atau NIK, dan kolom Bulan Terakhir Dibayar (boleh juga Status), di baris judul kolom.",
    )


def _months(values: pl.Series) -> pl.DataFrame:
    """last_paid text -> ("YYYY-MM" or null, the error or null), parsed once per distinct text."""
    parsed: list[tuple[str, str | None, str | None]] = []
    for text in values.drop_nulls().unique():
        try:
            parsed.append((text, str(parse_month(text)), None))
        except ValueError as e:
            parsed.append((text, None, str(e)))
    return pl.DataFrame(parsed, schema={"last_paid": pl.Utf8, "_month": pl.Utf8, "_month_error": pl.Utf8},
                        orient="row")


def _days(values: pl.Series) -> pl.DataFrame:
    """since text -> (the day or null, the error or null), parsed once per distinct text."""
    parsed: list[tuple[str, date | None, str | None]] = []
    for text in values.drop_nulls().unique():
        try:
            parsed.append((text, parse_day(text), None))
        except ValueError as e:
            parsed.append((text, None, str(e)))
    return pl.DataFrame(parsed, schema={"since": pl.Utf8, "_day": pl.Date, "_day_error": pl.Utf8}, orient="row")


def _check(frame: pl.DataFrame, *, several: bool) -> tuple[pl.DataFrame, pl.DataFrame]:
    valid_niks, nik_errors = nik_results(frame.filter(pl.col("nik").is_not_null()))
    keys = ["nik", "_number_cell"]
    kpj = pl.col("kpj")
    status_key = pl.col("status").str.to_lowercase().str.replace_all(r"[\W_]+", " ").str.strip_chars()
    d = (
        frame.join(valid_niks, on=keys, how="left", nulls_equal=True, maintain_order="left")
        .join(_months(frame["last_paid"]), on="last_paid", how="left", maintain_order="left")
        .join(_days(frame["since"]), on="since", how="left", maintain_order="left")
        .with_columns(
            safe_text(pl.col("nama"), 200).alias("nama"),
            *kpj_state(kpj),
            status_key.replace_strict(STATUSES, default=None, return_dtype=pl.Utf8).alias("_status"),
        )
        .with_columns(pl.when(pl.col("_kpj_state") == "ok").then("_digits").alias("_kpj"))
        .with_row_index("_i")
        .with_columns(pl.col("_i").first().over(c).alias(f"{c}_first") for c in ("_nik", "_kpj"))
        .with_columns(pl.format("baris {}", pl.col(ROW).gather(f"{c}_first")).alias(f"{c}_ref") for c in ("_nik", "_kpj"))
    )

    def shown(expr: pl.Expr) -> pl.Expr:
        return safe_text(expr, SHOWN_MAX)

    checks: list[Check] = [
        ("no_member_number", pl.coalesce("_h_kpj", "_h_nik"), pl.col("kpj").is_null() & pl.col("nik").is_null(),
         pl.lit("No. KPJ dan NIK sama-sama kosong: isi salah satu agar peserta dapat dikenali.")),
        *[(code, "_h_kpj", when, message) for code, when, message in kpj_checks(kpj, pl.col("_h_kpj"))],
        ("kpj_duplicate_in_file", "_h_kpj", pl.col("_kpj").is_not_null() & (pl.col("_i") != pl.col("_kpj_first")),
         pl.format("No. KPJ {} sudah ada di {}. Satu peserta hanya boleh satu baris.", pl.col("_kpj"),
                   pl.col("_kpj_ref"))),
        ("nik_duplicate_in_file", "_h_nik", pl.col("_nik").is_not_null() & (pl.col("_i") != pl.col("_nik_first")),
         pl.format("NIK sama dengan {}. Satu peserta hanya boleh satu baris.", pl.col("_nik_ref"))),
        ("status_unknown", "_h_status", pl.col("status").is_not_null() & pl.col("_status").is_null(),
         pl.format("Status '{}' tidak dikenal. Tulis Aktif, Non Aktif, Meninggal, Penerima Upah atau Dibayar Pihak Lain.", shown(pl.col("status")))),
        ("month_invalid", "_h_last_paid", pl.col("_month_error").is_not_null(), pl.col("_month_error")),
        ("since_invalid", "_h_since", pl.col("_day_error").is_not_null(), pl.col("_day_error")),
    ]
    found = row_findings(d.lazy(), nik_errors, checks).collect()
    findings = as_findings(found, several=several)
    errors = found.select("_sheet_index", ROW).unique().with_columns(pl.lit(False).alias("valid"))
    status = d.join(errors, on=["_sheet_index", ROW], how="left", maintain_order="left").select(
        "sheet", ROW, pl.coalesce("_kpj", "kpj").alias("kpj"), pl.coalesce("_nik", "nik").alias("nik"), "nama",
        pl.col("_status").alias("status"), pl.col("_month").alias("last_paid"), pl.col("_day").alias("since"),
        pl.col("valid").fill_null(True))
    return status, findings
