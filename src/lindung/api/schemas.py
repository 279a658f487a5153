from datetime import date, datetime

from ninja import Field, Schema


class RegionOut(Schema):
    code: str
    name: str
    level: int
    kind: str
    parent: str | None


class WorkerOut(Schema):
    nik: str
    nama: str
    jenis_kelamin: str
    tanggal_lahir: date
    desa: str
    desa_nama: str
    kecamatan: str
    pekerjaan: list[str]
    desil: int | None
    miskin_ekstrem: bool


class WorkerDetailOut(WorkerOut):
    no_kk: str
    tempat_lahir: str
    alamat: str
    telepon: str
    penghasilan: int
    sumber: str


class WorkerSearchOut(Schema):
    results: list[WorkerOut]
    more: bool


class MeOut(Schema):
    username: str
    role: str | None
    area: str | None


class ImportOut(Schema):
    number: int
    filename: str
    sha256: str
    status: str
    progress: int
    stage: str
    error: str
    source: str
    report: dict


class FindingOut(Schema):
    row: int
    column: str
    code: str
    severity: str
    message: str


class PairOut(Schema):
    number: int
    nik_a: str
    nik_b: str
    probability: float
    batch: int | None


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


class KecamatanStatusOut(Schema):
    code: str
    name: str
    counts: dict[str, int]  # by workflow status
    total: int
    protection: dict[str, int]  # registered members by their protection today (aktif, menunggak, nonaktif, berakhir)


class MemberOut(Schema):
    nik: str
    nama: str
    desa: str
    status: str  # the workflow: candidate, submitted, registered, active (running), rejected, …
    kpj: str
    rejection_reason: str
    first: date
    last: date
    # What the coverage engine says today, for a registered member (KPJ); null before registration.
    protection: str | None  # aktif, menunggak, nonaktif, berakhir
    protection_label: str | None  # e.g. "Menunggak 2 bulan", "Nonaktif sejak 1 Juni 2025", "Meninggal 10 Februari 2025"
    arrears_months: int
    lapse: date | None  # the day it lapsed, or lapses if nobody pays; null when it ended first
    ended_on: date | None


class BillOut(Schema):
    month: str
    status: str
    due_date: date
    members: int
    total: int
    paid: int
    created_by: str
    approved_by: str | None


class BillIn(Schema):
    month: str


class ApproveIn(Schema):
    # Why the members the check before approval found stay on the bill: required when any finding is open.
    note: str = ""


class RuleCountOut(Schema):
    rule: str
    title: str
    why: str
    open: int
    excluded: int  # taken off the bill
    kept: int  # kept on it by the approver, with his note


class BillFindingOut(Schema):
    nik: str
    nama: str
    desa: str
    rule: str
    title: str
    evidence: str
    outcome: str  # open, excluded, kept
    note: str  # the reason it was taken off or kept


class BillCheckOut(Schema):
    month: str
    status: str
    members: int
    total: int
    checked_by: str | None
    checked_at: datetime | None
    summary: list[RuleCountOut]  # every rule, of the caller's area
    findings: list[BillFindingOut]  # of the caller's area, by rule then NIK; offset/limit


class ExcludeIn(Schema):
    reason: str
    rules: list[str] = Field(default_factory=list)  # the open findings of these rules …
    niks: list[str] = Field(default_factory=list)  # … and/or of these members


class BillExcludedOut(BillCheckOut):
    excluded: int  # members taken off the bill by this call


class BillLineOut(Schema):
    nik: str
    nama: str
    desa: str
    kpj: str
    jkk: int
    jkm: int
    jht: int
    discount: int
    total: int
    paid_on: date | None


class PaymentIn(Schema):
    sp2d_number: str
    paid_on: date
    amount: int


class PaymentOut(Schema):
    sp2d_number: str
    paid_on: date
    amount: int
    late: bool
    recorded_by: str


class PaymentRecordedOut(PaymentOut):
    lines_paid: int
    # The members (of the caller's area) whose month this late payment paid after the due date.
    in_arrears: list[str]


class CoverageMonthOut(Schema):
    month: str
    payer: str
    paid_on: date | None
    late: bool
    due: date
    status: str


class CoverageOut(Schema):
    programme: str
    kpj: str
    status_today: str
    months: list[CoverageMonthOut]


class DifferenceOut(Schema):
    kind: str
    nik: str
    kpj: str
    nama: str
    ours: int | None
    theirs: int | None
    note: str
    resolved_by: str | None
    resolved_at: datetime | None


class ReconciliationOut(Schema):
    file_name: str
    sha256: str
    rows: int
    matched: int
    amount_differs: int
    only_ours: int
    only_theirs: int
    ours_total: int
    theirs_total: int
    imported_by: str
    imported: datetime
    differences: list[DifferenceOut]  # those of the caller's area


class ResolveIn(Schema):
    kind: str
    kpj: str = ""  # the difference's KPJ, or else its NIK
    nik: str = ""
    note: str


class CardStatusOut(Schema):
    kecamatan: str
    name: str
    printed: int
    at_dinas: int
    at_camat: int
    at_village: int
    delivered: int
    returned: int
    overdue: int


class CardOut(Schema):
    number: str  # KPJ-version, as printed on the card
    kpj: str
    nama: str
    desa: str
    programme: str
    status: str
    since: datetime
    return_reason: str
    void_reason: str
    overdue: bool


class ReplaceIn(Schema):
    reason: str  # lost, damaged or wrong_data
    layout: str = "a4"  # a4 or card


class PrintIn(Schema):
    programme: str
    kecamatan: str  # its code, e.g. 17.04.05
    layout: str = "a4"


class PrintBatchOut(Schema):
    id: int
    programme: str
    number: int
    kecamatan: str
    cards: int
    layout: str
    created: datetime


class HandoverIn(Schema):
    cards: list[str]  # card numbers
    to_status: str  # at_dinas, at_camat, at_village, delivered or returned
    giver_name: str
    giver_role: str
    receiver_name: str
    receiver_role: str
    place: str
    happened_on: date
    reason: str = ""  # returned: moved, deceased, unknown or refused
    id_checked: bool = False  # delivered: the recipient's KTP was checked


class HandoverCardOut(Schema):
    number: str
    kpj: str
    nama: str
    desa: str


class HandoverOut(Schema):
    number: str  # BA-YYYY-NNNN, the minutes' number
    from_status: str
    to_status: str
    giver_name: str
    giver_role: str
    receiver_name: str
    receiver_role: str
    place: str
    happened_on: date
    id_checked: bool
    cards: list[HandoverCardOut]


class ClaimOut(Schema):
    number: str  # KLM-YYYY-NNNN
    kind: str  # jkm, jkk_death or jkk_injury
    status: str  # reported, documents_complete, submitted, approved, rejected or paid
    nik: str
    nama: str
    kpj: str
    desa: str
    event_date: date
    reported_on: date
    submitted_on: date | None
    paid_on: date | None
    paid_amount: int | None
    overdue: bool  # an open claim past a deadline today


class ClaimWarningOut(Schema):
    code: str  # stage_one_late, stage_two, claim_deadline or payment
    text: str
    overdue: bool
    due: date


class ClaimHeirOut(Schema):
    name: str
    relationship: str


class ClaimDocumentOut(Schema):
    kind: str
    label: str
    required: bool
    present: bool
    files: int
    uploaded_at: datetime | None  # the latest file's


class ClaimDetailOut(ClaimOut):
    event_place: str
    cause: str
    traffic_accident: bool
    reporter_name: str
    reporter_relationship: str
    rejection_reason: str
    documents_complete_on: date | None
    decided_on: date | None
    doctor_statement_on: date | None
    stage_one_due: date | None
    claim_due: date
    payment_due: date | None
    warnings: list[ClaimWarningOut]
    benefit: dict | None  # frozen at submission (rules.benefits)
    benefit_total: int | None
    payable_now: int | None
    rule_version: str
    coverage_status: str
    heirs: list[ClaimHeirOut]
    documents: list[ClaimDocumentOut]


class ClaimIn(Schema):
    nik: str = ""  # the member's NIK, or
    kpj: str = ""  # his KPJ
    kind: str  # jkm, jkk_death or jkk_injury
    event_date: date
    event_place: str = Field(min_length=1)
    cause: str = Field(min_length=1)
    traffic_accident: bool = False
    reporter_name: str = Field(min_length=1)
    reporter_relationship: str = Field(min_length=1)
    reporter_phone: str = ""


class HeirIn(Schema):
    name: str = Field(min_length=1)
    relationship: str  # janda, duda, anak, orang_tua, kakek_nenek, cucu, saudara_kandung, mertua, …
    nik: str = ""
    phone: str = ""
    bank_account: str = ""


class DecideIn(Schema):
    approved: bool
    reason: str = ""  # required when rejected


class PaidIn(Schema):
    amount: int = Field(gt=0)
    paid_on: date


class ClaimCountOut(Schema):
    key: str  # the kind, status, kecamatan code or month (YYYY-MM)
    name: str  # the kecamatan's name, or the kind's or status's label
    claims: int
    paid_claims: int
    paid: int


class ClaimMonthOut(ClaimCountOut):
    kinds: dict[str, int]


class ClaimReportOut(Schema):
    year: int | None
    claims: int
    paid_claims: int
    paid: int
    median_days: float | None
    average_days: float | None
    slowest_days: int | None
    slowest_number: str | None
    late: int
    by_kind: list[ClaimCountOut]
    by_status: list[ClaimCountOut]
    by_kecamatan: list[ClaimCountOut]
    by_month: list[ClaimMonthOut]
    days_to_payment: dict[str, int]  # claims paid per group of days, e.g. "15–30": 2
