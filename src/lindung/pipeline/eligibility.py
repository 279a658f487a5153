"""Who a programme may enrol, why not, and in what order: rules and weights are data.

`assess` checks every worker against a programme's `Rules` and scores everyone by `Weights`, in
one set-based pass (no Python loop per row). Each unmet rule becomes an Indonesian sentence that
names the offending value, so a clerk can act on it. `formula` and `explain` show the score's
arithmetic to the user: the same expressions compute `priority`, so the shown parts always add up.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from lindung.rules.contributions import tanggal

# hubungan values meaning head of household, once lower-cased and single-spaced.
_HEADS = ["kepala keluarga", "kepala rumah tangga", "krt", "kk"]
_SEP = "\x1f"  # ASCII unit separator: joins reason sentences, never occurs inside one


@dataclass(frozen=True)
class Rules:
    start: date  # ages are taken on the programme start
    min_age: int = 18  # a setting (DOMAIN §3 [check])
    max_age: int = 64  # under 65 at registration [firm]
    occupations: frozenset[str] | None = None  # allowed occupation codes; None = any listed one
    desil_max: int | None = 1  # P3KE desil 1 (DTSEN: 4); None = no ceiling
    require_extreme_poverty: bool = False
    excluded: frozenset[str] = frozenset()  # NIKs to exclude (e.g. BPJS wage-earner members)
    enrolled: frozenset[str] = frozenset()  # NIKs already enrolled in another programme
    # NIKs of members continuing an earlier programme with their KPJ: the age limit applies at registration
    # only, so max_age does not stop them (DOMAIN §3 [firm])
    continuing: frozenset[str] = frozenset()
    # NIK -> why a life event keeps him out (died, even if only reported; moved out; covered by another payer)
    life_events: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Weights:
    """The priority formula's weights, shown to users."""

    desil: int = 10  # points per step below desil 11: desil × (11 − the worker's desil)
    extreme_poverty: int = 20
    high_risk_occupation: int = 15
    head_of_household: int = 10
    per_dependant: int = 3  # household members minus one, capped
    max_dependants: int = 5


def formula(weights: Weights = Weights()) -> str:
    """The priority formula as shown to users."""
    w = weights
    return (
        f"Skor = {w.desil} × (11 − desil) + {w.extreme_poverty} × miskin ekstrem"
        f" + {w.high_risk_occupation} × pekerjaan berisiko tinggi"
        f" + {w.head_of_household} × kepala keluarga"
        f" + {w.per_dependant} × tanggungan (maks. {w.max_dependants})"
    )



def _age(born: pl.Expr, on: date) -> pl.Expr:
    """Whole years completed on `on`: one less if the birthday has not come yet that year."""
    before_birthday = (born.dt.month() > on.month) | (
        (born.dt.month() == on.month) & (born.dt.day() > on.day)
    )
    return pl.lit(on.year, pl.Int64) - born.dt.year().cast(pl.Int64) - before_birthday.cast(pl.Int64)


def _desil() -> pl.Expr:
    """Desil 1–10; anything else is unknown (null), so it neither scores nor passes a ceiling."""
    d = pl.col("desil").cast(pl.Int64)
    return pl.when(d.is_between(1, 10)).then(d)


def _head_of_household() -> pl.Expr:
    hubungan = pl.col("hubungan").str.to_lowercase().str.replace_all(r"\s+", " ").str.strip_chars()
    return hubungan.is_in(_HEADS).fill_null(False)


def _dependants(weights: Weights) -> pl.Expr:
    return (pl.col("household_size") - 1).clip(0, weights.max_dependants)


def _parts(weights: Weights) -> list[pl.Expr]:
    """The score's terms, in `formula` order, over the columns `assess` derives."""
    w = weights
    return [
        (w.desil * (11 - _desil())).fill_null(0),
        w.extreme_poverty * pl.col("miskin_ekstrem").fill_null(False).cast(pl.Int64),
        w.high_risk_occupation * pl.col("high_risk").fill_null(False).cast(pl.Int64),
        w.head_of_household * _head_of_household().cast(pl.Int64),
        w.per_dependant * _dependants(w),
    ]


def _jobs() -> pl.Expr:
    return pl.col("pekerjaan").fill_null([])


def _reasons(rules: Rules) -> pl.Expr:
    """Every unmet rule as a sentence, joined by _SEP ("" when all are met), over `_age`."""
    on = tanggal(rules.start)
    age = pl.col("_age")
    has_job = _jobs().list.eval(pl.element().is_not_null()).list.any()
    sentences = [
        pl.when(age.is_null()).then(pl.lit("Tanggal lahir tidak diketahui")),
        pl.when(age < rules.min_age).then(
            pl.format(f"Usia {{}} tahun pada {on}: minimal {rules.min_age}", age)
        ),
        pl.when((age > rules.max_age) & ~pl.col("nik").is_in(list(rules.continuing)).fill_null(False)).then(
            pl.format(f"Usia {{}} tahun pada {on}: harus di bawah {rules.max_age + 1}", age)
        ),
        pl.when(~has_job).then(pl.lit("Tidak punya pekerjaan yang diizinkan")),
        pl.when(pl.col("nik").is_in(list(rules.excluded)).fill_null(False)).then(
            pl.lit("Terdaftar sebagai peserta penerima upah (daftar pengecualian)")
        ),
        pl.when(pl.col("nik").is_in(list(rules.enrolled)).fill_null(False)).then(
            pl.lit("Sudah terdaftar di program lain")
        ),
        pl.col("nik").replace_strict(dict(rules.life_events), default=None, return_dtype=pl.Utf8),
    ]
    if rules.require_extreme_poverty:
        sentences.append(
            pl.when(~pl.col("miskin_ekstrem").fill_null(False)).then(pl.lit("Bukan keluarga miskin ekstrem"))
        )
    if rules.desil_max is not None:
        raw = pl.col("desil").cast(pl.Int64)
        sentences += [
            pl.when(raw.is_null()).then(pl.lit(f"Desil tidak diketahui (batas {rules.desil_max})")),
            pl.when(raw.is_not_null() & _desil().is_null()).then(
                pl.format("Desil {} tidak sah: harus 1–10", raw)
            ),
            pl.when(_desil() > rules.desil_max).then(
                pl.format(f"Desil {{}} di atas batas {rules.desil_max}", raw)
            ),
        ]
    if rules.occupations is not None:
        # One allowed occupation is enough (a fisher who also trades is still a fisher); only when
        # none is allowed is each listed occupation named.
        allowed = _jobs().list.eval(pl.element().is_in(list(rules.occupations))).list.any()
        named = _jobs().list.eval(pl.format("Pekerjaan '{}' tidak termasuk yang diizinkan", pl.element()))
        sentences.append(pl.when(has_job & ~allowed).then(named.list.join(_SEP)))
    # One string split once is several times faster than concat_list + drop_nulls.
    return pl.concat_str(sentences, separator=_SEP, ignore_nulls=True)


def assess(
    workers: pl.DataFrame, rules: Rules, weights: Weights = Weights(), *, high_risk: frozenset[str]
) -> pl.DataFrame:
    """The workers, in their order, with `eligible`, `reasons`, `household_size`, `high_risk` (has
    a high-risk occupation, for `explain`) and `priority`. Rank with
    `.sort(["priority", "nik"], descending=[True, False])`: sorting is left to the caller, which
    often filters first, as it costs nearly as much as the whole assessment."""
    family = pl.col("id_keluarga")
    # Empty or missing family ids (readers strip cells) would otherwise pool into one household.
    household_size = (
        pl.when(family.fill_null("") != "").then(pl.len().over(family)).otherwise(1).cast(pl.Int64)
    )
    joined = pl.col("_reasons")
    # Staged columns, so age and the joined sentences are computed once, not once per use.
    return (
        workers.lazy()
        .with_columns(
            _age(pl.col("tanggal_lahir"), rules.start).alias("_age"),
            household_size.alias("household_size"),
            _jobs().list.eval(pl.element().is_in(list(high_risk))).list.any().alias("high_risk"),
        )
        .with_columns(_reasons(rules).alias("_reasons"))
        .with_columns(
            (joined == "").alias("eligible"),
            pl.when(joined == "")
            .then(pl.lit([], pl.List(pl.Utf8)))
            .otherwise(joined.str.split(_SEP))
            .alias("reasons"),
            pl.sum_horizontal(_parts(weights)).cast(pl.Int64).alias("priority"),
        )
        .drop("_age", "_reasons")
        .collect()
    )


def explain(row: dict[str, Any], weights: Weights = Weights()) -> list[tuple[str, int]]:
    """The score's parts for one row of `assess`'s result, labelled with the worker's values."""
    schema = {
        "desil": pl.Int64,
        "miskin_ekstrem": pl.Boolean,
        "high_risk": pl.Boolean,
        "hubungan": pl.Utf8,
        "household_size": pl.Int64,
    }
    one = pl.DataFrame({k: [row.get(k)] for k in schema}, schema=schema)
    points = one.select([p.alias(str(i)) for i, p in enumerate(_parts(weights))]).row(0)
    desil, head, dependants = one.select(_desil(), _head_of_household(), _dependants(weights)).row(0)
    yes_no = {True: "ya", False: "tidak"}
    w = weights
    labels = [
        f"Desil {desil}: {w.desil} × (11 − {desil})" if desil is not None else "Desil tidak diketahui",
        f"Miskin ekstrem: {yes_no[bool(row.get('miskin_ekstrem'))]}",
        f"Pekerjaan berisiko tinggi: {yes_no[bool(row.get('high_risk'))]}",
        f"Kepala keluarga: {yes_no[head]}",
        f"Tanggungan {dependants} × {w.per_dependant} (maks. {w.max_dependants})",
    ]
    return list(zip(labels, points, strict=True))
