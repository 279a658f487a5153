from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from lindung.rules.coverage import EndKind


class RegistrationBatch(models.Model):
    """One kecamatan's registration file sent to BPJS Ketenagakerjaan: which members, by whom, when."""

    programme = models.ForeignKey("programs.Programme", models.CASCADE, related_name="registration_batches")
    number = models.PositiveIntegerField(_("number"))
    kecamatan = models.ForeignKey("wilayah.Wilayah", models.PROTECT, related_name="+", verbose_name=_("kecamatan"))
    members = models.PositiveIntegerField(_("members"))
    created_by = models.ForeignKey("accounts.User", models.PROTECT, related_name="+", verbose_name=_("made by"))
    created = models.DateTimeField(_("made"), auto_now_add=True)

    class Meta:
        ordering = ["programme", "-number"]
        constraints = [models.UniqueConstraint(fields=["programme", "number"], name="registration_batch_number_once")]

    def __str__(self) -> str:
        return f"{self.programme.code} #{self.number}"


class Membership(models.Model):
    """A worker of a programme's approved plan on the way to, and in, BPJS membership."""

    class Status(models.TextChoices):
        CANDIDATE = "candidate", _("Candidate")
        SUBMITTED = "submitted", _("Submitted to BPJS")
        REGISTERED = "registered", _("Registered (KPJ)")
        ACTIVE = "active", _("Running (PKS)")  # the workflow step, not protection: see payments.protection
        REJECTED = "rejected", _("Rejected")
        FIXED = "fixed", _("Fixed, to resubmit")
        RESUBMITTED = "resubmitted", _("Resubmitted")

    class End(models.TextChoices):
        DEATH = EndKind.DEATH.value, _("Died")
        EXIT = EndKind.EXIT.value, _("Left the programme")

    programme = models.ForeignKey("programs.Programme", models.PROTECT, related_name="memberships")
    peserta = models.ForeignKey("registry.Peserta", models.PROTECT, related_name="memberships")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.CANDIDATE)
    kpj = models.CharField(_("KPJ number"), max_length=11, blank=True, db_index=True)
    rejection_reason = models.CharField(_("rejection reason"), max_length=200, blank=True)
    first = models.DateField(_("first funded month"))
    last = models.DateField(_("last funded month"))
    batch = models.ForeignKey(RegistrationBatch, models.PROTECT, null=True, blank=True, related_name="memberships",
                              verbose_name=_("registration file"))
    # The member died (an approved death claim) or left: coverage and billing stop on that day.
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_kind = models.CharField(_("ended by"), max_length=10, blank=True, choices=End.choices)
    updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()
    _history_user: Any  # simple_history: who makes the next save (set by the services before it)

    class Meta:
        ordering = ["programme", "peserta__desa_id", "peserta__nama"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "peserta"], name="membership_once"),
            models.CheckConstraint(condition=models.Q(ended_on__isnull=True, end_kind="")
                                   | (models.Q(ended_on__isnull=False) & ~models.Q(end_kind="")), name="membership_end_whole"),
            # A KPJ is one person's number: two members of a programme cannot share it.
            models.UniqueConstraint(fields=["programme", "kpj"], condition=~models.Q(kpj=""), name="membership_kpj_once"),
        ]

    def __str__(self) -> str:
        return f"{self.programme.code}: {self.peserta_id} ({self.status})"
