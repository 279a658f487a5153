"""Two hand-overs recorded at the same moment, by two people in two requests: each gets its own berita acara
number, the next ones of the year, and neither is refused. On PostgreSQL the second counts the year's hand-overs
while the first is still uncommitted; SQLite lets one writer at a time (the second waits for the first's commit),
and its in-memory test database refuses a second writer outright, so there the second starts after the first."""

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from lindung.cards.models import Card, Handover
from tests.cards.conftest import PARTIES

pytestmark = pytest.mark.django_db(transaction=True)
S = Card.Status


def test_hand_overs_recorded_at_once_take_consecutive_numbers(users, planned, members, batch):
    from lindung.cards import services

    cards = list(batch.card_set.order_by("pk").values_list("pk", flat=True))
    halves = cards[: len(cards) // 2], cards[len(cards) // 2:]
    first_saved, done, failures = threading.Event(), [], []

    def record(user, ids, hold: bool) -> None:
        try:
            with transaction.atomic():
                done.append(services.hand_over(user, ids, S.AT_DINAS, happened_on=timezone.localdate(), **PARTIES).number)
                if hold and connection.vendor != "sqlite":  # uncommitted while the second counts and inserts
                    first_saved.set()
                    time.sleep(1.5)
        except Exception as exc:  # noqa: BLE001 - the test reports whatever the thread met
            failures.append(exc)
        finally:
            first_saved.set()
            connections.close_all()

    first = threading.Thread(target=record, args=(users["operator"], halves[0], True))
    first.start()
    first_saved.wait(30)
    second = threading.Thread(target=record, args=(users["admin"], halves[1], False))
    second.start()
    first.join(60)
    second.join(60)

    assert failures == []
    year = timezone.localdate().year
    assert sorted(done) == [f"BA-{year}-0001", f"BA-{year}-0002"]
    assert Handover.objects.count() == 2
    assert Card.objects.filter(pk__in=cards, status=S.AT_DINAS).count() == len(cards)
