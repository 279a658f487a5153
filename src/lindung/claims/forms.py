"""Forms of the claims pages: they check the input's shape; services decide what may be done."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindung.core.forms import RupiahField
from lindung.payments.forms import PaymentForm

from .models import Claim, ClaimDocument, Heir


def _date_input(**attrs):
    return forms.DateInput(attrs={"type": "date", **attrs}, format="%Y-%m-%d")


class ReportForm(forms.Form):
    """A death or an accident, as the village hears it from the family: one screen on a phone."""

    member = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("What happened"), widget=forms.RadioSelect(attrs={"class": "choices"}),
                             choices=Claim.Kind.choices, initial=Claim.Kind.JKM)
    event_date = forms.DateField(label=_("Date of the event"), widget=_date_input())
    event_place = forms.CharField(label=_("Place"), max_length=200)
    cause = forms.CharField(label=_("Cause (as told by the family)"), max_length=500,
                            widget=forms.Textarea(attrs={"rows": 2}))
    traffic_accident = forms.BooleanField(label=_("Traffic accident"), required=False)
    suspected_work_accident = forms.BooleanField(
        label=_("Suspected work accident (JKK): BPJS decides within 30 days"), required=False)
    reporter_name = forms.CharField(label=_("Reported by (name)"), max_length=100)
    reporter_phone = forms.CharField(label=_("Reporter's phone"), max_length=20, required=False,
                                     widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}))
    reporter_relationship = forms.CharField(label=_("Reporter's relationship to the member"), max_length=60,
                                            help_text=_("e.g. wife, son, village head"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["event_date"].initial = today
        self.fields["event_date"].widget.attrs["max"] = today.isoformat()

    def clean_event_date(self):
        day = self.cleaned_data["event_date"]
        if day > timezone.localdate():
            raise ValidationError(_("The date of the event cannot be in the future."))
        return day


class HeirForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    relationship = forms.ChoiceField(label=_("Relationship to the member"), choices=Heir.Relationship.choices)
    nik = forms.CharField(label=_("NIK (optional)"), max_length=16, required=False,
                          widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    phone = forms.CharField(label=_("Phone (optional)"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}))
    bank_account = forms.CharField(label=_("Bank account (optional)"), max_length=60, required=False)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(choices=ClaimDocument.Kind.choices)
    file = forms.FileField(label=_("File: a photo or a PDF"))
    issued_on = forms.DateField(label=_("Date on the document"), required=False, widget=_date_input())


class DisabilityForm(forms.Form):
    """Total permanent disability of a member who survived a work accident, with the children's ages for the
    scholarship (at most two, in the family's order)."""

    total = forms.BooleanField(label=_("Total permanent disability (doctor's statement)"), required=False)
    children_ages = forms.CharField(label=_("Children's ages on the day of the accident (optional)"), required=False,
                                    max_length=60, help_text=_("e.g. 4, 9"))

    def clean_children_ages(self) -> list[int]:
        text = self.cleaned_data["children_ages"].replace(" ", "")
        if not text:
            return []
        parts = text.split(",")
        if not all(p.isdigit() for p in parts):
            raise ValidationError(_("Write the ages as whole numbers separated by commas, e.g. 4, 9."))
        return [int(p) for p in parts]


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason BPJS gave"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class ClaimPaymentForm(PaymentForm):
    """BPJS's payment to the family: the amount typed as the bill payments take it."""

    sp2d_number = None  # type: ignore[assignment]  # Django's way to drop an inherited field
    paid_on = forms.DateField(label=_("Date paid"), widget=_date_input())
    amount = RupiahField(label=_("Amount paid, Rp"), min_value=1, help_text=_("Whole Rupiah, e.g. 42.000.000"))

    field_order = ["amount", "paid_on"]
