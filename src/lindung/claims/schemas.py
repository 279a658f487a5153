from datetime import date, datetime

from ninja import Field, Schema


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
    suspected_work_accident: bool  # BPJS decides whether it was a work accident (PP 49/2023 Ps 25A-25B)
    decision_due: date | None  # a suspected work accident: BPJS decides by this day (first report + 30 days)


class ClaimWarningOut(Schema):
    code: str  # stage_one_late, stage_two, claim_deadline, payment or suspected_decision
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
    total_disability: bool  # a work accident with total permanent disability
    children_ages: list[int]  # on the event day, for its scholarship
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
    suspected_work_accident: bool = False  # JKK only: BPJS decides within 30 days of this report
    reporter_name: str = Field(min_length=1)
    reporter_relationship: str = Field(min_length=1)
    reporter_phone: str = ""


class HeirIn(Schema):
    name: str = Field(min_length=1)
    relationship: str  # janda, duda, anak, orang_tua, kakek_nenek, cucu, saudara_kandung, mertua, …
    nik: str = ""
    phone: str = ""
    bank_account: str = ""


class DisabilityIn(Schema):
    total: bool  # total permanent disability
    children_ages: list[int] = []  # ages on the event day, in the family's order (at most two get the scholarship)


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
