"""lindung.rules.contributions: the figures of DOMAIN.md section 2, then properties."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lindung.rules.contributions import (
    DISCOUNTS,
    INCOME_TIERS,
    JKM_RATES,
    TRANSPORT_OCCUPATIONS,
    IncomeTier,
    Month,
    Payer,
    UnknownTier,
    contribution,
    due_date,
    highest_monthly,
    income_tiers,
    month_range,
    prepayment_refused,
)
from lindung.rules.holidays import SHIPPED
from lindung.rules.regulation import Regulation

TRADER = "pedagang-kecil"
OJEK = "pengemudi-ojek"
TIER = INCOME_TIERS[0]
GENERAL, TRANSPORT = (next(d for d in DISCOUNTS if d.occupations is None),
                      next(d for d in DISCOUNTS if d.occupations is not None))


def total(month, payer, occupation=TRADER, **kwargs):
    return contribution(month, payer, occupation, **kwargs).total


# --- Month ----------------------------------------------------------------------


def test_month_parse_and_str():
    assert Month.parse("2025-01") == Month(2025, 1)
    assert str(Month(2026, 5)) == "2026-05"
    assert Month(2026, 12).next() == Month(2027, 1)
    assert Month(2026, 3) < Month(2026, 4) < Month(2027, 1)


@pytest.mark.parametrize("text", ["2025-1", "2025/01", "Jan 2025", "2025-13", "2025-00"])
def test_month_parse_refuses(text):
    with pytest.raises(ValueError, match="Bulan"):
        Month.parse(text)


# --- amounts ----------------------------------------------------------------------


def test_package_without_discount():
    c = contribution("2025-01", Payer.APBD, TRADER)
    assert (c.jkk, c.jkm, c.jht, c.discount, c.total) == (10_000, 6_800, 0, 0, 16_800)
    assert c.basis == (TIER, JKM_RATES[0])


@pytest.mark.parametrize("month", ["2024-12", "2025-01", "2026-01", "2026-05", "2026-12",
                                   "2027-03", "2027-04", "2028-06"])
@pytest.mark.parametrize("payer", [Payer.APBD, Payer.APBN])
@pytest.mark.parametrize("occupation", [TRADER, OJEK, "petani"])
def test_government_payers_pay_full_every_month(month, payer, occupation):
    # PP 50/2025: no discount for members whose contribution is paid from APBN/APBD.
    c = contribution(month, payer, occupation)
    assert (c.total, c.discount) == (16_800, 0)


def test_self_paying_trader_may_2026_pays_half_while_the_regency_pays_full():
    c = contribution("2026-05", Payer.MANDIRI, TRADER)
    assert (c.jkk, c.jkm, c.discount, c.total) == (10_000, 6_800, 8_400, 8_400)
    assert c.basis == (TIER, JKM_RATES[0], GENERAL)
    assert c.basis[-1].source == "PP 50/2025"
    assert total("2026-05", Payer.APBD) == 16_800


@pytest.mark.parametrize(("month", "expected"), [
    ("2026-03", 16_800), ("2026-04", 8_400), ("2026-12", 8_400), ("2027-01", 16_800),
])
def test_general_discount_period_is_april_to_december_2026(month, expected):
    assert total(month, Payer.MANDIRI, TRADER) == expected


@pytest.mark.parametrize(("month", "expected"), [
    ("2025-12", 16_800), ("2026-01", 8_400), ("2026-03", 8_400), ("2026-05", 8_400),
    ("2027-01", 8_400), ("2027-03", 8_400), ("2027-04", 16_800),
])
def test_transport_discount_period_is_january_2026_to_march_2027(month, expected):
    assert total(month, Payer.MANDIRI, OJEK) == expected


def test_transport_discount_does_not_stack_with_the_general_one():
    c = contribution("2026-05", Payer.MANDIRI, OJEK)
    assert (c.discount, c.total) == (8_400, 8_400)
    assert c.basis == (TIER, JKM_RATES[0], TRANSPORT)


@pytest.mark.parametrize("occupation", sorted(TRANSPORT_OCCUPATIONS))
def test_every_transport_occupation_gets_the_long_period(occupation):
    assert total("2027-02", Payer.MANDIRI, occupation) == 8_400


@pytest.mark.parametrize("payer", [Payer.DANA_DESA, Payer.CSR, Payer.MANDIRI])
def test_village_fund_and_csr_payers_get_the_discount(payer):
    # DOMAIN.md names only APBN/APBD as excluded from PP 50/2025; a village fund (dana desa)
    # or a company's CSR payer is therefore discounted like the worker himself.
    assert total("2026-05", payer, TRADER) == 8_400
    assert total("2026-02", payer, OJEK) == 8_400


def test_payer_given_as_text():
    assert total("2026-05", "dana_desa") == 8_400
    with pytest.raises(ValueError):
        contribution("2026-05", "pemda", TRADER)


def test_month_given_as_month():
    assert contribution(Month(2026, 5), Payer.MANDIRI, TRADER).total == 8_400


# --- JHT ----------------------------------------------------------------------------


def test_jht_is_optional_and_adds_20000():
    c = contribution("2025-01", Payer.APBD, TRADER, jht=True)
    assert (c.jht, c.total) == (20_000, 36_800)
    assert c.jht_due_date == date(2025, 2, 17)  # 15 Feb 2025 is a Saturday
    assert contribution("2025-01", Payer.APBD, TRADER).jht_due_date is None


def test_jht_is_not_discounted():
    c = contribution("2026-05", Payer.MANDIRI, TRADER, jht=True)
    assert (c.jht, c.discount, c.total) == (20_000, 8_400, 28_400)


def test_jht_due_the_15th_of_the_following_month():
    c = contribution("2026-06", Payer.APBD, TRADER, jht=True)
    assert c.due_date == date(2026, 6, 15)  # Monday
    assert c.jht_due_date == date(2026, 7, 15)  # Wednesday
    # December's JHT falls due in January of the next year.
    assert contribution("2026-12", Payer.APBD, TRADER, jht=True).jht_due_date == date(2027, 1, 15)


# --- tiers ----------------------------------------------------------------------------


def test_unknown_tier_refused_in_indonesian():
    with pytest.raises(UnknownTier) as refused:
        contribution("2026-05", Payer.APBD, TRADER, 2_000_000)
    assert str(refused.value) == (
        "Penghasilan Rp2.000.000 belum ada di tabel tingkat penghasilan BPU untuk bulan 2026-05 "
        "(yang tersedia: Rp1.000.000). Tambahkan tingkat ini ke tabel sesuai PP 44/2015 "
        "Lampiran II sebelum dipakai."
    )


def test_no_tier_before_pp_44_2015():
    with pytest.raises(UnknownTier, match="yang tersedia: tidak ada"):
        contribution("2015-06", Payer.APBD, TRADER)


def test_configured_tier():
    tiers = (*INCOME_TIERS, IncomeTier(1_500_000, 15_000, 30_000, Month(2015, 7), None, "Perbup"))
    c = contribution("2025-01", Payer.APBD, TRADER, 1_500_000, jht=True, tiers=tiers)
    assert (c.jkk, c.jkm, c.jht, c.total) == (15_000, 6_800, 30_000, 51_800)
    assert contribution("2026-05", Payer.MANDIRI, TRADER, 1_500_000, tiers=tiers).total == 10_900


def test_tier_out_of_force_is_refused():
    tiers = (replace(TIER, valid_to=Month(2025, 12)),)
    assert contribution("2025-12", Payer.APBD, TRADER, tiers=tiers).total == 16_800
    with pytest.raises(UnknownTier):
        contribution("2026-01", Payer.APBD, TRADER, tiers=tiers)


def test_jkm_missing_for_the_month():
    tiers = (replace(TIER, valid_from=Month(2010, 1)),)
    with pytest.raises(ValueError, match="Tidak ada tarif JKM untuk bulan 2015-06"):
        contribution("2015-06", Payer.APBD, TRADER, tiers=tiers)


def test_halving_an_odd_amount_rounds_the_payable_part_half_up():
    tiers = (IncomeTier(1_000_100, 10_001, 20_002, Month(2015, 7), None, "uji"),)
    c = contribution("2026-05", Payer.MANDIRI, TRADER, 1_000_100, jht=True, tiers=tiers)
    # JKK 10,001 -> pay 5,001 (discount 5,000); JKM 6,800 -> pay 3,400; JHT untouched.
    assert (c.jkk, c.jkm, c.jht, c.discount, c.total) == (10_001, 6_800, 20_002, 8_400, 28_403)


# --- due dates ----------------------------------------------------------------------------


def test_due_on_the_15th_when_a_working_day():
    assert due_date("2025-01") == date(2025, 1, 15)  # Wednesday
    assert due_date(Month(2026, 4)) == date(2026, 4, 15)  # Wednesday


@pytest.mark.parametrize(("month", "expected"), [
    ("2025-03", date(2025, 3, 17)),  # Saturday 15th -> Monday
    ("2025-06", date(2025, 6, 16)),  # Sunday 15th -> Monday
    ("2026-11", date(2026, 11, 16)),  # Sunday 15th -> Monday
])
def test_weekend_moves_to_monday(month, expected):
    assert date.fromisoformat(f"{month}-15").weekday() in (5, 6)
    assert due_date(month) == expected


def _kinds_on(day):
    return [h.kind for h in SHIPPED.holidays if h.day == day]


def test_holiday_on_the_15th_moves_on():
    # No 15th of 2026-2027 on a weekday is a libur nasional, but some are cuti bersama, and some
    # weekends run into a libur nasional.
    # Friday 15 May 2026 is cuti bersama after Kenaikan Yesus Kristus (Thursday 14 May).
    assert _kinds_on(date(2026, 5, 15)) == ["cuti_bersama"]
    assert due_date("2026-05") == date(2026, 5, 18)
    # Monday 15 March 2027 is cuti bersama of Idulfitri 1448 H.
    assert _kinds_on(date(2027, 3, 15)) == ["cuti_bersama"]
    assert due_date("2027-03") == date(2027, 3, 16)
    # Sunday 15 August 2027 is Maulid Nabi, a libur nasional; Monday is a working day.
    assert _kinds_on(date(2027, 8, 15)) == ["libur"]
    assert due_date("2027-08") == date(2027, 8, 16)


@pytest.mark.parametrize(("month", "expected"), [
    # Saturday 15 August 2026, then Monday 17 August, Proklamasi Kemerdekaan -> Tuesday.
    ("2026-08", date(2026, 8, 18)),
    # Sunday 15 February 2026, then Monday cuti bersama and Tuesday Imlek -> Wednesday.
    ("2026-02", date(2026, 2, 18)),
])
def test_weekend_running_into_holidays_moves_past_them(month, expected):
    assert due_date(month) == expected


def test_due_dates_provisional_without_holiday_data():
    assert not contribution("2026-05", Payer.APBD, TRADER, jht=True).due_dates_provisional
    assert not contribution("2024-05", Payer.APBD, TRADER).due_dates_provisional
    # The December 2027 JHT falls due in 2028, which the calendar has no holidays for yet.
    assert not contribution("2027-12", Payer.APBD, TRADER).due_dates_provisional
    assert contribution("2027-12", Payer.APBD, TRADER, jht=True).due_dates_provisional


# --- properties ----------------------------------------------------------------------------

months = st.builds(Month, st.integers(2024, 2028), st.integers(1, 12))
occupations = st.sampled_from([TRADER, OJEK, "petani", "nelayan", "sopir", "kurir", ""])


def _working(day):
    return SHIPPED.working_day(day)


@given(months, st.sampled_from(list(Payer)), occupations, st.booleans())
def test_amounts_add_up(month, payer, occupation, jht):
    c = contribution(month, payer, occupation, jht=jht)
    for amount in (c.jkk, c.jkm, c.jht, c.discount, c.total):
        assert type(amount) is int and amount >= 0
    assert c.total == c.jkk + c.jkm + c.jht - c.discount
    assert c.total in ({16_800, 8_400} if not jht else {36_800, 28_400})
    if payer in (Payer.APBN, Payer.APBD):
        assert c.discount == 0


@given(months)
def test_due_date_is_the_first_working_day_from_the_15th(month):
    fifteenth = date(month.year, month.month, 15)
    due = due_date(month)
    assert fifteenth <= due <= fifteenth + timedelta(days=10)
    assert _working(due)
    assert not any(_working(fifteenth + timedelta(days=i)) for i in range((due - fifteenth).days))


def test_a_plan_is_priced_at_the_dearest_month_of_its_period():
    # A village fund pays 8,400 from April 2026 (PP 50/2025), 16,800 in March: the plan prices 16,800.
    assert highest_monthly(Month(2026, 3), Month(2026, 6), Payer.DANA_DESA) == 16_800
    assert highest_monthly(Month(2026, 4), Month(2026, 6), Payer.DANA_DESA) == 8_400
    assert highest_monthly(Month(2026, 4), Month(2026, 6), Payer.APBD) == 16_800
    assert highest_monthly(Month(2025, 1), Month(2025, 12), Payer.APBD, jht=True) == 36_800
    assert [str(m) for m in month_range(Month(2025, 11), Month(2026, 2))] == ["2025-11", "2025-12", "2026-01", "2026-02"]
    with pytest.raises(UnknownTier):
        highest_monthly(Month(2025, 1), Month(2025, 12), Payer.APBD, 2_000_000)


# --- settings and the credit of PP 50/2025 Ps 6(1) (issue 18) ---------------------------------------------------


def test_the_tier_table_is_a_setting_with_only_the_rp1000000_row_shipped():
    # PP 44/2015 Lampiran II: the office fills the table from BPJS's bracket list (DOMAIN.md section 2).
    assert [(t.income, t.jkk, t.jht) for t in income_tiers()] == [(1_000_000, 10_000, 20_000)]
    with pytest.raises(UnknownTier):
        contribution("2025-05", Payer.APBD, TRADER, 2_000_000)
    filled = Regulation(income_tiers=((1_000_000, 10_000, 20_000), (2_000_000, 20_000, 40_000)))
    assert contribution("2025-05", Payer.APBD, TRADER, 2_000_000, reg=filled).total == 26_800
    assert highest_monthly(Month(2025, 1), Month(2025, 12), Payer.APBD, 2_000_000, reg=filled) == 26_800


def test_the_transport_occupations_of_pp_50_2025_are_an_open_list():
    # PP 50/2025 names transport workers "antara lain": a regency adds its own occupation codes.
    boat = "motoris-perahu"
    assert total("2026-02", Payer.MANDIRI, boat) == 16_800
    more = Regulation(transport_occupations=(*Regulation().transport_occupations, boat))
    assert contribution("2026-02", Payer.MANDIRI, boat, reg=more).total == 8_400
    assert contribution("2026-02", Payer.APBD, boat, reg=more).total == 16_800  # never for APBD


@pytest.mark.parametrize("payer", [Payer.MANDIRI, Payer.DANA_DESA])
def test_a_discounted_month_paid_at_the_full_rate_leaves_a_credit_pp_50_2025_ps_6_1(payer):
    may = contribution("2026-05", payer, TRADER)
    assert (may.total, may.full_rate) == (8_400, 16_800)
    assert may.credit(16_800) == 8_400  # credited to June
    assert may.credit(8_400) == 0 and may.credit(12_000) == 3_600
    assert may.credit(20_000) == 8_400  # above the full rate is no credit of Ps 6(1)


@pytest.mark.parametrize("payer", [Payer.APBD, Payer.APBN])
def test_no_credit_for_apbd_or_apbn_whom_the_discount_does_not_apply_to(payer):
    may = contribution("2026-05", payer, TRADER)
    assert may.credit(16_800) == 0 and may.discount == 0


def test_paying_ahead_is_limited_by_a_setting():
    # DOMAIN.md sections 2 and 8: paying months ahead is possible, up to reg.prepay_max_months (default 12).
    assert prepayment_refused(Month(2026, 5), date(2025, 5, 20)) is None
    refused = prepayment_refused(Month(2026, 6), date(2025, 5, 20))
    assert refused == ("Iuran bulan Juni 2026 tidak dapat dibayar pada 20 Mei 2025: paling jauh 12 bulan di muka, "
                       "yaitu sampai Mei 2026.")
    assert prepayment_refused(Month(2025, 9), date(2025, 5, 20), Regulation(prepay_max_months=3)) is not None
    assert prepayment_refused(Month(2024, 1), date(2025, 5, 20)) is None  # arrears are no prepayment
