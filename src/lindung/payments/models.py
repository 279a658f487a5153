from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from lindung.accounts.models import MadeAndApproved
from lindung.rules.bill_check import RULES, Rule


class Bill(MadeAndApproved):
    """A programme's monthly bill: one line per member protected that month, approved, then paid."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        PARTLY_PAID = "partly_paid", _("Partly paid")
        PAID = "paid", _("Paid")

    programme = models.ForeignKey("programs.Programme", models.PROTECT, related_name="bills")
    month = models.DateField(_("contribution month"))  # its first day
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    due_date = models.DateField(_("due date"))
    members = models.PositiveIntegerField(_("members"), default=0)
    total = models.BigIntegerField(_("total, Rp"), default=0)
    # Why the approver let findings of the check before approval stay on the bill (required when any did).
    approval_note = models.TextField(_("approval note"), blank=True)
    checked_by = models.ForeignKey("accounts.User", models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("checked by"))
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    history = HistoricalRecords()
    _history_user: Any  # simple_history: who makes the next save (set by the services before it)

    class Meta:
        ordering = ["programme", "-month"]
        constraints = [models.UniqueConstraint(fields=["programme", "month"], name="bill_month_once")]

    def __str__(self) -> str:
        return f"{self.programme.code} {self.month:%Y-%m}"


class BillFinding(models.Model):
    """A member of a bill the check before approval found should perhaps not be paid for (rules.bill_check), with
    its evidence; open until he is taken off the bill (excluded: his line removed, and a later generation of the
    month does not add him again) or kept by the approver with a note."""

    class Outcome(models.TextChoices):
        OPEN = "open", _("Open")
        EXCLUDED = "excluded", _("Taken off the bill")
        KEPT = "kept", _("Kept on the bill")

    bill = models.ForeignKey(Bill, models.CASCADE, related_name="findings")
    membership = models.ForeignKey("enrolment.Membership", models.PROTECT, related_name="+")
    peserta = models.ForeignKey("registry.Peserta", models.PROTECT, related_name="+")
    rule = models.CharField(_("rule"), max_length=16, choices=[(r.value, RULES[r].title) for r in Rule])
    evidence = models.CharField(_("evidence"), max_length=300)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.OPEN)
    note = models.CharField(_("note"), max_length=500, blank=True)
    found_at = models.DateTimeField(_("found"), auto_now_add=True)
    decided_by = models.ForeignKey("accounts.User", models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["bill", "rule", "peserta__nik"]
        constraints = [models.UniqueConstraint(fields=["bill", "peserta", "rule"], name="bill_finding_once")]

    def __str__(self) -> str:
        return f"{self.bill}: {self.rule} {self.peserta_id}"


class Payment(models.Model):
    """A payment order (SP2D) of the regency's finance office against a bill; a bill may be paid in parts."""

    bill = models.ForeignKey(Bill, models.PROTECT, related_name="payments")
    sp2d_number = models.CharField(_("SP2D number"), max_length=60)
    paid_on = models.DateField(_("paid on"))
    amount = models.PositiveBigIntegerField(_("amount, Rp"))
    late = models.BooleanField(_("after the due date"), default=False)
    recorded_by = models.ForeignKey("accounts.User", models.PROTECT, related_name="+", verbose_name=_("recorded by"))
    recorded = models.DateTimeField(_("recorded"), auto_now_add=True)
    history = HistoricalRecords()
    _history_user: Any  # simple_history: who makes the next save (set by the services before it)

    class Meta:
        ordering = ["bill", "paid_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive"),
            models.UniqueConstraint(fields=["bill", "sp2d_number"], name="payment_sp2d_once"),
        ]

    def __str__(self) -> str:
        return f"SP2D {self.sp2d_number}"


class BillLine(models.Model):
    """One member's month on a bill. Written set-based (INSERT … SELECT), so it has no history of its own:
    the bill's history and the audit trail say who generated and approved it. It is paid when its
    person-month has a PaidMonth."""

    # No database-level foreign keys: PostgreSQL checks each at commit by locking the row referred to, which
    # tripled the time of a bill (bench/README.md). Lines are only written by generate_bill's INSERT … SELECT
    # from existing memberships in one transaction, and Django still enforces PROTECT/CASCADE on delete.
    bill = models.ForeignKey(Bill, models.CASCADE, related_name="lines", db_constraint=False)
    # Nobody looks lines up by membership or alone by person: one index fewer each to write.
    membership = models.ForeignKey("enrolment.Membership", models.PROTECT, related_name="+", db_index=False,
                                   db_constraint=False)
    peserta = models.ForeignKey("registry.Peserta", models.PROTECT, related_name="+", db_index=False, db_constraint=False)
    month = models.DateField()
    jkk = models.PositiveIntegerField()
    jkm = models.PositiveIntegerField()
    jht = models.PositiveIntegerField()
    discount = models.PositiveIntegerField()
    total = models.PositiveIntegerField()

    class Meta:
        constraints = [
            # Nobody's month is billed twice, whichever programme bills it (also the index generation probes).
            models.UniqueConstraint(fields=["peserta", "month"], name="bill_line_person_month_once"),
        ]


class PaidMonth(models.Model):
    """A member's month paid: what the coverage engine (rules.coverage) reads. Written set-based from bill
    lines by record_payment (``payment`` set), or from BPJS's status file for months the member paid himself
    (payer mandiri, no payment of ours); hence no database-level foreign keys (see BillLine)."""

    # Indexed with its months and days paid (Meta.indexes): payments.protection reads a member's months from the
    # index alone.
    membership = models.ForeignKey("enrolment.Membership", models.PROTECT, related_name="paid_months",
                                   db_index=False, db_constraint=False)
    peserta = models.ForeignKey("registry.Peserta", models.PROTECT, related_name="+", db_index=False, db_constraint=False)
    month = models.DateField()
    payer = models.CharField(max_length=10)  # a rules.contributions.Payer: the programme's funding source, or mandiri
    paid_on = models.DateField()
    payment = models.ForeignKey(Payment, models.PROTECT, null=True, blank=True, related_name="paid_months",
                                db_constraint=False)  # None: paid by the member himself, as BPJS reported

    class Meta:
        ordering = ["membership", "month"]
        constraints = [models.UniqueConstraint(fields=["peserta", "month"], name="paid_month_once")]
        indexes = [models.Index(fields=["membership", "month", "paid_on"], name="paid_month_coverage")]


class Protection(models.Model):
    """What the coverage engine needs of a membership to say its state on any day, kept from the facts (the
    membership, the person's other memberships, the paid months) by payments.protection.refresh, which every
    service changing those facts calls. Nothing here is typed by anyone: a rebuild gives the same rows.
    The regent's counts read this narrow table alone, in village order (Meta.indexes), for any number of members."""

    membership = models.OneToOneField("enrolment.Membership", models.CASCADE, primary_key=True,
                                      related_name="protection", db_constraint=False)
    peserta = models.ForeignKey("registry.Peserta", models.CASCADE, related_name="+", db_constraint=False)
    desa = models.CharField(max_length=13)  # the person's village code: area scoping and the counts per kecamatan
    registered = models.BooleanField()  # payments.protection.registered(): BPJS registered it
    first = models.DateField()  # the membership's
    # The first day of the person's next registered membership: this one is his current one on the days before.
    until = models.DateField(null=True)
    ended_on = models.DateField(null=True)  # the membership's
    # rules.coverage.cover_start: nothing is covered before the first payment (NULL while there is none).
    start = models.DateField(null=True)
    first_paid_on = models.DateField(null=True)  # the day of the first payment
    lapse_on = models.DateField(null=True)  # rules.coverage's lapse from every recorded payment, ignoring the end
    # The month the latest payment settles, payments settling the oldest unpaid month first: start + n - 1 of n
    # payments. When the lapse is last_paid + 4, every one settled in time, and a next one in time moves both on.
    last_paid = models.DateField(null=True)
    last_paid_on = models.DateField(null=True)  # the latest day any month was paid

    class Meta:
        indexes = [
            # protection.protection_counts groups people's latest memberships by a prefix of it, in its order,
            # reading nothing else; and finds the few current ones a later membership follows by "until".
            models.Index(fields=["registered", "desa", "first", "start", "first_paid_on", "ended_on", "lapse_on",
                                 "last_paid", "last_paid_on", "until"], condition=Q(until__isnull=True),
                         name="protection_counts"),
            models.Index(fields=["until"], condition=Q(until__isnull=False), name="protection_until"),
        ]


class Reconciliation(models.Model):
    """One comparison of a bill with BPJS's invoice or payment report for its month. Matched lines are only
    counted; each difference is kept until someone resolves it with a note. A new file for the same bill
    makes a new reconciliation: the latest is the one that counts."""

    bill = models.ForeignKey(Bill, models.PROTECT, related_name="reconciliations")
    file_name = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(_("rows in the file"))
    matched = models.PositiveIntegerField(_("matched"))
    amount_differs = models.PositiveIntegerField(_("amount differs"))
    only_ours = models.PositiveIntegerField(_("billed by us only"))
    only_theirs = models.PositiveIntegerField(_("billed by BPJS only"))
    ours_total = models.BigIntegerField(_("our total, Rp"))
    theirs_total = models.BigIntegerField(_("BPJS total, Rp"))
    imported_by = models.ForeignKey("accounts.User", models.PROTECT, related_name="+", verbose_name=_("imported by"))
    imported = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        ordering = ["bill", "-imported", "-pk"]

    def __str__(self) -> str:
        return f"{self.bill} ← {self.file_name}"


class Difference(models.Model):
    """A line where our bill and BPJS's disagree, named by NIK/KPJ and name as either side has them."""

    class Kind(models.TextChoices):
        AMOUNT_DIFFERS = "amount_differs", _("Amount differs")
        ONLY_OURS = "only_ours", _("Billed by us, not by BPJS")
        ONLY_THEIRS = "only_theirs", _("Billed by BPJS, not by us")

    reconciliation = models.ForeignKey(Reconciliation, models.CASCADE, related_name="differences")
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    nik = models.CharField("NIK", max_length=16, blank=True)
    kpj = models.CharField("KPJ", max_length=11, blank=True)
    nama = models.CharField(_("name"), max_length=200, blank=True)
    # Scopes the line to an area: the member's village, or the regency's code for someone not on our register.
    desa_code = models.CharField(max_length=13)
    ours = models.BigIntegerField(_("our amount, Rp"), null=True, blank=True)
    theirs = models.BigIntegerField(_("BPJS amount, Rp"), null=True, blank=True)
    note = models.TextField(_("resolution note"), blank=True)
    resolved_by = models.ForeignKey("accounts.User", models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("resolved by"))
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    history = HistoricalRecords()
    _history_user: Any  # simple_history: who makes the next save (set by the services before it)

    class Meta:
        ordering = ["reconciliation", "kind", "nik", "kpj"]
        indexes = [models.Index(fields=["reconciliation", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.kpj or self.nik}"
