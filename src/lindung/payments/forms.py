from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.core.forms import RupiahField
from lindung.programs.forms import MonthField


class GenerateForm(forms.Form):
    month = MonthField(label=_("Contribution month"))


class PaymentForm(forms.Form):
    sp2d_number = forms.CharField(label=_("SP2D number"), max_length=60)
    paid_on = forms.DateField(label=_("SP2D date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    amount = RupiahField(label=_("Amount, Rp"), min_value=1,
                         help_text=_("Whole Rupiah; a part of the bill may be paid now and the rest later."))
