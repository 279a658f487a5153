"""The membership cards as a PDF to print: ID-1 size (85.6 × 54 mm), ten to an A4 page with cut marks, or one
to a page for a card printer. A card carries the regency, the member's name, KPJ, programme, what is paid and
funded on the printing day (validity.py: never a validity beyond it), the card number and a QR code with the
signed verification link (verification.py), which shows the status today. No NIK: a lost card must not hand
anyone the holder's NIK. The text is Indonesian, printed for the workers whatever the page language. The same
cards on the same day always give the same PDF."""

from datetime import date
from io import BytesIO

import segno
from django.conf import settings
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from pypdf import PdfReader, PdfWriter
from weasyprint import HTML

from lindung.wilayah.selectors import regency_name

from .validity import FUNDED, QR_LINE, printed, printed_for
from .verification import verification_url

CARD_W, CARD_H = 85.6, 54  # mm, ISO/IEC 7810 ID-1
PAGE_W, PAGE_H = 210, 297  # A4
COLUMNS, ROWS = 2, 5
LEFT, TOP = (PAGE_W - COLUMNS * CARD_W) / 2, (PAGE_H - ROWS * CARD_H) / 2  # the grid, centred
MARK_GAP, MARK_LEN = 2, 7  # cut marks start this far outside the grid


def card_faces(cards, base_url: str, day: date | None = None) -> list[dict]:
    """What each card shows. ``cards``: Card objects with membership__peserta and membership__programme at
    hand (anything with those attributes). Its validity is what is true on ``day`` (today), the printing day:
    the months paid and the programme's last funded month, never beyond (validity.py), and a line that the QR
    code shows the status today."""
    cards = list(cards)
    day = day or timezone.localdate()
    statements = printed_for([card.membership for card in cards], day)
    faces = []
    for card in cards:
        membership = card.membership
        url = verification_url(base_url, card)
        # Error correction M and the standard quiet zone of 4 modules: scans from a worn card under a phone.
        qr = segno.make(url, error="m", boost_error=False, micro=False)
        statement = statements.get(getattr(membership, "pk", None)) or printed(membership, [], day)  # type: ignore[arg-type]  # no pk (a made-up card): none
        faces.append({
            "name": membership.peserta.nama, "kpj": membership.kpj, "programme": membership.programme.name,
            # What is paid (or that he lapsed) in bold; the programme's plan in plain type.
            "validity": [(label, value, label != FUNDED) for label, value in statement.lines()], "number": card.number,
            "url": url, "qr": qr.svg_data_uri(border=4, dark="#000", light="#fff"), "qr_line": QR_LINE,
        })
    return faces


def _a4_pages(faces: list[dict]) -> list[list[dict]]:
    """The faces in pages of COLUMNS × ROWS, each with its place on the page (mm)."""
    per_page = COLUMNS * ROWS
    return [[{**face, "left": _mm(LEFT + (i % COLUMNS) * CARD_W), "top": _mm(TOP + (i // COLUMNS) * CARD_H)}
             for i, face in enumerate(faces[start:start + per_page])] for start in range(0, len(faces), per_page)]


def _cut_marks() -> list[dict]:
    """Short lines in the margin along every edge of the grid's cards, where the guillotine cuts."""
    marks = []
    for col in range(COLUMNS + 1):
        x = LEFT + col * CARD_W
        marks += [_mark(x, TOP - MARK_GAP - MARK_LEN, 0, MARK_LEN), _mark(x, TOP + ROWS * CARD_H + MARK_GAP, 0, MARK_LEN)]
    for row in range(ROWS + 1):
        y = TOP + row * CARD_H
        marks += [_mark(LEFT - MARK_GAP - MARK_LEN, y, MARK_LEN, 0), _mark(LEFT + COLUMNS * CARD_W + MARK_GAP, y, MARK_LEN, 0)]
    return marks


def _mark(left: float, top: float, width: float, height: float) -> dict:
    return {"left": _mm(left), "top": _mm(top), "width": _mm(width), "height": _mm(height),
            "axis": "vertical" if width == 0 else "horizontal"}


def _mm(length: float) -> str:
    # Formatted here: the template would write the decimal comma of the Indonesian locale into the CSS.
    return f"{length:.2f}mm"


def card_sheet_html(cards, layout: str = "a4", day: date | None = None) -> str:
    if layout not in ("a4", "card"):
        raise ValueError(f"Tata letak kartu tidak dikenal: {layout!r} (a4 atau card).")
    faces = card_faces(cards, settings.LINDUNG_PUBLIC_URL, day)
    regency = regency_name()
    return render_to_string("cards/card_sheet.html", {
        "layout": layout, "regency": regency, "card_w": _mm(CARD_W), "card_h": _mm(CARD_H),
        "pages": _a4_pages(faces) if layout == "a4" else [[face] for face in faces],
        "marks": _cut_marks() if layout == "a4" else [],
    })


PAGES_PER_STEP = 5  # A4 pages of a part: laid out, written and reported at once


def card_sheet_pdf(cards, layout: str = "a4", progress=None, day: date | None = None) -> bytes:
    """The cards as one PDF. Rendered a few pages at a time (WeasyPrint takes about a second per A4 page of ten
    cards), calling ``progress(done, total)`` in between, so a long print run can show how far it is. Each part
    is written out before the next is laid out and the parts are joined with pypdf: the laid-out pages of a
    whole kecamatan held at once cost about 0.5 MB per card, the parts keep the job's memory flat."""
    cards = list(cards.select_related("membership__peserta", "membership__programme") if isinstance(cards, QuerySet)
                 else cards)
    day = day or timezone.localdate()  # one printing day for every part
    step = PAGES_PER_STEP * (COLUMNS * ROWS if layout == "a4" else 1)
    joined = PdfWriter()
    for start in range(0, max(len(cards), 1), step):
        joined.append(PdfReader(BytesIO(HTML(string=card_sheet_html(cards[start:start + step], layout, day)).write_pdf())))
        if progress:
            progress(min(start + step, len(cards)), len(cards))
    out = BytesIO()
    joined.write(out)
    return out.getvalue()
