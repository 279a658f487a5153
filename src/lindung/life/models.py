from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class LifeEvent(models.Model):
    """Something that happened to a person and changes his protection: he died, moved out of the regency, became a
    wage-earner member elsewhere, or another payer pays for him. Recorded with its source, date and evidence; a
    death reported by a village waits for the office to verify it; any event can be reversed with a reason, which
    restores what it removed (``undo`` lists it)."""

    class Kind(models.TextChoices):
        DIED = "died", _("Died")
        MOVED_OUT = "moved_out", _("Moved out of the regency")
        WAGE_EARNER = "wage_earner", _("Wage-earner member elsewhere")
        OTHER_PAYER = "other_payer", _("Paid by another payer")

    class Source(models.TextChoices):
        CLAIM = "claim", _("Approved claim")
        VILLAGE = "village", _("Village report")
        DEATH_LIST = "death_list", _("Civil-registry death list")
        BPJS_STATUS = "bpjs_status", _("BPJS member status file")
        TYPED = "typed", _("Entered by the office")

    class Status(models.TextChoices):
        REPORTED = "reported", _("Reported, to verify")
        VERIFIED = "verified", _("Verified")
        REVERSED = "reversed", _("Reversed")

    peserta = models.ForeignKey("registry.Peserta", models.PROTECT, related_name="life_events",
                                verbose_name=_("worker"))
    kind = models.CharField(_("event"), max_length=12, choices=Kind.choices)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    happened_on = models.DateField(_("date"))
    evidence = models.CharField(_("evidence"), max_length=300, blank=True)  # e.g. the death certificate's number
    recorded_by = models.ForeignKey("accounts.User", models.PROTECT, related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    verified_by = models.ForeignKey("accounts.User", models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("verified by"))
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    reversed_by = models.ForeignKey("accounts.User", models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("reversed by"))
    reversed_at = models.DateTimeField(_("reversed"), null=True, blank=True)
    reversal_reason = models.CharField(_("reason for the reversal"), max_length=500, blank=True)
    # What applying the event changed, so a reversal puts exactly that back: {"memberships": [pk, …],
    # "messages": [pk, …]}.
    undo = models.JSONField(default=dict, blank=True)
    history = HistoricalRecords()
    _history_user: Any  # simple_history: who makes the next save (set by the services before it)
    _change_reason: str  # simple_history: why

    class Meta:
        ordering = ["-happened_on", "-pk"]
        verbose_name = _("life event")
        verbose_name_plural = _("life events")
        indexes = [models.Index(fields=["peserta", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.happened_on}"
