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

Lapse (DOMAIN.md section 2): arrears may be paid for at most 3 months, and after more than 3
consecutive unpaid months the membership ends. A worker whose last paid month is L is a member in
arrears during L+1..L+3 and has no right from the first day of L+4: that day is his lapse date.

Money is integer Rupiah; messages are Indonesian because they are shown to the clerk. Plans for a
million workers are expected (a province), so each worker is visited in a few plain loops only;
``bench/plan_bench.py`` times them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from itertools import chain, groupby
from operator import attrgetter

import highspy
from highspy import qsum
from lokal import format_rupiah

from lindung.rules.contributions import Month

TIME_LIMIT = 20.0  # seconds per solver stage; a Kaur-sized plan needs about one
# Proving the very best plan takes seconds at 100,000 workers and more than a minute at a million,
# while a plan within 0.1% of the best is found at once; a regency's plan stays exact.
EXACT_UP_TO = 20_000  # workers
GAP = 1e-3  # the relative gap HiGHS may stop at above EXACT_UP_TO
_SEED = 1  # HiGHS's random seed, fixed so the same input always gives the same plan
_BULAN = ("Januari Februari Maret April Mei Juni Juli Agustus September Oktober November "
          "Desember").split()


@dataclass(frozen=True)
class Worker:
    key: str  # NIK or registry id
    priority: int  # from pipeline.eligibility; higher is served first
    kecamatan: str
    # The last month paid by a previous programme. Only the month before the plan's first makes
    # a continuing member; an earlier one (in arrears, or lapsed) is planned like a new worker.
    covered_until: Month | None = None


@dataclass(frozen=True)
class PlanInput:
    budget: int
    first: Month
    last: Month
    cost_per_month: int = 16_800  # JKK + JKM at the lowest tier
    min_consecutive: int = 6  # for the optimum
    continuity_first: bool = True
    kecamatan_share: bool = True
    acquired_after: int = 6  # BPJS counts a member as acquired after this many paid months [check]

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
        return _index(self.last) - _index(self.first) + 1


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


class SolverError(RuntimeError):
    """HiGHS did not prove an optimum (time limit, numerical trouble)."""


def lapse_date(last_paid: Month) -> date:
    """The first day a member whose last paid month is ``last_paid`` has no right any more:
    the first day of the fourth consecutive unpaid month. 2025-02 -> 1 June 2025."""
    month = _shift(last_paid, 4)
    return date(month.year, month.month, 1)


def plan(workers: list[Worker], inp: PlanInput) -> list[Scenario]:
    """The three scenarios, in the order they are shown."""
    return [everyone_while_money_lasts(workers, inp), full_year_for_most(workers, inp),
            optimum(workers, inp)]


def everyone_while_money_lasts(workers: list[Worker], inp: PlanInput) -> Scenario:
    ranking = _ranked(workers, inp)
    n, cost = len(ranking.keys), inp.cost_per_month
    months = min(inp.months, inp.budget // (n * cost)) if n else 0
    left = inp.budget - n * months * cost
    return _scenario(
        "everyone", "Semua pekerja selama dana cukup", ranking, inp,
        dict.fromkeys(ranking.keys, months) if months else {},
        remainder_buys=_remainder(left, n, months, inp) if n else None,
    )


def full_year_for_most(workers: list[Worker], inp: PlanInput) -> Scenario:
    ranking = _ranked(workers, inp)
    count = min(len(ranking.keys), inp.budget // (inp.months * inp.cost_per_month))
    return _scenario("full_year", "Seluruh periode untuk sebanyak mungkin pekerja", ranking, inp,
                     dict.fromkeys(ranking.keys[:count], inp.months))


@dataclass(frozen=True)
class _Group:
    """Workers the plan cannot tell apart: one variable of the model stands for them all."""

    priority: int
    kecamatan: str  # "" when shares are off
    continuing: bool  # in the model, only when continuing members come first
    keys: list[str]  # key order, which is ranking order: the first get the longest spans


@dataclass(frozen=True)
class _Ranking:
    """Continuing members first (when that is set), then by priority, ties by key."""

    keys: list[str]
    # Workers with the same continuity, priority and kecamatan, in ranking order of their first.
    groups: list[_Group]
    eligible: dict[str, int]  # kecamatan -> workers, by name


def optimum(workers: list[Worker], inp: PlanInput) -> Scenario:
    """The plan that maximises priority-weighted person-months, proven optimal by HiGHS (or, above
    ``EXACT_UP_TO`` workers, proven within ``GAP`` of the best: see ``Scenario.gap``).

    The model has, per group of identical workers, ``people`` covered (each for min_consecutive
    months), per priority the ``extra`` months on top (at most period − min_consecutive for each
    covered worker of that priority), and one integer count of covered people per class (kecamatan
    × continuing). Only the class counts need to be integers: for given counts, the best plan
    covers a class's groups in priority order and gives the money left to the highest priorities,
    which is how the plan is read from the counts, in whole people and months.
    Two objectives are solved one after the other, the first one's optimum kept as a constraint:
    1. kecamatan shares: the fewest people missing from the shares (a slack, so a plan always
       exists, e.g. when continuing members of one kecamatan use up the money);
    2. priority-weighted person-months.
    Continuity first: if any new worker is covered, every continuing member is covered (from the
    first month, like every span); if the money cannot carry them all, only continuing members are.
    Ties: extra months of one priority go to the groups that rank first, and within a group the
    first keys get the longest spans.
    """
    ranking = _ranked(workers, inp)
    # HiGHS calls a model without variables empty, not optimal; no workers, one plan: the best.
    lengths, solver, gap = _solve(ranking, inp) if ranking.keys else ({}, None, 0.0)
    return _scenario("optimum", "Pilihan optimal (prioritas × bulan terlindungi)", ranking, inp,
                     lengths, solver=solver, gap=gap)


def _solve(ranking: _Ranking, inp: PlanInput) -> tuple[dict[str, int], str, float]:
    """Months per covered worker in the optimum, the solver's report and the proven gap."""
    groups = _groups(ranking, inp)
    size: Counter[tuple[str, bool]] = Counter()  # workers per class
    for g in groups:
        size[g.kecamatan, g.continuing] += len(g.keys)
    continuing = sum(n for (_, cont), n in size.items() if cont)
    # Continuity first as up to two models, not one with a binary "any new worker": that binary's
    # relaxation is weak, and HiGHS needed a minute at a million workers instead of a second.
    if 0 < continuing < len(ranking.keys):
        cases = [{c: (0, n if c[1] else 0) for c, n in size.items()}]  # continuing members only
        if inp.min_consecutive * continuing <= inp.budget // inp.cost_per_month:
            cases.insert(0, {c: (n, n) if c[1] else (0, n) for c, n in size.items()})  # all, then new
    else:
        cases = [{c: (0, n) for c, n in size.items()}]
    answers = [_case(groups, ranking, inp, counts) for counts in cases]
    best = min(answers, key=lambda a: (a.missing, -a.found))  # the first of equals
    bound = max(a.bound for a in answers if a.missing == best.missing)
    # Every plan's weighted person-months are a whole number: a bound below found + 1 proves it best.
    gap = (bound - best.found) / bound if bound >= best.found + 1 else 0.0
    report = f"{best.solver}, {len(answers)} model, {_number(len(groups))} kelompok pekerja"
    if gap:
        report += f", terbukti paling jauh {gap:.4%} di bawah rencana terbaik".replace(".", ",")
    return _lengths(groups, best, inp), report, gap


@dataclass(frozen=True)
class _Answer:
    """One model's plan, per group, read from the class counts HiGHS chose."""

    missing: int  # people missing from the kecamatan shares
    found: int  # weighted person-months
    bound: float  # HiGHS's upper bound of the weighted person-months
    covered: list[int]  # people
    extra: list[int]  # months on top of min_consecutive, all people together
    solver: str


def _case(groups: list[_Group], ranking: _Ranking, inp: PlanInput,
          counts: dict[tuple[str, bool], tuple[int, int]]) -> _Answer:
    """The optimum with covered people per class (kecamatan × continuing) within ``counts``."""
    shortest, longer = inp.min_consecutive, inp.months - inp.min_consecutive
    # Every month costs the same, so the budget is a number of person-months: exact integers.
    budget = inp.budget // inp.cost_per_month
    h = highspy.Highs()
    for option, value in (("output_flag", False), ("random_seed", _SEED),
                          ("time_limit", TIME_LIMIT)):
        h.setOptionValue(option, value)
    people = [h.addVariable(0, len(g.keys)) for g in groups]
    by_priority: dict[int, list[int]] = defaultdict(list)
    by_class: dict[tuple[str, bool], list[int]] = defaultdict(list)
    for i, g in enumerate(groups):
        by_priority[g.priority].append(i)
        by_class[g.kecamatan, g.continuing].append(i)
    # Extra months are interchangeable between workers of one priority: one variable for them.
    extra = {}
    for priority, members in by_priority.items():
        extra[priority] = h.addVariable(0, longer * sum(len(groups[i].keys) for i in members))
        h.addConstr(extra[priority] <= longer * qsum(people[i] for i in members))
    h.addConstr(shortest * qsum(people) + qsum(extra.values()) <= budget)
    count = {}
    for c, members in by_class.items():
        count[c] = h.addIntegral(*counts[c])
        h.addConstr(count[c] == qsum(people[i] for i in members))

    stages = []
    total = len(ranking.keys)
    if inp.kecamatan_share and len(ranking.eligible) > 1:
        covered = h.addIntegral(0, total)  # a variable of its own to branch on: twice as fast
        h.addConstr(covered == qsum(count.values()))
        missing = []
        for kecamatan, n in ranking.eligible.items():
            slack = h.addIntegral(0, n)
            here = qsum(v for (k, _), v in count.items() if k == kecamatan)
            # here + slack >= floor(n × covered / total), kept in integers
            h.addConstr(total * (here + slack) - n * covered >= 1 - total)
            missing.append(slack)
        stages.append((False, qsum(missing), 0.0))  # a few people: always exact
    weighted = (qsum(g.priority * shortest * p for g, p in zip(groups, people, strict=True))
                + qsum(priority * e for priority, e in extra.items()))
    stages.append((True, weighted, 0.0 if total <= EXACT_UP_TO else GAP))
    short = 0
    for maximise, objective, gap in stages:
        h.setOptionValue("mip_rel_gap", gap)
        (h.maximize if maximise else h.minimize)(objective)
        status = h.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise SolverError(
                f"HiGHS tidak dapat membuktikan rencana optimal ({h.modelStatusToString(status)}). "
                "Coba lagi, atau pakai salah satu skenario lain."
            )
        if not maximise:
            short = round(h.getObjectiveValue())  # an integer: people
            h.addConstr(objective <= short)

    # The best plan for given class counts covers a class's groups in priority order and gives the
    # money left to the highest priorities (see ``optimum``): never worse than HiGHS's own.
    left = {c: round(h.val(v)) for c, v in count.items()}
    people_in = []
    for g in groups:  # ranking order: a class's groups by priority
        n = min(len(g.keys), left[g.kecamatan, g.continuing])
        left[g.kecamatan, g.continuing] -= n
        people_in.append(n)
    money = budget - shortest * sum(people_in)
    found = sum(g.priority * shortest * n for g, n in zip(groups, people_in, strict=True))
    more = [0] * len(groups)
    # Stable: the extra months of one priority go to the groups that rank first.
    for i in sorted(range(len(groups)), key=lambda i: -groups[i].priority):
        more[i] = min(longer * people_in[i], money)
        money -= more[i]
        found += groups[i].priority * more[i]
    return _Answer(short, found, h.getInfo().mip_dual_bound, people_in, more,
                   f"HiGHS {h.version()}: {h.modelStatusToString(status)}")


def _lengths(groups: list[_Group], answer: _Answer, inp: PlanInput) -> dict[str, int]:
    """Months per covered worker: within a group, the first keys get the longest spans."""
    shortest, longer = inp.min_consecutive, inp.months - inp.min_consecutive
    lengths: dict[str, int] = {}
    for g, n, more in zip(groups, answer.covered, answer.extra, strict=True):
        full, part = divmod(more, longer) if longer else (0, 0)
        lengths.update(dict.fromkeys(g.keys[:full], inp.months))
        if part:
            lengths[g.keys[full]] = shortest + part
            full += 1
        lengths.update(dict.fromkeys(g.keys[full:n], shortest))
    return lengths


def _index(month: Month) -> int:
    return month.year * 12 + month.month - 1


def _shift(month: Month, by: int) -> Month:
    i = _index(month) + by
    return Month(i // 12, i % 12 + 1)


def _tanggal(day: date) -> str:
    return f"{day.day} {_BULAN[day.month - 1]} {day.year}"


def _number(n: int) -> str:
    return format_rupiah(n, symbol=False)


def _ranked(workers: list[Worker], inp: PlanInput) -> _Ranking:
    if len(set(map(attrgetter("key"), workers))) != len(workers):
        raise ValueError("Ada pekerja yang muncul lebih dari sekali (kunci ganda).")
    # The workers are visited once, in the order given: at a million, walking them in ranking
    # order costs a second per pass (the memory is read out of order), sorting small groups little.
    before = _shift(inp.first, -1)
    alike: dict[tuple[bool, int, str], list[str]] = defaultdict(list)
    paid = []
    for w in workers:
        until = w.covered_until
        continuing = until is not None and until == before
        if until is not None and not continuing and until >= inp.first:
            paid.append(w.key)
        alike[continuing, w.priority, w.kecamatan].append(w.key)
    if paid:
        raise ValueError(
            f"{_number(len(paid))} pekerja sudah dibayar sampai {inp.first} atau sesudahnya "
            f"(misalnya {paid[0]}): mulailah rencana sesudah bulan terakhir yang sudah dibayar."
        )
    groups = sorted((_Group(p, k, c, sorted(keys)) for (c, p, k), keys in alike.items()),
                    key=lambda g: _rank(g, inp))
    keys = []
    for _, tier in groupby(groups, key=lambda g: _rank(g, inp)[:2]):
        keys += sorted(chain.from_iterable(g.keys for g in tier))  # sorted runs: merged
    eligible: Counter[str] = Counter()
    for g in groups:
        eligible[g.kecamatan] += len(g.keys)
    return _Ranking(keys, groups, dict(sorted(eligible.items())))


def _rank(group: _Group, inp: PlanInput) -> tuple[bool, int, str]:
    """Where a group's first worker stands in the ranking."""
    return not (inp.continuity_first and group.continuing), -group.priority, group.keys[0]


def _groups(ranking: _Ranking, inp: PlanInput) -> list[_Group]:
    """The ranking's groups, merged where kecamatan or continuity do not constrain the plan."""
    if inp.kecamatan_share and inp.continuity_first:
        return ranking.groups
    merged: dict[tuple[int, str, bool], list[_Group]] = defaultdict(list)
    for g in ranking.groups:
        merged[g.priority, g.kecamatan if inp.kecamatan_share else "",
               g.continuing and inp.continuity_first].append(g)
    return sorted((_Group(*signature, sorted(chain.from_iterable(g.keys for g in same)))
                   for signature, same in merged.items()), key=lambda g: _rank(g, inp))


def _shortfalls(by_kecamatan: dict[str, tuple[int, int]]) -> list[tuple[str, int, int]]:
    """(kecamatan, covered, its share) where fewer than floor(share × covered) are covered."""
    covered = sum(c for c, _ in by_kecamatan.values())
    total = sum(e for _, e in by_kecamatan.values())
    return [(k, c, e * covered // total) for k, (c, e) in by_kecamatan.items()
            if c < e * covered // total]


def _scenario(name: str, title: str, ranking: _Ranking, inp: PlanInput,
              lengths: dict[str, int], **extra) -> Scenario:
    # Spans and lapse dates are shared by every worker funded for as many months.
    spans = {n: (inp.first, _shift(inp.first, n - 1)) for n in set(lengths.values())}
    lapses = {n: lapse_date(end) for n, (_, end) in spans.items()}
    here: Counter[str] = Counter()
    weighted = dropped = 0
    for g in ranking.groups:
        got = list(filter(None, map(lengths.get, g.keys)))  # months of the covered
        here[g.kecamatan] += len(got)
        weighted += g.priority * sum(got)
        dropped += g.continuing and len(g.keys) - len(got)
    by_kecamatan = {k: (here[k], n) for k, n in ranking.eligible.items()}
    how_many = Counter(lengths.values())  # months -> workers
    person_months = sum(n * count for n, count in how_many.items())
    cost = person_months * inp.cost_per_month
    months_per_worker = {key: spans[n] for key in ranking.keys if (n := lengths.get(key))}
    return Scenario(
        name=name, title=title, months_per_worker=months_per_worker,
        people=len(lengths), person_months=person_months, weighted_person_months=weighted,
        cost=cost, left=inp.budget - cost, by_kecamatan=by_kecamatan,
        uncovered=[key for key in ranking.keys if key not in lengths],
        lapse={key: lapses[lengths[key]] for key in months_per_worker},
        warnings=_warnings(inp, how_many, dropped, by_kecamatan), **extra,
    )


def _warnings(inp: PlanInput, how_many: Counter[int], dropped: int,
              by_kecamatan: dict[str, tuple[int, int]]) -> list[str]:
    warnings = []
    short = sum(count for n, count in how_many.items() if n < inp.acquired_after)
    if short:
        warnings.append(
            f"{_number(short)} pekerja dilindungi kurang dari {inp.acquired_after} bulan: BPJS "
            f"Ketenagakerjaan mencatat peserta sebagai 'diakuisisi' hanya setelah "
            f"{inp.acquired_after} bulan iuran."
        )
    if dropped:
        paid = _shift(inp.first, -1)
        warnings.append(
            f"{_number(dropped)} peserta yang iurannya sudah dibayar sampai {paid} tidak didanai: "
            f"kepesertaan mereka berakhir {_tanggal(lapse_date(paid))} jika tidak ada yang "
            "membayar."
        )
    if inp.kecamatan_share and (short_of := _shortfalls(by_kecamatan)):
        warnings.append("Di bawah bagian proporsional kecamatan: " + ", ".join(
            f"{k} ({_number(c)} dari minimal {_number(need)})" for k, c, need in short_of) + ".")
    return warnings


def _remainder(left: int, n: int, months: int, inp: PlanInput) -> str:
    """What the money left after ``months`` months for all ``n`` workers can still buy."""
    buys = left // inp.cost_per_month
    text = f"Sisa {format_rupiah(left)} "
    if buys == 0:
        return text + f"tidak cukup untuk satu orang-bulan ({format_rupiah(inp.cost_per_month)})."
    text += f"cukup untuk {_number(buys)} orang-bulan lagi"
    rest = inp.months - months
    if rest == 0:
        return text + f", di luar periode {inp.first} sampai {inp.last}."
    text += (f": bulan {_shift(inp.first, months)} bagi {_number(buys)} dari {_number(n)} pekerja "
             "dengan prioritas tertinggi")
    if rest > 1 and buys // rest:
        text += f", atau {_number(buys // rest)} pekerja selama {rest} bulan sampai {inp.last}"
    return text + "."
