from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from lokal import format_rupiah

from lindung.accounts.roles import CAMAT, OPERATOR_DESA, can
from lindung.accounts.scoping import area_code
from lindung.cards.selectors import overdue_cards, overdue_count, overdue_upstream
from lindung.claims.selectors import alerts as claim_alerts
from lindung.core.downloads import attachment
from lindung.payments.protection import LAPSE_HORIZONS
from lindung.registry.selectors import summary
from lindung.rules.terbilang import rupiah_terbilang
from lindung.wilayah.models import Level, level_of

from . import dashboard as figures
from . import health
from . import jobs as background
from .approvals import waiting_for
from .dashboard_pdf import dashboard_pdf
from .forms import parse_rupiah
from .kept import kept
from .svgchart import bar_chart


@login_required
def home(request):
    """The regent's figures for the roles that lead with them, then the register at a glance, for the user's area."""
    today = timezone.localdate()
    data = kept("register_summary", request.user, compute=lambda: summary(request.user))
    overdue = None
    near_families = request.user.role is not None and request.user.role.name in (CAMAT.name, OPERATOR_DESA.name)
    if near_families:
        # Who holds cards opens Lindung to the ones he holds too long, the five oldest first.
        overdue = kept("oldest_overdue", request.user, today,
                       compute=lambda: list(overdue_cards(request.user, today)[:5]))
    sex_labels = {"L": _("Male"), "P": _("Female")}
    # A province's office sees its regencies side by side; everyone else his kecamatan.
    code = area_code(request.user)
    province = code is not None and level_of(code) == Level.PROVINSI
    rows = data["regency" if province else "kecamatan"]
    chart = {
        "x": [name for _, name, _ in rows],
        "y": [n for _, _, n in rows],
        "title": _("People in the register by regency") if province else _("People in the register by kecamatan"),
    }
    chart_svg = None
    if near_families:
        # On a phone over a slow line: the chart drawn here as SVG, no Plotly bundle (core.svgchart).
        villages = figures.people_by_village(request.user)
        chart_svg = bar_chart([name for name, _n in villages], [n for _name, n in villages],
                              title=_("People in the register by village"), axis_label=_("people"))
    dash = figures.dashboard(request.user, today) if figures.shows_dashboard(request.user) else None
    overdue_n = 0
    if overdue is not None:
        # The camat's figures counted them already (cards.selectors.counts_by_place: overdue_count).
        overdue_n = dash.cards["overdue"] if dash is not None else overdue_count(request.user, today)
    return render(
        request,
        "core/home.html",
        {
            "summary": data,
            "sex_rows": [(sex_labels[k], v) for k, v in sorted(data["sex"].items())],
            "largest": max((n for *_, n in data["kecamatan"]), default=0),
            "chart": chart,
            "chart_svg": chart_svg,
            "overdue": overdue or [],
            "overdue_count": overdue_n,
            "overdue_upstream": overdue_upstream(request.user, today),
            # The office is told of deaths and accidents the villages report; the villages report them from here.
            "claim_alerts": claim_alerts(request.user).count() if can(request.user, "plans") else 0,
            "reports_claims": near_families,
            "dash": dash,
            "horizons": LAPSE_HORIZONS,
            "approvals": waiting_for(request.user),
        },
    )


def _dashboard_user(request):
    if not figures.shows_dashboard(request.user):
        raise PermissionDenied
    return request.user


@login_required
def protection_list(request):
    """The people behind a figure of the regent's page: current members of one state (``keadaan``), of a kecamatan
    when asked, or those protected today who lapse within ``hari`` days (keadaan=berisiko)."""
    user, today = _dashboard_user(request), timezone.localdate()
    state, kecamatan = request.GET.get("keadaan", ""), request.GET.get("kecamatan", "")
    if state not in (*figures.STATES, figures.AT_RISK, ""):
        raise Http404
    days = request.GET.get("hari", "")
    within_days = int(days) if days.isdigit() and 0 < int(days) <= 366 else LAPSE_HORIZONS[0]
    found = figures.protection_list(user, today, state=state, kecamatan=kecamatan, within_days=within_days)
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    return render(request, "core/protection_list.html", {
        "page": page, "state": state, "kecamatan": kecamatan, "days": within_days, "today": today,
        "at_risk": state == figures.AT_RISK, "kecamatan_name": figures.kecamatan_name(kecamatan),
    })


@login_required
def dashboard_document(request):
    """The regent's page as a one-page PDF for the monthly meeting."""
    user, today = _dashboard_user(request), timezone.localdate()
    return attachment(dashboard_pdf(figures.dashboard(user, today)), f"ringkasan-perlindungan-{today:%Y-%m-%d}.pdf",
                      inline=True)


@login_required
@require_GET
def rupiah_words(request):
    """The amount a Rupiah field holds, said back while it is typed (core.forms.RupiahInput): "Rp500.000.000 —
    lima ratus juta rupiah", or why it cannot be read. Before saving, a clerk sees the zeros he typed."""
    text = next(iter(request.GET.values()), "").strip()
    if not text:
        return HttpResponse("")
    try:
        amount = parse_rupiah(text)
    except ValueError:
        return HttpResponse(format_html('<span class="error">{}</span>', _("Not a whole Rupiah amount: write e.g. "
                                                                             "500.000.000.")))
    words = f" — {rupiah_terbilang(amount)}" if get_language() == "id" else ""
    return HttpResponse(format_html("{}{}", format_rupiah(amount), words))


@login_required
def jobs(request):
    """The Admin Dinas's operations page: the health checks, the last backup, the disk's use, then the background
    jobs, newest first: what, when, how it ended and why it failed."""
    operations = health.operations(request.user)
    page = Paginator(background.jobs_for(request.user), 50).get_page(request.GET.get("page"))
    rows = [{"job": job, "name": background.NAMES.get(job.task_path, job.task_path),
             "tries": len(job.worker_ids), "why": background.failure(job)} for job in page]
    return render(request, "core/jobs.html", {"page": page, "rows": rows, "ops": operations})


@require_GET
def healthz(request):
    """For a monitor, without a login: the database, the job worker's heartbeat and the free disk as JSON; 200 when
    all are well, 503 otherwise (core.health)."""
    checks = health.health()
    response = JsonResponse(checks, status=200 if checks["status"] == "ok" else 503)
    response["Cache-Control"] = "no-store"
    return response
