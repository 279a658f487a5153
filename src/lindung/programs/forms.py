from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.registry.models import Pekerjaan

from .models import Programme


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
