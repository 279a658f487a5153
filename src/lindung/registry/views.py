from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.regulation.selectors import calendar, regulation_on
from lindung.accounts.roles import ADMIN_DINAS
from lindung.core.downloads import attachment
from lindung.enrolment import selectors as enrolment
from lindung.life import selectors as life
from lindung.life.forms import EventForm, OtherCoverForm, WithdrawCoverForm
from lindung.life.models import LifeEvent
from lindung.life.services import OFFICE, RECORDERS
from lindung.payments import selectors as payments
from lindung.rules import coverage
from lindung.rules.contributions import Month

from . import selectors, services
from .forms import PesertaForm, RegisterFilterForm
from .models import Peserta
from .register_xlsx import register_workbook


def _peserta_or_404(user, pk) -> Peserta:
    try:
        return selectors.get_peserta(user, pk=pk)
    except Peserta.DoesNotExist:
        raise Http404(_("No worker with this key in your area."))


def _register_filters(request) -> tuple[RegisterFilterForm, dict[str, str]]:
    choices = selectors.register_choices(request.user, request.GET.get("kecamatan", "")[:20])
    form = RegisterFilterForm(request.GET, choices=choices)
    return form, form.filters()


@login_required
def peserta_list(request):
    """Search by NIK or name, or browse the area's register by kecamatan, village, status and occupation, a page of
    50 at a time by key (``after`` is the last row's id)."""
    query = request.GET.get("q", "").strip()[:100]
    rows, more = selectors.search_peserta(request.user, query) if query else ([], False)
    form, filters = _register_filters(request)
    context = {"query": query, "rows": rows, "more": more, "total": selectors.peserta_for(request.user).count(),
               "filter_form": form, "filters": urlencode({k: v for k, v in filters.items() if v})}
    if not query:
        try:
            after = int(request.GET["after"])
        except (KeyError, ValueError):
            after = None
        page, next_key = selectors.register_page(request.user, after=after, **filters)
        context |= {"browse": page, "next_key": next_key, "paged": after is not None}
    template = "registry/peserta_list.html#results" if request.htmx else "registry/peserta_list.html"
    return render(request, template, context)


@login_required
def peserta_xlsx(request):
    """The filtered register as xlsx (the same GET filters as the list), audited with its filters."""
    _form, filters = _register_filters(request)
    return attachment(register_workbook(request.user, filters), f"peserta-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
def peserta_detail(request, pk: int):
    peserta = _peserta_or_404(request.user, pk)
    history = selectors.peserta_history(request.user, peserta)
    memberships = list(enrolment.memberships_of(request.user, peserta))
    role = request.user.role
    name = getattr(role, "name", None)
    today = timezone.localdate()
    reg = regulation_on(today)
    # Beside each membership's workflow state, what the coverage engine says of it today (the one truth).
    days = calendar()
    protection = [(m, coverage.status_on(payments.coverage_of(request.user, m), today, reg=reg, calendar=days)
                   if m.kpj else None)
                  for m in memberships]
    return render(
        request,
        "registry/peserta_detail.html",
        {"p": peserta, "history": history, "can_edit": bool(role and role.edits_registry),
         "memberships": protection, "today": today, "timelines": [
             (m, payments.timeline_of(request.user, m, today)) for m in memberships if m.kpj],
         "events": life.events_of(request.user, peserta), "event_form": EventForm(deaths_only=name not in OFFICE),
         "covers": life.covers_of(request.user, peserta), "payers": _payers(request.user, peserta, memberships),
         "cover_form": OtherCoverForm(), "withdraw_form": WithdrawCoverForm(),
         "may_record": name in RECORDERS[LifeEvent.Source.VILLAGE], "office": name in OFFICE,
         "admin": name == ADMIN_DINAS.name},
    )


def _payers(user, peserta, memberships) -> list:
    """His other payers month by month over his programmes' months, the months with any."""
    if not memberships:
        return []
    first = Month.of(min(m.first for m in memberships))
    last = Month.of(max(m.last for m in memberships))
    return [(month, covers) for month, covers in life.payers_month_by_month(user, peserta, first, last).items()
            if covers]


def _edit(request, peserta: Peserta | None):
    role = request.user.role
    if role is None or not role.edits_registry:
        raise PermissionDenied
    form = PesertaForm(request.POST or None, instance=peserta, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = services.save_peserta(request.user, form.save(commit=False))
        messages.success(request, _("Worker data saved."))
        return redirect("registry:detail", pk=saved.pk)
    if form.registered_elsewhere is not None:
        services.refuse_nik_elsewhere(request.user, form.registered_elsewhere)
    return render(request, "registry/peserta_form.html", {"form": form, "p": peserta})


@login_required
def peserta_create(request):
    return _edit(request, None)


@login_required
def peserta_edit(request, pk: int):
    return _edit(request, _peserta_or_404(request.user, pk))
