"""The planner leaves to another payer the months it pays (issue 20): a scenario does not pay them, so the money
covers more workers, and says how many person-months it leaves to others."""

from django.urls import reverse

from lindung.life import services as life
from lindung.programs import selectors
from lindung.programs.demo import ensure_demo_programme
from lindung.rules.contributions import Month
from tests.conftest import KAUR, six_workers


def test_months_the_province_pays_are_not_budgeted_and_the_money_covers_one_more_worker(users, client):
    workers = six_workers()
    programme = ensure_demo_programme(KAUR)
    programme.budget = 66 * 16_800  # five full years and six months: one worker short of six full years
    programme.save()
    life.record_other_cover(users["admin"], workers[0], payer="provinsi", payer_name="Pemprov Bengkulu",
                            first="2025-01", last="2025-06", evidence="SK Gubernur Bengkulu 2025")
    settings = selectors.Settings.of(programme)
    found, _cost, computed = selectors.scenarios(users["operator"], programme, settings)
    ahmad = next(w for w in found.workers if found.ids[w.key] == workers[0].pk)
    assert ahmad.others == frozenset(Month(2025, m) for m in range(1, 7))
    full_year = next(s for s in computed if s.name == "full_year")
    assert full_year.people == 6 and full_year.cost == programme.budget and full_year.others_months == 6
    assert full_year.months_per_worker[ahmad.key] == (Month(2025, 1), Month(2025, 12))  # his membership
    client.force_login(users["operator"])
    page = client.get(reverse("programs:planner", args=[programme.code]), {
        "budget": str(programme.budget), "first": "2025-01", "last": "2025-12", "min_consecutive": "6",
        "continuity_first": "on", "kecamatan_share": "on"})
    assert page.status_code == 200
    assert page.content.decode().count("6 orang-bulan dibayar pihak lain, tidak dianggarkan (Rp100.800).") == 3
