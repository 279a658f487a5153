"""Reads of a plan revision (APBD-P, a cut, a top-up): the plan in force, the months already committed, the
revision's three scenarios (rules.revision), and each plan version. Nothing here writes."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from lokal import format_rupiah

from lindung.accounts.scoping import people
from lindung.payments.models import Bill
from lindung.regulation.selectors import calendar, regulation_on
from lindung.rules import revision
from lindung.rules.contributions import Month
from lindung.rules.planner import SolverError

from . import selectors
from .models import PlanLine, Programme, Scenario

REVISABLE = (Programme.Status.APPROVED, Programme.Status.RUNNING)


@dataclass(frozen=True)
class Preview:
    """The revision's scenarios for a programme, a first month and a new ceiling; nothing saved."""

    programme: Programme
    plan: Scenario  # the version in force, revised
    revise_from: Month
    budget: int
    cost_per_month: int
    revisions: list[revision.Revision]  # the planner's order: everyone, full_year, optimum
    ids: dict[str, int]  # NIK -> person id, of everyone in the revision's lines
    priority: dict[str, int]  # NIK -> priority (the current assessment, else the plan's)
    candidates: int  # eligible workers planned for the months left

    def chosen(self, kind: str) -> revision.Revision:
        return next(r for r in self.revisions if r.name == kind)


def plan_in_force(programme: Programme) -> Scenario:
    if programme.status not in REVISABLE or programme.plan is None:
        raise ValidationError(_("Only the plan of an approved or running programme can be revised."))
    return programme.plan


def earliest_month(programme: Programme) -> Month:
    """The first month a revision may change: after every bill already approved or paid, and not before the plan's
    first month."""
    plan = plan_in_force(programme)
    latest = (Bill.objects.filter(programme=programme).exclude(status=Bill.Status.DRAFT)
              .order_by("-month").values_list("month", flat=True).first())
    first = Month.of(plan.first)
    return max(first, Month.of(latest).next()) if latest else first


def check_month(programme: Programme, revise_from: Month) -> None:
    """Refuses a first month whose bill (or a later one) is approved or paid: those months are committed."""
    committed = (Bill.objects.filter(programme=programme, month__gte=revise_from.first_day)
                 .exclude(status=Bill.Status.DRAFT).order_by("-month").first())
    if committed is not None:
        raise ValidationError(
            _("The bill of %(month)s is already %(status)s: that month is committed. A revision can take effect from "
              "%(next)s at the earliest.") % {"month": Month.of(committed.month),
                                               "status": committed.get_status_display().lower(),
                                               "next": Month.of(committed.month).next()})


def current_lines(plan: Scenario) -> tuple[list[revision.Line], dict[str, int], dict[str, int]]:
    """The plan's lines for rules.revision, with NIK -> person id and NIK -> priority."""
    lines, ids, priority = [], {}, {}
    spans: dict[tuple, revision.Span] = {}  # a plan has a handful of spans: one object each
    for nik, pk, rank_priority, first, last in (plan.lines.order_by("rank").values_list(
            "peserta__nik", "peserta_id", "priority", "first", "last")):
        span = spans.setdefault((first, last), (Month.of(first), Month.of(last))) if first else None  # type: ignore[arg-type]  # first and last are set together
        lines.append(revision.Line(nik, span))
        ids[nik], priority[nik] = pk, rank_priority
    return lines, ids, priority


def preview(user, programme: Programme, revise_from: Month, budget: int) -> Preview:
    """The three scenarios of revising the plan in force from ``revise_from`` with the new ceiling ``budget``,
    for the eligible workers of the user's area (the whole regency for the office, which plans). Raises
    ValidationError with a message for the clerk (a committed month, a ceiling below the fixed months, …)."""
    plan = plan_in_force(programme)
    check_month(programme, revise_from)
    if budget <= 0:
        raise ValidationError(_("The new ceiling must be more than zero."))
    lines, ids, priority = current_lines(plan)
    found = selectors.candidates(user, programme)
    try:
        cost = selectors.monthly_cost(programme)
        inp = revision.RevisionInput(
            budget=budget, start=Month.of(plan.first), end=programme.last_month, revise_from=revise_from,
            cost_per_month=cost, min_consecutive=plan.min_consecutive, continuity_first=plan.continuity_first,
            kecamatan_share=plan.kecamatan_share, reg=regulation_on(plan.first), calendar=calendar())
        computed = revision.revise(lines, found.workers, inp)
    except (ValueError, SolverError) as exc:
        raise ValidationError(str(exc))
    for w in found.workers:
        priority[w.key] = w.priority
    ids.update(found.ids)
    return Preview(programme, plan, revise_from, budget, cost, computed, ids, priority, computed[0].planned)


def versions(programme: Programme) -> QuerySet[Scenario]:
    """Every version of the programme's plan, the first first: approved ones and drafts of revisions."""
    return programme.scenarios.filter(version__isnull=False).select_related("created_by", "approved_by").order_by(
        "version")


def changed_lines(user, scenario: Scenario) -> dict[str, list[tuple[PlanLine, PlanLine | None]]]:
    """A revision's lines of the user's area that differ from the version it revises, as (new line, old line):
    ``losing`` (a new last month before the old one) and ``gaining`` (a later one, or covered for the first time)."""
    if scenario.revises is None:
        return {"losing": [], "gaining": []}
    old = {line.peserta_id: line for line in scenario.revises.lines.filter(people(user, "peserta__"))}
    found: dict[str, list] = {"losing": [], "gaining": []}
    for line in (scenario.lines.filter(people(user, "peserta__")).select_related("peserta__desa")
                 .order_by("rank")):
        before = old.get(line.peserta_id)
        was, now = (before.last if before else None), line.last
        if was == now:
            continue
        losing = now is None or (was is not None and now < was)
        found["losing" if losing else "gaining"].append((line, before))
    return found


def describe(preview: Preview) -> str:
    """One line for the audit trail and the CLI."""
    return (f"revisi program {preview.programme.code} mulai {preview.revise_from}, pagu baru "
            f"{format_rupiah(preview.budget)}")
