from datetime import date

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from lindung.pipeline.linkage import (
    RESULT_SCHEMA,
    exact_matches,
    normalise_name,
    normalise_name_str,
    probable_duplicates,
)

SEKUNYIT = "17.04.05.2009"
BANDAR = "17.04.05.1013"


def frame(key: str, people: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(
        people,
        schema={key: pl.Int64, "nik": pl.Utf8, "nama": pl.Utf8, "tanggal_lahir": pl.Date, "desa": pl.Utf8},
        orient="row",
    )


# Sujono, born 17 Aug 1978 in Kaur Selatan; the file has his NIK with two digits of the birth day swapped.
SUJONO_NIK = "1704051708780003"
SUJONO_MISTYPED = "1704057108780003"
REGISTRY = frame(
    "id",
    [
        (7, SUJONO_NIK, "Mochamad Sujono, S.Pd", date(1978, 8, 17), SEKUNYIT),
        (8, "1704054405900001", "Siti Aminah", date(1990, 5, 4), SEKUNYIT),
        (9, "1704050101600002", "Kasmin", date(1960, 1, 1), BANDAR),
    ],
)
INCOMING = frame(
    "row",
    [
        (2, SUJONO_MISTYPED, "Moch. Sudjono", date(1978, 8, 17), SEKUNYIT),
        # A stranger: same birth date and village as Siti, a NIK one digit away (the sex digit).
        (3, "1704050405900001", "Budi Santoso", date(1990, 5, 4), SEKUNYIT),
        (4, "1704050101600002", "KASMIN", date(1960, 1, 1), BANDAR),  # Kasmin's NIK: an update
        (5, "1704055212850004", "Hj. Ratna  Dewi", date(1985, 12, 12), BANDAR),
        (9, "1704055212850007", "RATNA DEWI", date(1985, 12, 12), BANDAR),  # the same woman again
        (10, "1704055212850004", "Ratna Dewi", date(1985, 12, 12), BANDAR),  # row 5's NIK again
    ],
)


@pytest.fixture(scope="module")
def pairs() -> pl.DataFrame:
    return probable_duplicates(INCOMING, REGISTRY)


@pytest.fixture(scope="module")
def everything() -> pl.DataFrame:
    return probable_duplicates(INCOMING, REGISTRY, threshold=0.0)


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("Moch. Sudjono", "muhammad sujono"),
        ("Mochamad Sujono, S.Pd", "muhammad sujono"),
        ("MOHAMMAD  sujono", "muhammad sujono"),
        ("Muh. Sujono", "muhammad sujono"),
        ("Moehammad Soedjono", "muhammad sujono"),
        ("H. Ahmad Tjahjadi", "ahmad cahjadi"),
        ("Hj. Siti Aminah, S.Pd.I", "siti aminah"),
        ("Siti Aminah S.Pd.I.", "siti aminah"),
        ("Drs. H. Joko Santoso, M.Pd", "joko santoso"),
        ("Ir. Bambang, S.T", "bambang"),
        ("Bpk. Sukirman A.Md", "sukirman"),
        ("Almarhum Paijo", "paijo"),
        ("Ibu Dewi  Lestari S.E.", "dewi lestari"),
        ("  rina   wati ", "rina wati"),
        ("Ma'ruf", "maruf"),
        ("Chairul Anwar", "khairul anwar"),
        ("Soekarno", "sukarno"),
        ("Sri Mulyanni", "sri mulyani"),
        ("St. Aminah", "st aminah"),  # "St" is Siti, not the degree S.T
        ("Hj.", ""),
    ],
)
def test_normalise_name(raw, normal):
    assert normalise_name_str(raw) == normal


def test_normalise_name_is_vectorised_and_keeps_nulls():
    names = pl.DataFrame({"nama": ["Moch. Sudjono", None, "H. Siti"]})
    assert names.select(normalise_name(pl.col("nama"))).to_series().to_list() == ["muhammad sujono", None, "siti"]


def test_exact_matches_are_updates():
    assert exact_matches(INCOMING, REGISTRY).rows() == [(4, 9)]


def test_mistyped_nik_is_found_under_another_spelling(pairs):
    sujono = pairs.filter(pl.col("row") == 2)
    assert sujono.select("other_kind", "other", "nik", "other_nik").rows() == [
        ("registry", "7", SUJONO_MISTYPED, SUJONO_NIK)
    ]
    assert sujono["probability"].item() >= 0.9


def test_in_file_duplicate_under_another_nik(pairs):
    # Rows 5 and 10 share a NIK (the exact step's business), so row 9 pairs with both.
    assert pairs.filter(pl.col("other_kind") == "file").select("row", "other").rows() == [(5, "9"), (9, "10")]


def test_strangers_sharing_birth_date_and_village_are_not_pairs(pairs, everything):
    assert pairs.filter(pl.col("row") == 3).is_empty()
    assert everything.filter(pl.col("row") == 3)["probability"].max() < 0.1


def test_equal_niks_are_left_to_the_exact_step(everything):
    assert everything.filter(pl.col("nik") == pl.col("other_nik")).is_empty()
    found = set(everything.select("row", "other_kind", "other").rows())
    assert not found & {(4, "registry", "9"), (5, "file", "10")}


def test_dismissed_pairs_never_come_back():
    dismissed = {(min(SUJONO_NIK, SUJONO_MISTYPED), max(SUJONO_NIK, SUJONO_MISTYPED))}
    everything = probable_duplicates(INCOMING, REGISTRY, threshold=0.0, dismissed=dismissed)
    assert everything.filter(pl.col("row") == 2, pl.col("other_kind") == "registry").is_empty()
    assert not everything.filter(pl.col("row") == 5).is_empty()  # only that pair is gone


def test_sorted_by_probability_and_limited(everything):
    assert everything["probability"].is_sorted(descending=True)
    assert_frame_equal(probable_duplicates(INCOMING, REGISTRY, threshold=0.0, limit_pairs=2), everything.head(2))


def test_deterministic(pairs):
    assert_frame_equal(probable_duplicates(INCOMING, REGISTRY), pairs)


def test_no_candidates_gives_an_empty_frame_with_the_schema():
    result = probable_duplicates(INCOMING.filter(pl.col("row") == 3), REGISTRY.filter(pl.col("id") == 9))
    assert result.is_empty()
    assert result.schema == pl.Schema(RESULT_SCHEMA)


# How the NIKs differ, for two records of one name, birth date (3 Feb 1971) and village unless told.
DIAN_NIK = "1704050302710001"


def pair_probability(nik: str, other_nama: str) -> float:
    registry = frame("id", [(1, DIAN_NIK, "Dian Lestari", date(1971, 2, 3), SEKUNYIT)])
    incoming = frame("row", [(2, nik, other_nama, date(1971, 2, 3), SEKUNYIT)])
    found = probable_duplicates(incoming, registry, threshold=0.0)
    return found["probability"].item() if found.height else 0.0


@pytest.mark.parametrize(
    ("nik", "other_nama", "proposed"),
    [
        # Two adjacent digits swapped, the commonest typo: enough even beside a name with a letter left out.
        ("1704053002710001", "Dian Lestar", True),
        ("1704050302710010", "Dian Lestar", True),
        # One digit changed in the area, the date or a serial's leading zero (0001 typed 1001).
        ("1704050302711001", "Dian Lestari", True),
        ("1704060302710001", "Dian Lestari", True),
        # Only the serial a few apart: a neighbour registered the same day (or a last-digit typo): the
        # exact name still shows the pair, a similar one does not.
        ("1704050302710002", "Dian Lestari", True),
        ("1704050302710002", "Dian Lestar", False),
        # The serial hundreds apart in several digits (a second NIK issued): no evidence either way.
        ("1704050302719998", "Dian Lestari", True),
        ("1704050302719998", "Dian Lestar", False),
        # A woman's NIK (day +40) beside a man's: two people, even under one name.
        ("1704054302710001", "Dian Lestari", False),
    ],
)
def test_how_the_niks_differ(nik, other_nama, proposed):
    assert (pair_probability(nik, other_nama) >= 0.9) is proposed


def test_date_digits_that_differ_with_the_birth_dates_are_no_typo():
    # Two Dian Lestari of one village, born 12 and 21 April 1971: NIK day digits 12 and 21 look like a
    # swap, but each NIK agrees with its own birth date.
    registry = frame("id", [(1, "1704051204710001", "Dian Lestari", date(1971, 4, 12), SEKUNYIT)])
    incoming = frame("row", [(2, "1704052104710001", "Dian Lestari", date(1971, 4, 21), SEKUNYIT)])
    assert probable_duplicates(incoming, registry).is_empty()
