"""Read the civil registry's (Dukcapil's) death list: per row a NIK, the name, the date of death and, when the list
has it, the death certificate's number.

Every sheet with a NIK and a date-of-death column is read, like the readers of BPJS's files; findings name the
sheet, the row as Excel numbers it and the file's own header. Whether a NIK is on the register is the service's
question: a death list covers the whole regency, most of it people who were never in the programme.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from lindung.pipeline.bpjs_status import parse_day
from lindung.pipeline.kpj import nik_results
from lindung.pipeline.readers import PERSON_SPELLINGS, ReadError, read_bytes, read_sheets, safe_text
from lindung.pipeline.schema import FINDINGS_SCHEMA, ROW
from lindung.pipeline.sources import key

SPELLINGS = {
    "nik": PERSON_SPELLINGS["nik"],
    "nama": PERSON_SPELLINGS["nama"],
    "died_on": ["Tanggal Meninggal", "Tgl Meninggal", "Tanggal Kematian", "Tgl Kematian", "Tanggal Wafat",
                "Tanggal Meninggal Dunia"],
    "certificate": ["No. Akta Kematian", "Nomor Akta Kematian", "No Akta Kematian", "Akta Kematian", "No. Akta"],
}
KNOWN = frozenset(key(s) for variants in SPELLINGS.values() for s in variants)


@dataclass
class DeathList:
    # row (Int64, as in Excel), sheet, nik (16 digits when valid), nama, died_on (Date, null when unreadable),
    # certificate (Utf8 or null), valid (no error finding on the row).
    frame: pl.DataFrame
    findings: pl.DataFrame  # schema.FINDINGS_SCHEMA
    headers: dict[str, str]  # field -> the file's header text (first sheet read)


def read_deaths(path: str | Path, *, max_bytes: int = 50 * 2**20, max_columns: int = 500) -> DeathList:
    """Read and check a death list; raises ReadError when it is unreadable or lacks the NIK or the date column."""
    sheets = read_sheets(
        lambda: read_bytes(path, max_bytes), KNOWN, SPELLINGS, fields=list(SPELLINGS),
        usable=lambda cols: "nik" in cols and "died_on" in cols, missing=lambda mapped: _no_column(),
        asked_for="daftar kematian dari Dukcapil", max_columns=max_columns)
    frame, findings = _check(sheets.frame, several=sheets.several)
    return DeathList(frame, findings, sheets.headers)


def _no_column() -> ReadError:
    return ReadError("no_death_columns", "Kolom yang diperlukan tidak ditemukan. Daftar kematian harus punya kolom "
                                         "NIK dan Tanggal Meninggal di baris judul kolom.")


def _check(frame: pl.DataFrame, *, several: bool) -> tuple[pl.DataFrame, pl.DataFrame]:
    valid_niks, nik_errors = nik_results(frame.filter(pl.col("nik").is_not_null()))
    days: dict[str, date | None] = {}
    problems = []
    where: Callable[[object], str] = (lambda sheet: f"Lembar {sheet}: ") if several else (lambda sheet: "")
    niks = dict(((t, n), v) for t, n, v in valid_niks.iter_rows())
    errors: dict[tuple[Any, Any], str] = {}
    for t, n, _, message in nik_errors.iter_rows():
        errors.setdefault((t, n), message)
    seen: dict[str, int] = {}
    rows = []
    for sheet, row, nik, nama, died, certificate, number_cell, h_nik, h_died in frame.select(
            "sheet", ROW, "nik", "nama", "died_on", "certificate", "_number_cell", "_h_nik", "_h_died_on").iter_rows():
        bad = []
        valid_nik = niks.get((nik, number_cell))
        if nik is None:
            bad.append((h_nik, "nik_empty", "NIK kosong."))
        elif valid_nik is None:
            bad.append((h_nik, "nik_invalid", errors.get((nik, number_cell), "NIK tidak sah.")))
        elif valid_nik in seen:
            bad.append((h_nik, "nik_duplicate_in_file", f"NIK sama dengan baris {seen[valid_nik]}. Satu orang hanya "
                                                        "boleh satu baris."))
        else:
            seen[valid_nik] = row
        day = None
        if died is None:
            bad.append((h_died, "died_on_empty", "Tanggal meninggal kosong."))
        else:
            if died not in days:
                try:
                    days[died] = parse_day(died)
                except ValueError as e:
                    days[died] = None
                    errors[("day", died)] = str(e)
            day = days[died]
            if day is None:
                bad.append((h_died, "died_on_invalid", errors[("day", died)]))
        problems += [{"row": row, "column": column, "code": code, "severity": "error",
                      "message": where(sheet) + message} for column, code, message in bad]
        rows.append((sheet, row, valid_nik or nik, nama, day, certificate, not bad))
    checked = pl.DataFrame(rows, orient="row", schema={
        "sheet": pl.Utf8, ROW: pl.Int64, "nik": pl.Utf8, "nama": pl.Utf8, "died_on": pl.Date, "certificate": pl.Utf8,
        "valid": pl.Boolean})
    checked = checked.with_columns(safe_text(pl.col("nama"), 200), safe_text(pl.col("certificate"), 60))
    return checked, pl.DataFrame(problems, schema=FINDINGS_SCHEMA)
