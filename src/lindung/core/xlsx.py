"""Excel output shared by every export: cells that cannot turn into formulas, sensible widths."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Neutralise text that a spreadsheet would run as a formula (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_table(sheet, header_format, headers: list[str], rows, *, start_row: int = 0, widths: list[int] | None = None):
    """Headers and rows as text-safe cells; returns the next free row."""
    for col, title in enumerate(headers):
        sheet.write_string(start_row, col, title, header_format)
        sheet.set_column(col, col, (widths or [])[col] if widths and col < len(widths) else max(12, len(title) + 2))
    row_index = start_row
    for row_index, row in enumerate(rows, start=start_row + 1):
        for col, value in enumerate(row):
            value = safe_cell(value)
            if value is None:
                continue
            if isinstance(value, str):
                sheet.write_string(row_index, col, value)
            else:
                sheet.write(row_index, col, value)
    sheet.freeze_panes(start_row + 1, 0)
    return row_index + 1
