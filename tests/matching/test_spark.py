"""The Spark engine (the optional extra `spark`, Spark local[2]) says of each person exactly what DuckDB says."""

import json
from datetime import date
from importlib.util import find_spec
from io import StringIO

import polars as pl
import pytest
from django.core.management import call_command
from polars.testing import assert_frame_equal

from lindung.pipeline import matching
from lindung.rules.nik import make_nik

from tests.matching.conftest import NAMES

# Splink's weights are sums of logarithms: the engines may round their last bits apart, never more.
PROBABILITY_TOLERANCE = 1e-9


@pytest.fixture(scope="module")
def spark_engine():
    """One local[2] session for the module: two shuffle partitions for a dozen people, no UI, errors only, and a JVM
    that compiles quickly rather than well (C1 only, serial GC), which halves a short run's time."""
    from lindung.pipeline import spark

    conf = {"spark.sql.shuffle.partitions": "2", "spark.ui.enabled": "false",
            "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"}
    with spark.session("local[2]", **conf) as session:
        session.sparkContext.setLogLevel("ERROR")
        yield spark.Spark(session)


def near_misses(register_rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Members that are almost a register person not covered, one for each comparison level the report names and
    for most it does not: a mistyped name, birth date or NIK."""

    def like(i: int, nama: str | None = None, born: date | None = None, nik: str | None = None) -> dict[str, str]:
        row = register_rows[i]
        return {"NIK": nik or row["NIK"], "Nama Peserta": nama or row["Nama"].title(),
                "Tgl Lahir": (born or _born(row)).strftime("%d-%m-%Y"), "No. KPJ": f"2500000000{i:02d}"}

    def nik(i: int, sex: str | None = None, serial: int | None = None, kecamatan: str | None = None) -> str:
        row = register_rows[i]
        own = row["NIK"]
        return make_nik(kecamatan or f"{own[:2]}.{own[2:4]}.{own[4:6]}", _born(row),
                        sex or ("P" if row["Jenis Kelamin"] == "Perempuan" else "L"), serial or int(own[12:]))

    rina, sri, fitri, yuni, slamet, agus = 4, 6, 8, 10, 11, 3
    rina_nik, slamet_nik = register_rows[rina]["NIK"], register_rows[slamet]["NIK"]
    sri_born = _born(register_rows[sri])
    return [
        # jaro-winkler >= 0.95 (0.958; splink's Spark jar scores it 0.947); two adjacent digits of the serial
        # swapped (0014 typed 0041)
        like(rina, nama="Rina Wiati", nik=rina_nik[:14] + rina_nik[15] + rina_nik[14]),
        # day and month swapped; the serial under 100 apart
        like(sri, born=sri_born.replace(day=sri_born.month, month=sri_born.day), nik=nik(sri, serial=50)),
        # the NIK of a man born that day: the NIKs differ in sex
        like(fitri, nik=nik(fitri, sex="L")),
        # born within a year; the serial 100 or more apart
        like(yuni, born=_born(register_rows[yuni]).replace(month=3), nik=nik(yuni, serial=220)),
        # jaro-winkler >= 0.88; one digit of the kecamatan changed
        like(slamet, nama="Slamet Riyanto", nik=slamet_nik[:5] + "9" + slamet_nik[6:]),
        # born the same month; another NIK altogether
        like(agus, born=_born(register_rows[agus]).replace(day=25), nik=nik(agus, kecamatan="17.04.01", serial=5)),
    ]


def _born(row: dict[str, str]) -> date:
    day, month, year = map(int, row["Tanggal Lahir"].split("-"))
    return date(year, month, day)


@pytest.mark.spark
@pytest.mark.django_db
def test_the_command_on_spark_writes_and_says_what_it_does_on_duckdb(tmp_path, files, spark_engine):
    # The command's Spark session is the module's: spark.session uses the one running.
    written, reports = {}, {}
    for engine in matching.ENGINES:
        out, stdout = tmp_path / engine, StringIO()
        call_command("match", str(files["register_csv"]), str(files["members_parquet"]), "--area", "17",
                     "--start", "2025-01-01", "--engine", engine, "--out", str(out), "--json", stdout=stdout)
        reports[engine] = {k: v for k, v in json.loads(stdout.getvalue()).items() if k not in ("seconds", "out")}
        written[engine] = {p.relative_to(out): pl.read_parquet(p) for p in sorted(out.glob("*/0.parquet"))}
    assert list(written["spark"]) == list(written["duckdb"]) and len(written["duckdb"]) == 2
    for path, people in written["duckdb"].items():  # every person's status, KPJ, member, probability, agreement
        assert_frame_equal(written["spark"][path], people, abs_tol=PROBABILITY_TOLERANCE, rel_tol=0)
    people = pl.concat(written["spark"].values())
    assert people.height == len(NAMES) and set(people["status"]) == set(matching.OUTCOMES)
    [probable] = reports["duckdb"].pop("probable_matches")
    [on_spark] = reports["spark"].pop("probable_matches")
    assert on_spark.pop("probability") == pytest.approx(probable.pop("probability"), abs=PROBABILITY_TOLERANCE)
    assert on_spark == probable
    assert reports["spark"] == reports["duckdb"]  # the counts, the summary, the errors


@pytest.mark.spark
def test_every_comparison_level_scores_as_on_duckdb(tmp_path, files, bengkulu, register_rows, member_rows,
                                                    spark_engine):
    path = tmp_path / "members_near.parquet"
    pl.DataFrame(member_rows + near_misses(register_rows)).write_parquet(path)
    register, members = matching.read_register(files["register_csv"], bengkulu), matching.read_members(path)
    # A threshold near nothing: every pair blocked together is scored and kept, the unlikely ones too.
    on_duckdb = matching.match(register, members, threshold=1e-12)
    on_spark = matching.match(register, members, threshold=1e-12, engine=spark_engine)
    assert_frame_equal(on_spark.people, on_duckdb.people, abs_tol=PROBABILITY_TOLERANCE, rel_tol=0)
    assert_frame_equal(on_spark.summary, on_duckdb.summary, check_exact=True)
    probable = on_duckdb.people.filter(pl.col("status") == "probable")
    assert probable.height == 7 and probable["probability"].n_unique() == 7
    assert set(probable["agree"].explode()) == {
        "nama", "nama (mirip)", "tanggal_lahir", "tanggal_lahir (hari dan bulan tertukar)", "jenis_kelamin",
        "nik (dua digit bersebelahan tertukar)", "nik (beda satu digit)", "nik (beda nomor urut)"}


@pytest.mark.spark
def test_without_java_spark_is_refused_saying_what_to_install(monkeypatch, tmp_path):
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH without java
    with pytest.raises(matching.MatchError, match="Java 17: pasang openjdk-17-jre-headless"):
        with matching.engine("spark"):
            pass


@pytest.mark.skipif(find_spec("pyspark") is not None, reason="PySpark is installed: Spark is not refused here")
def test_without_pyspark_spark_is_refused_naming_the_extra():
    with pytest.raises(matching.MatchError, match=r"`uv sync --extra spark`; Spark juga perlu Java 17"):
        with matching.engine("spark"):
            pass
