"""lindung.rules.planner: the Kaur figures of DOMAIN.md section 1, the optimum against brute force,
the user's constraints, the proven gap of large plans, lapse dates and warnings."""

import itertools
import random
from collections import Counter
from datetime import date
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lindung.rules import planner
from lindung.rules.contributions import Month, month_range
from lindung.rules.regulation import LapseDay, Regulation
from lindung.rules.planner import (
    PlanInput,
    SolverError,
    Worker,
    everyone_while_money_lasts,
    full_year_for_most,
    lapse_date,
    optimum,
    plan,
)

JAN, DEC = Month(2025, 1), Month(2025, 12)
DEC_2024 = Month(2024, 12)
KAUR_BUDGET = 300_000_000


def kaur_workers(n: int = 7_130, seed: int = 2025, continuing: float = 1.0) -> list[Worker]:
    """n workers in 15 kecamatan, priorities drawn like pipeline.eligibility's formula for desil 1;
    a share ``continuing`` of them paid until December 2024, as Kaur's were."""
    rng = random.Random(seed)
    kecamatan = [f"Kecamatan {i:02d}" for i in range(1, 16)]
    return [
        Worker(
            key=f"W{i:05d}",
            priority=100 + 20 * (rng.random() < 0.4) + 15 * (rng.random() < 0.3)
            + 10 * (rng.random() < 0.6) + 3 * rng.randint(0, 5),
            kecamatan=rng.choice(kecamatan),
            covered_until=DEC_2024 if rng.random() < continuing else None,
        )
        for i in range(n)
    ]


@cache
def kaur(**settings_) -> tuple[list[Worker], PlanInput, list]:
    workers = kaur_workers()
    inp = PlanInput(KAUR_BUDGET, JAN, DEC, **settings_)
    return workers, inp, plan(workers, inp)


def paid_by_others(w: Worker, inp: PlanInput) -> set[Month]:
    return {m for m in w.others if inp.first <= m <= inp.last}


def check(s, workers: list[Worker], inp: PlanInput) -> None:
    """What every scenario must satisfy. Months another payer pays are in the spans but not in what the plan
    buys; a worker another payer pays the whole period of is not planned."""
    left_out = [w for w in workers if len(paid_by_others(w, inp)) == inp.months]
    workers = [w for w in workers if w not in left_out]
    by_key = {w.key: w for w in workers}
    # Everyone for as long as the money lasts also leaves out those another payer pays each of those months.
    theirs = set(by_key) - set(s.months_per_worker) - set(s.uncovered)
    assert s.others_people == len(left_out) + len(theirs)
    assert not theirs or s.name == "everyone"
    for key in theirs:  # another payer pays every month the others get (the first one when nobody is funded)
        spans = set(s.months_per_worker.values()) or {(inp.first, inp.first)}
        assert all(paid_by_others(by_key[key], inp) >= set(month_range(first, last)) for first, last in spans)
    assert not set(s.months_per_worker) & set(s.uncovered)
    for key, (start, end) in s.months_per_worker.items():
        assert inp.first <= start <= end <= inp.last
        shift = end.year * 12 + end.month - 1 + 4
        assert s.lapse[key] == date(shift // 12, shift % 12 + 1, 1)
    assert set(s.lapse) == set(s.months_per_worker)
    others = {key: sum(1 for m in paid_by_others(by_key[key], inp) if a <= m <= b)
              for key, (a, b) in s.months_per_worker.items()}
    assert s.others_months == sum(others.values()) == sum(s.others_by_month.values())
    funded = {key: n - others[key] for key, n in months(s).items()}
    assert s.people == len(funded) and all(funded.values())  # nobody is funded for nothing
    assert s.person_months == sum(funded.values())
    assert s.weighted_person_months == sum(by_key[k].priority * m for k, m in funded.items())
    assert s.cost == s.person_months * inp.cost_per_month <= inp.budget
    assert s.left == inp.budget - s.cost
    for k, (covered, eligible) in s.by_kecamatan.items():
        assert covered == sum(1 for key in funded if by_key[key].kecamatan == k)
        assert eligible == sum(1 for w in workers if w.kecamatan == k)


def shared(workers: list[Worker], inp: PlanInput, covered: set[str]) -> list[Worker]:
    """The workers the kecamatan shares divide: with continuity first and both kinds of worker, the new workers
    when one is covered, else the continuing members (those are kept, not chosen); otherwise everyone."""
    planned = [w for w in workers if len(paid_by_others(w, inp)) < inp.months]
    continuing = {w.key for w in planned if w.covered_until == inp.first.shift(-1)}
    if inp.continuity_first and 0 < len(continuing) < len(planned):
        new = any(w.key in covered and w.key not in continuing for w in planned)
        return [w for w in planned if (w.key in continuing) != new]
    return planned


def missing(workers: list[Worker], inp: PlanInput, covered: set[str]) -> dict[str, int]:
    """People missing from each kecamatan's proportional share of the covered workers the shares divide."""
    pool = shared(workers, inp, covered)
    here = Counter(w.kecamatan for w in pool if w.key in covered)
    eligible = Counter(w.kecamatan for w in pool)
    return {k: e * here.total() // len(pool) - here[k] for k, e in eligible.items()
            if here[k] < e * here.total() // len(pool)}


def shortfalls(s, workers: list[Worker], inp: PlanInput) -> dict[str, int]:
    return missing(workers, inp, set(s.months_per_worker))


def months(s) -> dict[str, int]:
    """Months funded per covered worker."""
    return {key: (b.year - a.year) * 12 + b.month - a.month + 1
            for key, (a, b) in s.months_per_worker.items()}


def lengths(s) -> set[int]:
    return set(months(s).values())


def allowed(s, workers: list[Worker], inp: PlanInput) -> bool:
    """Whether a scenario is a plan the optimum may choose: long enough spans, the shares met, and
    no new worker covered while a continuing member is not."""
    funded = months(s)
    covered = {w.covered_until is not None for w in workers if w.key in funded}
    dropped = any(w.covered_until is not None for w in workers if w.key not in funded)
    return (min(funded.values(), default=inp.min_consecutive) >= inp.min_consecutive
            and not (inp.kecamatan_share and shortfalls(s, workers, inp))
            and not (inp.continuity_first and False in covered and dropped))


def longest_first(s, workers: list[Worker]) -> None:
    """Among workers the optimum cannot tell apart, smaller keys get at least as many months."""
    funded = months(s)

    def alike(w: Worker) -> tuple:
        return w.priority, w.kecamatan, w.covered_until is not None

    for _, same in itertools.groupby(sorted(workers, key=lambda w: (alike(w), w.key)), key=alike):
        got = [funded.get(w.key, 0) for w in same]
        assert got == sorted(got, reverse=True)


# --- Kaur 2025: 7,130 workers, Rp300 million ------------------------------------------------


def test_kaur_everyone_for_two_months():
    workers, inp, (everyone, _, _) = kaur()
    check(everyone, workers, inp)
    assert (everyone.people, everyone.person_months) == (7_130, 14_260)
    assert (everyone.cost, everyone.left) == (239_568_000, 60_432_000)
    assert set(everyone.months_per_worker.values()) == {(JAN, Month(2025, 2))}
    assert set(everyone.lapse.values()) == {date(2025, 6, 1)}
    assert everyone.uncovered == []
    assert everyone.remainder_buys == (
        "Sisa Rp60.432.000 cukup untuk 3.597 orang-bulan lagi: bulan Maret 2025 bagi 3.597 dari 7.130 "
        "pekerja dengan prioritas tertinggi, atau 359 pekerja selama 10 bulan sampai Desember 2025."
    )
    assert 3_597 * 16_800 <= 60_432_000 < 3_598 * 16_800 and 359 * 10 <= 3_597
    assert any("7.130 pekerja dilindungi kurang dari 6 bulan" in w and "diakuisisi" in w
               for w in everyone.warnings)


def test_kaur_full_year_for_1488():
    workers, inp, (_, full, _) = kaur()
    check(full, workers, inp)
    assert (full.people, full.person_months) == (1_488, 17_856)
    assert (full.cost, full.left) == (299_980_800, 19_200)
    assert set(full.months_per_worker.values()) == {(JAN, DEC)}
    ranking = sorted(workers, key=lambda w: (-w.priority, w.key))
    assert list(full.months_per_worker) == [w.key for w in ranking[:1_488]]
    assert full.uncovered == [w.key for w in ranking[1_488:]]
    assert set(full.lapse.values()) == {date(2026, 4, 1)}
    assert any(w.startswith("5.642 peserta") and "1 April 2025" in w for w in full.warnings)
    assert full.remainder_buys is None


def test_kaur_optimum_honours_the_constraints():
    workers, inp, (_, _, best) = kaur()
    check(best, workers, inp)
    assert min(lengths(best)) >= inp.min_consecutive
    assert {start for start, _ in best.months_per_worker.values()} == {JAN}
    assert shortfalls(best, workers, inp) == {}
    longest_first(best, workers)
    assert best.left < inp.cost_per_month * inp.min_consecutive  # nothing left that buys a span
    assert best.solver.startswith("HiGHS") and "Optimal" in best.solver
    assert best.gap == 0 and "terbukti" not in best.solver  # a regency's plan is solved exactly
    assert not any("kurang dari 6 bulan" in w for w in best.warnings)


def test_kaur_optimum_beats_the_simple_scenarios_when_they_are_allowed():
    # The simple scenarios ignore shares, and covering everyone gives 2-month spans.
    workers, inp, (everyone, full, best) = kaur(min_consecutive=2, kecamatan_share=False)
    check(best, workers, inp)
    assert best.weighted_person_months >= max(everyone.weighted_person_months,
                                              full.weighted_person_months)
    assert best.weighted_person_months > full.weighted_person_months  # the Rp19,200 is not all


def test_full_year_misses_shares_and_says_so():
    workers = ([Worker(f"a{i}", 10, "A") for i in range(6)]
               + [Worker(f"b{i}", 1, "B") for i in range(6)])
    inp = PlanInput(6 * 12 * 16_800, JAN, DEC, continuity_first=False)
    full, best = full_year_for_most(workers, inp), optimum(workers, inp)
    assert shortfalls(full, workers, inp) == {"B": 3}
    assert any("B (0 dari minimal 3)" in w for w in full.warnings)
    assert shortfalls(best, workers, inp) == {}
    assert best.weighted_person_months == 4 * 12 * 10 + 24  # e.g. 4 of A for 12 months, 3 of B 8


# --- continuity first --------------------------------------------------------------------


def mixed(budget_months: int, continuity_first: bool = True):
    """Six continuing members of low priority and six new workers of high priority."""
    workers = ([Worker(f"c{i}", 1, "A", DEC_2024) for i in range(6)]
               + [Worker(f"n{i}", 9, "A") for i in range(6)])
    inp = PlanInput(budget_months * 16_800, JAN, DEC, continuity_first=continuity_first)
    return workers, inp


def test_continuing_members_first_then_new():
    workers, inp = mixed(6 * 6 + 12)
    best = optimum(workers, inp)
    check(best, workers, inp)
    assert all(best.months_per_worker[f"c{i}"] == (JAN, Month(2025, 6)) for i in range(6))
    assert best.months_per_worker["n0"][0] == JAN
    assert best.weighted_person_months == 6 * 6 + 12 * 9
    assert not any("tidak didanai" in w for w in best.warnings)


def test_when_continuing_members_cannot_all_be_carried_no_one_new_is_covered():
    workers, inp = mixed(30)  # five of the six continuing members for 6 months
    best = optimum(workers, inp)
    check(best, workers, inp)
    assert all(key.startswith("c") for key in best.months_per_worker)
    assert best.weighted_person_months == 30
    assert any(w.startswith(f"{6 - best.people} peserta") and "1 April 2025" in w
               for w in best.warnings)


def test_without_continuity_first_priority_decides():
    workers, inp = mixed(6 * 6 + 12, continuity_first=False)
    best = optimum(workers, inp)
    assert all(key.startswith("n") for key in best.months_per_worker)
    assert best.weighted_person_months == 48 * 9
    assert any(w.startswith("6 peserta") for w in best.warnings)


def test_continuing_members_are_kept_and_the_shares_divide_the_new_workers():
    # Both continuing members are in A. Measured against everyone, B's share of two covered is one, which the
    # money does not allow beside them: the plan used to shrink to one member of A for two months.
    workers = ([Worker(f"c{i}", 1, "A", DEC_2024) for i in range(2)]
               + [Worker(f"n{i}", 9, "B") for i in range(2)])
    inp = PlanInput(2 * 16_800, JAN, Month(2025, 3), min_consecutive=1)
    best = optimum(workers, inp)
    check(best, workers, inp)
    assert best.months_per_worker == {"c0": (JAN, JAN), "c1": (JAN, JAN)}
    assert brute_force(workers, inp) == (0, 2) and shortfalls(best, workers, inp) == {}
    assert not any("peserta lanjutan" in w or "proporsional" in w for w in best.warnings)


def test_shares_never_leave_the_money_unspent():
    # Kaur 2027 (the demo): 2,971 continuing members, most in a few kecamatan, and 3,903 new workers; Rp300
    # million. Against all workers the shares let a plan of continuing members grow to 541 people only, and
    # Rp190,934,400 stayed unspent. Ten kecamatan here, continuing members in the first three only.
    workers = [Worker(f"c{i:04d}", 120, f"K{i % 3:02d}", DEC_2024) for i in range(300)]
    workers += [Worker(f"n{i:04d}", 135 if i % 4 else 100, f"K{i % 10:02d}") for i in range(400)]
    inp = PlanInput(300 * 7 * RATE, JAN, DEC)  # every continuing member for 7 months
    everyone, full, best = plan(workers, inp)
    for s in (everyone, full, best):
        check(s, workers, inp)
    assert best.left < inp.cost_per_month * inp.min_consecutive
    assert best.weighted_person_months >= max(s.weighted_person_months for s in (everyone, full)
                                              if allowed(s, workers, inp))
    assert shortfalls(best, workers, inp) == {}
    # Every continuing member is kept; the new workers covered beside them are shared by kecamatan.
    assert {w.key for w in workers if w.covered_until} <= set(best.months_per_worker)
    new = Counter(w.kecamatan for w in workers if w.key in best.months_per_worker and not w.covered_until)
    assert new.total() and all(new[f"K{k:02d}"] >= 40 * new.total() // 400 for k in range(10))


# --- large plans: proven within the gap -------------------------------------------------


@pytest.mark.parametrize("continuing", [0.0, 0.5, 1.0])
def test_above_exact_up_to_the_plan_is_proven_within_the_gap(monkeypatch, continuing):
    workers = kaur_workers(1_500, seed=7, continuing=continuing)
    inp = PlanInput(60_000_000, JAN, DEC)
    exact = optimum(workers, inp)
    monkeypatch.setattr(planner, "EXACT_UP_TO", 1_000)
    near = optimum(workers, inp)
    check(near, workers, inp)
    assert min(lengths(near)) >= inp.min_consecutive and shortfalls(near, workers, inp) == {}
    longest_first(near, workers)
    assert exact.gap == 0 and 0 <= near.gap <= planner.GAP
    # The gap is against an upper bound of every plan, the exact optimum's included.
    assert (1 - near.gap) * exact.weighted_person_months <= near.weighted_person_months
    assert near.weighted_person_months <= exact.weighted_person_months
    assert ("terbukti paling jauh" in near.solver) == (near.gap > 0)
    assert optimum(random.Random(3).sample(workers, len(workers)), inp) == near


def test_the_optimum_beats_the_fixed_scenarios_it_could_have_chosen(monkeypatch):
    # With one-month spans allowed and no shares, both fixed scenarios are plans the optimum may
    # choose; it must do at least as well, solved exactly or within the gap.
    workers = kaur_workers(1_500, seed=11, continuing=0.3)
    inp = PlanInput(60_000_000, JAN, DEC, min_consecutive=1, kecamatan_share=False)
    simple = [everyone_while_money_lasts(workers, inp), full_year_for_most(workers, inp)]
    assert all(allowed(s, workers, inp) for s in simple)
    for exact_up_to in (planner.EXACT_UP_TO, 1_000):
        monkeypatch.setattr(planner, "EXACT_UP_TO", exact_up_to)
        best = optimum(workers, inp)
        assert best.weighted_person_months >= max(s.weighted_person_months for s in simple)


def test_plan_is_the_three_scenarios():
    workers = kaur_workers(800, seed=5, continuing=0.5)
    inp = PlanInput(30_000_000, JAN, DEC)
    assert plan(workers, inp) == [everyone_while_money_lasts(workers, inp),
                                  full_year_for_most(workers, inp), optimum(workers, inp)]


# --- the optimum against brute force ---------------------------------------------------


def brute_force(workers: list[Worker], inp: PlanInput) -> tuple[int, int]:
    """(people missing from the shares, priority-weighted person-months) of the best plan, over
    every contiguous span of every worker, starting in any month."""
    months = [Month(2025, m) for m in range(inp.first.month, inp.last.month + 1)]
    pairs = itertools.combinations_with_replacement(range(len(months)), 2)
    spans = [None] + [(a, b) for a, b in pairs if b - a + 1 >= inp.min_consecutive]
    continuing = [w.covered_until == DEC_2024 for w in workers]
    best = None
    for choice in itertools.product(spans, repeat=len(workers)):
        if sum(b - a + 1 for a, b in filter(None, choice)) * inp.cost_per_month > inp.budget:
            continue
        if inp.continuity_first:
            if any(c and s is not None and s[0] != 0 for c, s in zip(continuing, choice)):
                continue
            if any(not c and s for c, s in zip(continuing, choice)) and any(
                    c and s is None for c, s in zip(continuing, choice)):
                continue
        covered = {w.key for w, s in zip(workers, choice) if s}
        short = sum(missing(workers, inp, covered).values()) if inp.kecamatan_share else 0
        weighted = sum(w.priority * (s[1] - s[0] + 1) for w, s in zip(workers, choice) if s)
        best = min(best or (short, -weighted), (short, -weighted))
    return best[0], -best[1]


@settings(max_examples=60, deadline=None)
@given(
    priorities=st.lists(st.integers(0, 6), min_size=4, max_size=4),
    kecamatan=st.lists(st.sampled_from("AB"), min_size=4, max_size=4),
    continuing=st.lists(st.booleans(), min_size=4, max_size=4),
    budget_months=st.integers(0, 12),
    min_consecutive=st.integers(1, 3),
    continuity_first=st.booleans(),
    kecamatan_share=st.booleans(),
)
def test_optimum_matches_brute_force(priorities, kecamatan, continuing, budget_months,
                                     min_consecutive, continuity_first, kecamatan_share):
    workers = [Worker(f"w{i}", p, k, DEC_2024 if c else None)
               for i, (p, k, c) in enumerate(zip(priorities, kecamatan, continuing))]
    inp = PlanInput(budget_months * 16_800, JAN, Month(2025, 3), min_consecutive=min_consecutive,
                    continuity_first=continuity_first, kecamatan_share=kecamatan_share)
    best = optimum(workers, inp)
    check(best, workers, inp)
    assert min(lengths(best), default=min_consecutive) >= min_consecutive
    longest_first(best, workers)
    short = sum(shortfalls(best, workers, inp).values()) if kecamatan_share else 0
    assert (short, best.weighted_person_months) == brute_force(workers, inp)
    assert best.gap == 0
    for simple in (everyone_while_money_lasts(workers, inp), full_year_for_most(workers, inp)):
        if allowed(simple, workers, inp):
            assert best.weighted_person_months >= simple.weighted_person_months
    covered = [f"w{i}" in best.months_per_worker for i in range(4)]
    if continuity_first and any(cov and not c for cov, c in zip(covered, continuing)):
        assert all(cov for cov, c in zip(covered, continuing) if c)


# --- determinism, lapse, inputs, messages --------------------------------------------------


def test_same_input_same_plan_in_any_order():
    workers = kaur_workers(1_500, seed=7, continuing=0.5)
    inp = PlanInput(60_000_000, JAN, DEC)
    first = optimum(workers, inp)
    assert optimum(workers, inp) == first
    assert optimum(random.Random(1).sample(workers, len(workers)), inp) == first
    check(first, workers, inp)
    assert shortfalls(first, workers, inp) == {}


def test_ties_go_to_the_smaller_key():
    workers = [Worker(k, 5, "A") for k in ("d", "b", "a", "c")]
    inp = PlanInput(2 * 12 * 16_800 + 6 * 16_800, JAN, DEC, min_consecutive=12)
    best = optimum(workers, inp)
    assert best.months_per_worker == {"a": (JAN, DEC), "b": (JAN, DEC)}
    assert full_year_for_most(workers, inp).uncovered == ["c", "d"]


@pytest.mark.parametrize("last_paid, lapse", [
    (Month(2025, 2), date(2025, 6, 1)),
    (Month(2025, 9), date(2026, 1, 1)),
    (Month(2025, 12), date(2026, 4, 1)),
])
def test_lapse_after_three_unpaid_months(last_paid, lapse):
    assert lapse_date(last_paid) == lapse


def test_remainder_sentences():
    two = [Worker("a", 1, "A"), Worker("b", 1, "A")]
    exact = everyone_while_money_lasts(two, PlanInput(2 * 3 * 16_800, JAN, DEC))
    assert exact.remainder_buys == "Sisa Rp0 tidak cukup untuk satu orang-bulan (Rp16.800)."
    beyond = everyone_while_money_lasts(two, PlanInput(2 * 12 * 16_800 + 16_800, JAN, DEC))
    assert beyond.remainder_buys == (
        "Sisa Rp16.800 cukup untuk 1 orang-bulan lagi, di luar periode Januari 2025 sampai Desember 2025.")
    short = everyone_while_money_lasts(two, PlanInput(16_800, JAN, DEC))
    assert short.people == 0 and short.uncovered == ["a", "b"]
    assert short.remainder_buys == (
        "Sisa Rp16.800 cukup untuk 1 orang-bulan lagi: bulan Januari 2025 bagi 1 dari 2 pekerja dengan "
        "prioritas tertinggi.")


def test_no_workers():
    for s in plan([], PlanInput(KAUR_BUDGET, JAN, DEC)):
        assert (s.people, s.cost, s.left, s.uncovered, s.warnings) == (0, 0, KAUR_BUDGET, [], [])


def test_short_spans_warned_in_the_optimum_too():
    workers = [Worker("a", 1, "A")]
    best = optimum(workers, PlanInput(2 * 16_800, JAN, DEC, min_consecutive=2))
    assert best.months_per_worker == {"a": (JAN, Month(2025, 2))}
    assert best.warnings == ["1 pekerja dilindungi kurang dari 6 bulan: BPJS Ketenagakerjaan "
                             "mencatat peserta sebagai 'diakuisisi' hanya setelah 6 bulan iuran."]


def test_the_acquired_months_and_the_lapse_day_are_settings():
    # DOMAIN.md section 8: BPJS's "acquired after 6 paid months" and the lapse day are settings.
    reg = Regulation(acquired_after_months=2, lapse_day=LapseDay.AFTER_DUE)
    best = optimum([Worker("a", 1, "A")], PlanInput(2 * 16_800, JAN, DEC, min_consecutive=2, reg=reg))
    assert best.warnings == []
    # Funded January-February: lapsed the day after June's due date (Monday 16 June 2025), not on 1 June.
    assert best.lapse == {"a": date(2025, 6, 17)} == {"a": planner.lapse_date(Month(2025, 2), reg)}


@pytest.mark.parametrize("workers, inp, message", [
    ([Worker("a", 1, "A"), Worker("a", 2, "B")], PlanInput(0, JAN, DEC), "lebih dari sekali"),
    ([Worker("a", 1, "A", JAN)], PlanInput(0, JAN, DEC), "sudah dibayar sampai Januari 2025"),
])
def test_refuses_bad_workers(workers, inp, message):
    with pytest.raises(ValueError, match=message):
        optimum(workers, inp)


@pytest.mark.parametrize("kwargs", [dict(min_consecutive=13), dict(min_consecutive=0),
                                    dict(last=Month(2024, 12)), dict(budget=-1)])
def test_refuses_bad_input(kwargs):
    with pytest.raises(ValueError):
        PlanInput(**{"budget": 1, "first": JAN, "last": DEC} | kwargs)


def test_no_proven_optimum_is_an_error(monkeypatch):
    monkeypatch.setattr(planner, "TIME_LIMIT", 0.0)
    with pytest.raises(SolverError, match="tidak dapat membuktikan"):
        optimum(kaur_workers(), PlanInput(KAUR_BUDGET, JAN, DEC))


# --- months another payer pays (issue 20) ----------------------------------------------------

FIRST_HALF = frozenset(Month(2025, m) for m in range(1, 7))
RATE = 16_800


def province_pays_the_first_worker() -> list[Worker]:
    """Five workers, A first; the province pays A's January to June."""
    return [Worker("A", 100, "K", others=FIRST_HALF)] + [
        Worker(key, priority, "K") for key, priority in (("B", 90), ("C", 80), ("D", 70), ("E", 60))]


def test_a_month_another_payer_pays_is_not_paid_and_the_money_covers_one_more_worker():
    workers = province_pays_the_first_worker()
    inp = PlanInput(4 * 12 * RATE, JAN, DEC, min_consecutive=6)  # four full years of money
    everyone, full_year, best = plan(workers, inp)
    for s in (everyone, full_year, best):
        check(s, workers, inp)
        assert "A" in s.months_per_worker and s.others_months == 6
        assert "6 orang-bulan dibayar pihak lain, tidak dianggarkan (Rp100.800)." in s.warnings  # 6 × Rp16.800
    # Everyone: 10 months each costs 5 × 10 − 6 months (9 months before the province's months were left to it).
    assert months(everyone) == dict.fromkeys("ABCDE", 10) and everyone.cost == 44 * RATE
    # The whole year for A, B, C and D costs 6 + 3 × 12 months: six months' money left.
    assert list(full_year.months_per_worker) == ["A", "B", "C", "D"] and full_year.left == 6 * RATE
    # The optimum: A's months July-December, B, C, D a year, and the six months freed cover E too.
    assert months(best) == {"A": 12, "B": 12, "C": 12, "D": 12, "E": 6}
    assert best.cost == inp.budget and best.people == 5 and best.gap == 0
    assert best.weighted_person_months == 100 * 6 + (90 + 80 + 70) * 12 + 60 * 6
    assert best.others_by_month == dict.fromkeys(sorted(FIRST_HALF), 1)


def test_a_worker_another_payer_pays_the_whole_period_of_is_not_planned():
    workers = [Worker("A", 100, "K", others=frozenset(Month(2025, m) for m in range(1, 13)) | {Month(2026, 1)}),
               Worker("B", 50, "K")]
    inp = PlanInput(12 * RATE, JAN, DEC)
    for s in plan(workers, inp):
        check(s, workers, inp)
        assert list(s.months_per_worker) == ["B"] and s.uncovered == [] and s.cost == 12 * RATE
        assert s.others_people == 1 and s.by_kecamatan == {"K": (1, 1)}
        assert "1 pekerja dibayar pihak lain selama seluruh periode Januari 2025 sampai Desember 2025, tidak direncanakan." \
            in s.warnings


def test_everyone_leaves_to_the_other_payer_a_worker_it_pays_every_month_the_money_lasts_for():
    """Money for two months each: A's January and February are the province's, so A is neither funded (the
    programme would pay none of his months) nor uncovered, and the money left buys B and C a third month."""
    workers = [Worker("A", 100, "K", others=frozenset({JAN, Month(2025, 2), Month(2025, 3)})), Worker("B", 90, "K"),
               Worker("C", 80, "K")]
    everyone = everyone_while_money_lasts(workers, PlanInput(6 * RATE, JAN, DEC))
    check(everyone, workers, PlanInput(6 * RATE, JAN, DEC))
    assert months(everyone) == {"B": 3, "C": 3} and everyone.uncovered == [] and everyone.others_people == 1
    assert everyone.cost == 6 * RATE
    assert ("1 pekerja dibayar pihak lain selama Januari 2025 sampai Maret 2025, bulan-bulan skenario ini: tidak "
            "direncanakan.") in everyone.warnings


def test_the_optimum_pays_for_a_span_only_what_others_do_not():
    """A province paying all but April for B: B's shortest span (3 months) would cost nothing, so it runs to
    April, the one month the programme pays."""
    workers = [Worker("A", 10, "K"), Worker("B", 20, "K", others=frozenset(
        Month(2025, m) for m in (1, 2, 3, 5, 6)))]
    inp = PlanInput(4 * RATE, JAN, Month(2025, 6), min_consecutive=3, kecamatan_share=False)
    best = optimum(workers, inp)
    check(best, workers, inp)
    # A three months, B one paid month: April, his span January to April.
    assert months(best) == {"A": 3, "B": 4} and best.person_months == 4 and best.others_months == 3


def brute_force_with_others(workers: list[Worker], inp: PlanInput) -> tuple[int, int]:
    """(people missing from the shares, priority-weighted paid person-months) of the best plan: every span from
    the first month of at least min_consecutive months with a month nobody else pays, for every worker."""
    planned = [w for w in workers if len(paid_by_others(w, inp)) < inp.months]
    spans = range(inp.min_consecutive, inp.months + 1)
    paid = [{n: n - sum(1 for m in paid_by_others(w, inp) if m.index - inp.first.index < n) for n in spans}
            for w in planned]
    best = (0, 0)
    for choice in itertools.product([None, *spans], repeat=len(planned)):
        bought = [p[n] if n else 0 for p, n in zip(paid, choice)]
        if any(n and not b for n, b in zip(choice, bought)) or sum(bought) * inp.cost_per_month > inp.budget:
            continue
        covered = {w.key for w, n in zip(planned, choice) if n}
        short = sum(missing(workers, inp, covered).values()) if inp.kecamatan_share else 0
        best = min(best, (short, -sum(w.priority * b for w, b in zip(planned, bought))))
    return best[0], -best[1]


@settings(max_examples=60, deadline=None)
@given(
    priorities=st.lists(st.integers(0, 6), min_size=4, max_size=4),
    kecamatan=st.lists(st.sampled_from("AB"), min_size=4, max_size=4),
    others=st.lists(st.sets(st.integers(0, 3)), min_size=4, max_size=4),
    budget_months=st.integers(0, 14),
    min_consecutive=st.integers(1, 3),
    kecamatan_share=st.booleans(),
)
def test_optimum_with_other_payers_matches_brute_force(priorities, kecamatan, others, budget_months,
                                                       min_consecutive, kecamatan_share):
    april = Month(2025, 4)
    workers = [Worker(f"w{i}", p, k, others=frozenset(JAN.shift(m) for m in o))
               for i, (p, k, o) in enumerate(zip(priorities, kecamatan, others))]
    inp = PlanInput(budget_months * RATE, JAN, april, min_consecutive=min_consecutive,
                    continuity_first=False, kecamatan_share=kecamatan_share)
    everyone, full_year, best = plan(workers, inp)
    for s in (everyone, full_year, best):
        check(s, workers, inp)
    assert min(lengths(best), default=min_consecutive) >= min_consecutive
    short = sum(shortfalls(best, workers, inp).values()) if kecamatan_share else 0
    assert (short, best.weighted_person_months) == brute_force_with_others(workers, inp)
