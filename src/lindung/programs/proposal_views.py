"""The budget proposal (RKA) for next year: what N people cost month by month and what a budget buys, on the page and
as the one-page PDF the office attaches to its budget request. A calculation only: nothing is saved."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from lokal import format_rupiah

from lindung.regulation.selectors import regulation_on
from lindung.accounts.roles import require
from lindung.core.downloads import attachment
from lindung.core.forms import RupiahField
from lindung.rules.contributions import Month, income_tiers
from lindung.rules.proposal import Basis, Proposal, propose
from lindung.rules.terbilang import rupiah_terbilang

from . import selectors
from .forms import MonthField
from .models import FUNDING_SOURCES, Programme
from .proposal_pdf import proposal_pdf


class ProposalForm(forms.Form):
    programme: "forms.ModelChoiceField[Programme]" = forms.ModelChoiceField(
        queryset=None, required=False, to_field_name="code", label=_("Programme"),
        help_text=_("Leave the number of people empty to use the programme's eligible workers."),
    )
    people = forms.IntegerField(label=_("Number of people"), required=False)
    first = MonthField(label=_("First month"))
    last = MonthField(label=_("Last month"))
    budget = RupiahField(label=_("Budget (Rp)"))
    funding_source = forms.ChoiceField(label=_("Funding source"), choices=FUNDING_SOURCES)
    income_tier = forms.TypedChoiceField(
        label=_("Declared income tier"), coerce=int,
        choices=lambda: [(t.income, format_rupiah(t.income)) for t in sorted(income_tiers(regulation_on()),
                                                                              key=lambda t: t.income)],  # read per form
    )
    include_jht = forms.BooleanField(label=_("With old-age savings (JHT)"), required=False)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["programme"].queryset = selectors.programmes_for(user)

    def clean(self):
        data = super().clean()
        programme = data.get("programme")
        if data.get("people") is None and "people" not in self.errors:
            if programme is None:
                self.add_error("people", _("Give the number of people, or choose a programme."))
            else:
                data["people"] = selectors.summary(selectors.assessment(self.user, programme))["eligible"]
                if not data["people"]:
                    self.add_error("programme", _("The programme has no eligible workers in your area."))
        return data

    def proposal(self) -> Proposal:
        """Raises ValueError with a message for the clerk (the rules judge the period and the amounts)."""
        d = self.cleaned_data
        basis = Basis(Month.of(d["first"]), Month.of(d["last"]), d["funding_source"], d["income_tier"],
                      jht=d["include_jht"])
        return propose(basis, d["people"], d["budget"])


@login_required
def proposal(request):
    require(request.user, "plans")
    year = timezone.localdate().year + 1  # the RKA is drawn up for next year's budget
    form = ProposalForm(request.user, request.POST or None, initial={
        "first": Month(year, 1).first_day, "last": Month(year, 12).first_day, "funding_source": "apbd",
        "income_tier": income_tiers(regulation_on())[0].income,
    })
    context = {"form": form}
    if form.is_bound and form.is_valid():
        try:
            found = form.proposal()
        except ValueError as exc:
            form.add_error(None, str(exc))
        else:
            if "pdf" in request.POST:
                name = f"usulan-anggaran-{found.basis.first}-{found.basis.last}.pdf"
                return attachment(proposal_pdf(found), name)
            context.update(found=found, total_words=rupiah_terbilang(found.total))
    return render(request, "programs/proposal.html", context)
