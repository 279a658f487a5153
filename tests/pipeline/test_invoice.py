"""Reading BPJS's invoice or payment report, and comparing it with our bill: findings by sheet, row and column.

Files are made as bytes (xlsx with XlsxWriter into tmp_path, CSV as text); no database is needed.
"""

import polars as pl
import pytest

from lindung.pipeline.invoice import compare, read_invoice
from lindung.pipeline.readers import ReadError
from lindung.pipeline.schema import FINDINGS_SCHEMA
from tests.factories import write_sheets

NIK_1 = "1704055705800001"
NIK_2 = "1704051203950002"
NIK_3 = "1704051203950003"
KPJ_1, KPJ_2, KPJ_3 = "24012345678", "24012345679", "24012345680"
HEADERS = ["No", "No. KPJ", "NIK", "Nama", "Jumlah"]


def xlsx(tmp_path, sheets, **kwargs) -> bytes:
    return write_sheets(tmp_path / "tagihan.xlsx", sheets, **kwargs).read_bytes()


def csv(rows, sep=";") -> bytes:
    return ("\r\n".join(sep.join(row) for row in rows) + "\r\n").encode()


def found(invoice) -> list[tuple]:
    return invoice.findings.select("row", "column", "code").rows()


def test_an_xlsx_under_title_rows_with_every_amount_format(tmp_path):
    invoice = read_invoice(xlsx(tmp_path, {"Rincian": [HEADERS,
        ["1", KPJ_1, NIK_1, "Siti Aminah", "Rp 16.800"],
        ["2", KPJ_2, NIK_2, "Budi", 16800.0],  # a number cell
        ["3", KPJ_3, None, "Rahmat", "16800"],
        ["4", None, NIK_3, "Tanpa KPJ", "Rp16.800,00"],
        ["5", "24012345681", None, "Koma", "16,800"],
        [None, None, None, "TOTAL", 84000],  # the summary line is no member
    ]}, top=2))
    assert invoice.findings.schema == pl.Schema(FINDINGS_SCHEMA) and invoice.findings.is_empty()
    assert invoice.headers == {"kpj": "No. KPJ", "nik": "NIK", "nama": "Nama", "total": "Jumlah"}
    assert invoice.frame.select("sheet", "row", "kpj", "nik", "amount").rows() == [
        ("Rincian", 4, KPJ_1, NIK_1, 16_800), ("Rincian", 5, KPJ_2, NIK_2, 16_800), ("Rincian", 6, KPJ_3, None, 16_800),
        ("Rincian", 7, None, NIK_3, 16_800), ("Rincian", 8, "24012345681", None, 16_800)]
    assert invoice.total == 5 * 16_800


def test_a_csv_with_jkk_jkm_and_jht_columns_is_summed():
    invoice = read_invoice(csv([
        ["Laporan Pembayaran Iuran BPU", "", "", "", "", ""],
        ["KPJ", "Nama Peserta", "NIK", "Iuran JKK", "Iuran JKM", "Iuran JHT"],
        [KPJ_1, "Siti", NIK_1, "10.000", "6.800", ""],
        [KPJ_2, "Budi", NIK_2, "10000", "6800", "20000"],
    ]))
    assert invoice.findings.is_empty()
    assert invoice.frame.select("row", "kpj", "amount").rows() == [(3, KPJ_1, 16_800), (4, KPJ_2, 36_800)]


def test_the_total_column_wins_over_its_parts_and_any_sheet_with_the_columns_is_read(tmp_path):
    invoice = read_invoice(xlsx(tmp_path, {
        "Petunjuk": [["Baca dulu"], ["Tagihan ini dibuat otomatis."]],
        "Kinal": [["No. KPJ", "Nama", "JKK", "JKM", "Total Iuran"], [KPJ_1, "Siti", "10000", "6800", "16800"]],
        "Nasal": [["No. KPJ", "Nama", "JKK", "JKM", "Total Iuran"], [KPJ_2, "Budi", "10000", "6800", "abc"]],
    }))
    assert invoice.frame.select("sheet", "kpj", "amount").rows()[0] == ("Kinal", KPJ_1, 16_800)
    assert found(invoice) == [(2, "Total Iuran", "total_invalid")]
    assert invoice.findings["message"][0].startswith("Lembar Nasal: Kolom Total Iuran berisi 'abc'")


@pytest.mark.parametrize("amount, code", [
    ("16.8", "total_invalid"), ("16800,5", "total_invalid"), ("-16800", "total_invalid"), ("1.68E+04", "total_scientific"),
    ("16.80.0", "total_invalid"), ("", "total_empty"), ("Rp", "total_empty"), ("1" * 13, "total_invalid"),
    ("16 800 ribu", "total_invalid"),
])
def test_an_amount_that_is_not_whole_rupiah_is_refused_by_row_and_column(amount, code):
    invoice = read_invoice(csv([["No. KPJ", "Nama", "Jumlah"], [KPJ_1, "Siti", amount]]))
    assert found(invoice) == [(2, "Jumlah", code)]


def test_a_missing_jkm_is_refused_and_an_empty_jht_is_nothing():
    invoice = read_invoice(csv([["No. KPJ", "Nama", "JKK", "JKM", "JHT"], [KPJ_1, "Siti", "10000", "", ""]]))
    assert found(invoice) == [(2, "JKM", "jkm_empty")]


def test_a_nik_excel_destroyed_is_refused_even_when_it_looks_whole(tmp_path):
    invoice = read_invoice(xlsx(tmp_path, {"Tagihan": [HEADERS,
        ["1", KPJ_1, int(NIK_1), "Angka", "16800"],
        ["2", KPJ_2, "1.70405E+15", "Berpangkat", "16800"],
        ["3", KPJ_3, "17040512039500", "Pendek", "16800"],
        ["4", "24012345681", "1704O51203950003", "Huruf O", "16800"],
    ]}))
    assert found(invoice) == [(2, "NIK", "nik_number_cell"), (3, "NIK", "nik_number_cell"), (4, "NIK", "nik_length"),
                              (5, "NIK", "nik_not_digits")]
    messages = invoice.findings["message"].to_list()
    assert "Walaupun terlihat 16 digit" in messages[0] and "Format kolom NIK sebagai Teks" in messages[0]
    assert "Huruf O/I/l" in messages[3]


def test_a_ten_digit_kpj_hints_at_the_lost_leading_zero(tmp_path):
    invoice = read_invoice(xlsx(tmp_path, {"Tagihan": [HEADERS,
        ["1", 4012345678, NIK_1, "Nol hilang", "16800"],
        ["2", "2.40123E+10", NIK_2, "Berpangkat", "16800"],
        ["3", "KPJ-2401234", NIK_3, "Huruf", "16800"],
    ]}))
    assert found(invoice) == [(2, "No. KPJ", "kpj_length"), (3, "No. KPJ", "kpj_scientific"),
                              (4, "No. KPJ", "kpj_not_digits")]
    assert "diawali 0" in invoice.findings["message"][0]


def test_a_row_needs_a_kpj_or_a_nik_and_nobody_may_be_billed_twice():
    invoice = read_invoice(csv([
        ["No. KPJ", "NIK", "Nama", "Jumlah"],
        [KPJ_1, NIK_1, "Siti", "16800"],
        ["", "", "Tanpa Nomor", "16800"],
        [KPJ_1, NIK_2, "KPJ ganda", "16800"],
        [KPJ_2, NIK_1, "NIK ganda", "16800"],
        [KPJ_1, NIK_1, "Siti lagi", "16800"],  # both repeat: said once, by the KPJ
    ]))
    assert found(invoice) == [(3, "No. KPJ", "id_empty"), (4, "No. KPJ", "kpj_duplicate_in_file"),
                              (5, "NIK", "nik_duplicate_in_file"), (6, "No. KPJ", "kpj_duplicate_in_file")]
    assert "sama dengan baris 2 (Siti)" in invoice.findings["message"][1]


@pytest.mark.parametrize("content, code", [
    (b"", "empty_file"),
    (b"%PDF-1.7 tagihan", "pdf"),
    (b"\x00\x01\x02binary", "not_a_table"),
    (b"Nama;Alamat\nSiti;Bintuhan\n", "no_id_column"),
    (b"No. KPJ;Nama;JKK\n24012345678;Siti;10000\n", "no_amount_column"),
    (b"No. KPJ;Nama;Jumlah\n", "no_rows"),
])
def test_a_file_without_the_columns_or_rows_is_refused_with_a_reason(content, code):
    with pytest.raises(ReadError) as caught:
        read_invoice(content)
    assert caught.value.code == code
    if code == "no_amount_column":
        assert "ada kolom JKK, tetapi pasangannya tidak" in str(caught.value)


def test_hostile_strings_are_kept_as_harmless_text(tmp_path):
    invoice = read_invoice(xlsx(tmp_path, {"Tagihan": [HEADERS,
        ["1", KPJ_1, NIK_1, "=HYPERLINK(\"http://x\")\u202e<script>alert(1)</script>\x00" + "x" * 300, "16800"],
        ["2", KPJ_2, NIK_2, "Budi", "=1+1"],
    ]}))
    assert found(invoice) == [(3, "Jumlah", "total_invalid")]
    nama = invoice.frame["nama"][0]
    assert len(nama) == 200 and "\u202e" not in nama and "\x00" not in nama  # stored as text, shown escaped
    assert "'=1+1'" in invoice.findings["message"][0]


OURS = pl.DataFrame({
    "nik": [NIK_1, NIK_2, NIK_3, "1704051203950004"],
    "kpj": [KPJ_1, KPJ_2, "", KPJ_3],
    "nama": ["Siti", "Budi", "Rahmat", "Rudi"],
    "desa_code": ["17.04.05.1013", "17.04.05.2009", "17.04.01.2001", "17.04.01.2001"],
    "amount": [16_800] * 4,
})


def test_compare_pairs_on_the_kpj_else_on_the_nik():
    theirs = pl.DataFrame({
        "nik": [None, NIK_2, NIK_3, "1704051203950004", None],
        "kpj": [KPJ_1, "24099999999", "24012345690", None, "24012345699"],
        "nama": ["SITI", "BUDI", "RAHMAT", "RUDI", "ORANG LAIN"],
        "amount": [16_800, 16_800, 36_800, 16_800, 16_800],
    })
    found = compare(OURS, theirs, "17.04")
    # Siti by KPJ; Rahmat by NIK (we have no KPJ) with another amount; Rudi by NIK (they have no KPJ);
    # Budi's KPJs differ, so BPJS's line is not ours even with his NIK.
    assert found.matched == 2
    assert found.differences.rows() == [
        ("amount_differs", NIK_3, "24012345690", "Rahmat", "17.04.01.2001", 16_800, 36_800),
        ("only_ours", NIK_2, KPJ_2, "Budi", "17.04.05.2009", 16_800, None),
        ("only_theirs", NIK_2, "24099999999", "BUDI", "17.04", None, 16_800),
        ("only_theirs", None, "24012345699", "ORANG LAIN", "17.04", None, 16_800),
    ]
    assert (found.ours_total, found.theirs_total) == (4 * 16_800, 5 * 16_800 + 20_000)
    assert [found.count(k) for k in ("amount_differs", "only_ours", "only_theirs")] == [1, 1, 2]


def test_compare_with_nothing_on_one_side():
    empty = pl.DataFrame(schema={"nik": pl.Utf8, "kpj": pl.Utf8, "nama": pl.Utf8, "amount": pl.Int64})
    found = compare(OURS, empty, "17.04")
    assert (found.matched, found.count("only_ours"), found.theirs_total) == (0, 4, 0)
