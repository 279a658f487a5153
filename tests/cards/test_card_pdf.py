"""The printed cards read back: pdftotext finds the names and KPJ and no NIK, the page rendered to PNG holds QR
codes that decode to the cards' verification links, and those links open the public page without login; a
tampered link is refused, the page is rate limited, a voided card or a lapsed member is not valid."""

import subprocess
import time
from datetime import date
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
import zxingcpp
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from PIL import Image

from lindung.cards import documents, public_views, services
from lindung.cards.models import Card
from lindung.cards.verification import token_for, verification_url
from lindung.core import ratelimit
from lindung.payments import services as payments
from tests.cards.conftest import registered
from tests.conftest import KAUR_SELATAN
from tests.factories import approved_bill, run


@pytest.fixture(autouse=True)
def _fresh_rate_limit(db):
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def printed(users, planned):
    """Kaur Selatan's members registered (KPJ known), January and February 2025 paid, their cards printed."""
    programme = run(planned)  # running: its months can be billed
    registered(programme)
    for month, paid_on in (("2025-01", date(2025, 1, 10)), ("2025-02", date(2025, 2, 10))):
        bill = approved_bill(users, programme, month)
        payments.record_payment(users["admin"], bill, f"SP2D-{month}", paid_on, bill.total)
    batch = services.print_cards(users["admin"], programme, KAUR_SELATAN)
    cards = list(batch.card_set.select_related("membership__peserta", "membership__programme"))
    assert len(cards) >= 3
    return cards


@pytest.fixture
def today(monkeypatch):
    """The public page's today: 10 March 2025 unless a test moves it."""
    day = SimpleNamespace(value=date(2025, 3, 10))
    monkeypatch.setattr(public_views, "timezone", SimpleNamespace(localdate=lambda: day.value))
    return day


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


def page_count_and_size(path) -> tuple[int, str]:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    return int(fields["Pages"]), fields["Page size"].strip()


def qr_codes_on_page_1(path, tmp_path) -> list[str]:
    subprocess.run(["pdftoppm", "-png", "-r", "200", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")], check=True)
    png, = tmp_path.glob("page*.png")
    return [found.text for found in zxingcpp.read_barcodes(Image.open(png))]


def test_an_a4_sheet_shows_names_and_kpj_no_nik_and_qr_codes_that_open_the_public_page(client, printed, today, tmp_path):
    pdf = documents.card_sheet_pdf(Card.objects.filter(pk__in=[c.pk for c in printed]), "a4", day=today.value)
    assert pdf == documents.card_sheet_pdf(Card.objects.filter(pk__in=[c.pk for c in printed]), "a4",
                                           day=today.value)  # deterministic
    path = tmp_path / "kartu.pdf"
    path.write_bytes(pdf)
    assert page_count_and_size(path) == (1, "595.276 x 841.89 pts (A4)")
    text = pdf_text(path)
    assert "Kabupaten Kaur".upper() in text.upper() and "Perlindungan Pekerja Rentan" in text
    for card in printed:
        peserta = card.membership.peserta
        assert peserta.nama in text and card.membership.kpj in text and card.number in text
        assert peserta.nik not in text.replace(" ", "")
    # Printed on 10 March 2025: January and February paid, the programme funds him until December.
    assert text.count("Iuran dibayar s.d.") == len(printed) and text.count("Februari 2025") == len(printed)
    assert text.count("Didanai program s.d.") == len(printed) and "Desember 2025" in text
    assert "Berlaku s.d." not in text and "Pindai QR untuk status" in text

    urls = qr_codes_on_page_1(path, tmp_path)
    expected = {verification_url(settings.LINDUNG_PUBLIC_URL, c): c for c in printed}
    assert sorted(urls) == sorted(expected)
    for url in urls:
        peserta = expected[url].membership.peserta
        page = client.get(urlsplit(url).path)  # nobody logged in
        body = page.content.decode()
        assert page.status_code == 200, url
        assert public_views.masked_name(peserta.nama) in body and "Kartu berlaku hari ini" in body
        assert expected[url].number in body and "Kabupaten Kaur" in body
        assert peserta.nama not in body and peserta.nik not in body and peserta.desa.name not in body


def test_the_card_printer_layout_is_one_card_a_page_of_card_size(printed, tmp_path):
    path = tmp_path / "kartu.pdf"
    path.write_bytes(documents.card_sheet_pdf(printed, "card"))
    pages, size = page_count_and_size(path)
    assert pages == len(printed) and size.startswith("242.6") and " x 153.0" in size  # 85.6 × 54 mm in points
    assert qr_codes_on_page_1(path, tmp_path) == [verification_url(settings.LINDUNG_PUBLIC_URL, printed[0])]
    assert printed[0].membership.peserta.nama in pdf_text(path).split("\f")[0]


def test_a_run_rendered_in_parts_joins_them_in_order_and_reports_each(printed, tmp_path, monkeypatch):
    monkeypatch.setattr(documents, "PAGES_PER_STEP", 1)  # one card a part on the card printer's layout
    reports = []
    path = tmp_path / "kartu.pdf"
    path.write_bytes(documents.card_sheet_pdf(printed, "card", lambda done, total: reports.append((done, total))))
    n = len(printed)
    assert reports == [(i, n) for i in range(1, n + 1)]
    assert page_count_and_size(path)[0] == n
    for page, card in zip(pdf_text(path).split("\f")[:n], printed, strict=True):
        assert card.number in page and card.membership.peserta.nama in page
        assert all(other.number not in page for other in printed if other != card)


def test_an_unknown_layout_is_refused(printed):
    with pytest.raises(ValueError):
        documents.card_sheet_pdf(printed, "a3")


def test_a_tampered_or_unknown_token_gets_the_same_plain_404(client, printed, today):
    token = token_for(printed[0].number)
    i = len(token) - 5
    tampered = token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1:]
    borrowed = f"{printed[1].number}.{token.split('.')[1]}"  # another member's card number, this card's signature
    refused = [client.get(f"/v/{t}/") for t in (tampered, borrowed, token_for("99999999999-1"), "x")]
    assert [r.status_code for r in refused] == [404] * 4
    assert len({r.content for r in refused}) == 1  # no hint whether such a card exists
    assert "tidak sah" in refused[0].content.decode()
    assert public_views.masked_name(printed[0].membership.peserta.nama) not in refused[0].content.decode()
    assert client.get(f"/v/{token}/").status_code == 200


def test_lookups_are_limited_per_address(client, printed, today):
    paths = [f"/v/{token_for(c.number)}/" for c in printed]
    answers = [client.get(paths[i % len(paths)]).status_code for i in range(public_views.LIMIT)]
    assert answers == [200] * public_views.LIMIT
    limited = client.get(paths[0])
    assert limited.status_code == 429 and limited["Retry-After"] == str(public_views.WINDOW)
    assert "Terlalu banyak pemeriksaan" in limited.content.decode()
    assert client.get("/v/forged.token/").status_code == 429  # forged lookups count and are limited too
    assert client.get(paths[0], REMOTE_ADDR="10.1.2.3").status_code == 200  # another address has its own limit
    with connection.cursor() as cursor:  # counted in the database, the same for every worker process
        cursor.execute("SELECT COUNT(*) FROM lindung_cache WHERE cache_key LIKE %s", ["%lindung.cards.verify%"])
        assert cursor.fetchone()[0] == 2


def test_the_window_is_fixed_not_sliding(client, printed, monkeypatch):
    """Hits late in one window do not stretch it: the next window starts at its own time with a new count."""
    path = f"/v/{token_for(printed[0].number)}/"
    start = (int(time.time()) // public_views.WINDOW + 1) * public_views.WINDOW  # a window ahead (the cache's clock)
    for i in range(public_views.LIMIT):  # spread over the window, the last one a second before it ends
        monkeypatch.setattr(ratelimit.time, "time", lambda i=i: start + i * (public_views.WINDOW - 1) / (public_views.LIMIT - 1))
        assert client.get(path).status_code == 200
    assert client.get(path).status_code == 429
    monkeypatch.setattr(ratelimit.time, "time", lambda: start + public_views.WINDOW)
    assert client.get(path).status_code == 200


def test_behind_the_proxy_the_address_it_adds_is_counted_not_what_the_client_claims(client, printed, today, settings):
    settings.LINDUNG_BEHIND_PROXY = True
    path = f"/v/{token_for(printed[0].number)}/"
    for i in range(public_views.LIMIT):  # one phone, claiming a new address each time in front of the proxy's entry
        assert client.get(path, HTTP_X_FORWARDED_FOR=f"1.1.1.{i}, 36.70.1.2").status_code == 200
    assert client.get(path, HTTP_X_FORWARDED_FOR="9.9.9.9, 36.70.1.2").status_code == 429
    assert client.get(path, HTTP_X_FORWARDED_FOR="36.70.9.9").status_code == 200  # another phone behind the proxy


def test_a_voided_returned_or_lapsed_card_is_not_valid(client, users, printed, today):
    lost, returned, lapsed = printed[:3]
    new = services.replace_card(users["admin"], lost, Card.VoidReason.LOST)
    body = client.get(f"/v/{token_for(lost.number)}/").content.decode()
    assert "Kartu tidak berlaku hari ini" in body and "dibatalkan dan diganti dengan kartu baru" in body
    assert "Kartu berlaku hari ini" in client.get(f"/v/{token_for(new.number)}/").content.decode()

    Card.objects.filter(pk=returned.pk).update(status=Card.Status.RETURNED, return_reason=Card.ReturnReason.MOVED)
    body = client.get(f"/v/{token_for(returned.number)}/").content.decode()
    assert "Kartu tidak berlaku hari ini" in body and "dikembalikan" in body

    # Only January and February were paid: in arrears but covered in May, lapsed from 1 June (DOMAIN.md §2).
    today.value = date(2025, 5, 30)
    assert "Kartu berlaku hari ini" in client.get(f"/v/{token_for(lapsed.number)}/").content.decode()
    today.value = date(2025, 6, 1)
    body = client.get(f"/v/{token_for(lapsed.number)}/").content.decode()
    assert "Kartu tidak berlaku hari ini (1 Juni 2025)" in body and "nonaktif sejak 1 Juni 2025" in body
