"""The cover letter of a bill: the manpower office (Dinas) asks the regency's finance office (BKAD) to pay the
month's contributions, with the amount in figures and in words and the breakdown per kecamatan. An official
Indonesian letter, so its text is Indonesian whatever the page language. Deterministic: it is dated on the
bill's approval and numbered by the bill, so the same bill always renders the same text."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML

from lindung.regulation.selectors import calendar, regulation_on
from lindung.rules.contributions import Month, Payer, bulan, jht_due_date, tanggal
from lindung.rules.terbilang import rupiah_terbilang
from lindung.wilayah.selectors import regency_name, signing_place

from . import selectors
from .models import Bill

# Kode klasifikasi arsip 560: ketenagakerjaan.
LETTER_CODE = "560"


def cover_letter_pdf(user, bill: Bill) -> bytes:
    return HTML(string=cover_letter_html(user, bill)).write_pdf()


def cover_letter_html(user, bill: Bill) -> str:
    """The letter for an approved bill (its date is the approval's)."""
    programme = bill.programme
    regency = regency_name()
    areas = selectors.bill_by_kecamatan(user, bill)
    sums = {k: sum(a[k] for a in areas) for k in ("members", "jkk", "jkm", "jht", "discount", "total")}
    day = timezone.localdate(bill.approved_at)
    month = Month.of(bill.month)
    context = {
        "bill": bill, "programme": programme, "areas": areas, "sums": sums,
        "payer": selectors.PAYERS.get(Payer(programme.funding_source), programme.funding_source),
        "regency": regency, "place": signing_place(regency),
        "office": settings.LINDUNG_OFFICE_NAME,
        "finance_office": settings.LINDUNG_FINANCE_OFFICE_NAME,
        "number": f"{LETTER_CODE}/{bill.pk}/{settings.LINDUNG_OFFICE_SHORT_NAME}/{day.year}",
        "date": tanggal(day), "month": bulan(month), "due": tanggal(bill.due_date),
        "jht_due": tanggal(jht_due_date(month, reg=regulation_on(bill.month), calendar=calendar())) if sums["jht"] else "",
        "pks_date": tanggal(programme.pks_date) if programme.pks_date else "",
        "terbilang": rupiah_terbilang(sums["total"]),
    }
    with translation.override("id"):  # Indonesian numbers (7.130) whoever asks
        return render_to_string("payments/cover_letter.html", context)
