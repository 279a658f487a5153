
from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.regulation.selectors import regulation_on
from lindung.core.forms import RupiahField
from lindung.registry.models import Pekerjaan
from lindung.rules.contributions import Month, UnknownTier, highest_monthly

from .models import Programme
from .selectors import Settings


class MonthField(forms.DateField):
    """A month as YYYY-MM (the browser's month picker), kept as its first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else day


class ProgrammeForm(forms.ModelForm):
    start = MonthField(label=_("First month"), help_text=_("Ages are taken on its first day."))
    end = MonthField(label=_("Last month"))
    # Once a plan is approved only the cooperation agreement may change.
    AFTER_APPROVAL = ("pks_number", "pks_date")

    class Meta:
        model = Programme
        fields = ["code", "name", "year", "start", "end", "funding_source", "budget", "income_tier", "include_jht",
                  "continues", "pks_number", "pks_date"]
        widgets = {"pks_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        field_classes = {"budget": RupiahField, "income_tier": RupiahField}
        help_texts = {"continues": _("Its members with a KPJ keep it and come first in the plan; a new programme "
                                     "takes its rules, weights and occupations.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only a programme with an approved plan has members to continue.
        self.fields["continues"].queryset = Programme.objects.exclude(status=Programme.Status.DRAFT).exclude(
            pk=self.instance.pk)
        if self.instance.pk:
            self.fields["code"].disabled = True
            if self.instance.status != Programme.Status.DRAFT:
                for name, field in self.fields.items():
                    field.disabled = field.disabled or name not in self.AFTER_APPROVAL

    def clean(self):
        data = super().clean()
        start, end, year = data.get("start"), data.get("end"), data.get("year")
        if start and end:
            if end < start:
                self.add_error("end", _("The last month is before the first."))
            elif (end.year - start.year) * 12 + end.month - start.month >= 12:
                self.add_error("end", _("A programme runs for at most 12 months."))
            elif year and start.year != year:
                self.add_error("start", _("The first month is not in the programme's year."))
            elif data.get("continues") and data["continues"].year >= start.year:
                self.add_error("continues", _("Only a programme of an earlier year can be continued."))
            elif data.get("funding_source") and data.get("income_tier"):
                try:
                    highest_monthly(Month.of(start), Month.of(end), data["funding_source"], data["income_tier"],
                                    jht=data.get("include_jht", False), reg=regulation_on(start))
                except UnknownTier as exc:
                    self.add_error("income_tier", str(exc))
        return data


class PlannerForm(forms.Form):
    budget = RupiahField(label=_("Budget (Rp)"))
    first = MonthField(label=_("First month"))
    last = MonthField(label=_("Last month"))
    min_consecutive = forms.IntegerField(
        label=_("Minimum consecutive months (optimum)"), min_value=1, max_value=12,
        help_text=_("BPJS counts a member as acquired only after 6 paid months."),
    )
    continuity_first = forms.BooleanField(label=_("Members already covered keep their cover first"), required=False)
    kecamatan_share = forms.BooleanField(
        label=_("Each kecamatan gets at least its share of eligible workers"), required=False,
        help_text=_("When members already covered keep their cover first, the shares divide the new workers."))

    def __init__(self, programme: Programme, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme

    def settings(self) -> Settings:
        d = self.cleaned_data
        return Settings(d["budget"], Month.of(d["first"]), Month.of(d["last"]), d["min_consecutive"],
                        d["continuity_first"], d["kecamatan_share"])

    def clean(self):
        data = super().clean()
        first, last, p = data.get("first"), data.get("last"), self.programme
        if data.get("budget") is not None and data["budget"] > p.budget:
            self.add_error("budget", _("Above the programme's budget ceiling."))
        if first and last and not (p.start <= first <= last <= p.end):
            self.add_error("last", _("The months must lie within the programme's period."))
        return data


class RulesForm(forms.ModelForm):
    occupations = forms.ModelMultipleChoiceField(
        Pekerjaan.objects.filter(active=True), required=False, widget=forms.CheckboxSelectMultiple,
        label=_("Allowed occupations"),
    )

    class Meta:
        model = Programme
        fields = ["min_age", "max_age", "desil_max", "require_extreme_poverty", "occupations", "weight_desil",
                  "weight_extreme_poverty", "weight_high_risk", "weight_head_of_household", "weight_per_dependant",
                  "max_dependants"]

    def clean(self):
        data = super().clean()
        if data.get("max_age") and data["max_age"] > 64:
            self.add_error("max_age", _("Registration is only possible under 65 (PP 44/2015)."))
        if data.get("min_age") and data.get("max_age") and data["min_age"] > data["max_age"]:
            self.add_error("min_age", _("The minimum age is above the maximum."))
        return data


class ExclusionsForm(forms.Form):
    niks = forms.CharField(label=_("NIKs, one per line"), widget=forms.Textarea(attrs={"rows": 6}))
    reason = forms.CharField(label=_("Reason"), max_length=120, initial=_("Wage-earner member of BPJS"))


class RevisionForm(forms.Form):
    """A revision of the plan in force (APBD-P, a cut, a top-up): from which month, the new ceiling, and why."""

    revise_from = MonthField(label=_("From month"), help_text=_("The first month the revision changes; earlier "
                                                                 "months stay as billed and paid."))
    budget = RupiahField(label=_("New budget ceiling (pagu), Rp"), min_value=1,
                         help_text=_("For the whole programme, the months already run included."))
    reason = forms.CharField(label=_("Reason"), max_length=200, help_text=_("For example: APBD-P 2026."))

    def month(self) -> Month:
        return Month.of(self.cleaned_data["revise_from"])
