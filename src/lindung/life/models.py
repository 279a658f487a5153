from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from lindung.rules.other_cover import OtherPayer


class LifeEvent(models.Model):
    """Something that happened to a person and changes his protection: he died, moved out of the regency, became a
    wage-earner member elsewhere, or another payer pays for him. Recorded with its source, date and evidence; a
    death reported by a village waits for the office to verify it; any event can be reversed with a reason, which
    restores what it removed (``undo`` lists it)."""

    class Kind(models.TextChoices):
        DIED = "died", _("Died")
        MOVED_OUT = "moved_out", _("Moved out of the regency")
        WAGE_EARNER = "wage_earner", _("Wage-earner member elsewhere")
        # Old rows only: another payer is now cover per month (OtherCover); life/0003 turned these into it.
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


OTHER_PAYERS = [
    (OtherPayer.PROVINSI, _("Province")), (OtherPayer.KABUPATEN, _("Another regency or city")),
    (OtherPayer.DANA_DESA, _("Village fund")), (OtherPayer.CSR, _("Company CSR")),
    (OtherPayer.MANDIRI, _("The worker himself")), (OtherPayer.PENERIMA_UPAH, _("Employer (wage-earner member)")),
    (OtherPayer.LAIN, _("Another payer, not named")),
]


class OtherCover(models.Model):
    """Months of a person another payer pays (rules.other_cover): the province, another regency, a village fund,
    CSR, the worker himself or an employer. Known from BPJS's status file, another registry (SPDCI IBR) or typed by
    the office with its evidence. The planner, the bill and its check leave these months to that payer; the
    double-cover report finds those paid anyway. Never deleted: withdrawn with a reason."""

    class Source(models.TextChoices):
        BPJS_STATUS = "bpjs_status", _("BPJS member status file")
        REGISTRY = "registry", _("Another registry (IBR API)")
        TYPED = "typed", _("Entered by the office")

    peserta = models.ForeignKey("registry.Peserta", models.PROTECT, related_name="other_covers",
                                verbose_name=_("worker"))
    payer = models.CharField(_("payer"), max_length=14, choices=OTHER_PAYERS)
    payer_name = models.CharField(_("payer's name"), max_length=120)  # e.g. "Pemprov Bengkulu", "Desa Padang Baru"
    first = models.DateField(_("first month"))  # a month, stored as its first day
    last = models.DateField(_("last month"), null=True, blank=True)  # None: goes on
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    evidence = models.CharField(_("evidence"), max_length=300, blank=True)
    recorded_by = models.ForeignKey("accounts.User", models.PROTECT, related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    withdrawn_by = models.ForeignKey("accounts.User", models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name=_("withdrawn by"))
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal_reason = models.CharField(_("reason for the withdrawal"), max_length=500, blank=True)
    history = HistoricalRecords()
    _history_user: Any
    _change_reason: str

    class Meta:
        ordering = ["peserta", "first", "pk"]
        verbose_name = _("other cover")
        verbose_name_plural = _("other cover")
        # The bill, its check and the planner ask "whose month does another payer pay" of the live rows.
        indexes = [models.Index(fields=["peserta", "first", "last"], condition=models.Q(withdrawn_at__isnull=True),
                                name="other_cover_live")]

    def __str__(self) -> str:
        return f"{self.payer_name} {self.first:%Y-%m}–{'' if self.last is None else format(self.last, '%Y-%m')}"
