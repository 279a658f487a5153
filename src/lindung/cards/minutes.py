"""The berita acara serah terima (hand-over minutes) of a hand-over: numbered, with the parties, the date and
place, the list of cards and signature blocks. An official Indonesian document whatever the page language.
Deterministic: everything in it comes from the Handover and its moves, so downloading it again at any time
gives the same text."""

from django.template.loader import render_to_string
from django.utils import translation
from lokal import terbilang
from weasyprint import HTML

from lindung.rules import cards as rules
from lindung.rules.contributions import tanggal
from lindung.wilayah.selectors import regency_name

from .models import Handover
from .selectors import minutes_rows

HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


def minutes_pdf(handover: Handover) -> bytes:
    return HTML(string=minutes_html(handover)).write_pdf()


def minutes_html(handover: Handover) -> str:
    """The minutes of a hand-over the caller may see (selectors.handover scopes it)."""
    regency = regency_name()
    rows = [{**r, "reason": rules.RETURN_REASONS.get(r["reason"], "")} for r in minutes_rows(handover)]
    area = handover.desa or handover.kecamatan
    context = {
        "handover": handover, "rows": rows, "count": len(rows), "count_words": terbilang(len(rows)),
        "regency": regency, "office": handover.office,
        "day": HARI[handover.happened_on.weekday()], "date": tanggal(handover.happened_on),
        "from_label": rules.LABELS[rules.Status(handover.from_status)],
        "to_label": rules.LABELS[rules.Status(handover.to_status)],
        "returned": handover.to_status == rules.Status.RETURNED,
        "area": f"{area.kind.title()} {area.name}" if area else "",
    }
    with translation.override("id"):
        return render_to_string("cards/minutes.html", context)
