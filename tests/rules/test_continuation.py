"""A continuing member's gap before the new programme (rules.continuation), and the age limit at registration only."""

from datetime import date

import polars as pl

from lindung.pipeline.eligibility import Rules, assess
from lindung.rules.continuation import counts, gap, warnings
from lindung.rules.contributions import Month, Payer
from lindung.rules.coverage import Membership, Payment, State

JAN_2026 = Month(2026, 1)


def paid_until(last: int, *, late: dict[int, date] = {}) -> Membership:
    """Registered January 2025, each month up to ``last`` of 2025 paid on the 12th (or on the day in ``late``)."""
    return Membership(registered=date(2025, 1, 1), payments=tuple(
        Payment(Month(2025, m), Payer.APBD, late.get(m, date(2025, m, 12))) for m in range(1, last + 1)))


def test_paid_to_december_continues_without_a_gap():
    found = gap(paid_until(12), JAN_2026)
    assert (found.kind, found.last_paid, found.unpaid) == ("no_gap", Month(2025, 12), 0)
    assert found.lapse == date(2026, 4, 1)  # if nobody pays January to March


def test_two_months_unpaid_is_arrears_with_a_lapse_date_ahead():
    found = gap(paid_until(10), JAN_2026)
    assert (found.kind, found.unpaid, found.status.arrears) == ("in_arrears", 2, (Month(2025, 11), Month(2025, 12)))
    assert found.lapse == date(2026, 2, 1)


def test_three_months_unpaid_lapses_on_the_first_day_and_more_before_it():
    on_the_day = gap(paid_until(9), JAN_2026)
    assert (on_the_day.kind, on_the_day.unpaid, on_the_day.lapse) == ("lapsed", 3, date(2026, 1, 1))
    before = gap(paid_until(2), JAN_2026)
    assert (before.kind, before.status.state, before.lapse) == ("lapsed", State.LAPSED, date(2025, 6, 1))



def test_never_paid_was_never_a_participant_pp_44_2015_ps_1_angka_4():
    never = gap(Membership(registered=date(2025, 1, 1)), JAN_2026)
    assert (never.kind, never.last_paid, never.unpaid, never.lapse, never.keeps_kpj) == (
        "never_paid", None, 12, None, False)
    assert counts([never]) == {"no_gap": 0, "in_arrears": 0, "lapsed": 0, "never_paid": 1}
    assert "belum pernah menjadi peserta" in warnings([never], JAN_2026)[0]


def test_the_coverage_engine_decides_a_late_payment_too():
    # August paid only on 2 December, after he lapsed on 1 November (nothing of August to October paid by then):
    # the payment does not revive him, though a count from the last month paid would say 1 December.
    found = gap(paid_until(8, late={8: date(2025, 12, 2)}), JAN_2026)
    assert (found.kind, found.last_paid, found.unpaid, found.lapse) == ("lapsed", Month(2025, 8), 4, date(2025, 11, 1))


def test_counts_and_the_warnings_say_what_re_registering_costs():
    gaps = [gap(paid_until(12), JAN_2026), gap(paid_until(10), JAN_2026), gap(paid_until(11), JAN_2026),
            gap(paid_until(8), JAN_2026), gap(paid_until(2), JAN_2026)]
    assert counts(gaps) == {"no_gap": 1, "in_arrears": 2, "lapsed": 2, "never_paid": 0}
    lapsed, owing = warnings(gaps, JAN_2026)
    assert lapsed.startswith("2 peserta program sebelumnya sudah nonaktif saat program ini mulai 1 Januari 2026")
    assert "nonaktif sejak 1 Juni 2025 s.d. 1 Desember 2025" in lapsed
    assert "didaftarkan ulang sebagai peserta baru" in lapsed and "di bawah 65 tahun" in lapsed
    assert owing.startswith("2 peserta program sebelumnya menunggak pada 1 Januari 2026 (1 orang 1 bulan, "
                            "1 orang 2 bulan)")
    assert "paling awal 1 Februari 2026" in owing
    assert warnings(gaps[:1], JAN_2026) == []


def test_the_age_limit_applies_at_registration_only():
    """65 on the programme's first day: a member continuing with his KPJ stays, anyone to register does not."""
    workers = pl.DataFrame([
        {"nik": nik, "tanggal_lahir": date(1960, 12, 15), "pekerjaan": ["petani"], "desil": 1, "miskin_ekstrem": True,
         "hubungan": "Kepala Keluarga", "id_keluarga": None} for nik in ("1704051512600001", "1704051512600002")],
        schema_overrides={"id_keluarga": pl.Utf8})
    rules = Rules(start=date(2026, 1, 1), continuing=frozenset({"1704051512600001"}))
    assessed = assess(workers, rules, high_risk=frozenset())
    assert assessed["eligible"].to_list() == [True, False]
    assert assessed["reasons"][1].to_list() == ["Usia 65 tahun pada 1 Januari 2026: harus di bawah 65"]
