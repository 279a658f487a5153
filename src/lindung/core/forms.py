import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from lokal import format_rupiah

# Whole Rupiah as typed in Indonesia: 500000000, 500.000.000, Rp500.000.000, Rp 500.000.000 (dots group thousands),
# with an optional ",00" or ",-" as prices are written. "500,5", "1.000.00" or "500.000,50" can be read two ways:
# refused rather than guessed (a budget typed "500.000.000" in a number field once became Rp500).
_RUPIAH = re.compile(r"(?:Rp\.?\s*)?([0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,00|,-)?", re.IGNORECASE)


def parse_rupiah(text: str) -> int:
    """Whole Rupiah from what a clerk typed; ValueError when it is not one unambiguous amount."""
    match = _RUPIAH.fullmatch(text.strip())
    if not match:
        raise ValueError(text)
    return int(match[1].replace(".", ""))


class RupiahInput(forms.TextInput):
    """A text field (a number field drops the dots of "500.000.000") that says the amount back in words as it is
    typed: core.views.rupiah_words fills the line under it (core/form_fields.html)."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "numeric", "autocomplete": "off", "hx-get": reverse_lazy("rupiah_words"),
                          "hx-trigger": "load, input changed delay:300ms", "hx-sync": "this:replace", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["hx-target"] = f"#{context['widget']['attrs'].get('id', name)}_words"
        return context

    def format_value(self, value):
        # A saved amount shown the way it is typed: 500.000.000.
        return format_rupiah(value, symbol=False) if isinstance(value, int) else super().format_value(value)


class RupiahField(forms.Field):
    """Whole Rupiah typed the Indonesian way (parse_rupiah), as an int; ambiguous input is refused with an example."""

    widget = RupiahInput

    def __init__(self, *, min_value: int | None = 0, max_value: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.min_value, self.max_value = min_value, max_value

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "maxlength": "30"}

    def to_python(self, value):
        text = str(value).strip() if value is not None else ""
        if not text:
            return None
        try:
            amount = parse_rupiah(text)
        except ValueError:
            raise ValidationError(_("Write the amount in whole Rupiah, e.g. 500.000.000 or 500000000, without "
                                    "decimals."), code="invalid") from None
        if self.min_value is not None and amount < self.min_value:
            raise ValidationError(_("At least %(amount)s.") % {"amount": format_rupiah(self.min_value)})
        if self.max_value is not None and amount > self.max_value:
            raise ValidationError(_("At most %(amount)s.") % {"amount": format_rupiah(self.max_value)})
        return amount


class UploadField(forms.FileField):
    """An uploaded spreadsheet, refused above LINDUNG_MAX_UPLOAD_MB before anything reads it."""

    def validate(self, value):
        super().validate(value)
        if value and value.size > settings.LINDUNG_MAX_UPLOAD_MB * 1024 * 1024:
            raise ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": settings.LINDUNG_MAX_UPLOAD_MB})
