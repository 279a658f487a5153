"""Pages of a claim's life: the village's report of a death or an accident (phone-first, plain forms), the user's
claims with their warnings and, for the office, the village reports not yet seen, and one claim with its
member, steps, deadlines, benefit, heirs and documents and the steps the user's role may take. Thin: forms
check the input's shape, services write and refuse (their ValidationError is shown on the page, their
PermissionDenied is a 403), selectors read within the user's area."""

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts.roles import can
from lindung.core.downloads import on_record
from lindung.enrolment.models import Membership
from lindung.rules import claims as rules
from lindung.rules.coverage import State
from lindung.wilayah.models import Level
from lindung.wilayah.selectors import regions_for

from . import selectors, services
from .forms import ClaimPaymentForm, DisabilityForm, DocumentForm, HeirForm, RejectForm, ReportForm
from .models import Claim

S = Claim.Status


def _role(user) -> str | None:
    return getattr(getattr(user, "role", None), "name", None)


def _problem(refused: ValidationError) -> str:
    return " ".join(refused.messages)


# --- the report --------------------------------------------------------------------------------------


def _member(user, pk) -> Membership:
    """A membership of the user's area a claim can be reported on; 404 for anyone else's."""
    try:
        return selectors.member_to_report(user, int(pk))
    except (TypeError, ValueError, Membership.DoesNotExist):
        raise Http404 from None


@login_required
def report_new(request):
    """Find the member (NIK, KPJ or name, in the user's area only), then one form of what happened."""
    if _role(request.user) not in services.REPORTERS:
        raise PermissionDenied(_("Only the office, a camat or a village operator reports a death or an accident."))
    q = request.GET.get("q", "").strip()
    member, form, status = None, None, 200
    if request.method == "POST":
        member = _member(request.user, request.POST.get("member"))
        form = ReportForm(request.POST)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "member"}
            try:
                claim = services.report_claim(request.user, member.peserta, **data)
            except ValidationError as refused:
                form.add_error(None, _problem(refused))
            else:
                messages.success(request, _("Claim %(number)s reported. The office has been told.") % {"number": claim.number})
                return redirect("claims:detail", number=claim.number)
        status = 400
    elif "member" in request.GET:
        member = _member(request.user, request.GET["member"])
        form = ReportForm(initial={"member": member.pk})
    return render(request, "claims/new.html", {
        "q": q, "found": selectors.members_to_report(request.user, q) if q and member is None else None,
        "member": member, "form": form,
    }, status=status)


# --- the list ----------------------------------------------------------------------------------------


# Claims and new reports shown per page: a regency of a million people has thousands.
PAGE = 50


@login_required
def claim_list(request):
    status, kind, kecamatan = (request.GET.get(key, "") for key in ("status", "kind", "kecamatan"))
    warned = dict(selectors.with_warnings(request.user, timezone.localdate()))
    found = selectors.claim_list(request.user, status=status, kind=kind, kecamatan=kecamatan)
    # Overdue first; otherwise the newest report first (the selector's order, kept by the stable sort). Ordered by
    # their keys, and only a page of claims read and drawn.
    late = {c.pk for c, warnings in warned.items() if any(w.overdue for w in warnings)}
    page = Paginator(sorted(found.values_list("pk", flat=True), key=lambda pk: pk not in late), PAGE).get_page(
        request.GET.get("page"))
    shown = found.in_bulk(page.object_list)
    rows = [(shown[pk], warned.get(shown[pk], []), pk in late) for pk in page.object_list]
    office = can(request.user, "plans")
    alerts = Paginator(selectors.alerts(request.user), PAGE).get_page(request.GET.get("baru")) if office else None
    return render(request, "claims/list.html", {
        "rows": rows, "page": page, "alerts": alerts,
        "statuses": S.choices, "kinds": Claim.Kind.choices,
        "kecamatans": regions_for(request.user).filter(level=Level.KECAMATAN).order_by("name"),
        "status": status, "kind": kind, "kecamatan": kecamatan,
        "can_report": _role(request.user) in services.REPORTERS,
    })


@login_required
@require_POST
def seen(request, number: str):
    services.mark_seen(request.user, _claim(request, number))
    if request.POST.get("back") == "claim":
        return redirect("claims:detail", number=number)
    return redirect("claims:list")


# --- one claim ---------------------------------------------------------------------------------------


def _claim(request, number: str) -> Claim:
    try:
        return selectors.claim(request.user, number)
    except Claim.DoesNotExist:
        raise Http404 from None


def _page(request, claim: Claim, *, error: str = "", forms: dict | None = None, status: int = 200):
    user, today, forms = request.user, timezone.localdate(), forms or {}
    role, reported = _role(user), claim.status == S.REPORTED
    preview = None if claim.benefit is not None else selectors.benefit_preview(claim)
    benefit = claim.benefit if claim.benefit is not None else (preview[0] if preview else None)
    due = selectors.deadlines(claim)
    decided = S.REJECTED if claim.status == S.REJECTED else S.APPROVED
    steps = [(S.REPORTED.label, claim.reported_on), (S.DOCUMENTS_COMPLETE.label, claim.documents_complete_on),
             (S.SUBMITTED.label, claim.submitted_on), (decided.label, claim.decided_on)]
    if claim.status != S.REJECTED:
        steps.append((S.PAID.label, claim.paid_on))
    return render(request, "claims/claim.html", {
        "claim": claim, "member": claim.membership.peserta, "steps": steps, "due": due, "error": error,
        "warnings": selectors.warnings(claim, today), "checklist": selectors.checklist(claim),
        "heirs": claim.heirs.all(), "death": rules.Kind(claim.kind).death,
        "benefit": benefit, "no_right": benefit is not None and benefit["status"] not in (State.ACTIVE, State.ARREARS),
        "coverage": claim.coverage_status or (preview[1] if preview else ""),
        "is_preview": claim.benefit is None,
        "can_edit": role in services.REPORTERS and reported,
        "can_complete": can(user, "plans") and reported,
        "can_submit": can(user, "plans") and claim.status == S.DOCUMENTS_COMPLETE,
        "can_decide": role in services.DECIDERS and claim.status == S.SUBMITTED,
        "can_pay": role in services.DECIDERS and claim.status == S.APPROVED,
        "can_mark_seen": can(user, "plans") and claim.seen_by_office_at is None,
        "can_mark_suspected": (can(user, "plans") and rules.Kind(claim.kind).jkk and not claim.suspected_work_accident
                               and claim.status in (S.REPORTED, S.DOCUMENTS_COMPLETE, S.SUBMITTED)),
        "can_record_disability": (can(user, "plans") and claim.kind == Claim.Kind.JKK_INJURY
                                  and claim.status in (S.REPORTED, S.DOCUMENTS_COMPLETE)),
        "disability_form": forms.get("disability") or DisabilityForm(initial={
            "total": claim.total_disability, "children_ages": ", ".join(map(str, claim.children_ages))}),
        "heir_form": forms.get("heir") or HeirForm(),
        "document_form": forms.get("document"),
        "reject_form": forms.get("reject") or RejectForm(),
        "pay_form": forms.get("pay") or ClaimPaymentForm(initial={"amount": claim.payable_now or "", "paid_on": today}),
    }, status=status)


@login_required
def claim_detail(request, number: str):
    return _page(request, _claim(request, number))


def _step(request, number: str, do, done: str, *, name: str = "", form=None):
    """Run a service on the claim: back to the claim page with ``done``, or the page again with the refusal
    (in ``form`` when given). PermissionDenied is left to Django: a 403."""
    found = _claim(request, number)
    if form is not None and not form.is_valid():
        return _page(request, found, forms={name: form}, status=400)
    try:
        do(found)
    except ValidationError as refused:
        if form is None:
            return _page(request, found, error=_problem(refused), status=400)
        form.add_error(None, _problem(refused))
        return _page(request, found, forms={name: form}, status=400)
    messages.success(request, done)
    return redirect("claims:detail", number=found.number)


@login_required
@require_POST
def heir_add(request, number: str):
    form = HeirForm(request.POST)
    return _step(request, number, lambda c: services.add_heir(request.user, c, **form.cleaned_data),
                 _("Heir added."), name="heir", form=form)


@login_required
@require_POST
def heir_remove(request, number: str, pk: int):
    heir = _claim(request, number).heirs.filter(pk=pk).first()
    if heir is None:
        raise Http404
    return _step(request, number, lambda c: services.remove_heir(request.user, heir), _("Heir removed."))


@login_required
@require_POST
def document_upload(request, number: str):
    form = DocumentForm(request.POST, request.FILES)
    return _step(request, number, lambda c: services.upload_document(
        request.user, c, form.cleaned_data["kind"], form.cleaned_data["file"], form.cleaned_data["issued_on"]),
        _("Document uploaded."), name="document", form=form)


@login_required
def document(request, number: str, pk: int):
    found = _claim(request, number).documents.filter(pk=pk).first()
    if found is None:
        raise Http404
    assert found.file.name is not None  # a document always has its file
    # Always a download: whatever was uploaded is never rendered in the page's origin.
    return on_record(request.user, FileResponse(found.file.open("rb"), as_attachment=True,
                                                filename=f"{found.claim.number}-{found.kind}{Path(found.file.name).suffix}"),
                     "claims.document_downloaded", target=f"claim:{found.claim.number}",
                     summary=f"Dokumen klaim {found.claim.number} ({found.get_kind_display()}) diunduh.")


@login_required
@require_POST
def suspected(request, number: str):
    return _step(request, number, lambda c: services.mark_suspected(request.user, c),
                 _("Marked a suspected work accident: BPJS decides within 30 days of the report."))


@login_required
@require_POST
def disability(request, number: str):
    form = DisabilityForm(request.POST)
    return _step(request, number, lambda c: services.record_total_disability(
        request.user, c, total=form.cleaned_data["total"], children_ages=form.cleaned_data["children_ages"]),
        _("Disability recorded."), name="disability", form=form)


@login_required
@require_POST
def complete(request, number: str):
    return _step(request, number, lambda c: services.mark_documents_complete(request.user, c),
                 _("The documents are complete."))


@login_required
@require_POST
def submit(request, number: str):
    return _step(request, number, lambda c: services.submit(request.user, c),
                 _("Submitted to BPJS: the benefit is fixed."))


@login_required
@require_POST
def approve(request, number: str):
    return _step(request, number, lambda c: services.decide(request.user, c, approved=True),
                 _("BPJS's approval recorded."))


@login_required
@require_POST
def reject(request, number: str):
    form = RejectForm(request.POST)
    return _step(request, number, lambda c: services.decide(request.user, c, approved=False,
                                                            reason=form.cleaned_data["reason"]),
                 _("BPJS's rejection recorded."), name="reject", form=form)


@login_required
@require_POST
def pay(request, number: str):
    form = ClaimPaymentForm(request.POST)
    return _step(request, number, lambda c: services.record_paid(request.user, c, amount=form.cleaned_data["amount"],
                                                                 paid_on=form.cleaned_data["paid_on"]),
                 _("Payment to the family recorded."), name="pay", form=form)
