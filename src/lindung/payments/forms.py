from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.core.forms import RupiahField, UploadField
from lindung.programs.forms import MonthField
from lindung.rules.bill_check import RULES, Rule


class GenerateForm(forms.Form):
    month = MonthField(label=_("Contribution month"))


class PaymentForm(forms.Form):
    sp2d_number = forms.CharField(label=_("SP2D number"), max_length=60)
    paid_on = forms.DateField(label=_("SP2D date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    amount = RupiahField(label=_("Amount, Rp"), min_value=1,
                         help_text=_("Whole Rupiah; a part of the bill may be paid now and the rest later."))


class ExcludeForm(forms.Form):
    """Members of the check's open findings to take off a draft bill: whole rules ticked in the summary, single
    members ticked in the list."""

    # Ticked in the tables, not drawn by the form: hidden inputs keep a choice when the form comes back with an error.
    rule = forms.MultipleChoiceField(choices=[(r.value, RULES[r].title) for r in Rule], required=False,
                                     widget=forms.MultipleHiddenInput)
    nik = forms.MultipleChoiceField(required=False, widget=forms.MultipleHiddenInput)  # any NIK of the bill: the service matches open findings
    reason = forms.CharField(label=_("Reason"), max_length=500,
                             help_text=_("Kept with each member taken off the bill, for the auditor."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nik"].valid_value = lambda value: value.isdigit() and len(value) == 16


class ApproveForm(forms.Form):
    note = forms.CharField(label=_("Why members the check found stay on the bill"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("Required while the check has open findings."))


class ReconcileForm(forms.Form):
    file = UploadField(label=_("BPJS invoice or payment report (xlsx or csv): No. KPJ and/or NIK, name and "
                               "amount (or JKK and JKM)"))
