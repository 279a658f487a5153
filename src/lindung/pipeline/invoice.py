"""Read BPJS Ketenagakerjaan's invoice or payment report for a month, and compare it with our bill.

The file is read as kpj.py reads BPJS's answer: format told by content, header row looked for under title
rows, every sheet having the columns. A row names a member by KPJ and/or NIK, with a name and an amount:
a total column, or else JKK + JKM (+ JHT) summed. Every problem is a finding by sheet, row and column; the
caller changes nothing while there is one. ``compare`` is pure: our lines against theirs.
"""

from dataclasses import dataclass
from datetime import date

import polars as pl

from lindung.pipeline.readers import (
    KPJ_DIGITS,
    PERSON_SPELLINGS,
    ReadError,
    SHOWN_MAX,
    as_findings,
    check_bytes,
    kpj_checks,
    kpj_state,
    read_sheets,
    safe_text,
)
from lindung.pipeline.schema import ROW
from lindung.pipeline.sources import key
from lindung.pipeline.validate import WS, WS_RE, nik_checks, nik_state

AMOUNT_SPELLINGS = {  # most specific first
    "total": ["Total Iuran", "Jumlah Iuran", "Total Tagihan", "Jumlah Tagihan", "Jumlah Bayar", "Jumlah Pembayaran",
              "Iuran Dibayar", "Jumlah", "Total", "Iuran", "Tagihan", "Nominal"],
    "jkk": ["Iuran JKK", "JKK"],
    "jkm": ["Iuran JKM", "JKM"],
    "jht": ["Iuran JHT", "JHT"],
}
SPELLINGS = {**PERSON_SPELLINGS, **AMOUNT_SPELLINGS}
FIELDS = list(SPELLINGS)
KNOWN = frozenset(key(s) for variants in SPELLINGS.values() for s in variants)
NAME_MAX = 200  # Difference.nama
AMOUNT_DIGITS = 12  # Rp999 billion a line: more is a wrong column, and would overflow a sum
# Whole Rupiah as BPJS and Excel write them: 16800, 16800.0 (a number cell), 16.800 or 16.800,00 (Indonesian
# grouping), 16,800 (English grouping), each possibly after "Rp". Nothing else is guessed at.
_PLAIN = r"^[0-9]+(?:[.,]0{1,2})?$"
_DOTTED = r"^[0-9]{1,3}(?:\.[0-9]{3})+(?:,0{1,2})?$"
_COMMAED = r"^[0-9]{1,3}(?:,[0-9]{3})+(?:\.0{1,2})?$"
_SCIENTIFIC_AMOUNT = r"^[0-9]+(?:[.,][0-9]*)?[eE][+-]?[0-9]+$"
# A summary line ("TOTAL", "Jumlah") has no KPJ and no NIK: it is not a member.
_TOTAL_LABEL = r"(?i)^(?:grand\s*|sub\s*)?(?:total|jumlah)\b"
# kind: amount_differs, only_ours or only_theirs (payments.models.Difference.Kind)
DIFFERENCE_SCHEMA = pl.Schema({"kind": pl.Utf8, "nik": pl.Utf8, "kpj": pl.Utf8, "nama": pl.Utf8, "desa_code": pl.Utf8,
                                "ours": pl.Int64, "theirs": pl.Int64})


@dataclass
class Invoice:
    # sheet (null for CSV), row (1-based as in Excel), nik (16 digits or null), kpj (11 digits or null), nama,
    # amount (whole Rupiah, Int64); only rows without findings are trustworthy, and the caller uses none
    # while any finding exists.
    frame: pl.DataFrame
    findings: pl.DataFrame  # schema.FINDINGS_SCHEMA; with several sheets the message names the sheet
    headers: dict[str, str]  # field -> the file's header text (first sheet read)

    @property
    def total(self) -> int:
        return int(self.frame["amount"].sum() or 0)


@dataclass
class Comparison:
    matched: int
    differences: pl.DataFrame  # DIFFERENCE_SCHEMA, sorted by kind, nik, kpj
    ours_total: int
    theirs_total: int

    def count(self, kind: str) -> int:
        return self.differences.filter(pl.col("kind") == kind).height


def read_invoice(data: bytes, *, max_bytes: int = 200 * 2**20, max_columns: int = 500) -> Invoice:
    """Read and check an invoice file; raises ReadError when it is unreadable or lacks the columns."""
    sheets = read_sheets(
        lambda: check_bytes(data, max_bytes), KNOWN, SPELLINGS, fields=FIELDS,
        usable=lambda cols: _has_id(cols) and _has_amount(cols), missing=_no_amount_or_id,
        asked_for="rincian tagihan atau laporan pembayaran iuran dari BPJS Ketenagakerjaan", max_columns=max_columns,
        rows_required=False)
    frame, findings = _check(sheets.frame, several=sheets.several)
    if frame.height == 0 and findings.is_empty():
        raise ReadError("no_rows", "Berkas ini tidak ada baris peserta: di bawah baris judul kolom kosong.")
    return Invoice(frame, findings, sheets.headers)


def _no_amount_or_id(mapped: list[dict[str, int]]) -> ReadError:
    with_id = [cols for cols in mapped if _has_id(cols)]
    return _missing("no_amount_column" if with_id else "no_id_column", with_id[0] if with_id else {})


def _has_id(cols: dict[str, int]) -> bool:
    return "kpj" in cols or "nik" in cols


def _has_amount(cols: dict[str, int]) -> bool:
    return "total" in cols or ("jkk" in cols and "jkm" in cols)


def _missing(code: str, cols: dict[str, int] | None = None) -> ReadError:
    if code == "no_id_column":
        return ReadError(code, "Kolom No. KPJ atau NIK tidak ditemukan. Rincian tagihan BPJS Ketenagakerjaan harus "
                               "punya kolom No. KPJ dan/atau NIK, Nama, dan Jumlah (atau JKK dan JKM) di baris judul "
                               "kolom.")
    half = next((f.upper() for f in ("jkk", "jkm") if f in (cols or {})), None)
    return ReadError(code, "Kolom jumlah iuran tidak ditemukan" + (f" (ada kolom {half}, tetapi pasangannya tidak)"
                                                                    if half else "")
                     + ". Tambahkan kolom berjudul \"Jumlah\" berisi iuran per peserta, atau kolom JKK dan JKM.")


def _amount(text: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(whole Rupiah or null, the text it was read from) of an amount cell."""
    t = text.str.replace_all(f"[{WS_RE}]", "").str.replace(r"(?i)^rp\.?", "")
    digits: pl.Expr = (pl.when(t.str.contains(_PLAIN)).then(t.str.replace(r"[.,]0{1,2}$", ""))
              .when(t.str.contains(_DOTTED)).then(t.str.replace(r",0{1,2}$", "").str.replace_all(".", "", literal=True))
              .when(t.str.contains(_COMMAED)).then(t.str.replace(r"\.0{1,2}$", "").str.replace_all(",", "", literal=True)))
    digits = digits.str.strip_chars_start("0").replace("", "0")
    return pl.when(digits.str.len_bytes() <= AMOUNT_DIGITS).then(digits.cast(pl.Int64, strict=False)), t


def _check(frame: pl.DataFrame, *, several: bool) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(invoice frame of the member rows, findings sorted by sheet and row).

    Most rows of a million are plain digits and a plain name: they skip the cleaning and checking
    (regexes over the whole text: 6 of the 7 s a million rows took) that only the others need."""
    frame = frame.with_row_index("_i")  # in sheet and row order: the least index is the earliest row
    plain = _plain(frame)
    fast = frame.filter(plain).select(
        "_i", "_sheet_index", "sheet", ROW, pl.col("nik").alias("_nik_ok"), pl.col("kpj").alias("_kpj_ok"), "nama",
        pl.when(pl.col("_h_total").is_not_null()).then(_int("total"))
        .otherwise(_int("jkk") + _int("jkm") + _int("jht").fill_null(0)).alias("amount"),
        "_h_nik", "_h_kpj")
    slow, found = _check_each(frame.filter(~plain))
    d = pl.concat([fast, slow.select(fast.columns)]).sort("_i")

    def ref() -> pl.Expr:
        """The first row of a repeated value: "baris 5 (Siti Aminah)", naming the sheet when there are several."""
        where = pl.format("baris {}", ROW)
        if several:
            where = pl.format("{} lembar {}", where, "sheet")
        return pl.concat_str([where, pl.format(" ({})", "nama")], ignore_nulls=True)

    repeated: list[pl.DataFrame] = []
    for field, code in (("kpj", "kpj_duplicate_in_file"), ("nik", "nik_duplicate_in_file")):
        c = f"_{field}_ok"
        twice = d.filter(pl.col(c).is_not_null() & pl.col(c).is_duplicated())
        first = twice.group_by(c).agg(pl.all().sort_by("_i").first()).select(c, pl.col("_i").alias("_first"),
                                                                             ref().alias("_ref"))
        again = twice.join(first, on=c).filter(pl.col("_i") != pl.col("_first"))
        if field == "nik":  # a row repeating both is reported once, by its KPJ
            again = again.join(repeated[0].select("_i"), on="_i", how="anti")
        what = pl.format("No. KPJ {} sama dengan {}.", c, "_ref") if field == "kpj" else pl.format("NIK sama dengan {}.", "_ref")
        repeated.append(again.select(
            "_i", "_sheet_index", "sheet", ROW, pl.col(f"_h_{field}").alias("column"), pl.lit(code).alias("code"),
            pl.lit("error").alias("severity"),
            pl.format("{} Satu peserta hanya boleh satu baris dalam tagihan: tanyakan ke BPJS Ketenagakerjaan mengapa "
                      "ditagih dua kali.", what).alias("message")))
    findings = as_findings(pl.concat([found, *[r.drop("_i") for r in repeated]]), several=several)
    invoice = d.select("sheet", ROW, pl.col("_nik_ok").alias("nik"), pl.col("_kpj_ok").alias("kpj"), "nama", "amount")
    return invoice, findings


def _int(column: str) -> pl.Expr:
    # Not strict: the branch of when/then not taken is computed too, on cells _plain did not look at.
    return pl.col(column).cast(pl.Int64, strict=False)


def _plain(frame: pl.DataFrame) -> pl.Series:
    """Rows that need no cleaning and can have no finding of their own: a KPJ and/or NIK of plain digits (not
    from a number cell), a printable one-line name, and whole Rupiah as plain digits."""
    def digits(c: str, n: int | str) -> pl.Expr:
        return pl.col(c).str.contains(f"^[0-9]{{{n}}}$")

    def amount(c: str) -> pl.Expr:
        return digits(c, f"1,{AMOUNT_DIGITS}")

    nama = pl.col("nama")
    return frame.select(
        ~pl.col("_number_cell").fill_null(False)
        & (pl.col("kpj").is_not_null() | pl.col("nik").is_not_null())
        & (pl.col("kpj").is_null() | digits("kpj", KPJ_DIGITS)) & (pl.col("nik").is_null() | digits("nik", 16))
        & (nama.is_null() | (nama.str.contains(r"^[!-~](?: ?[!-~])*$") & (nama.str.len_bytes() <= NAME_MAX)
                             & (nama.str.strip_chars(" .-") != "")))
        & pl.when(pl.col("_h_total").is_not_null()).then(amount("total"))
        .otherwise(amount("jkk") & amount("jkm") & (pl.col("jht").is_null() | amount("jht")))
    ).to_series().fill_null(False)


def _check_each(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The rows that are not plain, cleaned and checked: (rows with _nik_ok, _kpj_ok, nama and amount; their
    findings with _sheet_index, sheet and row)."""
    nik_raw = pl.col("nik").str.strip_chars(WS)
    d = frame.with_columns(
        nik_raw.alias("_raw_nik"),
        pl.col("_number_cell").fill_null(False).alias("_flag"),
        nik_raw.str.replace_all(f"[{WS_RE}.]", "").alias("_nik"),
        safe_text(pl.col("nama"), NAME_MAX).alias("nama"),
        *kpj_state(pl.col("kpj")),
        pl.coalesce("_h_kpj", "_h_nik").alias("_h_id"),
    ).with_columns(nik_state().alias("_nik_state"))
    # A line with neither identity is a summary ("TOTAL") when it has no name or a total's label.
    summary = ((d["_kpj_state"] == "empty") & (d["_nik_state"] == "empty")
               & (d["nama"].is_null() | d["nama"].str.contains(_TOTAL_LABEL)))
    d = d.filter(~summary)

    amounts, checks = [], []
    for field in AMOUNT_SPELLINGS:
        value, text = _amount(pl.col(field))
        amounts += [value.alias(f"_{field}"), text.alias(f"_{field}_text")]
    d = d.with_columns(amounts)
    by_total = pl.col("_h_total").is_not_null()
    components = pl.col("_jkk") + pl.col("_jkm") + pl.col("_jht").fill_null(0)
    d = d.with_columns(
        pl.when(by_total).then(pl.col("_total")).otherwise(components).alias("amount"),
        pl.when(pl.col("_nik_state") == "ok").then(pl.col("_nik")).alias("_nik_ok"),
        pl.when(pl.col("_kpj_state") == "ok").then(pl.col("_digits")).alias("_kpj_ok"),
    )
    header = {f: pl.col(f"_h_{f}") for f in FIELDS}
    # The NIK checks of the register's validation (same codes and wording), for the column of the first sheet.
    nik_header = next((h for h in frame["_h_nik"].drop_nulls().head(1)), "NIK")
    nik_findings = [c for c in nik_checks(d, lambda _: nik_header, date.today())
                  if c.code in ("nik_number_cell", "nik_not_digits", "nik_length")]
    checks = [(c.code, "_h_nik", c.when, c.message) for c in nik_findings]
    checks += [(code, "_h_kpj", when, message) for code, when, message in kpj_checks(pl.col("kpj"), header["kpj"])]
    checks.append(
        ("id_empty", "_h_id", (pl.col("_kpj_state") == "empty") & (pl.col("_nik_state") == "empty"),
         pl.format("Baris ini tidak punya No. KPJ maupun NIK. Isi No. KPJ ({} digit) atau NIK (16 digit) peserta.",
                   pl.lit(KPJ_DIGITS))))
    for field in AMOUNT_SPELLINGS:
        value, text, h = pl.col(f"_{field}"), pl.col(f"_{field}_text"), header[field]
        used = by_total if field == "total" else ~by_total & h.is_not_null()
        shown = safe_text(pl.col(field), SHOWN_MAX)
        checks += [
            (f"{field}_empty", f"_h_{field}", used & (text.fill_null("") == "") & pl.lit(field != "jht"),
             pl.format("Kolom {} kosong. Isi iuran peserta ini dalam rupiah, misalnya 16800.", h)),
            (f"{field}_scientific", f"_h_{field}", used & text.str.contains(_SCIENTIFIC_AMOUNT),
             pl.format("Kolom {} berisi angka berpangkat ({}), jadi nilainya tidak pasti. Format kolom itu sebagai "
                       "angka biasa lalu ketik ulang iurannya.", h, shown)),
            (f"{field}_invalid", f"_h_{field}", used & (text.fill_null("") != "") & value.is_null()
             & ~text.str.contains(_SCIENTIFIC_AMOUNT),
             pl.format("Kolom {} berisi '{}', bukan jumlah rupiah. Tulis bilangan bulat rupiah, misalnya 16800, "
                       "16.800 atau Rp16.800.", h, shown)),
        ]
    lazy = d.lazy()
    parts = [
        lazy.filter(when.fill_null(False)).select(
            "_sheet_index", "sheet", ROW, pl.col(column).alias("column"), pl.lit(code).alias("code"),
            pl.lit("error").alias("severity"), message.cast(pl.Utf8).alias("message"),
        )
        for code, column, when, message in checks
    ]
    return d.with_columns(pl.col("amount").cast(pl.Int64)), pl.concat(parts).collect()


def compare(ours: pl.DataFrame, theirs: pl.DataFrame, outsider_code: str) -> Comparison:
    """Our bill's lines (nik, kpj, nama, desa_code, amount) against BPJS's (nik, kpj, nama, amount).

    A line pairs on the KPJ when both sides have one, else on the NIK; NIK, KPJ and amount are unique per
    side (a bill bills a person once; a file repeating one is refused). Someone only BPJS bills is scoped to
    ``outsider_code`` (the regency), since he has no village of ours.
    """
    o = ours.select("nik", pl.col("kpj").replace("", None), "nama", "desa_code", pl.col("amount").cast(pl.Int64))
    t = theirs.select("nik", "kpj", "nama", pl.col("amount").cast(pl.Int64).alias("theirs"))
    # KPJs are 11 digits on both sides (read_invoice and the enrolment's answer check them), so as numbers
    # they join as they are, twice as fast as text.
    key = pl.col("kpj").cast(pl.Int64, strict=False).alias("_key")
    o, t = o.with_row_index("_o").with_columns(key), t.with_row_index("_t").with_columns(key)
    # One join of the million on the KPJ; the few left over pair on the NIK when a side has no KPJ.
    by_kpj = t.drop_nulls("_key").join(o.drop_nulls("_key"), on="_key", suffix="_ours")
    rest_t = t.filter(~pl.col("_t").is_in(by_kpj["_t"].implode()))
    rest_o = o.filter(~pl.col("_o").is_in(by_kpj["_o"].implode()))
    by_nik = (rest_t.drop_nulls("nik").join(rest_o.drop_nulls("nik"), on="nik", suffix="_ours")
              .filter(pl.col("kpj").is_null() | pl.col("kpj_ours").is_null()))
    pairs = pl.concat([
        by_kpj.select(pl.col("nik_ours").alias("nik"), "kpj", "nama_ours", "nama", "desa_code", "amount", "theirs"),
        by_nik.select("nik", pl.coalesce("kpj_ours", "kpj").alias("kpj"), "nama_ours", "nama", "desa_code", "amount",
                      "theirs"),
    ])
    differs = pairs.filter(pl.col("amount") != pl.col("theirs")).select(
        pl.lit("amount_differs").alias("kind"), "nik", "kpj", pl.coalesce("nama_ours", "nama").alias("nama"),
        "desa_code", pl.col("amount").alias("ours"), "theirs")
    only_ours = rest_o.filter(~pl.col("_o").is_in(by_nik["_o"].implode())).select(
        pl.lit("only_ours").alias("kind"), "nik", "kpj", "nama", "desa_code", pl.col("amount").alias("ours"),
        pl.lit(None, pl.Int64).alias("theirs"))
    only_theirs = rest_t.filter(~pl.col("_t").is_in(by_nik["_t"].implode())).select(
        pl.lit("only_theirs").alias("kind"), "nik", "kpj", "nama", pl.lit(outsider_code).alias("desa_code"),
        pl.lit(None, pl.Int64).alias("ours"), "theirs")
    differences = (pl.concat([differs, only_ours, only_theirs]).cast(DIFFERENCE_SCHEMA)
                   .sort("kind", "nik", "kpj", nulls_last=True))
    return Comparison(matched=pairs.height - differs.height, differences=differences,
                      ours_total=int(o["amount"].sum() or 0), theirs_total=int(t["theirs"].sum() or 0))
