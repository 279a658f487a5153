"""Reading BPJS Ketenagakerjaan's answer file: KPJ numbers and rejections, with findings by row and column.

Every file is written in tmp_path (xlsx with XlsxWriter, CSV as bytes); no database is needed.
"""

import polars as pl
import pytest

from lindung.pipeline.kpj import TEXT_MAX, read_answer
from lindung.pipeline.readers import ReadError
from lindung.pipeline.schema import FINDINGS_SCHEMA
from tests.factories import write_sheets

NIK_1 = "1704055705800001"  # a woman born 17-05-1980
NIK_2 = "1704051203950002"
NIK_3 = "1704051203950003"
KPJ_1 = "24012345678"
KPJ_2 = "24012345679"
HEADERS = ["No", "NIK", "Nama", "No. KPJ", "Alasan Penolakan"]


def write_csv(path, rows, sep=","):
    path.write_text("\r\n".join(sep.join(row) for row in rows) + "\r\n", encoding="utf-8")
    return path


def answer_of(tmp_path, rows, **kwargs):
    return read_answer(write_sheets(tmp_path / "jawaban.xlsx", {"Hasil": [HEADERS, *rows]}, **kwargs))


def found(answer) -> list[tuple]:
    return answer.findings.select("row", "column", "code").rows()


def test_registrations_and_rejections_under_a_title_row(tmp_path):
    answer = answer_of(tmp_path, [
        ["1", NIK_1, "Siti Aminah", KPJ_1, None],
        ["2", NIK_2, "Budi", None, "NIK tidak padan dengan Dukcapil"],
        [None, None, None, None, None],  # an empty row is dropped, and the row numbers hold
        ["4", "1704 0512 0395 0003", "Rahmat", "240-1234-5680", " "],
    ], top=2)
    assert answer.findings.schema == pl.Schema(FINDINGS_SCHEMA) and answer.findings.is_empty()
    assert answer.headers == {"nik": "NIK", "kpj": "No. KPJ", "reason": "Alasan Penolakan", "nama": "Nama"}
    assert answer.frame.select("sheet", "row", "nik", "kpj", "reason", "valid").rows() == [
        ("Hasil", 4, NIK_1, KPJ_1, None, True),
        ("Hasil", 5, NIK_2, None, "NIK tidak padan dengan Dukcapil", True),
        ("Hasil", 7, NIK_3, "24012345680", None, True),
    ]


def test_nik_problems_name_their_row_and_column(tmp_path):
    answer = answer_of(tmp_path, [
        ["1", None, "Tanpa NIK", KPJ_1, None],
        ["2", "17040512039500", "Pendek", KPJ_2, None],
        ["3", "1704O51203950003", "Huruf O", None, "Data tidak lengkap"],
        ["4", "1704051213950004", "Bulan 13", None, "Data tidak lengkap"],
    ])
    assert found(answer) == [(2, "NIK", "nik_empty"), (3, "NIK", "nik_length"), (4, "NIK", "nik_not_digits"),
                             (5, "NIK", "nik_date")]
    assert answer.frame["valid"].to_list() == [False] * 4
    assert "Huruf O/I/l" in answer.findings["message"][2]


def test_numeric_nik_cell_is_refused_even_when_it_looks_complete(tmp_path):
    answer = answer_of(tmp_path, [["1", int(NIK_2), "Budi", KPJ_1, None]])
    assert found(answer) == [(2, "NIK", "nik_number_cell")]
    assert "Walaupun terlihat 16 digit" in answer.findings["message"][0]
    assert "Format kolom NIK sebagai Teks" in answer.findings["message"][0]


def test_kpj_from_a_number_cell_is_accepted_but_not_in_scientific_notation(tmp_path):
    answer = answer_of(tmp_path, [
        ["1", NIK_1, "Angka", int(KPJ_1), None],
        ["2", NIK_2, "Berpangkat", "2.40123E+10", None],
        ["3", NIK_3, "Huruf", "KPJ-24012345", None],
        ["4", "1704051203950004", "Nol hilang", 1234567890, None],
        ["5", "1704051203950005", "Kepanjangan", "240123456789", None],
    ])
    assert answer.frame["kpj"][0] == KPJ_1
    assert found(answer) == [(3, "No. KPJ", "kpj_scientific"), (4, "No. KPJ", "kpj_not_digits"),
                             (5, "No. KPJ", "kpj_length"), (6, "No. KPJ", "kpj_length")]
    messages = answer.findings["message"].to_list()
    assert "2.40123E+10" in messages[0] and "diawali 0" in messages[2] and "diawali 0" not in messages[3]


def test_a_row_needs_a_kpj_or_a_reason_but_not_both(tmp_path):
    answer = answer_of(tmp_path, [
        ["1", NIK_1, "Kosong", None, None],
        ["2", NIK_2, "Dua-duanya", KPJ_1, "Ditolak: sudah terdaftar di perusahaan"],
        ["3", NIK_3, "Berhasil", KPJ_2, "Berhasil"],
        ["4", "1704051203950004", "OK tanpa KPJ", "-", "OK"],
    ])
    assert found(answer) == [(2, "No. KPJ", "answer_empty"), (3, "Alasan Penolakan", "answer_both"),
                             (5, "No. KPJ", "answer_empty")]
    assert answer.frame.filter(pl.col("row") == 4).select("kpj", "reason", "valid").row(0) == (KPJ_2, None, True)
    assert "Status 'OK' berarti terdaftar" in answer.findings["message"][2]


def test_without_a_reason_column_an_empty_kpj_asks_for_one(tmp_path):
    path = write_sheets(tmp_path / "jawaban.xlsx", {"KPJ": [["NIK", "KPJ"], [NIK_1, KPJ_1], [NIK_2, None]]})
    answer = read_answer(path)
    assert found(answer) == [(3, "KPJ", "answer_empty")]
    assert "tambahkan kolom Alasan Penolakan" in answer.findings["message"][0]


def test_a_positive_status_column_is_a_registration(tmp_path):
    path = write_csv(tmp_path / "status.csv", [["NIK KTP", "Nomor KPJ", "Status"], [NIK_1, KPJ_1, "Terdaftar"],
                                              [NIK_2, "", "Tidak lolos verifikasi"]])
    answer = read_answer(path)
    assert answer.findings.is_empty()
    assert answer.frame.select("nik", "kpj", "reason").rows() == [(NIK_1, KPJ_1, None),
                                                                  (NIK_2, None, "Tidak lolos verifikasi")]


def test_the_same_nik_twice_and_one_kpj_for_two_people(tmp_path):
    answer = answer_of(tmp_path, [
        ["1", NIK_1, "Siti Aminah", KPJ_1, None],
        ["2", NIK_2, "Budi", KPJ_1, None],
        ["3", NIK_1, "Siti A.", KPJ_2, None],
    ])
    assert found(answer) == [(3, "No. KPJ", "kpj_duplicate_in_file"), (4, "NIK", "nik_duplicate_in_file")]
    kpj_message, nik_message = answer.findings["message"].to_list()
    assert f"No. KPJ {KPJ_1} sama dengan baris 2 (Siti Aminah)" in kpj_message
    assert nik_message.startswith("NIK sama dengan baris 2 (Siti Aminah).")


def test_csv_with_semicolons_and_header_spellings(tmp_path):
    path = write_csv(tmp_path / "jawaban.csv", [
        ["Daftar hasil pendaftaran", "", ""],
        ["No. KTP", "No Kartu Peserta", "Alasan Ditolak"],
        [NIK_1, KPJ_1, ""],
        ["1.70405E+15", KPJ_2, ""],
    ], sep=";")
    answer = read_answer(path)
    assert answer.headers == {"nik": "No. KTP", "kpj": "No Kartu Peserta", "reason": "Alasan Ditolak"}
    assert answer.frame["sheet"].to_list() == [None, None]
    assert found(answer) == [(4, "No. KTP", "nik_number_cell")]


def test_every_sheet_is_read_and_messages_name_the_sheet(tmp_path):
    path = write_sheets(tmp_path / "jawaban.xlsx", {
        "Petunjuk": [["Isi kolom No. KPJ untuk peserta yang terdaftar."]],
        "Kaur Selatan": [HEADERS, ["1", NIK_1, "Siti", KPJ_1, None]],
        "Kinal": [HEADERS, ["1", NIK_1, "Siti", KPJ_2, None], ["2", NIK_2, "Budi", None, "Meninggal"]],
    })
    answer = read_answer(path)
    assert answer.frame.select("sheet", "row", "valid").rows() == [
        ("Kaur Selatan", 2, True), ("Kinal", 2, False), ("Kinal", 3, True)]
    assert found(answer) == [(2, "NIK", "nik_duplicate_in_file")]
    assert answer.findings["message"][0].startswith("Lembar Kinal: NIK sama dengan baris 2 lembar Kaur Selatan (Siti).")


def test_hostile_text_does_not_crash_and_the_reason_is_capped(tmp_path):
    answer = answer_of(tmp_path, [
        ["1", "=HYPERLINK(\"http://x\",\"klik\")", "=cmd|' /C calc'!A0", "@SUM(1)", None],
        ["2", NIK_2, "Budi\x00\x07", None, "Ditolak\u202e\u200b" + "x" * 5000],
        ["3", NIK_3, "Rahmat", "2401234567\u200b8", None],
    ])
    assert [code for _, _, code in found(answer)] == ["nik_not_digits", "kpj_not_digits", "kpj_not_digits"]
    reason = answer.frame["reason"][1]
    assert len(reason) == TEXT_MAX and reason.startswith("Ditolak x") and reason.endswith("…")
    assert answer.frame["nama"][1] == "Budi"


def refused(path) -> ReadError:
    with pytest.raises(ReadError) as caught:
        read_answer(path)
    return caught.value


def test_unreadable_files_are_refused_with_a_reason(tmp_path):
    (tmp_path / "kosong.xlsx").write_bytes(b"")
    (tmp_path / "hasil.xlsx").write_bytes(b"%PDF-1.7\n" + b"\x00" * 100)
    assert refused(tmp_path / "kosong.xlsx").code == "empty_file"
    pdf = refused(tmp_path / "hasil.xlsx")
    assert pdf.code == "pdf" and "BPJS Ketenagakerjaan" in str(pdf)


def test_missing_nik_or_kpj_column_is_refused(tmp_path):
    no_nik = refused(write_csv(tmp_path / "a.csv", [["Nama", "No. KPJ"], ["Siti", KPJ_1]]))
    no_header = refused(write_csv(tmp_path / "b.csv", [["Kolom A", "Kolom B"], ["x", "y"]]))
    no_kpj = refused(write_sheets(tmp_path / "c.xlsx", {"Hasil": [["NIK", "Nama", "Keterangan"], [NIK_1, "Siti", "-"]]}))
    assert (no_nik.code, no_header.code, no_kpj.code) == ("no_nik_column", "no_nik_column", "no_kpj_column")
    assert "No. KPJ" in str(no_kpj)


def test_header_without_rows_is_refused(tmp_path):
    assert refused(write_csv(tmp_path / "a.csv", [HEADERS, ["", "", "", "", ""]])).code == "no_rows"
