from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.core.forms import UploadField


class AnswerForm(forms.Form):
    file = UploadField(label=_("BPJS answer file (xlsx or csv): NIK with a KPJ number or a rejection reason"))
