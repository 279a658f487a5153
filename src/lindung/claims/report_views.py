"""The claims report of the user's area: what the regent quotes (claims paid, Rupiah paid to families, the median
wait from the event to the payment) in big numbers, then charts and tables, and the same figures as xlsx. Counts
and sums only: the claims listed carry their number, never a name or a NIK."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from lindung.core.downloads import attachment
from lindung.rules.contributions import bulan

from . import selectors
from .models import Claim
from .report_xlsx import report_workbook


def _year(request) -> int | None:
    """The year of ``?tahun=``, when it is one the user has claims in; every year otherwise."""
    text = request.GET.get("tahun", "").strip()
    return int(text) if text.isdigit() and int(text) in selectors.report_years(request.user) else None


def month_chart(report: selectors.ClaimReport) -> dict:
    """Claims per month of the event, stacked by kind. charts.js takes traces and no layout: each kind's bars
    start where the kinds before it end (``base``) in one shared slot (``offsetgroup``)."""
    labels = [bulan(r["key"]) for r in report.by_month]
    traces, base = [], [0] * len(labels)
    for kind in Claim.Kind:
        y = [r["kinds"][kind.value] for r in report.by_month]
        if any(y):
            traces.append({"type": "bar", "name": str(kind.label), "x": labels, "y": y, "base": base,
                           "offsetgroup": "claims"})
            base = [b + n for b, n in zip(base, y)]
    return {"title": _("Claims per month of the event"), "traces": traces}


def wait_chart(report: selectors.ClaimReport) -> dict:
    groups = report.distribution
    return {"title": _("Paid claims by days from the event to the payment"), "traces": [
        {"type": "bar", "name": _("Paid claims"), "x": [label for label, _n in groups], "y": [n for _label, n in groups],
         "marker": {"color": "#0b6e4f"}}] if report.waits else []}


@login_required
def index(request):
    year = _year(request)
    report = selectors.report(request.user, year)
    return render(request, "claims/report.html", {
        "report": report, "year": year, "years": selectors.report_years(request.user),
        "month_chart": month_chart(report), "wait_chart": wait_chart(report),
        "by_kind": [{**r, "label": Claim.Kind(r["key"]).label} for r in report.by_kind],
        "by_status": [{**r, "label": Claim.Status(r["key"]).label} for r in report.by_status],
        "kind_labels": Claim.Kind.labels,
        "months": [{**r, "label": bulan(r["key"]), "per_kind": [r["kinds"][k] for k in Claim.Kind.values]}
                   for r in report.by_month],
        "paid_claims": [{**r, "kind_label": Claim.Kind(r["kind"]).label}
                        for r in selectors.report_claims(request.user, year) if r["paid_on"]],
    })


@login_required
def xlsx(request):
    year = _year(request)
    return attachment(report_workbook(request.user, year), f"laporan-klaim-{year or 'semua'}.xlsx")
