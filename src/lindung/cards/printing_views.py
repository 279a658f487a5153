"""The office's printing pages: the kecamatans whose members wait for a card, a print run per kecamatan, every
earlier run to download again, and a card's replacement (lost, damaged, wrong data)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lindung.accounts.roles import can
from lindung.programs.models import Programme
from lindung.programs.selectors import running_programmes

from . import selectors, services
from .models import Card, PrintBatch


class ReplaceForm(forms.Form):
    reason = forms.ChoiceField(label=gettext_lazy("Why a new card"), choices=Card.VoidReason.choices)
    layout = forms.ChoiceField(label=gettext_lazy("Print on"), choices=PrintBatch.Layout.choices)


def _office(request) -> None:
    if not can(request.user, "plans"):
        raise PermissionDenied(_("Only the office prints cards."))


def _programme(request) -> Programme | None:
    """The programme asked for, or the newest approved or running one."""
    running = running_programmes(request.user).order_by("-year", "code")
    code = request.GET.get("programme") or request.POST.get("programme")
    return running.filter(code=code).first() if code else running.first()


@login_required
def printing(request):
    _office(request)
    programme = _programme(request)
    return render(request, "cards/printing.html", {
        "programme": programme, "layouts": PrintBatch.Layout.choices,
        "programmes": running_programmes(request.user),
        "waiting": selectors.awaiting_by_kecamatan(request.user, programme) if programme else [],
        "batches": selectors.print_batches(request.user)[:100],
    })


@login_required
@require_POST
def print_run(request):
    _office(request)
    programme = _programme(request)
    if programme is None:
        raise Http404
    try:
        batch = services.print_cards(request.user, programme, request.POST.get("kecamatan", ""),
                                     request.POST.get("layout") or PrintBatch.Layout.A4)
    except ValidationError as refused:
        messages.error(request, refused.messages[0])
        return redirect(reverse("cards:printing") + f"?programme={programme.code}")
    messages.success(request, _("Print run %(batch)s: %(n)s cards for Kecamatan %(kecamatan)s. Its PDF is being prepared.")
                     % {"batch": batch, "n": batch.cards, "kecamatan": batch.kecamatan.name})
    return redirect("cards:batch", pk=services.prepare_pdf(request.user, batch).pk)


def _batch(request, pk: int) -> PrintBatch:
    _office(request)
    batch = selectors.print_batches(request.user).filter(pk=pk).first()
    if batch is None:
        raise Http404
    return batch


@login_required
def batch(request, pk: int):
    """A print run and its PDF: prepared in the background, the page refreshes itself until it is ready."""
    found = _batch(request, pk)
    if request.method == "POST" or found.pdf_status == PrintBatch.Pdf.NONE:  # a failure waits for the button
        found = services.prepare_pdf(request.user, found)
    return render(request, "cards/batch.html", {
        "batch": found, "working": found.pdf_status in (PrintBatch.Pdf.QUEUED, PrintBatch.Pdf.RUNNING),
        "live": selectors.batch_cards(found).count()})


@login_required
def batch_pdf(request, pk: int):
    found = _batch(request, pk)
    if found.pdf_status != PrintBatch.Pdf.READY or not found.pdf:
        return redirect("cards:batch", pk=found.pk)
    services.record_download(request.user, found)
    return FileResponse(found.pdf.open("rb"), as_attachment=True, content_type="application/pdf",
                        filename=f"kartu-{found.programme.code}-{found.number}.pdf")


@login_required
@require_POST
def replace(request, number: str):
    _office(request)
    card = selectors.cards_for(request.user).filter(number=number).first()
    if card is None:
        raise Http404
    form = ReplaceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose why the card is replaced."))
        return redirect("cards:card", number=number)
    try:
        new = services.replace_card(request.user, card, form.cleaned_data["reason"], form.cleaned_data["layout"])
    except ValidationError as refused:
        messages.error(request, refused.messages[0])
        return redirect("cards:card", number=number)
    services.prepare_pdf(request.user, new.batch)
    messages.success(request, _("Card %(old)s voided; card %(new)s printed in run %(batch)s: download it from the "
                                "printing page.") % {"old": number, "new": new.number, "batch": new.batch})
    return redirect("cards:card", number=new.number)
