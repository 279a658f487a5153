"""Printing a kecamatan's cards, the hand-over chain with its berita acara, replacements; and, as a property,
that no sequence of service calls reaches an illegal state and every status change is on the record."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from lindung.audit.models import Event
from lindung.cards import services
from lindung.cards.models import Card, CardMove, Handover
from lindung.enrolment.models import Membership
from lindung.programs.models import Programme
from lindung.rules import cards as rules
from tests.cards.conftest import move, to_camat
from tests.conftest import BANDAR_BINTUHAN, KAUR_SELATAN, OTHER_VILLAGE_KAUR_SELATAN

S = Card.Status
def test_a_print_batch_has_a_card_for_each_registered_member_of_the_kecamatan(users, planned, members, batch):
    in_kecamatan = [m for m in members if m.peserta.desa_id.startswith(KAUR_SELATAN + ".")]
    assert in_kecamatan and len(in_kecamatan) < len(members)  # someone elsewhere is left out
    cards = batch.card_set.all()
    assert batch.number == 1 and batch.cards == len(in_kecamatan) == cards.count()
    assert {(c.membership_id, c.number, c.version, c.status) for c in cards} == {
        (m.pk, f"{m.kpj}-1", 1, S.PRINTED) for m in in_kecamatan}
    event = Event.objects.get(action="cards.printed")
    assert event.target_id == str(batch.pk) and str(len(in_kecamatan)) in event.summary
    assert not any(m.peserta.nama in event.summary for m in members)
    with pytest.raises(ValidationError, match="belum punya kartu"):  # everyone has a live card now
        services.print_cards(users["operator"], planned, KAUR_SELATAN)


def test_members_without_a_kpj_get_no_card_and_only_the_office_prints(users, planned, members):
    without = members[0]
    Membership.objects.filter(pk=without.pk).update(kpj="")
    batch = services.print_cards(users["admin"], planned, KAUR_SELATAN)
    assert not batch.card_set.filter(membership=without).exists()
    for who in ("camat", "desa", "bpjs"):
        with pytest.raises(PermissionDenied):
            services.print_cards(users[who], planned, KAUR_SELATAN)
    with pytest.raises(ValidationError, match="tidak ada"):
        services.print_cards(users["admin"], planned, BANDAR_BINTUHAN)  # a village, not a kecamatan


def test_the_chain_down_to_the_worker_each_step_with_its_minutes(users, batch):
    cards = to_camat(users, batch)
    village = [c for c in cards if c.membership.peserta.desa_id == BANDAR_BINTUHAN]
    handover = move(users["camat"], village, S.AT_VILLAGE, giver_name="Darmawan", giver_role="Camat",
                    receiver_name="Yusuf", receiver_role="Lurah Bandar Bintuhan", place="Kantor Camat")
    assert handover.desa_id == BANDAR_BINTUHAN and handover.kecamatan_id == KAUR_SELATAN
    assert handover.number == f"BA-{timezone.localdate().year}-0003"
    one = village[0]
    with pytest.raises(ValidationError, match="KTP"):
        move(users["desa"], [one], S.DELIVERED)
    delivered = move(users["desa"], [one], S.DELIVERED, id_checked=True)
    one.refresh_from_db()
    assert one.status == S.DELIVERED and delivered.id_checked
    assert list(one.moves.order_by("pk").values_list("from_status", "to_status")) == [
        (S.PRINTED, S.AT_DINAS), (S.AT_DINAS, S.AT_CAMAT), (S.AT_CAMAT, S.AT_VILLAGE), (S.AT_VILLAGE, S.DELIVERED)]
    assert [h.status for h in one.history.order_by("history_date", "history_id")] == [
        S.PRINTED, S.AT_DINAS, S.AT_CAMAT, S.AT_VILLAGE, S.DELIVERED]
    events = Event.objects.filter(action="cards.handed_over")
    assert events.count() == Handover.objects.count() == 4
    assert all(c.membership.peserta.nama not in e.summary for e in events for c in cards)


def test_illegal_jumps_wrong_roles_and_mixed_levels_change_nothing(users, batch):
    cards = list(batch.card_set.all())
    with pytest.raises(ValidationError, match="dicetak.*di kecamatan"):
        move(users["operator"], cards, S.AT_CAMAT)
    move(users["operator"], cards[:1], S.AT_DINAS)
    with pytest.raises(ValidationError, match="tahap yang sama"):
        move(users["operator"], cards, S.AT_CAMAT)
    with pytest.raises(PermissionDenied):
        move(users["camat"], cards[:1], S.AT_CAMAT)  # the office sends them, not the camat
    with pytest.raises(ValidationError, match="perlu alasan"):
        move(users["operator"], cards[:1], S.RETURNED)
    with pytest.raises(ValidationError, match="masa depan"):
        move(users["operator"], cards[:1], S.AT_CAMAT, happened_on=date(2999, 1, 1))
    with pytest.raises(ValidationError, match="Wajib diisi: nama yang menerima"):
        move(users["operator"], cards[:1], S.AT_CAMAT, receiver_name="  ")
    assert Handover.objects.count() == CardMove.objects.count() == 1
    assert sorted(Card.objects.values_list("status", flat=True)) == sorted([S.AT_DINAS] + [S.PRINTED] * (len(cards) - 1))


def test_nobody_moves_cards_outside_his_area(users, planned, members, batch):
    cards = to_camat(users, batch)
    other = [c for c in cards if c.membership.peserta.desa_id == OTHER_VILLAGE_KAUR_SELATAN]
    with pytest.raises(ValidationError, match="tidak ada di wilayah Anda"):
        move(users["desa"], other, S.DELIVERED, id_checked=True)
    with pytest.raises(ValidationError, match="satu desa"):
        move(users["camat"], cards, S.AT_VILLAGE)
    kinal = services.print_cards(users["operator"], planned, "17.04.01")
    with pytest.raises(ValidationError, match="tidak ada di wilayah Anda"):
        move(users["camat"], list(kinal.card_set.all()), S.AT_VILLAGE)


def test_a_returned_card_keeps_its_reason_and_goes_out_again(users, batch):
    cards = to_camat(users, batch)
    handover = move(users["camat"], cards[:1], S.RETURNED, reason="moved")
    card = Card.objects.get(pk=cards[0].pk)
    assert card.status == S.RETURNED and card.return_reason == "moved" and handover.moves.get().reason == "moved"
    move(users["operator"], [card], S.AT_CAMAT)
    card.refresh_from_db()
    assert card.status == S.AT_CAMAT and card.return_reason == ""


def test_evidence_must_be_a_photo_or_pdf(users, batch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cards = list(batch.card_set.all())
    fake = SimpleUploadedFile("foto.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    with pytest.raises(ValidationError, match="foto"):
        move(users["operator"], cards, S.AT_DINAS, evidence=fake)
    photo = SimpleUploadedFile("ttd.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 20, content_type="image/png")
    handover = move(users["operator"], cards, S.AT_DINAS, evidence=photo)
    assert handover.evidence.name.startswith("kartu/bukti/") and handover.evidence.read().startswith(b"\x89PNG")


def test_a_replacement_voids_the_old_card_and_prints_the_next_version(users, planned, batch):
    old = batch.card_set.first()
    with pytest.raises(ValidationError, match="perlu alasan"):
        services.replace_card(users["operator"], old, "moved")
    with pytest.raises(PermissionDenied):
        services.replace_card(users["camat"], old, "lost")
    new = services.replace_card(users["operator"], old, "lost")
    old.refresh_from_db()
    assert old.status == S.VOIDED and old.void_reason == "lost" and old.replaced_by == new
    assert new.version == 2 and new.number == f"{old.membership.kpj}-2" and new.status == S.PRINTED
    assert new.batch.number == 2 and new.batch.cards == 1 and new.batch.kecamatan_id == KAUR_SELATAN
    with pytest.raises(ValidationError, match="sudah final"):
        services.replace_card(users["operator"], old, "lost")
    event = Event.objects.get(action="cards.replaced")
    assert event.target_id == str(old.pk) and "hilang" in event.summary


# The property: random sequences of calls by random users. Each example runs in a savepoint rolled back after it.
# "next" and "holder" pick the card's next step and the user who records it, so that sequences get deep.
ACTORS = ("holder", "holder", "operator", "camat", "desa", "bpjs")
NEXT = {S.PRINTED: S.AT_DINAS, S.AT_DINAS: S.AT_CAMAT, S.AT_CAMAT: S.AT_VILLAGE, S.AT_VILLAGE: S.DELIVERED,
        S.RETURNED: S.AT_CAMAT, S.DELIVERED: S.DELIVERED}
HOLDER = {S.PRINTED: "operator", S.AT_DINAS: "operator", S.RETURNED: "operator", S.AT_CAMAT: "camat",
          S.AT_VILLAGE: "desa", S.DELIVERED: "desa"}
calls = st.lists(st.one_of(
    st.tuples(st.just("move"), st.sampled_from(ACTORS), st.sets(st.integers(0, 3), min_size=1, max_size=2),
              st.sampled_from(["next", "next", "next", *[s for s in S if s != S.VOIDED]]),
              st.sampled_from(["", "", "moved", "refused"]), st.booleans()),
    st.tuples(st.just("replace"), st.sampled_from(("operator", "camat")), st.integers(0, 3),
              st.sampled_from(["lost", "damaged", "moved"])),
), min_size=1, max_size=15)


@given(calls)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_no_sequence_of_calls_reaches_an_illegal_state_and_every_change_is_recorded(users, members, batch, sequence):
    with transaction.atomic():
        for call in sequence:
            live = list(Card.objects.exclude(status=S.VOIDED).order_by("membership_id"))
            before = dict(Card.objects.values_list("pk", "status"))
            try:
                with transaction.atomic():
                    if call[0] == "move":
                        _, who, picks, to, reason, id_checked = call
                        picked = [live[i % len(live)] for i in picks]
                        to = NEXT[picked[0].status] if to == "next" else to
                        who = HOLDER[picked[0].status] if who == "holder" else who
                        move(users[who], picked, to, reason=reason, id_checked=id_checked)
                    else:
                        _, who, pick, reason = call
                        services.replace_card(users[who], live[pick % len(live)], reason)
            except (ValidationError, PermissionDenied):
                assert dict(Card.objects.values_list("pk", "status")) == before  # all or nothing
        event(f"status changes: {min(_check_the_record(), 5)}+")
        transaction.set_rollback(True)


def _check_the_record() -> int:
    """Check every card's history against the machine and the record; the number of status changes."""
    changed = 0
    for card in Card.objects.all():
        assert card.status in S.values
        history = list(card.history.order_by("history_date", "history_id").values_list("status", "return_reason",
                                                                                       "void_reason"))
        assert history[0][0] == S.PRINTED and history[-1][0] == card.status
        steps = [(a[0], b) for a, b in zip(history, history[1:]) if a[0] != b[0]]
        for a, (b, returned, voided) in steps:
            rules.check_move(a, b, voided if b == S.VOIDED else returned if b == S.RETURNED else "")
        changes = [(a, b[0]) for a, b in steps]
        changed += len(changes)
        moves = list(card.moves.order_by("pk").values_list("from_status", "to_status", "handover_id"))
        # Every change but a void is one CardMove of a hand-over, in order; each hand-over has its audit event.
        assert [(a, b) for a, b in changes if b != S.VOIDED] == [(a, b) for a, b, _ in moves]
        for *_, handover in moves:
            assert Event.objects.filter(action="cards.handed_over", target_id=str(handover)).exists()
        if card.status == S.VOIDED:
            assert Event.objects.filter(action="cards.replaced", target_id=str(card.pk)).exists()
            assert card.replaced_by is not None
    assert Card.objects.exclude(status=S.VOIDED).values("membership").distinct().count() == \
        Card.objects.exclude(status=S.VOIDED).count()
    return changed


def test_next_years_programme_prints_the_next_version_of_the_same_kpj(users, planned, batch):
    card = batch.card_set.select_related("membership__peserta").first()
    old = card.membership
    following = Programme.objects.create(code="kaur-2026", name="Kaur 2026", year=2026, start=date(2026, 1, 1),
                                         end=date(2026, 12, 1), status=Programme.Status.RUNNING)
    Membership.objects.create(programme=following, peserta=old.peserta, status=Membership.Status.ACTIVE, kpj=old.kpj,
                              first=date(2026, 1, 1), last=date(2026, 12, 1))
    again = services.print_cards(users["operator"], following, KAUR_SELATAN)
    assert list(again.card_set.values_list("number", "version")) == [(f"{old.kpj}-2", 2)]
