from datetime import date

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from lindung.pipeline.eligibility import Rules, Weights, assess, explain, formula

START = date(2027, 1, 1)
RULES = Rules(start=START, occupations=frozenset({"nelayan", "petani"}))
HIGH_RISK = frozenset({"nelayan"})
SCHEMA = {
    "nik": pl.Utf8,
    "tanggal_lahir": pl.Date,
    "pekerjaan": pl.List(pl.Utf8),
    "desil": pl.Int64,
    "miskin_ekstrem": pl.Boolean,
    "hubungan": pl.Utf8,
    "id_keluarga": pl.Utf8,
}
NELAYAN = {
    "nik": "1704050101900001",
    "tanggal_lahir": date(1990, 1, 1),
    "pekerjaan": ["nelayan"],
    "desil": 1,
    "miskin_ekstrem": True,
    "hubungan": "Kepala Keluarga",
    "id_keluarga": None,
}


def frame(*rows: dict) -> pl.DataFrame:
    return pl.DataFrame([{**NELAYAN, **r} for r in rows], schema=SCHEMA)


def one(rules: Rules = RULES, **changes) -> dict:
    return assess(frame(changes), rules, high_risk=HIGH_RISK).row(0, named=True)


def test_a_worker_meeting_every_rule_is_eligible():
    row = one()
    assert row["eligible"] and row["reasons"] == []


def test_each_failed_rule_gives_exactly_its_reason():
    strict = Rules(
        start=START,
        occupations=frozenset({"nelayan"}),
        require_extreme_poverty=True,
        excluded=frozenset({"E"}),
        enrolled=frozenset({"T"}),
    )
    cases = [
        ({"tanggal_lahir": date(1960, 6, 1)}, "Usia 66 tahun pada 1 Januari 2027: harus di bawah 65"),
        ({"tanggal_lahir": date(2010, 6, 1)}, "Usia 16 tahun pada 1 Januari 2027: minimal 18"),
        ({"tanggal_lahir": None}, "Tanggal lahir tidak diketahui"),
        ({"desil": 3}, "Desil 3 di atas batas 1"),
        ({"desil": None}, "Desil tidak diketahui (batas 1)"),
        ({"desil": 0}, "Desil 0 tidak sah: harus 1–10"),
        ({"pekerjaan": ["pedagang-kecil"]}, "Pekerjaan 'pedagang-kecil' tidak termasuk yang diizinkan"),
        ({"pekerjaan": []}, "Tidak punya pekerjaan yang diizinkan"),
        ({"miskin_ekstrem": False}, "Bukan keluarga miskin ekstrem"),
        ({"nik": "E"}, "Terdaftar sebagai peserta penerima upah (daftar pengecualian)"),
        ({"nik": "T"}, "Sudah terdaftar di program lain"),
    ]
    for change, reason in cases:
        row = one(strict, **change)
        assert (row["eligible"], row["reasons"]) == (False, [reason]), change


def test_several_failures_give_several_reasons():
    row = one(desil=4, miskin_ekstrem=False, pekerjaan=["ojek", "buruh"], nik="X")
    assert row["reasons"] == [
        "Desil 4 di atas batas 1",
        "Pekerjaan 'ojek' tidak termasuk yang diizinkan",
        "Pekerjaan 'buruh' tidak termasuk yang diizinkan",
    ]


def test_one_allowed_occupation_is_enough():
    assert one(pekerjaan=["pedagang-kecil", "nelayan"])["eligible"]


def test_age_boundaries_on_the_start_date():
    def eligible(born: date) -> bool:
        return one(tanggal_lahir=born)["eligible"]

    assert eligible(date(2009, 1, 1))  # 18 today
    assert not eligible(date(2009, 1, 2))  # 18 tomorrow
    assert eligible(date(1962, 1, 2))  # 64 years 364 days
    assert not eligible(date(1962, 1, 1))  # 65 today


def test_leap_day_birthday_counts_from_the_first_of_march():
    rules = Rules(start=date(2026, 2, 28), min_age=18)
    assert not one(rules, tanggal_lahir=date(2008, 2, 29), pekerjaan=["x"])["eligible"]
    rules = Rules(start=date(2026, 3, 1), min_age=18)
    assert one(rules, tanggal_lahir=date(2008, 2, 29), pekerjaan=["x"])["eligible"]


def test_no_desil_ceiling_and_any_listed_occupation():
    open_rules = Rules(start=START, desil_max=None, occupations=None)
    assert one(open_rules, desil=10, pekerjaan=["pedagang-kecil"])["eligible"]
    assert one(open_rules, desil=None, pekerjaan=["apa-saja"])["eligible"]
    assert one(open_rules, pekerjaan=[])["reasons"] == ["Tidak punya pekerjaan yang diizinkan"]


def test_priority_follows_the_shown_formula():
    weights = Weights()
    assert formula(weights) == (
        "Skor = 10 × (11 − desil) + 20 × miskin ekstrem + 15 × pekerjaan berisiko tinggi"
        " + 10 × kepala keluarga + 3 × tanggungan (maks. 5)"
    )
    # A fisher, desil 2, extreme poor, head of a family of 4: 10×9 + 20 + 15 + 10 + 3×3.
    rows = [
        {"desil": 2, "hubungan": "  kepala   KELUARGA ", "id_keluarga": "K1"},
        {"nik": "2", "hubungan": "Istri", "id_keluarga": "K1"},
        {"nik": "3", "hubungan": "Anak", "id_keluarga": "K1"},
        {"nik": "4", "hubungan": "Anak", "id_keluarga": "K1"},
    ]
    result = assess(frame(*rows), RULES, weights, high_risk=HIGH_RISK)
    head = result.filter(pl.col("nik") == NELAYAN["nik"]).row(0, named=True)
    assert head["priority"] == 90 + 20 + 15 + 10 + 9 == 144
    parts = explain(head, weights)
    assert sum(points for _, points in parts) == head["priority"]
    assert parts == [
        ("Desil 2: 10 × (11 − 2)", 90),
        ("Miskin ekstrem: ya", 20),
        ("Pekerjaan berisiko tinggi: ya", 15),
        ("Kepala keluarga: ya", 10),
        ("Tanggungan 3 × 3 (maks. 5)", 9),
    ]


def test_weights_are_data():
    w = Weights(desil=1, extreme_poverty=0, high_risk_occupation=0, head_of_household=0, per_dependant=0)
    assert assess(frame({"desil": 4}), RULES, w, high_risk=HIGH_RISK)["priority"][0] == 7
    assert formula(w).startswith("Skor = 1 × (11 − desil) + 0 × miskin ekstrem")


def test_household_size_and_dependants():
    rows = [
        {"nik": "1", "id_keluarga": "K1"},
        {"nik": "2", "id_keluarga": "K1"},
        {"nik": "3", "id_keluarga": "K1"},
        {"nik": "4", "id_keluarga": ""},  # empty ids are households of one,
        {"nik": "5", "id_keluarga": ""},  # not one household together
        {"nik": "6", "id_keluarga": None},
        {"nik": "7", "id_keluarga": None},
    ]
    result = assess(frame(*rows), RULES, high_risk=HIGH_RISK).sort("nik")
    assert result["household_size"].to_list() == [3, 3, 3, 1, 1, 1, 1]
    assert explain(result.row(0, named=True))[-1] == ("Tanggungan 2 × 3 (maks. 5)", 6)


def test_dependants_are_capped():
    rows = [{"nik": str(i), "id_keluarga": "K"} for i in range(9)]
    row = assess(frame(*rows), RULES, high_risk=HIGH_RISK).row(0, named=True)
    assert (row["household_size"], explain(row)[-1][1]) == (9, 15)


def test_rows_keep_their_order_for_the_caller_to_rank():
    rows = [{"nik": "b", "desil": 3}, {"nik": "c"}, {"nik": "a"}]
    result = assess(frame(*rows), RULES, high_risk=HIGH_RISK)
    assert result["nik"].to_list() == ["b", "c", "a"]
    ranked = result.sort(["priority", "nik"], descending=[True, False])
    assert ranked["nik"].to_list() == ["a", "c", "b"]


workers = st.lists(
    st.fixed_dictionaries(
        {
            "nik": st.none() | st.sampled_from(["1", "2", "3", "E"]),
            "tanggal_lahir": st.none() | st.dates(date(1900, 1, 1), date(2030, 12, 31)),
            "pekerjaan": st.none() | st.lists(st.none() | st.sampled_from(["nelayan", "petani", "ojek", ""])),
            "desil": st.none() | st.integers(-5, 15),
            "miskin_ekstrem": st.none() | st.booleans(),
            "hubungan": st.none() | st.sampled_from(["Kepala Keluarga", " KRT ", "kk", "Anak", ""]),
            "id_keluarga": st.none() | st.sampled_from(["", "K1", "K2"]),
        }
    ),
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(workers, st.booleans(), st.none() | st.integers(1, 10))
def test_random_frames(rows, require_poverty, desil_max):
    rules = Rules(
        start=START,
        occupations=frozenset({"nelayan"}) if require_poverty else None,
        desil_max=desil_max,
        require_extreme_poverty=require_poverty,
        excluded=frozenset({"E"}),
    )
    result = assess(pl.DataFrame(rows, schema=SCHEMA), rules, high_risk=HIGH_RISK)
    assert result.height == len(rows)
    assert (result["priority"] >= 0).all()
    assert (result["eligible"] == (result["reasons"].list.len() == 0)).all()
    for row in result.iter_rows(named=True):
        assert sum(points for _, points in explain(row)) == row["priority"]
