"""The demo's cards on the demo itself: all 7,130 printed and at their camat since December 2024, the demo
village's at the village since January 2025, so the camat and the village operator open Lindung to overdue cards."""

import time
from datetime import date

from lindung.cards import selectors
from lindung.cards.demo import run_demo_cards
from lindung.cards.models import Card, Handover
from lindung.programs.demo import run_demo_programme
from lindung.registry.demo import KAUR_WORKERS, seed_workers
from tests.conftest import BANDAR_BINTUHAN, KAUR_SELATAN


def test_the_demo_cards_sit_overdue_with_the_camat_since_december_2024(users):
    seed_workers("17.04", KAUR_WORKERS, 2024)
    programme = run_demo_programme("17.04", users["operator"], users["admin"])
    started = time.perf_counter()
    run_demo_cards(programme, users["operator"], users["admin"])
    print(f"demo cards: {time.perf_counter() - started:.1f} s")
    cards = Card.objects.filter(batch__programme=programme)
    assert cards.count() == 7_130
    village = cards.filter(membership__peserta__desa_id=BANDAR_BINTUHAN)
    assert 0 < village.count() == village.filter(status="at_village").count()
    assert cards.exclude(membership__peserta__desa_id=BANDAR_BINTUHAN).exclude(status="at_camat").count() == 0
    kecamatans = {c[:8] for c in cards.values_list("membership__peserta__desa_id", flat=True)}
    handovers = Handover.objects.all()
    assert handovers.filter(to_status="at_camat", happened_on=date(2024, 12, 19)).count() == len(kecamatans)
    assert handovers.filter(to_status="at_camat", giver_name="Bupati Kaur", receiver_name="Camat Kaur Selatan").exists()

    today = date(2026, 11, 24)
    camat = selectors.overdue_cards(users["camat"], today)
    assert camat.count() == cards.filter(membership__peserta__desa__code__startswith=KAUR_SELATAN + ".").count()
    assert selectors.overdue_cards(users["desa"], today).count() == village.count()

    run_demo_cards(programme, users["operator"], users["admin"])  # again: nothing changes
    assert Handover.objects.count() == handovers.count() and cards.count() == 7_130
