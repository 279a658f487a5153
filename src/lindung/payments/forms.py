import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lindung.programs.forms import MonthField

# Whole Rupiah as typed in Indonesia: 84000, 84.000, Rp84.000, Rp 84.000 (dots group thousands).
_RUPIAH = re.compile(r"(?:Rp\.?\s*)?([0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)", re.IGNORECASE)


class GenerateForm(forms.Form):
    month = MonthField(label=_("Contribution month"))


class PaymentForm(forms.Form):
    sp2d_number = forms.CharField(label=_("SP2D number"), max_length=60)
    paid_on = forms.DateField(label=_("SP2D date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    amount = forms.CharField(label=_("Amount, Rp"), max_length=30,
                             help_text=_("Whole Rupiah; a part of the bill may be paid now and the rest later."))

    def clean_amount(self) -> int:
        match = _RUPIAH.fullmatch(self.cleaned_data["amount"].strip())
        if not match:
            raise ValidationError(_("Write the amount in whole Rupiah, e.g. 84.000 or 84000, without decimals."))
        return int(match[1].replace(".", ""))
