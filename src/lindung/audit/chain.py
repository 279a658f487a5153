"""The audit trail as a hash chain, without Django: each event is sealed with the SHA-256 of its predecessor's seal
and its own fields, so an event changed, deleted or slipped in afterwards breaks the chain where it happened, and a
cut tail shows against a chain head printed earlier (its event count and seal).

The seal covers, as one JSON array: the predecessor's seal, the event's number (1, 2, … without gaps), its time
(UTC, ISO 8601 to the microsecond), the actor's user id (null: none), the action, the object type and key, and the
summary. Changing what is sealed breaks every existing chain: the definition stays as it is.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import NamedTuple

GENESIS = "0" * 64  # what the first event chains to
SHORT = 16  # hex digits of a seal printed in a chain head


class Link(NamedTuple):
    """One stored event as the chain sees it: its two seals, then the fields sealed (the field names are the
    Event model's)."""

    prev_hash: str
    hash: str
    seq: int
    at: datetime
    actor_id: int | None
    action: str
    target_type: str
    target_id: str
    summary: str


def seal(link: Link) -> str:
    """The seal an event with these fields, chained to ``link.prev_hash``, must carry (``link.hash`` is ignored)."""
    fields = [link.prev_hash, link.seq, link.at.astimezone(timezone.utc).isoformat(timespec="microseconds"),
              link.actor_id, link.action, link.target_type, link.target_id, link.summary]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()


@dataclass(frozen=True)
class Head:
    """The chain's last event: its number (the count of events) and its seal."""

    seq: int
    hash: str

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash[:SHORT]}"

    @classmethod
    def parse(cls, text: str) -> Head:
        """A head as printed ("1234:3f9ac2d1e0b4a7c9"; a longer or shorter seal, down to 8 hex digits)."""
        seq, sep, digest = text.strip().partition(":")
        digest = digest.lower()
        if not (sep and seq.isdigit() and int(seq) > 0 and 8 <= len(digest) <= 64
                and all(c in "0123456789abcdef" for c in digest)):
            raise ValueError(text)
        return cls(int(seq), digest)


class Fault(enum.Enum):
    MODIFIED = "modified"  # the event's fields no longer match its seal
    RESEALED = "resealed"  # the event matches its seal, but its successor chained to another seal: rewritten
    DELETED = "deleted"  # events first..last are missing: the one after them chains to a seal not there
    INSERTED = "inserted"  # the event is not in the chain: its successor chains to the event before it
    CUT = "cut"  # the chain ends before an earlier head's event: first..last are missing at the end
    REWRITTEN = "rewritten"  # an earlier head's event carries another seal now


@dataclass(frozen=True)
class Break:
    """The first broken link: events ``first``..``last`` (one event: first == last), and the time of the event
    named (for DELETED the event after the gap, for CUT the chain's last event; None: no event left)."""

    fault: Fault
    first: int
    last: int
    at: datetime | None


@dataclass(frozen=True)
class Outcome:
    head: Head | None  # None: no event
    broken: Break | None


def verify(links: Iterable[Link], earlier: Head | None = None) -> Outcome:
    """Walk the chain in event-number order and name its first broken link; then hold it against a head printed
    earlier, whose event must still be there with the same seal."""
    before = prev = None  # the last two links accepted
    seen = None  # the earlier head's event, when reached
    stream = iter(links)
    current = next(stream, None)
    while current is not None:
        following = next(stream, None)
        broken = _check(before, prev, current, following)
        if broken is not None:
            return Outcome(_head(prev), broken)
        if earlier is not None and current.seq == earlier.seq:
            seen = current
        before, prev, current = prev, current, following
    head = _head(prev)
    if earlier is not None and seen is None:
        return Outcome(head, Break(Fault.CUT, head.seq + 1 if head else 1, earlier.seq, prev.at if prev else None))
    if earlier is not None and seen is not None and not seen.hash.startswith(earlier.hash):
        return Outcome(head, Break(Fault.REWRITTEN, seen.seq, seen.seq, seen.at))
    return Outcome(head, None)


def _head(link: Link | None) -> Head | None:
    return Head(link.seq, link.hash) if link else None


def _check(before: Link | None, prev: Link | None, link: Link, following: Link | None) -> Break | None:
    expected_hash, expected_seq = (prev.hash, prev.seq + 1) if prev else (GENESIS, 1)
    sealed = seal(link) == link.hash
    if sealed and link.prev_hash == expected_hash and link.seq == expected_seq:
        return None
    if prev is not None and link.prev_hash != expected_hash and link.prev_hash == (before.hash if before else GENESIS):
        return Break(Fault.INSERTED, prev.seq, prev.seq, prev.at)  # the chain runs around prev
    if following is not None and following.prev_hash == expected_hash:
        return Break(Fault.INSERTED, link.seq, link.seq, link.at)  # ... or around this one
    if link.prev_hash != expected_hash and link.seq > expected_seq:
        return Break(Fault.DELETED, expected_seq, link.seq - 1, link.at)
    if not sealed or prev is None:
        return Break(Fault.MODIFIED, link.seq, link.seq, link.at)
    if link.prev_hash != expected_hash:
        return Break(Fault.RESEALED, prev.seq, prev.seq, prev.at)
    return Break(Fault.INSERTED, link.seq, link.seq, link.at)  # sealed and chained, under a number already taken
