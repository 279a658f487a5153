"""The phone pages' server side: a card found from a photo of its QR (only in the user's area), one card delivered
only with the KTP checked or returned with a reason, and the home page of who holds cards leading with the late ones."""

import io
from datetime import timedelta

import segno
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from lindung.cards.models import Card
from lindung.cards.verification import verification_url
from tests.cards.conftest import move, to_camat
from tests.conftest import BANDAR_BINTUHAN

S = Card.Status


def qr_photo(text: str) -> SimpleUploadedFile:
    """A photo-like PNG of a QR code: large, with a grey margin around it."""
    out = io.BytesIO()
    segno.make(text, error="m", micro=False).save(out, kind="png", scale=12, border=6, light="#dddddd")
    return SimpleUploadedFile("IMG_0001.png", out.getvalue(), content_type="image/png")


def at_village(users, batch):
    cards = to_camat(users, batch)
    village = [c for c in cards if c.membership.peserta.desa_id == BANDAR_BINTUHAN]
    move(users["camat"], village, S.AT_VILLAGE, receiver_name="Yusuf", receiver_role="Lurah")
    return cards, village


def test_a_photo_of_a_cards_qr_opens_the_card_only_in_the_users_area(client, users, batch):
    cards, village = at_village(users, batch)
    outside = next(c for c in cards if c.membership.peserta.desa_id != BANDAR_BINTUHAN)
    client.force_login(users["desa"])
    found = client.post(reverse("cards:scan"), {"photo": qr_photo(verification_url("https://kaur.example", village[0]))})
    assert found.status_code == 302 and found.url == reverse("cards:card", args=[village[0].number])
    assert village[0].membership.peserta.nama in client.get(found.url).content.decode()
    # Another village's card (a well-signed QR), a forged token, a QR of something else, not a photo: not found.
    forged = verification_url("https://kaur.example", village[0])[:-3] + "AAA/"
    for photo in (qr_photo(verification_url("https://kaur.example", outside)), qr_photo(forged),
                  qr_photo("https://example.com/v/x/")):
        refused = client.post(reverse("cards:scan"), {"photo": photo})
        assert refused.status_code == 404
        assert outside.membership.peserta.nama not in refused.content.decode()
    bad = client.post(reverse("cards:scan"), {"photo": SimpleUploadedFile("x.jpg", b"not an image")})
    assert bad.status_code == 400
    assert client.get(reverse("cards:card", args=[outside.number])).status_code == 404


def test_a_photo_of_too_many_pixels_is_refused_before_it_is_decoded(client, users, batch):
    """8,000 x 8,000 pixels in a few hundred KB would decode into 64 MB to 256 MB, per request."""
    picture = io.BytesIO()
    Image.new("L", (8000, 8000)).save(picture, "PNG")
    client.force_login(users["desa"])
    refused = client.post(reverse("cards:scan"), {"photo": SimpleUploadedFile("foto.png", picture.getvalue())})
    assert refused.status_code == 400 and "8000 × 8000" in refused.content.decode()


def test_a_card_is_delivered_only_with_the_ktp_checked_or_returned_with_a_reason(client, users, batch):
    cards, village = at_village(users, batch)
    one = village[0]
    elsewhere = [c for c in cards if c.membership.peserta.desa_id != BANDAR_BINTUHAN]
    move(users["camat"], elsewhere, S.AT_VILLAGE, receiver_name="Rahman", receiver_role="Kepala Desa")
    two = elsewhere[0]  # a village without an operator: its camat records for it
    client.force_login(users["desa"])
    form = {"outcome": S.DELIVERED, "giver_name": "Operator", "giver_role": "Operator Desa", "place": "Balai desa",
            "happened_on": timezone.localdate().isoformat()}
    refused = client.post(reverse("cards:deliver", args=[one.number]), form)
    assert refused.status_code == 400
    one.refresh_from_db()
    assert one.status == S.AT_VILLAGE
    done = client.post(reverse("cards:deliver", args=[one.number]), {**form, "id_checked": "on"})
    assert done.status_code == 302
    one.refresh_from_db()
    assert one.status == S.DELIVERED
    handover = one.handovers.get(to_status=S.DELIVERED)
    assert handover.id_checked and handover.receiver_name == one.membership.peserta.nama

    assert client.post(reverse("cards:deliver", args=[two.number]), {**form, "id_checked": "on"}).status_code == 404
    client.force_login(users["camat"])
    assert client.post(reverse("cards:deliver", args=[two.number]), {**form, "outcome": S.RETURNED}).status_code == 400
    client.post(reverse("cards:deliver", args=[two.number]), {**form, "outcome": S.RETURNED, "reason": "moved"})
    two.refresh_from_db()
    assert (two.status, two.return_reason) == (S.RETURNED, "moved")


def test_the_home_page_of_who_holds_cards_leads_with_the_late_ones(client, users, batch):
    cards = to_camat(users, batch)
    oldest = cards[-1]
    Card.objects.filter(pk__in=[c.pk for c in cards]).update(since=timezone.now() - timedelta(days=30))
    Card.objects.filter(pk=oldest.pk).update(since=timezone.now() - timedelta(days=90))
    client.force_login(users["camat"])
    page = client.get(reverse("home")).content.decode()
    box = page[page.index('data-testid="home-overdue"'):page.index('data-testid="total-workers"')]
    names = [c.membership.peserta.nama for c in cards]
    assert box.index(oldest.membership.peserta.nama) == min(box.index(n) for n in names[:5] if n in box)
    assert f"{len(cards)} " in box and reverse("cards:list") in box
    client.force_login(users["admin"])  # the office follows the league table, not a list of names
    assert 'data-testid="home-overdue"' not in client.get(reverse("home")).content.decode()
