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


class AddedHoliday(models.Model):
    """A libur nasional or cuti bersama the office added to the list Lindung ships (rules/holidays.csv): a revision
    of the SKB 3 Menteri, a Keppres, next year's decree. Added only, like the settings: a date counted in a due
    date stays counted."""

    class Kind(models.TextChoices):
        LIBUR = "libur", _("national holiday (libur nasional)")
        CUTI_BERSAMA = "cuti_bersama", _("collective leave (cuti bersama)")

    day = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    decree = models.CharField(_("decree"), max_length=200)
    added_by = models.ForeignKey("accounts.User", models.PROTECT, related_name="+", verbose_name=_("added by"))
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["day", "kind"]
        verbose_name = _("added holiday")
        verbose_name_plural = _("added holidays")
        constraints = [models.UniqueConstraint(fields=["day", "kind"], name="one_added_holiday_per_day_and_kind")]
