from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from lindung.accounts.roles import can, require
from lindung.pipeline.eligibility import explain, formula

from . import selectors, services
from .forms import ExclusionsForm, RulesForm
from .models import Programme


def _programme(user, code) -> Programme:
    try:
        return selectors.programmes_for(user).get(code=code)
    except Programme.DoesNotExist:
        raise Http404


@login_required
def programme_list(request):
    return render(request, "programs/programme_list.html", {"programmes": selectors.programmes_for(request.user)})


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
        "formula": formula(weights), "can_edit": can(request.user, "approves"),
    })


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
