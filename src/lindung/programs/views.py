import io
from datetime import date

import polars as pl
import xlsxwriter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts.roles import can, require
from lindung.core.downloads import attachment, on_record
from lindung.core.paging import FrameRows
from lindung.core.xlsx import write_table
from lindung.pipeline.eligibility import explain, formula
from lindung.rules.contributions import tanggal
from lindung.rules.planner import SolverError

from . import exports, revision_selectors, selectors, services
from .forms import ExclusionsForm, PlannerForm, ProgrammeForm, RulesForm
from .models import Programme, Scenario


@login_required
def programme_list(request):
    return render(request, "programs/programme_list.html", {"programmes": selectors.programmes_for(request.user),
                                                            "can_plan": can(request.user, "plans")})


@login_required
def programme_edit(request, code: str = ""):
    require(request.user, "plans")
    programme = selectors.programme_of(request.user, code) if code else None
    initial = {}
    if programme is None and request.GET.get("continues"):  # "Continue into a new year": next year's settings
        earlier = selectors.programme_of(request.user, request.GET["continues"])
        proposed = services.next_year(earlier, earlier.year + 1, 0)
        initial = {f: getattr(proposed, f) for f in ("code", "name", "year", "start", "end", "funding_source",
                                                     "income_tier", "include_jht", "continues")}
    form = ProgrammeForm(request.POST or None, instance=programme, initial=initial)
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
    programme = selectors.programme_of(request.user, code)
    # A continuing programme's gaps are read once, for the eligibility (age) and the continuation's figures.
    found = selectors.candidates(request.user, programme) if programme.continues_id else None
    assessed = selectors.kept_assessment(request.user, programme, found.continuing if found else None)
    summary = selectors.summary(assessed.select("eligible", "reasons").collect())
    only = request.GET.get("show", "eligible")
    shown = assessed.filter(pl.col("eligible") == (only == "eligible"))
    count = summary["eligible"] if only == "eligible" else summary["total"] - summary["eligible"]
    weights = selectors.weights_of(programme)
    page = Paginator(FrameRows(shown, count), 50).get_page(request.GET.get("page"))
    for row in page:  # the score's parts, so nobody has to trust a bare number
        row["parts"] = explain(row, weights)
    return render(request, "programs/programme_detail.html", {
        "programme": programme, "summary": summary, "page": page, "show": only,
        "formula": formula(weights), "can_edit": can(request.user, "approves"), "can_plan": can(request.user, "plans"),
        "monthly_cost": selectors.known_monthly_cost(programme), "scenarios": selectors.scenarios_for(request.user, programme)[:10],
        "next_status": services.NEXT_STATUS.get(programme.status),
        "continuation": selectors.continuation_figures(programme, found) if found else None,
        "can_continue": programme.status != Programme.Status.DRAFT and not programme.continued_by.exists(),
        "versions": revision_selectors.versions(programme),
        "can_revise": can(request.user, "plans") and programme.status in revision_selectors.REVISABLE,
    })


@login_required
def planner(request, code: str):
    """The scenarios side by side for the settings in the query string (the programme's by default)."""
    programme = selectors.programme_of(request.user, code)
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
                "continuation": selectors.continuation_figures(programme, found),
                "kecamatan": [(code, names.get(code, code), eligible, [s.by_kecamatan[code][0] for s in computed])
                              for code, (_, eligible) in computed[0].by_kecamatan.items()],
                "chart": selectors.chart(computed, settings.plan_input(cost)),
            })
    return render(request, "programs/planner.html", context)


@login_required
@require_POST
def scenario_save(request, code: str):
    programme = selectors.programme_of(request.user, code)
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


@login_required
def continuation_xlsx(request, code: str):
    """The continuing members of the user's area with their gap before the programme's first month."""
    programme = selectors.programme_of(request.user, code)
    require(request.user, "plans")
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Peserta lanjutan")
    header = book.add_format({"bold": True, "bg_color": "#e8f0ec", "text_wrap": True})
    rows = [(c.membership.peserta.nik, c.membership.peserta.nama, c.membership.peserta.desa.name,
             str(c.gap.last_paid or ""), c.gap.unpaid, c.gap.status.label, tanggal(c.gap.lapse) if c.gap.lapse else "",
             "KPJ lama" if c.keeps_kpj else "Daftar ulang")
            for c in selectors.continuing_for(request.user, programme)]
    # The NIK goes in as a text cell (write_table writes every str as a string), so Excel keeps its digits.
    write_table(sheet, header, ["NIK", "Nama", "Desa", "Bulan terakhir dibayar", "Bulan tidak dibayar",
                                f"Keadaan pada {tanggal(programme.start)}", "Nonaktif (bila tidak dibayar)",
                                "Lanjut dengan"], rows, widths=[20, 28, 20, 14, 12, 26, 22, 14])
    book.close()
    return on_record(request.user, attachment(out.getvalue(), f"peserta-lanjutan-{programme.code}.xlsx"),
                     "programs.continuation_downloaded", target=f"programme:{programme.pk}",
                     summary=f"Daftar peserta lanjutan program {programme.code} diunduh ({len(rows)} baris).")


@login_required
def scenario_detail(request, code: str, number: int):
    scenario = selectors.scenario_of(request.user, code, number)
    show = request.GET.get("show", "covered")
    lines = selectors.plan_lines(request.user, scenario, covered=show != "uncovered")
    page = Paginator(lines, 50).get_page(request.GET.get("page"))
    programme = scenario.programme
    return render(request, "programs/scenario_detail.html", {
        "scenario": scenario, "programme": programme, "page": page, "show": show,
        "kecamatan": selectors.scenario_kecamatan(request.user, scenario).values(),
        "can_approve": (can(request.user, "approves") and scenario.created_by_id != request.user.pk
                        and programme.status == Programme.Status.DRAFT and not scenario.is_revision),
        # A revision: who loses and who gains cover against the version it revises; approved by another admin.
        "changed": revision_selectors.changed_lines(request.user, scenario) if scenario.is_revision else None,
        "lapse_dates": [(date.fromisoformat(day), n) for day, n in scenario.consequence.get("lapse_dates", {}).items()],
        "can_approve_revision": (scenario.is_revision and scenario.approved_at is None
                                 and can(request.user, "approves") and scenario.created_by_id != request.user.pk
                                 and programme.plan_id == scenario.revises_id),
    })


@login_required
def scenario_xlsx(request, code: str, number: int):
    """The plan's covered and not-covered people of the user's area, with the reason, as xlsx (audited)."""
    scenario = selectors.scenario_of(request.user, code, number)
    return attachment(exports.plan_workbook(request.user, scenario), f"rencana-{code}-skenario-{number}.xlsx")


@login_required
@require_POST
def scenario_approve(request, code: str, number: int):
    scenario = selectors.scenario_of(request.user, code, number)
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
    programme = selectors.programme_of(request.user, code)
    try:
        programme = services.advance_status(request.user, programme)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Programme is now: %(status)s.") % {"status": programme.get_status_display()})
    return redirect("programs:detail", code=code)


@login_required
def programme_rules(request, code: str):
    programme = selectors.programme_of(request.user, code)
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
