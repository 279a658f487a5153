"""Who is eligible in a programme and in which order — always for the reader's area only."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

import polars as pl
from django.db.models import Max, QuerySet

from lindung.accounts.scoping import area_code, sees_code, within
from lindung.enrolment.models import Membership
from lindung.life.selectors import excluded_reasons
from lindung.pipeline import eligibility
from lindung.registry.models import Pekerjaan, Peserta
from lindung.registry.selectors import peserta_for
from lindung.rules import planner
from lindung.rules.contributions import Month, highest_monthly, month_range
from lindung.wilayah.models import Wilayah

from .models import PlanLine, Programme, Scenario

COLUMNS = ["id", "nik", "nama", "desa_id", "tanggal_lahir", "desil", "miskin_ekstrem", "hubungan", "id_keluarga",
           "pekerjaan_1__code", "pekerjaan_2__code"]


def programmes_for(user) -> QuerySet[Programme]:
    # Programmes are the regency's; anyone with an area may read their rules.
    return Programme.objects.all() if area_code(user) else Programme.objects.none()


def rules_of(programme: Programme) -> tuple[eligibility.Rules, eligibility.Weights]:
    allowed = frozenset(programme.occupations.values_list("code", flat=True)) or None
    rules = eligibility.Rules(
        start=programme.start, min_age=programme.min_age, max_age=programme.max_age, occupations=allowed,
        desil_max=programme.desil_max, require_extreme_poverty=programme.require_extreme_poverty,
        excluded=frozenset(programme.exclusions.values_list("nik", flat=True)),
        life_events=tuple(excluded_reasons().items()),
    )
    weights = eligibility.Weights(
        desil=programme.weight_desil, extreme_poverty=programme.weight_extreme_poverty,
        high_risk_occupation=programme.weight_high_risk, head_of_household=programme.weight_head_of_household,
        per_dependant=programme.weight_per_dependant, max_dependants=programme.max_dependants,
    )
    return rules, weights


def assessment(user, programme: Programme) -> pl.DataFrame:
    """Every worker of the user's area with eligible, reasons and priority, best first."""
    return assess_workers(peserta_for(user), programme)


def assess_workers(workers, programme: Programme) -> pl.DataFrame:
    """The assessment of a queryset of workers (callers scope it; the CLI works for the whole regency)."""
    rows = list(workers.values_list(*COLUMNS))
    frame = pl.DataFrame(rows, schema={
        "id": pl.Int64, "nik": pl.Utf8, "nama": pl.Utf8, "desa": pl.Utf8, "tanggal_lahir": pl.Date, "desil": pl.Int64,
        "miskin_ekstrem": pl.Boolean, "hubungan": pl.Utf8, "id_keluarga": pl.Utf8, "job1": pl.Utf8, "job2": pl.Utf8,
    }, orient="row")
    frame = frame.with_columns(
        pl.concat_list(pl.col("job1"), pl.col("job2")).list.drop_nulls().alias("pekerjaan"),
        pl.when(pl.col("id_keluarga") == "").then(None).otherwise(pl.col("id_keluarga")).alias("id_keluarga"),
    ).drop("job1", "job2")
    rules, weights = rules_of(programme)
    high_risk = frozenset(Pekerjaan.objects.filter(high_risk=True).values_list("code", flat=True))
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
                           programme.income_tier, jht=programme.include_jht)


def known_monthly_cost(programme: Programme) -> int | None:
    """``monthly_cost`` for showing: None while the programme's income tier is not in the table."""
    try:
        return monthly_cost(programme)
    except ValueError:  # UnknownTier
        return None


@dataclass(frozen=True)
class Candidates:
    workers: list[planner.Worker]  # key = NIK
    ids: dict[str, int]  # NIK -> Peserta id


def candidates(user, programme: Programme) -> Candidates:
    """The eligible workers of the user's area for the planner."""
    return _candidates(peserta_for(user), Membership.objects.filter(within(user, "peserta__desa__code")), programme)


def regency_candidates(programme: Programme) -> Candidates:
    """Every eligible worker of the regency: for the command line, which acts for the office."""
    return _candidates(Peserta.objects.all(), Membership.objects.all(), programme)


def _candidates(workers, memberships, programme: Programme) -> Candidates:
    """With the month each continuing member is covered until: the last funded month of an active
    membership of an earlier programme."""
    eligible = assess_workers(workers, programme).filter(pl.col("eligible")).select("id", "nik", "priority", "desa")
    covered = dict(memberships.filter(status=Membership.Status.ACTIVE, last__lt=programme.start)
                   .values("peserta_id").annotate(until=Max("last")).values_list("peserta_id", "until"))
    found, ids = [], {}
    for pk, nik, priority, desa in eligible.iter_rows():
        until = covered.get(pk)
        found.append(planner.Worker(nik, priority, desa[:8], Month(until.year, until.month) if until else None))
        ids[nik] = pk
    return Candidates(found, ids)


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
                                 self.continuity_first, self.kecamatan_share)


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


def scenario_kecamatan(user, scenario: Scenario) -> dict[str, tuple[str, int, int]]:
    """Covered and eligible per kecamatan of the user's area: code -> (name, covered, eligible)."""
    mine = {k: v for k, v in scenario.by_kecamatan.items() if sees_code(user, k)}
    names = kecamatan_names(mine)
    return {k: (names.get(k, k), covered, eligible) for k, (covered, eligible) in mine.items()}


def plan_lines(user, scenario: Scenario, covered: bool | None = None) -> QuerySet[PlanLine]:
    lines = scenario.lines.filter(within(user, "peserta__desa__code")).select_related("peserta", "peserta__desa")
    return lines if covered is None else lines.filter(first__isnull=not covered)


def chart(computed: list[planner.Scenario], inp: planner.PlanInput) -> dict:
    """People covered in each month and the money spent by its end, per scenario: two Plotly figures."""
    labels = [str(m) for m in month_range(inp.first, inp.last)]
    people, spent = [], []
    for s in computed:
        ends = Counter(last for _, last in s.months_per_worker.values())
        still, total, counts, cumulative = s.people, 0, [], []
        for month in month_range(inp.first, inp.last):
            counts.append(still)
            total += still * inp.cost_per_month
            cumulative.append(total)
            still -= ends[month]
        people.append({"type": "scatter", "mode": "lines+markers", "name": s.title, "x": labels, "y": counts,
                       "line": {"shape": "hv"}})
        spent.append({"type": "scatter", "mode": "lines", "name": s.title, "x": labels, "y": cumulative})
    spent.append({"type": "scatter", "mode": "lines", "name": "Pagu", "x": labels, "y": [inp.budget] * len(labels),
                  "line": {"dash": "dot", "color": "#b3261e"}})
    return {"people": {"traces": people, "title": "Orang terlindungi per bulan"},
            "spent": {"traces": spent, "title": "Anggaran terpakai (kumulatif, Rp)"}}


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
