"""Who delivers a queued text. A sender has one method, ``send(message) -> None``, that raises on failure (the
message is then marked failed with the error); ``LINDUNG_MESSAGE_SENDER`` names the class to use, so a real SMS
or WhatsApp gateway is one more class here and a setting, nothing else."""

import json
from pathlib import Path
from typing import Protocol

from django.conf import settings

from .models import Message


class Sender(Protocol):
    def send(self, message: Message) -> None: ...


class FileSender:
    """The default: appends each message as a JSON line to LINDUNG_OUTBOX_FILE, for a person or a script that
    forwards them (an SMS modem, a WhatsApp account), and for the demo."""

    def __init__(self, path: Path | str | None = None):
        self.path = Path(path or settings.LINDUNG_OUTBOX_FILE)
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def send(self, message: Message) -> None:
        line = {"id": message.pk, "phone": message.phone, "channel": message.channel, "text": message.text}
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
