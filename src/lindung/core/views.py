from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lindung.accounts.roles import CAMAT, OPERATOR_DESA, can
from lindung.cards.selectors import overdue_cards, overdue_upstream
from lindung.claims.selectors import alerts as claim_alerts
from lindung.registry.selectors import summary


@login_required
def home(request):
    """The programme at a glance, for the user's area."""
    data = summary(request.user)
    overdue = None
    near_families = request.user.role is not None and request.user.role.name in (CAMAT.name, OPERATOR_DESA.name)
    if near_families:
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
            # The office is told of deaths and accidents the villages report; the villages report them from here.
            "claim_alerts": claim_alerts(request.user).count() if can(request.user, "plans") else 0,
            "reports_claims": near_families,
        },
    )


@require_GET
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")
