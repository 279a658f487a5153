"""National matching: who in a poverty register (DTSEN, P3KE) is already a member, and who is not yet covered.

The register is read and checked by the import's own stages (readers.read_file, validate.validate), so a row the
import would refuse is reported here with the same row, column and message, and is counted as `invalid`. The
membership list (BPJS's member export, or another Lindung's members: NIK, name, birth date, KPJ) is read by
readers.read_sheets. Each valid register person is then

- `exact`: his NIK is in the members (a join);
- `probable`: no exact NIK, but splink finds a member who is probably the same person under a mistyped NIK, from
  the name, the birth date and how the two NIKs differ, with the import's comparison levels (linkage.NAME_LEVELS,
  DOB_LEVELS, NIK_LEVELS); blocked on birth date + sex, birth date + name and name + sex + birth year
  (BLOCKING_RULES), so the pairs grow with the people born on one day or namesakes of one year, not with the
  register;
- `not_covered`: neither.

Only register rows without an exact NIK are compared, and only with members whose NIK matched nobody: a member
found exactly is one person already accounted for.

The join and splink run on an Engine: DuckDB in this process (the default), or Spark (pipeline/spark.py, the
optional extra `spark`). Reading, checking and the report stay in polars, the same for both.
"""

import math
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import duckdb
import polars as pl
from splink import DuckDBAPI, Linker, SettingsCreator
from splink.blocking_rule_library import CustomRule

from lindung.pipeline import readers, validate
from lindung.pipeline.linkage import DOB_LEVELS, NAME_LEVELS, NIK_LEVELS, Level, comparison, linkage_input
from lindung.pipeline.schema import FINDINGS_SCHEMA, ROW
from lindung.pipeline.sources import COMMON, key

if TYPE_CHECKING:
    from splink.internals.splink_dataframe import SplinkDataFrame

EXACT, PROBABLE, NOT_COVERED, INVALID = "exact", "probable", "not_covered", "invalid"
OUTCOMES = [EXACT, PROBABLE, NOT_COVERED, INVALID]
UNKNOWN_REGENCY = "tidak_diketahui"  # the partition of rows whose village and NIK name no regency
THRESHOLD = 0.9

MEMBER_SPELLINGS = {
    **readers.PERSON_SPELLINGS,
    "tanggal_lahir": [*COMMON["tanggal_lahir"], "Tgl. Lahir", "Tanggal Lahir Peserta"],
    "jenis_kelamin": COMMON["jenis_kelamin"],
}
MEMBER_KNOWN = frozenset(key(s) for variants in MEMBER_SPELLINGS.values() for s in variants)
MEMBER_REQUIRED = ["nik", "nama", "tanggal_lahir"]
MEMBER_HEADERS = {"nik": "NIK", "nama": "Nama", "tanggal_lahir": "Tanggal Lahir", "kpj": "No. KPJ"}

# What a pair's match weight per comparison (splink's mw_ columns, log2 m/u of the level the pair reached) says
# agrees, in the words of the report: each level of linkage.py's lists has its own weight.
def _agrees(levels: list[Level], words: dict[str, str]) -> dict[float, str]:
    return {round(math.log2(m / u), 6): words[label] for label, _, m, u in levels if label in words}


_NAME_AGREES = _agrees(NAME_LEVELS, {"exact": "nama", "jaro-winkler >= 0.95": "nama (mirip)",
                                     "jaro-winkler >= 0.88": "nama (mirip)"})
_DOB_AGREES = _agrees(DOB_LEVELS, {"exact": "tanggal_lahir",
                                   "day and month swapped": "tanggal_lahir (hari dan bulan tertukar)"})
_NIK_AGREES = _agrees(NIK_LEVELS, {"two adjacent digits swapped": "nik (dua digit bersebelahan tertukar)",
                                   "one digit differs": "nik (beda satu digit)",
                                   "only the serial differs, by less than 100": "nik (beda nomor urut)"})

# Register rows without an exact NIK against members whose NIK matched nobody. Among those pairs a true match is
# rarer than among an import's (no village to block on, but only the leftovers of the exact join): about 10^3
# people in 10^9 pairs. With it an equal name and birth date need a NIK one typo away to reach 0.9.
PRIOR = 1e-6
# A member's sex, when his list has no sex column, is read from his NIK, and a typo in the NIK's day digits (a swap
# across the kecamatan and the day: 1704152502… typed 1704125502…) makes a man a woman there: the second rule
# still pairs such a member with the register person of his birth date and name.
BLOCKING_RULES = [
    "l.tanggal_lahir = r.tanggal_lahir AND l.jenis_kelamin = r.jenis_kelamin",
    "l.tanggal_lahir = r.tanggal_lahir AND l.nama_norm = r.nama_norm",  # the sex read from a mistyped NIK
    # The birth date mistyped too, within its year (day and month swapped, a day off): name and sex alone pair each
    # member with every namesake in the register (120 million pairs at 10 million synthetic people, bench/README).
    "l.nama_norm = r.nama_norm AND l.jenis_kelamin = r.jenis_kelamin AND year(l.tanggal_lahir) = year(r.tanggal_lahir)",
]


def settings(translate: Callable[[str], str]) -> SettingsCreator:
    """The model, its SQL (written for DuckDB) translated for the engine that runs it."""

    def levels(levels: list[Level]) -> list[Level]:
        return [(label, None if sql is None else translate(sql), m, u) for label, sql, m, u in levels]

    return SettingsCreator(
        link_type="link_only",
        unique_id_column_name="uid",
        comparisons=[
            comparison("nama", "nama_norm", levels(NAME_LEVELS)),
            comparison("tanggal_lahir", "tanggal_lahir", levels(DOB_LEVELS)),
            comparison("nik", "nik", levels(NIK_LEVELS)),
        ],
        blocking_rules_to_generate_predictions=[CustomRule(translate(rule)) for rule in BLOCKING_RULES],
        probability_two_random_records_match=PRIOR,
        retain_matching_columns=False,
        additional_columns_to_retain=["nik", "jenis_kelamin"],
        retain_intermediate_calculation_columns=True,  # the weight of each comparison says which fields agree
    )


# One member per NIK (a list may repeat a person): the first row, with the KPJ of the first row that has one.
# The FILTER says so for both engines: DuckDB's arg_min skips a null KPJ by itself, Spark's min_by does not.
EXACT_SQL = (
    "SELECT reg.row, m.kpj, m.member_row FROM reg JOIN "
    "(SELECT nik, arg_min(kpj, member_row) FILTER (WHERE kpj IS NOT NULL) AS kpj, min(member_row) AS member_row "
    " FROM mem WHERE nik IS NOT NULL GROUP BY nik) m ON reg.nik = m.nik"
)


RESULT_SCHEMA = pl.Schema({
    "row": pl.Int64(),  # the register's row, as the clerk sees it in Excel
    "regency": pl.Utf8(),  # "17.04"
    "nik": pl.Utf8(),  # the register's NIK as written (16 digits when valid)
    "nama": pl.Utf8(),
    "jenis_kelamin": pl.Utf8(),  # L / P
    "tanggal_lahir": pl.Date(),
    "kode_desa": pl.Utf8(),  # dotted village code
    "desil": pl.Int8(),
    "pekerjaan": pl.Utf8(),  # occupation codes, "; "-separated
    "status": pl.Utf8(),  # exact | probable | not_covered | invalid
    "kpj": pl.Utf8(),  # the member's KPJ (exact, probable)
    "member_nik": pl.Utf8(),  # the member's NIK (probable: differs from the register's)
    "member_row": pl.Int64(),  # the member's row in the membership list
    "probability": pl.Float64(),  # probable: splink's match probability
    "agree": pl.List(pl.Utf8()),  # probable: the fields that agree
})


class MatchError(readers.ReadError):
    """A file matching cannot use; `str(error)` is the Indonesian message."""


@dataclass
class Members:
    frame: pl.DataFrame  # member_row, nik, nama, tanggal_lahir (Date), jenis_kelamin (L/P or null), kpj
    headers: dict[str, str]
    unusable: int = 0  # rows with neither a 16-digit NIK nor a readable name and birth date


@dataclass
class Register:
    typed: pl.DataFrame  # validate.validate's typed rows
    findings: pl.DataFrame  # schema.FINDINGS_SCHEMA
    headers: dict[str, str]
    raw: pl.DataFrame  # the canonical text frame (for invalid rows' NIK, name and village as written)


@dataclass
class Result:
    people: pl.DataFrame  # RESULT_SCHEMA, in register row order
    findings: pl.DataFrame  # the register's findings (errors and warnings), as the import reports them
    summary: pl.DataFrame  # regency, desil, exact, probable, not_covered, invalid, total
    seconds: dict[str, float] = field(default_factory=dict)


def read_register(path: str | Path, ctx: validate.Context, *, max_bytes: int = 4 * 2**30) -> Register:
    """The register read and checked exactly as an import would; a file without the required columns is refused."""
    read = readers.read_file(path, max_bytes=max_bytes, parquet=True)  # the server's own extract
    if read.missing_required:
        raise MatchError(
            "missing_columns",
            "Kolom wajib tidak ditemukan di berkas register: " + ", ".join(read.missing_required)
            + ". Register perlu kolom NIK, Nama, Jenis Kelamin, Tanggal Lahir dan Kode Desa (seperti impor).",
        )
    typed, findings = validate.validate(read.frame, read.headers, ctx)
    return Register(typed, findings, read.headers, read.frame)


def read_members(path: str | Path, *, max_bytes: int = 4 * 2**30, max_columns: int = 500) -> Members:
    """The membership list: NIK, name, birth date (KPJ and sex when given), any layout the readers know."""

    def missing(mapped: list[dict[str, int]]) -> readers.ReadError:
        best = max(mapped, key=len, default={})
        absent = [MEMBER_HEADERS[f] for f in MEMBER_REQUIRED if f not in best]
        return MatchError(
            "missing_columns",
            "Kolom wajib tidak ditemukan di daftar peserta: " + ", ".join(absent)
            + ". Daftar peserta perlu kolom NIK, Nama dan Tanggal Lahir (No. KPJ bila ada).",
        )

    sheets = readers.read_sheets(
        lambda: readers.read_bytes(path, max_bytes), MEMBER_KNOWN, MEMBER_SPELLINGS, fields=list(MEMBER_SPELLINGS),
        usable=lambda cols: all(f in cols for f in MEMBER_REQUIRED), missing=missing,
        asked_for="daftar peserta BPJS Ketenagakerjaan", max_columns=max_columns, parquet=True)
    f = sheets.frame
    nik = pl.col("nik").str.replace_all(f"[{validate.WS_RE}.]", "")
    nik = pl.when(nik.str.contains(r"^[0-9]{16}$") & ~pl.col("_number_cell")).then(nik)
    sex_of_nik = pl.when(nik.str.slice(6, 2).cast(pl.Int32, strict=False) > 40).then(pl.lit("P")).otherwise(
        pl.lit("L"))
    given_sex = pl.col("jenis_kelamin").str.to_lowercase().str.slice(0, 1).replace_strict(
        {"l": "L", "p": "P", "1": "L", "2": "P"}, default=None, return_dtype=pl.Utf8)
    frame = f.select(
        pl.col(ROW).alias("member_row"),
        nik.alias("nik"),
        readers.safe_text(pl.col("nama"), 200).alias("nama"),
        validate.birth_date(pl.col("tanggal_lahir")).alias("tanggal_lahir"),
        pl.coalesce(given_sex, pl.when(nik.is_not_null()).then(sex_of_nik)).alias("jenis_kelamin"),
        *readers.kpj_state(pl.col("kpj")),
    ).with_columns(kpj=pl.when(pl.col("_kpj_state") == "ok").then("_digits")).drop("_digits", "_kpj_state")
    usable = pl.col("nik").is_not_null() | (pl.col("nama").is_not_null() & pl.col("tanggal_lahir").is_not_null())
    return Members(frame.filter(usable), sheets.headers, f.height - frame.filter(usable).height)


@contextmanager
def _connect() -> Iterator[duckdb.DuckDBPyConnection]:
    # Splink runs only core DuckDB functions; never let DuckDB fetch an extension from the internet. DuckDB keeps to
    # half of the machine's memory (the polars frames of the register live beside it) and spills its joins to disk
    # beyond: at 10 million register people it otherwise grew until the kernel killed the process.
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2
    with tempfile.TemporaryDirectory(prefix="lindung-match-") as spill, duckdb.connect(config={
            "autoinstall_known_extensions": False, "autoload_known_extensions": False,
            "memory_limit": f"{memory // 2**20}MB", "temp_directory": spill}) as con:
        yield con


class Engine(Protocol):
    """Where the exact join and splink run; polars frames in, polars frames out."""

    def exact(self, register: pl.DataFrame, members: pl.DataFrame) -> pl.DataFrame:
        """EXACT_SQL's `row, kpj, member_row` of the register rows whose NIK is a member's."""
        ...

    def pairs(self, sides: dict[str, pl.DataFrame], threshold: float) -> pl.DataFrame:
        """splink's predictions (`predict`) between the sides (linkage_input frames, `register` and `members`)."""
        ...


def predict(inputs: list["SplinkDataFrame"], threshold: float, translate: Callable[[str], str]) -> pl.DataFrame:
    """The pairs scoring at least `threshold`, from inputs registered with an engine's splink API."""
    linker = Linker(inputs, settings(translate), log_level=None)
    scored = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
    pairs = pl.from_arrow(scored.as_pyarrow_table())  # type: ignore[no-untyped-call]
    assert isinstance(pairs, pl.DataFrame)
    return pairs


class DuckDB:
    """Engine in this process, a connection per step."""

    def exact(self, register: pl.DataFrame, members: pl.DataFrame) -> pl.DataFrame:
        with _connect() as con:
            con.register("reg", register.to_arrow())
            con.register("mem", members.to_arrow())
            found: pl.DataFrame = con.sql(EXACT_SQL).pl()
            return found

    def pairs(self, sides: dict[str, pl.DataFrame], threshold: float) -> pl.DataFrame:
        with _connect() as con:
            api = DuckDBAPI(con)
            inputs = []
            for name, frame in sides.items():
                # Tables, not views: each blocking rule scans them again.
                con.from_arrow(frame.to_arrow()).create(f"match_{name}")
                inputs.append(api.register(f"match_{name}", dataset_display_name=name))
            return predict(inputs, threshold, lambda sql: sql)  # the model's SQL is DuckDB's


ENGINES = ["duckdb", "spark"]
SPARK_MASTER = "local[2]"


@contextmanager
def engine(name: str, *, master: str = SPARK_MASTER) -> Iterator[Engine]:
    """The engine `lindung match --engine` names, ready for the block; Spark's session runs on `master` until its
    end. Without PySpark or Java, Spark is refused with what to install."""
    if name == "duckdb":
        yield DuckDB()
        return
    if name != "spark":
        raise ValueError(f"unknown engine {name!r}")
    if find_spec("pyspark") is None:
        raise MatchError("spark_missing", "Mesin Spark perlu PySpark, tambahan (extra) `spark` Lindung: pasang "
                                          "dengan `uv sync --extra spark`; Spark juga perlu Java 17.")
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise MatchError("java_missing", "Mesin Spark perlu Java 17: pasang openjdk-17-jre-headless (Debian) atau "
                                         "isi JAVA_HOME.")
    from lindung.pipeline import spark  # the optional extra: imported only when asked for

    with spark.session(master) as session:
        yield spark.Spark(session)


def _regency() -> pl.Expr:
    """The regency of a register row: its village's, else its NIK's first four digits (where it was issued)."""
    from_nik = pl.col("_nik_text").str.replace_all(r"[^0-9]", "")
    from_nik = pl.when(from_nik.str.len_bytes() >= 4).then(
        pl.format("{}.{}", from_nik.str.slice(0, 2), from_nik.str.slice(2, 2)))
    return pl.coalesce(pl.col("desa").str.slice(0, 5), from_nik, pl.lit(UNKNOWN_REGENCY))


def match(register: Register, members: Members, *, threshold: float = THRESHOLD, engine: Engine = DuckDB()
          ) -> Result:
    """Each register row's outcome, and the summary per regency and desil."""
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    typed = register.typed.with_columns(
        _nik_text=register.raw["nik"],
        _kode_desa_text=register.raw["kode_desa"],
    )
    valid = typed.filter("valid").select(ROW, "nik", "nama", "tanggal_lahir", "jenis_kelamin")
    exact = engine.exact(valid, members.frame)
    seconds["exact"] = time.perf_counter() - started
    started = time.perf_counter()
    rest = valid.join(exact.select(ROW), on=ROW, how="anti")
    left = members.frame.join(valid.select("nik"), on="nik", how="anti")  # null NIKs stay
    probable = _probable(engine, rest, left, threshold)
    seconds["probable"] = time.perf_counter() - started

    started = time.perf_counter()
    found = pl.concat([
        exact.select(ROW, pl.lit(EXACT).alias("status"), "kpj", pl.lit(None, pl.Utf8).alias("member_nik"),
                     "member_row", pl.lit(None, pl.Float64).alias("probability"),
                     pl.lit(None, pl.List(pl.Utf8)).alias("agree")),
        probable.select(ROW, pl.lit(PROBABLE).alias("status"), "kpj", "member_nik", "member_row", "probability",
                        "agree"),
    ], how="vertical_relaxed")
    people = typed.join(found, on=ROW, how="left").select(
        pl.col(ROW),
        _regency().alias("regency"),
        pl.coalesce("nik", "_nik_text").alias("nik"),
        "nama",
        "jenis_kelamin",
        "tanggal_lahir",
        pl.coalesce("desa", "_kode_desa_text").alias("kode_desa"),
        pl.col("desil").cast(pl.Int8),
        pl.col("pekerjaan").list.join("; ").alias("pekerjaan"),
        pl.when(~pl.col("valid")).then(pl.lit(INVALID)).otherwise(pl.col("status").fill_null(NOT_COVERED))
        .alias("status"),
        "kpj", "member_nik", "member_row", "probability", "agree",
    ).sort(ROW).cast(RESULT_SCHEMA)
    result = Result(people, register.findings, summarise(people), seconds)
    seconds["summary"] = time.perf_counter() - started
    return result


def _probable(engine: Engine, rest: pl.DataFrame, left: pl.DataFrame, threshold: float) -> pl.DataFrame:
    """The best member of each register row that splink scores at least `threshold`, with the fields that agree."""
    schema = pl.Schema({ROW: pl.Int64(), "kpj": pl.Utf8(), "member_nik": pl.Utf8(), "member_row": pl.Int64(),
                        "probability": pl.Float64(), "agree": pl.List(pl.Utf8())})
    left = left.filter(pl.col("nama").is_not_null() & pl.col("tanggal_lahir").is_not_null())
    if rest.is_empty() or left.is_empty():
        return pl.DataFrame(schema=schema)
    sides = {  # splink adds source_dataset itself
        name: linkage_input(frame, uid, name).with_columns(frame["jenis_kelamin"]).drop("source_dataset")
        for name, frame, uid in [("register", rest, ROW), ("members", left, "member_row")]
    }
    pairs = engine.pairs(sides, threshold)
    if pairs.is_empty():
        return pl.DataFrame(schema=schema)
    l_register = pl.col("source_dataset_l") == "register"
    pairs = pairs.select(
        pl.when(l_register).then("uid_l").otherwise("uid_r").alias(ROW),
        pl.when(l_register).then("uid_r").otherwise("uid_l").alias("member_row"),
        pl.when(l_register).then("nik_r").otherwise("nik_l").alias("member_nik"),
        pl.col("match_probability").alias("probability"),
        pl.concat_list(
            _said("mw_nama", _NAME_AGREES),
            _said("mw_tanggal_lahir", _DOB_AGREES),
            pl.when(pl.col("jenis_kelamin_l") == pl.col("jenis_kelamin_r")).then(pl.lit("jenis_kelamin")),
            _said("mw_nik", _NIK_AGREES),
        ).list.drop_nulls().alias("agree"),
    )
    best = pairs.sort([ROW, "probability", "member_row"], descending=[False, True, False]).unique(
        ROW, keep="first", maintain_order=True)
    best = best.join(left.select("member_row", "kpj"), on="member_row", how="left")
    found: pl.DataFrame = best.select(list(schema)).cast(schema)
    return found


def _said(column: str, words: dict[float, str]) -> pl.Expr:
    return pl.col(column).round(6).replace_strict(words, default=None, return_dtype=pl.Utf8)


def summarise(people: pl.DataFrame) -> pl.DataFrame:
    """Counts of each outcome per regency and desil (null desil: not given or not valid)."""
    return (
        people.group_by("regency", "desil")
        .agg(*[(pl.col("status") == o).sum().cast(pl.Int64).alias(o) for o in OUTCOMES], pl.len().cast(pl.Int64).alias("total"))
        .sort("regency", "desil", nulls_last=True)
    )


def write_partitions(people: pl.DataFrame, out: Path) -> list[Path]:
    """People as Parquet, one directory per regency (out/regency=17.04/0.parquet), hive-style. Each file keeps its
    `regency` column as text: a reader of the whole directory (polars, DuckDB) then takes it from the file, where
    from the directory name alone it would guess a number (17.10 read as 17.1)."""
    written = []
    for (regency,), part in people.partition_by("regency", as_dict=True, maintain_order=True).items():
        directory = out / f"regency={regency}"
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / "0.parquet"
        part.write_parquet(path)
        written.append(path)
    return written


# The import's template headers (sources.TEMPLATE_HEADERS spellings) for the columns a for-import file carries.
FOR_IMPORT_COLUMNS = {
    "nik": "NIK", "nama": "Nama Lengkap", "jenis_kelamin": "Jenis Kelamin (L/P)",
    "tanggal_lahir": "Tanggal Lahir (DD-MM-YYYY)", "kode_desa": "Kode Desa", "pekerjaan": "Pekerjaan 1",
    "desil": "Desil",
}


def write_for_import(people: pl.DataFrame, out: Path, occupation_names: dict[str, str]) -> list[Path]:
    """Per regency a CSV of its valid people not covered, in the import template's columns (out/17.04.csv), for
    the regency's ordinary import. Occupations are written by name (`occupation_names`: code -> name)."""
    out.mkdir(parents=True, exist_ok=True)
    chosen = people.filter(pl.col("status") == NOT_COVERED)
    written = []
    for (regency,), part in chosen.partition_by("regency", as_dict=True, maintain_order=True).items():
        path = out / f"{regency}.csv"
        part.select(
            "nik", "nama", "jenis_kelamin", pl.col("tanggal_lahir").dt.strftime("%d-%m-%Y"), "kode_desa",
            pl.col("pekerjaan").str.split("; ").list.eval(
                pl.element().replace_strict(occupation_names, default=pl.element())).list.join("; "),
            "desil",
        ).rename(FOR_IMPORT_COLUMNS).write_csv(path)
        written.append(path)
    return written


def report(result: Result) -> dict[str, Any]:
    """The figures a command prints: totals per outcome and the summary rows."""
    counts = result.people["status"].value_counts()
    totals = {o: 0 for o in OUTCOMES} | dict(counts.iter_rows())
    return {
        "rows": result.people.height,
        **totals,
        "summary": result.summary.to_dicts(),
        "seconds": {k: round(v, 3) for k, v in result.seconds.items()},
    }


def findings_of(result: Result, severity: str = "error") -> pl.DataFrame:
    """The register's findings of one severity (schema.FINDINGS_SCHEMA)."""
    return result.findings.filter(pl.col("severity") == severity).select(list(FINDINGS_SCHEMA))
