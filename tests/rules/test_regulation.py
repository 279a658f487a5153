"""The open rules of the regulation as settings (DOMAIN.md section 8): defaults as documented, stored values read
back with their kinds, and anything unknown or of the wrong kind refused."""

import pytest

from lindung.rules.regulation import DEFAULT, CoverStart, LapseDay


def test_the_defaults_are_those_domain_md_documents():
    # DOMAIN.md §2: due by the 15th of the month itself; after more than 3 unpaid months the membership ends on the
    # 1st of the fourth (BPJS's operating rules); acquired after 6 paid months. §3: cover from the first paid
    # month (PP 44/2015 Ps 1 angka 4). §4: total disability 70 % × 80 × income; JKK claims within 5 years.
    assert (DEFAULT.due_day, DEFAULT.collective_pays_in_month, DEFAULT.cuti_bersama_closed) == (15, True, True)
    assert DEFAULT.cover_starts is CoverStart.FIRST_PAID and DEFAULT.lapse_day is LapseDay.FOURTH_MONTH
    assert (DEFAULT.acquired_after_months, DEFAULT.total_disability_percent, DEFAULT.jkm_claim_years) == (6, 70, 5)
    assert DEFAULT.income_tiers == ((1_000_000, 10_000, 20_000),)  # PP 44/2015 Lampiran II: the lowest tier only


def test_stored_values_come_back_with_their_kinds():
    stored = {"lapse_day": "after_due", "income_tiers": [[1_000_000, 10_000, 20_000], [2_000_000, 20_000, 40_000]],
              "transport_occupations": ["pengemudi-ojek", "nelayan-perahu"], "due_day": 10}
    reg = DEFAULT.with_values(stored)
    assert reg.lapse_day is LapseDay.AFTER_DUE and reg.due_day == 10
    assert reg.income_tiers[1] == (2_000_000, 20_000, 40_000) and isinstance(reg.transport_occupations, tuple)
    assert DEFAULT.with_values(reg.as_dict()) == reg  # what JSON stores reads back the same


@pytest.mark.parametrize("values", [{"no_such_rule": 1}, {"due_day": "15"}, {"due_day": True},
                                    {"cuti_bersama_closed": 1}, {"lapse_day": "someday"}])
def test_an_unknown_setting_or_a_value_of_the_wrong_kind_is_refused(values):
    with pytest.raises(ValueError):
        DEFAULT.with_values(values)
