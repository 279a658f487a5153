"""The "Regulation settings" page: every open rule with the value in force, its default, its source and its
changes; the Admin Dinas changes one from a date on, everyone else reads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts.roles import can
from lindung.core.templatetags.lindung import rupiah
from lindung.rules.regulation import VERSION

from . import selectors, services
from .forms import CHOICES, YES_NO, SettingForm


def shown(name: str, value) -> list[str]:
    """A setting's value as the page writes it, a line per item: "Ya", "the first month paid", "Rp1.000.000; …"."""
    if name in CHOICES:
        return [str(dict(CHOICES[name]).get(str(value), value))]
    if isinstance(value, bool):
        return [str(dict(YES_NO)["1" if value else "0"])]
    if value == ():
        return [_("not filled in yet")]
    if name == "income_tiers":
        return ["; ".join(rupiah(amount) for amount in tier) for tier in value]
    if name == "disability_parts":
        return [f"{label} ({code}): {percent.replace('.', ',')}%" for code, label, percent in value]
    if name == "aid_caps":
        return [f"{label} ({code}): {rupiah(cap)}" for code, label, cap in value]
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value]
    return [str(value)]


def _page(request, failed: SettingForm | None = None):
    admin = can(request.user, "approves")
    rows = [{"row": row, "now": shown(row.name, row.value), "default": shown(row.name, row.default),
             "changes": [(c, shown(row.name, c.value)) for c in row.changes],
             "form": failed if failed and failed.name == row.name else (
                 SettingForm(row.name, current=row.value) if admin else None)}
            for row in selectors.rows()]
    return render(request, "regulation/settings.html", {"rows": rows, "version": VERSION, "admin": admin},
                  status=400 if failed else 200)


@login_required
def settings_page(request):
    return _page(request)


@login_required
@require_POST
def change(request, name: str):
    if name not in selectors.ABOUT:
        raise Http404
    if not can(request.user, "approves"):
        raise PermissionDenied
    form = SettingForm(name, request.POST)
    if not form.is_valid():
        return _page(request, form)
    data = form.cleaned_data
    try:
        services.change_setting(request.user, name, data["value"], data["effective_from"], data["reason"])
    except ValidationError as refused:
        form.add_error(None, refused)
        return _page(request, form)
    messages.success(request, _("%(setting)s changed from %(day)s.") % {
        "setting": selectors.about(name).label, "day": data["effective_from"].strftime("%d-%m-%Y")})
    return redirect("regulation:settings")
