from datetime import date

from ninja import Schema


class ProgrammeOut(Schema):
    code: str
    name: str
    year: int
    status: str
    first_month: str
    last_month: str
    funding_source: str
    budget: int
    income_tier: int
    package: str
    monthly_cost: int | None
    pks_number: str
    pks_date: date | None
    plan: int | None  # the approved scenario's number
    continues: str | None = None  # the code of the earlier programme it continues


class ContinueIn(Schema):
    year: int
    budget: int | str  # Rupiah: 500000000 or "500.000.000"


class GapOut(Schema):
    no_gap: int
    in_arrears: int
    lapsed: int
    never_paid: int  # never a participant: registered again as new members


class ContinuationOut(Schema):
    continues: str
    continuing: int  # members of the earlier programme going on (a KPJ, not ended, no live life event)
    keep_kpj: int  # of them, not lapsed by the first day: registered with their KPJ, no new registration
    continuing_eligible: int
    newcomers_eligible: int
    gap: GapOut
    lapse_dates: dict[str, int]  # of those lapsed: the day -> how many
    warnings: list[str]


class ProgrammeDetailOut(ProgrammeOut):
    continuation: ContinuationOut | None = None  # for a programme continuing another, in the reader's area


class ScenarioIn(Schema):
    kind: str  # everyone | full_year | optimum
    budget: int | None = None  # default: the programme's ceiling
    first: str | None = None  # YYYY-MM, default: the programme's first month
    last: str | None = None
    min_consecutive: int = 6
    continuity_first: bool = True
    kecamatan_share: bool = True


class FiguresOut(Schema):
    name: str
    title: str
    people: int
    months: int
    cost: int
    remaining: int
    person_months: int
    warnings: list[str]


class PlanOut(Schema):
    monthly_cost_per_person: int
    candidates: int
    scenarios: list[FiguresOut]


class ScenarioOut(Schema):
    number: int
    kind: str
    budget: int
    first: date
    last: date
    min_consecutive: int
    candidates: int
    people: int
    person_months: int
    cost: int
    remaining: int
    by_kecamatan: dict[str, list[int]]
    warnings: list[str]
    created_by: str
    approved_by: str | None
    # A plan version: 1 for the approved plan, 2, 3 … for revisions (None: a scenario never approved nor a revision)
    version: int | None = None
    revises: int | None = None  # the version a revision revises
    reason: str = ""  # why, e.g. "APBD-P 2026"
    revised_from: str | None = None  # YYYY-MM, the first month a revision changes
    in_force: bool = False  # the programme's plan now


class RevisionIn(Schema):
    revise_from: str  # YYYY-MM: the first month that changes; earlier months stay as billed and paid
    budget: int | str  # the new ceiling for the whole programme: 1209600000 or "1.209.600.000"
    kind: str | None = None  # with POST …/revision: everyone | full_year | optimum (default: the plan's own)
    reason: str = ""  # with POST …/revision: required, e.g. "APBD-P 2026"


class RevisionFiguresOut(Schema):
    kind: str  # everyone | full_year | optimum
    people: int
    person_months: int
    fixed_cost: int  # the months before revise_from, as planned
    cost: int  # the whole programme: fixed months and the months re-planned
    remaining: int
    losing_cover: int
    gaining_cover: int
    lapse_dates: dict[str, int]  # day -> how many of those losing cover lapse then, nobody paying
    no_month_left: int  # members this scenario leaves no month at all: it cannot be saved


class RevisionPreviewOut(Schema):
    plan_version: int
    earliest: str  # YYYY-MM: the first month a revision may change
    revise_from: str
    budget: int
    cost_per_month: int
    candidates: int
    scenarios: list[RevisionFiguresOut]
