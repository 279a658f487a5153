from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class UploadField(forms.FileField):
    """An uploaded spreadsheet, refused above LINDUNG_MAX_UPLOAD_MB before anything reads it."""

    def validate(self, value):
        super().validate(value)
        if value and value.size > settings.LINDUNG_MAX_UPLOAD_MB * 1024 * 1024:
            raise ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": settings.LINDUNG_MAX_UPLOAD_MB})
