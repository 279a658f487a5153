"""Revising a running plan (rules.revision): the months before the revision are fixed, the new ceiling less
their cost re-plans the rest with the planner's three scenarios, and the consequence is person by person."""

import random
from collections import Counter
from datetime import date

import pytest

from lindung.rules.contributions import Month
from lindung.rules.planner import Worker
from lindung.rules.revision import Line, RevisionInput, fixed_cost, money_left, replan_workers, revise

JAN, JUN, JUL, OCT, DEC = Month(2026, 1), Month(2026, 6), Month(2026, 7), Month(2026, 10), Month(2026, 12)
RATE = 16_800
KEYS = [f"w{i}" for i in range(1, 7)]


def workers(keys=KEYS):
    # w1 has the highest priority; two kecamatan so shares are in play.
    return [Worker(key, 60 - i, "17.04.05" if i < 4 else "17.04.01") for i, key in enumerate(keys)]


def lines(last: Month, keys=KEYS):
    return [Line(key, (JAN, last)) for key in keys]


def inp(budget, revise_from=JUL, **kw):
    return RevisionInput(budget=budget, start=JAN, end=DEC, revise_from=revise_from, cost_per_month=RATE, **kw)


def by_name(revisions):
    return {r.name: r for r in revisions}


def test_the_months_before_the_revision_are_fixed_and_paid_from_the_new_ceiling():
    current = lines(JUN)  # everyone January-June: 6 x 6 months
    assert fixed_cost(current, JUL, RATE) == 36 * RATE == 604_800
    assert fixed_cost(current, Month(2026, 4), RATE) == 18 * RATE  # January-March only
    assert fixed_cost(current, JAN, RATE) == 0
    assert money_left(current, inp(1_209_600)) == 604_800
    with pytest.raises(ValueError, match="kurang dari biaya"):
        money_left(current, inp(604_799))


def test_the_apbd_p_extends_everyone_to_december():
    found = by_name(revise(lines(JUN), workers(), inp(1_209_600)))
    everyone = found["everyone"]
    assert everyone.lines == dict.fromkeys(KEYS, (JAN, DEC))
    assert everyone.cost == 1_209_600 and everyone.left == 0 and everyone.fixed_cost == 604_800
    assert everyone.person_months == 72 and everyone.people == 6
    assert [c.key for c in everyone.gaining] == KEYS and everyone.losing == []
    assert everyone.figures()["gaining_cover"] == 6 and everyone.figures()["lapse_dates"] == {}
    # continuing members come first, so the whole period for the highest priorities.
    assert found["full_year"].lines == dict.fromkeys(KEYS, (JAN, DEC))


def test_a_cut_says_who_loses_cover_from_which_month_and_when_he_lapses():
    current = lines(DEC)  # the whole year for six: Rp1,209,600
    found = by_name(revise(current, workers(), inp(1_008_000)))  # 604,800 fixed; 403,200 = 24 person-months left
    everyone = found["everyone"]  # six people, four more months each
    assert everyone.lines == dict.fromkeys(KEYS, (JAN, OCT))
    assert len(everyone.losing) == 6 and everyone.gaining == []
    assert everyone.loses_from == {Month(2026, 11): 6}
    assert everyone.lapse_dates == {date(2027, 2, 1): 6}  # last paid October: no right from 1 February
    assert everyone.cost == 1_008_000
    full = found["full_year"]  # four people to December, in priority order; two stop in June
    assert [k for k, span in full.lines.items() if span == (JAN, DEC)] == KEYS[:4]
    assert {c.key: c.loses_from for c in full.losing} == {"w5": JUL, "w6": JUL}
    assert full.lapse_dates == {date(2026, 10, 1): 2}
    assert full.figures() == {"name": "full_year", "people": 6, "person_months": 36 + 24, "cost": 1_008_000,
                              "fixed_cost": 604_800, "remaining": 0, "losing_cover": 2, "gaining_cover": 0,
                              "lapse_dates": {"2026-10-01": 2}}
    best = found["optimum"]
    assert best.cost <= 1_008_000 and best.person_months == 60


def test_a_top_up_reaches_workers_the_plan_did_not_cover():
    current = lines(DEC, KEYS[:4]) + [Line("w5", None), Line("w6", None)]  # four for the year
    found = by_name(revise(current, workers(), inp(4 * 12 * RATE + 2 * 6 * RATE)))
    full = found["full_year"]
    assert full.lines["w5"] == full.lines["w6"] == (JUL, DEC)  # from the revision's first month
    assert [(c.key, c.before, c.after) for c in full.gaining] == [("w5", None, (JUL, DEC)), ("w6", None, (JUL, DEC))]
    assert full.losing == [] and full.people == 6


def test_who_the_months_left_are_planned_for():
    current = [Line("w1", (JAN, JUN)), Line("w2", (JAN, Month(2026, 3))), Line("w3", None)]
    planned = {w.key: w for w in replan_workers(current, workers(["w1", "w2", "w3", "w4"]), JUL, JAN)}
    assert planned["w1"].continuing and planned["w1"].covered_until == JUN  # covered in June: continuing
    assert "w2" not in planned  # his months ended in March: in arrears, not funded after a gap
    assert planned["w3"].continuing is False and planned["w4"].continuing is False  # new to the plan
    # someone no longer eligible (not among the workers) keeps his fixed months and loses the rest
    found = by_name(revise([Line("gone", (JAN, DEC))], workers(["w1"]), inp(2_000_000)))
    assert found["everyone"].lines["gone"] == (JAN, JUN)
    assert found["everyone"].lapse_of(found["everyone"].losing[0].after) == date(2026, 10, 1)


def test_the_revision_month_must_be_within_the_programme():
    with pytest.raises(ValueError, match="di dalam periode"):
        inp(1_000_000, revise_from=Month(2027, 1))


@pytest.mark.parametrize("seed", range(8))
def test_the_figures_counted_by_cohort_are_those_of_the_workers_one_by_one(seed):
    # The page and the API count cohorts (same months before and after); saving walks the workers: the two agree.
    rng = random.Random(seed)
    keys = [f"k{i:02d}" for i in range(40)]
    # spans from January, and from April (an earlier revision's newcomers)
    spans = [None, (JAN, Month(2026, 2)), (JAN, JUN), (JAN, Month(2026, 9)), (JAN, DEC), (Month(2026, 4), DEC)]
    current = [Line(k, rng.choice(spans)) for k in keys[:30]]
    eligible = [Worker(k, rng.randint(1, 5), rng.choice(["A", "B"])) for k in rng.sample(keys, 32)]
    revise_from = Month(2026, rng.randint(3, 10))
    fixed = fixed_cost(current, revise_from, RATE)
    for r in revise(current, eligible, inp(fixed + rng.randint(0, 200) * RATE, revise_from, min_consecutive=2)):
        assert r.people == sum(1 for span in r.lines.values() if span)
        assert r.person_months == sum(span[1].index - span[0].index + 1 for span in r.lines.values() if span)
        assert r.losing_count == len(r.losing) and r.gaining_count == len(r.gaining)
        assert r.emptied_count == sum(1 for c in r.losing if c.after is None)
        assert r.lapse_dates == dict(sorted(Counter(r.lapse_of(c.after) for c in r.losing if c.after).items()))
        assert r.loses_from == dict(sorted(Counter(c.loses_from for c in r.losing).items()))
        assert sorted(r.order) == sorted(r.lines) and len(r.order) == len(set(r.order))
        assert r.planned == len(replan_workers(current, eligible, revise_from, JAN))
