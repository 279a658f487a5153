"""The set-based protection status (payments.protection) against the coverage engine, member by member."""

from collections import Counter
from datetime import date, timedelta

import pytest
from django.db import transaction
from django.db.models import F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lindung.enrolment.models import Membership
from lindung.payments import protection
from lindung.payments.models import PaidMonth, Protection
from lindung.payments.protection import (
    LAPSE_HORIZONS, current_membership, current_memberships, protection_counts, refresh, refresh_people,
    with_protection,
)
from lindung.payments.selectors import membership_coverage
from lindung.programs.models import Programme
from lindung.rules.contributions import Month, due_date
from lindung.rules.coverage import State, lapses_on, status_on
from lindung.rules.regulation import CoverStart, LapseDay, Regulation
from tests.conftest import BANDAR_BINTUHAN, KINAL_VILLAGE, OTHER_VILLAGE_KAUR_SELATAN, make_peserta

S = Membership.Status
START = Month(2024, 10)


@pytest.fixture
def world(users):
    """Six people in three villages of two kecamatan, three programmes; memberships come per example."""
    people = [make_peserta(desa, f"Orang {i}", serial=40 + i)
              for i, desa in enumerate([BANDAR_BINTUHAN, BANDAR_BINTUHAN, OTHER_VILLAGE_KAUR_SELATAN,
                                        OTHER_VILLAGE_KAUR_SELATAN, KINAL_VILLAGE, KINAL_VILLAGE])]
    programmes = [Programme.objects.create(code=f"uji-{y}", name=f"Uji {y}", year=y, start=date(y, 1, 1),
                                           end=date(y, 12, 1)) for y in (2024, 2025, 2026)]
    return {"people": people, "programmes": programmes, "admin": users["admin"], "camat": users["camat"]}


payment = st.tuples(st.integers(0, 15), st.integers(-45, 160))  # (months after the first, days after its 1st)
membership = st.fixed_dictionaries({
    "start": st.integers(0, 20),  # months after October 2024
    "day": st.sampled_from([1, 1, 1, 1, 10, 20]),  # registration is a month's first day, except on some imports
    "status": st.sampled_from([S.ACTIVE, S.ACTIVE, S.REGISTERED, S.SUBMITTED, S.REJECTED]),
    "kpj": st.booleans(),
    "payments": st.lists(payment, max_size=9),
    "end": st.one_of(st.none(), st.tuples(st.integers(0, 600), st.sampled_from(["meninggal", "keluar"]))),
})
person = st.lists(membership, max_size=2)
days = st.lists(st.dates(date(2024, 9, 1), date(2027, 12, 31)), min_size=1, max_size=3)


def build(world, drawn, order=None) -> list[Membership]:
    """The drawn memberships, registered through ``protection.refresh``, then their months paid one at a time
    through ``protection.paid`` as a payment records them, in the order ``order`` (a permutation) gives."""
    made, paid, kpj = [], [], 25_000_000_000
    for who, memberships in zip(world["people"], drawn, strict=False):
        taken = set()
        for programme, m in zip(world["programmes"], memberships, strict=False):
            month = START.shift(m["start"])
            first = date(month.year, month.month, m["day"])
            ended = None if m["end"] is None else (first + timedelta(days=m["end"][0]), m["end"][1])
            kpj += 1
            row = Membership.objects.create(
                programme=programme, peserta=who, status=m["status"], kpj=str(kpj) if m["kpj"] else "",
                first=first, last=first, ended_on=ended and ended[0], end_kind=ended[1] if ended else "")
            earliest = first - timedelta(days=30)  # paid ahead, at most a month before joining
            for after, late in m["payments"]:
                paid_month = month.shift(after)
                if paid_month in taken:  # a person's month is paid once, whichever membership
                    continue
                taken.add(paid_month)
                paid.append(PaidMonth(membership=row, peserta=who, month=paid_month.first_day, payer="apbd",
                                      paid_on=max(paid_month.first_day + timedelta(days=late), earliest)))
            made.append(row)
    refresh(Membership.objects.all())
    for i in order(len(paid)) if order else range(len(paid)):
        row = paid[i]
        row.save()
        protection.paid(Membership.objects.filter(pk=row.membership_id), row.paid_on)
    return made


def stored() -> list[tuple]:
    return list(Protection.objects.order_by("pk").values_list())


def edges(memberships, engines) -> set[date]:
    """Days where a rule turns: registration, end, lapse, due dates — and the day before each."""
    found = set()
    for m in memberships:
        engine = engines[m.pk]
        for d in (m.first, m.ended_on, lapses_on(engine), due_date(Month.of(m.first).shift(1))):
            if d is not None:
                found |= {d, d - timedelta(days=1), d + timedelta(days=1)}
    return found


def is_registered(m: Membership) -> bool:
    return m.status in (S.REGISTERED, S.ACTIVE) or bool(m.kpj)


def current_by_hand(memberships, day: date) -> list[Membership]:
    """Each person's registered membership with the latest first day on or before ``day``."""
    current = {}
    for m in sorted((m for m in memberships if is_registered(m) and m.first <= day), key=lambda m: (m.first, m.pk)):
        current[m.peserta_id] = m
    return list(current.values())


def engine_counts(current, engines, day: date, area: str) -> dict:
    """The regent's counts the slow way: each person's current membership through the engine."""
    counts = {}
    for m in current:
        if not m.peserta.desa_id.startswith(area):
            continue
        status = status_on(engines[m.pk], day)
        kec = counts.setdefault(m.peserta.desa_id[:8], Counter())
        kec[status.state.value] += 1
        lapse = lapses_on(engines[m.pk])
        if status.state in (State.ACTIVE, State.ARREARS) and lapse is not None:
            for n in LAPSE_HORIZONS:
                kec[f"next{n}"] += lapse <= day + timedelta(days=n)
    return counts


def counted(result) -> dict:
    return {a.code: Counter({**{s: getattr(a, s) for s in ("aktif", "menunggak", "nonaktif", "berakhir")},
                             State.NOT_YET.value: a.belum,
                             **{f"next{n}": a.lapse_next[n] for n in LAPSE_HORIZONS}}) for a in result.kecamatan}


@pytest.mark.django_db
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(drawn=st.lists(person, min_size=6, max_size=6), some_days=days, data=st.data())
def test_the_database_says_what_the_engine_says_of_every_member_on_every_day(world, drawn, some_days, data):
    with transaction.atomic():
        made = build(world, drawn, order=lambda n: data.draw(st.permutations(range(n))))
        kept = stored()
        refresh(Membership.objects.all())
        assert stored() == kept  # month by month, in any order, as rebuilt from scratch
        engines = {m.pk: membership_coverage(m) for m in made}
        turns = sorted(edges(made, engines))
        if turns:  # a few of the days where a rule turns, beside the random ones
            some_days += data.draw(st.lists(st.sampled_from(turns), max_size=3))
        for day in sorted(set(some_days)):
            rows = {m.pk: m for m in with_protection(Membership.objects.all(), day)}
            for m in made:
                engine = engines[m.pk]
                status, got = status_on(engine, day), rows[m.pk]
                assert (got.protection_state, got.protection_arrears, got.protection_lapse) == (
                    status.state.value, len(status.arrears), lapses_on(engine)), (day, m.first, engine)
            current = current_by_hand(made, day)
            assert set(current_memberships(day).values_list("pk", flat=True)) == {m.pk for m in current}
            for user, area in ((world["admin"], "17.04"), (world["camat"], "17.04.05")):
                expected = {k: +v for k, v in engine_counts(current, engines, day, area).items()}
                got = counted(protection_counts(user, day))
                assert {k: +v for k, v in got.items()} == expected, (day, user.username)
        transaction.set_rollback(True)


def test_the_counts_say_who_is_protected_per_kecamatan_and_in_total(world):
    people, (_, p2025, p2026) = world["people"], world["programmes"]
    on_time = [PaidMonth(month=date(2026, m, 1), paid_on=date(2026, m, 10), payer="apbd") for m in range(1, 13)]

    def member(i, programme, first, *, paid=(), **extra):
        m = Membership.objects.create(programme=programme, peserta=people[i], status=S.ACTIVE, kpj=f"2500000010{i}",
                                      first=first, last=first, **extra)
        PaidMonth.objects.bulk_create([PaidMonth(membership=m, peserta=people[i], month=p.month, paid_on=p.paid_on,
                                                 payer="apbd") for p in paid])
        refresh_people([m.peserta_id])
        return m

    member(0, p2026, date(2026, 1, 1), paid=on_time)  # aktif, lapses 1 May 2027
    member(1, p2026, date(2026, 1, 1), paid=on_time[:10])  # paid to October: November unpaid, due 16 Nov
    member(2, p2025, date(2025, 1, 1), paid=[PaidMonth(month=date(2025, 1, 1), paid_on=date(2025, 1, 10))])
    member(3, p2026, date(2026, 1, 1), paid=on_time, ended_on=date(2026, 6, 2), end_kind="meninggal")
    member(4, p2026, date(2026, 1, 1), paid=on_time[:9])  # paid to September: lapses 1 January 2027
    member(5, p2025, date(2025, 1, 1))
    member(5, p2026, date(2026, 1, 1), paid=on_time)  # his 2026 membership is the current one
    counts = protection_counts(world["admin"], date(2026, 12, 3))
    kinal, selatan = counts.kecamatan
    assert (selatan.code, selatan.name) == ("17.04.05", "Kaur Selatan")
    assert (selatan.aktif, selatan.menunggak, selatan.nonaktif, selatan.berakhir) == (1, 1, 1, 1)
    assert (kinal.aktif, kinal.menunggak, kinal.nonaktif, kinal.berakhir) == (1, 1, 0, 0)
    assert counts.total.protected == 4 and counts.total.members == 6
    # Orang 4 (in arrears since October) lapses on 1 January 2027, within 30 days; Orang 1 on 1 February.
    assert counts.total.lapse_next == {30: 1, 60: 2, 90: 2}
    assert [a.code for a in protection_counts(world["camat"], date(2026, 12, 3)).kecamatan] == ["17.04.05"]
    assert current_membership(people[5], date(2026, 12, 3)).programme == p2026
    assert current_membership(people[5], date(2025, 12, 3)).programme == p2025
    row = with_protection(Membership.objects.filter(peserta=people[1]), date(2026, 12, 3)).get()
    assert (row.protection_state, row.protection_arrears, row.protection_lapse) == ("menunggak", 1, date(2027, 2, 1))


@pytest.mark.django_db
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(drawn=st.lists(person, min_size=6, max_size=6), some_days=days,
       reg=st.sampled_from([Regulation(cover_starts=CoverStart.PKS), Regulation(lapse_day=LapseDay.AFTER_DUE)]))
def test_the_database_follows_the_settings_of_cover_start_and_lapse_day(world, drawn, some_days, reg):
    """From the PKS date (1 January of each programme's year) or lapsing after the fourth month's due date (the
    engine's lapse, member by member): the database still says what the engine says."""
    with transaction.atomic():
        Programme.objects.update(pks_date=F("start"))
        made = [m.pk for m in build(world, drawn)]
        refresh(Membership.objects.all(), reg)
        engines = {m.pk: membership_coverage(m) for m in Membership.objects.filter(pk__in=made)
                   .select_related("programme")}
        turns = {d for e in engines.values() for d in (e.registered, lapses_on(e, reg=reg)) if d}
        for day in sorted(set(some_days) | turns):
            for got in with_protection(Membership.objects.all(), day):
                status = status_on(engines[got.pk], day, reg=reg)
                assert (got.protection_state, got.protection_arrears, got.protection_lapse) == (
                    status.state.value, len(status.arrears), lapses_on(engines[got.pk], reg=reg)), (day, engines[got.pk])
        transaction.set_rollback(True)
