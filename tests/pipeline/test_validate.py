"""lindung.pipeline.validate: one planted defect per finding code, clean rows, agreement with
rules.nik, and random rows."""

from dataclasses import replace
from datetime import date

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lindung.pipeline.schema import FIELDS, FINDINGS_SCHEMA
from lindung.pipeline.validate import Context, validate
from lindung.rules.nik import make_nik, parse_nik

START = date(2025, 6, 1)
CTX = Context(
    regency="17.04",
    villages=frozenset({"17.04.05.2009", "17.04.05.1013", "17.04.01.2001"}),
    occupations={"petani": "petani", "petani/pekebun": "petani", "nelayan": "nelayan", "buruh": "buruh"},
    start=START,
    known_region={"17", "17.04.05", "17.04.01"}.__contains__,
)
# "hubungan" and "miskin_ekstrem" are left out: findings fall back to the canonical name.
HEADERS = {
    "nik": "NIK", "no_kk": "No. KK", "nama": "Nama Lengkap", "jenis_kelamin": "JK",
    "tempat_lahir": "Tempat Lahir", "tanggal_lahir": "Tgl Lahir", "kode_desa": "Kode Desa",
    "alamat": "Alamat", "telepon": "No HP", "pekerjaan": "Pekerjaan", "desil": "Desil",
    "id_keluarga": "ID Keluarga",
}
MAN = {
    "nik": "1704051707800001", "no_kk": "1704051203090001", "nama": "Budi Santoso",
    "jenis_kelamin": "L", "tempat_lahir": "Bintuhan", "tanggal_lahir": "17-07-1980",
    "kode_desa": "1704052009", "alamat": "Jl. Raya 1", "telepon": "081234567890",
    "pekerjaan": "petani", "desil": "1", "miskin_ekstrem": "ya", "id_keluarga": "K001",
    "hubungan": "Kepala Keluarga",
}
WOMAN = MAN | {"nik": "1704054508950001", "nama": "Siti Aminah", "jenis_kelamin": "P",
               "tanggal_lahir": "05-08-1995", "hubungan": "Istri"}


def frame(rows: list[dict]) -> pl.DataFrame:
    """A canonical frame; the first row is spreadsheet row 2, below the header."""
    return pl.DataFrame(
        {
            **{f: pl.Series(f, [r.get(f) for r in rows], pl.Utf8) for f in FIELDS},
            "row": pl.Series("row", range(2, len(rows) + 2), pl.Int64),
            "nik_number_cell": pl.Series([r.get("nik_number_cell", False) for r in rows], dtype=pl.Boolean),
        }
    )


def run(rows: list[dict], ctx: Context = CTX, headers: dict[str, str] = HEADERS):
    return validate(frame(rows), headers, ctx)


def woman(born: date, serial: int = 7) -> dict:
    return WOMAN | {"nik": make_nik("17.04.05", born, "P", serial), "tanggal_lahir": f"{born:%d-%m-%Y}"}


# (the defect planted in a woman's row, code, severity, column header, part of the message)
DEFECTS = [
    ({"nik": " - "}, "nik_empty", "error", "NIK", "NIK kosong"),
    ({"nik": "1704054508950001", "nik_number_cell": True}, "nik_number_cell", "error", "NIK",
     "Walaupun terlihat 16 digit"),
    ({"nik": "17040545O8950001"}, "nik_not_digits", "error", "NIK", "karakter 'O' di posisi ke-9"),
    ({"nik": "170405450895001"}, "nik_length", "error", "NIK", "yang diisi 15 digit"),
    ({"nik": "1704057208950001"}, "nik_date", "error", "NIK", "adalah 72"),
    ({"nik": "1704054508950000"}, "nik_serial", "error", "NIK", "0000"),
    ({"nik": "1704994508950001"}, "nik_region_unknown", "warning", "NIK", "17.04.99"),
    ({"jenis_kelamin": "L"}, "nik_sex_mismatch", "error", "JK", "kolom JK berisi L"),
    ({"tanggal_lahir": "06-08-1995"}, "nik_birthdate_mismatch", "error", "Tgl Lahir", "06-08-1995"),
    ({"nik": MAN["nik"], "jenis_kelamin": "L", "tanggal_lahir": "17-07-1980"},
     "nik_duplicate_in_file", "error", "NIK", "NIK sama dengan baris 2"),
    ({"tanggal_lahir": "31-02-1995"}, "tanggal_lahir_invalid", "error", "Tgl Lahir", "'31-02-1995'"),
    ({"jenis_kelamin": "X"}, "jenis_kelamin_invalid", "error", "JK", "'X'"),
    ({"kode_desa": "1704059999"}, "desa_unknown", "error", "Kode Desa", "'1704059999'"),
    ({"kode_desa": "17.05.05.2009"}, "desa_outside_regency", "error", "Kode Desa", "17.05.05.2009"),
    (woman(date(1960, 6, 1)), "age_too_old", "error", "Tgl Lahir", "berumur 65 tahun"),
    (woman(date(2007, 6, 2)), "age_too_young", "error", "Tgl Lahir", "berumur 17 tahun"),
    ({"nama": "  "}, "nama_empty", "error", "Nama Lengkap", "Nama kosong"),
    ({"pekerjaan": "petani; nelayan, buruh"}, "pekerjaan_too_many", "error", "Pekerjaan", "Ada 3"),
    ({"pekerjaan": "petani, astronot"}, "pekerjaan_unknown", "warning", "Pekerjaan", "astronot"),
    ({"desil": "11"}, "desil_invalid", "error", "Desil", "'11'"),
    ({"miskin_ekstrem": "mungkin"}, "miskin_ekstrem_invalid", "warning", "miskin_ekstrem", "'mungkin'"),
    ({"telepon": "12345"}, "telepon_invalid", "warning", "No HP", "'12345'"),
    ({"no_kk": "1.70405E+15"}, "no_kk_number_cell", "warning", "No. KK", "Format kolom No. KK sebagai Teks"),
    ({"telepon": "8.12346E+10"}, "telepon_number_cell", "warning", "No HP", "Format kolom No HP sebagai Teks"),
]


@pytest.mark.parametrize("defect, code, severity, column, says", DEFECTS, ids=[d[1] for d in DEFECTS])
def test_each_planted_defect_gives_exactly_its_finding(defect, code, severity, column, says):
    typed, findings = run([MAN, WOMAN | defect])
    assert findings.select("row", "column", "code", "severity").rows() == [(3, column, code, severity)]
    assert says in findings["message"][0]
    assert typed["valid"].to_list() == [True, severity == "warning"]


def test_clean_rows_in_every_accepted_form():
    rows = [
        MAN,
        MAN | {"nik": "1704 0517 0780 0002", "nama": "  budi   santoso ", "jenis_kelamin": "laki-laki",
               "tanggal_lahir": "17/07/1980", "kode_desa": "17.04.05.2009", "telepon": "+62 812-3456-7890",
               "pekerjaan": "Petani/Pekebun", "desil": "1.0", "miskin_ekstrem": "Tidak", "hubungan": "-"},
        MAN | {"nik": "1704051707800003", "jenis_kelamin": "LK", "tanggal_lahir": "1980-07-17",
               "telepon": "6281234567890", "pekerjaan": "petani; Nelayan", "miskin_ekstrem": None},
        MAN | {"nik": "1704051707800004", "jenis_kelamin": "1", "tanggal_lahir": "1980-07-17 00:00:00",
               "telepon": None, "desil": None},
        MAN | {"nik": "1704051707800005", "tanggal_lahir": "29419"},  # Excel's serial for 17-07-1980
        WOMAN | {"jenis_kelamin": "Perempuan"},
        WOMAN | {"nik": "1704054508950002", "jenis_kelamin": "pr"},
        WOMAN | {"nik": "1704054508950003", "jenis_kelamin": "2"},
    ]
    typed, findings = run(rows)
    assert findings.is_empty()
    assert findings.schema == pl.Schema(FINDINGS_SCHEMA)
    assert typed["valid"].all() and typed["row"].to_list() == list(range(2, 10))
    assert typed["tanggal_lahir"].to_list()[:5] == [date(1980, 7, 17)] * 5
    assert typed["jenis_kelamin"].to_list() == ["L"] * 5 + ["P"] * 3
    second = typed.row(1, named=True)
    assert second == {
        "row": 3, "nik": "1704051707800002", "no_kk": "1704051203090001", "nama": "budi santoso",
        "jenis_kelamin": "L", "tempat_lahir": "Bintuhan", "tanggal_lahir": date(1980, 7, 17),
        "desa": "17.04.05.2009", "alamat": "Jl. Raya 1", "telepon": "081234567890",
        "pekerjaan": ["petani"], "desil": 1, "miskin_ekstrem": False, "id_keluarga": "K001",
        "hubungan": None, "valid": True,
    }
    assert typed["pekerjaan"][2].to_list() == ["petani", "nelayan"]
    assert typed["telepon"].to_list()[2:4] == ["081234567890", None]
    assert typed.schema["desil"] == pl.Int8 and typed.schema["miskin_ekstrem"] == pl.Boolean


def test_unknown_occupations_are_dropped_and_known_ones_kept():
    typed, _ = run([WOMAN | {"pekerjaan": "astronot, Nelayan"}])
    assert typed["pekerjaan"][0].to_list() == ["nelayan"]
    assert typed["valid"][0]


@pytest.mark.parametrize("field", ["pekerjaan", "telepon", "desil", "miskin_ekstrem", "no_kk"])
def test_a_dash_is_an_empty_optional_cell(field):
    typed, findings = run([WOMAN | {field: " - "}])
    assert findings.is_empty() and typed["valid"][0]


@pytest.mark.parametrize("born, too_old", [(date(1960, 6, 2), False), (date(1960, 6, 1), True)])
def test_age_65_is_refused_on_the_start_date(born, too_old):
    _, findings = run([woman(born)])
    assert findings["code"].to_list() == (["age_too_old"] if too_old else [])


def test_someone_registered_already_goes_on_past_65_a_newcomer_of_65_is_refused():
    # The age limit is at registration (DOMAIN.md section 3): a member enrolled before 65 continues after it.
    member, newcomer = woman(date(1960, 6, 1), serial=7), woman(date(1960, 6, 1), serial=8)
    _, findings = run([member, newcomer], replace(CTX, registered=frozenset({member["nik"]})))
    assert findings.select("row", "code").rows() == [(3, "age_too_old")]


def test_min_age_is_a_setting():
    _, findings = run([woman(date(2008, 1, 1))], ctx=replace(CTX, min_age=15))
    assert findings.is_empty()


def test_duplicates_name_the_first_row():
    _, findings = run([WOMAN, MAN, WOMAN, WOMAN])
    assert findings.select("row", "message").rows() == [
        (4, "NIK sama dengan baris 2. Satu orang hanya boleh satu baris: hapus baris ganda ini, "
            "atau perbaiki NIK yang salah ketik."),
        (5, "NIK sama dengan baris 2. Satu orang hanya boleh satu baris: hapus baris ganda ini, "
            "atau perbaiki NIK yang salah ketik."),
    ]


def test_a_number_cell_nik_replaces_the_other_nik_findings():
    _, findings = run([WOMAN, WOMAN | {"nik": "1.70405450895E+15", "nik_number_cell": True}])
    assert findings["code"].to_list() == ["nik_number_cell"]


def test_findings_are_sorted_by_row_then_column():
    _, findings = run([WOMAN | {"desil": "0", "nama": ""}, MAN | {"nik": "1"}])
    assert findings.select("row", "column").rows() == [(2, "Desil"), (2, "Nama Lengkap"), (3, "NIK")]


# --- agreement with rules.nik --------------------------------------------------------------

_nik_texts = st.text(
    st.one_of(st.characters(categories=["Nd", "L", "Zs"]), st.sampled_from("0123456789.,-+eE \t\x1c\u200b")),
    max_size=20,
)
_made_niks = st.builds(
    make_nik, st.sampled_from(["17.04.05", "17.04.99", "31.71.01"]),
    st.dates(date(1900, 1, 1), date(2099, 12, 31)), st.sampled_from("LP"), st.integers(1, 9999),
)
_digits = st.text("0123456789 .\t\x1c\u3000", max_size=20)  # wrong lengths, grouped NIKs
# What Excel shows for a number: 1.70405E+15, 1704054508950000.0, 1.704.054.508
_excel = st.from_regex(
    r"[0-9][.,]?[0-9]{0,14}[eE][+-]?[0-9]{1,2}|[0-9]{1,16}[.,]00?|[0-9]{1,3}([.,][0-9]{3}){1,4}",
    fullmatch=True,
)
_sixteen_digits = st.from_regex(r"[0-9]{12}(0000|[0-9]{4})", fullmatch=True)  # date and serial rules


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(_nik_texts, _digits, _excel, _made_niks, _sixteen_digits), min_size=1,
                max_size=20),
       st.dates(date(1950, 1, 1), date(2060, 12, 31)))
def test_nik_findings_agree_with_rules_nik(values, today):
    ctx = replace(CTX, start=today)
    _, findings = run([WOMAN | {"nik": v} for v in values], ctx=ctx)
    nik_findings = findings.filter(pl.col("column") == "NIK", pl.col("code") != "nik_duplicate_in_file")
    for row, value in enumerate(values, start=2):
        info = parse_nik(value, today=today, known_region=ctx.known_region)
        expected = {(f.code, f.severity, f.message) for f in info.errors + info.warnings}
        got = set(nik_findings.filter(pl.col("row") == row).select("code", "severity", "message").rows())
        assert got == expected, value


def test_a_birth_after_the_start_date_agrees_with_rules_nik():
    ctx = replace(CTX, start=date(1975, 1, 1))  # only a wrong clock puts a 19YY birth ahead
    _, findings = run([WOMAN], ctx=ctx)
    (error,) = parse_nik(WOMAN["nik"], today=ctx.start).errors
    assert findings.filter(column="NIK").select("code", "message").rows() == [(error.code, error.message)]


# --- random rows --------------------------------------------------------------------------

_cell = st.one_of(st.none(), st.text(max_size=14), st.sampled_from(
    ["1704054508950001", "05-08-1995", "29419", "1704052009", "petani, nelayan", "1", "-", "1e5", "ya"]
))
_rows = st.lists(
    st.fixed_dictionaries({f: _cell for f in FIELDS} | {"nik_number_cell": st.booleans()}), max_size=8
)


@settings(max_examples=60, deadline=None)
@given(_rows)
def test_random_rows_never_raise(rows):
    typed, findings = run(rows)
    assert typed["row"].to_list() == list(range(2, len(rows) + 2))
    assert findings.schema == pl.Schema(FINDINGS_SCHEMA)
    assert set(findings["row"]) <= set(typed["row"])
    assert findings.select("row", "column").rows() == sorted(findings.select("row", "column").rows())
    errors = set(findings.filter(severity="error")["row"])
    assert typed.filter(~pl.col("valid"))["row"].to_list() == sorted(errors)
