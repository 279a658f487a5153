"""Pages of enrolment: the members per kecamatan, registration files for BPJS, BPJS's answer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts.roles import can
from lindung.core.downloads import attachment
from lindung.core.kept import kept
from lindung.pipeline.readers import ReadError
from lindung.programs import selectors as programs

from . import exports, selectors, services
from .forms import AnswerForm


def _page(request, programme, form=None, findings=None):
    kecamatan, status = request.GET.get("kecamatan", ""), request.GET.get("status", "")
    protection = request.GET.get("perlindungan", "")
    if protection not in {s.value for s in selectors.PROTECTION}:
        protection = ""
    today = timezone.localdate()
    rows = kept("registration_counts", request.user, programme.pk, today,
                compute=lambda: selectors.status_by_kecamatan(request.user, programme, today))
    return render(request, "enrolment/members.html", {
        "programme": programme, "rows": rows, "statuses": selectors.STATUSES, "kecamatan": kecamatan, "status": status,
        "protection": protection, "protection_states": [(s.value, selectors.PROTECTION_LABELS[s])
                                                        for s in selectors.PROTECTION],
        "protection_totals": [(s.value, sum(r["protection"][i] for r in rows))
                              for i, s in enumerate(selectors.PROTECTION)], "today": today,
        "page": selectors.members_page(request.user, programme, request.GET.get("page"), rows, kecamatan=kecamatan,
                                       status=status, protection=protection, today=today),
        "batches": selectors.batches_for(request.user, programme)[:50],
        "can_enrol": can(request.user, "plans"), "form": form or AnswerForm(), "findings": findings,
    })


@login_required
def members(request, code: str):
    return _page(request, programs.programme_of(request.user, code))


@login_required
@require_POST
def submit(request, code: str):
    programme = programs.programme_of(request.user, code)
    try:
        batches = services.submit_registration(request.user, programme, request.POST.get("kecamatan", ""))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("%(files)s registration files made for %(people)s workers: download them below.")
                         % {"files": len(batches), "people": sum(b.members for b in batches)})
    return redirect("enrolment:members", code=code)


@login_required
def batch_xlsx(request, code: str, number: int):
    programme = programs.programme_of(request.user, code)
    batch = get_object_or_404(selectors.batches_for(request.user, programme), number=number)
    exports.record_batch_download(request.user, programme, batch)
    return attachment(selectors.registration_workbook(request.user, programme, [batch]),
                      f"pendaftaran-{programme.code}-{number}.xlsx")


@login_required
def batches_zip(request, code: str):
    """Every registration file of the programme (in the user's area) in one zip, instead of one download each."""
    programme = programs.programme_of(request.user, code)
    content, count = exports.registration_zip(request.user, programme)
    if not count:
        raise Http404(_("No registration file yet."))
    return attachment(content, f"pendaftaran-{programme.code}.zip")


@login_required
def members_xlsx(request, code: str):
    """The members list as xlsx, with the page's filters (kecamatan, status, protection today)."""
    programme = programs.programme_of(request.user, code)
    protection = request.GET.get("perlindungan", "")
    if protection not in {s.value for s in selectors.PROTECTION}:
        protection = ""
    status = request.GET.get("status", "")
    if status not in {s.value for s in selectors.STATUSES}:
        status = ""
    content = exports.members_workbook(request.user, programme, kecamatan=request.GET.get("kecamatan", "")[:20],
                                       status=status, protection=protection)
    return attachment(content, f"peserta-{programme.code}.xlsx")


@login_required
def answer(request, code: str):
    programme = programs.programme_of(request.user, code)
    if request.method != "POST":
        return redirect("enrolment:members", code=code)
    form = AnswerForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, programme, form)
    try:
        outcome = services.import_answer(request.user, programme, form.cleaned_data["file"].chunks())
    except ReadError as exc:
        form.add_error("file", str(exc))
        return _page(request, programme, form)
    if outcome.errors:
        messages.error(request, _("Nothing was changed: %(n)s rows of the file are wrong. Correct them and upload "
                                  "the file again.") % {"n": outcome.errors})
        assert outcome.findings is not None  # the errors are among them
        return _page(request, programme, form, findings=outcome.findings.rows(named=True))
    messages.success(request, _("BPJS answer read: %(r)s registered, %(j)s rejected, %(u)s already recorded.")
                     % {"r": outcome.registered, "j": outcome.rejected, "u": outcome.unchanged})
    return redirect("enrolment:members", code=code)


@login_required
@require_POST
def fixed(request, code: str):
    """A rejected member (his NIK posted, never in the URL) marked as fixed."""
    programme = programs.programme_of(request.user, code)
    membership = get_object_or_404(selectors.memberships_for(request.user, programme),
                                   peserta__nik=request.POST.get("nik", "")[:16])
    try:
        services.mark_fixed(request.user, membership)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Marked as fixed: the worker goes into the next registration file."))
    return redirect("enrolment:members", code=code)
