"""What a year's budget buys (issue 4): three scenarios, side by side, for the ranked workers.

- ``everyone_while_money_lasts``: every worker from the first month for as many months as the money
  pays, and what the rest can still buy;
- ``full_year_for_most``: the whole period for as many workers as the money pays, in ranking order;
- ``optimum``: HiGHS maximises priority-weighted protected person-months under the budget, with
  the user's constraints (minimum consecutive months, continuity first, kecamatan shares); exactly
  up to ``EXACT_UP_TO`` workers, and above that to within ``GAP`` of HiGHS's proven upper bound
  (``Scenario.gap`` says how close the plan is proven to be).

Every span starts at ``PlanInput.first``: a later start costs the same and protects the same
person-months, so it only leaves the worker unprotected longer and breaks a continuing member's
coverage. A scenario is therefore fully described by the number of months each worker gets.

Months another payer pays (``Worker.others``: the province, a village fund, DOMAIN.md section 9) stay
inside the worker's span, which is his membership, but the programme does not pay them: a span of n
months costs its months nobody else pays, and only those count as months the plan buys (cost,
person-months, the optimum's weighted person-months), so the money goes to workers and months nobody
pays. A worker another payer pays the whole period of is not planned (``Scenario.others_people``).

Lapse (DOMAIN.md section 2): arrears may be paid for at most 3 months, and after more than 3
consecutive unpaid months the membership ends. A worker whose last paid month is L is a member in
arrears during L+1..L+3 and has no right from the first day of L+4: that day is his lapse date.

Money is integer Rupiah; messages are Indonesian because they are shown to the clerk. Plans for a
million workers are expected (a province), so each worker is visited in a few plain loops only;
``bench/plan_bench.py`` times them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from bisect import bisect_left
from functools import cache
from itertools import chain, groupby, islice, takewhile
from operator import attrgetter
from typing import Any, NamedTuple, cast

import highspy
from highspy.highs import qsum  # typed here, not in the package's stub
from lokal import format_rupiah

from lindung.rules.contributions import Month, bulan, due_date, tanggal
from lindung.rules.holidays import SHIPPED, Calendar
from lindung.rules.regulation import DEFAULT, LapseDay, Regulation

TIME_LIMIT = 20.0  # seconds per HiGHS run; a Kaur-sized plan needs a fraction of one
# Proving the very best plan took 2 to 28 s at 100,000 workers (bench/plan_bench.py --exact),
# while one proven within 0.1% of the best takes well under a second, and is nearer in practice
# (0.001% at a million). A regency's plan stays exact.
EXACT_UP_TO = 20_000  # workers
GAP = 1e-3  # the relative gap HiGHS may stop at above EXACT_UP_TO
_SEED = 1  # HiGHS's random seed, fixed so the same input always gives the same plan


class Worker(NamedTuple):  # a tuple: a province plans a million of them, made and read in C
    key: str  # NIK or registry id
    priority: int  # from pipeline.eligibility; higher is served first
    kecamatan: str
    # The last month paid by a previous programme. Only the month before the plan's first makes
    # a continuing member; an earlier one (in arrears, or lapsed) is planned like a new worker.
    covered_until: Month | None = None
    # Said by a programme that continues an earlier one: its members come first whatever their gap
    # (shown beside the plan), and nobody else does. None: decided by covered_until.
    continuing: bool | None = None
    # The months another payer pays (life.OtherCover): left to it, never paid by the plan. Months outside
    # the plan's period do not matter.
    others: frozenset[Month] = frozenset()


@dataclass(frozen=True)
class PlanInput:
    budget: int
    first: Month
    last: Month
    cost_per_month: int = 16_800  # JKK + JKM at the lowest tier
    min_consecutive: int = 6  # for the optimum
    continuity_first: bool = True
    kecamatan_share: bool = True
    reg: Regulation = DEFAULT  # the settings: the months after which BPJS counts a member as acquired, the lapse day
    calendar: Calendar = SHIPPED  # the closed days, for a lapse after the due date

    def __post_init__(self) -> None:
        if self.budget < 0 or self.cost_per_month <= 0:
            raise ValueError("Anggaran tidak boleh negatif, dan iuran per bulan harus di atas nol.")
        if self.last < self.first:
            raise ValueError(f"Bulan terakhir {self.last} sebelum bulan pertama {self.first}.")
        if not 1 <= self.min_consecutive <= self.months:
            raise ValueError(
                f"Minimal bulan berturut-turut harus 1-{self.months} (panjang periode), "
                f"bukan {self.min_consecutive}."
            )

    @property
    def months(self) -> int:
        return self.last.index - self.first.index + 1


@dataclass(frozen=True)
class Scenario:
    name: str  # everyone, full_year, optimum
    title: str
    months_per_worker: dict[str, tuple[Month, Month]]  # first and last funded month, ranking order
    people: int
    person_months: int
    weighted_person_months: int  # sum of priority × months: what the optimum maximises
    cost: int
    left: int
    by_kecamatan: dict[str, tuple[int, int]]  # kecamatan -> (covered, eligible), by name
    uncovered: list[str]  # ranking order
    lapse: dict[str, date]  # first day without protection if nobody pays after the funded months
    warnings: list[str]
    remainder_buys: str | None = None
    solver: str | None = None
    # The optimum's proven relative gap (bound - found) / bound, HiGHS's bound being an upper bound
    # of the weighted person-months of any plan: 0 when the plan is proven the best.
    gap: float | None = None
    # Person-months of the funded spans another payer pays: left to it, not in cost nor person_months.
    others_months: int = 0
    others_people: int = 0  # workers another payer pays the whole period (or all the scenario's months) of: not planned
    others_by_month: dict[Month, int] = field(default_factory=dict)  # of the funded workers, per month


class SolverError(RuntimeError):
    """HiGHS did not prove an optimum (time limit, numerical trouble)."""


def lapse_date(last_paid: Month, reg: Regulation = DEFAULT, calendar: Calendar = SHIPPED) -> date:
    """The first day a member whose last paid month is ``last_paid`` has no right any more: the first
    day of the fourth consecutive unpaid month (2025-02 -> 1 June 2025), or the day after that month's
    due date (2025-02 -> 16 June 2025), as ``reg.lapse_day`` says."""
    fourth = last_paid.shift(4)  # three months of arrears may still be paid, not four
    if reg.lapse_day is LapseDay.AFTER_DUE:
        return due_date(fourth, reg=reg, calendar=calendar) + timedelta(days=1)
    return fourth.first_day


def plan(workers: list[Worker], inp: PlanInput) -> list[Scenario]:
    """The three scenarios, in the order they are shown."""
    ranking = _ranked(workers, inp)  # once: a second or two at a million workers
    return [_everyone(ranking, inp), _full_year(ranking, inp), _optimum(ranking, inp)]


def everyone_while_money_lasts(workers: list[Worker], inp: PlanInput) -> Scenario:
    return _everyone(_ranked(workers, inp), inp)


def full_year_for_most(workers: list[Worker], inp: PlanInput) -> Scenario:
    return _full_year(_ranked(workers, inp), inp)


def optimum(workers: list[Worker], inp: PlanInput) -> Scenario:
    """The plan that maximises priority-weighted person-months: proven optimal by HiGHS up to
    ``EXACT_UP_TO`` workers, proven within ``GAP`` of the best above (``Scenario.gap``).

    The model has, per group of identical workers, ``people`` covered (each for min_consecutive
    months), per priority the ``extra`` months on top (at most period − min_consecutive for each
    covered worker of that priority), and one integer count of covered people per class (kecamatan
    × continuing). Only the class counts need to be integers: for given counts, the best plan
    covers a class's groups in priority order and gives the money left to the highest priorities,
    and that is how the plan is read from the counts HiGHS chooses, in whole people and months.
    Continuity first: if any new worker is covered, every continuing member is covered (from the
    first month, like every span); if the money cannot carry them all, only continuing members are.
    That is two models, one covering every continuing member and new workers as the money allows,
    one covering continuing members only; the better plan is kept.
    Kecamatan shares divide the people the model chooses among: each kecamatan gets at least
    floor(its × chosen / all) of them. With continuity first those are the new workers beside every
    continuing member, or the continuing members when only they are covered; otherwise everyone.
    Continuing members are not chosen but kept: measured against all workers, one kecamatan's
    many continuing members made the other kecamatans' shares unreachable unless the plan shrank,
    and the plan covered a few hundred people with two thirds of the money unspent. Choosing
    nobody meets every share, so a plan always exists.
    Ties: extra months of one priority go to the groups that rank first, and within a group the
    first keys get the longest spans.
    """
    return _optimum(_ranked(workers, inp), inp)


def _everyone(ranking: _Ranking, inp: PlanInput) -> Scenario:
    n, cost = ranking.size, inp.cost_per_month
    # Workers another payer pays a month of: how many, per month of the period (offset from the first).
    free: Counter[int] = Counter()
    for g in ranking.groups:
        for month in g.others:
            free[month] += len(g.keys)

    def paid(months: int) -> int:  # person-months of ``months`` months for everyone
        return n * months - sum(k for month, k in free.items() if month < months)

    months = next((m for m in range(inp.months, 0, -1) if paid(m) * cost <= inp.budget), 0) if n else 0
    left = inp.budget - paid(months) * cost
    # Nobody is funded for a span the programme pays nothing of: another payer pays those workers' months.
    lengths = dict.fromkeys(chain.from_iterable(g.keys for g in ranking.groups if _paid(g.others, months)), months)
    theirs = [key for g in ranking.groups if months and g.others and not _paid(g.others, months) for key in g.keys]
    return _scenario(
        "everyone", "Semua pekerja selama dana cukup", ranking, inp, lengths, theirs=theirs,
        remainder_buys=_remainder(left, n, months, inp) if n else None,
    )


def _full_year(ranking: _Ranking, inp: PlanInput) -> Scenario:
    """The whole period for the first workers of the ranking the money pays: each costs the months nobody
    else pays."""
    money = inp.budget // inp.cost_per_month
    unpaid = {key: inp.months - len(g.others) for g in ranking.groups if g.others for key in g.keys}
    if not unpaid:
        count = min(ranking.size, money // inp.months)
    else:
        count = 0
        for key in ranking.keys:
            money -= unpaid.get(key, inp.months)
            if money < 0:
                break
            count += 1
    return _scenario("full_year", "Seluruh periode untuk sebanyak mungkin pekerja", ranking, inp,
                     dict.fromkeys(islice(ranking.keys, count), inp.months))


def _optimum(ranking: _Ranking, inp: PlanInput) -> Scenario:
    # HiGHS calls a model without variables empty, not optimal; no workers, one plan: the best.
    lengths, solver, gap = _solve(ranking, inp) if ranking.size else ({}, None, 0.0)
    return _scenario("optimum", "Pilihan optimal (prioritas × bulan terlindungi)", ranking, inp,
                     lengths, solver=solver, gap=gap)


@dataclass(frozen=True)
class _Group:
    """Workers the plan cannot tell apart: one variable of the model stands for them all."""

    priority: int
    kecamatan: str  # "" in the model when shares are off
    continuing: bool  # in the model, only when continuing members come first
    keys: list[str]  # key order, which is ranking order: the first get the longest spans
    others: tuple[int, ...] = ()  # the months another payer pays, as offsets from the plan's first, in order


def _paid(others: tuple[int, ...], months: int) -> int:
    """The months the programme pays of a span of ``months`` months from the plan's first."""
    return months - bisect_left(others, months)


@cache
def _unpaid(others: tuple[int, ...], period: int) -> tuple[int, ...]:
    """The months of a period of ``period`` months nobody else pays, as offsets from its first."""
    taken = set(others)
    return tuple(month for month in range(period) if month not in taken)


def _span(others: tuple[int, ...], paid: int, inp: PlanInput) -> int:
    """The months of the shortest span from the plan's first in which the programme pays ``paid`` months and
    at least one, and which is at least ``min_consecutive`` months long: the optimum's spans."""
    unpaid = _unpaid(others, inp.months)
    return max(inp.min_consecutive, unpaid[max(paid, 1) - 1] + 1)


@dataclass(frozen=True)
class _Ranking:
    """Continuing members first (when that is set), then by priority, ties by key: tiers of one
    priority (and continuity, when that comes first), each made of groups of one kecamatan and
    continuity, in ranking order of their first worker, and the tier's keys in ranking order."""

    tiers: list[tuple[list[_Group], list[str]]]
    size: int
    eligible: dict[str, int]  # kecamatan -> workers, by name
    others: int = 0  # workers left out: another payer pays their whole period

    @property
    def keys(self) -> Iterator[str]:
        return chain.from_iterable(keys for _, keys in self.tiers)

    @property
    def groups(self) -> Iterator[_Group]:
        return chain.from_iterable(groups for groups, _ in self.tiers)


def _ranked(workers: list[Worker], inp: PlanInput) -> _Ranking:
    if len(set(map(attrgetter("key"), workers))) != len(workers):
        raise ValueError("Ada pekerja yang muncul lebih dari sekali (kunci ganda).")
    # Each worker is read once, in the order given, into its group: at a million workers, every
    # walk in ranking order costs about half a second (the memory is read out of order), so what
    # follows works on groups and whole tiers.
    before, start, period = inp.first.shift(-1), inp.first.index, inp.months
    alike: dict[tuple[bool, int, str, tuple[int, ...]], list[str]] = defaultdict(list)
    paid = []
    others = 0
    for w in workers:
        until = w.covered_until
        continuing = (until is not None and until == before) if w.continuing is None else w.continuing
        if until is not None and until >= inp.first:
            paid.append(w.key)
        pattern: tuple[int, ...] = ()
        if w.others:  # few workers, and few patterns among them
            pattern = tuple(sorted(m.index - start for m in w.others if 0 <= m.index - start < period))
            if len(pattern) == period:
                others += 1
                continue
        alike[continuing, w.priority, w.kecamatan, pattern].append(w.key)
    if paid:
        raise ValueError(
            f"{_number(len(paid))} pekerja sudah dibayar sampai {bulan(inp.first)} atau sesudahnya "
            f"(misalnya {paid[0]}): mulailah rencana sesudah bulan terakhir yang sudah dibayar."
        )
    groups = sorted((_Group(p, k, c, sorted(keys), o) for (c, p, k, o), keys in alike.items()),
                    key=lambda g: _rank(g, inp))
    tiers = []
    for _, run in groupby(groups, key=lambda g: _rank(g, inp)[:2]):
        same = list(run)
        # The groups' keys are sorted runs, which sorted() merges.
        tiers.append((same, sorted(chain.from_iterable(g.keys for g in same))))
    eligible: Counter[str] = Counter()
    for g in groups:
        eligible[g.kecamatan] += len(g.keys)
    return _Ranking(tiers, len(workers) - others, dict(sorted(eligible.items())), others)


def _rank(group: _Group, inp: PlanInput) -> tuple[bool, int, str]:
    """Where a group's first worker stands in the ranking."""
    return not (inp.continuity_first and group.continuing), -group.priority, group.keys[0]


def _groups(ranking: _Ranking, inp: PlanInput) -> list[_Group]:
    """The ranking's groups, merged where kecamatan or continuity do not constrain the plan."""
    if inp.kecamatan_share and inp.continuity_first:
        return list(ranking.groups)
    merged: dict[tuple[int, str, bool, tuple[int, ...]], list[_Group]] = defaultdict(list)
    for g in ranking.groups:
        merged[g.priority, g.kecamatan if inp.kecamatan_share else "",
               g.continuing and inp.continuity_first, g.others].append(g)
    return sorted((_Group(p, k, c, sorted(chain.from_iterable(g.keys for g in same)), o)
                   for (p, k, c, o), same in merged.items()), key=lambda g: _rank(g, inp))


def _solve(ranking: _Ranking, inp: PlanInput) -> tuple[dict[str, int], str, float]:
    """Months per covered worker in the optimum, the solver's report and the proven gap."""
    groups = _groups(ranking, inp)
    size: Counter[tuple[str, bool]] = Counter()  # workers per class
    for g in groups:
        size[g.kecamatan, g.continuing] += len(g.keys)
    continuing = sum(n for (_, cont), n in size.items() if cont)
    if not 0 < continuing < ranking.size:
        answers = [_case(groups, ranking, inp, {c: (0, n) for c, n in size.items()})]
    else:
        # Two models rather than one with a binary "any new worker": that binary's relaxation is
        # weak, and HiGHS needed a minute at a million workers instead of a second.
        answers = []
        least = sum(_least(g, inp) * len(g.keys) for g in groups if g.continuing)
        if least <= inp.budget // inp.cost_per_month:
            answers.append(_case(groups, ranking, inp,
                                 {c: (n, n) if c[1] else (0, n) for c, n in size.items()}))
        # Covering continuing members only can win when a bound says it may.
        if not answers or answers[0].found < _continuing_only(groups, inp):
            answers.append(_case(groups, ranking, inp,
                                 {c: (0, n if c[1] else 0) for c, n in size.items()}))
    best = max(answers, key=attrgetter("found"))  # the first of equals
    bound = max(a.bound for a in answers)
    # Every plan's weighted person-months are whole: a bound below found + 1 proves it the best.
    gap = (bound - best.found) / bound if bound >= best.found + 1 else 0.0
    report = f"{best.solver}, {len(answers)} model, {_number(len(groups))} kelompok pekerja"
    if gap:
        report += f", terbukti paling jauh {gap:.4%} di bawah rencana terbaik".replace(".", ",")
    return _lengths(groups, best, inp), report, gap


def _continuing_only(groups: list[_Group], inp: PlanInput) -> int:
    """An upper bound of the weighted person-months of plans covering continuing members only:
    the money's months to the highest priorities, the whole period each, shares left aside."""
    money, bound, period = inp.budget // inp.cost_per_month, 0, inp.months
    for g in sorted((g for g in groups if g.continuing), key=lambda g: -g.priority):
        months = min(money, (period - len(g.others)) * len(g.keys))
        money -= months
        bound += g.priority * months
    return bound


@dataclass(frozen=True)
class _Answer:
    """One model's plan, per group, read from the class counts HiGHS chose."""

    found: int  # weighted person-months
    bound: float  # HiGHS's upper bound of the weighted person-months
    covered: list[int]  # people
    extra: list[int]  # paid months on top of the shortest spans', all people together
    solver: str


def _least(g: _Group, inp: PlanInput) -> int:
    """The months the programme pays of the group's shortest span (min_consecutive months, without others)."""
    return _paid(g.others, _span(g.others, 1, inp)) if g.others else inp.min_consecutive


def _room(g: _Group, inp: PlanInput) -> int:
    """The paid months a covered worker of the group may get on top of his shortest span."""
    return inp.months - len(g.others) - _least(g, inp)


def _case(groups: list[_Group], ranking: _Ranking, inp: PlanInput,
          counts: dict[tuple[str, bool], tuple[int, int]]) -> _Answer:
    """The optimum with covered people per class (kecamatan × continuing) within ``counts``."""
    # Every month costs the same, so the budget is a number of person-months: exact integers.
    budget = inp.budget // inp.cost_per_month
    # Per group, the paid months of a covered worker's shortest span and those he may get on top: the same for
    # every group unless another payer pays some workers' months.
    least = [_least(g, inp) for g in groups]
    room = [_room(g, inp) for g in groups]
    alike = len(set(least)) <= 1
    shortest = least[0] if alike else 0
    h = _highs(0.0 if ranking.size <= EXACT_UP_TO else GAP)
    # The objective comes with the variables: an expression of thousands of terms is slow to build.
    sizes = [len(g.keys) for g in groups]
    # People per group may be fractions when every covered worker costs and may get the same: the class counts
    # decide, and ``_covering`` rounds them exactly. Where another payer makes them differ, whole people.
    same_room = len(set(room)) <= 1
    whole = {} if alike and same_room else {"type": highspy.HighsVarType.kInteger}
    people = h.addVariables(len(groups), ub=sizes, obj=[g.priority * n for g, n in zip(groups, least, strict=True)],
                            out_array=True, **whole)
    by_priority: dict[int, list[int]] = defaultdict(list)
    by_class: dict[tuple[str, bool], list[int]] = defaultdict(list)
    for i, g in enumerate(groups):
        by_priority[g.priority].append(i)
        by_class[g.kecamatan, g.continuing].append(i)
    # Extra months are interchangeable between workers of one priority: one variable for them.
    priorities = list(by_priority)
    extra = h.addVariables(len(priorities), obj=priorities, out_array=True,
                           ub=[sum(room[i] * sizes[i] for i in by_priority[p]) for p in priorities])
    # A worker whose months another payer partly pays has less room on top of the same shortest span: the room
    # is per group unless every group has the same.
    for e, priority in zip(extra, priorities, strict=True):
        members = by_priority[priority]
        h.addConstr(e <= (room[0] * qsum(people[i] for i in members) if same_room
                          else qsum(room[i] * people[i] for i in members)))
    h.addConstr((shortest * qsum(people) if alike else qsum(n * v for n, v in zip(least, people, strict=True)))
                + qsum(extra) <= budget)
    count = {}
    for c, members in by_class.items():
        count[c] = h.addIntegral(*counts[c])
        h.addConstr(count[c] == qsum(people[i] for i in members))
    if inp.kecamatan_share:
        _shares(h, count, counts)
    h.maximize()
    _proven(h)

    values = h.getSolution().col_value
    left = {c: round(values[v.index]) for c, v in count.items()}
    # The best plan for given class counts (see ``optimum``) when every shortest span costs the same and leaves the
    # same room: never worse than HiGHS's own. Otherwise, also HiGHS's people per group, rounded within their class
    # to the cheapest (which keeps them in the budget); the better of the two plans that fit.
    plans = [_covering(groups, least, left, sorted(range(len(groups)), key=lambda i: (
        _rank(groups[i], inp)[:2], least[i], -room[i], _rank(groups[i], inp)[2])))]
    if not (alike and same_room):
        plans.append(_rounded(groups, least, left, [values[cast(highspy.highs_var, v).index] for v in people]))
    best: tuple[int, list[int], list[int]] | None = None
    for covered in plans:
        money = budget - sum(n * k for n, k in zip(least, covered, strict=True))
        if money < 0:
            continue
        found = sum(g.priority * n * k for g, n, k in zip(groups, least, covered, strict=True))
        more = [0] * len(groups)
        # Stable: the extra months of one priority go to the groups that rank first.
        for i in sorted(range(len(groups)), key=lambda i: -groups[i].priority):
            more[i] = min(room[i] * covered[i], money)
            money -= more[i]
            found += groups[i].priority * more[i]
        if best is None or found > best[0]:
            best = found, covered, more
    assert best is not None  # HiGHS's own plan, rounded, fits
    return _Answer(best[0], h.getInfo().mip_dual_bound, best[1], best[2],
                   f"HiGHS {h.version()}: {h.modelStatusToString(h.getModelStatus())}")


def _covering(groups: list[_Group], least: list[int], left: dict[tuple[str, bool], int], order: list[int]) -> list[int]:
    """People covered per group: each class's count, to its groups in ``order``."""
    left, covered = dict(left), [0] * len(groups)
    for i in order:
        g = groups[i]
        covered[i] = min(len(g.keys), left[g.kecamatan, g.continuing])
        left[g.kecamatan, g.continuing] -= covered[i]
    return covered


def _rounded(groups: list[_Group], least: list[int], left: dict[tuple[str, bool], int],
             people: list[float]) -> list[int]:
    """HiGHS's people per group rounded down, and each class's people still missing from its count given to its
    groups with a fraction, the cheapest first: that costs no more than HiGHS's fractions did."""
    covered = [min(len(g.keys), int(p + 1e-6)) for g, p in zip(groups, people, strict=True)]
    left = dict(left)
    for g, k in zip(groups, covered, strict=True):
        left[g.kecamatan, g.continuing] -= k
    for i in sorted(range(len(groups)), key=lambda i: (people[i] - covered[i] < 1e-6, least[i])):
        g = groups[i]
        more = min(len(g.keys) - covered[i], max(left[g.kecamatan, g.continuing], 0))
        covered[i] += more
        left[g.kecamatan, g.continuing] -= more
    return covered


def _highs(gap: float) -> highspy.Highs:
    h = highspy.Highs()
    for option, value in (("output_flag", False), ("random_seed", _SEED),
                          ("time_limit", TIME_LIMIT), ("mip_rel_gap", gap)):
        h.setOptionValue(option, value)
    return h


def _proven(h: highspy.Highs) -> float:
    """The objective's value HiGHS found, proven optimal within the gap set."""
    status = h.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        raise SolverError(
            f"HiGHS tidak dapat membuktikan rencana optimal ({h.modelStatusToString(status)}). "
            "Coba lagi, atau pakai salah satu skenario lain."
        )
    return h.getObjectiveValue()


def _shares(h: highspy.Highs, count: dict[tuple[str, bool], highspy.highs_var],
            counts: dict[tuple[str, bool], tuple[int, int]]) -> None:
    """Each kecamatan's share of the people the model chooses among (the classes' bounds less their least)."""
    kept: Counter[str] = Counter()
    free: Counter[str] = Counter()
    for (kecamatan, _), (low, high) in counts.items():
        kept[kecamatan] += low
        free[kecamatan] += high - low
    total = sum(free.values())
    if len(+free) < 2:  # one kecamatan to choose in: nothing to share
        return
    chosen = h.addIntegral(0, total)  # a variable of its own to branch on: twice as fast
    h.addConstr(chosen == qsum(count.values()) - sum(kept.values()))
    for kecamatan, n in (+free).items():
        # chosen here >= floor(n × chosen / total), kept in integers
        here = qsum(v for (k, _), v in count.items() if k == kecamatan)
        h.addConstr(total * here - n * chosen >= 1 - total + total * kept[kecamatan])


def _lengths(groups: list[_Group], answer: _Answer, inp: PlanInput) -> dict[str, int]:
    """Months per covered worker: within a group, the first keys get the longest spans."""
    lengths: dict[str, int] = {}
    for g, n, more in zip(groups, answer.covered, answer.extra, strict=True):
        shortest, longer = _least(g, inp), _room(g, inp)
        full, part = divmod(more, longer) if longer else (0, 0)
        lengths.update(dict.fromkeys(g.keys[:full], _span(g.others, shortest + longer, inp)))
        if part:
            lengths[g.keys[full]] = _span(g.others, shortest + part, inp)
            full += 1
        lengths.update(dict.fromkeys(g.keys[full:n], _span(g.others, shortest, inp)))
    return lengths


def _number(n: int) -> str:
    return format_rupiah(n, symbol=False)


def _shortfalls(by_kecamatan: dict[str, tuple[int, int]]) -> list[tuple[str, int, int]]:
    """(kecamatan, covered, its share) where fewer than floor(share × covered) are covered."""
    covered = sum(c for c, _ in by_kecamatan.values())
    total = sum(e for _, e in by_kecamatan.values())
    return [(k, c, e * covered // total) for k, (c, e) in by_kecamatan.items()
            if c < e * covered // total]


def _scenario(name: str, title: str, ranking: _Ranking, inp: PlanInput,
              lengths: dict[str, int], theirs: list[str] | None = None, **extra: Any) -> Scenario:
    """The scenario that funds ``lengths`` months per worker. Every scenario funds the first
    workers of a group (in key order), so only those are looked up, and whole tiers are taken as
    they are: at a million workers, every look-up costs (the memory is read out of order).
    ``theirs``: workers left out because another payer pays every month the scenario would give them,
    neither funded nor uncovered."""
    skip = set(theirs or ())
    # Spans and lapse dates are shared by every worker funded for as many months.
    spans = {n: (inp.first, inp.first.shift(n - 1)) for n in set(lengths.values())}
    lapses = {n: lapse_date(end, inp.reg, inp.calendar) for n, (_, end) in spans.items()}
    here: Counter[tuple[str, bool]] = Counter()
    others: Counter[int] = Counter()  # funded workers another payer pays a month of, by its offset
    weighted = dropped = person_months = 0
    funded: list[str] = []  # ranking order, like uncovered
    uncovered: list[str] = []
    for groups, keys in ranking.tiers:
        covered = 0
        for g in groups:
            got = cast(list[int], list(takewhile(bool, map(lengths.get, g.keys))))  # months of the funded
            here[g.kecamatan, g.continuing] += len(got)
            paid = sum(got)
            if g.others:  # their months another payer pays are not the plan's to pay
                for n, count in Counter(got).items():
                    for month in g.others[:bisect_left(g.others, n)]:
                        others[month] += count
                paid = sum(_paid(g.others, n) for n in got)
            person_months += paid
            weighted += g.priority * paid
            covered += len(got)
            if g.continuing:
                dropped += len(g.keys) - len(got)
        if covered == len(keys):
            funded += keys
        elif covered or skip:
            funded += (key for key in keys if key in lengths)
            uncovered += (key for key in keys if key not in lengths and key not in skip)
        else:
            uncovered += keys
    covered_in: Counter[str] = Counter()
    for (kecamatan, _), n in here.items():
        covered_in[kecamatan] += n
    by_kecamatan = {k: (covered_in[k], n) for k, n in ranking.eligible.items()}
    how_many = Counter(lengths.values())  # months -> workers
    cost = person_months * inp.cost_per_month
    one = len(spans) == 1  # then no look-ups at all
    months_per_worker = (dict.fromkeys(funded, *spans.values()) if one
                         else {key: spans[lengths[key]] for key in funded})
    return Scenario(
        name=name, title=title, months_per_worker=months_per_worker,
        people=len(lengths), person_months=person_months, weighted_person_months=weighted,
        cost=cost, left=inp.budget - cost, by_kecamatan=by_kecamatan, uncovered=uncovered,
        lapse=(dict.fromkeys(months_per_worker, *lapses.values()) if one
               else {key: lapses[lengths[key]] for key in months_per_worker}),
        warnings=(_warnings(inp, how_many, dropped, _shared(ranking, inp, here))
                  + _left_to_others(inp, others, ranking.others, len(skip), max(lengths.values(), default=0))),
        others_months=sum(others.values()), others_people=ranking.others + len(skip),
        others_by_month={inp.first.shift(month): n for month, n in sorted(others.items())}, **extra,
    )


def _shared(ranking: _Ranking, inp: PlanInput, covered: Counter[tuple[str, bool]]
            ) -> tuple[dict[str, tuple[int, int]], str]:
    """Per kecamatan, (covered, eligible) among the workers the shares divide (see ``optimum``), and who they are:
    with continuity first, the new workers when any is covered, else the continuing members; otherwise everyone."""
    eligible: Counter[tuple[str, bool]] = Counter()
    for g in ranking.groups:
        eligible[g.kecamatan, g.continuing] += len(g.keys)
    who = "pekerja"
    if inp.continuity_first and len({c for _, c in eligible}) == 2:
        continuing = not any(n for (_, c), n in covered.items() if not c)
        eligible = Counter({key: n for key, n in eligible.items() if key[1] == continuing})
        who = "peserta lanjutan" if continuing else "pekerja baru"
    shared: dict[str, tuple[int, int]] = {}
    for (kecamatan, c), n in sorted(eligible.items()):
        here, there = shared.get(kecamatan, (0, 0))
        shared[kecamatan] = here + covered[kecamatan, c], there + n
    return shared, who


def _warnings(inp: PlanInput, how_many: Counter[int], dropped: int,
              shared: tuple[dict[str, tuple[int, int]], str]) -> list[str]:
    warnings = []
    acquired_after = inp.reg.acquired_after_months
    short = sum(count for n, count in how_many.items() if n < acquired_after)
    if short:
        warnings.append(
            f"{_number(short)} pekerja dilindungi kurang dari {acquired_after} bulan: BPJS "
            f"Ketenagakerjaan mencatat peserta sebagai 'diakuisisi' hanya setelah "
            f"{acquired_after} bulan iuran."
        )
    if dropped:
        paid = inp.first.shift(-1)
        warnings.append(
            f"{_number(dropped)} peserta lanjutan (iuran dibayar paling lama sampai {bulan(paid)}) tidak didanai: "
            f"kepesertaan mereka berakhir paling lambat {tanggal(lapse_date(paid, inp.reg, inp.calendar))} jika tidak ada yang "
            "membayar."
        )
    if inp.kecamatan_share and (short_of := _shortfalls(shared[0])):
        first = " (peserta lanjutan didahulukan)" if shared[1] == "pekerja baru" else ""
        warnings.append(f"Di bawah bagian proporsional kecamatan dari {shared[1]} yang didanai{first}: " + ", ".join(
            f"{k} ({_number(c)} dari minimal {_number(need)})" for k, c, need in short_of) + ".")
    return warnings


def _left_to_others(inp: PlanInput, months: Counter[int], people: int, theirs: int, span: int) -> list[str]:
    """What the plan leaves to other payers, said with the plan (its page, its saved scenario, its Excel):
    ``people`` paid by them the whole period, ``theirs`` every one of the ``span`` months the scenario gives."""
    said = []
    if total := sum(months.values()):
        said.append(f"{_number(total)} orang-bulan dibayar pihak lain, tidak dianggarkan "
                    f"({format_rupiah(total * inp.cost_per_month)}).")
    if people:
        said.append(f"{_number(people)} pekerja dibayar pihak lain selama seluruh periode {bulan(inp.first)} sampai "
                    f"{bulan(inp.last)}, tidak direncanakan.")
    if theirs:
        said.append(f"{_number(theirs)} pekerja dibayar pihak lain selama {bulan(inp.first)} sampai "
                    f"{bulan(inp.first.shift(span - 1))}, bulan-bulan skenario ini: tidak direncanakan.")
    return said


def _remainder(left: int, n: int, months: int, inp: PlanInput) -> str:
    """What the money left after ``months`` months for all ``n`` workers can still buy."""
    buys = left // inp.cost_per_month
    text = f"Sisa {format_rupiah(left)} "
    if buys == 0:
        return text + f"tidak cukup untuk satu orang-bulan ({format_rupiah(inp.cost_per_month)})."
    text += f"cukup untuk {_number(buys)} orang-bulan lagi"
    rest = inp.months - months
    if rest == 0:
        return text + f", di luar periode {bulan(inp.first)} sampai {bulan(inp.last)}."
    text += (f": bulan {bulan(inp.first.shift(months))} bagi {_number(buys)} dari {_number(n)} pekerja "
             "dengan prioritas tertinggi")
    if rest > 1 and buys // rest:
        text += f", atau {_number(buys // rest)} pekerja selama {rest} bulan sampai {bulan(inp.last)}"
    return text + "."
