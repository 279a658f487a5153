"""The API of payments: a programme's monthly bills by month, their check, payments and reconciliation; a worker's
coverage month by month."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import File, Router, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from lindung.regulation.selectors import calendar, regulation_on
from lindung.api.common import Refused, one_of, programme_or_404
from lindung.enrolment import selectors as enrolment
from lindung.payments import selectors as payments
from lindung.payments import services as payment_services
from lindung.payments.models import Bill, BillFinding, Reconciliation
from lindung.pipeline.readers import ReadError
from lindung.registry import selectors as registry
from lindung.registry.models import Peserta
from lindung.registry.schemas import NikIn
from lindung.rules import coverage
from lindung.rules.bill_check import Rule
from lindung.rules.contributions import Month

from .schemas import (
    ApproveIn,
    BillCheckOut,
    BillExcludedOut,
    BillIn,
    BillLineOut,
    BillOut,
    CoverageOut,
    ExcludeIn,
    PaymentIn,
    PaymentOut,
    PaymentRecordedOut,
    ReconciliationOut,
    ResolveIn,
)

router = Router()


def _bill(request, code: str, month: str) -> Bill:
    try:
        day = Month.parse(month).first_day
    except ValueError as exc:
        raise HttpError(422, str(exc))
    return get_object_or_404(payments.bills_for(request.user, programme_or_404(request, code)), month=day)


def _bill_out(b: Bill) -> dict:
    return {"month": f"{b.month:%Y-%m}", "status": b.status, "due_date": b.due_date, "members": b.members,
            "total": b.total, "paid": sum(p.amount for p in b.payments.all()), "created_by": b.created_by.username,
            "approved_by": b.approved_by.username if b.approved_by else None}


def _payment_out(p) -> dict:
    return {"sp2d_number": p.sp2d_number, "paid_on": p.paid_on, "amount": p.amount, "late": p.late,
            "recorded_by": p.recorded_by.username}


@router.get("/programmes/{code}/bills", response=list[BillOut], tags=["payments"])
def bill_list(request, code: str):
    found = payments.bills_for(request.user, programme_or_404(request, code))
    return [_bill_out(b) for b in found.select_related("created_by", "approved_by").prefetch_related("payments")]


@router.post("/programmes/{code}/bills", response={201: BillOut}, tags=["payments"])
def bill_generate(request, code: str, data: BillIn):
    """Generate the month's bill, or add the members missing from its draft (nobody is billed twice)."""
    return Status(201, _bill_out(payment_services.generate_bill(request.user, programme_or_404(request, code), data.month).bill))


@router.get("/programmes/{code}/bills/{month}", response=BillOut, tags=["payments"])
def bill(request, code: str, month: str):
    return _bill_out(_bill(request, code, month))


@router.post("/programmes/{code}/bills/{month}/approve", response=BillOut, tags=["payments"])
def bill_approve(request, code: str, month: str, data: ApproveIn | None = None):
    """The four-eyes step: not by the bill's maker. The check before approval runs again first; members it finds
    that were not taken off the bill (``/exclude``) stay on it only with the approver's ``note`` saying why."""
    return _bill_out(payment_services.approve_bill(request.user, _bill(request, code, month),
                                                   note=data.note if data else ""))


def _check_out(request, bill: Bill, rule: str = "", outcome: str = "", offset: int = 0, limit: int = 100) -> dict:
    """The check before approval of ``bill``: every rule's counts and the findings (a page of them), both of the
    caller's area."""
    found = payments.findings_for(request.user, bill)
    if one_of(rule, [r.value for r in Rule], "rule"):
        found = found.filter(rule=rule)
    if one_of(outcome, BillFinding.Outcome.values, "outcome"):
        found = found.filter(outcome=outcome)
    start = max(offset, 0)
    return {"month": f"{bill.month:%Y-%m}", "status": bill.status, "members": bill.members, "total": bill.total,
            "checked_by": bill.checked_by.username if bill.checked_by else None, "checked_at": bill.checked_at,
            "summary": [{"rule": r.rule.value, "title": r.title, "why": r.why, "open": r.open, "excluded": r.excluded,
                         "kept": r.kept} for r in payments.check_summary(request.user, bill)],
            "findings": [{"nik": f.peserta.nik, "nama": f.peserta.nama, "desa": f.peserta.desa_id, "rule": f.rule,
                          "title": f.get_rule_display(), "evidence": f.evidence, "outcome": f.outcome, "note": f.note}
                         for f in found[start:start + min(max(limit, 1), 1000)]]}


def _checked(request, code: str, month: str) -> Bill:
    return Bill.objects.select_related("checked_by").get(pk=_bill(request, code, month).pk)


@router.get("/programmes/{code}/bills/{month}/check", response=BillCheckOut, tags=["payments"])
def bill_check(request, code: str, month: str, rule: str = "", outcome: str = "", offset: int = 0, limit: int = 100):
    """The last check before approval: per rule, the findings open, taken off the bill and kept on it, and the
    findings themselves (rule, evidence, outcome) of the members in the caller's area, by rule then NIK."""
    return _check_out(request, _checked(request, code, month), rule, outcome, offset, limit)


@router.post("/programmes/{code}/bills/{month}/check", response=BillCheckOut, tags=["payments"])
def bill_check_run(request, code: str, month: str, offset: int = 0, limit: int = 100):
    """Run the check on the draft bill: who died, moved, was 65 or older when registered, earns a wage, is paid by
    another payer or programme, is a probable duplicate or has no KPJ. Decided findings stay as decided. The other
    registries (LINDUNG_OTHER_REGISTRIES) are asked first which of the month's members they pay; each that could
    not be asked is named in ``other_registries``: the payers it knows were not checked."""
    bill = _bill(request, code, month)
    asked = payment_services.check_bill_asking_others(request.user, bill).registries
    return {**_check_out(request, _checked(request, code, month), offset=offset, limit=limit),
            "other_registries": {"asked": asked.asked, "recorded": asked.recorded, "withdrawn": asked.withdrawn,
                                 "not_asked": asked.errors, "messages": asked.messages}}


@router.post("/programmes/{code}/bills/{month}/exclude", response=BillExcludedOut, tags=["payments"])
def bill_exclude(request, code: str, month: str, data: ExcludeIn, offset: int = 0, limit: int = 100):
    """Take the members of the open findings chosen (by ``rules``, by ``niks``, or both) off the draft bill, with
    the ``reason``; generating the month again does not add them back. ``excluded``: how many left the bill."""
    for rule in data.rules:
        one_of(rule, [r.value for r in Rule], "rules")
    excluded = payment_services.exclude_findings(request.user, _bill(request, code, month), data.reason,
                                                 rules=data.rules, niks=data.niks)
    return {**_check_out(request, _checked(request, code, month), offset=offset, limit=limit), "excluded": excluded}


@router.get("/programmes/{code}/bills/{month}/lines", response=list[BillLineOut], tags=["payments"])
def bill_line_list(request, code: str, month: str, offset: int = 0, limit: int = 100):
    """The bill's lines of the members in the caller's area, by NIK."""
    found = payments.bill_lines(request.user, _bill(request, code, month)).select_related("membership")
    start = max(offset, 0)
    return [{"nik": ln.peserta.nik, "nama": ln.peserta.nama, "desa": ln.peserta.desa_id, "kpj": ln.membership.kpj,
             "jkk": ln.jkk, "jkm": ln.jkm, "jht": ln.jht, "discount": ln.discount, "total": ln.total,
             "paid_on": ln.paid_on} for ln in found[start:start + min(max(limit, 1), 1000)]]


@router.get("/programmes/{code}/bills/{month}/payments", response=list[PaymentOut], tags=["payments"])
def payment_list(request, code: str, month: str):
    return [_payment_out(p) for p in _bill(request, code, month).payments.select_related("recorded_by")]


@router.post("/programmes/{code}/bills/{month}/payments", response={201: PaymentRecordedOut}, tags=["payments"])
def payment_record(request, code: str, month: str, data: PaymentIn):
    """Record an SP2D against the approved bill; it pays whole lines in NIK order."""
    done = payment_services.record_payment(request.user, _bill(request, code, month), data.sp2d_number, data.paid_on,
                                           data.amount)
    late = enrolment.memberships_for(request.user, done.payment.bill.programme).filter(pk__in=done.in_arrears)
    return Status(201, {**_payment_out(done.payment), "lines_paid": done.lines_paid,
                        "in_arrears": sorted(late.values_list("peserta__nik", flat=True))})


def _reconciliation_out(request, r: Reconciliation, kind: str = "", open_only: bool = False) -> dict:
    found = payments.differences(request.user, r, kind=kind or None, open_only=open_only)
    return {**{f: getattr(r, f) for f in ("file_name", "sha256", "rows", "matched", "amount_differs", "only_ours",
                                          "only_theirs", "ours_total", "theirs_total", "imported")},
            "imported_by": r.imported_by.username,
            "differences": [{"kind": d.kind, "nik": d.nik, "kpj": d.kpj, "nama": d.nama, "ours": d.ours,
                             "theirs": d.theirs, "note": d.note, "resolved_at": d.resolved_at,
                             "resolved_by": d.resolved_by.username if d.resolved_by else None} for d in found]}


def _latest(request, code: str, month: str) -> Reconciliation:
    found = payments.reconciliations_for(request.user, _bill(request, code, month)).first()
    if found is None:
        raise HttpError(404, "Tagihan ini belum dibandingkan dengan berkas BPJS.")
    return found


@router.get("/programmes/{code}/bills/{month}/reconciliation", response=ReconciliationOut, tags=["payments"])
def reconciliation(request, code: str, month: str, kind: str = "", open_only: bool = False):
    """The latest comparison of the bill with BPJS's file: counts, totals and the differences in the caller's area."""
    return _reconciliation_out(request, _latest(request, code, month), kind, open_only)


@router.post("/programmes/{code}/bills/{month}/reconciliation", response={201: ReconciliationOut}, tags=["payments"])
def reconciliation_upload(request, code: str, month: str, file: File[UploadedFile]):
    """Compare the bill with BPJS's invoice or payment report (xlsx or csv). A file with wrong rows records
    nothing: 422 with every finding (row, column, message)."""
    bill = _bill(request, code, month)
    assert file.name is not None  # Django keeps no uploaded file without a name
    try:
        done = payment_services.reconcile(request.user, bill, file.name, file.read())
    except ReadError as exc:
        raise HttpError(422, str(exc))
    except payment_services.InvoiceRefused as exc:
        raise Refused(422, {"detail": " ".join(exc.messages), "findings": exc.findings})
    return Status(201, _reconciliation_out(request, done))


@router.post("/programmes/{code}/bills/{month}/reconciliation/resolve", response=ReconciliationOut, tags=["payments"])
def reconciliation_resolve(request, code: str, month: str, data: ResolveIn):
    """Resolve one difference of the latest comparison, named by its kind and KPJ (or NIK), with a note."""
    latest = _latest(request, code, month)
    if not (data.kpj or data.nik):
        raise HttpError(422, "Sebutkan kpj atau nik selisih yang diselesaikan.")
    named = {"kpj": data.kpj} if data.kpj else {"nik": data.nik}
    found = payments.differences(request.user, latest, kind=data.kind).filter(**named).first()
    if found is None:
        raise Http404
    payment_services.resolve_difference(request.user, found, data.note)
    return _reconciliation_out(request, latest)


@router.post("/workers/coverage", response=list[CoverageOut], tags=["payments"])
def worker_coverage(request, data: NikIn):
    """The worker's protection month by month in each programme he is registered in: who paid, when, status. The
    NIK is sent as ``{"nik": …}``, never in the URL."""
    try:
        peserta = registry.get_peserta(request.user, nik=data.nik.strip())
    except Peserta.DoesNotExist:
        raise Http404
    today, days = timezone.localdate(), calendar()
    found = []
    for m in enrolment.memberships_of(request.user, peserta).exclude(kpj=""):
        months = payments.timeline_of(request.user, m, today)
        found.append({"programme": m.programme.code, "kpj": m.kpj,
                      "status_today": coverage.status_on(payments.coverage_of(request.user, m), today,
                                                        reg=regulation_on(today), calendar=days).state.value,
                      "months": [{**r, "month": str(r["month"]), "status": r["status"].state.value}
                                 for r in months]})
    return found
