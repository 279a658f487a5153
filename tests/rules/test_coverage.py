"""lindung.rules.coverage: the worked examples of DOMAIN.md sections 2 and 4, then the 3-month rule
checked against brute force on random payment histories."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lindung.rules.contributions import Month, Payer, due_date, month_range
from lindung.rules.coverage import (
    EndKind,
    Membership,
    Payment,
    Right,
    Rights,
    State,
    Status,
    claim_status,
    cover_start,
    lapses_on,
    owed_months,
    status_on,
    statuses_on,
    timeline,
)
from lindung.rules.holidays import SHIPPED, Holiday, Kind
from lindung.rules.planner import lapse_date
from lindung.rules.regulation import CoverStart, LapseDay, Regulation

APBD, MANDIRI = Payer.APBD, Payer.MANDIRI
DEC_2024, JAN, FEB, MAR, APR, MAY, JUN, JUL = Month(2024, 12), *(Month(2025, m) for m in range(1, 8))
RUNNING = {State.ACTIVE, State.ARREARS}
ARREARS_RIGHTS = Rights(jkk_medical=Right.NOW, jkk_cash=Right.AFTER_ARREARS, jkm_funeral=Right.NOW,
                        jkm_rest=Right.AFTER_ARREARS)


def shift(month: Month, by: int) -> Month:
    i = month.year * 12 + month.month - 1 + by
    return Month(i // 12, i % 12 + 1)


def first_day(month: Month) -> date:
    return date(month.year, month.month, 1)


def paid_by(payer: Payer, *months: Month, day: int = 10) -> tuple[Payment, ...]:
    return tuple(Payment(m, payer, date(m.year, m.month, day)) for m in months)


# Kaur (DOMAIN.md section 1): enrolled in December 2024, the regency funds January-February 2025.
KAUR = Membership(date(2024, 12, 2), paid_by(APBD, DEC_2024, JAN, FEB))


def with_payment(membership: Membership, month: Month, payer: Payer, paid_on: date) -> Membership:
    return replace(membership, payments=membership.payments + (Payment(month, payer, paid_on),))


# --- worked examples -------------------------------------------------------------------------------


def test_kaur_plan_funded_january_february_lapses_on_1_june_if_nobody_pays():
    # March 2025's 15th is a Saturday: March is due on Monday the 17th.
    assert due_date(MAR) == date(2025, 3, 17)
    assert status_on(KAUR, date(2025, 3, 17)) == Status(State.ACTIVE, lapse=date(2025, 6, 1))
    assert status_on(KAUR, date(2025, 3, 18)) == Status(State.ARREARS, (MAR,), lapse=date(2025, 6, 1))
    assert status_on(KAUR, date(2025, 4, 30)).arrears == (MAR, APR)
    assert status_on(KAUR, date(2025, 5, 15)).arrears == (MAR, APR)  # May is due on the 15th
    may_end = status_on(KAUR, date(2025, 5, 31))
    assert may_end.arrears == (MAR, APR, MAY) and may_end.rights == ARREARS_RIGHTS
    lapsed = status_on(KAUR, date(2025, 6, 1))
    assert lapsed == Status(State.LAPSED, lapse=lapse_date(FEB)) and lapsed.lapse == date(2025, 6, 1)
    assert lapsed.rights == Rights(Right.NONE, Right.NONE, Right.NONE, Right.NONE)
    assert status_on(KAUR, date(2030, 1, 1)) == lapsed
    assert lapses_on(KAUR) == date(2025, 6, 1)


def test_kaur_texts_for_the_clerk():
    arrears = status_on(KAUR, date(2025, 4, 30))
    assert arrears.label == "Menunggak 2 bulan"
    assert arrears.explanation == (
        "Menunggak 2 bulan (Maret 2025, April 2025). JKK: perawatan medis tetap dijamin, santunan uang dibayar "
        "setelah tunggakan dilunasi. JKM: biaya pemakaman dibayar segera, santunan lainnya setelah ahli "
        "waris melunasi tunggakan. Jika tidak ada pembayaran lagi, kepesertaan nonaktif mulai 1 Juni 2025 "
        "dan semua hak atas manfaat hilang."
    )
    lapsed = status_on(KAUR, date(2025, 6, 1))
    assert lapsed.label == "Nonaktif sejak 1 Juni 2025"
    assert lapsed.explanation == (
        "Nonaktif sejak 1 Juni 2025: iuran 2025-03 sampai 2025-05 tidak dibayar tepat waktu, lebih dari 3 "
        "bulan berturut-turut. Tidak ada hak atas manfaat JKK maupun JKM."
    )
    assert status_on(KAUR, date(2025, 2, 20)).label == "Aktif"
    assert status_on(KAUR, date(2024, 12, 1)).label == "Belum terlindungi"


def test_kaur_timeline():
    rows = timeline(KAUR, Month(2024, 11), JUN)
    assert [r.payer for r in rows] == [None, APBD, APBD, APBD, None, None, None, None]
    assert [r.status.label for r in rows] == [
        "Belum terlindungi", "Aktif", "Aktif", "Aktif", "Menunggak 1 bulan", "Menunggak 2 bulan",
        "Menunggak 3 bulan", "Nonaktif sejak 1 Juni 2025"]
    assert [r.day for r in rows[-2:]] == [date(2025, 5, 31), date(2025, 6, 30)]
    assert not any(r.late for r in rows)
    assert rows[1].due == date(2024, 12, 16)  # the 15th was a Sunday
    # The current month shows today's status: April is not due yet on 10 April.
    today = timeline(KAUR, MAR, APR, today=date(2025, 4, 10))
    assert [(r.day, r.status.arrears) for r in today] == [(date(2025, 3, 31), (MAR,)), (date(2025, 4, 10), (MAR,))]


def test_arrears_paid_late_restore_active():
    late = with_payment(KAUR, MAR, MANDIRI, date(2025, 4, 20))
    assert status_on(late, date(2025, 4, 19)).arrears == (MAR, APR)
    assert status_on(late, date(2025, 4, 20)).arrears == (APR,)  # March paid, April still due
    both = with_payment(late, APR, MANDIRI, date(2025, 4, 20))
    assert status_on(both, date(2025, 4, 20)) == Status(State.ACTIVE, lapse=date(2025, 8, 1))
    rows = timeline(both, MAR, APR)
    assert [(r.payer, r.late) for r in rows] == [(MANDIRI, True), (MANDIRI, True)]
    # Three months of arrears paid the day before the lapse date: the membership goes on.
    saved = replace(KAUR, payments=KAUR.payments + tuple(Payment(m, MANDIRI, date(2025, 5, 31)) for m in (MAR, APR, MAY)))
    assert status_on(saved, date(2025, 6, 1)) == Status(State.ACTIVE, lapse=date(2025, 9, 1))
    assert lapses_on(saved) == date(2025, 9, 1)


def test_a_payment_on_or_after_the_lapse_date_does_not_revive():
    for paid_on in (date(2025, 6, 1), date(2025, 6, 20)):
        late = with_payment(KAUR, MAR, MANDIRI, paid_on)
        assert status_on(late, date(2025, 7, 1)) == Status(State.LAPSED, lapse=date(2025, 6, 1))
        assert lapses_on(late) == date(2025, 6, 1)
    # Paid the day before, it counts: the run is now April-June.
    assert lapses_on(with_payment(KAUR, MAR, MANDIRI, date(2025, 5, 31))) == date(2025, 7, 1)


def test_reactivation_when_allowed_starts_again_on_the_payment_day():
    revived = replace(with_payment(KAUR, Month(2025, 8), MANDIRI, date(2025, 8, 5)), reactivation=True)
    assert status_on(revived, date(2025, 8, 4)).state is State.LAPSED
    assert status_on(revived, date(2025, 8, 5)) == Status(State.ACTIVE, lapse=date(2025, 12, 1))
    # The gap is not owed, and the months before the lapse stay owed.
    assert owed_months(revived, DEC_2024, Month(2025, 9), today=date(2025, 8, 31)) == [
        DEC_2024, JAN, FEB, MAR, APR, MAY, Month(2025, 8), Month(2025, 9)]
    assert owed_months(replace(revived, reactivation=False), DEC_2024, Month(2025, 9), today=date(2025, 8, 31)) == [
        DEC_2024, JAN, FEB, MAR, APR, MAY]
    # Paid for an old month, the payment settles the oldest month owed: the new run's first (PP 44/2015 Ps 24).
    old = replace(with_payment(KAUR, MAR, MANDIRI, date(2025, 8, 5)), reactivation=True)
    assert status_on(old, date(2025, 8, 20)) == Status(State.ACTIVE, lapse=date(2025, 12, 1))
    assert status_on(old, date(2025, 9, 16)).arrears == (Month(2025, 9),)


def test_death_ends_the_membership_and_a_claim_sees_the_day_of_death():
    paid = replace(KAUR, payments=KAUR.payments + paid_by(APBD, MAR))
    died = replace(paid, ended_on=date(2025, 4, 20), end_kind=EndKind.DEATH)
    ended = Status(State.ENDED, end_kind=EndKind.DEATH, ended_on=date(2025, 4, 20))
    assert status_on(died, date(2025, 4, 19)).arrears == (APR,)
    assert status_on(died, date(2025, 4, 20)) == ended
    assert status_on(died, date(2026, 1, 1)) == ended and ended.rights.jkm_funeral is Right.NONE
    assert ended.label == "Meninggal 20 April 2025"
    assert ended.explanation == "Kepesertaan berakhir pada 20 April 2025 karena peserta meninggal dunia."
    # In arrears when he died: the funeral cost at once, the rest after the heirs pay April.
    at_death = claim_status(died, date(2025, 4, 20))
    assert at_death.arrears == (APR,) and at_death.rights == ARREARS_RIGHTS
    assert claim_status(died, date(2025, 4, 21)) == ended
    assert lapses_on(died) is None
    # April was due on the 15th, before he died; May is not owed.
    assert owed_months(died, DEC_2024, JUN, today=date(2025, 12, 31)) == [DEC_2024, JAN, FEB, MAR, APR]
    # Died after the lapse: no right when he died.
    too_late = replace(KAUR, ended_on=date(2025, 7, 3), end_kind=EndKind.DEATH)
    # Died after the lapse: "Meninggal" from that day, keeping the day his rights ended.
    assert status_on(too_late, date(2025, 7, 2)) == Status(State.LAPSED, lapse=date(2025, 6, 1))
    assert status_on(too_late, date(2025, 7, 3)) == Status(State.ENDED, end_kind=EndKind.DEATH,
                                                           ended_on=date(2025, 7, 3), lapse=date(2025, 6, 1))
    assert claim_status(too_late, date(2025, 7, 3)).rights.jkm_funeral is Right.NONE
    assert lapses_on(too_late) == date(2025, 6, 1)
    left = replace(KAUR, ended_on=date(2025, 2, 1), end_kind=EndKind.EXIT)
    assert status_on(left, date(2025, 2, 1)).label == "Berakhir 1 Februari 2025 (keluar)"


def test_a_due_date_moved_by_holidays():
    # 15 February 2026 is a Sunday and the 16th and 17th are Imlek (cuti bersama, libur nasional).
    assert due_date(Month(2026, 2)) == date(2026, 2, 18)
    member = Membership(date(2026, 1, 5), paid_by(APBD, Month(2026, 1)))
    assert status_on(member, date(2026, 2, 18)).state is State.ACTIVE
    assert status_on(member, date(2026, 2, 19)).arrears == (Month(2026, 2),)
    on_due = with_payment(member, Month(2026, 2), MANDIRI, date(2026, 2, 18))
    assert not timeline(on_due, Month(2026, 2), Month(2026, 2))[0].late
    day_after = with_payment(member, Month(2026, 2), MANDIRI, date(2026, 2, 19))
    assert timeline(day_after, Month(2026, 2), Month(2026, 2))[0].late
    # 15 March 2026 is a Sunday: due on Monday the 16th, in arrears from the 17th.
    paid = with_payment(member, Month(2026, 2), APBD, date(2026, 2, 10))
    assert status_on(paid, date(2026, 3, 16)).state is State.ACTIVE
    assert status_on(paid, date(2026, 3, 17)).arrears == (Month(2026, 3),)


def test_the_due_day_setting_and_the_offices_holidays_decide_when_a_month_is_in_arrears():
    # PP 44/2015 Ps 22: due on the due day (a setting, DOMAIN.md section 8), or the next working day.
    member = Membership(date(2025, 1, 2), paid_by(APBD, JAN))
    tenth = Regulation(due_day=10)
    assert status_on(member, date(2025, 2, 11)).state is State.ACTIVE  # due on the 15th by default
    assert status_on(member, date(2025, 2, 11), reg=tenth).arrears == (FEB,)
    assert owed_months(member, FEB, FEB, today=date(2025, 2, 11), reg=tenth) == [FEB]
    # A day the office added as closed (Monday 17 February 2025): due on the 18th, not yet in arrears on it.
    closed = SHIPPED.plus([Holiday(date(2025, 2, 17), Kind.LIBUR, "Libur daerah", "SK Bupati uji")])
    assert status_on(member, date(2025, 2, 18)).arrears == (FEB,)
    assert status_on(member, date(2025, 2, 18), calendar=closed).state is State.ACTIVE
    assert timeline(member, FEB, FEB, calendar=closed)[0].due == date(2025, 2, 18)
    # The lapse after the fourth month's due date (PP 44/2015 Ps 24(3)) moves with both.
    after_due = Regulation(lapse_day=LapseDay.AFTER_DUE, due_day=10)
    # May's due day, Saturday the 10th, moves past Waisak (Monday 12, libur) and its cuti bersama (13) to the 14th.
    assert lapses_on(member, reg=after_due) == lapse_date(JAN, after_due) == date(2025, 5, 15)
    closed_14th = SHIPPED.plus([Holiday(date(2025, 5, 14), Kind.LIBUR, "Libur daerah", "SK Bupati uji")])
    assert lapses_on(member, reg=after_due, calendar=closed_14th) == date(2025, 5, 16)
    assert lapse_date(JAN, after_due, closed_14th) == date(2025, 5, 16)


def test_registration_after_the_due_date_and_paid_on_the_day():
    member = Membership(date(2025, 1, 20), paid_by(APBD, JAN, day=20))
    assert status_on(member, date(2025, 1, 19)) == Status(State.NOT_YET)
    assert status_on(member, date(2025, 1, 20)).state is State.ACTIVE  # January is due on the 20th for him
    assert status_on(member, date(2025, 2, 18)).arrears == (FEB,)
    assert lapses_on(member) == lapse_date(JAN) == date(2025, 5, 1)
    assert not timeline(member, JAN, JAN)[0].late
    # The regency may pay before the coverage starts: covered from the registration day.
    prepaid = Membership(date(2025, 1, 20), (Payment(JAN, APBD, date(2025, 1, 6)),))
    assert status_on(prepaid, date(2025, 1, 21)).state is State.ACTIVE


def test_owed_months_follow_registration_lapse_and_end():
    assert owed_months(KAUR, Month(2024, 10), Month(2025, 12), today=date(2025, 3, 1)) == month_range(
        DEC_2024, Month(2025, 12))  # the lapse has not happened yet: paying can still prevent it
    assert owed_months(KAUR, Month(2024, 10), Month(2025, 12), today=date(2025, 6, 1)) == [
        DEC_2024, JAN, FEB, MAR, APR, MAY]


@pytest.mark.parametrize("kwargs, message", [
    (dict(payments=paid_by(APBD, Month(2024, 11))), "bulan sebelum pendaftaran tidak terutang"),
    (dict(payments=paid_by(APBD, JAN, JAN)), "dibayar dua kali"),
    (dict(ended_on=date(2024, 12, 1), end_kind=EndKind.EXIT), "sebelum terdaftar"),
    (dict(ended_on=date(2025, 1, 1)), "harus diisi bersama"),
])
def test_bad_input_is_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Membership(date(2024, 12, 2), **kwargs)


# --- cover from the first payment, oldest month first, the lapse day (issue 18) ---------------------------------


def test_no_cover_before_the_first_payment_pp_44_2015_ps_1_angka_4():
    # A participant is someone who has paid (PP 44/2015 Ps 1 angka 4; Ps 11(4)-(5)): registered on 2 January,
    # the regency's first payment (for January) comes on 20 February.
    member = Membership(date(2025, 1, 2), (Payment(JAN, APBD, date(2025, 2, 20)),))
    accident = claim_status(member, date(2025, 2, 10))
    assert accident == Status(State.NOT_YET) and accident.rights == Rights(Right.NONE, Right.NONE, Right.NONE, Right.NONE)
    assert "iuran pertama belum dibayar" in accident.explanation
    # From the payment on, cover runs from the first paid month: February is due on the 17th and unpaid.
    assert status_on(member, date(2025, 2, 20)) == Status(State.ARREARS, (FEB,), lapse=date(2025, 5, 1))
    assert lapses_on(member) == lapse_date(JAN)
    never = Membership(date(2025, 1, 2))
    assert {status_on(never, d).state for d in (date(2025, 1, 2), date(2025, 6, 1), date(2030, 1, 1))} == {State.NOT_YET}
    assert lapses_on(never) is None


def test_cover_starts_in_the_first_paid_month_or_on_the_pks_date():
    # Registered on 2 January, the first payment is made on 10 March for March.
    member = Membership(date(2025, 1, 2), paid_by(APBD, MAR), pks=date(2025, 1, 2))
    assert cover_start(member, MAR) == date(2025, 3, 1)  # the default: January and February are not owed
    assert status_on(member, date(2025, 3, 20)) == Status(State.ACTIVE, lapse=date(2025, 7, 1))
    # From the PKS date (a setting, DOMAIN.md section 8): January and February are owed, and the March payment
    # settles January, the oldest.
    pks = Regulation(cover_starts=CoverStart.PKS)
    assert cover_start(member, MAR, pks) == date(2025, 1, 2)
    assert status_on(member, date(2025, 3, 20), reg=pks) == Status(State.ARREARS, (FEB, MAR), lapse=date(2025, 5, 1))
    # A PKS date after the first paid month does not move the start.
    late_pks = replace(member, pks=date(2025, 4, 1))
    assert cover_start(late_pks, MAR, pks) == date(2025, 3, 1)
    # Paid ahead of the month: no cover before the month paid for.
    ahead = Membership(date(2025, 1, 2), (Payment(FEB, APBD, date(2025, 1, 10)),))
    assert status_on(ahead, date(2025, 1, 20)).state is State.NOT_YET
    assert status_on(ahead, date(2025, 2, 1)).state is State.ACTIVE


def test_a_payment_settles_the_oldest_unpaid_month_first():
    # DOMAIN.md section 2 (PP 44/2015 Ps 24: arrears are paid first). Kaur's member paid up to February; March
    # goes unpaid, and a payment recorded for April on 10 April pays March.
    gap = with_payment(KAUR, APR, MANDIRI, date(2025, 4, 10))
    assert status_on(gap, date(2025, 4, 10)) == Status(State.ACTIVE, lapse=date(2025, 7, 1))
    assert status_on(gap, date(2025, 4, 16)).arrears == (APR,)
    rows = timeline(gap, MAR, APR)
    assert [(r.month, r.payer, r.paid_on, r.late) for r in rows] == [
        (MAR, MANDIRI, date(2025, 4, 10), True), (APR, None, None, False)]
    assert lapses_on(gap) == lapse_date(MAR)
    # Recorded for March afterwards, the next payment pays April: the months settled have no gap.
    both = with_payment(gap, MAR, MANDIRI, date(2025, 4, 20))
    assert status_on(both, date(2025, 4, 20)) == Status(State.ACTIVE, lapse=date(2025, 8, 1))


def test_the_lapse_day_after_the_fourth_months_due_date_is_a_setting():
    # PP 44/2015 Ps 24(3) read literally (DOMAIN.md section 8): the day after the fourth unpaid month's due date.
    after_due = Regulation(lapse_day=LapseDay.AFTER_DUE)
    lapse = due_date(JUN) + timedelta(days=1)
    assert lapse_date(FEB, after_due) == lapse and lapse_date(FEB) == date(2025, 6, 1)
    assert status_on(KAUR, date(2025, 6, 1), reg=after_due).arrears == (MAR, APR, MAY)
    assert status_on(KAUR, lapse - timedelta(days=1), reg=after_due).state is State.ARREARS
    assert status_on(KAUR, lapse, reg=after_due) == Status(State.LAPSED, lapse=lapse)
    assert lapses_on(KAUR, reg=after_due) == lapse
    # Paid on 5 June, March saves the membership under this setting only.
    saved = with_payment(KAUR, MAR, MANDIRI, date(2025, 6, 5))
    assert status_on(saved, date(2025, 6, 20), reg=after_due).arrears == (APR, MAY, JUN)
    assert status_on(saved, date(2025, 6, 20)).state is State.LAPSED


# --- properties ------------------------------------------------------------------------------------

SPAN = 20  # months of history after the registration month


@st.composite
def memberships(draw, end: bool = True) -> Membership:
    registered = date(2025, 1, 1) + timedelta(days=draw(st.integers(0, 3 * 365)))
    first = Month(registered.year, registered.month)
    payments = []
    for month in month_range(first, shift(first, SPAN)):
        # Paid well ahead, around the due date, late, or not at all.
        offset = draw(st.none() | st.integers(-40, 5) | st.integers(-5, 130))
        if offset is not None:
            payments.append(Payment(month, draw(st.sampled_from(Payer)), due_date(month) + timedelta(days=offset)))
    ended_on = draw(st.none() | st.integers(0, 700).map(lambda n: registered + timedelta(days=n))) if end else None
    return Membership(registered, tuple(payments), ended_on, ended_on and EndKind.DEATH)


def days_of(membership: Membership) -> list[date]:
    """Around every due date and month boundary of the history, and beyond."""
    first = Month(membership.registered.year, membership.registered.month)
    days = {membership.registered - timedelta(days=1), membership.registered}
    for month in month_range(shift(first, -1), shift(first, SPAN + 6)):
        due = due_date(month)
        days |= {first_day(month), due, due + timedelta(days=1), first_day(month.next()) - timedelta(days=1)}
    return sorted(days)


def in_order(membership: Membership, by: date = date.max) -> list[Payment]:
    return sorted((p for p in membership.payments if p.paid_on <= by), key=lambda p: (p.paid_on, p.month))


def cover_from(membership: Membership, by: date = date.max) -> date | None:
    """The cover start once the first payment made by ``by`` is known: its month's first day, not before
    registration (PP 44/2015 Ps 1 angka 4); None before any payment."""
    made = in_order(membership, by)
    return max(first_day(made[0].month), membership.registered) if made else None


def settled(membership: Membership, by: date = date.max) -> dict[Month, date]:
    """Month -> day settled: the payments made by ``by``, oldest month first in the order they were made."""
    start = cover_from(membership, by)
    return {} if start is None else {
        shift(Month(start.year, start.month), i): p.paid_on for i, p in enumerate(in_order(membership, by))}


def brute_lapse(membership: Membership) -> tuple[date, Month] | None:
    """The first day of the first month M whose three months before were all owed and none settled
    before that day, and M - 4, the last month settled before that run; None before any payment."""
    start = cover_from(membership)
    if start is None:
        return None
    paid = settled(membership)
    month = shift(Month(start.year, start.month), 3)
    while any(m in paid and paid[m] < first_day(month) for m in (shift(month, -3), shift(month, -2), shift(month, -1))):
        month = month.next()
    return first_day(month), shift(month, -4)


def rank(status: Status) -> int:
    """Higher is better: active, then fewer months of arrears, then nothing."""
    return {State.ACTIVE: 4, State.ARREARS: 4 - len(status.arrears), State.NOT_YET: -1}.get(status.state, 0)


@settings(max_examples=50, deadline=None)
@given(memberships(end=False))
def test_arrears_and_lapse_follow_the_3_month_rule(membership):
    found = brute_lapse(membership)
    if found is None:  # never paid: never covered (PP 44/2015 Ps 1 angka 4)
        assert lapses_on(membership) is None
        assert all(status_on(membership, day) == Status(State.NOT_YET) for day in days_of(membership))
        return
    lapse, last_paid = found
    start, paid = cover_from(membership), settled(membership)
    assert start is not None
    first = Month(start.year, start.month)
    # The last month settled before the run: the month before the cover start, or settled before the run could lapse.
    assert last_paid == shift(first, -1) or paid[last_paid] < first_day(shift(last_paid, 3))
    assert lapse == lapse_date(last_paid) == lapses_on(membership)
    for day in days_of(membership):
        status = status_on(membership, day)
        start = cover_from(membership, day)
        if start is None or day < start:
            assert status == Status(State.NOT_YET)
        elif day >= lapse:
            assert status == Status(State.LAPSED, lapse=lapse)
        else:
            # The owed months already due, the unsettled ones at the end of that list.
            due = [m for m in month_range(first, Month(day.year, day.month)) if max(due_date(m), start) < day]
            by_then = settled(membership, day)
            unpaid = []
            while due and due[-1] not in by_then:
                unpaid.insert(0, due.pop())
            assert len(unpaid) <= 3
            # The lapse it announces is the one that happens if nobody pays after ``day``.
            known = replace(membership, payments=tuple(p for p in membership.payments if p.paid_on <= day))
            assert status == Status(State.ARREARS if unpaid else State.ACTIVE, tuple(unpaid), brute_lapse(known)[0])


@settings(max_examples=40, deadline=None)
@given(memberships())
def test_a_lapse_lasts_until_the_end_and_the_end_is_final(membership):
    lapse = (brute_lapse(membership) or (date.max,))[0]
    end, final = membership.ended_on, None
    for day in days_of(membership):
        status = status_on(membership, day)
        if final is not None and (end is None or day < end or final.state is State.ENDED):
            assert status == final
        elif status.state in (State.LAPSED, State.ENDED):
            final = status
        if end is not None and day >= end:  # ended, keeping the day the rights went when he had lapsed first
            assert (status.state, status.lapse) == (State.ENDED, lapse if lapse <= end else None)
    assert lapses_on(membership) == (lapse if lapse < date.max and (end is None or lapse <= end) else None)


@settings(max_examples=50, deadline=None)
@given(memberships(), st.data())
def test_paying_a_month_never_makes_a_status_worse(membership, data):
    first = Month(membership.registered.year, membership.registered.month)
    unpaid = [m for m in month_range(first, shift(first, SPAN + 3)) if m not in {p.month for p in membership.payments}]
    month = data.draw(st.sampled_from(unpaid))
    paid_on = due_date(month) + timedelta(days=data.draw(st.integers(-60, 200)))
    made = in_order(membership)
    if made:  # a payment made before the first one may move the cover start: only later ones are compared
        paid_on = max(paid_on, made[0].paid_on + timedelta(days=1))
    more = with_payment(membership, month, MANDIRI, paid_on)
    assert lapses_on(more) is None or lapses_on(membership) is None or lapses_on(more) >= lapses_on(membership)
    for day in days_of(membership):
        assert rank(status_on(more, day)) >= rank(status_on(membership, day))


@settings(max_examples=30, deadline=None)
@given(memberships(), st.booleans())
def test_a_status_depends_only_on_the_payments_made_by_its_day(membership, reactivation):
    membership = replace(membership, reactivation=reactivation)
    for day in days_of(membership)[::3]:
        known = replace(membership, payments=tuple(p for p in membership.payments if p.paid_on <= day))
        assert status_on(membership, day) == status_on(known, day)
        assert claim_status(membership, day) == claim_status(known, day)


@settings(max_examples=50, deadline=None)
@given(memberships(), st.booleans())
def test_statuses_of_many_days_at_once_are_each_days_status(membership, reactivation):
    membership = replace(membership, reactivation=reactivation)
    days = days_of(membership)
    assert statuses_on(membership, days) == [status_on(membership, day) for day in days]


@settings(max_examples=30, deadline=None)
@given(memberships())
def test_owed_months_are_the_months_running_on_their_due_date(membership):
    registered = Month(membership.registered.year, membership.registered.month)
    months = month_range(shift(registered, -2), shift(registered, SPAN + 4))
    for today in days_of(membership)[::7]:
        owed = set(owed_months(membership, months[0], months[-1], today=today))
        lapsed = status_on(membership, today).state is State.LAPSED
        start = cover_from(membership, today)
        for month in months:
            if start is None or month < Month(start.year, start.month):  # before the cover start: not owed
                assert month not in owed
                continue
            due = max(due_date(month), start)
            if due < in_order(membership, today)[0].paid_on:  # owed before the first payment: unless lapsed or ended
                known = replace(membership, payments=tuple(in_order(membership, today)))
                lapse = (brute_lapse(known) or (date.max,))[0]
                assert (month in owed) == (due < min(lapse if lapse <= today else date.max,
                                                     membership.ended_on or date.max))
            elif due <= today:
                assert (month in owed) == (status_on(membership, due).state in RUNNING)
            else:  # a lapse not yet happened does not count
                running = not lapsed and (membership.ended_on is None or due < membership.ended_on)
                assert (month in owed) == running


@settings(max_examples=25, deadline=None)
@given(memberships(), st.booleans())
def test_timeline_rows_agree_with_the_status(membership, reactivation):
    membership = replace(membership, reactivation=reactivation)
    first = Month(membership.registered.year, membership.registered.month)
    lapse = (brute_lapse(membership) or (date.max,))[0]
    paid = {m: on for m, on in settled(membership).items() if on < lapse}
    for row in timeline(membership, shift(first, -1), shift(first, SPAN + 2)):
        assert row.status == status_on(membership, row.day)
        assert row.day == first_day(row.month.next()) - timedelta(days=1)
        if not reactivation or row.day < lapse:  # the months of the first run: settled oldest first
            assert row.paid_on == paid.get(row.month)
            assert row.late == (row.month in paid and paid[row.month] > row.due)
