"""Read BPJS Ketenagakerjaan's answer to a registration file: per row a NIK and a KPJ or a rejection reason.

BPJS answers with a list of its own or with Lindung's registration file (enrolment/registration_xlsx.py)
whose empty "No. KPJ" and "Alasan Penolakan" columns it filled in. That file has one sheet per kecamatan,
so every sheet with a NIK and a KPJ column is read, not only the best one; the format is told by content
and the header row is looked for under title rows, as readers.read_file does.

Only checks that need no database are made here: whether a NIK was submitted and whether a KPJ is
already someone else's are the enrolment service's.
"""

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from lindung.pipeline.readers import (
    Check,
    KPJ_DIGITS,
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
from lindung.rules.nik import parse_nik

# Header spellings per field, most specific first: with both "Alasan Penolakan" and "Status", the first wins.
SPELLINGS = {**PERSON_SPELLINGS, "reason": ["Alasan Penolakan", "Alasan Ditolak", "Alasan", "Keterangan", "Status"]}
KNOWN = frozenset(key(s) for variants in SPELLINGS.values() for s in variants)
# A reason column may hold a status; these say "registered", so such a row is no rejection.
POSITIVE = frozenset(key(s) for s in ["Berhasil", "Berhasil Terdaftar", "Berhasil Didaftarkan", "Terdaftar",
                                      "Sukses", "Diterima", "OK", "Aktif", "Valid"])
TEXT_MAX = 200  # a reason longer than this is cut (the membership keeps 200 characters)


@dataclass
class Answer:
    """What BPJS answered, one frame row per non-empty row of the file."""

    # sheet (Utf8, null for CSV), row (Int64, 1-based as in Excel), nik (16 digits when valid, else the cell's
    # text), nama, kpj (11 digits when valid, else the cell's text; null when empty), reason (a rejection;
    # null when empty or a positive status), valid (no error finding on the row).
    frame: pl.DataFrame
    findings: pl.DataFrame  # schema.FINDINGS_SCHEMA; with several sheets the message names the sheet
    headers: dict[str, str]  # field ("nik", "kpj", "reason", "nama") -> the file's header text (first sheet read)


def read_answer(path: str | Path, *, max_bytes: int = 50 * 2**20, max_columns: int = 500) -> Answer:
    """Read and check an answer file; raises ReadError when it is unreadable or lacks a NIK or KPJ column."""
    sheets = read_sheets(
        lambda: read_bytes(path, max_bytes), KNOWN, SPELLINGS, fields=list(SPELLINGS),
        usable=lambda cols: "nik" in cols and "kpj" in cols,
        missing=lambda mapped: _no_column("kpj" if any("nik" in cols for cols in mapped) else "nik"),
        asked_for="hasil pendaftaran dari BPJS Ketenagakerjaan", max_columns=max_columns)
    frame, findings = _check(sheets.frame, several=sheets.several)
    return Answer(frame, findings, sheets.headers)


def _no_column(field: str) -> ReadError:
    if field == "nik":
        return ReadError(
            "no_nik_column",
            "Kolom NIK tidak ditemukan. Berkas hasil pendaftaran BPJS Ketenagakerjaan harus punya kolom "
            "NIK dan No. KPJ (serta Alasan Penolakan bila ada yang ditolak) di baris judul kolom.",
        )
    return ReadError(
        "no_kpj_column",
        "Kolom No. KPJ tidak ditemukan (kolom NIK ada). Tambahkan kolom berjudul \"No. KPJ\" berisi nomor "
        "KPJ 11 digit dari BPJS Ketenagakerjaan, lalu unggah ulang.",
    )


def nik_results(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(valid NIKs, NIK errors), keyed on the cell's text and whether it was a number cell.

    parse_nik runs once per distinct cell; its region warnings are left out, since the service matches
    each NIK against the members submitted anyway.
    """
    valid, errors = [], []
    for text, number_cell in frame.select("nik", "_number_cell").unique().iter_rows():
        value = text
        if number_cell:  # handed to parse_nik as the number it is, so it says why that is refused
            try:
                value = int(text)
            except ValueError:
                pass
        info = parse_nik(value, known_region=lambda _: True)
        if info.valid:
            valid.append((text, number_cell, info.nik))
        errors += [(text, number_cell, f.code, f.message) for f in info.errors]
    keys = {"nik": pl.Utf8, "_number_cell": pl.Boolean}
    return (
        pl.DataFrame(valid, schema={**keys, "_nik": pl.Utf8}, orient="row"),
        pl.DataFrame(errors, schema={**keys, "code": pl.Utf8, "message": pl.Utf8}, orient="row"),
    )


def _check(frame: pl.DataFrame, *, several: bool) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(answer frame, findings sorted by sheet and row)."""
    keys = ["nik", "_number_cell"]
    valid_niks, nik_errors = nik_results(frame)
    kpj = pl.col("kpj")
    d = frame.join(valid_niks, on=keys, how="left", nulls_equal=True, maintain_order="left").with_columns(
        safe_text(pl.col("nama"), TEXT_MAX).alias("nama"),
        safe_text(pl.col("reason"), TEXT_MAX).alias("_reason"),
        *kpj_state(kpj),
    )
    positive = pl.col("_reason").str.to_lowercase().str.replace_all(r"[\W_]+", " ").str.strip_chars().is_in(POSITIVE)

    def ref(first: str) -> pl.Expr:
        """The row at index `first`: "baris 5 (Siti Aminah)", naming the sheet when there are several."""
        where = pl.format("baris {}", pl.col(ROW).gather(first))
        if several:
            where = pl.format("{} lembar {}", where, pl.col("sheet").gather(first))
        return pl.concat_str([where, pl.format(" ({})", pl.col("nama").gather(first))], ignore_nulls=True)

    d = (
        d.with_columns(
            pl.when(pl.col("_kpj_state") == "ok").then("_digits").alias("_kpj"),
            pl.when(~positive).then("_reason").alias("_rejection"),
            positive.fill_null(False).alias("_positive"),
            pl.coalesce("_nik", "nik").alias("_nik_key"),
        )
        .with_row_index("_i")  # the frame is in sheet and row order, so the first index is the earliest row
        .with_columns(pl.col("_i").first().over(c).alias(f"{c}_first") for c in ("_nik", "_kpj"))
        .with_columns(
            ref("_nik_first").alias("_nik_ref"),
            ref("_kpj_first").alias("_kpj_ref"),
            pl.col("_nik_key").gather("_kpj_first").alias("_kpj_first_nik"),
        )
    )

    def shown(expr: pl.Expr) -> pl.Expr:
        return safe_text(expr, SHOWN_MAX)

    state, rejection = pl.col("_kpj_state"), pl.col("_rejection")
    h_kpj, h_reason = pl.col("_h_kpj"), pl.col("_h_reason")
    checks: list[Check] = [
        ("nik_duplicate_in_file", "_h_nik",
         pl.col("_nik").is_not_null() & (pl.col("_i") != pl.col("_nik_first")),
         pl.format("NIK sama dengan {}. Satu orang hanya boleh satu baris: hapus baris ganda ini, atau perbaiki "
                   "NIK yang salah ketik.", pl.col("_nik_ref"))),
        *[(code, "_h_kpj", when, message) for code, when, message in kpj_checks(kpj, h_kpj)],
        ("kpj_duplicate_in_file", "_h_kpj",
         pl.col("_kpj").is_not_null() & pl.col("_nik_key").ne_missing(pl.col("_kpj_first_nik")),
         pl.format("No. KPJ {} sama dengan {}, padahal NIK-nya lain. Satu No. KPJ hanya untuk satu peserta: "
                   "tanyakan No. KPJ yang benar ke BPJS Ketenagakerjaan.", pl.col("_kpj"), pl.col("_kpj_ref"))),
        ("answer_empty", "_h_kpj", (state == "empty") & rejection.is_null(),
         pl.when(pl.col("_positive"))
         .then(pl.format("Status '{}' berarti terdaftar, tetapi kolom {} kosong. Isi No. KPJ {} digit dari BPJS "
                         "Ketenagakerjaan.", shown(pl.col("_reason")), h_kpj, pl.lit(KPJ_DIGITS)))
         .when(h_reason.is_null())
         .then(pl.format("Kolom {} kosong. Isi No. KPJ {} digit dari BPJS Ketenagakerjaan; bila peserta ditolak, "
                         "tambahkan kolom Alasan Penolakan dan isi alasannya.", h_kpj, pl.lit(KPJ_DIGITS)))
         .otherwise(pl.format("Kolom {} dan {} sama-sama kosong. Isi No. KPJ bila peserta sudah terdaftar, atau "
                              "alasan penolakan bila ditolak.", h_kpj, h_reason))),
        ("answer_both", "_h_reason", (state != "empty") & rejection.is_not_null(),
         pl.format("Baris ini berisi No. KPJ dan juga alasan penolakan ('{}'). Bila peserta terdaftar, kosongkan "
                   "kolom {}; bila ditolak, hapus No. KPJ.", shown(rejection), h_reason)),
    ]
    found = row_findings(d.lazy(), nik_errors, checks).collect()
    findings = as_findings(found, several=several)
    errors = found.select("_sheet_index", ROW).unique()
    answer = d.join(errors.with_columns(pl.lit(False).alias("valid")), on=["_sheet_index", ROW], how="left",
                    maintain_order="left").select(
        "sheet", ROW, pl.coalesce("_nik", "nik").alias("nik"), "nama",
        pl.when(pl.col("_kpj_state") == "ok").then("_kpj").when(state != "empty").then("kpj").alias("kpj"),
        pl.col("_rejection").alias("reason"), pl.col("valid").fill_null(True),
    )
    return answer, findings
