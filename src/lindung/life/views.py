"""Pages of a person's life events: the list (reported deaths to verify first), recording one from the worker's
page, verifying, correcting and reversing one (Admin Dinas, with a reason), and the civil registry's death list.
Thin: forms check the shape, services write and refuse (ValidationError shown, PermissionDenied a 403)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts.roles import ADMIN_DINAS
from lindung.pipeline.readers import ReadError
from lindung.registry.models import Peserta
from lindung.registry.selectors import peserta_for

from . import selectors, services
from .forms import CorrectForm, DeathListForm, EventForm, OtherCoverForm, ReverseForm, VerifyForm, WithdrawCoverForm
from .models import LifeEvent, OtherCover


def _role(user) -> str | None:
    return getattr(getattr(user, "role", None), "name", None)


def _event(user, pk: int) -> LifeEvent:
    try:
        return selectors.event_for(user, pk)
    except LifeEvent.DoesNotExist:
        raise Http404 from None


def _problems(refused: ValidationError) -> str:
    return " ".join(refused.messages)


@login_required
def event_list(request):
    status = request.GET.get("status", "")
    if status not in LifeEvent.Status.values:
        status = ""
    kind = request.GET.get("kind", "")
    if kind not in LifeEvent.Kind.values:
        kind = ""
    events = selectors.events_for(request.user, status=status, kind=kind)
    return render(request, "life/list.html", {
        "events": events[:500], "count": events.count(), "status": status, "kind": kind,
        "statuses": LifeEvent.Status.choices, "kinds": LifeEvent.Kind.choices,
        "office": _role(request.user) in services.OFFICE, "admin": _role(request.user) == ADMIN_DINAS.name})


@login_required
@require_POST
def record(request, pk: int):
    try:
        peserta = peserta_for(request.user).get(pk=pk)
    except Peserta.DoesNotExist:
        raise Http404 from None
    office = _role(request.user) in services.OFFICE
    form = EventForm(request.POST, deaths_only=not office)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("registry:detail", pk=pk)
    data = form.cleaned_data
    try:
        if office:
            services.record(request.user, peserta, kind=data["kind"], happened_on=data["happened_on"],
                            source=LifeEvent.Source.TYPED, evidence=data["evidence"])
            messages.success(request, _("Recorded. The worker's memberships end from that day."))
        else:
            services.report_death(request.user, peserta, died_on=data["happened_on"], evidence=data["evidence"])
            messages.success(request, _("Reported. The office verifies the death; meanwhile no new plan or notice "
                                        "includes this worker."))
    except ValidationError as refused:
        messages.error(request, _problems(refused))
    return redirect("registry:detail", pk=pk)


def _act(request, pk: int, form_class, act):
    event = _event(request.user, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            messages.success(request, act(event, form.cleaned_data))
        except ValidationError as refused:
            messages.error(request, _problems(refused))
    # From the list of events the clerk goes back to it; from the worker's page, to the worker.
    return redirect("life:list") if request.POST.get("back") == "list" else redirect("registry:detail", pk=event.peserta_id)


@login_required
@require_POST
def verify(request, pk: int):
    def act(event, data):
        services.verify(request.user, event, happened_on=data["happened_on"], evidence=data["evidence"])
        return _("Death verified: the worker's memberships end from that day.")
    return _act(request, pk, VerifyForm, act)


@login_required
@require_POST
def correct(request, pk: int):
    def act(event, data):
        services.correct(request.user, event, happened_on=data["happened_on"], reason=data["reason"])
        return _("Date corrected: what the event changed now follows the new date.")
    return _act(request, pk, CorrectForm, act)


@login_required
@require_POST
def reverse(request, pk: int):
    def act(event, data):
        return services.reverse(request.user, event, data["reason"]).message
    return _act(request, pk, ReverseForm, act)


@login_required
def death_list(request):
    if _role(request.user) not in services.OFFICE:
        raise PermissionDenied(_("Only the office imports the civil registry's death list."))
    form, outcome, problem = DeathListForm(request.POST or None, request.FILES or None), None, ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            outcome = services.import_death_list(request.user, upload.name, upload.chunks())
        except ReadError as e:
            problem = str(e)
        except ValidationError as refused:
            problem = _problems(refused)
    return render(request, "life/death_list.html", {"form": form, "outcome": outcome, "problem": problem},
                  status=422 if problem or (outcome and outcome.errors) else 200)


def _form_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@login_required
@require_POST
def record_cover(request, pk: int):
    """The office types another payer of the worker, with its evidence."""
    try:
        peserta = peserta_for(request.user).get(pk=pk)
    except Peserta.DoesNotExist:
        raise Http404 from None
    form = OtherCoverForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("registry:detail", pk=pk)
    try:
        services.record_other_cover(request.user, peserta, source=OtherCover.Source.TYPED, **form.cleaned_data)
        messages.success(request, _("Recorded. From now on those months are left to that payer; months we paid as well are in the "
                                    "programme's double-cover report."))
    except ValidationError as refused:
        messages.error(request, _problems(refused))
    return redirect("registry:detail", pk=pk)


@login_required
@require_POST
def withdraw_cover(request, pk: int):
    try:
        cover = selectors.cover_for(request.user, pk)
    except OtherCover.DoesNotExist:
        raise Http404 from None
    form = WithdrawCoverForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            services.withdraw_other_cover(request.user, cover, form.cleaned_data["reason"])
            messages.success(request, _("Withdrawn: those months are ours to pay again."))
        except ValidationError as refused:
            messages.error(request, _problems(refused))
    return redirect("registry:detail", pk=cover.peserta_id)
