"""What waits for THIS user's approval (the home page's "Menunggu persetujuan Anda"): staged imports, plan
scenarios, plan revisions, draft bills and claims submitted to BPJS — each only when the user's role may approve it
and he is not its author (four eyes: whoever made it may not approve it himself). A selector: reads only."""

from dataclasses import dataclass
from datetime import date, datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.accounts.roles import can
from lindung.claims import selectors as claims
from lindung.claims.models import Claim
from lindung.claims.services import DECIDERS
from lindung.payments.models import Bill
from lindung.programs.models import Programme, Scenario
from lindung.programs.selectors import programmes_run_by
from lindung.registry.imports.selectors import imports_for
from lindung.registry.models import ImportBatch

LIMIT = 50


@dataclass(frozen=True)
class Waiting:
    kind: str  # what it is, in words
    title: str
    author: str
    since: date
    url: str


def _day(value) -> date:
    return timezone.localtime(value).date() if isinstance(value, datetime) else value


def _name(user) -> str:
    return user.get_full_name() or user.username


def waiting_for(user) -> list[Waiting]:
    """Everything awaiting the user's approval, the oldest first (at most LIMIT)."""
    if not getattr(user, "is_authenticated", False):
        return []
    found: list[Waiting] = []
    if can(user, "approves"):
        # Imports and programmes of the user's area only: in a province deployment a regency's are its own office's.
        for batch in (imports_for(user).filter(status=ImportBatch.Status.STAGED).exclude(uploaded_by=user)
                      .order_by("uploaded_at")[:LIMIT]):
            found.append(Waiting(_("Import"), f"#{batch.pk} · {batch.filename}", _name(batch.uploaded_by),
                                 _day(batch.uploaded_at), reverse("registry:import_detail", args=[batch.pk])))
        # Scenarios and bills of the programmes his office runs: only it approves them. A scenario of a programme
        # still without a plan; a revision of the plan in force, not yet approved.
        ran = programmes_run_by(user)
        scenarios = (Scenario.objects.filter(approved_at__isnull=True, programme__in=ran)
                     .exclude(created_by=user).select_related("programme", "created_by").order_by("created"))
        for s in scenarios.filter(revises__isnull=True, programme__status=Programme.Status.DRAFT)[:LIMIT]:
            found.append(Waiting(_("Plan scenario"), f"{s.programme.name} · {s.get_kind_display()} (#{s.number})",
                                 _name(s.created_by), _day(s.created),
                                 reverse("programs:scenario", args=[s.programme.code, s.number])))
        for s in scenarios.filter(revises__isnull=False)[:LIMIT]:
            if s.programme.plan_id != s.revises_id:
                continue  # the plan changed since: it can no longer be approved, only saved again
            found.append(Waiting(_("Plan revision"), f"{s.programme.name} (#{s.number})", _name(s.created_by),
                                 _day(s.created), reverse("programs:scenario", args=[s.programme.code, s.number])))
        for bill in (Bill.objects.filter(status=Bill.Status.DRAFT, programme__in=ran).exclude(created_by=user)
                     .select_related("programme", "created_by").order_by("created")[:LIMIT]):
            found.append(Waiting(_("Bill"), f"{bill.programme.name} · {bill.month:%m-%Y}", _name(bill.created_by),
                                 _day(bill.created),
                                 reverse("payments:bill", kwargs={"code": bill.programme.code,
                                                                  "month": f"{bill.month:%Y-%m}"})))
    role = getattr(user, "role", None)
    if role is not None and role.name in DECIDERS:
        for claim in (claims.claims_for(user).filter(status=Claim.Status.SUBMITTED).exclude(reported_by=user)
                      .order_by("submitted_on", "number")[:LIMIT]):
            found.append(Waiting(_("Claim"), f"{claim.number} · {claim.get_kind_display()}",
                                 _name(claim.reported_by), claim.submitted_on or claim.reported_on,
                                 reverse("claims:detail", args=[claim.number])))
    return sorted(found, key=lambda w: w.since)[:LIMIT]
