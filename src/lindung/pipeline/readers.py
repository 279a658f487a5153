"""Read a register file (P3KE, DTSEN, Lindung template) into the canonical frame of schema.py.

The format is told by content, never by the file name: xlsx/ods (ZIP) and xls (OLE) go to fastexcel,
Parquet (PAR1, only for a trusted caller: ``lindung match``) to polars with every column cast to text,
anything else that looks like text is read as CSV (`,` or `;`, UTF-8 with or without BOM, else
Windows-1252). Every value is text: stripped, and an empty cell is null.

What fastexcel (0.21, calamine) gives when a sheet is read as strings:
- a date cell: "1980-05-17 00:00:00" (the reader trims this to "1980-05-17" for tanggal_lahir);
  a date typed as a plain number shows its serial ("29358"), a text date stays as typed;
- a number cell: the shortest text of the double, so 3 -> "3", 3.5 -> "3.5" and a NIK typed as a
  number -> "1704051705800001" (indistinguishable from text, hence `nik_number_cell`, found by re-reading
  the NIK column as booleans: only numeric and boolean cells convert, text cells come back null);
- a formula cell: its cached value; the formula itself is never read, let alone evaluated.
"""

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Any, NamedTuple

import fastexcel
import polars as pl

from lindung.pipeline import sandbox
from lindung.pipeline.schema import FIELDS, FINDINGS_SCHEMA, NIK_NUMBER_CELL, ROW, ReadResult, empty_findings
from lindung.pipeline.sources import (
    KNOWN_KEYS,
    SECOND_COLUMNS,
    SOURCES,
    UNKNOWN,
    detect_source,
    key,
    map_headers,
)

SCAN_ROWS = 30  # the header row is looked for in this many rows at the top of a sheet
SNIFF_BYTES = 1 << 20  # CSV: enough of the file to see the title rows, the header and the separator
BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
SEPARATORS = (",", ";", "\t")
EXCEL_STARTS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # xlsx and ods are ZIP, xls is OLE
PARQUET_START = b"PAR1"  # a national extract (DTSEN, a BPJS member export) often comes as Parquet
# A NIK that went through a number cell before being saved as CSV: 1.70405E+15, 1,70405E+15, ...0
CSV_NUMBER_NIK = r"^\d+([.,]\d*)?[eE][+-]?\d+$|^\d+\.0+$"


class _Table(NamedTuple):
    header_idx: int  # 0-based row of the header in the sheet (CSV: line in the file)
    headers: list[str]  # the header row's texts, one per column
    load: Callable[[list[int]], pl.LazyFrame]  # the rows below the header, only these columns, as c0, c1, ...
    sheet: str | None = None
    number_cells: Callable[[int], pl.Series] | None = None  # Excel: per row below the header, is the cell a number


class ReadError(ValueError):
    """The file cannot be read at all; `str(error)` is the Indonesian message for the clerk."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def read_file(
    path: str | Path,
    *,
    source: str = "auto",
    mapping: dict[str, str | None] | None = None,
    max_bytes: int = 200 * 1024 * 1024,
    max_columns: int = 500,
    parquet: bool = False,
) -> ReadResult:
    """Read `path` into canonical columns; `mapping` (canonical -> header text) overrides the spellings.

    `source` is "auto" (detect), a name from sources.SOURCES, or "unknown" (common spellings only),
    so a source stored from an earlier read can be passed back.

    Missing required columns are not an error: they are listed in `missing_required`, so the UI can
    offer the manual mapping screen. Only mapped columns are parsed (that keeps a million CSV rows near
    a second), so a row with nothing in any mapped column counts as empty and is dropped.
    """
    if source not in ("auto", UNKNOWN, *SOURCES):
        raise ValueError(f"unknown source {source!r}")
    data = read_bytes(path, max_bytes)
    known = KNOWN_KEYS | {key(h) for h in (mapping or {}).values() if h}
    excel = data.startswith(EXCEL_STARTS)
    table = _parquet_table(data, max_columns, parquet) if data.startswith(PARQUET_START) else (
        (_excel_table if excel else _csv_table)(data, known, max_columns))

    headers = table.headers
    source = detect_source(headers) if source == "auto" else source
    headers_map, unknown, missing = map_headers(headers, source, mapping)
    position = {f: headers.index(h) for f, h in headers_map.items()}
    loaded = sorted(set(position.values())) or list(range(len(headers)))  # nothing mapped: keep the rows
    raw = table.load(loaded).with_columns(_clean(pl.col(f"c{i}")) for i in loaded)

    def column(field: str) -> pl.Expr:
        return pl.col(f"c{position[field]}") if field in position else pl.lit(None, pl.Utf8)

    fields = {f: column(f) for f in FIELDS}
    for second, field in SECOND_COLUMNS.items():
        if second in position:
            fields[field] = _clean(pl.concat_str([fields[field], column(second)], separator="; ", ignore_nulls=True))
    if excel:  # date cells come as "1980-05-17 00:00:00"
        fields["tanggal_lahir"] = fields["tanggal_lahir"].str.replace(r"^(\d{4}-\d\d-\d\d) 00:00:00$", "$1")
    if "nik" not in position:
        number_cell = pl.lit(False)
    elif table.number_cells:
        number_cell = pl.lit(table.number_cells(position["nik"]))
    else:
        number_cell = fields["nik"].str.contains(CSV_NUMBER_NIK).fill_null(False)

    first_row = table.header_idx + 2  # 1-based: the header's row + 1
    frame = (
        raw.with_columns(
            pl.int_range(first_row, first_row + pl.len(), dtype=pl.Int64).alias(ROW),
            pl.all_horizontal(pl.col(f"c{i}").is_null() for i in loaded).alias("_empty"),
        )
        .select(*[e.alias(f) for f, e in fields.items()], ROW, number_cell.alias(NIK_NUMBER_CELL), "_empty")
        .filter(~pl.col("_empty"))
        .drop("_empty")
        .collect()
    )
    if frame.height == 0:
        raise ReadError(
            "no_rows",
            f"Berkas ini tidak ada baris data: di bawah baris judul kolom (baris {table.header_idx + 1}) kosong.",
        )
    return ReadResult(
        frame=frame, source=source, headers=headers_map, sheet=table.sheet, header_row=table.header_idx + 1,
        unknown_columns=unknown, missing_required=missing,
    )


def read_bytes(path: str | Path, max_bytes: int) -> bytes:
    """The file's content; refused unread when empty or too large, and refused when it is a PDF."""
    _check_size(Path(path).stat().st_size, max_bytes)  # before reading anything: a 300 MB upload is refused unread
    return _refuse_pdf(Path(path).read_bytes())


def check_bytes(data: bytes, max_bytes: int) -> bytes:
    """read_bytes for a file already in memory (an upload's content)."""
    _check_size(len(data), max_bytes)
    return _refuse_pdf(data)


def _check_size(size: int, max_bytes: int) -> None:
    if size == 0:
        raise ReadError("empty_file", "Berkas kosong (0 byte). Unggah berkas Excel atau CSV yang berisi data.")
    if size > max_bytes:
        raise ReadError(
            "too_large",
            f"Berkas terlalu besar ({size / 2**20:.0f} MB, batas {max_bytes / 2**20:.0f} MB). "
            "Pecah per kecamatan lalu unggah per bagian.",
        )


def _refuse_pdf(data: bytes) -> bytes:
    if b"%PDF" in data[:1024]:
        raise ReadError("pdf", "Berkas ini PDF, bukan Excel/CSV. Unggah berkas .xlsx atau .csv dari P3KE/DTSEN.")
    return data


def _clean(expr: pl.Expr) -> pl.Expr:
    """Strip whitespace; an empty cell is null."""
    return expr.str.strip_chars().replace("", None)


def _header_row(rows: Sequence[Sequence[Any]], known: frozenset[str]) -> tuple[int, int]:
    """(index, score) of the row with most recognised headers; the earliest wins a tie."""
    scores = [sum(1 for cell in row if cell and key(cell) in known) for row in rows]
    best = max(range(len(scores)), key=lambda i: (scores[i], -i), default=0)
    return best, (scores[best] if scores else 0)


def _no_header() -> ReadError:
    return ReadError(
        "no_header",
        f"Baris judul kolom tidak ditemukan: tidak ada kolom yang dikenal (mis. NIK, Nama, Tanggal Lahir) "
        f"di {SCAN_ROWS} baris pertama. Pastikan berkas berisi data P3KE/DTSEN atau templat Lindung.",
    )


def _too_many_columns(n: int, max_columns: int) -> ReadError:
    return ReadError(
        "too_many_columns",
        f"Berkas ini punya {n} kolom, lebih dari batas {max_columns}. "
        "Hapus kolom yang tidak dipakai lalu unggah ulang.",
    )


def _csv_table(data: bytes, known: frozenset[str], max_columns: int) -> _Table:
    if data.startswith(UTF16_BOMS):  # Excel's "Unicode Text": UTF-16 with its mark, columns split by tabs
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as e:
            raise ReadError("not_a_table", "Berkas teks UTF-16 ini rusak: simpan ulang dari Excel sebagai .xlsx.") from e
    if b"\x00" in data[:SNIFF_BYTES]:  # text never holds NUL bytes; this is some other binary
        raise ReadError(
            "not_a_table",
            "Berkas ini bukan Excel atau CSV (isinya data biner). Buka di Excel lalu simpan sebagai .xlsx atau .csv.",
        )
    data = data.removeprefix(BOM)
    if not data.isascii():  # isascii is near free; a full decode only when there is something to decode
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:  # saved by an older Excel on Windows
            data = data.decode("cp1252", errors="replace").encode("utf-8")

    head = data[:SNIFF_BYTES].decode("utf-8", errors="ignore")
    first_lines = "\n".join(head.splitlines()[:SCAN_ROWS])
    separator = max(SEPARATORS, key=first_lines.count)  # the first of the most used: "," on a tie
    rows = list(islice(csv.reader(io.StringIO(head), delimiter=separator), SCAN_ROWS))
    width = max((len(r) for r in rows), default=0)
    if width > max_columns:  # refuse before polars parses the whole file
        raise _too_many_columns(width, max_columns)
    header_idx, score = _header_row(rows, known)
    if score == 0:
        raise _no_header()
    headers = rows[header_idx]

    def load(cols: list[int]) -> pl.LazyFrame:
        # The header's width fixes the columns; short lines get nulls, blank lines stay (row numbers hold).
        return pl.scan_csv(
            io.BytesIO(data), separator=separator, has_header=False, skip_rows=header_idx + 1,
            schema={f"c{i}": pl.Utf8 for i in range(len(headers))}, truncate_ragged_lines=True,
            missing_columns="insert",
        ).select(f"c{i}" for i in cols)

    return _Table(header_idx, headers, load)


def _parquet_table(data: bytes, max_columns: int, trusted: bool) -> _Table:
    """A Parquet file: its column names are the header row (row 1), each value as text. A date column's
    values become "1980-05-17"; a NIK column stored as floating point is a number cell (digits lost).
    Only a ``trusted`` file is read (``lindung match``, on the server's own extracts): polars reads it in this
    process, outside the limits the workbook sandbox puts on an upload, so an uploaded one is refused."""
    if not trusted:
        raise ReadError("parquet", "Berkas Parquet tidak diterima di sini: simpan sebagai .xlsx atau .csv. "
                                   "(Berkas Parquet dibaca perintah lindung match di server.)")
    try:
        frame = pl.read_parquet(io.BytesIO(data))
    except Exception as e:  # polars raises several kinds for a damaged file
        raise ReadError("unreadable", "Berkas Parquet ini rusak atau tidak terbaca. Ekspor ulang berkasnya.") from e
    if frame.width > max_columns:
        raise _too_many_columns(frame.width, max_columns)
    headers = frame.columns
    floats = [dtype.is_float() for dtype in frame.dtypes]
    text = frame.select(_as_text(pl.col(c), dtype).alias(f"c{i}") for i, (c, dtype) in enumerate(frame.schema.items()))

    def number_cells(col: int) -> pl.Series:
        return pl.repeat(floats[col], frame.height, eager=True)

    return _Table(0, list(headers), lambda cols: text.lazy().select(f"c{i}" for i in cols), None, number_cells)


def _as_text(column: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """A Parquet column as text: a list's items joined by "; " (two occupations), a struct as JSON."""
    if isinstance(dtype, (pl.List, pl.Array)):
        return column.cast(pl.List(pl.Utf8)).list.join("; ")
    if isinstance(dtype, pl.Struct):
        return column.struct.json_encode()
    return column.cast(pl.Utf8)


def _excel_table(data: bytes, known: frozenset[str], max_columns: int) -> _Table:
    """The sheet whose header row has most recognised headers (the earliest wins a tie)."""
    return max(_excel_tables(data, known, max_columns), key=lambda scored: scored[0])[1]


def _excel_tables(data: bytes, known: frozenset[str], max_columns: int) -> Iterator[tuple[int, _Table]]:
    """(score, table) of each sheet with a recognised header row, in sheet order; data is read below that row.

    A generator, so a caller that keeps only the best sheet does not hold every sheet in memory.
    """
    found, too_wide = False, 0
    try:
        sandbox.check(data)  # a hostile workbook ends a child process, not this one
        excel = fastexcel.read_excel(data)  # bytes, so calamine tells the format from the content
    except (fastexcel.FastExcelError, sandbox.Unreadable) as e:
        raise _unreadable() from e
    except sandbox.TooBig as e:
        raise _too_big() from e
    for name in excel.sheet_names:
        try:
            # Each load parses the whole sheet, so load once, all text; skip_rows=0 keeps leading empty
            # rows, so frame index i is Excel row i + 1.
            sheet = excel.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
            if sheet.width > max_columns:  # refused before it is turned into a table
                too_wide = max(too_wide, sheet.width)
                continue
            frame = sheet.to_polars()
        except fastexcel.FastExcelError as e:
            raise _unreadable() from e
        idx, score = _header_row(frame.head(SCAN_ROWS).rows(), known)
        if score:
            found = True
            # Leading empty columns are not in the frame: keep each column's place in the sheet.
            absolute = [c.absolute_index for c in sheet.available_columns()]
            yield score, _sheet_table(excel, name, idx, frame, absolute)
    if not found:
        raise _too_many_columns(too_wide, max_columns) if too_wide else _no_header()


def _sheet_table(excel: fastexcel.ExcelReader, name: str, idx: int, frame: pl.DataFrame, absolute: list[int]) -> _Table:
    """The rows below the header at `idx`; a function of its own so each sheet's closures keep their sheet."""
    headers = [h or "" for h in frame.row(idx)]
    below = frame.slice(idx + 1).rename(dict(zip(frame.columns, [f"c{i}" for i in range(frame.width)])))

    def number_cells(col: int) -> pl.Series:
        # Read as booleans only number (and TRUE/FALSE) cells convert; text cells, even "1704...", are null.
        try:
            cells = excel.load_sheet(name, header_row=None, skip_rows=0, use_columns=[absolute[col]], dtypes="boolean")
        except fastexcel.FastExcelError as e:
            raise _unreadable() from e
        is_number: pl.Series = cells.to_polars().to_series().slice(idx + 1).is_not_null()
        return is_number

    return _Table(idx, headers, lambda cols: below.lazy().select(f"c{i}" for i in cols), name, number_cells)


def _too_big() -> ReadError:
    return ReadError(
        "too_big",
        "Berkas Excel ini terlalu besar untuk dibaca: ada sel yang sangat jauh dari yang lain (misalnya di kolom "
        "XFD atau baris 1.048.576) atau isinya mengembang terlalu besar. Salin hanya tabel datanya ke buku kerja "
        "baru, lalu simpan sebagai .xlsx.",
    )


def _unreadable() -> ReadError:
    return ReadError(
        "unreadable",
        "Berkas Excel ini rusak atau dikunci kata sandi. "
        "Buka di Excel, lalu simpan ulang sebagai .xlsx tanpa kata sandi.",
    )


# Shared by the readers of BPJS's own files (kpj.py: the answer to a registration, invoice.py: the monthly
# invoice), which identify a member by NIK and/or KPJ and may spread one list over several sheets.

PERSON_SPELLINGS = {  # field -> header spellings, most specific first
    "nik": ["NIK", "NIK KTP", "No. KTP", "No. NIK", "Nomor NIK", "Nomor Induk Kependudukan"],
    "kpj": ["No. KPJ", "Nomor KPJ", "KPJ", "No Kartu Peserta", "Nomor Kartu Peserta"],
    "nama": ["Nama Lengkap", "Nama", "Nama Peserta", "Nama Tenaga Kerja"],
}
KPJ_DIGITS = 11
SHOWN_MAX = 40  # a value quoted in a message is cut to this
# A number that went through a number cell and was saved as text: its digits are gone.
SCIENTIFIC = r"^[0-9]+([.,][0-9]*)?[eE][+-]?[0-9]+$"
_INVISIBLE = r"[\p{Cc}\p{Cf}]"  # control and format characters (NUL, tab, zero-width, right-to-left marks)


def all_tables(data: bytes, known: frozenset[str], max_columns: int, parquet: bool = False) -> list[_Table]:
    """Every table of the file: each sheet with a recognised header row (in sheet order), or the CSV; a Parquet
    file only when ``parquet`` says it is trusted (``_parquet_table``)."""
    if data.startswith(PARQUET_START):
        return [_parquet_table(data, max_columns, parquet)]
    if data.startswith(EXCEL_STARTS):
        return [table for _, table in _excel_tables(data, known, max_columns)]
    return [_csv_table(data, known, max_columns)]


class Sheets(NamedTuple):
    """The rows of a file BPJS or Dukcapil sent, from every table that has the columns needed."""

    frame: pl.DataFrame  # field_rows of each usable table, in sheet order
    several: bool  # more than one table: a row number alone does not say where a row is
    headers: dict[str, str]  # field -> its header in the first usable table


def read_sheets(read: Callable[[], bytes], known: frozenset[str], spellings: dict[str, list[str]], *, fields: list[str],
                usable: Callable[[dict[str, int]], bool], missing: Callable[[list[dict[str, int]]], ReadError],
                asked_for: str, max_columns: int, rows_required: bool = True, parquet: bool = False) -> Sheets:
    """The tables with ``usable`` columns of the file ``read`` gives. A PDF is asked again as xlsx/csv (``asked_for``: what to ask whom
    for); no usable table raises ``missing`` of the columns each table has; no row raises "no_rows" unless the
    caller tells an empty file apart itself (``rows_required=False``)."""
    try:
        tables = all_tables(read(), known, max_columns, parquet)
    except ReadError as e:
        if e.code == "pdf":
            raise ReadError("pdf", f"Berkas ini PDF, bukan Excel/CSV. Minta {asked_for} dalam berkas .xlsx "
                                   "atau .csv.") from e
        if e.code == "no_header":
            raise missing([]) from e
        raise
    mapped = [(table, map_fields(table.headers, spellings)) for table in tables]
    found = [(table, cols) for table, cols in mapped if usable(cols)]
    if not found:
        raise missing([cols for _, cols in mapped])
    frame = pl.concat([field_rows(table, cols, i, fields) for i, (table, cols) in enumerate(found)],
                      how="vertical").collect()
    if rows_required and frame.height == 0:
        raise ReadError("no_rows", "Berkas ini tidak ada baris data: di bawah baris judul kolom kosong.")
    first, cols = found[0]
    return Sheets(frame, len(found) > 1, {field: first.headers[i] for field, i in cols.items()})


Check = tuple[str, str | pl.Expr, pl.Expr, pl.Expr]  # (code, the header column, when, message)


def row_findings(rows: pl.LazyFrame, nik_errors: pl.DataFrame, checks: list[Check]) -> pl.LazyFrame:
    """One finding per NIK refused (nik_errors, by the NIK's text and cell type) and per check a row fails, with
    the row's sheet index, sheet, row, column header, code, severity and message."""
    found_nik = rows.join(nik_errors.lazy(), on=["nik", "_number_cell"], nulls_equal=True).select(
        "_sheet_index", "sheet", ROW, pl.col("_h_nik").alias("column"), "code", pl.lit("error").alias("severity"),
        "message")
    return pl.concat([found_nik, *[
        rows.filter(when.fill_null(False)).select(
            "_sheet_index", "sheet", ROW, (pl.col(column) if isinstance(column, str) else column).alias("column"),
            pl.lit(code).alias("code"), pl.lit("error").alias("severity"), message.alias("message"))
        for code, column, when, message in checks]])


def as_findings(found: pl.DataFrame, *, several: bool) -> pl.DataFrame:
    """Findings in sheet and row order, in schema.FINDINGS_SCHEMA; with several sheets each message names its
    sheet (the row number alone is ambiguous)."""
    found = found.sort("_sheet_index", ROW, maintain_order=True)
    if several:
        found = found.with_columns(pl.format("Lembar {}: {}", "sheet", "message").alias("message"))
    return pl.concat([empty_findings(), found.select(list(FINDINGS_SCHEMA)).cast(FINDINGS_SCHEMA)])


def map_fields(headers: list[str], spellings: dict[str, list[str]]) -> dict[str, int]:
    """Field -> column index; a repeated header counts once, at its first column."""
    position: dict[str, int] = {}
    for i, h in enumerate(headers):
        position.setdefault(key(h), i)
    mapped = {}
    for field, variants in spellings.items():
        found = next((position[key(s)] for s in variants if key(s) in position), None)
        if found is not None:
            mapped[field] = found
    return mapped


def field_rows(table: _Table, cols: dict[str, int], sheet_index: int, fields: list[str]) -> pl.LazyFrame:
    """The table's non-empty rows: each of ``fields`` as cleaned text (null where the file has no such
    column), sheet, row number, whether the NIK cell is a number cell, and each field's header (_h_<field>)."""
    loaded = sorted(set(cols.values()))
    first_row = table.header_idx + 2  # 1-based: the header's row + 1
    # Excel: the NIK cell's type is known; CSV: the text of a number cell (1.70405E+15) tells it.
    number_cell = (pl.lit(table.number_cells(cols["nik"])) if table.number_cells and "nik" in cols
                   else pl.lit(False))

    def column(field: str) -> pl.Expr:
        return pl.col(f"c{cols[field]}") if field in cols else pl.lit(None, pl.Utf8)

    return (
        table.load(loaded)
        .with_columns(_clean(pl.col(f"c{i}")) for i in loaded)
        .with_columns(
            pl.int_range(first_row, first_row + pl.len(), dtype=pl.Int64).alias(ROW),
            number_cell.alias("_number_cell"),
        )
        .filter(~pl.all_horizontal(pl.col(f"c{i}").is_null() for i in loaded))
        .select(
            pl.lit(table.sheet, pl.Utf8).alias("sheet"),
            ROW,
            *[column(field).alias(field) for field in fields],
            "_number_cell",
            pl.lit(sheet_index).alias("_sheet_index"),
            *[pl.lit(table.headers[cols[f]] if f in cols else None, pl.Utf8).alias(f"_h_{f}") for f in fields],
        )
    )


def safe_text(expr: pl.Expr, limit: int) -> pl.Expr:
    """Free text made safe to store and show: no invisible characters, one-line, at most `limit` characters."""
    text = expr.str.replace_all(_INVISIBLE, " ").str.replace_all(r"\s+", " ").str.strip_chars()
    text = pl.when(text.str.strip_chars(" .-") != "").then(text)  # "-" is how a cell is left empty
    return pl.when(text.str.len_chars() > limit).then(text.str.slice(0, limit - 1) + "…").otherwise(text)


def kpj_state(kpj: pl.Expr) -> list[pl.Expr]:
    """Columns _digits (the KPJ without spaces, dots and dashes) and _kpj_state: empty, scientific,
    not_digits, length or ok."""
    digits = kpj.str.replace_all(r"[\s.\-]", "")
    return [
        digits.alias("_digits"),
        pl.when(digits.fill_null("") == "").then(pl.lit("empty"))
        .when(kpj.str.contains(SCIENTIFIC)).then(pl.lit("scientific"))
        .when(~digits.str.contains("^[0-9]+$")).then(pl.lit("not_digits"))
        .when(digits.str.len_bytes() != KPJ_DIGITS).then(pl.lit("length"))
        .otherwise(pl.lit("ok")).alias("_kpj_state"),
    ]


def kpj_checks(kpj: pl.Expr, header: pl.Expr) -> list[tuple[str, pl.Expr, pl.Expr]]:
    """(code, when, message) of a wrong KPJ, over the columns of kpj_state."""
    state, digits = pl.col("_kpj_state"), pl.col("_digits")
    shown = safe_text(kpj, SHOWN_MAX)
    return [
        ("kpj_scientific", state == "scientific",
         pl.format("No. KPJ tertulis sebagai angka berpangkat ({}), jadi digit aslinya sudah hilang. Format kolom {} "
                   "sebagai Teks, lalu ketik ulang No. KPJ dari daftar BPJS Ketenagakerjaan.", shown, header)),
        ("kpj_not_digits", state == "not_digits",
         pl.format("No. KPJ hanya boleh berisi angka, tetapi berisi '{}'. Tulis {} digit No. KPJ dari BPJS "
                   "Ketenagakerjaan.", shown, pl.lit(KPJ_DIGITS))),
        ("kpj_length", state == "length",
         pl.format("No. KPJ harus {} digit, yang diisi {} digit ({}).{}", pl.lit(KPJ_DIGITS),
                   digits.str.len_bytes(), shown,
                   pl.when(digits.str.len_bytes() == KPJ_DIGITS - 1)
                   .then(pl.format(" Bila No. KPJ diawali 0, angka 0 itu hilang karena Excel menyimpannya sebagai "
                                   "angka: format kolom {} sebagai Teks lalu ketik ulang.", header))
                   .otherwise(pl.lit("")))),
    ]
