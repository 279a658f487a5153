"""The one-page budget proposal (RKA) the office attaches to its budget request: the assumptions, the months × rate
× people table, the total in figures and words, what the budget buys, and the head of office's signature block.
An official Indonesian document whatever the page language."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML

from lindung.rules.contributions import tanggal
from lindung.rules.proposal import Proposal
from lindung.rules.terbilang import rupiah_terbilang
from lindung.wilayah.selectors import regency_name, signing_place

from .models import FUNDING_SOURCES


def proposal_pdf(found: Proposal) -> bytes:
    return HTML(string=proposal_html(found)).write_pdf()


def proposal_html(found: Proposal) -> str:
    regency = regency_name()
    with translation.override("id"):  # Indonesian numbers (7.130), month names and labels whoever asks
        context = {
            "p": found, "b": found.basis, "regency": regency, "office": settings.LINDUNG_OFFICE_NAME,
            "place": signing_place(regency),
            "date": tanggal(timezone.localdate()), "payer": str(dict(FUNDING_SOURCES)[found.basis.payer]),
            "total_words": rupiah_terbilang(found.total), "budget_words": rupiah_terbilang(found.budget),
        }
        return render_to_string("programs/proposal_pdf.html", context)
