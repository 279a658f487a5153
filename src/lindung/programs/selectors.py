"""Who is eligible in a programme and in which order — always for the reader's area only."""

import polars as pl
from django.db.models import QuerySet

from lindung.accounts.scoping import area_code
from lindung.pipeline import eligibility
from lindung.registry.models import Pekerjaan
from lindung.registry.selectors import peserta_for

from .models import Programme

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
