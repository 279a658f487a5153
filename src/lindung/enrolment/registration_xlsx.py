"""The registration file sent to BPJS Ketenagakerjaan: one sheet per kecamatan batch.

It ends with two empty columns, "No. KPJ" and "Alasan Penolakan", so BPJS can fill in and return the
same file, which pipeline.kpj.read_answer reads back. NIK, phone and KPJ columns are text-formatted:
a NIK in a number cell loses its last digits (DOMAIN.md §5), and a typed-in KPJ keeps a leading 0.
"""

import re
from typing import BinaryIO

import xlsxwriter

from lindung.core.xlsx import safe_cell, write_table

# (header, row-dict key or None, width); "No" is the row's number, the last two are BPJS's to fill.
COLUMNS = [
    ("No", None, 6),
    ("NIK", "nik", 20),
    ("Nama Lengkap", "nama", 28),
    ("Tanggal Lahir", "tanggal_lahir", 14),
    ("Jenis Kelamin", "jenis_kelamin", 14),
    ("Alamat", "alamat", 30),
    ("Desa/Kelurahan", "desa", 20),
    ("Kecamatan", "kecamatan", 18),
    ("Pekerjaan", "pekerjaan", 20),
    ("Penghasilan (Rp)", "penghasilan", 18),
    ("Program", "program", 14),
    ("No. HP", "telepon", 16),
    ("Tanggal Mulai Kepesertaan", "tanggal_mulai", 16),
    ("No. KPJ", None, 16),
    ("Alasan Penolakan", None, 36),
]
HEADERS = [header for header, _, _ in COLUMNS]
WIDTHS = [width for _, _, width in COLUMNS]
TEXT_COLUMNS = ("NIK", "No. HP", "No. KPJ")
TEXT_FIELDS = ("nik", "telepon")
DATE_COLUMNS = ("Tanggal Lahir", "Tanggal Mulai Kepesertaan")
BPJS_COLUMNS = ("No. KPJ", "Alasan Penolakan")
HEADER_ROW = 2  # 0-based: a title and a line for BPJS above it
SHEET_NAME_MAX = 31
_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")  # Excel refuses these in a sheet name


def write_registration(out: str | BinaryIO, sheets: list[tuple[str, list[dict]]], *, title: str) -> None:
    """Write one sheet per (kecamatan name, rows); `out` is a path or a binary file object.

    Each sheet's first row is `title` followed by its kecamatan. Row keys: nik, nama, tanggal_lahir (date),
    jenis_kelamin, alamat, desa, kecamatan, pekerjaan, penghasilan (int Rupiah), program, telepon,
    tanggal_mulai (date); a missing key leaves its cell empty.
    """
    if not sheets:
        raise ValueError("a registration file needs at least one sheet")
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top", "border": 1})
    heading = workbook.add_format({"bold": True})
    to_fill = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top", "border": 1, "bg_color": "#FFF2CC"})
    formats = {
        **{h: workbook.add_format({"num_format": "@"}) for h in TEXT_COLUMNS},
        **{h: workbook.add_format({"num_format": "dd-mm-yyyy"}) for h in DATE_COLUMNS},
        "Penghasilan (Rp)": workbook.add_format({"num_format": "#,##0"}),
    }
    names: set[str] = set()
    for kecamatan, rows in sheets:
        sheet = workbook.add_worksheet(_sheet_name(kecamatan, names))
        sheet.write_string(0, 0, safe_cell(f"{title} — Kecamatan {kecamatan}"), heading)
        sheet.write_string(1, 0, "Diisi BPJS Ketenagakerjaan: No. KPJ (11 digit) bila terdaftar, "
                                 "atau Alasan Penolakan bila ditolak.")
        write_table(sheet, bold, HEADERS, (_cells(n, row) for n, row in enumerate(rows, 1)), start_row=HEADER_ROW,
                    widths=WIDTHS)
        # Column formats also cover cells written without one, and cells typed in later (a KPJ, a NIK).
        for col, header in enumerate(HEADERS):
            if header in formats:
                sheet.set_column(col, col, WIDTHS[col], formats[header])
            if header in BPJS_COLUMNS:  # marked for BPJS: the same header, rewritten in a fill colour
                sheet.write_string(HEADER_ROW, col, header, to_fill)
    workbook.close()


def _cells(number: int, row: dict) -> list:
    # write_table writes strings as text (through safe_cell), dates as dates and ints as numbers; a NIK or
    # phone handed over as an int would become a number cell, so those two are always strings.
    return [number] + [
        None if field is None or row.get(field) is None else str(row[field]) if field in TEXT_FIELDS else row[field]
        for _, field, _ in COLUMNS[1:]
    ]


def _sheet_name(name: str, taken: set[str]) -> str:
    """A name Excel accepts: forbidden characters replaced, at most 31 characters, unique regardless of case."""
    base = _FORBIDDEN.sub("-", name).strip(" '") or "Kecamatan"
    candidate, n = base[:SHEET_NAME_MAX].rstrip(" '"), 1
    while candidate.casefold() in taken or candidate.casefold() == "history":  # "History" is reserved by Excel
        n += 1
        suffix = f" ({n})"
        candidate = base[: SHEET_NAME_MAX - len(suffix)].rstrip(" '") + suffix
    taken.add(candidate.casefold())
    return candidate
