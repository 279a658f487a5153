"""Writes to programmes: checked, audited."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from lokal import format_rupiah
from simple_history.utils import bulk_create_with_history

from lindung.accounts.roles import require, require_someone_else
from lindung.audit.services import record_event
from lindung.enrolment import services as enrolment
from lindung.rules.contributions import Month, UnknownTier
from lindung.rules.nik import parse_nik

from . import selectors
from .models import ExcludedNik, PlanLine, Programme, Scenario


def _check_admin(user) -> None:
    require(user, "approves", _("Only the Admin Dinas may change a programme's rules."))


def check_runs(user, programme: Programme) -> None:
    """Only the office of the area that runs a programme manages it, plans and bills it (a regency office reads the
    province's)."""
    if not selectors.runs(user, programme):
        raise PermissionDenied(_("Programme %(code)s is run by the office of %(area)s, not by yours.")
                               % {"code": programme.code, "area": programme.owner_code})


@transaction.atomic
def save_rules(user, programme: Programme, occupations) -> Programme:
    _check_admin(user)
    check_runs(user, programme)
    programme._history_user = user
    programme.save()
    programme.occupations.set(occupations)
    record_event(user, "programs.rules_changed", target=f"programme:{programme.pk}",
                 summary=f"Aturan kelayakan/prioritas program {programme.code} diubah.")
    return programme


@transaction.atomic
def add_exclusions(user, programme: Programme, text: str, reason: str) -> tuple[int, list[tuple[int, str]]]:
    """One NIK per line. Returns how many were added and (line, message) for each refused line;
    nothing is added when any line is refused."""
    _check_admin(user)
    check_runs(user, programme)
    niks, refused = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        info = parse_nik(line.strip())
        if info.valid:
            niks.append(info.nik)
        else:
            refused.append((number, info.errors[0].message))
    if refused:
        return 0, refused
    existing = set(programme.exclusions.filter(nik__in=niks).values_list("nik", flat=True))
    new = [ExcludedNik(programme=programme, nik=n, reason=reason[:120], added_by=user) for n in dict.fromkeys(niks) if n not in existing]
    # With history, like every other write: who excluded a NIK stays on record.
    bulk_create_with_history(new, ExcludedNik, default_user=user, default_change_reason=reason[:100])
    record_event(user, "programs.exclusions_added", target=f"programme:{programme.pk}",
                 summary=f"{len(new)} NIK ditambahkan ke daftar pengecualian ({reason[:60]}).")
    return len(new), []


# What a programme continuing another takes from it, besides the occupations: its rules and weights.
CONTINUED_RULES = ["min_age", "max_age", "desil_max", "require_extreme_poverty", "weight_desil",
                   "weight_extreme_poverty", "weight_high_risk", "weight_head_of_household", "weight_per_dependant",
                   "max_dependants"]


@transaction.atomic
def save_programme(user, programme: Programme) -> Programme:
    """Create a programme, or change its settings. Once approved only the cooperation agreement (PKS)
    may still change: the plan was approved for that budget and period. A new programme continuing an
    earlier one takes its rules, weights and occupations (the rules page changes them)."""
    require(user, "plans", _("Only the Admin or Operator Dinas may make or change a programme."))
    created = programme.pk is None
    if not created:
        before = Programme.objects.select_for_update().get(pk=programme.pk)
        check_runs(user, before)
        fixed = ["year", "start", "end", "funding_source", "budget", "income_tier", "include_jht", "continues_id"]
        if before.status != Programme.Status.DRAFT and any(getattr(before, f) != getattr(programme, f) for f in fixed):
            raise ValidationError(_("The programme is approved: its budget, period and package cannot change any "
                                        "more."))
        if before.status == Programme.Status.CLOSED:
            raise ValidationError(_("The programme is closed."))
    else:
        programme.created_by = user
        # Made by an office, it is that office's: the province's or the regency's.
        programme.owner_id = programme.owner_id or user.area_id
        check_runs(user, programme)
    earlier = programme.continues
    if earlier is not None:
        _check_continues(programme, earlier)
        if created:
            for field in CONTINUED_RULES:
                setattr(programme, field, getattr(earlier, field))
    programme._history_user = user
    programme.save()
    if created and earlier is not None:
        programme.occupations.set(earlier.occupations.all())
    record_event(user, "programs.created" if created else "programs.changed", target=f"programme:{programme.pk}",
                 summary=f"Program {programme.code}: pagu {format_rupiah(programme.budget)}, {programme.first_month}"
                         f" s.d. {programme.last_month}.")
    return programme


def _check_continues(programme: Programme, earlier: Programme) -> None:
    if earlier.status == Programme.Status.DRAFT:
        raise ValidationError(_("Programme %(code)s has no approved plan yet: there are no members to continue "
                                "yet.") % {"code": earlier.code})
    if earlier.year >= programme.year:
        raise ValidationError(_("A continuing programme must be for a year after %(year)s.") % {"year": earlier.year})
    other = earlier.continued_by.exclude(pk=programme.pk).first()
    if other is not None:
        raise ValidationError(_("Programme %(code)s is already continued by programme %(other)s.")
                              % {"code": earlier.code, "other": other.code})


def next_year(earlier: Programme, year: int, budget: int) -> Programme:
    """The programme continuing ``earlier`` in ``year``, not saved: the whole year, the same funding, income tier
    and package; its code and name say the new year where the earlier ones said theirs."""
    old = str(earlier.year)
    code = earlier.code[:-len(old)] + str(year) if earlier.code.endswith(old) else f"{earlier.code}-{year}"
    name = earlier.name.replace(old, str(year)) if old in earlier.name else f"{earlier.name} {year}"
    return Programme(code=code[:40], name=name[:120], year=year, start=date(year, 1, 1), end=date(year, 12, 1),
                     budget=budget, funding_source=earlier.funding_source, income_tier=earlier.income_tier,
                     include_jht=earlier.include_jht, continues=earlier, owner_id=earlier.owner_id)


@transaction.atomic
def continue_programme(user, earlier: Programme, year: int, budget: int) -> Programme:
    """Next year's draft programme continuing ``earlier`` (see ``next_year``; rules as ``save_programme``)."""
    require(user, "plans", _("Only the Admin or Operator Dinas may make or change a programme."))
    if budget <= 0:
        raise ValidationError(_("The programme's ceiling must be more than zero."))
    programme = next_year(earlier, year, budget)
    _check_continues(programme, earlier)
    if Programme.objects.filter(code=programme.code).exists():
        raise ValidationError(_("Programme %(code)s already exists.") % {"code": programme.code})
    try:
        selectors.monthly_cost(programme)
    except UnknownTier as exc:
        raise ValidationError(str(exc))
    programme = save_programme(user, programme)
    record_event(user, "programs.continued", target=f"programme:{programme.pk}",
                 summary=f"Program {programme.code} melanjutkan program {earlier.code}.")
    return programme


@transaction.atomic
def save_scenario(user, programme: Programme, settings: "selectors.Settings", kind: str) -> Scenario:
    """Compute the scenarios again with the same settings (the planner is deterministic) and keep one,
    with every candidate's months, so the plan stays what was shown even when the registry changes."""
    require(user, "plans", _("Only the Admin or Operator Dinas may save a scenario."))
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    check_runs(user, programme)
    if programme.status != Programme.Status.DRAFT:
        raise ValidationError(_("The programme already has an approved plan."))
    if settings.budget > programme.budget:
        raise ValidationError(_("The scenario's budget is over the programme's ceiling (%(ceiling)s).")
                              % {"ceiling": format_rupiah(programme.budget)})
    found, cost, computed = selectors.scenarios(user, programme, settings)
    chosen = next(s for s in computed if s.name == kind)
    number = (programme.scenarios.aggregate(n=Max("number"))["n"] or 0) + 1
    scenario = Scenario.objects.create(
        programme=programme, number=number, kind=kind, budget=settings.budget,
        first=settings.first.first_day, last=settings.last.first_day, cost_per_month=cost,
        min_consecutive=settings.min_consecutive, continuity_first=settings.continuity_first,
        kecamatan_share=settings.kecamatan_share, candidates=len(found.workers), people=chosen.people,
        person_months=chosen.person_months, cost=chosen.cost, remaining=chosen.left,
        by_kecamatan={k: list(v) for k, v in chosen.by_kecamatan.items()}, warnings=chosen.warnings,
        remainder_buys=chosen.remainder_buys or "", solver=chosen.solver or "", created_by=user,
    )
    priority = {w.key: w.priority for w in found.workers}
    covered = [(key, chosen.months_per_worker[key]) for key in chosen.months_per_worker]
    ranked = covered + [(key, None) for key in chosen.uncovered]
    PlanLine.objects.bulk_create([
        PlanLine(scenario=scenario, peserta_id=found.ids[key], rank=rank, priority=priority[key],
                 first=span[0].first_day if span else None,
                 last=span[1].first_day if span else None,
                 lapses=chosen.lapse[key] if span else None)
        for rank, (key, span) in enumerate(ranked, start=1)
    ], batch_size=2000)
    record_event(user, "programs.scenario_saved", target=f"scenario:{scenario.pk}",
                 summary=f"Skenario #{number} ({kind}) program {programme.code}: {chosen.people} orang, "
                         f"{chosen.person_months} orang-bulan, biaya {format_rupiah(chosen.cost)}.")
    return scenario


@transaction.atomic
def approve_scenario(user, scenario: Scenario) -> Scenario:
    """The four-eyes step: someone other than the author makes a saved scenario the programme's plan, and
    its covered workers become enrolment candidates."""
    require(user, "approves", _("Only the Admin Dinas may approve a plan."))
    programme = Programme.objects.select_for_update().get(pk=scenario.programme_id)
    check_runs(user, programme)
    require_someone_else(user, scenario.created_by_id,
                         _("A scenario must be approved by another user than the one who saved it."))
    if programme.status != Programme.Status.DRAFT:
        raise ValidationError(_("The programme already has an approved plan."))
    if scenario.cost > programme.budget:
        raise ValidationError(_("The scenario's cost is over the programme's ceiling."))
    if scenario.people == 0:
        raise ValidationError(_("This scenario protects no one."))
    scenario.approved_by, scenario.approved_at, scenario.version = user, timezone.now(), 1  # the plan's version 1
    scenario._history_user = user
    scenario.save()
    programme.plan, programme.status = scenario, Programme.Status.APPROVED
    programme._history_user = user
    programme.save()
    # Continuing members not lapsed when the plan starts keep their KPJ: registered already, no new registration.
    kept = {c.membership.peserta_id: c.membership.kpj
            for c in selectors.continuing_members(programme, first=Month.of(scenario.first)) if c.keeps_kpj}
    made = enrolment.add_candidates(user, programme, scenario.lines.filter(first__isnull=False), kept)
    record_event(user, "programs.plan_approved", target=f"scenario:{scenario.pk}",
                 summary=f"Skenario #{scenario.number} menjadi rencana program {programme.code}: {made} calon peserta.")
    return scenario


NEXT_STATUS: dict[str, str] = {Programme.Status.APPROVED: Programme.Status.RUNNING, Programme.Status.RUNNING: Programme.Status.CLOSED}


@transaction.atomic
def advance_status(user, programme: Programme) -> Programme:
    """approved → running (the PKS is signed: registered members become active) → closed."""
    require(user, "approves", _("Only the Admin Dinas may change a programme's status."))
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    check_runs(user, programme)
    to = NEXT_STATUS.get(programme.status)
    if to is None:
        raise ValidationError(_("A programme can run only once its plan is approved.") if programme.status ==
                              Programme.Status.DRAFT else _("The programme is closed."))
    if to == Programme.Status.RUNNING and not (programme.pks_number and programme.pks_date):
        raise ValidationError(_("First fill in the number and date of the cooperation agreement (PKS) with BPJS."))
    before, programme.status = programme.status, to
    programme._history_user = user
    programme.save()
    activated = enrolment.activate_registered(user, programme) if to == Programme.Status.RUNNING else 0
    record_event(user, "programs.status_changed", target=f"programme:{programme.pk}",
                 summary=f"Program {programme.code}: {before} → {to}; {activated} peserta aktif.")
    return programme
