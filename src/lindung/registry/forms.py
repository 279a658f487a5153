from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.accounts.scoping import within
from lindung.wilayah.models import Level, Wilayah

from .models import Pekerjaan, Peserta
from .selectors import peserta_for
from .validators import validate_nik


class PesertaForm(forms.ModelForm):
    class Meta:
        model = Peserta
        fields = [
            "nik", "no_kk", "nama", "jenis_kelamin", "tempat_lahir", "tanggal_lahir", "desa", "alamat",
            "telepon", "pekerjaan_1", "pekerjaan_2", "desil", "miskin_ekstrem",
        ]
        widgets = {
            "nik": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 16}),
            "no_kk": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 16}),
            "tanggal_lahir": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "telepon": forms.TextInput(attrs={"inputmode": "tel"}),
        }
        help_texts = {"nik": _("16 digits, as on the KTP. Women's day of birth is +40 in the NIK.")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.registered_elsewhere: Peserta | None = None  # the worker outside the user's area holding the NIK typed
        villages = Wilayah.objects.filter(within(user, "code"), level=Level.DESA).select_related("parent")
        self.fields["nik"].max_length = None
        self.fields["nik"].validators = []
        self.fields["desa"].queryset = villages
        self.fields["desa"].label_from_instance = lambda w: f"{w.name} — {w.parent.name}"
        occupations = Pekerjaan.objects.filter(active=True)
        self.fields["pekerjaan_1"].queryset = occupations
        self.fields["pekerjaan_1"].required = True
        self.fields["pekerjaan_2"].queryset = occupations

    def clean_nik(self):
        # The NIK rules speak first (length, date, sex), rather than a generic "too long".
        nik = "".join(self.cleaned_data["nik"].split())
        validate_nik(nik)
        # Whether a NIK is registered is answered only inside the user's area: outside it the refusal does not say
        # so (the form would tell a village operator who, anywhere in the regency, is in the register), and the
        # view has it audited.
        holder = Peserta.objects.filter(nik=nik).exclude(pk=self.instance.pk).first()
        if holder is not None and peserta_for(self.user).filter(pk=holder.pk).exists():
            raise forms.ValidationError(_("A worker with this NIK is already in the register."), code="unique")
        if holder is not None:
            self.registered_elsewhere = holder
            raise forms.ValidationError(_("This NIK cannot be registered here: contact the Dinas."), code="elsewhere")
        return nik

    def validate_unique(self):
        # The NIK's uniqueness is checked in clean_nik, within the user's area; the model's check would answer for
        # the whole regency.
        try:
            self.instance.validate_unique(exclude=self._get_validation_exclusions() | {"nik"})
        except forms.ValidationError as exc:
            self._update_errors(exc)


class RegisterFilterForm(forms.Form):
    """The register's filters (GET): only the user's area's kecamatan and villages are offered, or accepted."""

    kecamatan = forms.ChoiceField(label=_("Kecamatan"), required=False)
    desa = forms.ChoiceField(label=_("Village"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    pekerjaan = forms.ChoiceField(label=_("Occupation"), required=False)

    def __init__(self, data, *, choices: dict):
        super().__init__(data)
        everything = [("", _("All"))]
        for name in ("kecamatan", "desa", "status", "pekerjaan"):
            cast(forms.ChoiceField, self.fields[name]).choices = everything + list(choices[name])

    def filters(self) -> dict[str, str]:
        """The valid filters (an unknown code is dropped rather than refused: a link from an older page still works)."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned.get(name, "") for name in ("kecamatan", "desa", "status", "pekerjaan")}
