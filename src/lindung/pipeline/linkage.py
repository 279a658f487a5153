"""Dedupe of an import against itself and the worker registry.

Two steps. `exact_matches`: a NIK already in the registry makes that row an update. Then
`probable_duplicates`: the same person under a mistyped NIK, found by splink on DuckDB comparing a
normalised name, the birth date, the village and the NIK's similarity. The model's m/u probabilities
are fixed below rather than trained by EM, so a result is deterministic, fast and testable, and a
reviewer can be told why a pair scored as it did.
"""

import string
from collections.abc import Set
from typing import TYPE_CHECKING, Any

import duckdb
import polars as pl
from splink import DuckDBAPI, Linker, SettingsCreator
from splink.blocking_rule_library import CustomRule
from splink import comparison_level_library as cll
from splink import comparison_library as cl

from lindung.pipeline.schema import FINDINGS_SCHEMA

if TYPE_CHECKING:
    from splink.internals.comparison_creator import ComparisonCreator
    from splink.internals.comparison_level_creator import ComparisonLevelCreator

Level = tuple[str, str | None, float, float]  # (label, SQL or None for "else", m probability, u probability)

# --- name normalisation ------------------------------------------------------------------------

# Honorifics, and degrees once punctuation became spaces: "S.Pd.I" is "s pd i", "A.Md.Kep" is
# "a md kep". S.T and S.P must be spelled apart so that "St." (short for Siti) stays; SE, SH and MH
# are often written unspaced.
_TITLES = (
    r"\b(?:h|hj|haji|hajah|hajjah|kh|ir|dr|drs|dra|prof|bpk|bapak|ibu|sdr|sdra|sdri"
    r"|alm|almh|almarhum|almarhumah"
    r"|[sm] ?[eh]|[sm] [tp]|[sma] ?(?:pd(?: ?i)?|md(?: ?(?:kep|keb|kom|ak|t))?|ag|kom|sos|si|ip"
    r"|kep|keb|hum|ked|kes|ak|sy|th|psi))\b"
)
# Old (pre-1972) spelling modernised, and double letters collapsed, in one pass.
_SPELLING = {"dj": "j", "tj": "c", "oe": "u", "ch": "kh"} | {c * 2: c for c in string.ascii_lowercase}
# Every abbreviation and spelling of Muhammad, as it looks once the rules above have run
# ("Moch" is "mokh", "Mohammad" is "mohamad", "Moehammad" is "muhamad").
_MUHAMMAD = r"\b(?:mhd|m[ou]k?h(?:amad|d)?)\b"


def normalise_name(expr: pl.Expr) -> pl.Expr:
    """A name reduced to what identifies the person: lower case letters and single spaces, with
    honorifics (H., Hj., Bpk, Alm …) and degrees (S.Pd, A.Md, M.Pd …) removed anywhere, old
    spelling modernised (dj→j, tj→c, oe→u, ch→kh), double letters collapsed and every form of
    Muhammad (Moh, Moch, Mochamad, Muhamad, Mohammad …) written "muhammad".

    Old "j" for "y" (Jahja/Yahya) is not folded: it cannot be told apart from a modern "j".
    A lone "M." is not taken for Muhammad either. A name of only titles becomes "".
    """
    return (
        expr.str.to_lowercase()
        .str.replace_many(["'", "`", "’"], ["", "", ""])  # Ma'ruf is Maruf, not Ma ruf
        .str.replace_all(r"[^a-z]+", " ")
        .str.replace_all(_TITLES, "")
        .str.replace_many(_SPELLING)
        .str.replace_all(_MUHAMMAD, "muhammad")
        .str.replace_all(r" {2,}", " ")
        .str.strip_chars()
    )


def normalise_name_str(name: str) -> str:
    """`normalise_name` for one name (display hints); the same expression, not a second copy."""
    normalised: str = pl.DataFrame({"nama": [name]}, schema={"nama": pl.Utf8}).select(normalise_name(pl.col("nama"))).item()
    return normalised


# --- exact -------------------------------------------------------------------------------------


def exact_matches(incoming: pl.DataFrame, registry: pl.DataFrame) -> pl.DataFrame:
    """`row, id` for every incoming row whose NIK is already in the registry: an update."""
    return (
        incoming.select("row", "nik")
        .join(registry.select("id", "nik"), on="nik", how="inner")
        .select("row", "id")
        .sort("row", "id")
    )


def outside_area(typed: pl.DataFrame, registry: pl.DataFrame, area: str, nik_column: str
                 ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """An office imports the people of its own area only. A row whose NIK is a registered person living outside
    ``area`` (``typed``'s ``existing_id`` is a ``registry`` id whose ``desa`` is not ``area`` nor under it) is an
    error of its own, ``peserta_outside_area``, and is neither written nor counted as an update: in a province
    deployment a regency office's file neither updates nor moves a neighbouring regency's person. The message says
    the NIK is registered elsewhere and nothing more of him. Returns (typed with those rows invalid and without
    their ``existing_id``, their findings)."""
    inside = (pl.col("desa") == area) | pl.col("desa").str.starts_with(area + ".")
    elsewhere = registry.lazy().filter(~inside.fill_null(False)).select(pl.col("id").alias("existing_id"))
    hits = (typed.lazy().filter(pl.col("existing_id").is_not_null()).select("row", "existing_id")
            .join(elsewhere, on="existing_id", how="semi").select("row").collect())
    if hits.is_empty():
        return typed, pl.DataFrame(schema=FINDINGS_SCHEMA)
    hit = pl.col("row").is_in(hits["row"].implode())
    found = hits.select(
        pl.col("row").cast(pl.Int64),
        column=pl.lit(nik_column),
        code=pl.lit("peserta_outside_area"),
        severity=pl.lit("error"),
        message=pl.format(
            "NIK pada baris {} (kolom {}) sudah terdaftar di wilayah lain, di luar wilayah Anda. Perpindahan "
            "peserta antarwilayah dicatat oleh dinas wilayahnya atau dinas provinsi, bukan lewat impor ini: "
            "hapus baris ini dari berkas.", pl.col("row"), pl.lit(nik_column)),
    ).cast(FINDINGS_SCHEMA)
    typed = typed.with_columns(valid=pl.col("valid") & ~hit,
                               existing_id=pl.when(hit).then(None).otherwise(pl.col("existing_id")))
    return typed, found


# --- probabilistic -----------------------------------------------------------------------------

# The model: for each comparison level, m = P(level | same person, NIK differs) and
# u = P(level | different people), levels listed best first. Chosen by hand for a regency's register.
NAME_LEVELS = [  # on the normalised name
    ("exact", "nama_norm_l = nama_norm_r", 0.65, 0.0005),  # ~1 in 2000 random pairs share a name
    ("jaro-winkler >= 0.95", "jaro_winkler_similarity(nama_norm_l, nama_norm_r) >= 0.95", 0.15, 0.001),
    ("jaro-winkler >= 0.88", "jaro_winkler_similarity(nama_norm_l, nama_norm_r) >= 0.88", 0.12, 0.01),
    ("else", None, 0.08, 0.9885),
]
DOB_LEVELS = [
    ("exact", "tanggal_lahir_l = tanggal_lahir_r", 0.85, 0.00007),  # 1 in ~15,000 birth days
    (
        "day and month swapped",
        "year(tanggal_lahir_l) = year(tanggal_lahir_r)"
        " AND day(tanggal_lahir_l) = month(tanggal_lahir_r) AND month(tanggal_lahir_l) = day(tanggal_lahir_r)",
        0.02,
        0.00007,
    ),
    (
        "same year and month",
        "date_trunc('month', tanggal_lahir_l) = date_trunc('month', tanggal_lahir_r)",
        0.04,
        0.0023,
    ),
    ("within a year", "abs(date_diff('day', tanggal_lahir_l, tanggal_lahir_r)) <= 366", 0.04, 0.045),
    ("else", None, 0.05, 0.95256),
]
VILLAGE_LEVELS = [
    ("exact", "desa_l = desa_r", 0.85, 0.005),  # a regency has some 200-400 villages
    ("same kecamatan", "kecamatan_l = kecamatan_r", 0.10, 0.05),  # and 10-25 kecamatan
    ("else", None, 0.05, 0.945),
]
# Pairs with equal NIKs never reach the model. A NIK is area (6 digits: province, regency, kecamatan
# of first registration), birth date (DDMMYY, women's day +40) and a serial counting from 0001 the
# people registered with that area, date and sex. The other comparisons already score the birth date
# and village, so u here is the chance *given* an equal birth date and village (measured on the bench's
# synthetic regency, ~94,000 such pairs of strangers at 1M rows): then two strangers' NIKs share the
# area and date, and differ in the serial (a neighbour with the same birth date: 40%) or in the sex
# (40%); a clerk's typo instead swaps two adjacent digits or changes one, anywhere. So the levels say
# *how* the NIKs differ rather than how much. m is a guess for real registers, not the bench's mix
# (which plants swaps and leading-zero slips only).


def _same_length(sql: str) -> str:
    """`sql` where the NIKs are equally long, else NULL (the level does not apply): DuckDB's hamming()
    refuses strings of unequal length."""
    return f"CASE WHEN length(nik_l) = length(nik_r) THEN {sql} END"


# A typo is told from the NIKs only between equal birth dates (u is measured there). Between different
# dates the NIKs' date digits differ because the dates do: a man born on the 15th and a woman born on
# the 11th have day digits 15 and 51, a "swap" that is no typo.
_EQUAL_BIRTH_DATES = "tanggal_lahir_l = tanggal_lahir_r AND "

NIK_LEVELS = [
    (
        # The commonest typo in a 16-digit number, and rare between strangers (serials 0012/0021).
        # Of equal length, 2 digits apart and one edit away is exactly an adjacent swap. Damerau-
        # Levenshtein costs ~200x a Hamming distance, and DuckDB evaluates both sides of an AND, so a
        # CASE keeps it to the few pairs 2 digits apart.
        "two adjacent digits swapped",
        _EQUAL_BIRTH_DATES
        + _same_length("CASE WHEN hamming(nik_l, nik_r) = 2 THEN damerau_levenshtein(nik_l, nik_r) = 1 END"),
        0.44,
        0.001,
    ),
    (
        # The same area and birth date but the day 40 apart: the NIKs name a man and a woman born that
        # day, two people. A typo adding exactly 4 to that one digit is rare; a swap moves the day by a
        # multiple of 9, never 40.
        "the NIKs differ in sex",
        "nik12_l <> nik12_r AND nik12_sexless_l = nik12_sexless_r",
        0.005,
        0.40,
    ),
    (
        # The same area, date and sex, the serials under 100 apart: what a neighbour registered with the
        # same birth date looks like (a serial counts those people, from 0001), but also a typo in its
        # last two digits or a second NIK issued to one person. Little evidence either way: an exact
        # name, birth date and village still make a pair, a similar name does not.
        "only the serial differs, by less than 100",
        "nik12_l = nik12_r AND abs(nik_serial_l - nik_serial_r) < 100",
        0.20,
        0.40,
    ),
    (
        # One digit changed elsewhere: in the area or date, or a serial's leading zero (0001 typed 0101
        # or 1001: more people than that of one sex are seldom born on one day in one kecamatan).
        "one digit differs",
        _EQUAL_BIRTH_DATES + _same_length("hamming(nik_l, nik_r) = 1"),
        0.30,
        0.02,
    ),
    (
        # The same area, date and sex, the serials 100 or more apart in more than one digit: no single
        # typo; a second NIK issued to one person, or a default birth date (1 July, 31 December) whose
        # serials run into the hundreds. No evidence either way.
        "only the serial differs, by 100 or more",
        "nik12_l = nik12_r",
        0.03,
        0.03,
    ),
    ("else", None, 0.025, 0.149),  # two typos, or another NIK altogether (re-registered after a move)
]
# About 1% of a million rows are duplicates: ~10^4 matches among ~5·10^11 pairs (2·10^-8), rounded
# down to -26.6 bits so that a pair needs name, birth date and village to reach 0.9 unless the NIKs are
# one typo apart.
PRIOR = 1e-8

# Candidate pairs; each rule also needs different NIKs and at least one side from the file. The first
# rule finds nearly all that the default threshold shows: without an equal birth date no pair reaches
# 0.9, and without an equal village only an exact name and birth date in the same kecamatan with the
# NIKs' digits swapped (the third rule); the other rules serve lower thresholds. Wider blocks (same birth
# date in the kecamatan, same first name in the village, same NIK head) cost millions of pairs at 1M
# rows and add next to nothing that can pass.
BLOCKING_RULES = [
    "l.tanggal_lahir = r.tanggal_lahir AND l.desa = r.desa",  # the name written differently
    "l.nama_norm = r.nama_norm AND l.desa = r.desa",  # the birth date mistyped too
    "l.nama_norm = r.nama_norm AND l.tanggal_lahir = r.tanggal_lahir",  # moved to another village
]
_PAIR_FILTER = " AND l.nik IS DISTINCT FROM r.nik AND (l.source_dataset = 'file' OR r.source_dataset = 'file')"

RESULT_SCHEMA = pl.Schema({
    "row": pl.Int64,
    "other_kind": pl.Utf8,  # "registry" | "file"
    "other": pl.Utf8,  # registry id or incoming row, as text
    "nik": pl.Utf8,
    "other_nik": pl.Utf8,
    "probability": pl.Float64,
})


def comparison(name: str, column: str, levels: list[Level]) -> "ComparisonCreator":
    comparison_levels: list[ComparisonLevelCreator | dict[str, Any]] = [cll.NullLevel(column)]
    comparison_levels += [cll.ElseLevel() if sql is None else cll.CustomLevel(sql, label) for label, sql, _, _ in levels]
    return cl.CustomComparison(
        output_column_name=name,
        comparison_levels=comparison_levels,
    ).configure(m_probabilities=[m for *_, m, _ in levels], u_probabilities=[u for *_, u in levels])


SETTINGS = SettingsCreator(
    link_type="link_and_dedupe",
    unique_id_column_name="uid",
    comparisons=[
        comparison("nama", "nama_norm", NAME_LEVELS),
        comparison("tanggal_lahir", "tanggal_lahir", DOB_LEVELS),
        comparison("desa", "desa", VILLAGE_LEVELS),
        comparison("nik", "nik", NIK_LEVELS),
    ],
    blocking_rules_to_generate_predictions=[CustomRule(rule + _PAIR_FILTER) for rule in BLOCKING_RULES],
    probability_two_random_records_match=PRIOR,
    retain_matching_columns=False,
    additional_columns_to_retain=["nik"],
)


def linkage_input(frame: pl.DataFrame, uid: str, source: str) -> pl.DataFrame:
    """The columns the model reads, derived once here rather than in every pair's SQL. A frame without villages
    (a membership list) gets null ones: the village comparison then says nothing."""
    nama = pl.col("nama_norm")
    if "desa" not in frame.columns:
        frame = frame.with_columns(desa=pl.lit(None, pl.Utf8))
    return frame.with_columns(nama_norm=normalise_name(pl.col("nama"))).select(
        pl.col(uid).cast(pl.Int64).alias("uid"),
        pl.lit(source).alias("source_dataset"),
        "nik",
        pl.col("nik").str.slice(0, 12).alias("nik12"),
        # The head with women's day (+40) taken back: equal for a man and a woman born the same day.
        pl.concat_str(
            pl.col("nik").str.slice(0, 6),
            (pl.col("nik").str.slice(6, 2).cast(pl.Int32, strict=False) % 40).cast(pl.Utf8).str.zfill(2),
            pl.col("nik").str.slice(8, 4),
        ).alias("nik12_sexless"),
        pl.col("nik").str.slice(12).cast(pl.Int32, strict=False).alias("nik_serial"),
        pl.when(nama != "").then(nama).alias("nama_norm"),  # a name of only titles is no name
        pl.col("tanggal_lahir").cast(pl.Date),
        "desa",
        pl.col("desa").str.slice(0, 8).alias("kecamatan"),  # "17.04.05" of "17.04.05.2009"
    )


def probable_duplicates(
    incoming: pl.DataFrame,
    registry: pl.DataFrame,
    *,
    threshold: float = 0.9,
    dismissed: Set[tuple[str, str]] = frozenset(),
    limit_pairs: int | None = None,
) -> pl.DataFrame:
    """Pairs that are probably one person under two NIKs, most probable first.

    Each incoming row is compared with the registry (`other_kind` "registry", `other` the registry
    id) and with the other incoming rows ("file", `other` the larger row number); pairs scoring at
    least `threshold` are returned. Pairs with equal NIKs are left to the exact step; pairs in
    `dismissed` (NIK pairs judged *different people* by a reviewer, stored as (smaller, larger))
    never come back. `limit_pairs` caps the result at the most probable pairs, for a review queue
    that cannot take more.
    """
    frame = pl.concat([linkage_input(incoming, "row", "file"), linkage_input(registry, "id", "registry")])
    # Splink runs only core DuckDB functions; never let DuckDB fetch an extension from the internet.
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    try:
        con.from_arrow(frame.to_arrow()).create("people")  # a table, not a view: each rule scans it twice
        linker = Linker(DuckDBAPI(con).register("people"), SETTINGS, log_level=None)
        scored = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
        pairs = con.sql(
            f"SELECT source_dataset_l, uid_l, nik_l, source_dataset_r, uid_r, nik_r, match_probability "
            f"FROM {scored.physical_name}"
        ).pl()
    finally:
        con.close()
    return _review_pairs(pairs, dismissed, limit_pairs)


def _review_pairs(pairs: pl.DataFrame, dismissed: Set[tuple[str, str]], limit_pairs: int | None) -> pl.DataFrame:
    """Splink's (l, r) pairs as (incoming row, other) with the dismissed pairs removed."""
    # The incoming row is the file side; between two file rows, the smaller row number.
    l_first = (pl.col("source_dataset_r") == "registry") | (
        (pl.col("source_dataset_l") == "file") & (pl.col("uid_l") < pl.col("uid_r"))
    )
    result = pairs.select(
        pl.when(l_first).then("uid_l").otherwise("uid_r").alias("row"),
        pl.when(l_first).then("source_dataset_r").otherwise("source_dataset_l").alias("other_kind"),
        pl.when(l_first).then("uid_r").otherwise("uid_l").cast(pl.Utf8).alias("other"),
        pl.when(l_first).then("nik_l").otherwise("nik_r").alias("nik"),
        pl.when(l_first).then("nik_r").otherwise("nik_l").alias("other_nik"),
        pl.col("match_probability").alias("probability"),
    )
    if dismissed:
        gone = pl.DataFrame([sorted(pair) for pair in dismissed], schema=["nik_a", "nik_b"], orient="row")
        result = result.join(
            gone,
            left_on=[pl.min_horizontal("nik", "other_nik"), pl.max_horizontal("nik", "other_nik")],
            right_on=["nik_a", "nik_b"],
            how="anti",
        )
    result = result.sort(["probability", "row", "other_kind", "other"], descending=[True, False, False, False])
    if limit_pairs is not None:
        result = result.head(limit_pairs)
    return result.cast(RESULT_SCHEMA)
