from datetime import date, datetime

from ninja import Field, Schema


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


class OtherRegistriesOut(Schema):
    """The other registries (LINDUNG_OTHER_REGISTRIES) asked before the check ran."""
    asked: list[str]  # those that answered, by name
    recorded: int  # other cover recorded from their answers
    withdrawn: int  # cover they told before and no longer tell
    not_asked: dict[str, str]  # name -> why it could not be asked: the payers it knows were not checked
    messages: list[str]  # the same, in words


class BillCheckOut(Schema):
    month: str
    status: str
    members: int
    total: int
    checked_by: str | None
    checked_at: datetime | None
    summary: list[RuleCountOut]  # every rule, of the caller's area
    findings: list[BillFindingOut]  # of the caller's area, by rule then NIK; offset/limit
    # Only in the answer of the POST that runs the check: the other registries asked first.
    other_registries: OtherRegistriesOut | None = None


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
