from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class PrintBatch(models.Model):
    """One print run of membership cards for a kecamatan."""

    class Layout(models.TextChoices):
        A4 = "a4", _("A4, 10 per page, cut marks")
        CARD = "card", _("one per page, card printer")

    programme = models.ForeignKey("programs.Programme", models.PROTECT, related_name="print_batches")
    kecamatan = models.ForeignKey("wilayah.Wilayah", models.PROTECT, related_name="+", verbose_name=_("kecamatan"))
    number = models.PositiveIntegerField(_("number"))  # per programme, 1, 2, …
    layout = models.CharField(_("layout"), max_length=4, choices=Layout.choices, default=Layout.A4)
    cards = models.PositiveIntegerField(_("cards"))
    created_by = models.ForeignKey("accounts.User", models.PROTECT, related_name="+", verbose_name=_("made by"))
    created = models.DateTimeField(_("made"), auto_now_add=True)

    class Pdf(models.TextChoices):
        NONE = "", _("Not prepared")
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    # The run's PDF, prepared in the background (a kecamatan's cards take minutes) and kept until a card of the
    # run is voided; ``pdf_progress`` in percent, polled by the printing page.
    pdf = models.FileField(_("PDF"), upload_to="kartu/", blank=True)
    pdf_status = models.CharField(_("PDF"), max_length=8, choices=Pdf.choices, blank=True, default=Pdf.NONE)
    pdf_progress = models.PositiveSmallIntegerField(default=0)
    pdf_started = models.DateTimeField(null=True, blank=True)  # a job that died long after this is queued again
    pdf_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["programme", "-number"]
        constraints = [models.UniqueConstraint(fields=["programme", "number"], name="print_batch_number_once")]

    def __str__(self) -> str:
        return f"{self.programme.code} #{self.number}"


class Card(models.Model):
    """A member's printed card on its way from the printer to the worker's hands (rules.cards)."""

    class Status(models.TextChoices):
        PRINTED = "printed", _("Printed")
        AT_DINAS = "at_dinas", _("At the office")
        AT_CAMAT = "at_camat", _("At the kecamatan")
        AT_VILLAGE = "at_village", _("At the village")
        DELIVERED = "delivered", _("Delivered")
        RETURNED = "returned", _("Returned")
        VOIDED = "voided", _("Voided")

    class ReturnReason(models.TextChoices):
        MOVED = "moved", _("Moved away")
        DECEASED = "deceased", _("Deceased")
        UNKNOWN = "unknown", _("Not known there")
        REFUSED = "refused", _("Refused")

    class VoidReason(models.TextChoices):
        LOST = "lost", _("Lost")
        DAMAGED = "damaged", _("Damaged")
        WRONG_DATA = "wrong_data", _("Wrong data")

    membership = models.ForeignKey("enrolment.Membership", models.PROTECT, related_name="cards")
    batch = models.ForeignKey(PrintBatch, models.PROTECT, related_name="card_set", verbose_name=_("print batch"))
    # f"{kpj}-{version}": printed on the card and carried in its QR token.
    number = models.CharField(_("card number"), max_length=20, unique=True)
    version = models.PositiveSmallIntegerField(_("version"), default=1)  # 2, 3 … for reprints
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PRINTED)
    since = models.DateTimeField(_("since"))  # entered its current status; overdue counts from here
    return_reason = models.CharField(_("return reason"), max_length=10, choices=ReturnReason.choices, blank=True)
    void_reason = models.CharField(_("void reason"), max_length=10, choices=VoidReason.choices, blank=True)
    replaced_by = models.ForeignKey("self", models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name=_("replaced by"))
    history = HistoricalRecords()
    _history_user: Any  # simple_history: who makes the next save (set by the services before it)

    class Meta:
        ordering = ["number"]
        # With the number: the overdue list's order (since, number) read from the index, status by status, and
        # stopped at its first rows (selectors.oldest_overdue).
        indexes = [models.Index(fields=["status", "since", "number"], name="card_status_since_number")]
        constraints = [
            models.UniqueConstraint(fields=["membership"], condition=~models.Q(status="voided"), name="one_live_card"),
        ]

    def __str__(self) -> str:
        return self.number


class Handover(models.Model):
    """A berita acara serah terima: one numbered set of minutes per hand-over of cards."""

    number = models.CharField(_("number"), max_length=20, unique=True)  # "BA-2025-0001"
    from_status = models.CharField(_("from"), max_length=10, choices=Card.Status.choices)
    to_status = models.CharField(_("to"), max_length=10, choices=Card.Status.choices)
    giver_name = models.CharField(_("handed over by"), max_length=120)
    giver_role = models.CharField(_("their position"), max_length=120)
    receiver_name = models.CharField(_("received by"), max_length=120)
    receiver_role = models.CharField(_("their position"), max_length=120)
    giver = models.ForeignKey("accounts.User", models.PROTECT, null=True, blank=True, related_name="+")
    place = models.CharField(_("place"), max_length=120)
    happened_on = models.DateField(_("date"))
    kecamatan = models.ForeignKey("wilayah.Wilayah", models.PROTECT, null=True, blank=True, related_name="+")
    desa = models.ForeignKey("wilayah.Wilayah", models.PROTECT, null=True, blank=True, related_name="+")
    evidence = models.FileField(_("evidence"), upload_to="kartu/bukti/", blank=True)
    id_checked = models.BooleanField(_("identity card checked"), default=False)
    cards = models.ManyToManyField(Card, through="CardMove", related_name="handovers")
    created_by = models.ForeignKey("accounts.User", models.PROTECT, related_name="+", verbose_name=_("recorded by"))
    created = models.DateTimeField(_("recorded"), auto_now_add=True)
    # As on the day, for the minutes: the office's name may change over the years, the signed paper does not.
    office = models.CharField(_("office"), max_length=200, blank=True)

    class Meta:
        ordering = ["-happened_on", "-number"]

    def __str__(self) -> str:
        return self.number


class CardMove(models.Model):
    """One card's step in one hand-over."""

    card = models.ForeignKey(Card, models.PROTECT, related_name="moves")
    handover = models.ForeignKey(Handover, models.PROTECT, related_name="moves")
    from_status = models.CharField(max_length=10)
    to_status = models.CharField(max_length=10)
    reason = models.CharField(max_length=10, blank=True)
    # The card's holder as on the day, for the minutes: a name corrected later does not change a signed record.
    name = models.CharField(max_length=200, blank=True)
    kpj = models.CharField(max_length=20, blank=True)
    village = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["handover", "pk"]
        constraints = [models.UniqueConstraint(fields=["card", "handover"], name="card_move_once")]
