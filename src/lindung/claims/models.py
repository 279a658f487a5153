from pathlib import PurePath
from typing import Any
from uuid import uuid4

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from lindung.rules import claims as rules


class Claim(models.Model):
    """A JKM or JKK claim of a member: the event, who reported it, its step (rules.claims) with the day of
    each, its deadlines, and the benefit computed and frozen when it was submitted to BPJS."""

    class Kind(models.TextChoices):
        JKM = rules.Kind.JKM, _("JKM: death")
        JKK_DEATH = rules.Kind.JKK_DEATH, _("JKK: death from a work accident")
        JKK_INJURY = rules.Kind.JKK_INJURY, _("JKK: work accident")

    class Status(models.TextChoices):
        REPORTED = rules.Status.REPORTED, _("Reported")
        DOCUMENTS_COMPLETE = rules.Status.DOCUMENTS_COMPLETE, _("Documents complete")
        SUBMITTED = rules.Status.SUBMITTED, _("Submitted to BPJS")
        APPROVED = rules.Status.APPROVED, _("Approved")
        REJECTED = rules.Status.REJECTED, _("Rejected")
        PAID = rules.Status.PAID, _("Paid")

    number = models.CharField(_("number"), max_length=20, unique=True)  # "KLM-2025-0001"
    membership = models.ForeignKey("enrolment.Membership", models.PROTECT, related_name="claims")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    event_date = models.DateField(_("date of the event"))
    event_place = models.CharField(_("place of the event"), max_length=200)
    cause = models.CharField(_("cause"), max_length=500)
    traffic_accident = models.BooleanField(_("traffic accident"), default=False)
    # PP 49/2023 Ps 25A-25B: whether it was a work accident is for BPJS to decide, within 30 days of the first report.
    suspected_work_accident = models.BooleanField(_("suspected work accident"), default=False)
    # A work accident the member survived, with total permanent disability: the children's ages on the event day,
    # in the family's order, for the scholarship (PP 44/2015 Ps 25(2)b angka 8).
    total_disability = models.BooleanField(_("total permanent disability"), default=False)
    children_ages = models.JSONField(_("children's ages"), default=list, blank=True)
    reporter_name = models.CharField(_("reported by (name)"), max_length=100)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=20, blank=True)
    reporter_relationship = models.CharField(_("reporter's relationship to the member"), max_length=60)
    reported_by = models.ForeignKey("accounts.User", models.PROTECT, related_name="+", verbose_name=_("recorded by"))
    reported_on = models.DateField(_("reported on"))
    # The village's report reaches the office: open until an office user has seen it (selectors.alerts).
    seen_by_office_at = models.DateTimeField(_("seen by the office"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REPORTED)
    rejection_reason = models.CharField(_("rejection reason"), max_length=300, blank=True)
    documents_complete_on = models.DateField(_("documents complete on"), null=True, blank=True)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_amount = models.PositiveBigIntegerField(_("amount paid"), null=True, blank=True)
    doctor_statement_on = models.DateField(_("date of the doctor's statement"), null=True, blank=True)
    # Deadlines (rules.claims.deadlines), kept so that overdue claims can be found by a query.
    stage_one_due = models.DateField(_("stage I report due"), null=True, blank=True)
    claim_due = models.DateField(_("claim deadline"))
    payment_due = models.DateField(_("payment due"), null=True, blank=True)
    decision_due = models.DateField(_("BPJS decides by"), null=True, blank=True)  # a suspected work accident
    # Frozen at submission: rules.benefits' result (as_dict) under the rule version in force on the event day.
    benefit = models.JSONField(_("benefit"), null=True, blank=True)
    benefit_total = models.PositiveBigIntegerField(_("benefit total"), null=True, blank=True)
    payable_now = models.PositiveBigIntegerField(_("payable now"), null=True, blank=True)
    rule_version = models.CharField(_("rule version"), max_length=200, blank=True)
    coverage_status = models.CharField(_("coverage status on the event day"), max_length=500, blank=True)
    updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()
    _history_user: Any  # simple_history: who makes the next save (set by the services before it)

    class Meta:
        ordering = ["-reported_on", "-number"]
        indexes = [models.Index(fields=["status", "payment_due"])]

    def __str__(self) -> str:
        return self.number

    def facts(self) -> rules.Facts:
        return rules.Facts(kind=self.kind, status=self.status, event_day=self.event_date, reported_on=self.reported_on,
                           submitted_on=self.submitted_on, paid_on=self.paid_on,
                           doctor_statement_on=self.doctor_statement_on, suspected=self.suspected_work_accident)


class Heir(models.Model):
    """An heir named on a death claim, in the legal order of rules.claims.HEIR_GROUPS."""

    Relationship = models.TextChoices("Relationship", [(r.name, (r.value, label))  # type: ignore[call-overload]  # django-stubs lacks the functional API's (value, label) pairs
                                                       for r, label in rules.RELATIONSHIP_LABELS.items()])

    claim = models.ForeignKey(Claim, models.CASCADE, related_name="heirs")
    name = models.CharField(_("name"), max_length=100)
    relationship = models.CharField(_("relationship"), max_length=20, choices=Relationship.choices)
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    bank_account = models.CharField(_("bank account"), max_length=60, blank=True)
    history = HistoricalRecords()
    _history_user: Any  # simple_history: who makes the next save (set by the services before it)

    class Meta:
        ordering = ["claim", "pk"]

    def __str__(self) -> str:
        return f"{self.claim.number}: {self.relationship}"


def _document_path(document: "ClaimDocument", filename: str) -> str:
    """Under the claim's number; the name is ours (kind + random), only a known suffix is kept."""
    suffix = PurePath(filename).suffix.lower()
    suffix = suffix if suffix in (".jpg", ".jpeg", ".png", ".webp", ".pdf") else ""
    return f"klaim/{document.claim.number}/{document.kind}-{uuid4().hex[:12]}{suffix}"


class ClaimDocument(models.Model):
    """A scanned document of a claim's checklist (rules.claims.checklist); a kind may have several files."""

    Kind = models.TextChoices("Kind", [(code.upper(), (code, label)) for code, label in rules.DOCUMENTS.items()])  # type: ignore[call-overload]  # as Heir.Relationship

    claim = models.ForeignKey(Claim, models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=_document_path)
    issued_on = models.DateField(_("date on the document"), null=True, blank=True)
    uploaded_by = models.ForeignKey("accounts.User", models.PROTECT, related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["claim", "kind", "pk"]

    def __str__(self) -> str:
        return f"{self.claim.number}: {self.kind}"
