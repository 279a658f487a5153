"""P3KE-shaped files made from worker rows, for tests, the benchmark and the demo of the import."""

from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

import polars as pl
import xlsxwriter

from lindung.rules.occupations import OCCUPATIONS

P3KE_INDIVIDU_HEADERS = [
    "ID Keluarga P3KE", "ID Individu", "Provinsi", "Kabupaten/Kota", "Kecamatan", "Desa/Kelurahan", "Kode Kemdagri",
    "Desil Kesejahteraan", "Alamat", "Nama", "NIK", "Padan Dukcapil", "Jenis Kelamin", "Tanggal Lahir",
    "Hubungan dengan Kepala Keluarga", "Status Kawin", "Pekerjaan", "Status Pekerjaan", "Pendidikan",
]
JOB_NAMES = {code: name for code, name, _ in OCCUPATIONS}


def p3ke_individu(people: list[dict[str, Any]]) -> pl.DataFrame:
    """Worker rows (as the demo generator makes them) in the P3KE individual file's layout, all text."""
    return pl.DataFrame(
        {
            "ID Keluarga P3KE": [f"P{p['no_kk']}" for p in people],
            "ID Individu": [f"I{p['nik']}" for p in people],
            "Provinsi": ["BENGKULU"] * len(people),
            "Kabupaten/Kota": ["KAUR"] * len(people),
            "Kecamatan": [p.get("kecamatan", "") for p in people],
            "Desa/Kelurahan": [p.get("desa", "") for p in people],
            "Kode Kemdagri": [p["desa_id"].replace(".", "") for p in people],
            "Desil Kesejahteraan": [str(p["desil"]) for p in people],
            "Alamat": [p["alamat"] for p in people],
            "Nama": [p["nama"].upper() for p in people],
            "NIK": [p["nik"] for p in people],
            "Padan Dukcapil": ["Padan"] * len(people),
            "Jenis Kelamin": ["Laki-laki" if p["jenis_kelamin"] == "L" else "Perempuan" for p in people],
            "Tanggal Lahir": [p["tanggal_lahir"].strftime("%d-%m-%Y") for p in people],
            "Hubungan dengan Kepala Keluarga": ["Kepala Keluarga"] * len(people),
            "Status Kawin": ["Kawin"] * len(people),
            "Pekerjaan": [JOB_NAMES.get(p["pekerjaan_1"], p["pekerjaan_1"]) for p in people],
            "Status Pekerjaan": ["Berusaha sendiri"] * len(people),
            "Pendidikan": ["SD/Sederajat"] * len(people),
        }
    )


def write_xlsx(frame: pl.DataFrame, path: Path, *, title_rows: Sequence[str] = (), number_cells: Collection[tuple[int, str]] = frozenset()) -> Path:
    """Every cell as text, as a careful clerk would, except (frame row index, column) in `number_cells`,
    written as numbers the way Excel stores a NIK typed into a General cell."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Data P3KE")
    for i, title in enumerate(title_rows):
        sheet.write_string(i, 0, title)
    top = len(title_rows)
    for col, name in enumerate(frame.columns):
        sheet.write_string(top, col, name)
    for r, row in enumerate(frame.iter_rows(), start=top + 1):
        for col, (name, value) in enumerate(zip(frame.columns, row)):
            if value is None:
                continue
            if (r - top - 1, name) in number_cells:
                sheet.write_number(r, col, float(value))
            else:
                sheet.write_string(r, col, str(value))
    book.close()
    return path


def plant_defects(frame: pl.DataFrame) -> tuple[pl.DataFrame, set[tuple[int, str]], set[tuple[int, str, str]]]:
    """One mistake of each kind a clerk meets, in the first 14 rows of a P3KE individual frame.

    Returns the frame, the (index, column) cells to write as numbers, and the expected error
    findings as (Excel row with the header on row 1, column, code).
    """
    from datetime import date

    from lindung.rules.nik import make_nik

    p = {c: frame[c].to_list() for c in frame.columns}
    p["NIK"][0] = p["NIK"][0][:15]
    p["Jenis Kelamin"][2] = "Perempuan" if p["Jenis Kelamin"][2] == "Laki-laki" else "Laki-laki"
    born = date.fromisoformat("-".join(reversed(p["Tanggal Lahir"][3].split("-"))))
    p["Tanggal Lahir"][3] = born.replace(year=born.year + 1 if born.year < 2000 else born.year - 1).strftime("%d-%m-%Y")
    p["Kode Kemdagri"][4] = "1704999999"  # no such village in Kaur
    p["Kode Kemdagri"][5] = "1701012001"  # a village of another regency
    p["NIK"][6], p["Tanggal Lahir"][6], p["Jenis Kelamin"][6] = make_nik("17.04.05", date(1955, 6, 1), "L", 501), "01-06-1955", "Laki-laki"
    p["NIK"][7], p["Tanggal Lahir"][7], p["Jenis Kelamin"][7] = make_nik("17.04.05", date(2010, 6, 1), "L", 502), "01-06-2010", "Laki-laki"
    p["Nama"][8] = ""
    p["Pekerjaan"][9] = "Petani/Pekebun; Nelayan; Pedagang Kecil"
    p["Desil Kesejahteraan"][10] = "11"
    p["NIK"][12] = p["NIK"][11]
    p["Tanggal Lahir"][12], p["Jenis Kelamin"][12] = p["Tanggal Lahir"][11], p["Jenis Kelamin"][11]
    expected = {
        (2, "NIK", "nik_length"),
        (3, "NIK", "nik_number_cell"),
        (4, "Jenis Kelamin", "nik_sex_mismatch"),
        (5, "Tanggal Lahir", "nik_birthdate_mismatch"),
        (6, "Kode Kemdagri", "desa_unknown"),
        (7, "Kode Kemdagri", "desa_outside_regency"),
        (8, "Tanggal Lahir", "age_too_old"),
        (9, "Tanggal Lahir", "age_too_young"),
        (10, "Nama", "nama_empty"),
        (11, "Pekerjaan", "pekerjaan_too_many"),
        (12, "Desil Kesejahteraan", "desil_invalid"),
        (14, "NIK", "nik_duplicate_in_file"),
    }
    return pl.DataFrame(p), {(1, "NIK")}, expected
