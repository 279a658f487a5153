"""Who is eligible in a programme and in which order — always for the reader's area only."""

import hashlib
import json
import os
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, fields, is_dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import polars as pl
from django.conf import settings
from django.db.models import Max, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext

from lindung.regulation.selectors import calendar, regulation_on
from lindung.accounts.scoping import area_code, people, sees_code, under, within
from lindung.core.templatetags.lindung import bulan as month_words
from lindung.enrolment.models import Membership
from lindung.life.selectors import excluded_reasons, live_events, months_paid_by_others
from lindung.payments.models import PaidMonth
from lindung.payments.selectors import as_coverage
from lindung.pipeline import eligibility
from lindung.registry.models import Pekerjaan, Peserta
from lindung.registry.selectors import peserta_for
from lindung.rules import continuation, planner
from lindung.rules.contributions import Month, Payer, due_date, highest_monthly, month_range
from lindung.wilayah import deployment
from lindung.wilayah.models import Wilayah
from lindung.wilayah.selectors import ancestors

from .models import PlanLine, Programme, Scenario

COLUMNS = ["id", "nik", "nama", "desa_id", "tanggal_lahir", "desil", "miskin_ekstrem", "hubungan", "id_keluarga",
           "pekerjaan_1__code", "pekerjaan_2__code"]


def programmes_for(user) -> QuerySet[Programme]:
    """The programmes run by the user's area or by one it lies in (a regency office sees the province's, with only
    its own people in it), and by the areas inside his (the province sees its regencies'); never a neighbour's."""
    code = area_code(user)
    if code is None:
        return Programme.objects.none()
    line = [*ancestors(code), code]
    root = deployment.root()
    unowned = Q(owner__isnull=True) if root in line or sees_code(user, root) else Q(pk__in=[])
    return Programme.objects.filter(Q(owner_id__in=line) | within(user, "owner__code") | unowned)


def runs(user, programme: Programme) -> bool:
    """Whether the user's office runs the programme (makes its plans, approves, bills): his area owns it."""
    return area_code(user) == programme.owner_code


def programmes_run_by(user) -> QuerySet[Programme]:
    """The programmes the user's office runs (``runs`` as a query): his area owns them, or, at the deployment's
    root, nobody does."""
    code = area_code(user)
    if code is None:
        return Programme.objects.none()
    mine = Q(owner_id=code)
    return Programme.objects.filter(mine | Q(owner__isnull=True) if code == deployment.root() else mine)


def programme_of(user, code: str) -> Programme:
    """The programme with this code, as this user may see it; 404 otherwise."""
    return get_object_or_404(programmes_for(user), code=code)


def running_programmes(user) -> QuerySet[Programme]:
    """Approved or running: the programmes whose cards are printed and whose members are billed."""
    return programmes_for(user).filter(status__in=[Programme.Status.APPROVED, Programme.Status.RUNNING])


def rules_of(programme: Programme, continuing: "list[Continuing] | None" = None
             ) -> tuple[eligibility.Rules, eligibility.Weights]:
    """The programme's rules and weights; ``continuing``: its continuing members, when the caller has them."""
    allowed = frozenset(programme.occupations.values_list("code", flat=True)) or None
    going_on = continuing_members(programme) if continuing is None else continuing
    rules = eligibility.Rules(
        start=programme.start, min_age=programme.min_age, max_age=programme.max_age, occupations=allowed,
        desil_max=programme.desil_max, require_extreme_poverty=programme.require_extreme_poverty,
        excluded=frozenset(programme.exclusions.values_list("nik", flat=True)),
        life_events=tuple(excluded_reasons().items()),
        continuing=frozenset(c.membership.peserta.nik for c in going_on if c.keeps_kpj),
    )
    return rules, weights_of(programme)


def weights_of(programme: Programme) -> eligibility.Weights:
    return eligibility.Weights(
        desil=programme.weight_desil, extreme_poverty=programme.weight_extreme_poverty,
        high_risk_occupation=programme.weight_high_risk, head_of_household=programme.weight_head_of_household,
        per_dependant=programme.weight_per_dependant, max_dependants=programme.max_dependants,
    )


def assessment(user, programme: Programme, continuing: "list[Continuing] | None" = None) -> pl.DataFrame:
    """Every worker of the user's area with eligible, reasons and priority, best first."""
    return kept_assessment(user, programme, continuing).collect()


def kept_assessment(user, programme: Programme, continuing: "list[Continuing] | None" = None) -> pl.LazyFrame:
    """``assessment`` as kept (see ``kept_assessment_of``), read lazily: a page reads its counts and 50 rows of it."""
    area = area_code(user)
    if area is None or not user.role.reads_register:
        # Members only (the BPJS officer): few, and which of them he sees changes with every registration.
        return assess_workers(peserta_for(user), programme, continuing).lazy()
    return kept_assessment_of(area, programme, continuing)


def kept_assessment_of(area: str, programme: Programme, continuing: "list[Continuing] | None" = None) -> pl.LazyFrame:
    """The assessment of every worker in ``area``, kept in a file named by all it is made of: the area, the
    register's last change (every write of a worker adds a history row), the occupations' and the programme's rules and
    weights (continuing members and life events in them). A change to any of them names another file, so what is kept
    is never stale; it is worked out again on the first read after (or before it, by ``programs.tasks``). Assessing a
    million workers takes seconds, nearly all of it reading them; reading the kept file, a tenth of a second."""
    rules, weights = rules_of(programme, continuing)
    high_risk = high_risk_occupations()
    folder = kept_assessments_dir()
    prefix = f"{programme.pk}-{area}-"
    # The newest history row's time too: after a backup is restored, its numbers are given again to other changes.
    made_of = [_latest_change(Peserta), _latest_change(Pekerjaan), rules, weights, high_risk]
    path = folder / (prefix + _digest(*made_of) + ".parquet")
    if not path.exists():
        frame = _assess(Peserta.objects.filter(under(area, "desa__code")), rules, weights, high_risk)
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, suffix=".tmp", delete=False) as tmp:
            frame.write_parquet(tmp.name)
        os.replace(tmp.name, path)  # whole or not at all, also for two workers writing it at once
        for old in folder.glob(prefix + "*.parquet"):
            # Older ones go once no reader can still be between opening and reading one.
            if old != path and time.time() - old.stat().st_mtime > 60:
                old.unlink(missing_ok=True)
    return pl.scan_parquet(path)


def kept_assessments_dir() -> Path:
    return Path(settings.DATA_DIR) / "assessments"


def _digest(*parts) -> str:
    """A name for ``parts`` that is the same in every process (Python's own hash of a string is not)."""
    def plain(value):
        if isinstance(value, frozenset):
            return sorted(plain(v) for v in value)
        if is_dataclass(value) and not isinstance(value, type):
            return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
        if isinstance(value, tuple | list):
            return [plain(v) for v in value]
        return value
    return hashlib.sha256(json.dumps(plain(parts), default=str).encode()).hexdigest()[:32]


def high_risk_occupations() -> frozenset[str]:
    return frozenset(Pekerjaan.objects.filter(high_risk=True).values_list("code", flat=True))


def _latest_change(model) -> tuple | None:
    return model.history.order_by("-history_id").values_list("history_id", "history_date").first()


def assess_workers(workers, programme: Programme, continuing: "list[Continuing] | None" = None) -> pl.DataFrame:
    """The assessment of a queryset of workers (callers scope it; the CLI works for the whole regency)."""
    rules, weights = rules_of(programme, continuing)
    return _assess(workers, rules, weights, high_risk_occupations())


def _assess(workers, rules: eligibility.Rules, weights: eligibility.Weights, high_risk: frozenset[str]) -> pl.DataFrame:
    rows = list(workers.order_by().values_list(*COLUMNS))  # sorted below: not by name first (1.4 s at a million)
    frame = pl.DataFrame(rows, schema={
        "id": pl.Int64, "nik": pl.Utf8, "nama": pl.Utf8, "desa": pl.Utf8, "tanggal_lahir": pl.Date, "desil": pl.Int64,
        "miskin_ekstrem": pl.Boolean, "hubungan": pl.Utf8, "id_keluarga": pl.Utf8, "job1": pl.Utf8, "job2": pl.Utf8,
    }, orient="row")
    frame = frame.with_columns(
        pl.concat_list(pl.col("job1"), pl.col("job2")).list.drop_nulls().alias("pekerjaan"),
        pl.when(pl.col("id_keluarga") == "").then(None).otherwise(pl.col("id_keluarga")).alias("id_keluarga"),
    ).drop("job1", "job2")
    assessed = eligibility.assess(frame, rules, weights, high_risk=high_risk)
    return assessed.sort(["eligible", "priority", "nik"], descending=[True, True, False])


def summary(assessed: pl.DataFrame) -> dict:
    # Reasons carry values (ages, desil); counted by kind, with the values blanked out.
    reasons = (assessed.select(pl.col("reasons").list.explode()).drop_nulls()
               .select(pl.col("reasons").str.replace_all(r"'[^']*'", "…").str.replace_all(r"\d+", "…"))
               .group_by("reasons").len().sort("len", descending=True))
    return {
        "total": assessed.height,
        "eligible": int(assessed["eligible"].sum()) if assessed.height else 0,
        "reasons": [(r, n) for r, n in reasons.iter_rows()],
    }


def monthly_cost(programme: Programme) -> int:
    """One person's month in the plan (raises UnknownTier for an income tier not in the table)."""
    return highest_monthly(programme.first_month, programme.last_month, programme.funding_source,
                           programme.income_tier, jht=programme.include_jht,
                           reg=regulation_on(programme.first_month.first_day))


def known_monthly_cost(programme: Programme) -> int | None:
    """``monthly_cost`` for showing: None while the programme's income tier is not in the table."""
    try:
        return monthly_cost(programme)
    except ValueError:  # UnknownTier
        return None


# Continuing an earlier programme into a new year.

@dataclass(frozen=True)
class Continuing:
    """A member of the programme a new one continues, with his gap before the new programme's first month."""

    membership: Membership  # of the earlier programme, with its peserta and village
    gap: continuation.Gap

    @property
    def keeps_kpj(self) -> bool:
        """Not lapsed (nor never paid) when the new programme starts: he goes on with his KPJ, no new registration."""
        return self.gap.keeps_kpj


def continuing_members(programme: Programme, memberships: QuerySet[Membership] | None = None,
                       first: Month | None = None) -> list[Continuing]:
    """The members of the programme ``programme`` continues who may go on, in NIK order: registered by BPJS (a
    KPJ), not ended (died, left) and without a live life event; none when it continues none. ``memberships``
    scopes them (to the user's area); the whole regency's by default. The gap runs to ``first`` (a plan's first
    month), by default the programme's."""
    earlier = programme.continues
    if earlier is None:
        return []
    found = ((Membership.objects.all() if memberships is None else memberships)
             .filter(programme=earlier, status__in=[Membership.Status.REGISTERED, Membership.Status.ACTIVE],
                     ended_on__isnull=True).exclude(kpj="").exclude(peserta__in=live_events().values("peserta")))
    paid = defaultdict(list)
    for p in (PaidMonth.objects.filter(membership__in=found.values("pk")).order_by("membership_id", "month")
              .values_list("membership_id", "month", "payer", "paid_on", named=True)):
        paid[p.membership_id].append(p)
    today, first, days = timezone.localdate(), first or programme.first_month, calendar()

    @lru_cache(maxsize=None)
    def due(month: Month) -> date:
        return due_date(month, collective=Payer(earlier.funding_source).collective,
                        reg=regulation_on(month.first_day), calendar=days)

    members = []
    reg = regulation_on(first.first_day)
    for m in found.select_related("peserta__desa", "programme").order_by("peserta__nik"):
        months = paid[m.pk]
        # While the earlier programme runs, the months its plan funds after the last one paid are still to be
        # paid: on their due date (today, for one due already), so no gap shows that its plan closes.
        planned = [] if earlier.status == Programme.Status.CLOSED else [
            PaidMonth(month=month.first_day, payer=earlier.funding_source, paid_on=max(due(month), today))
            for month in month_range(Month.of(months[-1].month).next() if months else Month.of(m.first),
                                     Month.of(m.last))]
        members.append(Continuing(m, continuation.gap(as_coverage(m, months + planned), first, reg)))
    return members


def continuing_for(user, programme: Programme) -> list[Continuing]:
    """``continuing_members`` of the user's area."""
    return continuing_members(programme, Membership.objects.filter(within(user, "peserta__desa__code")))


@dataclass(frozen=True)
class Candidates:
    workers: list[planner.Worker]  # key = NIK
    ids: dict[str, int]  # NIK -> Peserta id
    continuing: list[Continuing]  # of the programme it continues (eligible or not); [] when it continues none


def candidates(user, programme: Programme) -> Candidates:
    """The eligible workers of the user's area for the planner."""
    return _candidates(peserta_for(user), Membership.objects.filter(within(user, "peserta__desa__code")), programme)


def regency_candidates(programme: Programme) -> Candidates:
    """Every eligible worker of the regency: for the command line, which acts for the office."""
    return _candidates(Peserta.objects.all(), Membership.objects.all(), programme)


def _candidates(workers, memberships, programme: Programme) -> Candidates:
    """With the month each worker is covered until: the last funded month of an active membership of an earlier
    programme. For a programme continuing another, its continuing members are the continuing ones, whatever
    their gap; otherwise those covered until the month before the plan's first. With the months of the
    programme's period another payer pays (life.OtherCover, one query): the planner leaves them to it."""
    continuing = continuing_members(programme, memberships)
    going_on = {c.membership.peserta_id for c in continuing} if programme.continues_id else None
    eligible = (assess_workers(workers, programme, continuing).filter(pl.col("eligible"))
                .select("id", "nik", "priority", "desa"))
    covered = dict(memberships.filter(status=Membership.Status.ACTIVE, last__lt=programme.start)
                   .values("peserta_id").annotate(until=Max("last")).values_list("peserta_id", "until"))
    others = months_paid_by_others(workers.values("pk"), programme.first_month, programme.last_month)
    found, ids = [], {}
    for pk, nik, priority, desa in eligible.iter_rows():
        until = covered.get(pk)
        found.append(planner.Worker(nik, priority, desa[:8], Month(until.year, until.month) if until else None,
                                    None if going_on is None else pk in going_on, frozenset(others.get(pk, ()))))
        ids[nik] = pk
    return Candidates(found, ids, continuing)


def continuation_figures(programme: Programme, found: Candidates) -> dict | None:
    """What continuing ``programme``'s earlier one means, for the page, the CLI and the API: its continuing
    members (those keeping their KPJ, those eligible again), the eligible newcomers, the gaps before the first
    month, the lapse dates of those who lapsed, and the warnings. None when it continues none."""
    if programme.continues is None:
        return None
    gaps = [c.gap for c in found.continuing]
    lapsed = Counter(g.lapse for g in gaps if g.kind == "lapsed")
    return {
        "continues": programme.continues.code, "continuing": len(gaps),
        "keep_kpj": sum(c.keeps_kpj for c in found.continuing),
        "continuing_eligible": sum(bool(w.continuing) for w in found.workers),
        "newcomers_eligible": sum(not w.continuing for w in found.workers),
        "gap": continuation.counts(gaps), "lapse_dates": {day.isoformat(): n for day, n in sorted(lapsed.items())},  # type: ignore[union-attr]  # a lapsed gap has its day
        "warnings": continuation.warnings(gaps, programme.first_month),
    }


@dataclass(frozen=True)
class Settings:
    """What the planner form asks; defaults from the programme."""

    budget: int
    first: Month
    last: Month
    min_consecutive: int = 6
    continuity_first: bool = True
    kecamatan_share: bool = True

    @classmethod
    def of(cls, programme: Programme) -> "Settings":
        first, last = programme.first_month, programme.last_month
        return cls(programme.budget, first, last, min(6, last.index - first.index + 1))

    def plan_input(self, cost_per_month: int) -> planner.PlanInput:
        return planner.PlanInput(self.budget, self.first, self.last, cost_per_month, self.min_consecutive,
                                 self.continuity_first, self.kecamatan_share, regulation_on(self.first.first_day),
                                 calendar())


def scenarios(user, programme: Programme, settings: Settings) -> tuple[Candidates, int, list[planner.Scenario]]:
    """The three scenarios side by side for the user's area (the whole regency for the office).
    Raises ValueError (bad settings, unknown tier) and planner.SolverError with messages for the clerk."""
    found = candidates(user, programme)
    cost = monthly_cost(programme)
    return found, cost, planner.plan(found.workers, settings.plan_input(cost))


def kecamatan_names(codes) -> dict[str, str]:
    return dict(Wilayah.objects.filter(code__in=list(codes)).values_list("code", "name"))


def scenarios_for(user, programme: Programme) -> QuerySet[Scenario]:
    # A scenario's figures are counts, readable by every area like the programme; its lines are scoped.
    if area_code(user) is None:
        return Scenario.objects.none()
    return programme.scenarios.select_related("created_by", "approved_by")


def scenario_of(user, code: str, number: int) -> Scenario:
    """Scenario ``number`` of the programme with this code (users name scenarios by their number in it); 404."""
    return get_object_or_404(scenarios_for(user, programme_of(user, code)), number=number)


def scenario_kecamatan(user, scenario: Scenario) -> dict[str, tuple[str, int, int]]:
    """Covered and eligible per kecamatan of the user's area: code -> (name, covered, eligible)."""
    mine = {k: v for k, v in scenario.by_kecamatan.items() if sees_code(user, k)}
    names = kecamatan_names(mine)
    return {k: (names.get(k, k), covered, eligible) for k, (covered, eligible) in mine.items()}


def plan_lines(user, scenario: Scenario, covered: bool | None = None) -> QuerySet[PlanLine]:
    lines = scenario.lines.filter(people(user, "peserta__")).select_related("peserta", "peserta__desa")
    return lines if covered is None else lines.filter(first__isnull=not covered)


def chart(computed: list[planner.Scenario], inp: planner.PlanInput) -> dict:
    """People covered in each month and the money spent by its end, per scenario: two Plotly figures."""
    labels = [month_words(m) for m in month_range(inp.first, inp.last)]
    people: list[dict[str, object]] = []
    spent: list[dict[str, object]] = []
    for s in computed:
        ends = Counter(last for _, last in s.months_per_worker.values())
        still, total, counts, cumulative = s.people, 0, [], []
        for month in month_range(inp.first, inp.last):
            counts.append(still)
            total += (still - s.others_by_month.get(month, 0)) * inp.cost_per_month  # others' months: not spent
            cumulative.append(total)
            still -= ends[month]
        people.append({"type": "scatter", "mode": "lines+markers", "name": s.title, "x": labels, "y": counts,
                       "line": {"shape": "hv"}})
        spent.append({"type": "scatter", "mode": "lines", "name": s.title, "x": labels, "y": cumulative})
    spent.append({"type": "scatter", "mode": "lines", "name": gettext("Budget ceiling (pagu)"), "x": labels, "y": [inp.budget] * len(labels),
                  "line": {"dash": "dot", "color": "#b3261e"}})
    return {"people": {"traces": people, "title": gettext("People covered per month")},
            "spent": {"traces": spent, "title": gettext("Budget used (cumulative, Rp)")}}


def lapse_counts(scenario: planner.Scenario) -> list[tuple[date, int]]:
    """How many covered workers lose protection on each date if nobody pays after the funded months."""
    return sorted(Counter(scenario.lapse.values()).items())


# The names for the two fixed scenarios, in the CLI's and the API's answers.
PUBLIC_NAMES = {"everyone": "all_max_months", "full_year": "full_year", "optimum": "optimum"}


def figures(s: planner.Scenario) -> dict:
    """A scenario's figures as the CLI and the API give them; months = the longest span funded."""
    return {
        "name": PUBLIC_NAMES[s.name], "title": s.title, "people": s.people,
        "months": max((b.index - a.index + 1 for a, b in s.months_per_worker.values()), default=0),
        "cost": s.cost, "remaining": s.left, "person_months": s.person_months, "warnings": s.warnings,
    }
