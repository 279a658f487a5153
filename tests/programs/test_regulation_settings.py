"""The planner and the bills read the open rules of the regulation from the settings in force (issue 18): the months
after which BPJS counts a member as acquired, PP 50/2025's transport occupations."""

from datetime import date

import pytest

from lindung.programs.selectors import Settings
from lindung.regulation.models import SettingChange
from lindung.rules.contributions import Month


@pytest.mark.django_db
def test_the_acquired_warning_follows_the_setting_in_force_on_the_plans_first_month(users):
    plan = Settings(budget=100_000_000, first=Month(2026, 1), last=Month(2026, 12))
    assert plan.plan_input(16_800).reg.acquired_after_months == 6  # DOMAIN.md section 2's default
    SettingChange.objects.create(name="acquired_after_months", value=3, effective_from=date(2026, 1, 1),
                                 reason="BPJS cabang Bengkulu: 3 bulan", changed_by=users["admin"])
    assert plan.plan_input(16_800).reg.acquired_after_months == 3
    earlier = Settings(budget=100_000_000, first=Month(2025, 1), last=Month(2025, 12))
    assert earlier.plan_input(16_800).reg.acquired_after_months == 6  # the change is for dates after it only
