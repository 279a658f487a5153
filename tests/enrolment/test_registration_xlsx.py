"""The registration file for BPJS Ketenagakerjaan: text NIKs, real dates, no formulas, and it reads back."""

import io
from datetime import date, datetime

import openpyxl
import polars as pl

from lindung.enrolment.registration_xlsx import HEADERS, write_registration
from lindung.pipeline.kpj import read_answer

HOSTILE = '=HYPERLINK("http://contoh.invalid","klik")'


def person(nik: str, nama: str, desa: str, kecamatan: str, **extra) -> dict:
    return {
        "nik": nik, "nama": nama, "tanggal_lahir": date(1980, 5, 17), "jenis_kelamin": "P", "alamat": "Jl. Pasar 3",
        "desa": desa, "kecamatan": kecamatan, "pekerjaan": "Petani", "penghasilan": 1_000_000,
        "program": "JKK, JKM", "telepon": "081234567890", "tanggal_mulai": date(2026, 12, 1), **extra,
    }


SHEETS = [
    ("Kaur Selatan", [person("1704055705800001", "Siti Aminah", "Bandar Bintuhan", "Kaur Selatan"),
                      person("1704051203950002", HOSTILE, "Sekunyit", "Kaur Selatan", jenis_kelamin="L")]),
    ("Tetap/Semidang: Gumay [Ulu] Kabupaten Kaur", [person("1704061203950003", "Rahmat", "Gedung Wani", "Tetap")]),
]
TITLE = "Pendaftaran Peserta BPU — Program Kaur Terlindungi 2026 — dibuat 24-11-2026"


def written(tmp_path, sheets=SHEETS):
    path = tmp_path / "pendaftaran.xlsx"
    write_registration(path, sheets, title=TITLE)
    return path


def test_one_sheet_per_kecamatan_with_a_name_excel_accepts(tmp_path):
    workbook = openpyxl.load_workbook(written(tmp_path))
    assert workbook.sheetnames == ["Kaur Selatan", "Tetap-Semidang- Gumay -Ulu- Kab"]
    sheet = workbook["Kaur Selatan"]
    assert sheet["A1"].value == f"{TITLE} — Kecamatan Kaur Selatan"
    assert [c.value for c in sheet[3]] == HEADERS
    assert sheet.freeze_panes == "A4"


def test_sheet_names_stay_unique_and_short():
    out = io.BytesIO()
    long = "Kecamatan Dengan Nama Yang Sangat Panjang Sekali"
    write_registration(out, [("Kinal", []), ("KINAL", []), (long, []), (long, []), ("'History'", [])], title="X")
    names = openpyxl.load_workbook(io.BytesIO(out.getvalue())).sheetnames
    assert names == ["Kinal", "KINAL (2)", long[:31], "Kecamatan Dengan Nama Yang (2)", "History (2)"]


def test_cells_are_typed_for_excel(tmp_path):
    sheet = openpyxl.load_workbook(written(tmp_path))["Kaur Selatan"]
    column = {header: i + 1 for i, header in enumerate(HEADERS)}
    nik = sheet.cell(4, column["NIK"])
    assert (nik.value, nik.data_type, nik.number_format) == ("1704055705800001", "s", "@")
    phone = sheet.cell(4, column["No. HP"])
    assert (phone.value, phone.data_type) == ("081234567890", "s")
    born = sheet.cell(4, column["Tanggal Lahir"])
    assert born.is_date and born.value == datetime(1980, 5, 17) and born.number_format == "dd-mm-yyyy"
    assert sheet.cell(4, column["Tanggal Mulai Kepesertaan"]).value == datetime(2026, 12, 1)
    income = sheet.cell(4, column["Penghasilan (Rp)"])
    assert (income.value, income.number_format) == (1_000_000, "#,##0")
    assert [sheet.cell(r, 1).value for r in (4, 5)] == [1, 2]
    # Left for BPJS: empty, and text-formatted so a typed KPJ keeps a leading 0.
    assert sheet.cell(4, column["No. KPJ"]).value is None
    assert sheet.column_dimensions[openpyxl.utils.get_column_letter(column["No. KPJ"])].number_format == "@"


def test_formula_looking_text_is_neutralised(tmp_path):
    sheet = openpyxl.load_workbook(written(tmp_path))["Kaur Selatan"]
    name = sheet.cell(5, HEADERS.index("Nama Lengkap") + 1)
    assert (name.value, name.data_type) == ("'" + HOSTILE, "s")
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_the_file_filled_in_by_bpjs_reads_back(tmp_path):
    path = written(tmp_path)
    workbook = openpyxl.load_workbook(path)
    kpj, reason = HEADERS.index("No. KPJ") + 1, HEADERS.index("Alasan Penolakan") + 1
    first, second = workbook.worksheets
    first.cell(4, kpj).value = "24012345678"
    first.cell(5, reason).value = "NIK tidak padan dengan data Dukcapil"
    second.cell(4, kpj).value = 24012345679  # typed into a cell Excel had not formatted: a number, still exact
    workbook.save(path)

    answer = read_answer(path)
    assert answer.findings.is_empty()
    assert answer.headers == {"nik": "NIK", "kpj": "No. KPJ", "reason": "Alasan Penolakan", "nama": "Nama Lengkap"}
    assert answer.frame.select("sheet", "row", "nik", "kpj", "reason").rows() == [
        ("Kaur Selatan", 4, "1704055705800001", "24012345678", None),
        ("Kaur Selatan", 5, "1704051203950002", None, "NIK tidak padan dengan data Dukcapil"),
        ("Tetap-Semidang- Gumay -Ulu- Kab", 4, "1704061203950003", "24012345679", None),
    ]
    assert answer.frame.filter(pl.col("row") == 5)["nama"][0] == "'" + HOSTILE


def test_an_unanswered_file_reads_back_with_a_finding_per_row(tmp_path):
    answer = read_answer(written(tmp_path))
    assert answer.findings.select("row", "column", "code").rows() == [
        (4, "No. KPJ", "answer_empty"), (5, "No. KPJ", "answer_empty"), (4, "No. KPJ", "answer_empty")]
    assert answer.findings["message"][2].startswith("Lembar Tetap-Semidang- Gumay -Ulu- Kab: Kolom No. KPJ dan")
