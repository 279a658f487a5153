"""Writes of the outbox: queue texts once, hand the queued ones to the configured sender."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from lindung.accounts.roles import require
from lindung.accounts.scoping import within
from lindung.audit.services import record_event

from .models import Message

BATCH = 2000


def queue(purpose: str, about: str, messages: list[Message]) -> int:
    """Adds the messages not queued before (same purpose, about, person and channel): preparing a notice again
    adds none. Returns how many were added. Called inside the caller's transaction, which audits it."""
    before = Message.objects.filter(purpose=purpose, about=about).count()
    Message.objects.bulk_create(messages, batch_size=BATCH, ignore_conflicts=True)
    return Message.objects.filter(purpose=purpose, about=about).count() - before


def withdraw(peserta_id: int, why: str) -> int:
    """The person's queued messages are not to be sent (he died): kept, marked withdrawn with why. Called inside
    the caller's transaction, which audits it. Returns how many."""
    return Message.objects.filter(peserta_id=peserta_id, status=Message.Status.QUEUED).update(
        status=Message.Status.WITHDRAWN, error=why[:255])


@dataclass(frozen=True)
class Sent:
    sent: int
    failed: int


def send_queued(user, purpose: str = "", about: str = "") -> Sent:
    """Hands every queued message in the user's area (of ``purpose``/``about`` when given) to the sender named by
    LINDUNG_MESSAGE_SENDER: sent, or failed with the sender's error. A failed message stays failed, so it is
    never sent twice by accident; it is for a person to look at."""
    require(user, "plans", "Hanya Admin/Operator Dinas yang boleh mengirim pesan.")
    sender = import_string(settings.LINDUNG_MESSAGE_SENDER)()
    with transaction.atomic():
        queued = Message.objects.select_for_update().filter(within(user, "peserta__desa__code"),
                                                            status=Message.Status.QUEUED)
        if purpose:
            queued = queued.filter(purpose=purpose, about=about)
        done = []
        for message in queued.order_by("pk"):  # a gateway takes one text at a time
            try:
                sender.send(message)
            except Exception as exc:  # whatever the gateway raises, the message says why it failed
                message.status, message.error = Message.Status.FAILED, str(exc)[:255] or type(exc).__name__
            else:
                message.status, message.sent_at = Message.Status.SENT, timezone.now()
            done.append(message)
        Message.objects.bulk_update(done, ["status", "error", "sent_at"], batch_size=BATCH)
        sent = sum(1 for m in done if m.status == Message.Status.SENT)
        result = Sent(sent, len(done) - sent)
        record_event(user, "notify.sent", target=f"outbox:{purpose}:{about}" if purpose else "outbox:",
                     summary=f"Pesan {purpose or 'semua'} {about}: {result.sent} terkirim, {result.failed} gagal "
                             f"(pengirim {settings.LINDUNG_MESSAGE_SENDER.rsplit('.', 1)[-1]}).")
    return result
