from django.db import connection, transaction
from django.utils import timezone

from . import chain
from .labels import ACTIONS
from .models import Event

# Any constant: the key of the PostgreSQL advisory lock that lets one transaction at a time append to the chain.
CHAIN_LOCK = 0x4C696E64


def record_event(actor, action: str, *, target: str = "", summary: str) -> Event:
    """Append an audit event. `target` is "type:key" with an internal key, never a NIK or a name. The action is
    one of labels.ACTIONS, the list the auditor reads in words.

    The event is chained to the last one (audit.chain), read in the same transaction as the insert and under a
    lock held until that transaction ends, so two writers never chain to the same predecessor: SQLite's
    transactions take the write lock when they begin (IMMEDIATE); on PostgreSQL an advisory lock, which needs no
    privilege on the table (the application's role may only read and append to it)."""
    if action not in ACTIONS:
        raise ValueError(f"Audit action {action!r} is not in audit.labels.ACTIONS: add it there with its label.")
    target_type, _, target_id = target.partition(":")
    user = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
        last = Event.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev_hash = (last[0] + 1, last[1]) if last else (1, chain.GENESIS)
        event = Event(seq=seq, at=timezone.now(), actor=user, action=action, target_type=target_type,
                      target_id=target_id, summary=summary[:300], prev_hash=prev_hash)
        event.hash = chain.seal(chain.Link(*(getattr(event, name) for name in chain.Link._fields)))
        event.save()
    return event
