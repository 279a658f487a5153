from django.db import models
from django.utils.translation import gettext_lazy as _


class SettingChange(models.Model):
    """One open rule of the regulation (rules.regulation.Regulation's field ``name``) set to ``value`` for every
    date from ``effective_from`` on. Changes are only added, never edited: the settings on any past day can be
    read back, and a claim decided before a change keeps the benefit it was decided with."""

    name = models.CharField(_("setting"), max_length=40)
    value = models.JSONField(_("value"))
    effective_from = models.DateField(_("in force from"))
    reason = models.CharField(_("reason"), max_length=300)
    changed_by = models.ForeignKey("accounts.User", models.PROTECT, related_name="+", verbose_name=_("changed by"))
    changed_at = models.DateTimeField(_("changed"), auto_now_add=True)

    class Meta:
        ordering = ["name", "effective_from", "pk"]
        verbose_name = _("regulation setting change")
        verbose_name_plural = _("regulation setting changes")
        indexes = [models.Index(fields=["effective_from"])]
