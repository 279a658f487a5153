from .models import Event


def record_event(actor, action: str, *, target: str = "", summary: str) -> Event:
    """Append an audit event. `target` is "type:key" with an internal key, never a NIK or a name."""
    target_type, _, target_id = target.partition(":")
    user = actor if getattr(actor, "is_authenticated", False) else None
    return Event.objects.create(
        actor=user, action=action, target_type=target_type, target_id=target_id, summary=summary[:300]
    )
