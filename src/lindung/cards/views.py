"""Pages of the card cycle: the user's cards with a bulk hand-over form, one hand-over with its minutes, and the
league table of the kecamatans. Thin: the forms check the input, services write, selectors read."""

from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import selectors, services
from .minutes import minutes_pdf as render_minutes
from .models import Card, Handover

S = Card.Status


class HandoverForm(forms.Form):
    to_status = forms.ChoiceField(label=gettext_lazy("Hand over to"), choices=[
        (S.AT_DINAS, gettext_lazy("The office (received from the printer)")),
        (S.AT_CAMAT, gettext_lazy("The kecamatan (camat)")),
        (S.AT_VILLAGE, gettext_lazy("The village")),
        (S.DELIVERED, gettext_lazy("The worker (delivered)")),
        (S.RETURNED, gettext_lazy("Back to the office (returned)")),
    ])
    reason = forms.ChoiceField(label=gettext_lazy("Reason, when returned"), required=False,
                               choices=[("", "—"), *Card.ReturnReason.choices])
    giver_name = forms.CharField(label=gettext_lazy("Handed over by (name)"), max_length=120)
    giver_role = forms.CharField(label=gettext_lazy("Their position"), max_length=120)
    receiver_name = forms.CharField(label=gettext_lazy("Received by (name)"), max_length=120)
    receiver_role = forms.CharField(label=gettext_lazy("Their position"), max_length=120)
    place = forms.CharField(label=gettext_lazy("Place"), max_length=120)
    happened_on = forms.DateField(label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    id_checked = forms.BooleanField(label=gettext_lazy("The recipient's identity card (KTP) was checked"), required=False)
    evidence = forms.FileField(label=gettext_lazy("Evidence: a photo or the signed minutes (optional)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["happened_on"].initial = timezone.localdate()


def _list(request, form=None, status=200):
    status_filter, q = request.GET.get("status", ""), request.GET.get("q", "")
    cards = selectors.cards_for(request.user, status=status_filter or None, q=q)
    if not status_filter:
        cards = cards.exclude(status=S.VOIDED)
    today = timezone.localdate()
    return render(request, "cards/list.html", {
        "page": Paginator(cards, 100).get_page(request.GET.get("page")), "statuses": S.choices,
        "status": status_filter, "q": q, "form": form or HandoverForm(),
        "overdue": selectors.overdue_cards(request.user, today)[:50],
        "handovers": selectors.handovers_for(request.user)[:20],
    }, status=status)


@login_required
def card_list(request):
    return _list(request)


@login_required
@require_POST
def hand_over(request):
    form = HandoverForm(request.POST, request.FILES)
    if not form.is_valid():
        return _list(request, form, status=400)
    data = form.cleaned_data
    try:
        done = services.hand_over(request.user, request.POST.getlist("card"), data["to_status"],
                                  giver_name=data["giver_name"], giver_role=data["giver_role"],
                                  receiver_name=data["receiver_name"], receiver_role=data["receiver_role"],
                                  place=data["place"], happened_on=data["happened_on"], evidence=data["evidence"],
                                  reason=data["reason"] if data["to_status"] == S.RETURNED else "",
                                  id_checked=data["id_checked"])
    except (ValidationError, PermissionDenied) as refused:
        form.add_error(None, refused.messages[0] if isinstance(refused, ValidationError) else
                       str(refused) or _("Your role does not record this hand-over."))
        return _list(request, form, status=400)
    messages.success(request, _("Hand-over %(number)s recorded: %(n)s cards.") % {"number": done.number,
                                                                                 "n": done.moves.count()})
    return redirect("cards:handover", number=done.number)


def _handover(request, number: str) -> Handover:
    try:
        return selectors.handover(request.user, number)
    except Handover.DoesNotExist:
        raise Http404 from None


@login_required
def handover(request, number: str):
    found = _handover(request, number)
    return render(request, "cards/handover.html", {"handover": found, "rows": selectors.minutes_rows(found)})


@login_required
def minutes_pdf(request, number: str):
    found = _handover(request, number)
    response = HttpResponse(render_minutes(found), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="berita-acara-{found.number}.pdf"'
    return response


@login_required
def evidence(request, number: str):
    found = _handover(request, number)
    if not found.evidence:
        raise Http404
    # Always a download: whatever was uploaded is never rendered in the page's origin.
    return FileResponse(found.evidence.open("rb"), as_attachment=True,
                        filename=f"bukti-{found.number}{Path(found.evidence.name).suffix}")


@login_required
def league(request):
    table = selectors.league_table(request.user, timezone.localdate())
    chart = {"title": _("Cards held per kecamatan"), "traces": [
        {"type": "bar", "name": _("Held, in time"), "x": [r.name for r in table], "y": [r.held - r.overdue for r in table]},
        {"type": "bar", "name": _("Overdue"), "x": [r.name for r in table], "y": [r.overdue for r in table]},
    ]} if table else {"traces": []}
    return render(request, "cards/league.html", {"table": table, "chart": chart})
