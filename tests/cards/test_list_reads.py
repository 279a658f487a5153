"""The card list's fast reads give what the plain definitions give: a page read from the people's villages up is the
list's own order, the village chooser, the oldest overdue cards and the camat's counts from one walk of his cards
(issue 17)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lindung.cards import selectors, services
from lindung.cards.models import Card
from lindung.core.dashboard import CARD_PLACES
from lindung.wilayah.models import Wilayah
from tests.cards.conftest import move, to_camat
from tests.conftest import BANDAR_BINTUHAN, KAUR_SELATAN

S = Card.Status
KINAL = "17.04.01"
USERS = ("operator", "pimpinan", "camat", "desa", "auditor", "bpjs")


@pytest.fixture
def spread(users, planned, batch):
    """Cards at every stage and held for different times, in two kecamatans, one of them voided and reprinted."""
    cards = to_camat(users, batch)
    village = [c for c in cards if c.membership.peserta.desa_id == BANDAR_BINTUHAN]
    move(users["camat"], village, S.AT_VILLAGE, receiver_name="Yusuf", receiver_role="Lurah")
    kinal = list(services.print_cards(users["operator"], planned, KINAL).card_set.all())
    move(users["operator"], kinal[:1], S.AT_DINAS)
    services.replace_card(users["operator"], Card.objects.get(pk=kinal[-1].pk), Card.VoidReason.DAMAGED, "a4")
    now = timezone.now()
    for i, card in enumerate(Card.objects.order_by("pk")):  # each its own hold, two of them held alike
        Card.objects.filter(pk=card.pk).update(since=now - timedelta(days=40 - 5 * min(i, 6)))
    return Card.objects.all()


def plain_list(user, **filters) -> list[Card]:
    """The list as it is defined: the user's cards (live ones unless a status is asked), in village and name order."""
    cards = selectors.cards_for(user)
    status = filters.get("status", "")
    cards = cards.filter(status__in=selectors.AT_OFFICE) if status == selectors.OFFICE else (
        cards.filter(status=status) if status else cards.exclude(status=S.VOIDED))
    if filters.get("area"):
        cards = cards.filter(membership__peserta__desa__code__startswith=filters["area"])
    return list(cards)


@pytest.mark.parametrize("filters", [{}, {"status": S.AT_CAMAT}, {"status": S.VOIDED}, {"status": "office"},
                                     {"area": BANDAR_BINTUHAN}, {"area": KAUR_SELATAN}])
def test_a_page_read_from_the_villages_up_is_the_list_in_its_order(users, spread, filters):
    for name in USERS:
        expected = plain_list(users[name], **filters)
        assert list(selectors.card_list(users[name], **filters, paged=True)) == expected, name
        assert selectors.card_list(users[name], **filters).count() == len(expected), name
        assert list(selectors.card_list(users[name], **filters, paged=True)[1:3]) == expected[1:3], name


def test_the_village_chooser_lists_the_villages_of_the_users_cards(users, spread):
    for name in USERS:
        held = {c.membership.peserta.desa_id for c in selectors.cards_for(users[name])}
        assert list(selectors.villages_with_cards(users[name])) == list(
            Wilayah.objects.filter(code__in=held).order_by("name")), name
    assert not selectors.villages_with_cards(users["camat"]).filter(code__startswith=KINAL)


def test_the_oldest_overdue_are_the_first_of_the_overdue_cards(users, spread):
    today = timezone.localdate()
    for name in USERS:
        overdue = list(selectors.overdue_cards(users[name], today))
        for n in (1, 2, 3, 50):
            assert selectors.oldest_overdue(users[name], today, n) == overdue[:n], (name, n)
    assert len(selectors.overdue_cards(users["operator"], today)) > 3  # of several statuses
    assert len({c.status for c in selectors.overdue_cards(users["operator"], today)}) > 1


def test_the_camats_counts_from_one_walk_are_the_plain_counts(client, users, spread):
    today, camat = timezone.localdate(), users["camat"]
    held = selectors.villages_holding(camat, today)
    for v in held:
        mine = selectors.cards_for(camat).filter(membership__peserta__desa_id=v["code"])
        assert v["cards"] == mine.filter(status=S.AT_CAMAT).count()
        assert v["live"] == mine.exclude(status=S.VOIDED).count()
        assert v["overdue"] == selectors.overdue_cards(camat, today).filter(membership__peserta__desa_id=v["code"]).count()
        assert v["name"] == Wilayah.objects.get(code=v["code"]).name
    assert [v["name"] for v in held] == sorted(v["name"] for v in held)
    client.force_login(camat)
    page = client.get(reverse("cards:list")).context
    assert page["overdue_count"] == selectors.overdue_count(camat, today) > 0
    assert page["page"].paginator.count == selectors.card_list(camat).count() > 0
    assert [v["code"] for v in page["to_villages"]] == [v["code"] for v in held if v["cards"]]
    assert page["page"].paginator.count == len(plain_list(camat))


def test_the_dashboards_card_counts_are_the_plain_counts(users, spread):
    today = timezone.localdate()
    for name in USERS:
        counted = selectors.counts_by_place(users[name], today, CARD_PLACES)
        live = selectors.cards_for(users[name]).exclude(status=S.VOIDED)
        assert counted["overdue"] == selectors.overdue_cards(users[name], today).count(), name
        for place, statuses in CARD_PLACES.items():
            assert counted[place] == live.filter(status__in=statuses).count(), (name, place)
    assert selectors.counts_by_place(users["operator"], today, CARD_PLACES)["overdue"] > 0
