"""`lindung match`: the command prints the outcomes and the summary (or one JSON object) and writes the files."""

import json
from io import StringIO

import polars as pl
import pytest
from django.core.management import CommandError, call_command

from tests.matching.conftest import EXACT, INVALID, NAMES, PROBABLE

pytestmark = pytest.mark.django_db


def match(*args: str) -> str:
    out = StringIO()
    call_command("match", *args, "--area", "17", "--start", "2025-01-01", stdout=out)
    return out.getvalue()


def test_json_summary_errors_and_files(tmp_path, files):
    out = tmp_path / "out"
    report = json.loads(match(str(files["register_csv"]), str(files["members_parquet"]), "--out", str(out),
                              "--for-import", "--json"))
    assert report["rows"] == len(NAMES)
    assert (report["exact"], report["probable"], report["invalid"]) == (len(EXACT), 1, 1)
    assert report["not_covered"] == len(NAMES) - len(EXACT) - 2
    assert sum(row["total"] for row in report["summary"]) == len(NAMES)
    assert {row["regency"] for row in report["summary"]} == {"17.01", "17.04"}
    assert report["errors"] == [{"row": INVALID + 2, "column": "NIK", "code": "nik_length",
                                 "message": "NIK harus 16 digit, yang diisi 15 digit."}]
    [probable] = report["probable_matches"]
    assert probable["row"] == PROBABLE + 2 and probable["kpj"] == "24000000055"
    assert "nik (beda satu digit)" in probable["agree"]
    assert sorted(p.split("/")[-2] for p in report["out"]) == ["regency=17.01", "regency=17.04"]
    people = pl.read_parquet(out / "regency=17.04" / "0.parquet")
    assert set(people["regency"]) == {"17.04"}
    assert sorted(p.split("/")[-1] for p in report["for_import"]) == ["17.01.csv", "17.04.csv"]


def test_printed_summary_in_indonesian(files):
    text = match(str(files["register_parquet"]), str(files["members_csv"]))
    assert "belum terlindungi" in text and "kemungkinan cocok" in text
    assert f"Baris {INVALID + 2}, kolom NIK: NIK harus 16 digit" in text


def test_a_members_file_without_the_columns_is_refused(tmp_path, files):
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("Nomor;Keterangan\n1;aktif\n")
    with pytest.raises(CommandError, match="Kolom wajib tidak ditemukan di daftar peserta: NIK, Nama, Tanggal Lahir"):
        match(str(files["register_csv"]), str(wrong))
