from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts.roles import can, require
from lindung.pipeline.eligibility import explain, formula
from lindung.rules.planner import SolverError

from . import selectors, services
from .forms import ExclusionsForm, PlannerForm, ProgrammeForm, RulesForm
from .models import Programme, Scenario


@login_required
def programme_list(request):
    return render(request, "programs/programme_list.html", {"programmes": selectors.programmes_for(request.user),
                                                            "can_plan": can(request.user, "plans")})


@login_required
def programme_edit(request, code: str = ""):
    require(request.user, "plans")
    programme = _programme(request.user, code) if code else None
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_programme(request.user, form.save(commit=False))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Programme saved."))
            return redirect("programs:detail", code=saved.code)
    return render(request, "programs/programme_edit.html", {"form": form, "programme": programme})


@login_required
def programme_detail(request, code: str):
    programme = _programme(request.user, code)
    assessed = selectors.assessment(request.user, programme)
    only = request.GET.get("show", "eligible")
    shown = assessed.filter(assessed["eligible"]) if only == "eligible" else assessed.filter(~assessed["eligible"])
    _, weights = selectors.rules_of(programme)
    page = Paginator(shown.rows(named=True), 50).get_page(request.GET.get("page"))
    for row in page:  # the score's parts, so nobody has to trust a bare number
        row["parts"] = explain(row, weights)
    return render(request, "programs/programme_detail.html", {
        "programme": programme, "summary": selectors.summary(assessed), "page": page, "show": only,
        "formula": formula(weights), "can_edit": can(request.user, "approves"), "can_plan": can(request.user, "plans"),
        "monthly_cost": selectors.known_monthly_cost(programme), "scenarios": selectors.scenarios_for(request.user, programme)[:10],
        "next_status": services.NEXT_STATUS.get(programme.status),
    })


@login_required
def planner(request, code: str):
    """The scenarios side by side for the settings in the query string (the programme's by default)."""
    programme = _programme(request.user, code)
    require(request.user, "plans")
    default = selectors.Settings.of(programme)
    form = PlannerForm(programme, request.GET if "budget" in request.GET else None, initial={
        "budget": default.budget, "first": default.first.first_day, "last": default.last.first_day,
        "min_consecutive": default.min_consecutive, "continuity_first": True, "kecamatan_share": True,
    })
    context = {"programme": programme, "form": form, "can_save": programme.status == Programme.Status.DRAFT}
    if form.is_bound and form.is_valid():
        settings = form.settings()
        try:
            found, cost, computed = selectors.scenarios(request.user, programme, settings)
        except (ValueError, SolverError) as exc:
            form.add_error(None, str(exc))
        else:
            names = selectors.kecamatan_names(computed[0].by_kecamatan)
            context.update({
                "computed": [{"s": s, "lapses": selectors.lapse_counts(s)} for s in computed],
                "candidates": len(found.workers), "cost": cost,
                "kecamatan": [(code, names.get(code, code), eligible, [s.by_kecamatan[code][0] for s in computed])
                              for code, (_, eligible) in computed[0].by_kecamatan.items()],
                "chart": selectors.chart(computed, settings.plan_input(cost)),
            })
    return render(request, "programs/planner.html", context)


@login_required
@require_POST
def scenario_save(request, code: str):
    programme = _programme(request.user, code)
    form = PlannerForm(programme, request.POST)
    kind = request.POST.get("kind")
    if not form.is_valid() or kind not in Scenario.Kind.values:
        messages.error(request, _("The planner's settings were not valid; run the planner again."))
        return redirect("programs:planner", code=code)
    try:
        scenario = services.save_scenario(request.user, programme, form.settings(), kind)
    except (ValidationError, ValueError, SolverError) as exc:
        messages.error(request, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
        return redirect("programs:planner", code=code)
    messages.success(request, _("Scenario saved. Another office administrator must approve it."))
    return redirect("programs:scenario", code=code, number=scenario.number)


def _programme(user, code: str) -> Programme:
    return get_object_or_404(selectors.programmes_for(user), code=code)


def _scenario(request, code: str, number: int) -> Scenario:
    return get_object_or_404(selectors.scenarios_for(request.user, _programme(request.user, code)), number=number)


@login_required
def scenario_detail(request, code: str, number: int):
    scenario = _scenario(request, code, number)
    show = request.GET.get("show", "covered")
    lines = selectors.plan_lines(request.user, scenario, covered=show != "uncovered")
    page = Paginator(lines, 50).get_page(request.GET.get("page"))
    programme = scenario.programme
    return render(request, "programs/scenario_detail.html", {
        "scenario": scenario, "programme": programme, "page": page, "show": show,
        "kecamatan": selectors.scenario_kecamatan(request.user, scenario).values(),
        "can_approve": (can(request.user, "approves") and scenario.created_by_id != request.user.pk
                        and programme.status == Programme.Status.DRAFT),
    })


@login_required
@require_POST
def scenario_approve(request, code: str, number: int):
    scenario = _scenario(request, code, number)
    try:
        services.approve_scenario(request.user, scenario)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("programs:scenario", code=code, number=number)
    messages.success(request, _("Plan approved: its workers are now enrolment candidates."))
    return redirect("enrolment:members", code=code)


@login_required
@require_POST
def programme_advance(request, code: str):
    programme = _programme(request.user, code)
    try:
        programme = services.advance_status(request.user, programme)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Programme is now: %(status)s.") % {"status": programme.get_status_display()})
    return redirect("programs:detail", code=code)


@login_required
def programme_rules(request, code: str):
    programme = _programme(request.user, code)
    require(request.user, "approves")
    excluding = request.method == "POST" and "x-niks" in request.POST
    form = RulesForm(request.POST if request.method == "POST" and not excluding else None, instance=programme,
                     initial={"occupations": programme.occupations.all()})
    exclusions = ExclusionsForm(request.POST if excluding else None, prefix="x")
    if excluding:
        if exclusions.is_valid():
            added, refused = services.add_exclusions(request.user, programme, exclusions.cleaned_data["niks"],
                                                     exclusions.cleaned_data["reason"])
            for line, message in refused:
                exclusions.add_error("niks", _("Line %(line)s: %(message)s") % {"line": line, "message": message})
            if not refused:
                messages.success(request, _("%(n)s NIKs excluded.") % {"n": added})
                return redirect("programs:rules", code=code)
    elif request.method == "POST" and form.is_valid():
        services.save_rules(request.user, form.save(commit=False), form.cleaned_data["occupations"])
        messages.success(request, _("Rules saved."))
        return redirect("programs:detail", code=code)
    return render(request, "programs/programme_rules.html", {"programme": programme, "form": form,
                                                             "exclusions": exclusions})
