"""What a year's budget buys (issue 4): three scenarios, side by side, for the ranked workers.

- ``everyone_while_money_lasts``: every worker from the first month for as many months as the money
  pays, and what the rest can still buy;
- ``full_year_for_most``: the whole period for as many workers as the money pays, in ranking order;
- ``optimum``: HiGHS maximises priority-weighted protected person-months under the budget, with
  the user's constraints (minimum consecutive months, continuity first, kecamatan shares).

Every span starts at ``PlanInput.first``: a later start costs the same and protects the same
person-months, so it only leaves the worker unprotected longer and breaks a continuing member's
coverage. A scenario is therefore fully described by the number of months each worker gets.

Lapse (DOMAIN.md section 2): arrears may be paid for at most 3 months, and after more than 3
consecutive unpaid months the membership ends. A worker whose last paid month is L is a member in
arrears during L+1..L+3 and has no right from the first day of L+4: that day is his lapse date.

Money is integer Rupiah; messages are Indonesian because they are shown to the clerk.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import highspy
from highspy import qsum
from lokal import format_rupiah

from lindung.rules.contributions import Month

TIME_LIMIT = 20.0  # seconds per solver stage; a Kaur-sized plan needs about one
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
    ranked = _ranked(workers, inp)
    n, cost = len(ranked), inp.cost_per_month
    months = min(inp.months, inp.budget // (n * cost)) if n else 0
    left = inp.budget - n * months * cost
    return _scenario(
        "everyone", "Semua pekerja selama dana cukup", ranked, inp,
        {w.key: months for w in ranked} if months else {},
        remainder_buys=_remainder(left, n, months, inp) if n else None,
    )


def full_year_for_most(workers: list[Worker], inp: PlanInput) -> Scenario:
    ranked = _ranked(workers, inp)
    count = min(len(ranked), inp.budget // (inp.months * inp.cost_per_month))
    return _scenario("full_year", "Seluruh periode untuk sebanyak mungkin pekerja", ranked, inp,
                     {w.key: inp.months for w in ranked[:count]})


@dataclass(frozen=True)
class _Group:
    """Workers the model cannot tell apart: one pair of variables stands for them all."""

    priority: int
    kecamatan: str
    continuing: bool
    keys: tuple[str, ...]  # ranking order: the first get the longest spans


def optimum(workers: list[Worker], inp: PlanInput) -> Scenario:
    """The plan that maximises priority-weighted person-months, proven optimal by HiGHS.

    The model has, per group of identical workers, ``people`` covered (each for min_consecutive
    months) and ``extra`` months on top (at most period − min_consecutive each), and one integer
    count of covered people per class (kecamatan × continuing). Only the class counts need to be
    integers: for a given count, the best plan covers a class's groups in priority order, which
    makes every group's people and months whole numbers too (checked), and keeps the search small.
    Two objectives are solved one after the other, the first one's optimum kept as a constraint:
    1. kecamatan shares: the fewest people missing from the shares (a slack, so a plan always
       exists, e.g. when continuing members of one kecamatan use up the money);
    2. priority-weighted person-months.
    Continuity first: if any new worker is covered, every continuing member is covered (from the
    first month, like every span); if the money cannot carry them all, only continuing members are.
    Ties: extra months of one priority go to the groups that rank first, and within a group the
    first keys get the longest spans.
    """
    ranked = _ranked(workers, inp)
    # HiGHS calls a model without variables empty, not optimal.
    lengths, solver = _solve(ranked, inp) if ranked else ({}, None)
    return _scenario("optimum", "Pilihan optimal (prioritas × bulan terlindungi)", ranked, inp,
                     lengths, solver=solver)


def _solve(ranked: list[Worker], inp: PlanInput) -> tuple[dict[str, int], str]:
    """Months per covered worker in the optimum, and the solver's report."""
    groups = _groups(ranked, inp)
    shortest, longer = inp.min_consecutive, inp.months - inp.min_consecutive
    h = highspy.Highs()
    for option, value in (("output_flag", False), ("random_seed", _SEED),
                          ("time_limit", TIME_LIMIT), ("mip_rel_gap", 0.0)):
        h.setOptionValue(option, value)
    people = [h.addVariable(0, len(g.keys)) for g in groups]
    extra = [h.addVariable(0, longer * len(g.keys)) for g in groups]
    for p, e in zip(people, extra, strict=True):
        h.addConstr(e <= longer * p)
    # Every month costs the same, so the budget is a number of person-months: exact integers.
    h.addConstr(shortest * qsum(people) + qsum(extra) <= inp.budget // inp.cost_per_month)
    count = {}
    for c in dict.fromkeys((g.kecamatan, g.continuing) for g in groups):
        members = [(g, p) for g, p in zip(groups, people, strict=True)
                   if (g.kecamatan, g.continuing) == c]
        count[c] = h.addIntegral(0, sum(len(g.keys) for g, _ in members))
        h.addConstr(count[c] == qsum(p for _, p in members))

    continuing = [v for (_, cont), v in count.items() if cont]
    new = [v for (_, cont), v in count.items() if not cont]
    if continuing and new:
        n_continuing = sum(len(g.keys) for g in groups if g.continuing)
        any_new = h.addBinary()
        h.addConstr(qsum(new) <= (len(ranked) - n_continuing) * any_new)
        h.addConstr(qsum(continuing) >= n_continuing * any_new)

    stages = []
    eligible = _eligible(ranked)
    if inp.kecamatan_share and len(eligible) > 1:
        total = len(ranked)
        covered = h.addIntegral(0, total)  # a variable of its own to branch on: twice as fast
        h.addConstr(covered == qsum(count.values()))
        missing = []
        for kecamatan, n in eligible.items():
            slack = h.addIntegral(0, n)
            here = qsum(v for (k, _), v in count.items() if k == kecamatan)
            # here + slack >= floor(n × covered / total), kept in integers
            h.addConstr(total * (here + slack) - n * covered >= 1 - total)
            missing.append(slack)
        stages.append((False, qsum(missing)))
    months = [shortest * p + e for p, e in zip(people, extra, strict=True)]
    stages.append((True, qsum(g.priority * m for g, m in zip(groups, months, strict=True))))
    for maximise, objective in stages:
        (h.maximize if maximise else h.minimize)(objective)
        status = h.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise SolverError(
                f"HiGHS tidak dapat membuktikan rencana optimal ({h.modelStatusToString(status)}). "
                "Coba lagi, atau pakai salah satu skenario lain."
            )
        value = round(h.getObjectiveValue())  # integer coefficients: the optimum is an integer
        h.addConstr(objective >= value if maximise else objective <= value)

    covered_in = [_whole(h.val(p)) for p in people]
    pooled: dict[int, float] = {}  # extra months per priority, handed out again in ranking order
    for g, e in zip(groups, extra, strict=True):
        pooled[g.priority] = pooled.get(g.priority, 0.0) + h.val(e)
    pool = {priority: _whole(m) for priority, m in pooled.items()}
    lengths = {}
    for g, n in zip(groups, covered_in, strict=True):
        left = min(longer * n, pool[g.priority])
        pool[g.priority] -= left
        for key in g.keys[:n]:
            more = min(left, longer)
            lengths[key] = shortest + more
            left -= more
    return lengths, (f"HiGHS {h.version()}: {h.modelStatusToString(status)}, {len(stages)} tahap, "
                     f"{len(groups)} kelompok pekerja")


def _whole(value: float) -> int:
    """A solver value that must be a whole number (see ``optimum``)."""
    whole = round(value)
    if abs(value - whole) > 1e-6:
        raise SolverError(f"HiGHS memberi nilai pecahan {value} untuk jumlah orang atau bulan.")
    return whole


def _index(month: Month) -> int:
    return month.year * 12 + month.month - 1


def _shift(month: Month, by: int) -> Month:
    i = _index(month) + by
    return Month(i // 12, i % 12 + 1)


def _tanggal(day: date) -> str:
    return f"{day.day} {_BULAN[day.month - 1]} {day.year}"


def _number(n: int) -> str:
    return format_rupiah(n, symbol=False)


def _continuing(worker: Worker, inp: PlanInput) -> bool:
    return worker.covered_until == _shift(inp.first, -1)


def _ranked(workers: list[Worker], inp: PlanInput) -> list[Worker]:
    """Continuing members first (when that is set), then by priority, ties by key."""
    keys = [w.key for w in workers]
    if len(set(keys)) != len(keys):
        raise ValueError("Ada pekerja yang muncul lebih dari sekali (kunci ganda).")
    paid = [w.key for w in workers if w.covered_until is not None and w.covered_until >= inp.first]
    if paid:
        raise ValueError(
            f"{_number(len(paid))} pekerja sudah dibayar sampai {inp.first} atau sesudahnya "
            f"(misalnya {paid[0]}): mulailah rencana sesudah bulan terakhir yang sudah dibayar."
        )
    first = inp.continuity_first
    return sorted(workers, key=lambda w: (first and not _continuing(w, inp), -w.priority, w.key))


def _groups(ranked: list[Worker], inp: PlanInput) -> list[_Group]:
    """Workers with the same priority, and kecamatan and continuity where those constrain the plan,
    in ranking order of each group's first member."""
    def signature(w: Worker) -> tuple[int, str, bool]:
        return (w.priority, w.kecamatan if inp.kecamatan_share else "",
                inp.continuity_first and _continuing(w, inp))

    groups: dict[tuple[int, str, bool], list[str]] = {}
    for w in ranked:
        groups.setdefault(signature(w), []).append(w.key)
    return [_Group(*sig, tuple(keys)) for sig, keys in groups.items()]


def _eligible(ranked: list[Worker]) -> dict[str, int]:
    return dict(sorted(Counter(w.kecamatan for w in ranked).items()))


def _shortfalls(by_kecamatan: dict[str, tuple[int, int]]) -> list[tuple[str, int, int]]:
    """(kecamatan, covered, its share) where fewer than floor(share × covered) are covered."""
    covered = sum(c for c, _ in by_kecamatan.values())
    total = sum(e for _, e in by_kecamatan.values())
    return [(k, c, e * covered // total) for k, (c, e) in by_kecamatan.items()
            if c < e * covered // total]


def _scenario(name: str, title: str, ranked: list[Worker], inp: PlanInput,
              lengths: dict[str, int], **extra) -> Scenario:
    covered = [w for w in ranked if w.key in lengths]
    here = Counter(w.kecamatan for w in covered)
    by_kecamatan = {k: (here[k], n) for k, n in _eligible(ranked).items()}
    ends = {w.key: _shift(inp.first, lengths[w.key] - 1) for w in covered}
    person_months = sum(lengths.values())
    cost = person_months * inp.cost_per_month
    return Scenario(
        name=name, title=title,
        months_per_worker={k: (inp.first, end) for k, end in ends.items()},
        people=len(covered), person_months=person_months,
        weighted_person_months=sum(w.priority * lengths[w.key] for w in covered),
        cost=cost, left=inp.budget - cost, by_kecamatan=by_kecamatan,
        uncovered=[w.key for w in ranked if w.key not in lengths],
        lapse={k: lapse_date(end) for k, end in ends.items()},
        warnings=_warnings(ranked, inp, lengths, by_kecamatan), **extra,
    )


def _warnings(ranked: list[Worker], inp: PlanInput, lengths: dict[str, int],
              by_kecamatan: dict[str, tuple[int, int]]) -> list[str]:
    warnings = []
    short = sum(1 for n in lengths.values() if n < inp.acquired_after)
    if short:
        warnings.append(
            f"{_number(short)} pekerja dilindungi kurang dari {inp.acquired_after} bulan: BPJS "
            f"Ketenagakerjaan mencatat peserta sebagai 'diakuisisi' hanya setelah "
            f"{inp.acquired_after} bulan iuran."
        )
    dropped = sum(1 for w in ranked if _continuing(w, inp) and w.key not in lengths)
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
