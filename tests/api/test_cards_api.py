"""The cards API: status per kecamatan, the cards of the caller's area, hand-overs by card number."""

import pytest
from django.test import Client
from django.utils import timezone

from lindung.accounts.services import issue_token
from lindung.audit.models import Event
from lindung.cards import services
from lindung.cards.models import Card, Handover
from tests.cards.conftest import PARTIES, registered
from tests.conftest import BANDAR_BINTUHAN, KAUR_SELATAN
from tests.factories import bearer

KINAL = "17.04.01"


@pytest.fixture
def batch(users, planned):
    """Kaur Selatan's cards; Kinal's are printed too."""
    registered(planned)
    services.print_cards(users["operator"], planned, KINAL)
    return services.print_cards(users["operator"], planned, KAUR_SELATAN)


@pytest.fixture
def api(users, batch):
    return Client(), {name: bearer(issue_token(user)) for name, user in users.items()}


def post(client, url, auth, body):
    return client.post(url, body, content_type="application/json", **auth)


def handover_body(numbers, to_status, **extra):
    return {"cards": numbers, "to_status": to_status, "happened_on": timezone.localdate().isoformat(), **PARTIES, **extra}


def test_status_and_cards_are_scoped_to_the_callers_area(api, batch):
    client, auth = api
    rows = client.get("/api/cards/status", **auth["operator"]).json()
    assert {r["kecamatan"]: r["printed"] for r in rows} == {KINAL: Card.objects.filter(
        membership__peserta__desa__code__startswith=KINAL).count(), KAUR_SELATAN: batch.cards}
    assert [r["kecamatan"] for r in client.get("/api/cards/status", **auth["camat"]).json()] == [KAUR_SELATAN]
    mine = client.get("/api/cards", **auth["desa"]).json()
    assert mine and {c["desa"] for c in mine} == {BANDAR_BINTUHAN}
    assert {c["number"] for c in client.get(f"/api/cards?kecamatan={KINAL}", **auth["camat"]).json()} == set()
    kinal = client.get(f"/api/cards?kecamatan={KINAL}&status=printed", **auth["operator"]).json()
    assert kinal and all(c["desa"].startswith(KINAL + ".") and c["status"] == "printed" and not c["overdue"]
                         for c in kinal)
    assert client.get("/api/cards/status").status_code == 401


def test_a_hand_over_by_card_numbers_answers_its_number_and_is_all_or_nothing(api, batch):
    client, auth = api
    numbers = sorted(batch.card_set.values_list("number", flat=True))
    made = post(client, "/api/cards/handovers", auth["operator"], handover_body(numbers, "at_dinas"))
    assert made.status_code == 201
    body = made.json()
    assert body["number"] == f"BA-{timezone.localdate().year}-0001" and body["to_status"] == "at_dinas"
    assert sorted(c["number"] for c in body["cards"]) == numbers
    assert Event.objects.filter(action="cards.handed_over", target_id=str(Handover.objects.get().pk)).exists()
    jump = post(client, "/api/cards/handovers", auth["operator"], handover_body(numbers, "delivered", id_checked=True))
    assert jump.status_code == 409 and "tidak bisa langsung" in jump.json()["detail"]
    assert post(client, "/api/cards/handovers", auth["camat"], handover_body(numbers, "at_camat")).status_code == 403
    kinal = list(Card.objects.filter(membership__peserta__desa__code__startswith=KINAL).values_list("number", flat=True))
    outside = post(client, "/api/cards/handovers", auth["camat"], handover_body(numbers[:1] + kinal, "at_village"))
    assert outside.status_code == 422 and kinal[0] in outside.json()["detail"]
    assert post(client, "/api/cards/handovers", auth["operator"], handover_body(["0-1"], "at_dinas")).status_code == 422
    assert Handover.objects.count() == 1 and set(Card.objects.filter(number__in=numbers)
                                                .values_list("status", flat=True)) == {"at_dinas"}
    seen = client.get(f"/api/cards/handovers/{body['number']}", **auth["camat"])
    assert seen.status_code == 200 and seen.json() == body
    assert client.get(f"/api/cards/handovers/{body['number']}", **auth["desa"]).status_code == 404  # other villages' names
    assert client.get("/api/cards/handovers/BA-1999-0001", **auth["operator"]).status_code == 404


def test_print_runs_and_a_replacement_through_the_api(api, batch, planned):
    client, auth = api
    runs = client.get("/api/cards/batches", **auth["operator"]).json()
    assert {(r["kecamatan"], r["cards"]) for r in runs} == {(KAUR_SELATAN, batch.cards), (KINAL, runs[-1]["cards"])}
    assert [r["kecamatan"] for r in client.get("/api/cards/batches", **auth["camat"]).json()] == [KAUR_SELATAN]
    again = post(client, "/api/cards/batches", auth["operator"], {"programme": planned.code, "kecamatan": KAUR_SELATAN})
    assert again.status_code == 409 and "belum punya kartu" in again.json()["detail"]
    assert post(client, "/api/cards/batches", auth["camat"], {"programme": planned.code, "kecamatan": KAUR_SELATAN}
                ).status_code == 403

    card = batch.card_set.order_by("number").first()
    assert post(client, f"/api/cards/{card.number}/replace", auth["operator"], {"reason": "stolen"}).status_code == 422
    assert post(client, f"/api/cards/{card.number}/replace", auth["camat"], {"reason": "lost"}).status_code == 403
    made = post(client, f"/api/cards/{card.number}/replace", auth["operator"], {"reason": "lost", "layout": "card"})
    assert made.status_code == 201
    new = made.json()
    assert new["number"] == f"{card.membership.kpj}-2" and new["status"] == "printed"
    card.refresh_from_db()
    assert card.status == "voided" and card.void_reason == "lost" and card.replaced_by.number == new["number"]
    assert post(client, f"/api/cards/{card.number}/replace", auth["operator"], {"reason": "lost"}).status_code == 409
    kinal = Card.objects.filter(membership__peserta__desa__code__startswith=KINAL).first()
    assert post(client, f"/api/cards/{kinal.number}/replace", auth["camat"], {"reason": "lost"}).status_code == 404
