"""pipeline.matching on a dozen register people: who is covered, probably covered, not covered or refused."""

import polars as pl
import pytest

from lindung.pipeline import matching, readers, validate
from lindung.pipeline.sources import TEMPLATE_HEADERS

from tests.matching.conftest import EXACT, INVALID, NAMES, PROBABLE, mistyped


def run(files, ctx, register="register_csv", members="members_parquet"):
    return matching.match(matching.read_register(files[register], ctx), matching.read_members(files[members]))


@pytest.mark.parametrize("register,members", [("register_csv", "members_parquet"), ("register_parquet", "members_csv")])
def test_each_person_has_one_outcome(files, bengkulu, register_rows, register, members):
    people = run(files, bengkulu, register, members).people
    status = dict(zip(people["row"], people["status"]))
    for i in range(len(NAMES)):
        expected = ("exact" if i in EXACT else "probable" if i == PROBABLE else "invalid" if i == INVALID
                    else "not_covered")
        assert status[i + 2] == expected, (i, status[i + 2])  # the header is row 1
    exact = people.filter(pl.col("status") == "exact")
    assert exact["kpj"].to_list() == [f"2400000000{i}" for i in EXACT]
    assert exact["member_row"][0] == 2  # listed twice: the first row, though the KPJ is the second's


def test_a_mistyped_nik_is_probable_with_the_fields_that_agree(files, bengkulu, register_rows):
    found = run(files, bengkulu).people.filter(pl.col("status") == "probable").row(0, named=True)
    assert found["row"] == PROBABLE + 2
    assert found["nik"] == register_rows[PROBABLE]["NIK"]
    assert found["member_nik"] == mistyped(register_rows[PROBABLE]["NIK"])
    assert found["kpj"] == "24000000055"
    assert found["probability"] >= matching.THRESHOLD
    assert found["agree"] == ["nama", "tanggal_lahir", "jenis_kelamin", "nik (beda satu digit)"]


def test_the_same_birth_day_and_sex_alone_is_no_match(files, bengkulu):
    # Index 3 shares birth date and sex with a stranger in the members: blocked together, scored apart.
    people = run(files, bengkulu).people
    assert people.filter(pl.col("row") == 5)["status"].item() == "not_covered"


def test_an_invalid_row_is_reported_with_row_and_column_as_the_import_does(files, bengkulu):
    result = run(files, bengkulu)
    errors = matching.findings_of(result)
    assert errors.select("row", "column", "code").rows() == [(INVALID + 2, "NIK", "nik_length")]
    assert errors["message"].item() == "NIK harus 16 digit, yang diisi 15 digit."
    assert result.people.filter(pl.col("row") == INVALID + 2)["status"].item() == "invalid"


def test_summary_per_regency_and_desil(files, bengkulu, register_rows):
    summary = run(files, bengkulu).summary
    expected: dict[tuple[str, int], dict[str, int]] = {}
    for i, row in enumerate(register_rows):
        regency = "17.01" if row["Kode Kemdagri"].startswith("1701") else "17.04"
        outcome = ("exact" if i in EXACT else "probable" if i == PROBABLE else "invalid" if i == INVALID
                   else "not_covered")
        counts = expected.setdefault((regency, int(row["Desil Kesejahteraan"])), dict.fromkeys(matching.OUTCOMES, 0))
        counts[outcome] += 1
    got = {(r["regency"], r["desil"]): {o: r[o] for o in matching.OUTCOMES} for r in summary.to_dicts()}
    assert got == expected
    assert summary["total"].sum() == len(NAMES)


def test_wrong_columns_are_refused_with_a_clear_message(tmp_path, files, bengkulu):
    members = tmp_path / "members.csv"
    pl.DataFrame({"NIK": ["1704055003800001"], "Keterangan": ["aktif"]}).write_csv(members)
    with pytest.raises(matching.MatchError, match="Kolom wajib tidak ditemukan di daftar peserta: Nama, Tanggal Lahir"):
        matching.read_members(members)
    register = tmp_path / "register.csv"
    pl.DataFrame({"NIK": ["1704055003800001"], "Nama": ["SITI"]}).write_csv(register)
    with pytest.raises(matching.MatchError, match="Kolom wajib tidak ditemukan di berkas register: "
                                                  "tanggal_lahir, jenis_kelamin, kode_desa"):
        matching.read_register(register, bengkulu)


def test_partitions_are_readable_and_importable(tmp_path, files, bengkulu):
    people = run(files, bengkulu).people
    written = matching.write_partitions(people, tmp_path / "out")
    assert sorted(p.parent.name for p in written) == ["regency=17.01", "regency=17.04"]
    back = pl.read_parquet(tmp_path / "out", hive_partitioning=True)
    assert back.sort("row").select(people.columns).equals(people)
    # A partition is a register ``lindung match`` reads again (a regency's own run): its columns map to the import's
    # fields. An upload takes the --for-import CSV instead: the import refuses Parquet (readers._parquet_table).
    part = readers.read_file(tmp_path / "out" / "regency=17.04" / "0.parquet", parquet=True)
    assert part.missing_required == []
    assert set(part.headers) >= {"nik", "nama", "jenis_kelamin", "tanggal_lahir", "kode_desa", "desil", "pekerjaan"}
    typed, _ = validate.validate(part.frame, part.headers, bengkulu)
    assert typed.filter("valid").height == people.filter((pl.col("regency") == "17.04")
                                                         & (pl.col("status") != "invalid")).height


def test_for_import_files_hold_each_regencys_people_not_covered(tmp_path, files, bengkulu):
    people = run(files, bengkulu).people
    written = matching.write_for_import(people, tmp_path / "for-import", {})
    assert sorted(p.name for p in written) == ["17.01.csv", "17.04.csv"]
    for path in written:
        read = readers.read_file(path)
        assert read.source == "template" or set(read.headers.values()) <= set(TEMPLATE_HEADERS)
        typed, findings = validate.validate(read.frame, read.headers, bengkulu)
        assert findings.filter(pl.col("severity") == "error").is_empty()
        expected = people.filter((pl.col("status") == "not_covered") & (pl.col("regency") == path.stem))
        assert sorted(typed["nik"]) == sorted(expected["nik"])
