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

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any, NamedTuple

from lokal import format_rupiah

from lindung.rules import planner
from lindung.rules.contributions import Month
from lindung.rules.holidays import SHIPPED, Calendar
from lindung.rules.regulation import DEFAULT, Regulation

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
    reg: Regulation = DEFAULT  # the settings in force at the plan's start, as the plan had them
    calendar: Calendar = SHIPPED  # the closed days, for a lapse after the due date

    def __post_init__(self) -> None:
        if not self.start <= self.revise_from <= self.end:
            raise ValueError(f"Bulan mulai revisi {self.revise_from} harus di dalam periode program "
                             f"({self.start} s.d. {self.end}).")
        if self.budget < 0 or self.cost_per_month <= 0:
            raise ValueError("Pagu tidak boleh negatif, dan iuran per bulan harus di atas nol.")

    @property
    def months_left(self) -> int:
        return self.end.index - self.revise_from.index + 1


class Change(NamedTuple):
    """One worker whose protection the revision changes (a tuple: a cut lists a million of them)."""

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
        if self.after:
            return self.after[1].next()
        assert self.before is not None  # losing cover he had
        return self.before[0]


class _Current:
    """The plan being revised, its workers grouped by their funded months: a plan has a handful of spans (every
    span starts at the plan's or a revision's first month), so what a revision does to a span is worked out once
    per span, not once per worker."""

    def __init__(self, lines: list[Line], revise_from: Month):
        self.lines = lines
        self.groups: dict[Span | None, list[str]] = defaultdict(list)  # span -> keys, in the lines' order
        for line in lines:
            self.groups[line.span].append(line.key)
        before = revise_from.shift(-1)
        self.fixed = {span: fixed_span(span, revise_from, before) for span in self.groups}
        self.before = before

    @cached_property
    def spans(self) -> dict[str, Span | None]:
        return {line.key: line.span for line in self.lines}

    @property
    def fixed_months(self) -> int:
        return sum(_months(self.fixed[span]) * len(keys) for span, keys in self.groups.items())

    def continuing(self) -> dict[str, bool]:
        """Those with fixed months: True when they reach the month before the revision (continuing), False when
        they ended earlier (in arrears or lapsed: not planned again)."""
        found: dict[str, bool] = {}
        for span, keys in self.groups.items():
            if (kept := self.fixed[span]) is not None:
                found.update(dict.fromkeys(keys, kept[1] == self.before))
        return found


@dataclass(frozen=True)
class Revision:
    """One scenario of the revision: the re-plan of the months left and what it means for the whole programme.
    The figures come from cohorts (workers with the same months before and after); who exactly is in them
    (``lines``, ``order``, ``changes``) is worked out when asked, for the scenario saved."""

    replan: planner.Scenario  # from ``revise_from`` to the end, with the money left
    current: _Current
    cohorts: dict[tuple[Span | None, Span | None], int]  # (months before, months after) -> how many workers
    fixed_cost: int
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
    def planned(self) -> int:
        """The workers the months left were planned for (continuing and new)."""
        return sum(eligible for _, eligible in self.replan.by_kecamatan.values())

    @property
    def people(self) -> int:
        return sum(n for (_, after), n in self.cohorts.items() if after)

    @property
    def person_months(self) -> int:
        return sum(_months(after) * n for (_, after), n in self.cohorts.items())

    def _changed(self, losing: bool) -> dict[Change, int]:
        """A worker of each changed cohort (key left empty), with the cohort's size."""
        return {change: n for (before, after), n in self.cohorts.items()
                if _end(after) != _end(before) and (change := Change("", before, after)).losing == losing}

    @property
    def losing_count(self) -> int:
        return sum(self._changed(True).values())

    @property
    def gaining_count(self) -> int:
        return sum(self._changed(False).values())

    @property
    def emptied_count(self) -> int:
        """Those left with no month of the programme at all: a revision cannot take a membership back (revise from
        after their first month instead)."""
        return sum(n for change, n in self._changed(True).items() if change.after is None)

    def lapse_of(self, span: Span) -> date:
        """The day a worker funded for ``span`` lapses if nobody pays after it."""
        return planner.lapse_date(span[1], self.inp.reg, self.inp.calendar)

    @property
    def lapse_dates(self) -> dict[date, int]:
        """How many of those losing cover lapse on each day (nobody paying after their funded months)."""
        found: Counter[date] = Counter()
        for change, n in self._changed(True).items():
            if change.after:  # nobody paying after his funded months
                found[self.lapse_of(change.after)] += n
        return dict(sorted(found.items()))

    @property
    def loses_from(self) -> dict[Month, int]:
        found: Counter[Month] = Counter()
        for change, n in self._changed(True).items():
            loses_from = change.loses_from
            assert loses_from is not None  # a losing change
            found[loses_from] += n
        return dict(sorted(found.items()))

    @cached_property
    def lines(self) -> dict[str, Span | None]:
        """Every worker of the current plan and of the re-plan: his months in the revision."""
        more_of = self.replan.months_per_worker
        after: dict[str, Span | None] = dict.fromkeys(self.current.spans)  # the lines' order
        for span, keys in self.current.groups.items():
            mores = list(map(more_of.get, keys))
            joined = {more: _joined(self.current.fixed[span], more) for more in set(mores)}
            after.update(zip(keys, map(joined.__getitem__, mores)))
        after.update({key: span for key, span in more_of.items() if key not in self.current.spans})
        # candidates the money did not reach keep a line, like the planner's
        after.update(dict.fromkeys(key for key in self.replan.uncovered if key not in after))
        return after

    @cached_property
    def order(self) -> list[str]:
        """The keys in the revision's ranking order: the re-plan's covered, those keeping their fixed months only,
        the re-plan's uncovered, then nobody's months."""
        after, covered = self.lines, self.replan.months_per_worker
        rest = [k for k in self.current.spans if k not in covered]
        return list(dict.fromkeys([*covered, *(k for k in rest if after[k]), *self.replan.uncovered, *rest]))

    @cached_property
    def changes(self) -> list[Change]:
        """Losing and gaining, in ranking order."""
        after, before = self.lines, self.current.spans
        return [Change(key, before.get(key), after[key]) for key in self.order
                if _end(after[key]) != _end(before.get(key))]

    @property
    def losing(self) -> list[Change]:
        return [c for c in self.changes if c.losing]

    @property
    def gaining(self) -> list[Change]:
        return [c for c in self.changes if not c.losing]

    def figures(self) -> dict[str, Any]:
        """The consequence as the CLI and the API give it."""
        return {"name": planner_name(self.name), "people": self.people, "person_months": self.person_months,
                "cost": self.cost, "fixed_cost": self.fixed_cost, "remaining": self.left,
                "losing_cover": self.losing_count, "gaining_cover": self.gaining_count,
                "lapse_dates": {day.isoformat(): n for day, n in self.lapse_dates.items()}}


def planner_name(name: str) -> str:
    return {"everyone": "all_max_months"}.get(name, name)


def fixed_span(span: Span | None, revise_from: Month, before: Month | None = None) -> Span | None:
    """The part of ``span`` before ``revise_from``: months the revision cannot change. ``before``: the month before
    ``revise_from``, when the caller has it."""
    if span is None or span[0] >= revise_from:
        return None
    return span if span[1] < revise_from else (span[0], before or revise_from.shift(-1))


def fixed_cost(lines: list[Line], revise_from: Month, cost_per_month: int) -> int:
    """What the fixed months of the current plan cost at the rate per month."""
    return _Current(lines, revise_from).fixed_months * cost_per_month


def money_left(lines: list[Line], inp: RevisionInput) -> int:
    """The new ceiling less the fixed months; ValueError when the ceiling does not even pay them."""
    return _money_left(_Current(lines, inp.revise_from), inp)


def _money_left(current: _Current, inp: RevisionInput) -> int:
    fixed = current.fixed_months * inp.cost_per_month
    if inp.budget < fixed:
        raise ValueError(f"Pagu baru {format_rupiah(inp.budget)} kurang dari biaya bulan-bulan sebelum "
                         f"{inp.revise_from} yang sudah berjalan ({format_rupiah(fixed)}).")
    return inp.budget - fixed


def replan_workers(lines: list[Line], workers: list[planner.Worker], revise_from: Month,
                   start: Month | None = None) -> list[planner.Worker]:
    """The eligible ``workers`` the months left are planned for: those covered in the month before
    ``revise_from`` as continuing, those with no fixed month as they are (new to the plan), and not those whose
    fixed months ended earlier."""
    return _replan_workers(_Current(lines, revise_from), workers, revise_from, start)


def _replan_workers(current: _Current, workers: list[planner.Worker], revise_from: Month,
                    start: Month | None) -> list[planner.Worker]:
    continuing, before = current.continuing(), current.before
    # New to this plan: an earlier programme's continuing member is one only from the plan's first month.
    as_new = start is None or revise_from == start
    found = []
    for w in workers:
        state = continuing.get(w.key)
        if state is None:
            found.append(w if as_new else w._replace(continuing=False))
        elif state:
            found.append(w._replace(covered_until=before, continuing=True))
    return found


def revise(lines: list[Line], workers: list[planner.Worker], inp: RevisionInput) -> list[Revision]:
    """The three scenarios of the revision of the plan ``lines`` (every worker of the current plan, covered or
    not) for the eligible ``workers`` (planner.Worker, key = the lines' key), in the planner's order."""
    current = _Current(lines, inp.revise_from)
    left = _money_left(current, inp)
    plan_input = planner.PlanInput(left, inp.revise_from, inp.end, inp.cost_per_month,
                                   min(inp.min_consecutive, inp.months_left), inp.continuity_first,
                                   inp.kecamatan_share, inp.reg, inp.calendar)
    computed = planner.plan(_replan_workers(current, workers, inp.revise_from, inp.start), plan_input)
    return [Revision(s, current, _cohorts(s, current), inp.budget - left, inp) for s in computed]


def _cohorts(replan: planner.Scenario, current: _Current) -> dict[tuple[Span | None, Span | None], int]:
    """How many workers go from which months to which: counted per span of the current plan, each worker's
    re-planned months looked up once."""
    more_of = replan.months_per_worker
    found: Counter[tuple[Span | None, Span | None]] = Counter()
    reached = 0
    for span, keys in current.groups.items():
        for more, n in Counter(map(more_of.get, keys)).items():
            found[span, _joined(current.fixed[span], more)] += n
            reached += n if more else 0
    if reached < len(more_of):  # funded workers new to the plan
        for more, n in Counter(span for key, span in more_of.items() if key not in current.spans).items():
            found[None, more] += n
    return dict(found)


def _joined(kept: Span | None, more: Span | None) -> Span | None:
    """A worker's months in the revision: his fixed ones followed by the re-planned ones (every span is
    contiguous)."""
    return (kept[0] if kept else more[0], more[1]) if more else kept


def _months(span: Span | None) -> int:
    return span[1].index - span[0].index + 1 if span else 0


def _end(span: Span | None) -> Month | None:
    return span[1] if span else None


def _last(span: Span | None) -> int:
    """A span's last month as a number, -1 for none: to compare."""
    return span[1].index if span else -1
