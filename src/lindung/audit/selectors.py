from django.db.models import QuerySet

from lindung.accounts.roles import require

from . import chain
from .models import Event


def events_for(user, *, actor: str = "", target_type: str = "", target_id: str = "", date_from=None, date_to=None) -> QuerySet[Event]:
    """The audit trail, for auditors only, filtered by user, object and date."""
    require(user, "reads_audit")
    qs = Event.objects.select_related("actor")
    if actor:
        qs = qs.filter(actor__username=actor)
    if target_type:
        qs = qs.filter(target_type=target_type)
    if target_id:
        qs = qs.filter(target_id=target_id)
    if date_from:
        qs = qs.filter(at__date__gte=date_from)
    if date_to:
        qs = qs.filter(at__date__lte=date_to)
    return qs


def target_types() -> list[str]:
    return list(Event.objects.order_by().values_list("target_type", flat=True).distinct())


def actors_on(target: str, actions: list[str]) -> set[int | None]:
    """Who did these actions on ``target`` ("type:key"): everyone who added to a bill, for the four-eyes rule."""
    target_type, _, target_id = target.partition(":")
    return set(Event.objects.filter(target_type=target_type, target_id=target_id, action__in=actions)
               .values_list("actor_id", flat=True))


def chain_head() -> chain.Head | None:
    """The audit chain's last event: its number and seal, printed so that a cut tail shows later (None: no event).
    Not personal data: anyone may be shown it."""
    last = Event.objects.order_by("-seq").values_list("seq", "hash").first()
    return chain.Head(*last) if last else None


def verify_chain(earlier: chain.Head | None = None) -> chain.Outcome:
    """The whole audit chain checked (audit.chain.verify), event by event in number order, against a head printed
    earlier when given."""
    links = Event.objects.order_by("seq", "pk").values_list(*chain.Link._fields).iterator(chunk_size=5000)
    return chain.verify((chain.Link(*row) for row in links), earlier)
