"""The regent's page as a one-page PDF (A4) for the monthly meeting: the same figures as the home page, in
Indonesian whatever the page language, with the day they are true on, and the audit chain's head when printed (a
later `lindung audit verify --head` against it shows a cut tail)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML

from lindung.audit.selectors import chain_head
from lindung.rules.contributions import tanggal
from lindung.wilayah.models import Wilayah
from lindung.wilayah.selectors import regency_name

from .dashboard import Dashboard


def dashboard_pdf(found: Dashboard) -> bytes:
    return HTML(string=dashboard_html(found)).write_pdf()


def dashboard_html(found: Dashboard) -> str:
    names = dict(Wilayah.objects.filter(code=found.area).values_list("code", "name"))
    context = {"d": found, "t": found.protection.total, "date": tanggal(found.day),
               "area": names.get(found.area, found.area), "regency": regency_name(),
               "office": settings.LINDUNG_OFFICE_NAME, "audit_head": chain_head()}
    with translation.override("id"):
        return render_to_string("core/dashboard_pdf.html", context)
