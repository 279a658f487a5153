"""Reading BPJS's member status file: the last month paid however BPJS writes it, findings by row and column."""

from datetime import date

import polars as pl
import pytest
import xlsxwriter

from lindung.pipeline.bpjs_status import parse_month, read_status
from lindung.pipeline.readers import ReadError
from lindung.pipeline.schema import FINDINGS_SCHEMA
from lindung.rules.contributions import Month

NIK = "1704055705800001"
KPJ_1, KPJ_2 = "25000000001", "25000000002"


@pytest.mark.parametrize("text", ["2025-05", "2025/5", "Mei 2025", "mei-25", "MAY 2025", "05/2025", "5-2025",
                                  "2025-05-01 00:00:00", "2025-05-31", "01/05/2025", "202505", "45778", "45778.0"])
def test_every_way_of_writing_may_2025(text):
    assert parse_month(text) == Month(2025, 5)


@pytest.mark.parametrize("text", ["2025-13", "Mai 2025", "13/2025", "1899-05", "kemarin", "5"])
def test_a_month_that_is_not_one_says_how_to_write_it(text):
    with pytest.raises(ValueError, match="2025-05"):
        parse_month(text)


def write_xlsx(path, rows, headers=("No. KPJ", "NIK", "Nama", "Status", "Bulan Terakhir Dibayar")):
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Peserta")
    sheet.write_string(0, 0, "Status Kepesertaan BPU")
    for c, h in enumerate(headers):
        sheet.write_string(1, c, h)
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row):
            if isinstance(value, date):
                sheet.write_datetime(r, c, value, book.add_format({"num_format": "dd/mm/yyyy"}))
            elif isinstance(value, (int, float)):
                sheet.write_number(r, c, value)
            elif value is not None:
                sheet.write_string(r, c, value)
    book.close()
    return path


def test_a_clean_file_with_a_date_cell_and_a_kpj_only_row(tmp_path):
    status = read_status(write_xlsx(tmp_path / "s.xlsx", [
        [KPJ_1, NIK, "Siti Aminah", "Aktif", date(2025, 5, 1)],
        [KPJ_2, None, "Budi", "Non Aktif", "Feb 2025"],
        [None, "1704051203950002", "Rahmat", "Meninggal Dunia", None],
    ]))
    assert status.findings.schema == pl.Schema(FINDINGS_SCHEMA) and status.findings.is_empty()
    assert status.headers["last_paid"] == "Bulan Terakhir Dibayar"
    assert status.frame.select("row", "kpj", "nik", "status", "last_paid", "valid").rows() == [
        (3, KPJ_1, NIK, "aktif", "2025-05", True),
        (4, KPJ_2, None, "nonaktif", "2025-02", True),
        (5, None, "1704051203950002", "meninggal", None, True),
    ]


def test_wrong_rows_are_named_by_row_and_column(tmp_path):
    status = read_status(write_xlsx(tmp_path / "s.xlsx", [
        [KPJ_1, None, "Baik", "Aktif", "2025-05"],
        ["2500000001", None, "KPJ pendek", "Aktif", "2025-05"],
        [KPJ_1, None, "KPJ ganda", "Aktif", "2025-05"],
        [None, None, "Tanpa nomor", "Aktif", "2025-05"],
        [KPJ_2, None, "Status aneh", "Cuti", "2025-05"],
        ["25000000003", "17040512039500", "NIK pendek", "Aktif", "2025-05"],
        ["25000000004", None, "Bulan salah", "Aktif", "Mai 2025"],
    ]))
    assert status.findings.select("row", "column", "code").rows() == [
        (4, "No. KPJ", "kpj_length"), (5, "No. KPJ", "kpj_duplicate_in_file"), (6, "No. KPJ", "no_member_number"),
        (7, "Status", "status_unknown"), (8, "NIK", "nik_length"), (9, "Bulan Terakhir Dibayar", "month_invalid"),
    ]
    assert status.frame["valid"].to_list() == [True] + [False] * 6
    assert "baris 3" in status.findings["message"][1]


def test_a_csv_with_semicolons_and_a_nik_column_only(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text(f"NIK;Nama;Status Peserta;Iuran Terakhir\r\n{NIK};Siti;AKTIF;05/2025\r\n", encoding="utf-8")
    status = read_status(path)
    assert status.findings.is_empty()
    assert status.frame.select("nik", "status", "last_paid").rows() == [(NIK, "aktif", "2025-05")]


def test_a_file_without_the_needed_columns_or_a_pdf_is_refused(tmp_path):
    with pytest.raises(ReadError, match="Bulan Terakhir Dibayar"):
        read_status(write_xlsx(tmp_path / "s.xlsx", [[KPJ_1, "x"]], headers=("No. KPJ", "Nama")))
    pdf = tmp_path / "s.pdf"
    pdf.write_bytes(b"%PDF-1.4 ...")
    with pytest.raises(ReadError, match="PDF"):
        read_status(pdf)
