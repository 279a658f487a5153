from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindung.rules import sms

# A message's purpose in the words of the files and the audit trail (Indonesian, like them).
PURPOSES = {"selfpay": "pemberitahuan iuran mandiri"}


class Message(models.Model):
    """A text to a worker (SMS or WhatsApp) in the outbox: queued, then handed to the configured sender.
    ``purpose`` + ``peserta`` + ``about`` make it unique, so preparing the same notice twice sends one.

    At send time its facts are checked again (notify.services.send_queued): a message whose facts changed is
    withdrawn or rewritten, one older than LINDUNG_NOTICE_MAX_AGE_DAYS is held until an office user reviews it."""

    class Channel(models.TextChoices):
        SMS = "sms", "SMS"
        WHATSAPP = "whatsapp", "WhatsApp"

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        HELD = "held", _("Needs review")  # too old to send without a person looking at it
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        WITHDRAWN = "withdrawn", _("Withdrawn")  # no longer to be sent: the person died, the facts changed

    peserta = models.ForeignKey("registry.Peserta", models.PROTECT, related_name="messages")
    purpose = models.CharField(_("purpose"), max_length=40)  # e.g. "selfpay" (the hand-over to self-pay notice)
    about = models.CharField(max_length=60)  # what it is about, e.g. the programme's code
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.SMS)
    phone = models.CharField(_("phone"), max_length=20)
    text = models.TextField(_("text"))
    # The facts the text states (for a hand-over notice: paid until, pays from, monthly amount, lapse date), to
    # say what changed when the text is rewritten at send time.
    facts = models.JSONField(default=dict, blank=True)
    original_text = models.TextField(_("text first prepared"), blank=True)  # kept when the text was rewritten
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.CharField(_("error"), max_length=255, blank=True)  # why failed, withdrawn, held or rewritten
    created = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        ordering = ["-created", "pk"]
        constraints = [models.UniqueConstraint(fields=["purpose", "about", "peserta", "channel"], name="message_once")]
        indexes = [models.Index(fields=["status", "purpose", "about"], name="message_status")]

    def __str__(self) -> str:
        return f"{self.purpose} {self.about} → {self.phone}"

    @property
    def sms(self) -> sms.Parts | None:
        """The SMS parts the text costs; None for WhatsApp, which is not counted in SMS."""
        return sms.parts(self.text) if self.channel == self.Channel.SMS else None


PENDING = (Message.Status.QUEUED, Message.Status.HELD)  # not sent yet, still to be sent or reviewed
