from .labels import ACTIONS
from .models import Event


def record_event(actor, action: str, *, target: str = "", summary: str) -> Event:
    """Append an audit event. `target` is "type:key" with an internal key, never a NIK or a name. The action is
    one of labels.ACTIONS, the list the auditor reads in words."""
    if action not in ACTIONS:
        raise ValueError(f"Audit action {action!r} is not in audit.labels.ACTIONS: add it there with its label.")
    target_type, _, target_id = target.partition(":")
    user = actor if getattr(actor, "is_authenticated", False) else None
    return Event.objects.create(
        actor=user, action=action, target_type=target_type, target_id=target_id, summary=summary[:300]
    )
