"""The planner leaves to another payer the months it pays (issue 20 part 2): each scenario says how many
person-months are left to others, and the bill of an approved plan does not charge them."""

from django.urls import reverse

from lindung.life import services as life
from lindung.programs import selectors
from lindung.programs.demo import ensure_demo_programme
from lindung.rules.contributions import Month
from lindung.rules.other_cover import left_in_plan
from tests.conftest import KAUR, six_workers


def test_left_in_plan_counts_the_funded_months_another_payer_pays():
    spans = {"a": (Month(2025, 1), Month(2025, 12)), "b": (Month(2025, 1), Month(2025, 3))}
    others = {"a": {Month(2025, 3), Month(2025, 4)}, "b": {Month(2025, 4)}, "c": {Month(2025, 1)}}
    assert left_in_plan(spans, others) == 2


def test_each_scenario_says_the_person_months_left_to_other_payers(users, client):
    workers = six_workers()
    programme = ensure_demo_programme(KAUR)
    programme.budget = 6 * 12 * 16_800
    programme.save()
    life.record_other_cover(users["admin"], workers[0], payer="provinsi", payer_name="Pemprov Bengkulu",
                            first="2025-03", last="2025-05", evidence="SK Gubernur Bengkulu 2025")
    settings = selectors.Settings.of(programme)
    found, _cost, computed = selectors.scenarios(users["operator"], programme, settings)
    assert selectors.left_to_others(found, settings, computed) == [3, 3, 3]
    client.force_login(users["operator"])
    page = client.get(reverse("programs:planner", args=[programme.code]), {
        "budget": str(programme.budget), "first": "2025-01", "last": "2025-12", "min_consecutive": "6",
        "continuity_first": "on", "kecamatan_share": "on"})
    assert page.status_code == 200 and page.content.decode().count('data-testid="left-to-others"') == 3
