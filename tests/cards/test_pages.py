"""Reads of the card cycle (overdue holds, counts, league table, hand-overs per area), the berita acara read back
from the PDF, the pages and the CLI."""

import io
import json
import subprocess
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from lindung.cards import selectors, services
from lindung.cards.minutes import minutes_html, minutes_pdf
from lindung.cards.models import Card, Handover
from lindung.enrolment.models import Membership
from lindung.registry.models import Peserta
from lindung.rules import cards as rules
from tests.cards.conftest import PARTIES, move, registered, to_camat
from tests.conftest import BANDAR_BINTUHAN, KAUR_SELATAN, make_peserta, plan_programme
from tests.factories import pdf_text

S = Card.Status
KINAL = "17.04.01"


@pytest.fixture
def chain(users, planned, batch):
    """Kaur Selatan's cards at the camat, those of Bandar Bintuhan handed on to the village; Kinal's at the office."""
    cards = to_camat(users, batch)
    village = [c for c in cards if c.membership.peserta.desa_id == BANDAR_BINTUHAN]
    handover = move(users["camat"], village, S.AT_VILLAGE, receiver_name="Yusuf", receiver_role="Lurah")
    kinal = services.print_cards(users["operator"], planned, KINAL)
    kinal_handover = move(users["operator"], list(kinal.card_set.all()), S.AT_DINAS)
    return {"cards": cards, "village": village, "handover": handover, "kinal": kinal, "kinal_handover": kinal_handover}


def held_since(cards, days: int):
    Card.objects.filter(pk__in=[c.pk for c in cards]).update(since=timezone.now() - timedelta(days=days))


def test_overdue_cards_are_the_ones_held_too_long_in_the_users_area(users, chain):
    today = timezone.localdate()
    assert not selectors.overdue_cards(users["operator"], today).exists()
    held_since(chain["village"], 30)  # far beyond 3 working days at the village
    assert set(selectors.overdue_cards(users["desa"], today)) == set(chain["village"])
    assert set(selectors.overdue_cards(users["camat"], today)) == set(chain["village"])
    kinal = list(chain["kinal"].card_set.all())
    held_since(kinal, 30)
    assert set(selectors.overdue_cards(users["operator"], today)) == set(chain["village"]) | set(kinal)
    assert not set(selectors.overdue_cards(users["camat"], today)) & set(kinal)
    # The selector and the rule agree card by card.
    for card in Card.objects.all():
        assert (card in selectors.overdue_cards(users["operator"], today)) == rules.overdue(
            card.status, timezone.localtime(card.since).date(), today, selectors.limits())


def test_status_per_kecamatan_counts_each_stage(users, chain):
    held_since(chain["village"], 30)
    rows = {r["kecamatan"]: r for r in selectors.status_by_kecamatan(users["operator"], timezone.localdate())}
    ks = len(chain["cards"])
    assert rows[KAUR_SELATAN] == {"kecamatan": KAUR_SELATAN, "name": "Kaur Selatan", "printed": 0, "at_dinas": 0,
                                  "at_camat": ks - len(chain["village"]), "at_village": len(chain["village"]),
                                  "delivered": 0, "returned": 0, "overdue": len(chain["village"])}
    assert rows[KINAL]["at_dinas"] == chain["kinal"].cards
    assert [r["kecamatan"] for r in selectors.status_by_kecamatan(users["camat"], timezone.localdate())] == [KAUR_SELATAN]


def test_the_league_table_has_counts_per_kecamatan_and_the_time_to_deliver(users, chain):
    one = chain["village"][0]
    move(users["desa"], [one], S.DELIVERED, id_checked=True)
    held_since(chain["kinal"].card_set.all(), 12)
    table = {r.kecamatan: r for r in selectors.league_table(users["operator"], timezone.localdate())}
    assert table[KAUR_SELATAN].held == len(chain["cards"]) - 1 and table[KAUR_SELATAN].delivered == 1
    assert table[KAUR_SELATAN].average_days_to_deliver == 0
    assert table[KINAL].held == table[KINAL].overdue == chain["kinal"].cards and table[KINAL].oldest_days == 12
    assert list(table)[0] == KINAL  # the slowest first
    assert [r.kecamatan for r in selectors.league_table(users["camat"], timezone.localdate())] == [KAUR_SELATAN]


def test_minutes_over_two_pages_give_the_total_once_under_the_last_card(users, tmp_path):
    """The total was repeated at the foot of every page: under card 23 page 1 said "Jumlah: 44 kartu"."""
    for i in range(30):
        make_peserta(BANDAR_BINTUHAN, f"Warga Panjang {i:02d}", serial=100 + i)
    programme = plan_programme(users, people=40)
    registered(programme)
    cards = list(services.print_cards(users["operator"], programme, KAUR_SELATAN).card_set.all())
    handover = move(users["operator"], cards, S.AT_DINAS)
    path = tmp_path / "minutes.pdf"
    path.write_bytes(minutes_pdf(handover))
    pages = [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(path), "-"], capture_output=True, text=True,
                            check=True).stdout for n in (1, 2)]
    total = f"Jumlah: {len(cards)} kartu"
    assert len(cards) > 30 and "hal. 2 / 2" in pages[1]
    assert total not in pages[0] and total in pages[1]


def test_a_hand_over_is_seen_only_by_who_sees_all_its_cards(users, chain):
    everyone = set(Handover.objects.all())
    assert set(selectors.handovers_for(users["operator"])) == everyone
    assert set(selectors.handovers_for(users["camat"])) == everyone - {chain["kinal_handover"]}
    # The village sees the minutes of its own cards, not the kecamatan's that list other villages' people.
    assert set(selectors.handovers_for(users["desa"])) == {chain["handover"]}


def test_the_minutes_list_exactly_the_cards_of_the_hand_over_and_render_the_same_again(users, chain, tmp_path, settings):
    handover = chain["handover"]
    text = pdf_text(tmp_path, minutes_pdf(handover))
    assert "BERITA ACARA SERAH TERIMA KARTU PESERTA BPJS KETENAGAKERJAAN" in text and handover.number in text
    for card in chain["cards"]:
        listed = card in chain["village"]
        assert (card.membership.peserta.nama in text) == listed and (card.membership.kpj in text) == listed
    assert f"Jumlah: {len(chain['village'])} kartu" in text and "Bandar Bintuhan" in text
    assert "Yusuf" in text and "Lurah" in text and "PIHAK PERTAMA" in text and "PIHAK KEDUA" in text
    settings.LANGUAGE_CODE = "en"  # Indonesian whatever the UI language, and the same text at any time
    assert minutes_html(handover) == minutes_html(Handover.objects.get(pk=handover.pk))
    assert pdf_text(tmp_path, minutes_pdf(handover)) == text
    # A name corrected, a KPJ re-issued and the office renamed afterwards: the signed record stays as it was.
    before = minutes_html(handover)
    card = chain["village"][0]
    Peserta.objects.filter(pk=card.membership.peserta_id).update(nama="Nama Sesudah Diperbaiki")
    Membership.objects.filter(pk=card.membership_id).update(kpj="99999999999")
    settings.LINDUNG_OFFICE_NAME = "Dinas Baru"
    assert minutes_html(Handover.objects.get(pk=handover.pk)) == before


def test_the_camat_hands_cards_over_on_the_page_and_downloads_the_minutes(client, users, chain, tmp_path):
    client.force_login(users["camat"])
    page = client.get(reverse("cards:list")).content.decode()
    assert all(c.membership.peserta.nama in page for c in chain["cards"])
    assert not any(c.membership.peserta.nama in page for c in chain["kinal"].card_set.all())
    rest = [c for c in chain["cards"] if c not in chain["village"]]
    form = {**PARTIES, "to_status": S.AT_VILLAGE, "happened_on": timezone.localdate().isoformat(),
            "card": [c.pk for c in rest]}
    response = client.post(reverse("cards:hand_over"), form)
    assert response.status_code == 302
    handover = Handover.objects.order_by("pk").last()
    assert response.url == reverse("cards:handover", args=[handover.number])
    assert set(Card.objects.filter(pk__in=[c.pk for c in rest]).values_list("status", flat=True)) == {S.AT_VILLAGE}
    assert client.get(response.url).status_code == 200
    pdf = client.get(reverse("cards:minutes_pdf", args=[handover.number]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert all(c.membership.peserta.nama in pdf_text(tmp_path, pdf.content) for c in rest)
    handover_count = Handover.objects.count()
    # A jump is refused on the page with the rule's message, and nothing moves.
    refused = client.post(reverse("cards:hand_over"), {**form, "to_status": S.AT_CAMAT})
    assert refused.status_code == 400 and "tidak bisa langsung" in refused.content.decode()
    assert Handover.objects.count() == handover_count
    # Another area's hand-over is not found.
    assert client.get(reverse("cards:handover", args=[chain["kinal_handover"].number])).status_code == 404
    assert client.get(reverse("cards:minutes_pdf", args=[chain["kinal_handover"].number])).status_code == 404
    league = client.get(reverse("cards:league")).content.decode()
    assert "Kaur Selatan" in league and "Kinal" not in league


def test_cli_prints_a_kecamatan_and_reports_the_status(users, planned, members, tmp_path):
    out = tmp_path / "kartu.pdf"
    call_command("cards", "print", "--kecamatan", KAUR_SELATAN, str(out), "--user", "operator", stdout=io.StringIO())
    text = pdf_text(tmp_path, out.read_bytes())
    printed = Card.objects.select_related("membership__peserta")
    assert printed.exists() and all(c.membership.peserta.nama in text for c in printed)
    with pytest.raises(CommandError, match="belum punya kartu"):
        call_command("cards", "print", "--kecamatan", KAUR_SELATAN, str(out), "--user", "operator")
    with pytest.raises(CommandError):
        call_command("cards", "print", "--kecamatan", KINAL, str(out), "--user", "camat")
    stdout = io.StringIO()
    call_command("cards", "status", "--json", "--user", "camat", stdout=stdout)
    assert json.loads(stdout.getvalue()) == [{"kecamatan": KAUR_SELATAN, "name": "Kaur Selatan",
                                              "printed": printed.count(), "at_dinas": 0, "at_camat": 0,
                                              "at_village": 0, "delivered": 0, "returned": 0, "overdue": 0}]
    stdout = io.StringIO()
    call_command("cards", "status", "--user", "operator", stdout=stdout)
    assert "Kaur Selatan" in stdout.getvalue() and "overdue" in stdout.getvalue()


def test_the_evidence_is_a_download_for_who_sees_the_hand_over(client, users, batch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    photo = SimpleUploadedFile("ttd.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 20, content_type="image/png")
    handover = move(users["operator"], list(batch.card_set.all()), S.AT_DINAS, evidence=photo)
    url = reverse("cards:evidence", args=[handover.number])
    client.force_login(users["camat"])
    response = client.get(url)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    client.force_login(users["desa"])  # the hand-over lists other villages' people
    assert client.get(url).status_code == 404
