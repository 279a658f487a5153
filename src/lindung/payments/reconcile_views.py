"""The page comparing a bill with BPJS's invoice or payment report: the upload, the latest result, and the
differences, each resolved with a note."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lindung.accounts.roles import can
from lindung.core.forms import UploadField
from lindung.pipeline.readers import ReadError

from . import selectors, services
from .models import Difference
from .views import _bill, _problem

SHOWN = 100  # differences listed per kind; the CLI's --json gives them all


class ReconcileForm(forms.Form):
    file = UploadField(label=gettext_lazy("BPJS invoice or payment report (xlsx or csv): No. KPJ and/or NIK, name and "
                                          "amount (or JKK and JKM)"))


def _page(request, programme, bill, form=None, findings=None):
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
        return _page(request, programme, bill)
    form = ReconcileForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, programme, bill, form)
    upload = form.cleaned_data["file"]
    try:
        done = services.reconcile(request.user, bill, upload.name, upload.read())
    except ReadError as exc:
        form.add_error("file", str(exc))
        return _page(request, programme, bill, form)
    except services.InvoiceRefused as exc:
        messages.error(request, exc.messages[0])
        return _page(request, programme, bill, form, findings=exc.findings)
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
