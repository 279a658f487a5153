"""The API of claims (JKM, JKK): by their number (KLM-YYYY-NNNN), in the caller's area."""

from datetime import date

from django.http import Http404
from django.utils import timezone
from ninja import File, Form, Router, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from lindung.api.common import one_of
from lindung.claims import selectors as claims
from lindung.claims import services as claim_services
from lindung.claims.models import Claim, Heir
from lindung.registry import selectors as registry
from lindung.registry.models import Peserta
from lindung.rules import claims as claim_rules

from .schemas import ClaimDetailOut, ClaimIn, ClaimOut, ClaimReportOut, DecideIn, DisabilityIn, HeirIn, PaidIn

router = Router()


def _claim(request, number: str) -> Claim:
    try:
        return claims.claim(request.user, number)
    except Claim.DoesNotExist:
        raise Http404


def _claim_out(c: Claim, overdue: bool) -> dict:
    p = c.membership.peserta
    return {"number": c.number, "kind": c.kind, "status": c.status, "nik": p.nik, "nama": p.nama, "kpj": c.membership.kpj,
            "desa": p.desa_id, "event_date": c.event_date, "reported_on": c.reported_on, "submitted_on": c.submitted_on,
            "paid_on": c.paid_on, "paid_amount": c.paid_amount, "overdue": overdue,
            "suspected_work_accident": c.suspected_work_accident, "decision_due": c.decision_due}


def _claim_detail(c: Claim) -> dict:
    """The claim with its deadlines and warnings of today, its heirs (name and relationship) and its checklist
    (which documents are there, never their content)."""
    warned = claims.warnings(c, timezone.localdate())
    return {**_claim_out(c, any(w.overdue for w in warned)),
            **{f: getattr(c, f) for f in ("event_place", "cause", "traffic_accident", "total_disability",
                                          "children_ages", "reporter_name",
                                          "reporter_relationship", "rejection_reason", "documents_complete_on",
                                          "decided_on", "doctor_statement_on", "stage_one_due", "claim_due", "payment_due",
                                          "benefit", "benefit_total", "payable_now", "rule_version", "coverage_status")},
            "warnings": [{"code": w.code, "text": w.text, "overdue": w.overdue, "due": w.due} for w in warned],
            "heirs": [{"name": h.name, "relationship": h.relationship} for h in c.heirs.all()],
            "documents": [{"kind": r.document.code, "label": r.document.label, "required": r.document.required,
                           "present": r.done, "files": len(r.files), "uploaded_at": r.files[-1].uploaded_at if r.files else None}
                          for r in claims.checklist(c)]}


@router.get("/claims", response=list[ClaimOut], tags=["claims"])
def claims_list(request, status: str = "", kind: str = "", kecamatan: str = "", offset: int = 0, limit: int = 100):
    """The caller's claims, newest report first; ``kecamatan`` by its code. ``overdue``: past a deadline today."""
    found = claims.claim_list(request.user, status=one_of(status, Claim.Status.values, "status"),
                              kind=one_of(kind, Claim.Kind.values, "kind"), kecamatan=kecamatan)
    late = {c.number for c, _ in claims.overdue(request.user, timezone.localdate())}
    start = max(offset, 0)
    return [_claim_out(c, c.number in late) for c in found[start:start + min(max(limit, 1), 1000)]]


def _count_out(rows: list[dict], names: dict) -> list[dict]:
    return [{**{f: r[f] for f in ("claims", "paid_claims", "paid")}, "key": str(r["key"]),
             "name": r.get("name") or names.get(r["key"], "")} for r in rows]


@router.get("/claims/report", response=ClaimReportOut, tags=["claims"])
def claims_report(request, year: int | None = None):
    """The claims report of the caller's area (the events of ``year``, or of every year): counts and sums only."""
    found = claims.report(request.user, year)
    kinds = {k.value: label for k, label in claim_rules.KIND_LABELS.items()}
    statuses = {s.value: label for s, label in claim_rules.STATUS_LABELS.items()}
    slowest = found.slowest
    return {"year": year, "claims": found.claims, "paid_claims": found.paid_claims, "paid": found.paid,
            "median_days": found.median_days, "average_days": found.average_days,
            "slowest_days": slowest.days if slowest else None, "slowest_number": slowest.number if slowest else None,
            "late": found.late, "by_kind": _count_out(found.by_kind, kinds),
            "by_status": _count_out(found.by_status, statuses), "by_kecamatan": _count_out(found.by_kecamatan, {}),
            "by_month": [{**r, "kinds": m["kinds"]} for r, m in zip(_count_out(found.by_month, {}), found.by_month)],
            "days_to_payment": dict(found.distribution)}


def _claim_member(request, nik: str, kpj: str) -> Peserta:
    """The member a report is about, by NIK or KPJ, in the caller's area (404 otherwise); both must agree."""
    nik, kpj = nik.strip(), kpj.strip()
    if not (nik or kpj):
        raise HttpError(422, "Sebutkan nik atau kpj peserta.")
    if kpj and not kpj.isdigit():
        raise HttpError(422, "kpj: hanya angka.")
    found = None
    if nik:
        try:
            found = registry.get_peserta(request.user, nik=nik)
        except Peserta.DoesNotExist:
            raise Http404
    if kpj:
        member = next((m for m in claims.members_to_report(request.user, kpj) if m.kpj == kpj), None)
        if member is None:
            raise Http404
        if found is not None and member.peserta_id != found.pk:
            raise HttpError(422, "nik dan kpj menyebut dua orang yang berbeda.")
        found = member.peserta
    assert found is not None  # nik or kpj was given, and each is found or a 404
    return found


@router.post("/claims", response={201: ClaimDetailOut}, tags=["claims"])
def claim_report(request, data: ClaimIn):
    """Report a death or a work accident of a member of the caller's area (by NIK or KPJ)."""
    if data.kind not in Claim.Kind.values:
        raise HttpError(422, "kind: " + ", ".join(Claim.Kind.values) + ".")
    peserta = _claim_member(request, data.nik, data.kpj)
    done = claim_services.report_claim(
        request.user, peserta, kind=data.kind, event_date=data.event_date, event_place=data.event_place, cause=data.cause,
        reporter_name=data.reporter_name, reporter_relationship=data.reporter_relationship,
        reporter_phone=data.reporter_phone, traffic_accident=data.traffic_accident,
        suspected_work_accident=data.suspected_work_accident)
    return Status(201, _claim_detail(_claim(request, done.number)))


@router.get("/claims/{number}", response=ClaimDetailOut, tags=["claims"])
def claim_detail(request, number: str):
    return _claim_detail(_claim(request, number))


@router.post("/claims/{number}/heirs", response={201: ClaimDetailOut}, tags=["claims"])
def claim_heir_add(request, number: str, data: HeirIn):
    """Name an heir of a death claim; one of a later group while an earlier one is named answers 409."""
    found = _claim(request, number)
    if data.relationship not in Heir.Relationship.values:
        raise HttpError(422, "relationship: " + ", ".join(Heir.Relationship.values) + ".")
    claim_services.add_heir(request.user, found, name=data.name, relationship=data.relationship, nik=data.nik,
                            phone=data.phone, bank_account=data.bank_account)
    return Status(201, _claim_detail(_claim(request, number)))


@router.post("/claims/{number}/documents", response={201: ClaimDetailOut}, tags=["claims"])
def claim_document_upload(request, number: str, kind: Form[str], file: File[UploadedFile],
                          issued_on: Form[date | None] = None):
    """Upload one document of the claim's checklist (a photo or a PDF); ``issued_on``: the date on it."""
    found = _claim(request, number)
    if kind not in claim_rules.DOCUMENTS:
        raise HttpError(422, "kind: " + ", ".join(claim_rules.DOCUMENTS) + ".")
    claim_services.upload_document(request.user, found, kind, file, issued_on)
    return Status(201, _claim_detail(_claim(request, number)))


@router.post("/claims/{number}/suspected", response=ClaimDetailOut, tags=["claims"])
def claim_suspected(request, number: str):
    """The office: a suspected work accident, for BPJS to decide within 30 days of the first report (PP 49/2023)."""
    claim_services.mark_suspected(request.user, _claim(request, number))
    return _claim_detail(_claim(request, number))


@router.post("/claims/{number}/disability", response=ClaimDetailOut, tags=["claims"])
def claim_disability(request, number: str, data: DisabilityIn):
    """The office: total permanent disability (or not) of a work accident claim, with the children's ages on the
    event day for the scholarship; the benefit counts them until it is frozen at submission."""
    claim_services.record_total_disability(request.user, _claim(request, number), total=data.total,
                                           children_ages=data.children_ages)
    return _claim_detail(_claim(request, number))


@router.post("/claims/{number}/complete", response=ClaimDetailOut, tags=["claims"])
def claim_complete(request, number: str):
    """The office: every required document is there and the heirs are in legal order."""
    claim_services.mark_documents_complete(request.user, _claim(request, number))
    return _claim_detail(_claim(request, number))


@router.post("/claims/{number}/submit", response=ClaimDetailOut, tags=["claims"])
def claim_submit(request, number: str):
    """The office sends the complete claim to BPJS: the benefit is computed and frozen."""
    claim_services.submit(request.user, _claim(request, number))
    return _claim_detail(_claim(request, number))


@router.post("/claims/{number}/decide", response=ClaimDetailOut, tags=["claims"])
def claim_decide(request, number: str, data: DecideIn):
    """BPJS's decision (Admin Dinas or Petugas BPJS): approved, or rejected with a reason."""
    claim_services.decide(request.user, _claim(request, number), approved=data.approved, reason=data.reason)
    return _claim_detail(_claim(request, number))


@router.post("/claims/{number}/paid", response=ClaimDetailOut, tags=["claims"])
def claim_paid(request, number: str, data: PaidIn):
    """BPJS paid the approved claim: the amount and the day."""
    claim_services.record_paid(request.user, _claim(request, number), amount=data.amount, paid_on=data.paid_on)
    return _claim_detail(_claim(request, number))
