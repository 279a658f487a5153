"""Forms of the life-event pages: they check the input's shape; services decide what may be done."""

from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindung.rules.other_cover import OtherPayer

from .models import OTHER_PAYERS, LifeEvent


def _date_input():
    return forms.DateInput(attrs={"type": "date", "max": timezone.localdate().isoformat()}, format="%Y-%m-%d")


class EventForm(forms.Form):
    # Another payer is other cover (OtherCoverForm), with its months.
    kind = forms.ChoiceField(label=_("What happened"), initial=LifeEvent.Kind.DIED,
                             choices=[c for c in LifeEvent.Kind.choices if c[0] != LifeEvent.Kind.OTHER_PAYER])
    happened_on = forms.DateField(label=_("Date"))  # its widget: _date_input(), in __init__ (today's max)
    evidence = forms.CharField(label=_("Evidence"), max_length=300, required=False,
                               help_text=_("e.g. death certificate no., letter of the village head, BPJS statement"))

    def __init__(self, *args, deaths_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["happened_on"].widget = _date_input()
        if deaths_only:  # a village or a camat reports deaths; the office records the rest
            cast(forms.ChoiceField, self.fields["kind"]).choices = [(LifeEvent.Kind.DIED, LifeEvent.Kind.DIED.label)]


class VerifyForm(forms.Form):
    happened_on = forms.DateField(label=_("Date of death"))  # widget: in __init__
    evidence = forms.CharField(label=_("Evidence"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["happened_on"].widget = _date_input()


class CorrectForm(forms.Form):
    happened_on = forms.DateField(label=_("Correct date"))  # widget: in __init__
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["happened_on"].widget = _date_input()


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("What was wrong, and how it is known (e.g. the person came to the office)."))


class DeathListForm(forms.Form):
    file = forms.FileField(label=_("Death list from the civil registry (xlsx or csv)"),
                           help_text=_("Columns NIK and Tanggal Meninggal; optionally Nama and No. Akta Kematian."))


class OtherCoverForm(forms.Form):
    payer = forms.ChoiceField(label=_("Payer"), choices=[c for c in OTHER_PAYERS if c[0] != OtherPayer.LAIN])
    payer_name = forms.CharField(label=_("Payer's name"), max_length=120,
                                 help_text=_("e.g. Pemprov Bengkulu, Kab. Seluma, Desa Padang Baru"))
    first = forms.CharField(label=_("First month"), max_length=7, widget=forms.TextInput(attrs={"type": "month"}))
    last = forms.CharField(label=_("Last month"), max_length=7, required=False,
                           widget=forms.TextInput(attrs={"type": "month"}), help_text=_("Empty: goes on."))
    evidence = forms.CharField(label=_("Evidence"), max_length=300,
                               help_text=_("e.g. letter no. of the province, BPJS statement, village fund list"))


class WithdrawCoverForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
