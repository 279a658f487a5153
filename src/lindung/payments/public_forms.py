import re
from datetime import date

from django import forms
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

_NIK = re.compile(r"[0-9]{16}")


class StatusForm(forms.Form):
    """NIK and date of birth, both required. The date in three plain fields: a date picker needs JavaScript on
    some phones' browsers and is hard to scroll back forty years on any."""

    nik = forms.CharField(label=_("NIK (16 digits on the KTP)"), error_messages={"required": _("Enter the NIK.")},
                          widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    day = forms.IntegerField(label=_("Day"), min_value=1, max_value=31,
                             error_messages={"required": _("Enter the date of birth.")},
                             widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    month = forms.TypedChoiceField(label=_("Month"), coerce=int, choices=[("", "—"), *MONTHS.items()],
                                   error_messages={"required": _("Choose the month of birth.")})
    year = forms.IntegerField(label=_("Year"), min_value=1900, error_messages={"required": _("Enter the year of birth.")},
                              widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "year"}))

    def clean_nik(self) -> str:
        # Spaces and dots as people copy it from the KTP are ignored; anything else is not a NIK.
        nik = re.sub(r"[\s.]", "", self.cleaned_data["nik"])
        if not _NIK.fullmatch(nik):
            raise forms.ValidationError(_("A NIK is 16 digits, as printed on the KTP."))
        return nik

    def clean(self):
        data = super().clean()
        if all(data.get(k) for k in ("day", "month", "year")):
            try:
                born = date(data["year"], data["month"], data["day"])
            except ValueError:
                self.add_error("day", _("There is no such date: check the day and the month."))
            else:
                if born > timezone.localdate():
                    self.add_error("year", _("The date of birth is in the future."))
                data["born"] = born
        return data
