"""Issue 16 item 4 on a 375 px phone: the camat hands ten cards to one village in three screens — (1) the village
chosen at the top of the card list, (2) its cards he holds, ticked with select-all and a running count, (3) the
confirmation with his own name prefilled — where it took ~28 taps over 13 screens."""

import re

import pytest
from playwright.sync_api import expect

from lindung.cards import services
from lindung.cards.models import Card, CardMove
from tests.browser.conftest import PHONE
from tests.cards.conftest import move, registered
from tests.conftest import (
    BANDAR_BINTUHAN,
    KAUR_SELATAN,
    OTHER_VILLAGE_KAUR_SELATAN,
    make_peserta,
    plan_programme,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def cards_at_the_camat(users) -> list[tuple[int, str]]:
    """Twelve and more of Bandar Bintuhan's cards, and one of another village, held by the camat of Kaur Selatan:
    Bandar Bintuhan's (pk, name) by name."""
    for i in range(12):
        make_peserta(BANDAR_BINTUHAN, f"Warga Bintuhan {chr(65 + i)}", serial=60 + i)
    make_peserta(OTHER_VILLAGE_KAUR_SELATAN, "Warga Sekunyit", serial=80)
    programme = plan_programme(users, people=30)
    registered(programme)
    cards = list(services.print_cards(users["operator"], programme, KAUR_SELATAN).card_set.all())
    move(users["operator"], cards, Card.Status.AT_DINAS)
    move(users["operator"], cards, Card.Status.AT_CAMAT)
    village = list(Card.objects.filter(membership__peserta__desa_id=BANDAR_BINTUHAN)
                   .order_by("membership__peserta__nama").values_list("pk", "membership__peserta__nama"))
    assert len(village) >= 12
    return village


def test_select_all_ticked_before_the_script_arrives_is_kept(open_as, live_server, users):
    """On a slow line the camat may tick "select all" before pick.js has come: it once unticked it again."""
    village = cards_at_the_camat(users)
    camat = open_as("camat", **PHONE)
    held = []
    camat.route("**/pick.js", lambda route: held.append(route))
    camat.goto(f"{live_server.url}/kartu/ke-desa/{BANDAR_BINTUHAN}/", wait_until="commit")
    camat.get_by_test_id("select-all").check()
    assert len(held) == 1  # the script was still on its way when he ticked
    held[0].continue_()

    expect(camat.get_by_test_id("selected-count")).to_have_text(str(len(village)))
    expect(camat.get_by_test_id("select-all")).to_be_checked()
    expect(camat.get_by_test_id("cards").get_by_role("checkbox", checked=False)).to_have_count(0)


def test_the_camat_hands_ten_cards_to_a_village_in_three_screens(open_as, live_server, users):
    village = cards_at_the_camat(users)

    camat = open_as("camat", **PHONE)
    screens = []
    camat.on("framenavigated", lambda frame: screens.append(frame.url) if frame == camat.main_frame else None)

    # Screen 1: the card list, its village chooser on the phone's first screenful (names with their kecamatan).
    camat.get_by_role("link", name=re.compile("^(Kartu|Cards)$")).first.click()
    chooser = camat.get_by_test_id("village-chooser")
    expect(chooser).to_contain_text("Bandar Bintuhan")
    expect(chooser).to_contain_text("Kaur Selatan")
    link = camat.get_by_test_id(f"to-village-{BANDAR_BINTUHAN}")
    assert link.bounding_box()["y"] < 740  # no scrolling: it was 4,859 px down
    assert camat.evaluate("document.documentElement.scrollWidth") <= 375
    link.click()

    # Screen 2: the village's cards he holds, all ticked at once, two unticked again: the count follows.
    count = camat.get_by_test_id("selected-count")
    expect(count).to_have_text("0")
    camat.get_by_test_id("select-all").check()
    expect(count).to_have_text(str(len(village)))
    listed = camat.get_by_test_id("cards")
    expect(listed).not_to_contain_text("Warga Sekunyit")
    kept = village[10:]
    for _pk, name in kept:
        listed.get_by_role("checkbox", name=name, exact=True).uncheck()
    expect(count).to_have_text("10")
    assert camat.evaluate("document.documentElement.scrollWidth") <= 375
    camat.get_by_test_id("pick-next").click()

    # Screen 3: the confirmation, his own name prefilled as the one handing over; he types the receiver's.
    form = camat.get_by_test_id("confirm-form")
    expect(camat.get_by_test_id("confirm-summary")).to_contain_text("10")
    expect(form.locator("input[name=giver_name]")).to_have_value(users["camat"].get_full_name())
    form.locator("input[name=receiver_name]").fill("Yusuf")
    assert camat.evaluate("document.documentElement.scrollWidth") <= 375
    # The three screens, and nothing in between: the list, the village's cards, the confirmation.
    assert len(screens) <= 3, screens
    assert [re.sub(r"^https?://[^/]+", "", url) for url in screens] == [
        "/kartu/", f"/kartu/ke-desa/{BANDAR_BINTUHAN}/", f"/kartu/ke-desa/{BANDAR_BINTUHAN}/konfirmasi/"]
    form.locator("button[type=submit]").click()

    expect(camat).to_have_url(re.compile(r"/serah-terima/BA-\d{4}-\d{4}/$"))  # the minutes of what was recorded
    expect(camat.get_by_test_id("handover-cards").locator("tbody tr")).to_have_count(10)
    ten = [pk for pk, _name in village[:10]]
    assert Card.objects.filter(pk__in=ten, status=Card.Status.AT_VILLAGE).count() == 10
    moved = CardMove.objects.filter(card_id__in=ten, to_status=Card.Status.AT_VILLAGE).select_related("handover")
    assert {(m.handover.desa_id, m.handover.receiver_name, m.handover.giver_name) for m in moved} == {
        (BANDAR_BINTUHAN, "Yusuf", users["camat"].get_full_name())}
    assert Card.objects.filter(pk__in=[pk for pk, _name in kept], status=Card.Status.AT_CAMAT).count() == len(kept)
