"""Issue 16 item 4, server side: the camat's hand-over to one village in three screens (choose the village at the
top of the card list, tick its cards, confirm with his own name prefilled) through the one hand-over service; the
village operator's KTP check shows name, birth date and the NIK's last four digits; read-only roles see no
hand-over or delivery form at all."""

import pytest
from django.urls import reverse

from lindung.cards.models import Card
from tests.cards.conftest import move, to_camat
from tests.conftest import BANDAR_BINTUHAN, KINAL_VILLAGE

S = Card.Status


def test_the_camat_chooses_a_village_ticks_its_cards_and_confirms(client, users, batch):
    cards = to_camat(users, batch)
    village = [c for c in cards if c.membership.peserta.desa_id == BANDAR_BINTUHAN]
    client.force_login(users["camat"])
    page = client.get(reverse("cards:list")).content.decode()
    chooser = page[page.index('data-testid="village-chooser"'):]
    assert page.index('data-testid="village-chooser"') < page.index('data-testid="find-form"')  # at the top
    assert reverse("cards:to_village", args=[BANDAR_BINTUHAN]) in chooser and "Kaur Selatan" in chooser

    picked = client.get(reverse("cards:to_village", args=[BANDAR_BINTUHAN])).content.decode()
    assert all(f'value="{c.pk}"' in picked for c in village) and 'data-testid="select-all"' in picked
    others = [c for c in cards if c not in village]
    assert not any(f'value="{c.pk}"' in picked for c in others)

    url = reverse("cards:to_village_confirm", args=[BANDAR_BINTUHAN])
    confirm = client.post(url, {"card": [c.pk for c in village]})
    assert confirm.status_code == 200
    form = confirm.context["form"]
    assert form["giver_name"].value() == users["camat"].get_full_name()
    assert "Kaur Selatan" in form["place"].value()

    refused = client.post(url, {"card": [c.pk for c in village], "record": "1", "giver_name": "Camat",
                                "giver_role": "Camat", "receiver_name": "", "receiver_role": "Lurah", "place": "Bintuhan",
                                "happened_on": form["happened_on"].value().isoformat()})
    assert refused.status_code == 400
    assert Card.objects.filter(pk__in=[c.pk for c in village], status=S.AT_CAMAT).count() == len(village)

    done = client.post(url, {"card": [c.pk for c in village], "record": "1", "giver_name": "Darmawan",
                             "giver_role": "Camat Kaur Selatan", "receiver_name": "Yusuf", "receiver_role": "Lurah",
                             "place": "Kantor Camat", "happened_on": form["happened_on"].value().isoformat()})
    assert done.status_code == 302 and "/serah-terima/BA-" in done.url
    assert Card.objects.filter(pk__in=[c.pk for c in village], status=S.AT_VILLAGE).count() == len(village)
    assert Card.objects.filter(pk__in=[c.pk for c in others], status=S.AT_CAMAT).count() == len(others)


def test_a_village_outside_the_camats_area_is_not_found_and_nothing_ticked_goes_back(client, users, batch):
    to_camat(users, batch)
    client.force_login(users["camat"])
    assert client.get(reverse("cards:to_village", args=[KINAL_VILLAGE])).status_code == 404
    back = client.post(reverse("cards:to_village_confirm", args=[BANDAR_BINTUHAN]), {})
    assert back.status_code == 302 and back.url == reverse("cards:to_village", args=[BANDAR_BINTUHAN])


def test_the_ktp_check_shows_name_birth_date_and_the_niks_last_four_digits(client, users, batch):
    cards = to_camat(users, batch)
    village = [c for c in cards if c.membership.peserta.desa_id == BANDAR_BINTUHAN]
    move(users["camat"], village, S.AT_VILLAGE, receiver_name="Yusuf", receiver_role="Lurah")
    one = village[0].membership.peserta
    client.force_login(users["desa"])
    page = client.get(reverse("cards:card", args=[village[0].number])).content.decode()
    box = page[page.index('data-testid="ktp-check"'):page.index("</dl>", page.index('data-testid="ktp-check"'))]
    assert one.nama in box and one.nik[-4:] in box and one.nik not in page
    assert str(one.tanggal_lahir.year) in box and one.tanggal_lahir.isoformat() not in box


@pytest.mark.parametrize("username", ["pimpinan", "auditor", "bpjs"])
def test_read_only_roles_get_no_hand_over_or_delivery_form(client, users, batch, username):
    cards = to_camat(users, batch)
    village = [c for c in cards if c.membership.peserta.desa_id == BANDAR_BINTUHAN]
    move(users["camat"], village, S.AT_VILLAGE, receiver_name="Yusuf", receiver_role="Lurah")
    client.force_login(users[username])
    listing = client.get(reverse("cards:list"))
    assert listing.status_code == 200
    page = listing.content.decode()
    assert village[0].membership.peserta.nama in page  # they read the cards…
    assert 'data-testid="handover-form"' not in page and 'name="card"' not in page  # …but record nothing
    assert 'data-testid="village-chooser"' not in page
    card = client.get(reverse("cards:card", args=[village[0].number])).content.decode()
    assert 'data-testid="deliver-form"' not in card and 'data-testid="ktp-check"' not in card
    assert client.get(reverse("cards:to_village", args=[BANDAR_BINTUHAN])).status_code == 403
    assert client.post(reverse("cards:hand_over"), {"card": [village[0].pk]}).status_code == 403
    assert client.post(reverse("cards:deliver", args=[village[0].number]), {}).status_code == 403
    assert Card.objects.get(pk=village[0].pk).status == S.AT_VILLAGE
