"""The card's state machine and overdue holds, without a database."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lindung.rules.cards import (
    MOVES,
    RETURN_REASONS,
    VOID_REASONS,
    Limits,
    Status,
    check_move,
    overdue,
    overdue_before,
)
from lindung.rules.holidays import SHIPPED

S = Status
CHAIN = [S.PRINTED, S.AT_DINAS, S.AT_CAMAT, S.AT_VILLAGE, S.DELIVERED]


def test_the_chain_moves_one_level_at_a_time():
    for current, to in zip(CHAIN, CHAIN[1:]):
        check_move(current, to)


@pytest.mark.parametrize("current,to", [(S.PRINTED, S.AT_CAMAT), (S.AT_DINAS, S.AT_VILLAGE), (S.AT_CAMAT, S.DELIVERED),
                                        (S.PRINTED, S.DELIVERED), (S.AT_VILLAGE, S.AT_CAMAT)])
def test_a_jump_is_refused_naming_both_states(current, to):
    with pytest.raises(ValueError) as refused:
        check_move(current, to)
    from lindung.rules.cards import LABELS

    assert LABELS[current] in str(refused.value) and LABELS[to] in str(refused.value)


def test_voided_is_final_and_delivered_only_voided_for_a_replacement():
    for to in S:
        with pytest.raises(ValueError, match="sudah final"):
            check_move(S.VOIDED, to, "lost")
    with pytest.raises(ValueError):
        check_move(S.DELIVERED, S.RETURNED, "moved")
    check_move(S.DELIVERED, S.VOIDED, "lost")


def test_a_return_needs_one_of_its_reasons_and_a_plain_move_none():
    with pytest.raises(ValueError, match="perlu alasan"):
        check_move(S.AT_VILLAGE, S.RETURNED)
    with pytest.raises(ValueError, match="perlu alasan"):
        check_move(S.AT_VILLAGE, S.RETURNED, "lost")  # a void reason
    check_move(S.AT_VILLAGE, S.RETURNED, "deceased")
    with pytest.raises(ValueError, match="Alasan hanya"):
        check_move(S.AT_CAMAT, S.AT_VILLAGE, "moved")
    with pytest.raises(ValueError, match="perlu alasan"):
        check_move(S.PRINTED, S.VOIDED, "moved")
    with pytest.raises(ValueError, match="tidak dikenal"):
        check_move("lost_in_drawer", S.AT_DINAS)


def test_a_returned_card_goes_out_again_to_the_kecamatan_or_is_voided():
    check_move(S.RETURNED, S.AT_CAMAT)
    check_move(S.RETURNED, S.VOIDED, "wrong_data")
    with pytest.raises(ValueError):
        check_move(S.RETURNED, S.DELIVERED)


moves = st.lists(st.tuples(st.sampled_from(list(S)), st.sampled_from(["", *RETURN_REASONS, *VOID_REASONS])),
                 max_size=30)


@given(moves)
@settings(max_examples=400)
def test_no_sequence_of_moves_reaches_an_illegal_state(sequence):
    state, seen = S.PRINTED, [S.PRINTED]
    for to, reason in sequence:
        legal = to in MOVES[state] and (
            reason in RETURN_REASONS if to == S.RETURNED else reason in VOID_REASONS if to == S.VOIDED else reason == "")
        try:
            check_move(state, to, reason)
        except ValueError:
            assert not legal
            continue
        assert legal
        before, state = state, to
        assert state in S
        assert before != S.VOIDED  # nothing leaves voided
        assert before != S.DELIVERED or state == S.VOIDED  # delivered leaves only for a replacement
        seen.append(state)
    # Back into the chain only through a return: a card never goes backwards otherwise.
    for a, b in zip(seen, seen[1:]):
        if a in CHAIN and b in CHAIN:
            assert CHAIN.index(b) == CHAIN.index(a) + 1


MONDAY = date(2025, 3, 3)  # a plain week: 3–7 March 2025, no holiday


def test_seven_working_days_at_a_level_then_overdue_weekends_not_counted():
    limits = Limits()
    # Entered Monday: Tue…Fri (4) + Mon…Wed of the next week (3) = 7 working days on Wednesday 12 March.
    assert not overdue(S.AT_CAMAT, MONDAY, date(2025, 3, 12), limits)
    assert overdue(S.AT_CAMAT, MONDAY, date(2025, 3, 13), limits)
    # The village has 3: Tue, Wed, Thu; overdue on Friday.
    assert not overdue(S.AT_VILLAGE, MONDAY, date(2025, 3, 6), limits)
    assert overdue(S.AT_VILLAGE, MONDAY, date(2025, 3, 7), limits)
    # Entered on a Friday: the weekend does not count; Wednesday is the 3rd working day.
    friday = date(2025, 3, 7)
    assert not overdue(S.AT_VILLAGE, friday, date(2025, 3, 12), limits)
    assert overdue(S.AT_VILLAGE, friday, date(2025, 3, 13), limits)


def test_holidays_are_not_working_days():
    # 17 August 2026 (a Monday) is Independence Day (SKB Nomor 1497 Tahun 2025).
    assert not SHIPPED.working_day(date(2026, 8, 17)) and SHIPPED.working_day(date(2026, 8, 18))
    friday = date(2026, 8, 14)
    # Tue 18, Wed 19, Thu 20: the third working day is Thursday, not Wednesday.
    assert not overdue(S.AT_VILLAGE, friday, date(2026, 8, 20), Limits())
    assert overdue(S.AT_VILLAGE, friday, date(2026, 8, 21), Limits())


def test_only_held_cards_are_overdue_and_limits_are_settings():
    long_ago = date(2020, 1, 1)
    for status in (S.DELIVERED, S.RETURNED, S.VOIDED):
        assert overdue_before(status, MONDAY, Limits()) is None
        assert not overdue(status, long_ago, MONDAY, Limits())
    assert not overdue(S.AT_DINAS, MONDAY, date(2025, 3, 6), Limits(per_level=3))
    assert overdue(S.AT_DINAS, MONDAY, date(2025, 3, 7), Limits(per_level=3))


@given(st.dates(date(2024, 1, 1), date(2027, 12, 31)), st.integers(0, 40), st.sampled_from(list(S)),
       st.integers(1, 10), st.integers(1, 10))
def test_overdue_is_more_working_days_than_the_limit(since, days, status, per_level, last_step):
    today = since + timedelta(days=days)
    limits = Limits(per_level, last_step)
    worked = sum(SHIPPED.working_day(since + timedelta(days=i)) for i in range(1, days + 1))
    limit = limits.of(status)
    assert overdue(status, since, today, limits) == (limit is not None and worked > limit)
