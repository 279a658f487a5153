"""The issue's demo claim on the demo itself: Kaur's 7,130 workers protected January–February 2025 and nobody
paying after; the hand-over list gives every member 1 June 2025 as his lapse date and the outbox holds one notice
per member with a phone."""

from datetime import date

from lindung.notify.models import Message
from lindung.payments import handover_selectors
from lindung.payments.models import Bill
from lindung.programs.demo import run_demo_programme
from lindung.registry.demo import KAUR_WORKERS, seed_workers
from lindung.rules.contributions import Month


def test_the_demo_programme_hands_everyone_over_with_a_lapse_in_june_2025(users):
    seed_workers("17.04", KAUR_WORKERS, 2024)
    programme = run_demo_programme("17.04", users["operator"], users["admin"])
    assert [(f"{b.month:%Y-%m}", b.status, b.members) for b in programme.bills.order_by("month")] == [
        ("2025-01", Bill.Status.PAID, 7_130), ("2025-02", Bill.Status.PAID, 7_130)]

    handover = handover_selectors.handover_list(users["admin"], programme, today=date(2025, 3, 1))
    assert len(handover.members) == 7_130
    assert handover.by_lapse_date == [(date(2025, 6, 1), 7_130)]
    assert {(m.first_unfunded, m.self_pay) for m in handover.members} == {(Month(2025, 3), 16_800)}

    with_phone = programme.memberships.exclude(peserta__telepon="").count()
    assert 0 < with_phone < 7_130
    messages = Message.objects.filter(purpose="handover", about=programme.code)
    assert messages.count() == with_phone == messages.values("peserta").distinct().count()
    assert all("1 Juni 2025" in text for text in messages.values_list("text", flat=True)[:50])

    again = run_demo_programme("17.04", users["operator"], users["admin"])  # the demo run twice changes nothing
    assert again.bills.count() == 2 and messages.count() == with_phone
