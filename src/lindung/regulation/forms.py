"""The form that changes one regulation setting: its value in the widget its kind needs, the day from which it
holds (today or later: a change never reaches back), and why."""

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from lokal import format_rupiah
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindung.core.forms import parse_rupiah
from lindung.rules.regulation import DEFAULT, CoverStart, LapseDay

from .services import STORED

YES_NO = [("1", gettext_lazy("Yes")), ("0", gettext_lazy("No"))]
CHOICES = {
    "cover_starts": [(CoverStart.FIRST_PAID.value, gettext_lazy("the first month paid")),
                     (CoverStart.PKS.value, gettext_lazy("the cooperation agreement (PKS) date"))],
    "lapse_day": [(LapseDay.FOURTH_MONTH.value, gettext_lazy("the 1st of the fourth unpaid month")),
                  (LapseDay.AFTER_DUE.value, gettext_lazy("the day after the fourth unpaid month's due date"))],
}
BOUNDS = {"due_day": (1, 28), "acquired_after_months": (1, 24), "prepay_max_months": (0, 24),
          "jkm_claim_years": (1, 10), "total_disability_percent": (1, 100)}


def value_field(name: str) -> forms.Field:
    default = getattr(DEFAULT, name)
    if name in CHOICES:
        return forms.ChoiceField(label=_("New value"), choices=CHOICES[name])
    if isinstance(default, bool):
        return forms.TypedChoiceField(label=_("New value"), choices=YES_NO, coerce=lambda v: v == "1")
    if isinstance(default, int):
        low, high = BOUNDS[name]
        return forms.IntegerField(label=_("New value"), min_value=low, max_value=high)
    return forms.CharField(label=_("New value"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)


class SettingForm(forms.Form):
    effective_from = forms.DateField(label=gettext_lazy("In force from"),
                                     widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reason = forms.CharField(label=gettext_lazy("Reason (e.g. the letter from BPJS)"), max_length=300)

    def __init__(self, name: str, data=None, current=None):
        self.name = name
        # A setting the stored protection is built with holds from today; any other from tomorrow, by default.
        day = timezone.localdate() + timedelta(days=0 if name in STORED else 1)
        initial: dict[str, object] = {"effective_from": day}
        if current is not None and name in LINES:  # a list is edited, not typed again
            initial["value"] = "\n".join(LINES[name](item) for item in current)
        super().__init__(data, initial=initial, prefix=name)
        self.fields = {"value": value_field(name), **self.fields}

    def clean_effective_from(self) -> date:
        day = self.cleaned_data["effective_from"]
        if day < timezone.localdate():
            raise ValidationError(_("A change holds from today or later: it never rewrites what was decided before."))
        return day

    def clean_value(self):
        value = self.cleaned_data["value"]
        if self.name == "transport_occupations":
            codes = tuple(dict.fromkeys(line.strip() for line in value.splitlines() if line.strip()))
            if not codes:
                raise ValidationError(_("Write at least one occupation code."))
            return list(codes)
        if self.name == "income_tiers":
            return [_tier(number, line) for number, line in enumerate(value.splitlines(), 1) if line.strip()]
        if self.name in TABLES:
            rows = [TABLES[self.name](number, line) for number, line in enumerate(value.splitlines(), 1)
                    if line.strip()]
            twice = sorted({code for code, *_ in rows if [c for c, *_ in rows].count(code) > 1})
            if twice:
                raise ValidationError(_("Each code once: %(codes)s is written twice.") % {"codes": ", ".join(twice)})
            return rows
        return value


def _tier(number: int, line: str) -> list[int]:
    cells = [c.strip() for c in line.split(";")]
    try:
        if len(cells) != 3:
            raise ValueError(line)
        income, jkk, jht = (parse_rupiah(c) for c in cells)
    except ValueError:
        raise ValidationError(_("Line %(n)s: write declared income; JKK; JHT in whole Rupiah, e.g. "
                                "1.000.000; 10.000; 20.000.") % {"n": number}) from None
    if income <= 0:
        raise ValidationError(_("Line %(n)s: the declared income must be more than 0.") % {"n": number})
    return [income, jkk, jht]


def _cells(number: int, line: str, example: str) -> tuple[str, str, str]:
    cells = [c.strip() for c in line.split(";")]
    if len(cells) != 3 or not all(cells) or " " in cells[0]:
        raise ValidationError(_("Line %(n)s: write code; name; figure, the code without spaces, e.g. %(example)s.")
                              % {"n": number, "example": example})
    return cells[0].lower(), cells[1], cells[2]


def _disability_part(number: int, line: str) -> list[str]:
    code, label, percent = _cells(number, line, "lengan-kanan-bahu; Lengan kanan dari sendi bahu ke bawah; 40")
    try:
        share = Decimal(percent.replace(",", ".").rstrip("%").strip())
    except InvalidOperation:
        share = Decimal(0)
    if not 0 < share <= 100:
        raise ValidationError(_("Line %(n)s: the percent must be more than 0 and at most 100, e.g. 40 or 2,5.")
                              % {"n": number})
    return [code, label, str(share)]


def _aid_cap(number: int, line: str) -> list:
    code, label, cap = _cells(number, line, "kacamata; Kacamata; 1.000.000")
    try:
        amount = parse_rupiah(cap)
    except ValueError:
        amount = 0
    if amount <= 0:
        raise ValidationError(_("Line %(n)s: the cap must be whole Rupiah above 0, e.g. 1.000.000.") % {"n": number})
    return [code, label, amount]


TABLES = {"disability_parts": _disability_part, "aid_caps": _aid_cap}

# A list setting's items as the form reads them back, one line each.
LINES: dict[str, Callable[[Any], str]] = {
    "transport_occupations": str,
    "income_tiers": lambda tier: "; ".join(format_rupiah(amount).removeprefix("Rp") for amount in tier),
    "disability_parts": lambda row: f"{row[0]}; {row[1]}; {row[2].replace('.', ',')}",
    "aid_caps": lambda row: f"{row[0]}; {row[1]}; {format_rupiah(row[2]).removeprefix('Rp')}",
}
