import json

import pytest
from django.core.management import CommandError, call_command

from lindung.programs.demo import ensure_demo_programme
from lindung.registry.demo import KAUR_WORKERS, seed_workers


def test_kaur_2025_what_300_million_buys(kaur, capsys):
    seed_workers("17.04", KAUR_WORKERS, 2024)
    ensure_demo_programme("17.04")
    call_command("plan", "--budget", "300000000", "--year", "2025", "--json")
    out = json.loads(capsys.readouterr().out)  # stdout holds only the answer, not the solver's banner
    assert out["monthly_cost_per_person"] == 16_800 and out["candidates"] == 7_130
    scenarios = {s["name"]: s for s in out["scenarios"]}
    assert scenarios["all_max_months"] == {"name": "all_max_months", "people": 7_130, "months": 2,
                                                "cost": 239_568_000, "remaining": 60_432_000, "person_months": 14_260}
    assert (scenarios["full_year"]["people"], scenarios["full_year"]["months"]) == (1_488, 12)
    best = scenarios["optimum"]
    assert best["cost"] <= 300_000_000 and best["remaining"] < 16_800  # within one month's contribution
    assert best["person_months"] >= scenarios["full_year"]["person_months"]


def test_plan_without_a_programme_says_so(db):
    with pytest.raises(CommandError, match="program"):
        call_command("plan", "--budget", "1000000", "--year", "2031")
