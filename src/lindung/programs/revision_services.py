"""Writes of a plan revision (APBD-P, a cut, a top-up): the draft version saved by the office, and its approval by
another Admin Dinas, after which the memberships, the bills still to come and the programme's ceiling follow it and
those losing cover get the hand-over notice. Each in one transaction, audited; history kept on every row."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy
from lokal import format_rupiah
from simple_history.utils import bulk_update_with_history

from lindung.accounts.roles import require, require_someone_else
from lindung.audit.services import record_event
from lindung.enrolment import services as enrolment
from lindung.enrolment.models import Membership
from lindung.selfpay import services as selfpay
from lindung.payments import protection
from lindung.payments import services as payments
from lindung.rules.contributions import Month

from . import revision_selectors, selectors
from .models import PlanLine, Programme, Scenario


EMPTIED = ngettext_lazy("%(n)s member would no longer have a single funded month: a revision cannot delete a "
                        "membership. Start the revision after their first month.",
                        "%(n)s members would no longer have a single funded month: a revision cannot delete a "
                        "membership. Start the revision after their first month.", "n")


@transaction.atomic
def propose_revision(user, programme: Programme, revise_from: Month, budget: int, kind: str,
                     reason: str) -> Scenario:
    """Saves the revision's ``kind`` scenario as the programme's next plan version, a draft until another Admin
    Dinas approves it (``approve_revision``)."""
    require(user, "plans", _("Only the Admin or Operator Dinas may draw up a plan revision."))
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError(_('Write the reason for the revision, e.g. "APBD-P 2026".'))
    if kind not in Scenario.Kind.values:
        raise ValidationError(_("Unknown scenario %(kind)s.") % {"kind": repr(kind)})
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    found = revision_selectors.preview(user, programme, revise_from, budget)
    chosen = found.chosen(kind)
    if chosen.people == 0:
        raise ValidationError(_("This scenario protects no one."))
    if chosen.emptied_count:
        raise ValidationError(EMPTIED % {"n": chosen.emptied_count})
    taken = programme.scenarios.aggregate(number=Max("number"), version=Max("version"))
    replan = chosen.replan
    scenario = Scenario.objects.create(
        programme=programme, number=(taken["number"] or 0) + 1, version=(taken["version"] or 1) + 1, kind=kind,
        revises=found.plan, reason=reason[:200], revised_from=revise_from.first_day, budget=budget,
        first=found.plan.first, last=programme.end, cost_per_month=found.cost_per_month,
        min_consecutive=found.plan.min_consecutive, continuity_first=found.plan.continuity_first,
        kecamatan_share=found.plan.kecamatan_share, candidates=found.candidates, people=chosen.people,
        person_months=chosen.person_months, cost=chosen.cost, remaining=chosen.left,
        by_kecamatan={k: list(v) for k, v in replan.by_kecamatan.items()}, warnings=replan.warnings,
        remainder_buys=replan.remainder_buys or "", solver=replan.solver or "", created_by=user,
        consequence=chosen.figures(),
    )
    PlanLine.objects.bulk_create([
        PlanLine(scenario=scenario, peserta_id=found.ids[key], rank=rank, priority=found.priority[key],
                 first=span[0].first_day if span else None, last=span[1].first_day if span else None,
                 lapses=chosen.lapse_of(span) if span else None)
        for rank, key in enumerate(chosen.order, start=1) for span in [chosen.lines[key]]
    ], batch_size=2000)
    record_event(user, "programs.revision_proposed", target=f"scenario:{scenario.pk}",
                 summary=f"Versi {scenario.version} ({kind}) {revision_selectors.describe(found)}: {reason[:80]}. "
                         f"{chosen.people} orang, biaya {format_rupiah(chosen.cost)}; {chosen.losing_count} kehilangan "
                         f"perlindungan, {chosen.gaining_count} bertambah.")
    return scenario


@transaction.atomic
def approve_revision(user, scenario: Scenario) -> Scenario:
    """The four-eyes step of a revision: an Admin Dinas other than its author makes it the plan in force. The
    programme's ceiling becomes the revision's; each member's funded months become his line's (new members for
    those covered for the first time, through enrolment); the draft bills of the months revised lose the members
    no longer funded then (generating them again adds those now funded); the members losing cover get the
    hand-over notice, queued. Refused when the plan changed since the revision was saved, or a month it revises
    was billed and approved meanwhile."""
    require(user, "approves", _("Only the Admin Dinas may approve a plan revision."))
    programme = Programme.objects.select_for_update().get(pk=scenario.programme_id)
    scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
    require_someone_else(user, scenario.created_by_id,
                         _("A revision must be approved by another Admin Dinas than the one who saved it."))
    if scenario.revises_id is None or scenario.approved_at is not None:
        raise ValidationError(_("Only a revision not approved yet can be approved here."))
    before = revision_selectors.plan_in_force(programme)
    if programme.plan_id != scenario.revises_id:
        raise ValidationError(_("The programme's plan has changed (now version %(version)s) since this revision was "
                                "saved: compute and save the revision again.") % {"version": before.version})
    assert scenario.revised_from is not None  # a revision has its first month
    revise_from = Month.of(scenario.revised_from)
    revision_selectors.check_month(programme, revise_from)
    if scenario.cost > scenario.budget:
        raise ValidationError(_("The revision's cost is over its ceiling."))

    spans = {pk: (first, last) for pk, first, last in scenario.lines.values_list("peserta_id", "first", "last")}
    memberships = list(programme.memberships.filter(ended_on__isnull=True))
    emptied = [m for m in memberships if spans.get(m.peserta_id, (None,))[0] is None]
    if emptied:
        raise ValidationError(EMPTIED % {"n": len(emptied)})
    changed, losing = [], []
    for m in memberships:
        first, last = spans[m.peserta_id]
        assert first is not None and last is not None  # none emptied (above): a funded line has both
        if (m.first, m.last) != (first, last):
            if last < m.last:
                losing.append(m.peserta_id)
            m.first, m.last = first, last
            changed.append(m)
    bulk_update_with_history(changed, Membership, ["first", "last"], batch_size=2000, default_user=user)
    protection.refresh(programme.memberships.filter(pk__in=[m.pk for m in changed]))
    dropped = payments.drop_unfunded_lines(programme, revise_from)

    already = programme.memberships.values("peserta_id")
    new_lines = scenario.lines.filter(first__isnull=False).exclude(peserta_id__in=already)
    kept = {c.membership.peserta_id: c.membership.kpj
            for c in selectors.continuing_members(programme, first=revise_from) if c.keeps_kpj}
    made = enrolment.add_candidates(user, programme, new_lines, kept)

    now = timezone.now()
    scenario.approved_by, scenario.approved_at = user, now
    scenario._history_user = user
    scenario.save()
    programme.plan, programme.budget = scenario, scenario.budget
    programme._history_user = user
    programme.save()
    notices = selfpay.prepare_messages(user, programme, only=set(losing)) if losing else 0
    record_event(user, "programs.revision_approved", target=f"scenario:{scenario.pk}",
                 summary=f"Versi {scenario.version} ({scenario.reason}) menggantikan versi {before.version} rencana "
                         f"program {programme.code} mulai {revise_from}: pagu {format_rupiah(scenario.budget)}, "
                         f"{len(changed)} kepesertaan diubah ({len(losing)} kehilangan perlindungan), {made} calon "
                         f"peserta baru, {dropped} baris tagihan draf dihapus, {notices} pemberitahuan diantrekan.")
    return scenario
