"""lindung.rules.benefits: the golden figures of DOMAIN.md section 4, the edges of each rule, then
properties over random cases. Statuses come from the real coverage engine."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lindung.rules.benefits import (
    JKM_TABLES,
    Child,
    contribution_months,
    jkk_aid,
    jkk_death,
    jkk_home_care,
    jkk_partial_disability,
    jkk_stmb,
    jkk_total_disability,
    jkk_transport,
    jkm,
    status_from_arrears,
)
from lindung.rules.contributions import Month, Payer
from lindung.rules.coverage import EndKind, Membership, Payment, Right, State, claim_status
from lindung.rules.regulation import DEFAULT

DAY = date(2025, 4, 20)  # after April's due date (the 15th), so April counts as past due
MONTHLY = 16_800
ACTIVE = status_from_arrears(0, DAY)
JKM_CASH = {"Santunan sekaligus": 20_000_000, "Santunan berkala (24 bulan)": 12_000_000,
            "Biaya pemakaman": 10_000_000}


def kaur_member(died: date) -> Membership:
    """Enrolled December 2024, the regency paid December to February, then nobody (DOMAIN.md section 1)."""
    months = (Month(2024, 12), Month(2025, 1), Month(2025, 2))
    return Membership(date(2024, 12, 2), tuple(Payment(m, Payer.APBD, m.first_day) for m in months),
                      ended_on=died, end_kind=EndKind.DEATH)


def death(day: date, **kwargs):
    member = kaur_member(day)
    return jkm(day, claim_status(member, day), contribution_months=contribution_months(member, day),
               monthly_contribution=MONTHLY, **kwargs)


# --- golden figures ------------------------------------------------------------------------------


def test_golden_jkm_death_while_active_pays_42_million_at_once():
    result = death(date(2025, 3, 10))  # March not yet due: active
    assert result.status.state is State.ACTIVE
    assert result.components == JKM_CASH
    assert (result.total, result.payable_now, result.payable_after_arrears, result.arrears_amount) == (42_000_000,
                                                                                                     42_000_000, 0, 0)
    assert result.rule_version == "JKM PP 82/2019 sejak 2019-12-02"


def test_golden_jkm_death_in_the_second_unpaid_month_pays_funeral_now_and_32_million_after_arrears():
    result = death(date(2025, 4, 20))  # March and April unpaid and past due
    assert result.status.state is State.ARREARS and result.status.arrears == (Month(2025, 3), Month(2025, 4))
    assert result.total == 42_000_000
    assert result.payable_now == 10_000_000 and result.payable_after_arrears == 32_000_000
    assert [c.name for c in result.lines if c.now] == ["Biaya pemakaman"]
    assert result.arrears_amount == 2 * MONTHLY == 33_600
    assert "tunggakan iuran Rp33.600 (2 × Rp16.800)" in result.notes[0]


def test_golden_jkm_death_after_the_grace_period_pays_nothing_and_says_when_it_lapsed():
    result = death(date(2025, 6, 10))  # March, April, May unpaid: lapsed on 1 June
    assert result.status.state is State.LAPSED and result.status.lapse == date(2025, 6, 1)
    assert (result.components, result.total, result.payable_now, result.payable_after_arrears) == ({}, 0, 0, 0)
    assert result.notes[0].startswith("Nonaktif sejak 1 Juni 2025")
    assert "Tidak ada hak" in result.notes[0]
    assert result.as_dict()["lapsed_on"] == "2025-06-01"


def test_golden_scholarship_at_2_years_11_months_none_at_3_years_two_children_by_school_level():
    children = [Child(7), Child(15)]
    short = jkm(DAY, ACTIVE, contribution_months=35, monthly_contribution=MONTHLY, children=children)
    assert short.components == JKM_CASH and short.scholarships == ()
    assert any("masa iuran 35 bulan, kurang dari 36 bulan (3 tahun)" in n for n in short.notes)
    enough = jkm(DAY, ACTIVE, contribution_months=36, monthly_contribution=MONTHLY, children=children)
    assert enough.components == {**JKM_CASH, "Beasiswa anak 1 (SD)": 1_500_000, "Beasiswa anak 2 (SMA)": 3_000_000}
    assert enough.total == 46_500_000
    # The rest of the right: SD years 2-6 from age 7, then SMP, SMA, college; SMA years 1-3 from 15, then college.
    assert [(s.level, s.this_year, s.entitlement) for s in enough.scholarships] == [
        ("SD", 1_500_000, 5 * 1_500_000 + 3 * 2_000_000 + 3 * 3_000_000 + 5 * 12_000_000),
        ("SMA", 3_000_000, 3 * 3_000_000 + 5 * 12_000_000)]


def test_golden_jkk_death_at_one_million_is_48_million_plus_periodic_and_funeral():
    result = jkk_death(DAY, ACTIVE, income=1_000_000, monthly_contribution=MONTHLY)
    assert result.components == {"Santunan kematian (48 × penghasilan)": 48_000_000,
                                 "Santunan berkala (24 bulan)": 12_000_000, "Biaya pemakaman": 10_000_000}
    assert 48_000_000 > JKM_TABLES[0].cash == 42_000_000
    assert result.total == result.payable_now == 70_000_000


# --- JKM edges -----------------------------------------------------------------------------------


@pytest.mark.parametrize("months, paid", [(0, False), (35, False), (36, True), (37, True), (400, True)])
def test_scholarship_needs_exactly_36_months(months, paid):
    result = jkm(DAY, ACTIVE, contribution_months=months, monthly_contribution=MONTHLY, children=[Child(10)])
    assert ("Beasiswa anak 1 (SD)" in result.components) is paid


def test_three_children_only_the_first_two_eligible_are_paid():
    result = jkm(DAY, ACTIVE, contribution_months=40, monthly_contribution=MONTHLY,
                 children=[Child(25), Child(8), Child(13), Child(16)])
    assert [s.child for s in result.scholarships] == [2, 3]
    assert [n for n in result.components if n.startswith("Beasiswa")] == ["Beasiswa anak 2 (SD)", "Beasiswa anak 3 (SMP)"]
    assert any(n.startswith("Anak 1 tidak berhak beasiswa: sudah berumur 25 tahun") for n in result.notes)
    assert any(n.startswith("Anak 4 tidak mendapat beasiswa: paling banyak 2 anak") for n in result.notes)


def test_age_23_married_or_working_not_eligible_22_is():
    result = jkm(DAY, ACTIVE, contribution_months=40, monthly_contribution=MONTHLY,
                 children=[Child(23), Child(22), Child(19, married=True), Child(20, working=True)])
    assert [(s.child, s.level, s.this_year, s.entitlement) for s in result.scholarships] == [
        (2, "Perguruan tinggi", 12_000_000, 12_000_000)]  # year 5 of college, the last before 23
    assert sum(n.startswith(("Anak 1 tidak berhak", "Anak 3 tidak berhak", "Anak 4 tidak berhak")) for n in result.notes) == 3
    assert "sudah menikah" in " ".join(result.notes) and "sudah bekerja" in " ".join(result.notes)


@pytest.mark.parametrize("age, level, this_year, entitlement", [
    (0, None, 0, 87_000_000),  # not in school yet: the whole right, from TK at 4
    (3, None, 0, 87_000_000),
    (4, "TK", 1_500_000, 87_000_000),  # at most Rp87 M per child (DOMAIN.md)
    (5, "TK", 1_500_000, 85_500_000),
    (6, "SD", 1_500_000, 84_000_000),
    (12, "SMP", 2_000_000, 75_000_000),
    (18, "Perguruan tinggi", 12_000_000, 60_000_000),
])
def test_school_level_derived_from_age(age, level, this_year, entitlement):
    [s] = jkm(DAY, ACTIVE, contribution_months=40, monthly_contribution=MONTHLY, children=[Child(age)]).scholarships
    assert (s.level, s.this_year, s.entitlement) == (level, this_year, entitlement)


def test_given_school_level_wins_over_the_age_and_is_capped_by_the_age_limit():
    [late] = jkm(DAY, ACTIVE, contribution_months=40, monthly_contribution=MONTHLY,
                 children=[Child(21, level="sma")]).scholarships
    assert (late.level, late.this_year, late.entitlement) == ("SMA", 3_000_000, 6_000_000)  # ages 21 and 22
    with pytest.raises(ValueError, match="Jenjang sekolah anak 1 tidak dikenal"):
        jkm(DAY, ACTIVE, contribution_months=40, monthly_contribution=MONTHLY, children=[Child(9, level="SLB")])
    with pytest.raises(ValueError, match="paling lama 2 tahun"):
        jkm(DAY, ACTIVE, contribution_months=40, monthly_contribution=MONTHLY,
            children=[Child(5, level="TK", year_at_level=3)])


def test_scholarship_in_arrears_waits_like_the_lump_sum():
    result = jkm(DAY, status_from_arrears(1, DAY), contribution_months=40, monthly_contribution=MONTHLY,
                 children=[Child(7)])
    assert result.payable_now == 10_000_000 and result.payable_after_arrears == 33_500_000


@pytest.mark.parametrize("months, state, now, later", [
    (0, State.ACTIVE, 42_000_000, 0),
    (1, State.ARREARS, 10_000_000, 32_000_000),
    (2, State.ARREARS, 10_000_000, 32_000_000),
    (3, State.ARREARS, 10_000_000, 32_000_000),
    (4, State.LAPSED, 0, 0),
    (12, State.LAPSED, 0, 0),
])
def test_arrears_up_to_3_months_keep_the_right_more_lapse(months, state, now, later):
    status = status_from_arrears(months, DAY)
    result = jkm(DAY, status, contribution_months=40, monthly_contribution=MONTHLY)
    assert status.state is state and (result.payable_now, result.payable_after_arrears) == (now, later)
    assert result.arrears_amount == (months * MONTHLY if state is State.ARREARS else 0)
    if state is State.LAPSED:
        # the first of the fourth unpaid month: 4 unpaid months up to April -> January to April, lapsed 1 April
        assert status.lapse == Month(2025, 4).shift(4 - months).first_day


def test_three_months_in_arrears_exist_only_after_the_third_months_due_date():
    # On 5 April, January-March unpaid: coverage says the membership lapsed on 1 April.
    early = status_from_arrears(3, date(2025, 4, 5))
    assert early.state is State.LAPSED and early.lapse == date(2025, 4, 1)


def test_contribution_months_counts_payments_made_by_the_event_day():
    member = kaur_member(date(2025, 6, 10))
    assert contribution_months(member, date(2025, 1, 1)) == 2
    assert contribution_months(member, date(2025, 6, 10)) == 3


def test_golden_scholarship_years_count_months_up_to_the_event_not_months_paid_ahead():
    """PP 44/2015 jo. PP 82/2019 (DOMAIN.md sections 2 and 4): the scholarship's 3 years are contribution months
    up to the event. A member paid 33 months from January 2023, then on 1 September 2025 paid 12 months ahead
    (October 2025 to September 2026): on his death on 20 September 2025 he has 33 months, not 45."""
    first = Month(2023, 1)
    paid = [Payment(first.shift(i), Payer.MANDIRI, first.shift(i).first_day) for i in range(33)]
    ahead = [Payment(Month(2025, 10).shift(i), Payer.MANDIRI, date(2025, 9, 1)) for i in range(12)]
    member = Membership(date(2023, 1, 2), tuple(paid + ahead))
    death = date(2025, 9, 20)
    assert contribution_months(member, death) == 33
    result = jkm(death, claim_status(member, death), contribution_months=contribution_months(member, death),
                 monthly_contribution=MONTHLY, children=[Child(8)])
    assert result.scholarships == () and "masa iuran 33 bulan, kurang dari 36 bulan" in " ".join(result.notes)


def test_no_table_before_pp_82_2019():
    with pytest.raises(ValueError, match="Tidak ada tabel manfaat JKM untuk peristiwa tanggal 1 Desember 2019"):
        jkm(date(2019, 12, 1), ACTIVE, contribution_months=40, monthly_contribution=MONTHLY)


# --- JKK edges -----------------------------------------------------------------------------------


@pytest.mark.parametrize("income, lump, name", [
    (500_000, 42_000_000, "Santunan kematian (paling sedikit sebesar JKM)"),  # 48 × = 24 M < 42 M
    (875_000, 42_000_000, "Santunan kematian (48 × penghasilan)"),  # exactly the JKM amount
    (875_001, 42_000_048, "Santunan kematian (48 × penghasilan)"),
    (5_000_000, 240_000_000, "Santunan kematian (48 × penghasilan)"),
])
def test_jkk_death_is_48_times_income_but_at_least_the_jkm_amount(income, lump, name):
    result = jkk_death(DAY, ACTIVE, income=income, monthly_contribution=MONTHLY)
    assert result.components[name] == lump and result.total == lump + 22_000_000


def test_jkk_death_scholarship_needs_no_contribution_period_and_waits_in_arrears():
    result = jkk_death(DAY, status_from_arrears(2, DAY), income=1_000_000, monthly_contribution=MONTHLY,
                       children=[Child(16), Child(2)])
    assert result.components["Beasiswa anak 1 (SMA)"] == 3_000_000
    assert "Beasiswa anak 2" not in " ".join(result.components)  # not in school yet, still one of the two
    assert result.payable_now == 0 and result.payable_after_arrears == 73_000_000  # cash waits for the arrears


@pytest.mark.parametrize("days, first, later", [
    (30, 1_000_000, None),
    (359, 11_966_667, None),
    (360, 12_000_000, None),  # 12 months at 100%
    (361, 12_000_000, 16_667),  # day 361 at 50%: 1,000,000 / 30 / 2, half up
    (420, 12_000_000, 1_000_000),  # two months at 50%
])
def test_stmb_is_100_percent_for_12_months_then_50(days, first, later):
    result = jkk_stmb(DAY, ACTIVE, income=1_000_000, days=days, monthly_contribution=MONTHLY)
    parts = list(result.components.values())
    assert parts == ([first] if later is None else [first, later])


@pytest.mark.parametrize("mode, cost, paid", [
    ("darat", 4_000_000, 4_000_000), ("darat", 6_000_000, 5_000_000), ("land", 9_000_000, 5_000_000),
    ("sungai", 4_500_000, 4_500_000), ("river", 7_000_000, 5_000_000), ("danau", 5_000_001, 5_000_000),
    ("laut", 2_000_000, 2_000_000), ("Laut", 2_500_000, 2_000_000),
    ("udara", 10_000_000, 10_000_000), ("air", 15_000_000, 10_000_000),
])
def test_golden_transport_is_capped_per_mode(mode, cost, paid):
    """PP 82/2019 Lampiran III A.2.a: darat, sungai atau danau Rp5,000,000; laut Rp2,000,000; udara Rp10,000,000."""
    result = jkk_transport(DAY, ACTIVE, costs={mode: cost}, monthly_contribution=MONTHLY)
    assert result.total == paid
    assert any("melebihi batas" in n for n in result.notes) is (cost > paid)


def test_golden_land_river_and_lake_share_one_cap_sea_and_air_have_their_own():
    """PP 82/2019 Lampiran III A.2.a: "darat, sungai, atau danau" together up to Rp5,000,000."""
    result = jkk_transport(DAY, ACTIVE, costs={"darat": 3_000_000, "sungai": 2_500_000, "laut": 1_000_000},
                           monthly_contribution=MONTHLY)
    assert result.components == {"Biaya transportasi darat, sungai": 5_000_000, "Biaya transportasi laut": 1_000_000}
    assert any("(darat, sungai atau danau bersama)" in n for n in result.notes)


def test_transport_modes_add_up_and_an_unknown_mode_is_refused():
    result = jkk_transport(DAY, ACTIVE, costs={"darat": 7_000_000, "udara": 3_000_000}, monthly_contribution=MONTHLY)
    assert result.components == {"Biaya transportasi darat": 5_000_000, "Biaya transportasi udara": 3_000_000}
    with pytest.raises(ValueError, match="Moda transportasi tidak dikenal: 'kapal' \\(pilih darat, sungai, danau"):
        jkk_transport(DAY, ACTIVE, costs={"kapal": 1}, monthly_contribution=MONTHLY)


def test_golden_in_arrears_medical_and_home_care_are_paid_now_transport_and_cash_after():
    """PP 44/2015 Ps 25(2)b angka 1: the transport refund is a "santunan berupa uang", so in arrears of at most
    3 months it waits for the arrears like STMB; medical care and home care continue (DOMAIN.md section 4)."""
    in_arrears = status_from_arrears(3, DAY)
    assert in_arrears.rights.jkk_medical is Right.NOW
    assert in_arrears.rights.jkk_transport is in_arrears.rights.jkk_cash is Right.AFTER_ARREARS
    transport = jkk_transport(DAY, in_arrears, costs={"sungai": 1_000_000}, monthly_contribution=MONTHLY)
    home = jkk_home_care(DAY, in_arrears, cost=25_000_000, monthly_contribution=MONTHLY)
    stmb = jkk_stmb(DAY, in_arrears, income=1_000_000, days=30, monthly_contribution=MONTHLY)
    assert (transport.payable_now, home.payable_now, stmb.payable_now) == (0, 20_000_000, 0)
    assert transport.payable_after_arrears == 1_000_000 and transport.arrears_amount == 3 * MONTHLY
    assert stmb.payable_after_arrears == 1_000_000 and stmb.arrears_amount == 3 * MONTHLY
    assert ACTIVE.rights.jkk_transport is Right.NOW
    lapsed = jkk_transport(DAY, status_from_arrears(4, DAY), costs={"darat": 1_000_000}, monthly_contribution=MONTHLY)
    assert lapsed.total == 0 and "Tidak ada hak" in lapsed.notes[0]


@pytest.mark.parametrize("percent, amount", [(10, 8_000_000), ("2,5", 2_000_000), ("0.5", 400_000), (100, 80_000_000)])
def test_partial_disability_is_percent_times_80_times_income(percent, amount):
    """PP 82/2019 Lampiran III: the table's percent × 80 × declared income."""
    assert jkk_partial_disability(DAY, ACTIVE, income=1_000_000, percent=percent,
                                  monthly_contribution=MONTHLY).total == amount


@pytest.mark.parametrize("lost, percent, amount", [(50, 10, 4_000_000), ("25", "2,5", 500_000), (100, 40, 32_000_000),
                                                   ("33,3", 7, 1_864_800)])
def test_golden_partial_loss_of_function_is_function_lost_times_table_percent_times_80_times_income(lost, percent, amount):
    """PP 82/2019 Lampiran III: a partial loss of function pays the percent of function lost × the table's
    percent × 80 × declared income (half up to the Rupiah)."""
    result = jkk_partial_disability(DAY, ACTIVE, income=1_000_000, percent=percent, function_lost=lost,
                                    monthly_contribution=MONTHLY)
    assert result.total == amount
    assert list(result.components)[0].startswith("Cacat sebagian fungsi (")


def test_a_part_of_the_body_is_read_from_the_settings_table_and_refused_while_it_has_no_row():
    """PP 82/2019 Lampiran III ships empty (no citable copy, issue 18): the office enters its rows in the settings.
    A part is refused until then, naming the way out; once entered, its percent × 80 × income."""
    with pytest.raises(ValueError, match="belum ada baris .*surat keterangan dokter"):
        jkk_partial_disability(DAY, ACTIVE, income=1_000_000, part="lengan-kanan", monthly_contribution=MONTHLY)
    with pytest.raises(ValueError, match="salah satu"):
        jkk_partial_disability(DAY, ACTIVE, income=1_000_000, monthly_contribution=MONTHLY)
    reg = DEFAULT.with_values({"disability_parts": [["jari-a", "Jari A", "2.5"], ["lengan-b", "Lengan B", "30"]]})
    part = jkk_partial_disability(DAY, ACTIVE, income=1_000_000, part=" Jari-A ", monthly_contribution=MONTHLY, reg=reg)
    assert part.total == 2_000_000 and list(part.components) == ["Cacat sebagian (Jari A 2,5% × 80 × penghasilan)"]
    lost = jkk_partial_disability(DAY, ACTIVE, income=2_000_000, part="lengan-b", function_lost=50,
                                  monthly_contribution=MONTHLY, reg=reg)
    assert lost.total == 24_000_000  # 50 % × 30 % × 80 × 2,000,000
    with pytest.raises(ValueError, match="jari-a, lengan-b"):
        jkk_partial_disability(DAY, ACTIVE, income=1_000_000, part="kaki", monthly_contribution=MONTHLY, reg=reg)


def test_an_aid_is_paid_up_to_the_settings_cap_as_medical_care_which_continues_in_arrears():
    """PP 82/2019 Lampiran III: aids (glasses, prostheses, …) up to their caps, entered by the office; part of the
    medical care, so paid now in arrears of at most 3 months and not at all once lapsed."""
    with pytest.raises(ValueError, match="belum ada baris"):
        jkk_aid(DAY, ACTIVE, aid="kacamata", cost=1, monthly_contribution=MONTHLY)
    reg = DEFAULT.with_values({"aid_caps": [["kacamata", "Kacamata", 1_000_000]]})
    over = jkk_aid(DAY, ACTIVE, aid="kacamata", cost=1_500_000, monthly_contribution=MONTHLY, reg=reg)
    assert over.total == over.payable_now == 1_000_000 and "melebihi batas" in over.notes[-1]
    in_arrears = jkk_aid(DAY, status_from_arrears(2, DAY), aid="kacamata", cost=400_000, monthly_contribution=MONTHLY,
                         reg=reg)
    assert in_arrears.payable_now == 400_000 and in_arrears.payable_after_arrears == 0
    assert jkk_aid(DAY, status_from_arrears(4, DAY), aid="kacamata", cost=400_000, monthly_contribution=MONTHLY,
                   reg=reg).total == 0


def test_golden_total_disability_pays_70_percent_of_80_months_the_periodic_benefit_and_two_scholarships():
    """PP 44/2015 Ps 25(2)b angka 5 and 8 (amounts of PP 82/2019): 70 % × 80 × income, the periodic benefit
    Rp12,000,000 and the scholarship of at most two children with no minimum contribution period."""
    result = jkk_total_disability(DAY, ACTIVE, income=1_000_000, monthly_contribution=MONTHLY,
                                  children=[Child(4), Child(9), Child(13)])
    assert result.components == {"Cacat total tetap (70% × 80 × penghasilan)": 56_000_000,
                                 "Santunan berkala (24 bulan)": 12_000_000,
                                 "Beasiswa anak 1 (TK)": 1_500_000, "Beasiswa anak 2 (SD)": 1_500_000}
    assert result.total == result.payable_now == 71_000_000
    assert any(n.startswith("Anak 3 tidak mendapat beasiswa: paling banyak 2 anak") for n in result.notes)
    alone = jkk_total_disability(DAY, ACTIVE, income=1_000_000, monthly_contribution=MONTHLY)
    assert alone.total == 68_000_000


def test_the_total_disability_rate_is_a_setting_and_cash_waits_in_arrears():
    """DOMAIN.md section 8: the rate is a setting (70 by default)."""
    reg = DEFAULT.with_values({"total_disability_percent": 60})
    result = jkk_total_disability(DAY, status_from_arrears(1, DAY), income=1_000_000, monthly_contribution=MONTHLY,
                                  reg=reg)
    assert result.components["Cacat total tetap (60% × 80 × penghasilan)"] == 48_000_000
    assert result.payable_now == 0 and result.payable_after_arrears == 60_000_000


def test_home_care_is_capped():
    assert jkk_home_care(DAY, ACTIVE, cost=12_345_678, monthly_contribution=MONTHLY).total == 12_345_678
    assert jkk_home_care(DAY, ACTIVE, cost=25_000_000, monthly_contribution=MONTHLY).total == 20_000_000


@pytest.mark.parametrize("call, message", [
    (lambda: jkk_death(DAY, ACTIVE, income=-1, monthly_contribution=MONTHLY), "Penghasilan harus lebih dari 0"),
    (lambda: jkk_stmb(DAY, ACTIVE, income=1_000_000, days=0, monthly_contribution=MONTHLY), "hari"),
    (lambda: jkm(DAY, ACTIVE, contribution_months=-1, monthly_contribution=MONTHLY), "Masa iuran"),
    (lambda: jkm(DAY, ACTIVE, contribution_months=1, monthly_contribution=-1), "Iuran per bulan"),
    (lambda: Child(101), "Umur anak harus 0 sampai 100"),
    (lambda: jkk_partial_disability(DAY, ACTIVE, income=1, percent="abc", monthly_contribution=0), "Persentase"),
    (lambda: jkk_partial_disability(DAY, ACTIVE, income=1, percent=120, monthly_contribution=0), "paling banyak 100"),
    (lambda: status_from_arrears(-1, DAY), "tunggakan"),
])
def test_bad_input_is_refused_in_indonesian(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --- properties ----------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(
    day=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    arrears=st.integers(0, 8),
    income=st.integers(1, 100_000_000),
    months=st.integers(0, 600),
    ages=st.lists(st.integers(0, 30), max_size=5),
    work_death=st.booleans(),
)
def test_now_plus_after_is_the_total_and_nothing_is_negative(day, arrears, income, months, ages, work_death):
    status = status_from_arrears(arrears, day)
    children = [Child(a) for a in ages]
    result = (jkk_death(day, status, income=income, monthly_contribution=MONTHLY, children=children) if work_death
              else jkm(day, status, contribution_months=months, monthly_contribution=MONTHLY, children=children))
    assert result.payable_now + result.payable_after_arrears == result.total
    assert all(amount > 0 for amount in result.components.values())
    assert min(result.payable_now, result.payable_after_arrears, result.arrears_amount) >= 0
    assert len(result.scholarships) <= 2
    assert all(0 <= s.this_year <= s.entitlement <= 87_000_000 for s in result.scholarships)
    if status.state is State.ACTIVE:
        assert result.payable_after_arrears == 0 and result.total >= 42_000_000
    elif status.state is State.ARREARS:
        assert result.payable_now == (0 if work_death else 10_000_000)
        assert result.arrears_amount == len(status.arrears) * MONTHLY
    else:
        assert result.total == 0 and status.lapse is not None
