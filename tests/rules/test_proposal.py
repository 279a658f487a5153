"""lindung.rules.proposal: the budget proposal (RKA) against DOMAIN.md's figures, a rate change inside the period,
the remainders, and input refused."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lindung.rules.contributions import INCOME_TIERS, IncomeTier, Month, Payer, UnknownTier
from lindung.rules.proposal import MAX_BUDGET, MAX_PEOPLE, Basis, propose

YEAR_2025 = Basis(Month(2025, 1), Month(2025, 12), Payer.APBD)


def test_kaur_2025_golden_figures():
    """DOMAIN.md section 1: 7,130 × 16,800 = Rp119,784,000 a month; Rp300 million pays the whole group for 2 months
    (Rp239.6 million, Rp60.4 million left), or 1,488 workers for a full year."""
    found = propose(YEAR_2025, 7_130, 300_000_000)
    assert [line.month for line in found.lines] == [Month(2025, m) for m in range(1, 13)]
    assert {(line.rate, line.people, line.cost) for line in found.lines} == {(16_800, 7_130, 119_784_000)}
    assert found.total == 12 * 119_784_000 == 1_437_408_000
    assert found.per_person == 201_600  # DOMAIN.md section 2: Rp201,600 a year
    assert (found.months_bought, found.last_month_bought, found.months_cost, found.months_left) == (
        2, Month(2025, 2), 239_568_000, 60_432_000)
    assert (found.people_bought, found.people_cost, found.people_left) == (1_488, 299_980_800, 19_200)


def test_jht_adds_rp20000_a_month():
    found = propose(Basis(Month(2027, 1), Month(2027, 12), "apbd", jht=True), 1, 36_800)
    assert {line.rate for line in found.lines} == {36_800}  # DOMAIN.md: with JHT Rp36,800
    assert (found.months_bought, found.people_bought) == (1, 0)


def test_the_rate_sources_are_named():
    found = propose(YEAR_2025, 1, 1)
    assert found.sources == ("PP 44/2015 Lampiran II (JKK 1%), PP 46/2015 (JHT 2%)",
                             "PP 44/2015 (JKM BPU Rp6.800 per bulan)")
    assert found.not_applied == ()


def test_pp_50_2025_halves_from_april_2026_for_a_village_fund_but_not_for_the_apbd():
    """The known dated change in the table: from April 2026 JKK + JKM is halved, except when APBN/APBD pays."""
    village = propose(Basis(Month(2026, 1), Month(2026, 12), Payer.DANA_DESA), 100, 10_000_000)
    assert [line.rate for line in village.lines] == [16_800] * 3 + [8_400] * 9
    assert village.total == 100 * (3 * 16_800 + 9 * 8_400) == 12_600_000
    assert "PP 50/2025" in village.sources
    # Jan–Mar cost 5,040,000; April onwards 840,000 a month: 5 more months fit in the remaining 4,960,000.
    assert (village.months_bought, village.months_cost, village.months_left) == (8, 9_240_000, 760_000)
    assert (village.people_bought, village.people_left) == (79, 10_000_000 - 79 * 126_000)

    regency = propose(Basis(Month(2026, 1), Month(2026, 12), Payer.APBD), 100, 10_000_000)
    assert {line.rate for line in regency.lines} == {16_800}
    assert regency.not_applied == (
        "Diskon 50% iuran JKK dan JKM (PP 50/2025) tidak berlaku karena iuran dibayar dari APBD.",)


def test_a_rate_change_in_a_passed_table_applies_from_its_month():
    """A tier table with a new JKK from July 2027 (as a future regulation would bring) prices each month by it."""
    old = INCOME_TIERS[0]
    tiers = (IncomeTier(old.income, old.jkk, old.jht, old.valid_from, Month(2027, 6), old.source),
             IncomeTier(old.income, 12_000, 24_000, Month(2027, 7), None, "Peraturan baru (uji)"))
    found = propose(Basis(Month(2027, 1), Month(2027, 12), Payer.APBD, tiers=tiers), 1_000, 200_000_000)
    assert [line.rate for line in found.lines] == [16_800] * 6 + [18_800] * 6
    assert found.total == 1_000 * (6 * 16_800 + 6 * 18_800) == 213_600_000
    assert found.sources[-1] == "Peraturan baru (uji)"
    # 6 × 16,800,000 = 100,800,000, then 18,800,000 a month: 5 more (94,000,000), 5,200,000 left.
    assert (found.months_bought, found.last_month_bought, found.months_left) == (11, Month(2027, 11), 5_200_000)
    assert (found.people_bought, found.people_left) == (936, 200_000_000 - 936 * 213_600)


def test_a_budget_too_small_buys_nothing_and_keeps_it_all():
    found = propose(YEAR_2025, 7_130, 100_000_000)
    assert (found.months_bought, found.last_month_bought, found.months_left) == (0, None, 100_000_000)
    assert (found.people_bought, found.people_left) == (496, 100_000_000 - 496 * 201_600)


def test_a_budget_above_the_cost_buys_the_whole_period_and_leaves_the_rest():
    found = propose(Basis(Month(2026, 7), Month(2026, 9), Payer.APBD), 10, 1_000_000)
    assert (found.months_bought, found.months_cost, found.months_left) == (3, 504_000, 496_000)
    assert found.people_bought == 19


@pytest.mark.parametrize("people, budget, message", [
    (0, 300_000_000, "Jumlah orang harus lebih dari nol"),
    (-5, 300_000_000, "Jumlah orang harus lebih dari nol"),
    (MAX_PEOPLE + 1, 300_000_000, "Jumlah orang paling banyak 10.000.000 orang"),
    (7_130, 0, "Anggaran harus lebih dari nol"),
    (7_130, -1, "Anggaran harus lebih dari nol"),
    (7_130, MAX_BUDGET + 1, "Anggaran paling banyak Rp100.000.000.000.000"),
    (7_130.5, 300_000_000, "Jumlah orang harus bilangan bulat"),
    (True, 300_000_000, "Jumlah orang harus bilangan bulat"),
])
def test_zero_negative_and_huge_input_is_refused(people, budget, message):
    with pytest.raises(ValueError, match=message):
        propose(YEAR_2025, people, budget)


def test_a_period_must_be_one_budget_year_in_order():
    with pytest.raises(ValueError, match="sebelum bulan pertama"):
        Basis(Month(2027, 5), Month(2027, 4), Payer.APBD)
    with pytest.raises(ValueError, match="tahun yang sama"):
        Basis(Month(2026, 7), Month(2027, 6), Payer.APBD)
    with pytest.raises(ValueError):
        Basis(Month(2027, 1), Month(2027, 12), "bank")


def test_an_unconfigured_income_tier_is_refused():
    with pytest.raises(UnknownTier, match="Rp2.000.000"):
        propose(Basis(Month(2027, 1), Month(2027, 12), Payer.APBD, income=2_000_000), 1, 1_000_000)


@given(people=st.integers(1, MAX_PEOPLE), budget=st.integers(1, MAX_BUDGET), months=st.integers(1, 12),
       payer=st.sampled_from(list(Payer)))
def test_what_the_budget_buys_fits_it_and_one_more_would_not(people, budget, months, payer):
    found = propose(Basis(Month(2026, 1), Month(2026, months), payer), people, budget)
    assert 0 <= found.people_left < found.per_person
    assert found.people_cost + found.people_left == budget
    assert 0 <= found.months_left and found.months_cost + found.months_left == budget
    if found.months_bought < months:
        assert found.months_left < found.lines[found.months_bought].cost
