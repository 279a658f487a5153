from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lindung.registry.selectors import summary


@login_required
def home(request):
    """The programme at a glance, for the user's area."""
    data = summary(request.user)
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
        },
    )


@require_GET
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")
