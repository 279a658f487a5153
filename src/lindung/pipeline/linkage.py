"""Dedupe of an import against itself and the worker registry.

Two steps. `exact_matches`: a NIK already in the registry makes that row an update. Then
`probable_duplicates`: the same person under a mistyped NIK, found by splink on DuckDB comparing a
normalised name, the birth date, the village and the NIK's similarity. The model's m/u probabilities
are fixed below rather than trained by EM, so a result is deterministic, fast and testable, and a
reviewer can be told why a pair scored as it did.
"""

import string

import duckdb
import polars as pl
from splink import DuckDBAPI, Linker, SettingsCreator
from splink import comparison_level_library as cll
from splink import comparison_library as cl

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
    return pl.DataFrame({"nama": [name]}, schema={"nama": pl.Utf8}).select(normalise_name(pl.col("nama"))).item()


# --- exact -------------------------------------------------------------------------------------


def exact_matches(incoming: pl.DataFrame, registry: pl.DataFrame) -> pl.DataFrame:
    """`row, id` for every incoming row whose NIK is already in the registry: an update."""
    return (
        incoming.select("row", "nik")
        .join(registry.select("id", "nik"), on="nik", how="inner")
        .select("row", "id")
        .sort("row", "id")
    )


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
# Pairs with equal NIKs never reach the model. The first 12 digits repeat the kecamatan of first
# registration, the birth date and the sex, which the other comparisons already score, so u here is
# the chance *given* an equal birth date and village: two such strangers share the first 12 digits
# half the time (same sex), and their serials (0001, 0002 …) are close. Hence the modest weights.
NIK_LEVELS = [
    ("first 12 digits equal", "nik12_l = nik12_r", 0.30, 0.10),
    (
        # A swap is 2. Hamming, not Levenshtein: NIKs are 16 digits, and Levenshtein cost 30× as much
        # (a third of the run at 1M rows). DuckDB's hamming() refuses strings of unequal length.
        "at most 2 digits differ",
        "CASE WHEN length(nik_l) = length(nik_r) THEN hamming(nik_l, nik_r) <= 2 END",
        0.55,
        0.05,
    ),
    ("else", None, 0.15, 0.85),
]
# About 1% of a million rows are duplicates: ~10^4 matches among ~5·10^11 pairs (2·10^-8), rounded
# down to -26.6 bits so that a pair needs name, birth date and village to reach 0.9.
PRIOR = 1e-8

# Candidate pairs; each rule also needs different NIKs and at least one side from the file. With the
# weights above a pair must share birth date and village to reach 0.9 (without either the best score
# is 0.875: evidence must beat a prior of -26.6 bits), so the first rule finds what the default
# threshold shows and the other two serve lower thresholds. Wider blocks (same birth date in the
# kecamatan, same first name in the village, same NIK head) cost millions of pairs at 1M rows and
# add nothing that can pass.
BLOCKING_RULES = [
    "l.tanggal_lahir = r.tanggal_lahir AND l.desa = r.desa",  # the name written differently
    "l.nama_norm = r.nama_norm AND l.desa = r.desa",  # the birth date mistyped too
    "l.nama_norm = r.nama_norm AND l.tanggal_lahir = r.tanggal_lahir",  # moved to another village
]
_PAIR_FILTER = " AND l.nik IS DISTINCT FROM r.nik AND (l.source_dataset = 'file' OR r.source_dataset = 'file')"

RESULT_SCHEMA = {
    "row": pl.Int64,
    "other_kind": pl.Utf8,  # "registry" | "file"
    "other": pl.Utf8,  # registry id or incoming row, as text
    "nik": pl.Utf8,
    "other_nik": pl.Utf8,
    "probability": pl.Float64,
}


def _comparison(name: str, column: str, levels: list) -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name=name,
        comparison_levels=[cll.NullLevel(column)]
        + [cll.ElseLevel() if sql is None else cll.CustomLevel(sql, label) for label, sql, _, _ in levels],
    ).configure(m_probabilities=[m for *_, m, _ in levels], u_probabilities=[u for *_, u in levels])


SETTINGS = SettingsCreator(
    link_type="link_and_dedupe",
    unique_id_column_name="uid",
    comparisons=[
        _comparison("nama", "nama_norm", NAME_LEVELS),
        _comparison("tanggal_lahir", "tanggal_lahir", DOB_LEVELS),
        _comparison("desa", "desa", VILLAGE_LEVELS),
        _comparison("nik", "nik", NIK_LEVELS),
    ],
    blocking_rules_to_generate_predictions=[rule + _PAIR_FILTER for rule in BLOCKING_RULES],
    probability_two_random_records_match=PRIOR,
    retain_matching_columns=False,
    additional_columns_to_retain=["nik"],
)


def _linkage_input(frame: pl.DataFrame, uid: str, source: str) -> pl.DataFrame:
    """The columns the model reads, derived once here rather than in every pair's SQL."""
    nama = pl.col("nama_norm")
    return frame.with_columns(nama_norm=normalise_name(pl.col("nama"))).select(
        pl.col(uid).cast(pl.Int64).alias("uid"),
        pl.lit(source).alias("source_dataset"),
        "nik",
        pl.col("nik").str.slice(0, 12).alias("nik12"),
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
    dismissed: set[tuple[str, str]] = frozenset(),
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
    frame = pl.concat([_linkage_input(incoming, "row", "file"), _linkage_input(registry, "id", "registry")])
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


def _review_pairs(pairs: pl.DataFrame, dismissed: set[tuple[str, str]], limit_pairs: int | None) -> pl.DataFrame:
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
