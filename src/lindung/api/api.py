"""The API: keyed by NIK and region codes, never database ids; scoped exactly like the pages."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import File, Form, NinjaAPI, Query, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.security import django_auth

from lindung.accounts.roles import require
from lindung.cards import selectors as cards
from lindung.cards import services as card_services
from lindung.cards.models import Card, Handover, PrintBatch
from lindung.claims import selectors as claims
from lindung.claims import services as claim_services
from lindung.claims.models import Claim, Heir
from lindung.core.forms import parse_rupiah
from lindung.enrolment import selectors as enrolment
from lindung.payments import selectors as payments
from lindung.payments import services as payment_services
from lindung.payments.models import Bill, BillFinding, Reconciliation
from lindung.pipeline.readers import ReadError
from lindung.pipeline.sources import SOURCES
from lindung.programs import revision_selectors, revision_services
from lindung.programs import selectors as programs
from lindung.programs import services as program_services
from lindung.programs.forms import PlannerForm
from lindung.programs.models import Programme, Scenario
from lindung.registry import import_selectors, imports
from lindung.registry import selectors as registry
from lindung.registry.models import ImportBatch, Peserta
from lindung.registry.tasks import stage_import
from lindung.rules import claims as claim_rules
from lindung.rules import coverage
from lindung.rules.bill_check import Rule
from lindung.rules.contributions import Month
from lindung.rules.planner import SolverError
from lindung.wilayah import selectors as wilayah

from .auth import TokenAuth
from .schemas import (
    ApproveIn,
    BillCheckOut,
    BillExcludedOut,
    BillIn,
    BillLineOut,
    BillOut,
    CardOut,
    CardStatusOut,
    ClaimDetailOut,
    ClaimIn,
    ClaimOut,
    ClaimReportOut,
    ContinueIn,
    CoverageOut,
    DecideIn,
    ExcludeIn,
    FindingOut,
    HandoverIn,
    HandoverOut,
    HeirIn,
    ImportOut,
    KecamatanStatusOut,
    MemberOut,
    MeOut,
    PaidIn,
    PairOut,
    PaymentIn,
    PaymentOut,
    PaymentRecordedOut,
    PlanOut,
    PrintBatchOut,
    PrintIn,
    ProgrammeDetailOut,
    ProgrammeOut,
    ReconciliationOut,
    RegionOut,
    ReplaceIn,
    ResolveIn,
    ScenarioIn,
    RevisionIn,
    RevisionPreviewOut,
    ScenarioOut,
    WorkerDetailOut,
    WorkerSearchOut,
)

api = NinjaAPI(
    title="Lindung API",
    version="1",
    description="Peserta BPJS Ketenagakerjaan pekerja rentan, per wilayah pengguna.",
    auth=[TokenAuth(), django_auth],
    urls_namespace="api",
)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Tidak diizinkan."}, status=403)


@api.exception_handler(ValidationError)
def _refused(request, exc):
    # A service refused a transition (already approved, own scenario, nothing to send): say why.
    return api.create_response(request, {"detail": " ".join(exc.messages)}, status=409)


def _worker(p: Peserta, detail: bool = False) -> dict:
    data = {
        "nik": p.nik, "nama": p.nama, "jenis_kelamin": p.jenis_kelamin, "tanggal_lahir": p.tanggal_lahir,
        "desa": p.desa_id, "desa_nama": p.desa.name, "kecamatan": p.kecamatan_code,
        "pekerjaan": [j.name for j in (p.pekerjaan_1, p.pekerjaan_2) if j], "desil": p.desil,
        "miskin_ekstrem": p.miskin_ekstrem,
    }
    if detail:
        data |= {"no_kk": p.no_kk, "tempat_lahir": p.tempat_lahir, "alamat": p.alamat, "telepon": p.telepon,
                 "penghasilan": p.penghasilan, "sumber": p.sumber}
    return data


def _region(w) -> dict:
    return {"code": w.code, "name": w.name, "level": w.level, "kind": w.kind, "parent": w.parent_id}


@api.get("/me", response=MeOut, tags=["accounts"])
def me(request):
    role = request.user.role
    return {"username": request.user.username, "role": role.name if role else None, "area": request.user.area_id}


@api.get("/regions", response=list[RegionOut], tags=["regions"])
def regions(request, parent: str | None = None):
    """The regions the user may see: their area, what lies inside it and what it lies in."""
    return [_region(w) for w in wilayah.regions_for(request.user, parent=parent)]


@api.get("/regions/{code}", response=RegionOut, tags=["regions"])
def region(request, code: str):
    w = wilayah.region_for(request.user, code)
    if w is None:
        raise Http404
    return _region(w)


@api.get("/workers", response=WorkerSearchOut, tags=["workers"])
def workers(request, q: Query[str]):
    """Search by NIK prefix (4+ digits) or name (3+ letters); at most 50 results."""
    rows, more = registry.search_peserta(request.user, q[:100])
    return {"results": [_worker(p) for p in rows], "more": more}


@api.get("/workers/{nik}", response=WorkerDetailOut, tags=["workers"])
def worker(request, nik: str):
    try:
        return _worker(registry.get_peserta(request.user, nik=nik), detail=True)
    except Peserta.DoesNotExist:
        raise Http404


def _import(request, number: int) -> ImportBatch:
    try:
        return import_selectors.imports_for(request.user).get(pk=number)
    except ImportBatch.DoesNotExist:
        raise Http404


def _import_out(b: ImportBatch) -> dict:
    return {"number": b.pk, "filename": b.filename, "sha256": b.sha256, "status": b.status, "progress": b.progress,
            "stage": b.stage, "error": b.error, "source": b.source, "report": b.report}


@api.post("/imports", response={201: ImportOut}, tags=["imports"])
def import_upload(request, file: File[UploadedFile], source: Form[str] = "auto"):
    """Upload a P3KE/DTSEN/template file; it is checked in the background and waits for approval."""
    imports.check_uploader(request.user)
    if source != "auto" and source not in SOURCES:
        # Caught here: the background check would fail on it and leave the import "running" for ever.
        raise HttpError(422, f"Sumber {source!r} tidak dikenal; pilih auto, " + ", ".join(SOURCES) + ".")
    batch = imports.create_batch(request.user, file.chunks(), file.name or "upload", source=source)
    stage_import.enqueue(batch.pk)
    batch.refresh_from_db()
    return Status(201, _import_out(batch))


@api.get("/imports/{number}", response=ImportOut, tags=["imports"])
def import_status(request, number: int):
    """An import by its number (Impor #12): status, progress and report."""
    return _import_out(_import(request, number))


@api.get("/imports/{number}/findings", response=list[FindingOut], tags=["imports"])
def import_findings(request, number: int, offset: int = 0, limit: int = 100):
    found = imports.findings(_import(request, number))
    return list(found.slice(max(offset, 0), min(max(limit, 1), 1000)).iter_rows(named=True))


@api.get("/duplicates", response=list[PairOut], tags=["imports"])
def duplicates(request, offset: int = 0, limit: int = 100):
    """The review queue: pairs of workers who may be one person."""
    pairs = import_selectors.pairs_for(request.user)[max(offset, 0):max(offset, 0) + min(max(limit, 1), 1000)]
    return [{"number": p.pk, "nik_a": p.nik_a, "nik_b": p.nik_b, "probability": p.probability, "batch": p.batch_id} for p in pairs]


def _programme(request, code: str) -> Programme:
    return get_object_or_404(programs.programmes_for(request.user), code=code)


def _programme_out(p: Programme) -> dict:
    return {"code": p.code, "name": p.name, "year": p.year, "status": p.status, "first_month": str(p.first_month),
            "last_month": str(p.last_month), "funding_source": p.funding_source, "budget": p.budget,
            "income_tier": p.income_tier, "package": p.package, "monthly_cost": programs.known_monthly_cost(p), "pks_number": p.pks_number,
            "pks_date": p.pks_date, "plan": p.plan.number if p.plan else None,
            "continues": p.continues.code if p.continues else None}


def _programme_detail(user, p: Programme) -> dict:
    return {**_programme_out(p), "continuation": programs.continuation_figures(p, programs.candidates(user, p))
            if p.continues_id else None}


def _scenario_out(user, s: Scenario) -> dict:
    return {"number": s.number, "kind": s.kind, "budget": s.budget, "first": s.first, "last": s.last,
            "min_consecutive": s.min_consecutive, "candidates": s.candidates, "people": s.people,
            "person_months": s.person_months, "cost": s.cost, "remaining": s.remaining,
            "by_kecamatan": {k: [c, e] for k, (_, c, e) in programs.scenario_kecamatan(user, s).items()},
            "warnings": s.warnings, "created_by": s.created_by.username,
            "approved_by": s.approved_by.username if s.approved_by else None,
            "version": s.version, "revises": s.revises.version if s.revises_id else None, "reason": s.reason,
            "revised_from": f"{s.revised_from:%Y-%m}" if s.revised_from else None,
            "in_force": s.programme.plan_id == s.pk}


def _settings(programme: Programme, data: ScenarioIn) -> programs.Settings:
    """The planner settings, checked by the planner page's own form."""
    form = PlannerForm(programme, {
        "budget": programme.budget if data.budget is None else data.budget,
        "first": data.first or str(programme.first_month), "last": data.last or str(programme.last_month),
        "min_consecutive": data.min_consecutive, "continuity_first": data.continuity_first,
        "kecamatan_share": data.kecamatan_share,
    })
    if not form.is_valid():
        raise HttpError(422, "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
    return form.settings()


@api.get("/programmes", response=list[ProgrammeOut], tags=["programmes"])
def programme_list(request):
    return [_programme_out(p) for p in programs.programmes_for(request.user).select_related("plan", "continues")]


@api.get("/programmes/{code}", response=ProgrammeDetailOut, tags=["programmes"])
def programme(request, code: str):
    """The programme; one continuing another says its continuing members, newcomers, gaps and warnings."""
    return _programme_detail(request.user, _programme(request, code))


@api.post("/programmes/{code}/continue", response={201: ProgrammeDetailOut}, tags=["programmes"])
def programme_continue(request, code: str, data: ContinueIn):
    """Next year's draft programme continuing this one: its members keep their KPJ and come first in the plan."""
    made = program_services.continue_programme(request.user, _programme(request, code), data.year,
                                               _rupiah(data.budget))
    return Status(201, _programme_detail(request.user, made))


def _rupiah(value: int | str) -> int:
    """A Rupiah amount as sent: 500000000 or "500.000.000"."""
    try:
        return value if isinstance(value, int) else parse_rupiah(value)
    except ValueError:
        raise HttpError(422, "budget: bukan jumlah Rupiah utuh, tulis misalnya 500000000 atau 500.000.000.")


def _revision_month(data: RevisionIn) -> Month:
    try:
        return Month.parse(data.revise_from)
    except ValueError as exc:
        raise HttpError(422, f"revise_from: {exc}")


@api.get("/programmes/{code}/plan-versions", response=list[ScenarioOut], tags=["programmes"])
def plan_versions(request, code: str):
    """Every version of the plan (v1 the plan first approved, v2 … the revisions with their reason and first
    month), drafts included; ``in_force`` marks the programme's plan now."""
    return [_scenario_out(request.user, s) for s in revision_selectors.versions(_programme(request, code))]


@api.post("/programmes/{code}/revision/preview", response=RevisionPreviewOut, tags=["programmes"])
def revision_preview(request, code: str, data: RevisionIn):
    """The revision's three scenarios from a month with a new ceiling, and what each means: who loses and who gains
    cover, their lapse dates, the cost. Nothing saved."""
    require(request.user, "plans")
    programme = _programme(request, code)
    month, budget = _revision_month(data), _rupiah(data.budget)
    found = revision_selectors.preview(request.user, programme, month, budget)
    return {"plan_version": found.plan.version, "earliest": str(revision_selectors.earliest_month(programme)),
            "revise_from": str(month), "budget": budget, "cost_per_month": found.cost_per_month,
            "candidates": found.candidates,
            "scenarios": [{**r.figures(), "kind": r.name, "no_month_left": r.emptied_count} for r in found.revisions]}


@api.post("/programmes/{code}/revision", response={201: ScenarioOut}, tags=["programmes"])
def revision_save(request, code: str, data: RevisionIn):
    """One scenario of the revision saved as the plan's next version, a draft; another Admin Dinas approves it."""
    programme = _programme(request, code)
    kind = data.kind or (programme.plan.kind if programme.plan else "")
    saved = revision_services.propose_revision(request.user, programme, _revision_month(data), _rupiah(data.budget),
                                               kind, data.reason)
    return Status(201, _scenario_out(request.user, saved))


@api.post("/programmes/{code}/plan-versions/{version}/approve", response=ScenarioOut, tags=["programmes"])
def revision_approve(request, code: str, version: int):
    """The revision becomes the plan (not by its author): memberships and the bills to come follow it, those losing
    cover get the hand-over notice."""
    scenario = get_object_or_404(revision_selectors.versions(_programme(request, code)), version=version)
    approved = revision_services.approve_revision(request.user, scenario)
    approved.programme.refresh_from_db()
    return _scenario_out(request.user, approved)


@api.post("/programmes/{code}/plan", response=PlanOut, tags=["programmes"])
def plan_preview(request, code: str, data: ScenarioIn):
    """The three scenarios for these settings, side by side, nothing saved (`kind` is ignored)."""
    programme = _programme(request, code)
    require(request.user, "plans")
    try:
        found, cost, computed = programs.scenarios(request.user, programme, _settings(programme, data))
    except (ValueError, SolverError) as exc:
        raise HttpError(422, str(exc))
    return {"monthly_cost_per_person": cost, "candidates": len(found.workers),
            "scenarios": [programs.figures(s) for s in computed]}


@api.get("/programmes/{code}/scenarios", response=list[ScenarioOut], tags=["programmes"])
def scenario_list(request, code: str):
    return [_scenario_out(request.user, s) for s in programs.scenarios_for(request.user, _programme(request, code))]


@api.post("/programmes/{code}/scenarios", response={201: ScenarioOut}, tags=["programmes"])
def scenario_save(request, code: str, data: ScenarioIn):
    """Compute and save one scenario; another office administrator approves it."""
    programme = _programme(request, code)
    if data.kind not in Scenario.Kind.values:
        raise HttpError(422, "kind: everyone, full_year atau optimum.")
    try:
        saved = program_services.save_scenario(request.user, programme, _settings(programme, data), data.kind)
    except (ValueError, SolverError) as exc:
        raise HttpError(422, str(exc))
    return Status(201, _scenario_out(request.user, saved))


def _scenario(request, code: str, number: int) -> Scenario:
    return get_object_or_404(programs.scenarios_for(request.user, _programme(request, code)), number=number)


@api.get("/programmes/{code}/scenarios/{number}", response=ScenarioOut, tags=["programmes"])
def scenario(request, code: str, number: int):
    return _scenario_out(request.user, _scenario(request, code, number))


@api.post("/programmes/{code}/scenarios/{number}/approve", response=ScenarioOut, tags=["programmes"])
def scenario_approve(request, code: str, number: int):
    """Make a saved scenario the programme's plan (not by its author); its workers become candidates."""
    return _scenario_out(request.user, program_services.approve_scenario(request.user, _scenario(request, code, number)))


@api.get("/programmes/{code}/enrolment", response=list[KecamatanStatusOut], tags=["enrolment"])
def enrolment_status(request, code: str):
    """Members per kecamatan of the user's area, counted by status."""
    rows = enrolment.status_by_kecamatan(request.user, _programme(request, code))
    return [{**r, "counts": dict(zip(enrolment.STATUSES, r["counts"], strict=True)),
             "protection": {s.value: n for s, n in zip(enrolment.PROTECTION, r["protection"], strict=True)}}
            for r in rows]


@api.get("/programmes/{code}/members", response=list[MemberOut], tags=["enrolment"])
def member_list(request, code: str, kecamatan: str = "", status: str = "", protection: str = "", offset: int = 0,
                limit: int = 100):
    """The programme's members; ``protection`` (aktif, menunggak, nonaktif, berakhir) keeps the registered members
    in that state today."""
    today = timezone.localdate()
    found = enrolment.members(request.user, _programme(request, code), kecamatan=kecamatan, status=status,
                              protection=protection, today=today)
    start = max(offset, 0)
    return [{"nik": m.peserta.nik, "nama": m.peserta.nama, "desa": m.peserta.desa_id, "status": m.status, "kpj": m.kpj,
             "rejection_reason": m.rejection_reason, "first": m.first, "last": m.last,
             **_protection(m, today)} for m in found[start:start + min(max(limit, 1), 1000)]]


def _protection(m, today) -> dict:
    if not m.kpj:
        return {"protection": None, "protection_label": None, "arrears_months": 0, "lapse": None, "ended_on": None}
    status = payments.status_of(m, today)
    return {"protection": status.state.value, "protection_label": status.label, "arrears_months": len(status.arrears),
            "lapse": status.lapse, "ended_on": status.ended_on}


def _bill(request, code: str, month: str) -> Bill:
    try:
        day = Month.parse(month).first_day
    except ValueError as exc:
        raise HttpError(422, str(exc))
    return get_object_or_404(payments.bills_for(request.user, _programme(request, code)), month=day)


def _bill_out(b: Bill) -> dict:
    return {"month": f"{b.month:%Y-%m}", "status": b.status, "due_date": b.due_date, "members": b.members,
            "total": b.total, "paid": sum(p.amount for p in b.payments.all()), "created_by": b.created_by.username,
            "approved_by": b.approved_by.username if b.approved_by else None}


def _payment_out(p) -> dict:
    return {"sp2d_number": p.sp2d_number, "paid_on": p.paid_on, "amount": p.amount, "late": p.late,
            "recorded_by": p.recorded_by.username}


@api.get("/programmes/{code}/bills", response=list[BillOut], tags=["payments"])
def bill_list(request, code: str):
    found = payments.bills_for(request.user, _programme(request, code))
    return [_bill_out(b) for b in found.select_related("created_by", "approved_by").prefetch_related("payments")]


@api.post("/programmes/{code}/bills", response={201: BillOut}, tags=["payments"])
def bill_generate(request, code: str, data: BillIn):
    """Generate the month's bill, or add the members missing from its draft (nobody is billed twice)."""
    return Status(201, _bill_out(payment_services.generate_bill(request.user, _programme(request, code), data.month).bill))


@api.get("/programmes/{code}/bills/{month}", response=BillOut, tags=["payments"])
def bill(request, code: str, month: str):
    return _bill_out(_bill(request, code, month))


@api.post("/programmes/{code}/bills/{month}/approve", response=BillOut, tags=["payments"])
def bill_approve(request, code: str, month: str, data: ApproveIn | None = None):
    """The four-eyes step: not by the bill's maker. The check before approval runs again first; members it finds
    that were not taken off the bill (``/exclude``) stay on it only with the approver's ``note`` saying why."""
    return _bill_out(payment_services.approve_bill(request.user, _bill(request, code, month),
                                                   note=data.note if data else ""))


def _check_out(request, bill: Bill, rule: str = "", outcome: str = "", offset: int = 0, limit: int = 100) -> dict:
    """The check before approval of ``bill``: every rule's counts and the findings (a page of them), both of the
    caller's area."""
    found = payments.findings_for(request.user, bill)
    if _one_of(rule, [r.value for r in Rule], "rule"):
        found = found.filter(rule=rule)
    if _one_of(outcome, BillFinding.Outcome.values, "outcome"):
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


@api.get("/programmes/{code}/bills/{month}/check", response=BillCheckOut, tags=["payments"])
def bill_check(request, code: str, month: str, rule: str = "", outcome: str = "", offset: int = 0, limit: int = 100):
    """The last check before approval: per rule, the findings open, taken off the bill and kept on it, and the
    findings themselves (rule, evidence, outcome) of the members in the caller's area, by rule then NIK."""
    return _check_out(request, _checked(request, code, month), rule, outcome, offset, limit)


@api.post("/programmes/{code}/bills/{month}/check", response=BillCheckOut, tags=["payments"])
def bill_check_run(request, code: str, month: str, offset: int = 0, limit: int = 100):
    """Run the check on the draft bill: who died, moved, was 65 or older when registered, earns a wage, is paid by
    another payer or programme, is a probable duplicate or has no KPJ. Decided findings stay as decided."""
    bill = _bill(request, code, month)
    payment_services.check_bill(request.user, bill)
    return _check_out(request, _checked(request, code, month), offset=offset, limit=limit)


@api.post("/programmes/{code}/bills/{month}/exclude", response=BillExcludedOut, tags=["payments"])
def bill_exclude(request, code: str, month: str, data: ExcludeIn, offset: int = 0, limit: int = 100):
    """Take the members of the open findings chosen (by ``rules``, by ``niks``, or both) off the draft bill, with
    the ``reason``; generating the month again does not add them back. ``excluded``: how many left the bill."""
    for rule in data.rules:
        _one_of(rule, [r.value for r in Rule], "rules")
    excluded = payment_services.exclude_findings(request.user, _bill(request, code, month), data.reason,
                                                 rules=data.rules, niks=data.niks)
    return {**_check_out(request, _checked(request, code, month), offset=offset, limit=limit), "excluded": excluded}


@api.get("/programmes/{code}/bills/{month}/lines", response=list[BillLineOut], tags=["payments"])
def bill_line_list(request, code: str, month: str, offset: int = 0, limit: int = 100):
    """The bill's lines of the members in the caller's area, by NIK."""
    found = payments.bill_lines(request.user, _bill(request, code, month)).select_related("membership")
    start = max(offset, 0)
    return [{"nik": ln.peserta.nik, "nama": ln.peserta.nama, "desa": ln.peserta.desa_id, "kpj": ln.membership.kpj,
             "jkk": ln.jkk, "jkm": ln.jkm, "jht": ln.jht, "discount": ln.discount, "total": ln.total,
             "paid_on": ln.paid_on} for ln in found[start:start + min(max(limit, 1), 1000)]]


@api.get("/programmes/{code}/bills/{month}/payments", response=list[PaymentOut], tags=["payments"])
def payment_list(request, code: str, month: str):
    return [_payment_out(p) for p in _bill(request, code, month).payments.select_related("recorded_by")]


@api.post("/programmes/{code}/bills/{month}/payments", response={201: PaymentRecordedOut}, tags=["payments"])
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


@api.get("/programmes/{code}/bills/{month}/reconciliation", response=ReconciliationOut, tags=["payments"])
def reconciliation(request, code: str, month: str, kind: str = "", open_only: bool = False):
    """The latest comparison of the bill with BPJS's file: counts, totals and the differences in the caller's area."""
    return _reconciliation_out(request, _latest(request, code, month), kind, open_only)


@api.post("/programmes/{code}/bills/{month}/reconciliation", response={201: ReconciliationOut}, tags=["payments"])
def reconciliation_upload(request, code: str, month: str, file: File[UploadedFile]):
    """Compare the bill with BPJS's invoice or payment report (xlsx or csv). A file with wrong rows records
    nothing: 422 with every finding (row, column, message)."""
    bill = _bill(request, code, month)
    try:
        done = payment_services.reconcile(request.user, bill, file.name, file.read())
    except ReadError as exc:
        raise HttpError(422, str(exc))
    except payment_services.InvoiceRefused as exc:
        return api.create_response(request, {"detail": " ".join(exc.messages), "findings": exc.findings}, status=422)
    return Status(201, _reconciliation_out(request, done))


@api.post("/programmes/{code}/bills/{month}/reconciliation/resolve", response=ReconciliationOut, tags=["payments"])
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


@api.get("/workers/{nik}/coverage", response=list[CoverageOut], tags=["payments"])
def worker_coverage(request, nik: str):
    """The worker's protection month by month in each programme he is registered in: who paid, when, status."""
    try:
        peserta = registry.get_peserta(request.user, nik=nik)
    except Peserta.DoesNotExist:
        raise Http404
    today = timezone.localdate()
    found = []
    for m in enrolment.memberships_of(request.user, peserta).exclude(kpj=""):
        months = payments.timeline_of(request.user, m, today)
        found.append({"programme": m.programme.code, "kpj": m.kpj,
                      "status_today": coverage.status_on(payments.coverage_of(request.user, m), today).state.value,
                      "months": [{**r, "month": str(r["month"]), "status": r["status"].state.value}
                                 for r in months]})
    return found


@api.get("/cards/status", response=list[CardStatusOut], tags=["cards"])
def card_status(request):
    """Per kecamatan of the caller's area: live cards at each stage of the hand-over, and the overdue ones."""
    return cards.status_by_kecamatan(request.user, timezone.localdate())


@api.get("/cards", response=list[CardOut], tags=["cards"])
def card_list(request, status: str = "", kecamatan: str = "", q: str = "", offset: int = 0, limit: int = 100):
    """The caller's cards, by village and name; ``q``: a name, KPJ or card number."""
    found = cards.card_list(request.user, status=status, area=kecamatan, q=q)
    late = set(cards.overdue_cards(request.user, timezone.localdate()).values_list("pk", flat=True))
    start = max(offset, 0)
    return [_card_out(c, c.pk in late) for c in found[start:start + min(max(limit, 1), 1000)]]


def _card_out(c, overdue: bool) -> dict:
    return {"number": c.number, "kpj": c.membership.kpj, "nama": c.membership.peserta.nama,
            "desa": c.membership.peserta.desa_id, "programme": c.membership.programme.code, "status": c.status,
            "since": c.since, "return_reason": c.return_reason, "void_reason": c.void_reason, "overdue": overdue}


@api.post("/cards/{number}/replace", response={201: CardOut}, tags=["cards"])
def card_replace(request, number: str, data: ReplaceIn):
    """Void a card (lost, damaged, wrong data) and print the member's next version in a print run of its own;
    answers the new card (download its run's PDF from the printing page)."""
    found = cards.cards_for(request.user).filter(number=number).first()
    if found is None:
        raise Http404
    if data.reason not in Card.VoidReason.values or data.layout not in PrintBatch.Layout.values:
        raise HttpError(422, "reason: lost, damaged atau wrong_data; layout: a4 atau card.")
    return Status(201, _card_out(card_services.replace_card(request.user, found, data.reason, data.layout), False))


def _batch_out(b) -> dict:
    return {"id": b.pk, "programme": b.programme.code, "number": b.number, "kecamatan": b.kecamatan_id,
            "cards": b.cards, "layout": b.layout, "created": b.created}


@api.get("/cards/batches", response=list[PrintBatchOut], tags=["cards"])
def print_batches(request):
    """The print runs of the caller's area, newest first."""
    return [_batch_out(b) for b in cards.print_batches(request.user)[:500]]


@api.post("/cards/batches", response={201: PrintBatchOut}, tags=["cards"])
def print_run(request, data: PrintIn):
    """Print the cards of a kecamatan's members who have none yet, as one run (the office's)."""
    programme = _programme(request, data.programme)
    if data.layout not in PrintBatch.Layout.values:
        raise HttpError(422, "layout: a4 atau card.")
    return Status(201, _batch_out(card_services.print_cards(request.user, programme, data.kecamatan, data.layout)))


def _handover_out(h: Handover) -> dict:
    return {**{f: getattr(h, f) for f in ("number", "from_status", "to_status", "giver_name", "giver_role",
                                          "receiver_name", "receiver_role", "place", "happened_on", "id_checked")},
            "cards": [{"number": r["number"], "kpj": r["kpj"], "nama": r["name"], "desa": r["village"]}
                      for r in cards.minutes_rows(h)]}


@api.post("/cards/handovers", response={201: HandoverOut}, tags=["cards"])
def handover_record(request, data: HandoverIn):
    """Hand cards on one step (all or nothing) with a numbered berita acara; refused moves answer 409."""
    numbers = set(data.cards)
    found = list(cards.cards_for(request.user).filter(number__in=numbers))
    missing = numbers - {c.number for c in found}
    if missing:
        raise HttpError(422, "Kartu tidak ada di wilayah Anda: " + ", ".join(sorted(missing)[:20]) + ".")
    done = card_services.hand_over(
        request.user, found, data.to_status, giver_name=data.giver_name, giver_role=data.giver_role,
        receiver_name=data.receiver_name, receiver_role=data.receiver_role, place=data.place,
        happened_on=data.happened_on, reason=data.reason, id_checked=data.id_checked)
    return Status(201, _handover_out(done))


@api.get("/cards/handovers/{number}", response=HandoverOut, tags=["cards"])
def handover_detail(request, number: str):
    try:
        return _handover_out(cards.handover(request.user, number))
    except Handover.DoesNotExist:
        raise Http404


# --- claims ---------------------------------------------------------------------------------------


def _claim(request, number: str) -> Claim:
    try:
        return claims.claim(request.user, number)
    except Claim.DoesNotExist:
        raise Http404


def _claim_out(c: Claim, overdue: bool) -> dict:
    p = c.membership.peserta
    return {"number": c.number, "kind": c.kind, "status": c.status, "nik": p.nik, "nama": p.nama, "kpj": c.membership.kpj,
            "desa": p.desa_id, "event_date": c.event_date, "reported_on": c.reported_on, "submitted_on": c.submitted_on,
            "paid_on": c.paid_on, "paid_amount": c.paid_amount, "overdue": overdue}


def _claim_detail(c: Claim) -> dict:
    """The claim with its deadlines and warnings of today, its heirs (name and relationship) and its checklist
    (which documents are there, never their content)."""
    warned = claim_rules.warnings(c.facts(), timezone.localdate())
    return {**_claim_out(c, any(w.overdue for w in warned)),
            **{f: getattr(c, f) for f in ("event_place", "cause", "traffic_accident", "reporter_name",
                                          "reporter_relationship", "rejection_reason", "documents_complete_on",
                                          "decided_on", "doctor_statement_on", "stage_one_due", "claim_due", "payment_due",
                                          "benefit", "benefit_total", "payable_now", "rule_version", "coverage_status")},
            "warnings": [{"code": w.code, "text": w.text, "overdue": w.overdue, "due": w.due} for w in warned],
            "heirs": [{"name": h.name, "relationship": h.relationship} for h in c.heirs.all()],
            "documents": [{"kind": r.document.code, "label": r.document.label, "required": r.document.required,
                           "present": r.done, "files": len(r.files), "uploaded_at": r.files[-1].uploaded_at if r.files else None}
                          for r in claims.checklist(c)]}


def _one_of(value: str, allowed, name: str) -> str:
    if value and value not in allowed:
        raise HttpError(422, f"{name}: {', '.join(allowed)}.")
    return value


@api.get("/claims", response=list[ClaimOut], tags=["claims"])
def claims_list(request, status: str = "", kind: str = "", kecamatan: str = "", offset: int = 0, limit: int = 100):
    """The caller's claims, newest report first; ``kecamatan`` by its code. ``overdue``: past a deadline today."""
    found = claims.claim_list(request.user, status=_one_of(status, Claim.Status.values, "status"),
                              kind=_one_of(kind, Claim.Kind.values, "kind"), kecamatan=kecamatan)
    late = {c.number for c, _ in claims.overdue(request.user, timezone.localdate())}
    start = max(offset, 0)
    return [_claim_out(c, c.number in late) for c in found[start:start + min(max(limit, 1), 1000)]]


def _count_out(rows: list[dict], names: dict) -> list[dict]:
    return [{**{f: r[f] for f in ("claims", "paid_claims", "paid")}, "key": str(r["key"]),
             "name": r.get("name") or names.get(r["key"], "")} for r in rows]


@api.get("/claims/report", response=ClaimReportOut, tags=["claims"])
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
    return found


@api.post("/claims", response={201: ClaimDetailOut}, tags=["claims"])
def claim_report(request, data: ClaimIn):
    """Report a death or a work accident of a member of the caller's area (by NIK or KPJ)."""
    if data.kind not in Claim.Kind.values:
        raise HttpError(422, "kind: " + ", ".join(Claim.Kind.values) + ".")
    peserta = _claim_member(request, data.nik, data.kpj)
    done = claim_services.report_claim(
        request.user, peserta, kind=data.kind, event_date=data.event_date, event_place=data.event_place, cause=data.cause,
        reporter_name=data.reporter_name, reporter_relationship=data.reporter_relationship,
        reporter_phone=data.reporter_phone, traffic_accident=data.traffic_accident)
    return Status(201, _claim_detail(_claim(request, done.number)))


@api.get("/claims/{number}", response=ClaimDetailOut, tags=["claims"])
def claim_detail(request, number: str):
    return _claim_detail(_claim(request, number))


@api.post("/claims/{number}/heirs", response={201: ClaimDetailOut}, tags=["claims"])
def claim_heir_add(request, number: str, data: HeirIn):
    """Name an heir of a death claim; one of a later group while an earlier one is named answers 409."""
    found = _claim(request, number)
    if data.relationship not in Heir.Relationship.values:
        raise HttpError(422, "relationship: " + ", ".join(Heir.Relationship.values) + ".")
    claim_services.add_heir(request.user, found, name=data.name, relationship=data.relationship, nik=data.nik,
                            phone=data.phone, bank_account=data.bank_account)
    return Status(201, _claim_detail(_claim(request, number)))


@api.post("/claims/{number}/documents", response={201: ClaimDetailOut}, tags=["claims"])
def claim_document_upload(request, number: str, kind: Form[str], file: File[UploadedFile],
                          issued_on: Form[date | None] = None):
    """Upload one document of the claim's checklist (a photo or a PDF); ``issued_on``: the date on it."""
    found = _claim(request, number)
    if kind not in claim_rules.DOCUMENTS:
        raise HttpError(422, "kind: " + ", ".join(claim_rules.DOCUMENTS) + ".")
    claim_services.upload_document(request.user, found, kind, file, issued_on)
    return Status(201, _claim_detail(_claim(request, number)))


@api.post("/claims/{number}/complete", response=ClaimDetailOut, tags=["claims"])
def claim_complete(request, number: str):
    """The office: every required document is there and the heirs are in legal order."""
    claim_services.mark_documents_complete(request.user, _claim(request, number))
    return _claim_detail(_claim(request, number))


@api.post("/claims/{number}/submit", response=ClaimDetailOut, tags=["claims"])
def claim_submit(request, number: str):
    """The office sends the complete claim to BPJS: the benefit is computed and frozen."""
    claim_services.submit(request.user, _claim(request, number))
    return _claim_detail(_claim(request, number))


@api.post("/claims/{number}/decide", response=ClaimDetailOut, tags=["claims"])
def claim_decide(request, number: str, data: DecideIn):
    """BPJS's decision (Admin Dinas or Petugas BPJS): approved, or rejected with a reason."""
    claim_services.decide(request.user, _claim(request, number), approved=data.approved, reason=data.reason)
    return _claim_detail(_claim(request, number))


@api.post("/claims/{number}/paid", response=ClaimDetailOut, tags=["claims"])
def claim_paid(request, number: str, data: PaidIn):
    """BPJS paid the approved claim: the amount and the day."""
    claim_services.record_paid(request.user, _claim(request, number), amount=data.amount, paid_on=data.paid_on)
    return _claim_detail(_claim(request, number))
