"""Pages of a plan revision (APBD-P, a cut, a top-up): the three scenarios with their consequence, a draft version
saved, and its approval by another Admin Dinas. Thin: revision_selectors read, revision_services write."""

import io
from typing import Any

import xlsxwriter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts.roles import require
from lindung.core.downloads import attachment, on_record
from lindung.core.xlsx import write_table
from lindung.rules.contributions import Month, tanggal

from . import revision_selectors, revision_services, selectors
from .forms import RevisionForm
from .models import Scenario


@login_required
def revision(request, code: str):
    """The form, and for its values the revision's scenarios side by side with who loses and who gains cover."""
    programme = selectors.programme_of(request.user, code)
    require(request.user, "plans")
    context: dict[str, Any] = {"programme": programme}
    try:
        earliest = revision_selectors.earliest_month(programme)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("programs:detail", code=code)
    form = RevisionForm(request.GET if "budget" in request.GET else None, initial={
        "revise_from": earliest.first_day, "budget": programme.budget, "reason": f"APBD-P {programme.year}"})
    context.update(form=form, earliest=earliest, plan=programme.plan)
    if form.is_bound and form.is_valid():
        try:
            found = revision_selectors.preview(request.user, programme, form.month(), form.cleaned_data["budget"])
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            context.update(found=found, computed=[
                {"r": r, "loses_from": [(m.first_day, n) for m, n in r.loses_from.items()],
                 "kind": Scenario.Kind(r.name).label} for r in found.revisions])
    return render(request, "programs/revision.html", context)


@login_required
@require_POST
def revision_save(request, code: str):
    programme = selectors.programme_of(request.user, code)
    form = RevisionForm(request.POST)
    kind = request.POST.get("kind", "")
    if not form.is_valid():
        messages.error(request, _("The revision's settings were not valid; compare the scenarios again."))
        return redirect("programs:revision", code=code)
    try:
        saved = revision_services.propose_revision(request.user, programme, form.month(), form.cleaned_data["budget"],
                                                   kind, form.cleaned_data["reason"])
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
        return redirect("programs:revision", code=code)
    messages.success(request, _("Plan version %(v)s saved as a draft. Another office administrator must approve it.")
                     % {"v": saved.version})
    return redirect("programs:scenario", code=code, number=saved.number)


@login_required
@require_POST
def revision_approve(request, code: str, number: int):
    scenario = selectors.scenario_of(request.user, code, number)
    try:
        revision_services.approve_revision(request.user, scenario)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
        return redirect("programs:scenario", code=code, number=number)
    messages.success(request, _("Plan version %(v)s is now in force: memberships and the bills to come follow it.")
                     % {"v": scenario.version})
    return redirect("programs:detail", code=code)


@login_required
def changes_xlsx(request, code: str, number: int):
    """Who loses and who gains cover in a saved revision, in the user's area."""
    scenario = selectors.scenario_of(request.user, code, number)
    require(request.user, "plans")
    if scenario.revises is None:  # a first plan changes nobody's cover
        raise Http404
    changed = revision_selectors.changed_lines(request.user, scenario)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    header = book.add_format({"bold": True, "bg_color": "#e8f0ec", "text_wrap": True})

    def span(line):
        return f"{Month.of(line.first)} s.d. {Month.of(line.last)}" if line and line.first else "—"

    for title, key in (("Kehilangan perlindungan", "losing"), ("Bertambah", "gaining")):
        sheet = book.add_worksheet(title)
        rows = [(line.peserta.nik, line.peserta.nama, line.peserta.desa.name, span(before), span(line),
                 _stops(line, before) if key == "losing" else "", tanggal(line.lapses) if line.lapses else "")
                for line, before in changed[key]]
        write_table(sheet, header, ["NIK", "Nama", "Desa", f"Versi {scenario.revises.version}",  # type: ignore[union-attr]  # only a revision's page links here
                                    f"Versi {scenario.version}", "Tidak dibiayai mulai",
                                    "Nonaktif (bila tidak dibayar)"], rows, widths=[20, 28, 20, 20, 20, 14, 22])
    book.close()
    return on_record(request.user, attachment(out.getvalue(), f"revisi-{scenario.programme.code}-v{scenario.version}.xlsx"),
                     "programs.revision_downloaded", target=f"scenario:{scenario.pk}",
                     summary=f"Perubahan rencana versi {scenario.version} program {scenario.programme.code} diunduh "
                             f"({len(changed['losing'])} kehilangan, {len(changed['gaining'])} bertambah).")


def _stops(line, before) -> str:
    """The first month a member losing cover is no longer funded."""
    return str(Month.of(line.last).next() if line.last else Month.of(before.first))
