"""One table as an xlsx, for the list exports: text-safe cells (core.xlsx), NIK/phone/KPJ columns formatted as
text so a typed-in correction keeps its digits, dates as dates."""

import io
from collections.abc import Iterable

import xlsxwriter

from .xlsx import safe_cell, write_table

TEXT_HEADERS = frozenset({"NIK", "No. HP", "Telepon", "No. KPJ", "KPJ"})


def table_workbook(sheet_name: str, headers: list[str], rows: Iterable[list], *, title: str = "",
                   widths: list[int] | None = None) -> bytes:
    """``rows`` of values in ``headers`` order; a NIK (or phone, KPJ) must be given as a str: it is written as text."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = book.add_format({"bold": True, "border": 1, "text_wrap": True, "valign": "top", "bg_color": "#E8F0EC"})
    text = book.add_format({"num_format": "@"})
    dates = book.add_format({"num_format": "dd-mm-yyyy"})
    sheet = book.add_worksheet(sheet_name[:31])
    start = 0
    if title:
        sheet.write_string(0, 0, safe_cell(title), book.add_format({"bold": True}))
        start = 2
    rows = list(rows)
    write_table(sheet, bold, headers, rows, start_row=start, widths=widths)
    for col, header in enumerate(headers):
        width = widths[col] if widths and col < len(widths) else max(12, len(header) + 2)
        if header in TEXT_HEADERS:
            sheet.set_column(col, col, width, text)
        elif rows and any(hasattr(r[col], "isoformat") for r in rows[:50] if col < len(r)):
            sheet.set_column(col, col, width, dates)
    book.close()
    return out.getvalue()
