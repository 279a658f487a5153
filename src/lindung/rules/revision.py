"""Revising a running programme (issue 15, item 2): the APBD-P, a cut or a top-up, from a month on.

The months before ``from`` are fixed: they are committed (billed, approved, paid) or past, whatever the new
ceiling says. What they cost at the plan's rate is taken off the new ceiling; the money left plans the months
``from`` … the programme's last with ``planner.plan``, so the three scenarios are the planner's ("everyone,
fewer months", "the months, fewer people", the optimum):

- a worker covered in the month before ``from`` is *continuing* (he comes first when continuity comes first);
- a worker with no fixed month (never covered by this programme) is a candidate like any other: a top-up may
  reach him;
- a worker whose fixed months ended before the month before ``from`` is not planned again: he is in arrears or
  lapsed, and a month funded after a gap would first settle the gap (payments settle the oldest month first).

Every funded span is contiguous (the planner starts every span at its first month): a continuing worker's
span in the revised plan is his fixed months followed by the re-planned ones.

The consequence is person by person: who *loses* protection (fewer months than in the current plan: he loses
it from the month after his new last month, and lapses on ``lapse_date`` of it, DOMAIN.md §2), who *gains*
(more months, or covered for the first time), and the cost of the whole programme (fixed months + re-plan).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date

from lokal import format_rupiah

from lindung.rules import planner
from lindung.rules.contributions import Month

Span = tuple[Month, Month]


@dataclass(frozen=True)
class Line:
    """A worker's funded months in the plan being revised; ``span`` None when it funds none."""

    key: str
    span: Span | None


@dataclass(frozen=True)
class RevisionInput:
    budget: int  # the new ceiling (pagu) for the whole programme, fixed months included
    start: Month  # the plan's first month
    end: Month  # the plan's (the programme's) last month
    revise_from: Month  # the first month that may change
    cost_per_month: int
    min_consecutive: int = 6  # for the optimum; never more than the months left
    continuity_first: bool = True
    kecamatan_share: bool = True

    def __post_init__(self) -> None:
        if not self.start <= self.revise_from <= self.end:
            raise ValueError(f"Bulan mulai revisi {self.revise_from} harus di dalam periode program "
                             f"({self.start} s.d. {self.end}).")
        if self.budget < 0 or self.cost_per_month <= 0:
            raise ValueError("Pagu tidak boleh negatif, dan iuran per bulan harus di atas nol.")

    @property
    def months_left(self) -> int:
        return self.end.index - self.revise_from.index + 1


@dataclass(frozen=True)
class Change:
    """One worker whose protection the revision changes."""

    key: str
    before: Span | None  # in the current plan
    after: Span | None  # in the revision

    @property
    def losing(self) -> bool:
        return _last(self.after) < _last(self.before)

    @property
    def loses_from(self) -> Month | None:
        """The first month no longer funded, for one losing cover."""
        if not self.losing:
            return None
        return self.after[1].next() if self.after else self.before[0]

    @property
    def lapse(self) -> date | None:
        """The day he lapses if nobody pays after his funded months (None: he never had a funded month)."""
        return planner.lapse_date(self.after[1]) if self.after else None


@dataclass(frozen=True)
class Revision:
    """One scenario of the revision: the re-plan of the months left and what it means for the whole programme."""

    replan: planner.Scenario  # from ``revise_from`` to the end, with the money left
    lines: dict[str, Span | None]  # every worker of the current plan and of the re-plan: his months in the revision
    order: list[str]  # the keys in the revision's ranking order (covered first, as the re-plan ranks them)
    fixed_cost: int
    changes: list[Change]  # losing and gaining, in ranking order
    inp: RevisionInput

    @property
    def name(self) -> str:
        return self.replan.name

    @property
    def title(self) -> str:
        return self.replan.title

    @property
    def cost(self) -> int:
        """Of the whole programme: the fixed months and the re-plan."""
        return self.fixed_cost + self.replan.cost

    @property
    def left(self) -> int:
        return self.inp.budget - self.cost

    @property
    def people(self) -> int:
        return sum(1 for span in self.lines.values() if span)

    @property
    def person_months(self) -> int:
        return sum(_months(span) for span in self.lines.values())

    @property
    def losing(self) -> list[Change]:
        return [c for c in self.changes if c.losing]

    @property
    def gaining(self) -> list[Change]:
        return [c for c in self.changes if not c.losing]

    @property
    def emptied(self) -> list[Change]:
        """Those left with no month of the programme at all: a revision cannot take a membership back (revise from
        after their first month instead)."""
        return [c for c in self.losing if c.after is None]

    @property
    def lapse_dates(self) -> dict[date, int]:
        """How many of those losing cover lapse on each day (nobody paying after their funded months)."""
        return dict(sorted(Counter(c.lapse for c in self.losing if c.lapse).items()))

    @property
    def loses_from(self) -> dict[Month, int]:
        return dict(sorted(Counter(c.loses_from for c in self.losing).items()))

    def figures(self) -> dict:
        """The consequence as the CLI and the API give it."""
        return {"name": planner_name(self.name), "people": self.people, "person_months": self.person_months,
                "cost": self.cost, "fixed_cost": self.fixed_cost, "remaining": self.left,
                "losing_cover": len(self.losing), "gaining_cover": len(self.gaining),
                "lapse_dates": {day.isoformat(): n for day, n in self.lapse_dates.items()}}


def planner_name(name: str) -> str:
    return {"everyone": "all_max_months"}.get(name, name)


def fixed_span(span: Span | None, revise_from: Month, before: Month | None = None) -> Span | None:
    """The part of ``span`` before ``revise_from``: months the revision cannot change. ``before``: the month before
    ``revise_from``, when the caller has it (a million calls should not compute it a million times)."""
    if span is None or span[0] >= revise_from:
        return None
    return span if span[1] < revise_from else (span[0], before or revise_from.shift(-1))


def fixed_spans(lines: list[Line], revise_from: Month) -> dict[str, Span | None]:
    """Every line's fixed part, by key."""
    before = revise_from.shift(-1)
    return {line.key: fixed_span(line.span, revise_from, before) for line in lines}


def fixed_cost(lines: list[Line], revise_from: Month, cost_per_month: int) -> int:
    """What the fixed months of the current plan cost at the rate per month."""
    return sum(_months(span) for span in fixed_spans(lines, revise_from).values()) * cost_per_month


def money_left(lines: list[Line], inp: RevisionInput) -> int:
    """The new ceiling less the fixed months; ValueError when the ceiling does not even pay them."""
    fixed = fixed_cost(lines, inp.revise_from, inp.cost_per_month)
    if inp.budget < fixed:
        raise ValueError(f"Pagu baru {format_rupiah(inp.budget)} kurang dari biaya bulan-bulan sebelum "
                         f"{inp.revise_from} yang sudah berjalan ({format_rupiah(fixed)}).")
    return inp.budget - fixed


def replan_workers(lines: list[Line], workers: list[planner.Worker], revise_from: Month,
                   start: Month | None = None) -> list[planner.Worker]:
    """The eligible ``workers`` the months left are planned for: those covered in the month before
    ``revise_from`` as continuing, those with no fixed month as they are (new to the plan), and not those whose
    fixed months ended earlier."""
    fixed = fixed_spans(lines, revise_from)
    before = revise_from.shift(-1)
    found = []
    for w in workers:
        span = fixed.get(w.key)
        if span is None:
            # New to this plan: an earlier programme's continuing member is one only from the plan's first month.
            found.append(w if start is None or revise_from == start else replace(w, continuing=False))
        elif span[1] == before:  # a Worker made directly: dataclasses.replace costs seconds at a million
            found.append(planner.Worker(key=w.key, priority=w.priority, kecamatan=w.kecamatan, covered_until=before,
                                        continuing=True))
    return found


def revise(lines: list[Line], workers: list[planner.Worker], inp: RevisionInput) -> list[Revision]:
    """The three scenarios of the revision of the plan ``lines`` (every worker of the current plan, covered or
    not) for the eligible ``workers`` (planner.Worker, key = the lines' key), in the planner's order."""
    left = money_left(lines, inp)
    fixed = inp.budget - left
    plan_input = planner.PlanInput(left, inp.revise_from, inp.end, inp.cost_per_month,
                                   min(inp.min_consecutive, inp.months_left), inp.continuity_first,
                                   inp.kecamatan_share)
    computed = planner.plan(replan_workers(lines, workers, inp.revise_from, inp.start), plan_input)
    current = {line.key: line.span for line in lines}
    kept = fixed_spans(lines, inp.revise_from)
    return [_revision(s, current, kept, fixed, inp) for s in computed]


def _revision(replan: planner.Scenario, current: dict[str, Span | None], kept: dict[str, Span | None], fixed: int,
              inp: RevisionInput) -> Revision:
    after: dict[str, Span | None] = {}
    more_of = replan.months_per_worker
    for key, span in kept.items():
        more = more_of.get(key)
        after[key] = (span[0] if span else more[0], more[1]) if more else span
    for key, span in replan.months_per_worker.items():
        after.setdefault(key, span)
    for key in replan.uncovered:  # candidates the money did not reach keep a line, like the planner's
        after.setdefault(key, None)
    # Ranking order: the re-plan's covered, those keeping their fixed months only, then nobody's months.
    rest = [k for k in current if k not in replan.months_per_worker]
    order = list(dict.fromkeys([*replan.months_per_worker, *(k for k in rest if after[k]), *replan.uncovered, *rest]))
    changes = [Change(key, current.get(key), after[key]) for key in order
               if _end(after[key]) != _end(current.get(key))]
    return Revision(replan, after, order, fixed, changes, inp)


def _months(span: Span | None) -> int:
    return span[1].index - span[0].index + 1 if span else 0


def _end(span: Span | None) -> Month | None:
    return span[1] if span else None


def _last(span: Span | None) -> int:
    """A span's last month as a number, -1 for none: to compare."""
    return span[1].index if span else -1
