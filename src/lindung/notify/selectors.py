"""Reads of the outbox, always through the user's area: the messages (of a part of it, a purpose, a status), how
many there are of each status and what they cost in SMS parts, and the areas to choose from."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from lindung.accounts.scoping import area_code, outbox, sees_code
from lindung.rules import sms
from lindung.wilayah.models import Wilayah

from .models import Message

AREA = "peserta__desa__code"


def messages_for(user, *, area: str = "", purpose: str = "", about: str = "", status: str = "") -> QuerySet[Message]:
    """The messages to people in the user's area; ``area``: a kecamatan or village code inside it (any other code
    is ignored), ``purpose``/``about``: one kind of message (e.g. the hand-over notices of one programme)."""
    found = Message.objects.filter(outbox(user))
    if area and sees_code(user, area):
        found = found.filter(Q(**{AREA: area}) | Q(**{f"{AREA}__startswith": area + "."}))
    if purpose:
        found = found.filter(purpose=purpose)
    if about:
        found = found.filter(about=about)
    if status:
        found = found.filter(status=status)
    return found


@dataclass
class StatusCount:
    status: str
    label: str
    messages: int = 0
    sms_parts: int = 0  # what the SMS among them cost (or cost when sent)
    whatsapp: int = 0


@dataclass
class Summary:
    by_status: list[StatusCount]
    long_sms: int = 0  # SMS of more than one part
    ucs2: int = 0  # SMS sent as UCS-2 (a character outside GSM-7)
    parts_to_send: int = 0  # of the queued and held SMS: the cost still ahead
    _index: dict[str, StatusCount] = field(default_factory=dict, repr=False)

    def __getitem__(self, status: str) -> StatusCount:
        return self._index[status]

    @property
    def messages(self) -> int:
        return sum(s.messages for s in self.by_status)

    @property
    def sms_parts(self) -> int:
        return sum(s.sms_parts for s in self.by_status)


def summary(messages: QuerySet[Message]) -> Summary:
    """Per status: how many messages, and how many SMS parts their texts cost (GSM-7 or UCS-2, 160/153 or 70/67
    a part); the queued and held ones' parts are what sending them will cost. Counted from the texts, one pass."""
    rows = [StatusCount(value, str(label)) for value, label in Message.Status.choices]
    index = {r.status: r for r in rows}
    found = Summary(rows, _index=index)
    costs: dict[str, sms.Parts] = {}
    for status, channel, text in messages.order_by().values_list("status", "channel", "text").iterator(chunk_size=2000):
        row = index[status]
        row.messages += 1
        if channel != Message.Channel.SMS:
            row.whatsapp += 1
            continue
        cost = costs.get(text) or costs.setdefault(text, sms.parts(text))
        row.sms_parts += cost.parts
        found.long_sms += cost.parts > 1
        found.ucs2 += cost.encoding is sms.Encoding.UCS2
        if status in (Message.Status.QUEUED, Message.Status.HELD):
            found.parts_to_send += cost.parts
    return found


def topics(user) -> list[dict]:
    """The kinds of messages in the user's area (purpose and what about, e.g. the hand-over of kaur-2025), with
    how many of each, newest first, for the page's filter."""
    return list(messages_for(user).values("purpose", "about").annotate(n=Count("pk")).order_by("-about", "purpose"))  # type: ignore[arg-type]  # .values() rows: dicts, TypedDicts to django-stubs


def areas(user) -> list[Wilayah]:
    """The parts of the user's area he can narrow the outbox to: the kecamatans of a regency, the villages of a
    kecamatan (none for a village operator)."""
    code = area_code(user)
    if code is None:
        return []
    return list(Wilayah.objects.filter(parent_id=code).order_by("name"))


def withdraw_reasons(messages: QuerySet[Message]) -> list[tuple[str, int]]:
    """The reasons the withdrawn messages among ``messages`` were withdrawn, most frequent first."""
    counted = Counter(messages.filter(status=Message.Status.WITHDRAWN).order_by().values_list("error", flat=True))
    return counted.most_common(10)
