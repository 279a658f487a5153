from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnly(Exception):
    pass


class Event(models.Model):
    """One domain event or batch job: who, when, what, on which object. Append-only, and chained: each event carries
    its number and a seal over its fields and its predecessor's seal (audit.chain), set by services.record_event.

    The summary never carries NIKs or names: objects are referred to by type and internal key.
    """

    seq = models.PositiveBigIntegerField(_("number"), unique=True, editable=False)
    at = models.DateTimeField(_("time"), db_index=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("user")
    )
    action = models.CharField(_("action"), max_length=60, db_index=True)
    target_type = models.CharField(_("object type"), max_length=40, blank=True, db_index=True)
    target_id = models.CharField(_("object"), max_length=40, blank=True)
    summary = models.CharField(_("summary"), max_length=300)
    prev_hash = models.CharField(_("previous seal"), max_length=64, editable=False)
    hash = models.CharField(_("seal"), max_length=64, editable=False)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnly("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Audit events cannot be deleted.")
