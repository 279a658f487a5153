"""The API of programmes: the programme by its code, its plan (scenarios by number, plan versions) and revisions."""

from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.errors import HttpError

from lindung.accounts.roles import require
from lindung.api.common import programme_or_404
from lindung.core.forms import parse_rupiah
from lindung.programs import revision_selectors, revision_services
from lindung.programs import selectors as programs
from lindung.programs import services as program_services
from lindung.programs.forms import PlannerForm
from lindung.programs.models import Programme, Scenario
from lindung.rules.contributions import Month
from lindung.rules.planner import SolverError

from .schemas import (
    ContinueIn,
    PlanOut,
    ProgrammeDetailOut,
    ProgrammeOut,
    RevisionIn,
    RevisionPreviewOut,
    ScenarioIn,
    ScenarioOut,
)

router = Router()


def _programme_out(p: Programme) -> dict:
    return {"code": p.code, "name": p.name, "year": p.year, "status": p.status, "first_month": str(p.first_month),
            "last_month": str(p.last_month), "funding_source": p.funding_source, "budget": p.budget,
            "income_tier": p.income_tier, "package": p.package, "monthly_cost": programs.known_monthly_cost(p), "pks_number": p.pks_number,
            "pks_date": p.pks_date, "plan": p.plan.number if p.plan else None,
            "continues": p.continues.code if p.continues else None}


def _programme_detail(user, p: Programme) -> dict:
    return {**_programme_out(p), "continuation": programs.continuation_figures(p, programs.candidates(user, p))
            if p.continues_id else None}


def _scenario_out(user, s: Scenario) -> dict:
    return {"number": s.number, "kind": s.kind, "budget": s.budget, "first": s.first, "last": s.last,
            "min_consecutive": s.min_consecutive, "candidates": s.candidates, "people": s.people,
            "person_months": s.person_months, "cost": s.cost, "remaining": s.remaining,
            "by_kecamatan": {k: [c, e] for k, (_, c, e) in programs.scenario_kecamatan(user, s).items()},
            "warnings": s.warnings, "created_by": s.created_by.username,
            "approved_by": s.approved_by.username if s.approved_by else None,
            "version": s.version, "revises": s.revises.version if s.revises else None, "reason": s.reason,
            "revised_from": f"{s.revised_from:%Y-%m}" if s.revised_from else None,
            "in_force": s.programme.plan_id == s.pk}


def _settings(programme: Programme, data: ScenarioIn) -> programs.Settings:
    """The planner settings, checked by the planner page's own form."""
    form = PlannerForm(programme, {
        "budget": programme.budget if data.budget is None else data.budget,
        "first": data.first or str(programme.first_month), "last": data.last or str(programme.last_month),
        "min_consecutive": data.min_consecutive, "continuity_first": data.continuity_first,
        "kecamatan_share": data.kecamatan_share,
    })
    if not form.is_valid():
        raise HttpError(422, "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in form.errors.items()))
    return form.settings()


@router.get("/programmes", response=list[ProgrammeOut], tags=["programmes"])
def programme_list(request):
    return [_programme_out(p) for p in programs.programmes_for(request.user).select_related("plan", "continues")]


@router.get("/programmes/{code}", response=ProgrammeDetailOut, tags=["programmes"])
def programme(request, code: str):
    """The programme; one continuing another says its continuing members, newcomers, gaps and warnings."""
    return _programme_detail(request.user, programme_or_404(request, code))


@router.post("/programmes/{code}/continue", response={201: ProgrammeDetailOut}, tags=["programmes"])
def programme_continue(request, code: str, data: ContinueIn):
    """Next year's draft programme continuing this one: its members keep their KPJ and come first in the plan."""
    made = program_services.continue_programme(request.user, programme_or_404(request, code), data.year,
                                               _rupiah(data.budget))
    return Status(201, _programme_detail(request.user, made))


def _rupiah(value: int | str) -> int:
    """A Rupiah amount as sent: 500000000 or "500.000.000"."""
    try:
        return value if isinstance(value, int) else parse_rupiah(value)
    except ValueError:
        raise HttpError(422, "budget: bukan jumlah Rupiah utuh, tulis misalnya 500000000 atau 500.000.000.")


def _revision_month(data: RevisionIn) -> Month:
    try:
        return Month.parse(data.revise_from)
    except ValueError as exc:
        raise HttpError(422, f"revise_from: {exc}")


@router.get("/programmes/{code}/plan-versions", response=list[ScenarioOut], tags=["programmes"])
def plan_versions(request, code: str):
    """Every version of the plan (v1 the plan first approved, v2 … the revisions with their reason and first
    month), drafts included; ``in_force`` marks the programme's plan now."""
    return [_scenario_out(request.user, s) for s in revision_selectors.versions(programme_or_404(request, code))]


@router.post("/programmes/{code}/revision/preview", response=RevisionPreviewOut, tags=["programmes"])
def revision_preview(request, code: str, data: RevisionIn):
    """The revision's three scenarios from a month with a new ceiling, and what each means: who loses and who gains
    cover, their lapse dates, the cost. Nothing saved."""
    require(request.user, "plans")
    programme = programme_or_404(request, code)
    month, budget = _revision_month(data), _rupiah(data.budget)
    found = revision_selectors.preview(request.user, programme, month, budget)
    return {"plan_version": found.plan.version, "earliest": str(revision_selectors.earliest_month(programme)),
            "revise_from": str(month), "budget": budget, "cost_per_month": found.cost_per_month,
            "candidates": found.candidates,
            "scenarios": [{**r.figures(), "kind": r.name, "no_month_left": r.emptied_count} for r in found.revisions]}


@router.post("/programmes/{code}/revision", response={201: ScenarioOut}, tags=["programmes"])
def revision_save(request, code: str, data: RevisionIn):
    """One scenario of the revision saved as the plan's next version, a draft; another Admin Dinas approves it."""
    programme = programme_or_404(request, code)
    kind = data.kind or (programme.plan.kind if programme.plan else "")
    saved = revision_services.propose_revision(request.user, programme, _revision_month(data), _rupiah(data.budget),
                                               kind, data.reason)
    return Status(201, _scenario_out(request.user, saved))


@router.post("/programmes/{code}/plan-versions/{version}/approve", response=ScenarioOut, tags=["programmes"])
def revision_approve(request, code: str, version: int):
    """The revision becomes the plan (not by its author): memberships and the bills to come follow it, those losing
    cover get the hand-over notice."""
    scenario = get_object_or_404(revision_selectors.versions(programme_or_404(request, code)), version=version)
    approved = revision_services.approve_revision(request.user, scenario)
    approved.programme.refresh_from_db()
    return _scenario_out(request.user, approved)


@router.post("/programmes/{code}/plan", response=PlanOut, tags=["programmes"])
def plan_preview(request, code: str, data: ScenarioIn):
    """The three scenarios for these settings, side by side, nothing saved (`kind` is ignored)."""
    programme = programme_or_404(request, code)
    require(request.user, "plans")
    try:
        found, cost, computed = programs.scenarios(request.user, programme, _settings(programme, data))
    except (ValueError, SolverError) as exc:
        raise HttpError(422, str(exc))
    return {"monthly_cost_per_person": cost, "candidates": len(found.workers),
            "scenarios": [programs.figures(s) for s in computed]}


@router.get("/programmes/{code}/scenarios", response=list[ScenarioOut], tags=["programmes"])
def scenario_list(request, code: str):
    return [_scenario_out(request.user, s) for s in programs.scenarios_for(request.user, programme_or_404(request, code))]


@router.post("/programmes/{code}/scenarios", response={201: ScenarioOut}, tags=["programmes"])
def scenario_save(request, code: str, data: ScenarioIn):
    """Compute and save one scenario; another office administrator approves it."""
    programme = programme_or_404(request, code)
    if data.kind not in Scenario.Kind.values:
        raise HttpError(422, "kind: everyone, full_year atau optimum.")
    try:
        saved = program_services.save_scenario(request.user, programme, _settings(programme, data), data.kind)
    except (ValueError, SolverError) as exc:
        raise HttpError(422, str(exc))
    return Status(201, _scenario_out(request.user, saved))


def _scenario(request, code: str, number: int) -> Scenario:
    return get_object_or_404(programs.scenarios_for(request.user, programme_or_404(request, code)), number=number)


@router.get("/programmes/{code}/scenarios/{number}", response=ScenarioOut, tags=["programmes"])
def scenario(request, code: str, number: int):
    return _scenario_out(request.user, _scenario(request, code, number))


@router.post("/programmes/{code}/scenarios/{number}/approve", response=ScenarioOut, tags=["programmes"])
def scenario_approve(request, code: str, number: int):
    """Make a saved scenario the programme's plan (not by its author); its workers become candidates."""
    return _scenario_out(request.user, program_services.approve_scenario(request.user, _scenario(request, code, number)))
