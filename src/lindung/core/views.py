from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lindung.accounts.roles import CAMAT, OPERATOR_DESA
from lindung.cards.selectors import overdue_cards, overdue_upstream
from lindung.registry.selectors import summary


@login_required
def home(request):
    """The programme at a glance, for the user's area."""
    data = summary(request.user)
    overdue = None
    if request.user.role is not None and request.user.role.name in (CAMAT.name, OPERATOR_DESA.name):
        # Who holds cards opens Lindung to the ones he holds too long, the oldest first.
        overdue = overdue_cards(request.user, timezone.localdate())
    sex_labels = {"L": _("Male"), "P": _("Female")}
    chart = {
        "x": [name for _, name, _ in data["kecamatan"]],
        "y": [n for _, _, n in data["kecamatan"]],
        "title": _("Workers by kecamatan"),
    }
    return render(
        request,
        "core/home.html",
        {
            "summary": data,
            "sex_rows": [(sex_labels[k], v) for k, v in sorted(data["sex"].items())],
            "largest": max((n for *_, n in data["kecamatan"]), default=0),
            "chart": chart,
            "overdue": overdue[:5] if overdue is not None else [],
            "overdue_count": overdue.count() if overdue is not None else 0,
            "overdue_upstream": overdue_upstream(request.user, timezone.localdate()),
        },
    )


@require_GET
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")
