"""A card never prints a validity beyond what is paid or funded (issue 14): a member of a programme running
January–December 2025 with only January paid. Printed in February his card says January is paid and the programme
funds him until December; printed after he lapsed (1 May 2025) it says so and names no December; it never says
"Berlaku s.d."; under the QR it says the QR shows the status today. The public check of the same card on the same
day agrees, in the same words; read back from the PDF with pdftotext."""

import subprocess
from datetime import date
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.urls import reverse

from lindung.cards import documents, public_views, services
from lindung.cards.verification import token_for
from lindung.payments import services as payments
from lindung.payments.protection import protection_counts
from lindung.payments.selectors import membership_coverage
from lindung.rules.coverage import State, claim_status
from tests.cards.conftest import registered
from tests.conftest import KAUR_SELATAN
from tests.factories import approved_bill, run


@pytest.fixture
def january_only(users, planned):
    """Kaur Selatan's members of the 2025 programme (January–December), registered; only January billed and paid;
    their cards printed (the run, not yet the PDF)."""
    programme = run(planned)
    registered(programme)
    bill = approved_bill(users, programme, "2025-01")
    payments.record_payment(users["admin"], bill, "SP2D-2025-01", date(2025, 1, 10), bill.total)
    batch = services.print_cards(users["admin"], programme, KAUR_SELATAN)
    cards = list(batch.card_set.select_related("membership__peserta", "membership__programme").order_by("number"))
    assert cards and {c.membership.last for c in cards} == {date(2025, 12, 1)}
    return cards


@pytest.fixture
def public_day(monkeypatch):
    cache.clear()
    day = SimpleNamespace(value=None)
    monkeypatch.setattr(public_views, "timezone", SimpleNamespace(localdate=lambda: day.value))
    yield day
    cache.clear()


def card_pages(cards, day, tmp_path) -> list[str]:
    """The cards printed one a page (the card printer's layout) on ``day``, each page's text."""
    path = tmp_path / f"kartu-{day}.pdf"
    path.write_bytes(documents.card_sheet_pdf(cards, "card", day=day))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout
    pages = [" ".join(page.split()) for page in text.split("\f")[:len(cards)]]
    assert len(pages) == len(cards)
    return pages


def test_printed_in_february_a_card_says_january_is_paid_and_the_programme_funds_until_december(
        client, january_only, public_day, tmp_path):
    for card, page in zip(january_only, card_pages(january_only, date(2025, 2, 10), tmp_path), strict=True):
        assert card.membership.peserta.nama in page and card.number in page
        assert "Iuran dibayar s.d. Januari 2025" in page
        assert "Didanai program s.d. Desember 2025" in page
        assert "Berlaku" not in page and "Februari 2025" not in page  # nothing beyond what is paid or funded
        assert "Pindai QR untuk status terkini" in page

    public_day.value = date(2025, 2, 10)
    body = client.get(f"/v/{token_for(january_only[0].number)}/").content.decode()
    assert "Kartu berlaku hari ini (10 Februari 2025)" in body
    assert "Iuran dibayar s.d.</dt><dd data-testid=\"verify-paid\">Januari 2025" in body
    assert "Didanai program s.d.</dt><dd data-testid=\"verify-paid\">Desember 2025" in body
    assert "Halaman ini menunjukkan status hari ini" in body


def test_printed_after_the_lapse_a_card_says_since_when_he_is_lapsed_and_no_december(
        client, january_only, public_day, tmp_path):
    """February, March and April unpaid: lapsed on 1 May 2025 (DOMAIN.md §2). The card printed on 2 May says so,
    and the public check of that card says the same date."""
    pages = card_pages(january_only, date(2025, 5, 2), tmp_path)
    for page in pages:
        assert "Iuran dibayar s.d. Januari 2025" in page and "Nonaktif sejak 1 Mei 2025" in page
        assert "Desember" not in page and "Didanai" not in page and "Berlaku" not in page
        assert "Pindai QR untuk status terkini" in page

    public_day.value = date(2025, 5, 2)
    body = client.get(f"/v/{token_for(january_only[0].number)}/").content.decode()
    assert "Kartu tidak berlaku hari ini (2 Mei 2025)" in body and "nonaktif sejak 1 Mei 2025" in body
    assert "Iuran dibayar s.d.</dt><dd data-testid=\"verify-paid\">Januari 2025" in body
    assert "Desember 2025" not in body


def test_a_payment_made_after_the_printing_day_is_not_printed(users, january_only, tmp_path):
    """February paid on 14 February: a card printed on the 10th still says January; one printed on the 20th says
    February."""
    programme = january_only[0].membership.programme
    bill = approved_bill(users, programme, "2025-02")
    payments.record_payment(users["admin"], bill, "SP2D-2025-02", date(2025, 2, 14), bill.total)
    before, after = (card_pages(january_only[:1], day, tmp_path)[0] for day in (date(2025, 2, 10), date(2025, 2, 20)))
    assert "Iuran dibayar s.d. Januari 2025" in before
    assert "Iuran dibayar s.d. Februari 2025" in after and "Didanai program s.d. Desember 2025" in after


def test_the_card_page_of_the_office_shows_the_same_statement(client, users, january_only, monkeypatch):
    from lindung.cards import views

    monkeypatch.setattr(views, "timezone", SimpleNamespace(localdate=lambda: date(2025, 5, 2), now=views.timezone.now))
    client.force_login(users["operator"])
    body = client.get(reverse("cards:card", args=[january_only[0].number])).content.decode()
    assert "Januari 2025" in body and "1 Mei 2025" in body and "Desember 2025" not in body


def test_before_the_first_payment_the_card_is_not_valid_yet(client, users, january_only, public_day):
    """PP 44/2015 Ps 1 angka 4: a participant is someone who has paid. January is paid on 10 January: on the 5th the
    public check, the claim status and the regent's counts all say he is not covered yet."""
    public_day.value = date(2025, 1, 5)
    body = client.get(f"/v/{token_for(january_only[0].number)}/").content.decode()
    assert "Perlindungan belum berlaku: iuran pertama belum dibayar." in body
    membership = january_only[0].membership
    assert claim_status(membership_coverage(membership), date(2025, 1, 5)).state is State.NOT_YET
    counts = protection_counts(users["camat"], date(2025, 1, 5)).total
    assert (counts.belum, counts.aktif) == (len(january_only), 0)
    assert protection_counts(users["camat"], date(2025, 1, 10)).total.aktif == len(january_only)
