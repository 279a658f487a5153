from django.db import models
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    """A text to a worker (SMS or WhatsApp) in the outbox: queued, then handed to the configured sender.
    ``purpose`` + ``peserta`` + ``about`` make it unique, so preparing the same notice twice sends one."""

    class Channel(models.TextChoices):
        SMS = "sms", "SMS"
        WHATSAPP = "whatsapp", "WhatsApp"

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        WITHDRAWN = "withdrawn", _("Withdrawn")  # no longer to be sent: the person died

    peserta = models.ForeignKey("registry.Peserta", models.PROTECT, related_name="messages")
    purpose = models.CharField(_("purpose"), max_length=40)  # e.g. "handover"
    about = models.CharField(max_length=60)  # what it is about, e.g. the programme's code
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.SMS)
    phone = models.CharField(_("phone"), max_length=20)
    text = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.CharField(_("error"), max_length=255, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created", "pk"]
        constraints = [models.UniqueConstraint(fields=["purpose", "about", "peserta", "channel"], name="message_once")]

    def __str__(self) -> str:
        return f"{self.purpose} {self.about} → {self.phone}"
