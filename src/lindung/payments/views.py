"""Pages of the money cycle: a programme's monthly bills and budget realisation, a bill with its lines and
payments, its export for the finance office (xlsx), the cover letter (PDF), and its comparison with BPJS's invoice
or payment report (reconciliation), each difference resolved with a note."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from lokal import format_rupiah

from lindung.accounts.roles import can
from lindung.core.downloads import attachment, on_record
from lindung.pipeline.readers import ReadError
from lindung.programs import selectors as programs
from lindung.programs.models import Programme
from lindung.rules.contributions import Month, tanggal

from . import selectors, services
from .bill_xlsx import bill_workbook, check_workbook, double_cover_workbook
from .cover_letter import cover_letter_pdf
from .forms import ApproveForm, ExcludeForm, GenerateForm, PaymentForm, ReconcileForm
from .models import Bill, Difference

PAYABLE = (Bill.Status.APPROVED, Bill.Status.PARTLY_PAID)
SHOWN = 100  # differences listed per kind on the reconciliation page; the CLI's --json gives them all


def _bill(user, code, month) -> tuple[Programme, Bill]:
    programme = programs.programme_of(user, code)
    try:
        day = Month.parse(month).first_day
    except ValueError:
        raise Http404
    return programme, get_object_or_404(selectors.bills_for(user, programme), month=day)


def _problem(exc: ValidationError | PermissionDenied) -> str:
    return " ".join(exc.messages) if isinstance(exc, ValidationError) else (str(exc) or _("You may not do this."))


@login_required
def bills(request, code: str):
    return _bills_page(request, programs.programme_of(request.user, code))


def _bills_page(request, programme: Programme, form=None):
    found = selectors.realisation(request.user, programme)
    billed = {r.month for r in found.months if r.bill and r.bill.status != Bill.Status.DRAFT}
    month = next((r.month for r in found.months if r.month not in billed), None)
    return render(request, "payments/bills.html", {
        "programme": programme, "realisation": found, "chart": selectors.realisation_chart(found),
        "can_generate": can(request.user, "plans") and programme.status in (Programme.Status.APPROVED,
                                                                            Programme.Status.RUNNING),
        "form": form or GenerateForm(initial={"month": month.first_day if month else None}),
    })


@login_required
@require_POST
def generate(request, code: str):
    programme = programs.programme_of(request.user, code)
    form = GenerateForm(request.POST)
    if not form.is_valid():
        return _bills_page(request, programme, form)
    try:
        done = services.generate_bill(request.user, programme, Month.of(form.cleaned_data["month"]))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _problem(exc))
        return redirect("payments:bills", code=code)
    bill = done.bill
    messages.success(request, _("Bill for %(month)s: %(added)s members added, %(members)s in all, %(total)s.") % {
        "month": bill.month.strftime("%Y-%m"), "added": done.added, "members": bill.members,
        "total": format_rupiah(bill.total)})
    return redirect("payments:bill", code=code, month=bill.month.strftime("%Y-%m"))


def _detail(request, programme: Programme, bill: Bill, pay_form=None, status=200, exclude_form=None):
    user = request.user
    draft = bill.status == Bill.Status.DRAFT
    lines = selectors.bill_lines(user, bill)
    areas = selectors.bill_by_kecamatan(user, bill)
    here = {"members": sum(a["members"] for a in areas), "total": sum(a["total"] for a in areas)}
    payments = list(bill.payments.select_related("recorded_by"))
    paid = sum(p.amount for p in payments)
    arrears, late = None, None
    if "tunggakan" in request.GET:
        late = next((p for p in payments if p.late and str(p.pk) == request.GET["tunggakan"]), None)
        if late:
            arrears = Paginator(selectors.put_in_arrears(user, late), 50).get_page(request.GET.get("hal"))
    return render(request, "payments/bill_detail.html", {
        "programme": programme, "bill": bill, "payments": payments, "paid": paid, "left": bill.total - paid,
        "areas": areas, "here": here, "whole": here["members"] == bill.members,
        "page": Paginator(lines.select_related("peserta__desa", "membership"), 50).get_page(request.GET.get("page")),
        "late_payment": late, "arrears": arrears,
        "check": selectors.check_summary(user, bill),
        "findings": Paginator(selectors.findings_for(user, bill), 50).get_page(request.GET.get("temuan")),
        "can_check": can(user, "plans") and draft,
        "exclude_form": exclude_form or ExcludeForm(),
        "approve_form": ApproveForm(),
        "can_approve": can(user, "approves") and draft and user.pk not in selectors.makers(bill),
        "can_pay": can(user, "approves") and bill.status in PAYABLE,
        "can_letter": can(user, "plans") and bill.status != Bill.Status.DRAFT,
        "pay_form": pay_form or PaymentForm(initial={"amount": bill.total - paid}),
    }, status=status)


@login_required
def bill(request, code: str, month: str):
    return _detail(request, *_bill(request.user, code, month))


@login_required
@require_POST
def approve(request, code: str, month: str):
    programme, found = _bill(request.user, code, month)
    form = ApproveForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(" ".join(map(str, form.errors["note"])))
        services.approve_bill(request.user, found, form.cleaned_data["note"])
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _problem(exc))
    else:
        messages.success(request, _("Bill approved: it can now be paid and no longer changed."))
    return redirect("payments:bill", code=code, month=month)


@login_required
@require_POST
def check(request, code: str, month: str):
    programme, found = _bill(request.user, code, month)
    try:
        checked = services.check_bill_asking_others(request.user, found)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _problem(exc))
    else:
        made = checked.findings
        for not_asked in checked.registries.messages:
            messages.warning(request, not_asked)
        if checked.registries.answered:
            messages.info(request, checked.registries.answered)
        if made:
            messages.warning(request, _("The check found %(n)s findings: take those members off the bill, or say why "
                                        "they stay when you approve.") % {"n": len(made)})
        else:
            messages.success(request, _("The check found nothing to hold back."))
    return redirect(reverse("payments:bill", kwargs={"code": code, "month": month}) + "#pemeriksaan")


@login_required
@require_POST
def exclude(request, code: str, month: str):
    programme, found = _bill(request.user, code, month)
    form = ExcludeForm(request.POST)
    if not form.is_valid():
        return _detail(request, programme, found, status=400, exclude_form=form)
    data = form.cleaned_data
    try:
        n = services.exclude_findings(request.user, found, data["reason"], rules=data["rule"], niks=data["nik"])
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _problem(exc))
        return _detail(request, programme, found, status=400, exclude_form=form)
    messages.success(request, _("%(n)s members taken off the bill, with the reason kept.") % {"n": n})
    return redirect(reverse("payments:bill", kwargs={"code": code, "month": month}) + "#pemeriksaan")


@login_required
def check_xlsx(request, code: str, month: str):
    programme, found = _bill(request.user, code, month)
    return on_record(request.user, attachment(check_workbook(request.user, found),
                                              f"pemeriksaan-tagihan-{programme.code}-{month}.xlsx"),
                     "payments.check_downloaded", target=f"bill:{found.pk}",
                     summary=f"Pemeriksaan tagihan {month} program {programme.code} diunduh.")


@login_required
@require_POST
def pay(request, code: str, month: str):
    programme, found = _bill(request.user, code, month)
    form = PaymentForm(request.POST)
    if not form.is_valid():
        return _detail(request, programme, found, form, status=400)
    data = form.cleaned_data
    try:
        done = services.record_payment(request.user, found, data["sp2d_number"], data["paid_on"], data["amount"])
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _problem(exc))
        return _detail(request, programme, found, form, status=400)
    messages.success(request, _("Payment recorded: SP2D %(sp2d)s, %(amount)s; %(n)s members paid.") % {
        "sp2d": done.payment.sp2d_number, "amount": format_rupiah(done.payment.amount), "n": done.lines_paid})
    url = reverse("payments:bill", kwargs={"code": code, "month": month})
    if not done.late:
        return redirect(url)
    messages.warning(request, _("Paid after the due date (%(due)s): %(n)s members were in arrears from the due date "
                                "until %(paid)s. They are listed below.") % {
        "due": tanggal(found.due_date), "n": len(done.in_arrears), "paid": tanggal(done.payment.paid_on)})
    return redirect(f"{url}?tunggakan={done.payment.pk}#tunggakan")


@login_required
def bill_xlsx(request, code: str, month: str):
    programme, found = _bill(request.user, code, month)
    return on_record(request.user, attachment(bill_workbook(request.user, found), f"tagihan-{programme.code}-{month}.xlsx"),
                     "payments.bill_downloaded", target=f"bill:{found.pk}",
                     summary=f"Daftar tagihan {month} program {programme.code} diunduh.")


@login_required
def cover_letter(request, code: str, month: str):
    programme, found = _bill(request.user, code, month)
    if not can(request.user, "plans"):
        raise PermissionDenied
    if found.status == Bill.Status.DRAFT:
        messages.error(request, _("The cover letter is made once the bill is approved."))
        return redirect("payments:bill", code=code, month=month)
    return attachment(cover_letter_pdf(request.user, found), f"surat-tagihan-{programme.code}-{month}.pdf")


def _reconciliation_page(request, programme, bill, form=None, findings=None):
    latest = selectors.reconciliations_for(request.user, bill).first()
    open_only = request.GET.get("open") == "1"
    kinds = []
    if latest:
        for kind, label in Difference.Kind.choices:
            found = selectors.differences(request.user, latest, kind=kind, open_only=open_only)
            kinds.append({"kind": kind, "label": label, "count": found.count(), "rows": found[:SHOWN]})
    return render(request, "payments/reconciliation.html", {
        "programme": programme, "bill": bill, "latest": latest, "kinds": kinds, "open_only": open_only,
        "shown": SHOWN, "can_reconcile": can(request.user, "plans"), "form": form or ReconcileForm(),
        "findings": findings,
    })


@login_required
def reconciliation(request, code: str, month: str):
    programme, bill = _bill(request.user, code, month)
    if request.method != "POST":
        return _reconciliation_page(request, programme, bill)
    form = ReconcileForm(request.POST, request.FILES)
    if not form.is_valid():
        return _reconciliation_page(request, programme, bill, form)
    upload = form.cleaned_data["file"]
    try:
        done = services.reconcile(request.user, bill, upload.name, upload.read())
    except ReadError as exc:
        form.add_error("file", str(exc))
        return _reconciliation_page(request, programme, bill, form)
    except services.InvoiceRefused as exc:
        messages.error(request, exc.messages[0])
        return _reconciliation_page(request, programme, bill, form, findings=exc.findings)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _problem(exc))
        return redirect("payments:reconciliation", code=code, month=month)
    messages.success(request, _("BPJS file compared: %(m)s matched, %(a)s amounts differ, %(o)s billed by us only, "
                                "%(t)s billed by BPJS only.") % {"m": done.matched, "a": done.amount_differs,
                                                                 "o": done.only_ours, "t": done.only_theirs})
    return redirect("payments:reconciliation", code=code, month=month)


@login_required
@require_POST
def resolve(request, code: str, month: str, pk: int):
    bill = _bill(request.user, code, month)[1]
    reconciliation = get_object_or_404(selectors.reconciliations_for(request.user, bill), differences__pk=pk)
    difference = get_object_or_404(selectors.differences(request.user, reconciliation), pk=pk)
    try:  # the service says what a note needs, in the office's words
        services.resolve_difference(request.user, difference, request.POST.get("note", ""))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _problem(exc))
    else:
        messages.success(request, _("Difference resolved."))
    return redirect("payments:reconciliation", code=code, month=month)


@login_required
def double_cover(request, code: str):
    """The months we bill that another payer pays too, per month, in the user's area."""
    programme = programs.programme_of(request.user, code)
    rows = selectors.double_cover(request.user, programme)
    return render(request, "payments/double_cover.html", {"programme": programme, "rows": rows,
                                                          "months": len({r.month for r in rows})})


@login_required
def double_cover_xlsx(request, code: str):
    programme = programs.programme_of(request.user, code)
    rows = selectors.double_cover(request.user, programme)
    return on_record(request.user, attachment(double_cover_workbook(rows), f"dibayar-ganda-{programme.code}.xlsx"),
                     "payments.double_cover_downloaded", target=f"programme:{programme.pk}",
                     summary=f"Laporan iuran dibayar ganda program {programme.code} diunduh: {len(rows)} baris.")
