"""The office prints cards from its pages: the kecamatans waiting for cards, a print run, the run's PDF again
(voided cards left out, every download on the record), a card replaced; the same from the CLI. And the village
operator's overdue cards are the ones he holds."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from lindung.audit.models import Event
from lindung.cards import selectors, services
from lindung.cards.models import Card, PrintBatch
from tests.cards.conftest import move, registered, to_camat
from tests.factories import pdf_text
from tests.conftest import BANDAR_BINTUHAN, KAUR_SELATAN

S = Card.Status


@pytest.fixture(autouse=True)
def jobs_at_once(settings, tmp_path):
    """The PDF job runs at once in the request (a worker runs it in production); files go to the test's folder."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


def download(client, batch) -> bytes:
    response = client.get(reverse("cards:batch_pdf", args=[batch.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf", response.status_code
    return b"".join(response.streaming_content)


def test_the_office_sees_who_waits_prints_a_kecamatan_and_downloads_its_pdf(client, users, planned, tmp_path):
    members = registered(planned)
    in_kecamatan = [m for m in members if m.peserta.desa_id.startswith(KAUR_SELATAN + ".")]
    client.force_login(users["operator"])
    page = client.get(reverse("cards:printing"))
    assert page.status_code == 200
    waiting = {r["kecamatan"]: r["members"] for r in page.context["waiting"]}
    assert waiting[KAUR_SELATAN] == len(in_kecamatan) and sum(waiting.values()) == len(members)

    done = client.post(reverse("cards:print_run"), {"programme": planned.code, "kecamatan": KAUR_SELATAN, "layout": "card"},
                       follow=True)
    batch = PrintBatch.objects.get()
    assert batch.cards == len(in_kecamatan) and batch.layout == "card" and batch.created_by == users["operator"]
    assert done.context["batch"] == batch and "Kaur Selatan" in done.content.decode()
    batch.refresh_from_db()  # the job prepared the PDF
    assert (batch.pdf_status, batch.pdf_progress) == (PrintBatch.Pdf.READY, 100)
    assert reverse("cards:batch_pdf", args=[batch.pk]) in done.content.decode()
    listed = client.get(reverse("cards:printing"))
    assert KAUR_SELATAN not in {r["kecamatan"] for r in listed.context["waiting"]}

    again = client.post(reverse("cards:print_run"), {"programme": planned.code, "kecamatan": KAUR_SELATAN}, follow=True)
    assert "belum punya kartu" in again.content.decode() and PrintBatch.objects.count() == 1

    text = pdf_text(tmp_path, download(client, batch))
    assert all(m.peserta.nama in text for m in in_kecamatan)
    assert Event.objects.filter(action="cards.batch_downloaded", target_id=str(batch.pk)).count() == 1


def test_a_run_downloaded_again_leaves_out_the_voided_card_and_is_on_the_record(client, users, planned, tmp_path):
    registered(planned)
    batch = services.print_cards(users["operator"], planned, KAUR_SELATAN)
    lost = batch.card_set.select_related("membership__peserta").first()
    services.replace_card(users["operator"], lost, Card.VoidReason.DAMAGED)
    client.force_login(users["admin"])
    batch.refresh_from_db()
    assert batch.pdf_status == PrintBatch.Pdf.NONE  # to prepare again, without the voided card
    assert client.get(reverse("cards:batch_pdf", args=[batch.pk])).url == reverse("cards:batch", args=[batch.pk])
    assert client.get(reverse("cards:batch", args=[batch.pk])).context["batch"].pdf_status == PrintBatch.Pdf.READY
    for _ in range(2):
        text = pdf_text(tmp_path, download(client, batch))
    assert lost.number not in text
    assert all(c.number in text for c in batch.card_set.exclude(pk=lost.pk))
    events = Event.objects.filter(action="cards.batch_downloaded", target_id=str(batch.pk)).order_by("pk")
    assert [e.actor for e in events] == [users["admin"]] * 2
    assert "ke-2" in events.last().summary and "1 sudah dibatalkan" in events.last().summary


@pytest.mark.parametrize("who", ["camat", "desa", "bpjs"])
def test_only_the_office_prints(client, users, planned, who):
    registered(planned)
    batch = services.print_cards(users["operator"], planned, KAUR_SELATAN)
    client.force_login(users[who])
    assert client.get(reverse("cards:printing")).status_code == 403
    assert client.post(reverse("cards:print_run"), {"programme": planned.code, "kecamatan": KAUR_SELATAN}).status_code == 403
    assert client.get(reverse("cards:batch_pdf", args=[batch.pk])).status_code == 403
    assert client.get(reverse("cards:batch", args=[batch.pk])).status_code == 403
    assert PrintBatch.objects.count() == 1


def test_the_office_replaces_a_lost_card_from_its_page(client, users, planned):
    registered(planned)
    batch = services.print_cards(users["operator"], planned, KAUR_SELATAN)
    card = to_camat(users, batch)[0]
    client.force_login(users["operator"])
    page = client.get(reverse("cards:card", args=[card.number]))
    assert 'data-testid="replace-form"' in page.content.decode()
    done = client.post(reverse("cards:replace", args=[card.number]), {"reason": "lost", "layout": "a4"}, follow=True)
    card.refresh_from_db()
    new = card.replaced_by
    assert card.status == S.VOIDED and card.void_reason == "lost"
    assert new.number == f"{card.membership.kpj}-2" and new.status == S.PRINTED and new.batch.cards == 1
    assert done.context["card"] == new
    old_page = client.get(reverse("cards:card", args=[card.number])).content.decode()
    assert new.number in old_page and 'data-testid="replace-form"' not in old_page  # a voided card is not replaced again

    client.force_login(users["camat"])  # the camat hands cards on; replacing them is the office's
    assert 'data-testid="replace-form"' not in client.get(reverse("cards:card", args=[new.number])).content.decode()
    assert client.post(reverse("cards:replace", args=[new.number]), {"reason": "lost", "layout": "a4"}).status_code == 403
    assert Card.objects.get(pk=new.pk).status == S.PRINTED


def test_cli_prints_an_earlier_run_again_and_replaces_a_card(users, planned, tmp_path):
    registered(planned)
    out = tmp_path / "kartu.pdf"
    call_command("cards", "print", "--kecamatan", KAUR_SELATAN, str(out), "--user", "operator", stdout=io.StringIO())
    batch = PrintBatch.objects.get()
    first = out.read_bytes()
    stdout = io.StringIO()
    call_command("cards", "print", "--batch", str(batch.number), str(out), "--user", "operator", stdout=stdout)
    assert f"#{batch.number}" in stdout.getvalue() and pdf_text(tmp_path, out.read_bytes()) == pdf_text(tmp_path, first)
    with pytest.raises(CommandError, match="#99"):
        call_command("cards", "print", "--batch", "99", str(out), "--user", "operator")

    card = batch.card_set.first()
    replaced = tmp_path / "pengganti.pdf"
    call_command("cards", "replace", card.number, str(replaced), "--reason", "wrong_data", "--user", "admin",
                 stdout=io.StringIO())
    card.refresh_from_db()
    assert card.status == S.VOIDED and card.replaced_by.number in pdf_text(tmp_path, replaced.read_bytes())
    with pytest.raises(CommandError):  # the camat does not replace cards
        call_command("cards", "replace", card.replaced_by.number, str(replaced), "--reason", "lost", "--user", "camat")


def test_the_village_operator_is_shown_the_cards_he_holds_and_told_of_those_still_upstream(client, users, planned):
    registered(planned)
    cards = to_camat(users, services.print_cards(users["operator"], planned, KAUR_SELATAN))
    village = [c for c in cards if c.membership.peserta.desa_id == BANDAR_BINTUHAN]
    Card.objects.filter(pk__in=[c.pk for c in cards]).update(since=timezone.now() - timedelta(days=40))
    today = timezone.localdate()
    client.force_login(users["desa"])
    # Still at the camat: the camat's to move, the village operator is only told.
    assert not selectors.overdue_cards(users["desa"], today).exists()
    assert selectors.overdue_upstream(users["desa"], today) == len(village) > 0
    assert selectors.overdue_upstream(users["camat"], today) == 0
    assert set(village) <= set(selectors.overdue_cards(users["camat"], today))
    home = client.get("/").content.decode()
    assert 'data-testid="home-overdue-upstream"' in home and 'data-testid="home-overdue"' not in home

    move(users["camat"], village, S.AT_VILLAGE)
    Card.objects.filter(pk__in=[c.pk for c in village]).update(since=timezone.now() - timedelta(days=40))
    assert list(selectors.overdue_cards(users["desa"], today)) == village
    assert selectors.overdue_upstream(users["desa"], today) == 0
    home = client.get("/").content.decode()
    assert 'data-testid="home-overdue"' in home and 'data-testid="home-overdue-upstream"' not in home


def test_the_run_page_shows_the_progress_and_refreshes_until_the_pdf_is_ready(client, users, planned, settings):
    registered(planned)
    batch = services.print_cards(users["operator"], planned, KAUR_SELATAN)
    PrintBatch.objects.filter(pk=batch.pk).update(pdf_status=PrintBatch.Pdf.RUNNING, pdf_progress=40,
                                                  pdf_started=timezone.now())
    client.force_login(users["operator"])
    page = client.get(reverse("cards:batch", args=[batch.pk])).content.decode()
    assert 'value="40"' in page and 'http-equiv="refresh"' in page
    assert client.get(reverse("cards:batch_pdf", args=[batch.pk])).status_code == 302  # not yet
    # A job that died with its worker is queued again after a while; a running one is left alone.
    client.post(reverse("cards:batch", args=[batch.pk]))
    assert PrintBatch.objects.get(pk=batch.pk).pdf_progress == 40
    PrintBatch.objects.filter(pk=batch.pk).update(pdf_started=timezone.now() - timedelta(hours=1))
    client.post(reverse("cards:batch", args=[batch.pk]))
    assert PrintBatch.objects.get(pk=batch.pk).pdf_status == PrintBatch.Pdf.READY
    # A failure is shown with the button to try again, not retried by every refresh.
    PrintBatch.objects.filter(pk=batch.pk).update(pdf_status=PrintBatch.Pdf.FAILED, pdf_error="OSError: disk full")
    page = client.get(reverse("cards:batch", args=[batch.pk])).content.decode()
    assert "disk full" in page and 'http-equiv="refresh"' not in page
    assert PrintBatch.objects.get(pk=batch.pk).pdf_status == PrintBatch.Pdf.FAILED
