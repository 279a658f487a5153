"""Rupiah typed the Indonesian way (issue 16): "500.000.000" is five hundred million, never Rp500; input that can be
read two ways is refused with a message and saves nothing; the amount is said back in words before saving."""

import pytest
from django.urls import reverse

from lindung.core.forms import parse_rupiah
from lindung.programs.models import Programme

WRITTEN = ["500.000.000", "Rp 500.000.000", "Rp500.000.000", "rp. 500.000.000", "500000000", " 500.000.000 ",
           "500.000.000,00", "Rp500.000.000,-"]
AMBIGUOUS = ["500,5", "1.000.00", "500.000,50", "5.00.000", "500 000 000", "500.000.000.", "5e8", "-500", "Rp",
             "500jt", "٥٠٠"]


@pytest.mark.parametrize("text", WRITTEN)
def test_every_way_of_writing_five_hundred_million_reads_the_same(text):
    assert parse_rupiah(text) == 500_000_000


@pytest.mark.parametrize("text", AMBIGUOUS)
def test_what_can_be_read_two_ways_is_refused(text):
    with pytest.raises(ValueError):
        parse_rupiah(text)


def programme_data(budget):
    return {"code": "kaur-2026", "name": "Uji", "year": "2026", "start": "2026-01", "end": "2026-12",
            "funding_source": "apbd", "budget": budget, "income_tier": "1.000.000"}


@pytest.mark.parametrize("budget", ["500.000.000", "Rp 500.000.000", "500000000"])
def test_the_budget_typed_the_indonesian_way_is_saved_whole(client, users, budget):
    client.force_login(users["operator"])
    assert client.post(reverse("programs:new"), programme_data(budget)).status_code == 302
    made = Programme.objects.get(code="kaur-2026")
    assert (made.budget, made.income_tier) == (500_000_000, 1_000_000)
    # Shown back the way it was typed, in the edit form and in the planner.
    edit = client.get(reverse("programs:edit", args=["kaur-2026"])).content.decode()
    assert 'value="500.000.000"' in edit and 'inputmode="numeric"' in edit
    planner = client.get(reverse("programs:planner", args=["kaur-2026"])).content.decode()
    assert 'value="500.000.000"' in planner


@pytest.mark.parametrize("budget", ["500,5", "1.000.00", "500.000,50"])
def test_an_ambiguous_budget_is_refused_and_nothing_is_saved(client, users, budget):
    client.force_login(users["operator"])
    response = client.post(reverse("programs:new"), programme_data(budget))
    assert response.status_code == 200
    assert "Tulis jumlah dalam rupiah bulat" in " ".join(response.context["form"].errors["budget"])
    assert not Programme.objects.filter(code="kaur-2026").exists()


def test_the_planner_refuses_an_ambiguous_budget(client, users, planned):
    client.force_login(users["operator"])
    page = client.get(reverse("programs:planner", args=[planned.code]),
                      {"budget": "1.000.00", "first": "2025-01", "last": "2025-12", "min_consecutive": "6"})
    assert page.status_code == 200 and page.context["form"].errors["budget"]
    assert 'data-testid="scenario-optimum"' not in page.content.decode()


def test_the_amount_is_said_back_in_words(client, users):
    client.force_login(users["operator"])
    words = client.get(reverse("rupiah_words"), {"budget": "500.000.000"}).content.decode()
    assert words == "Rp500.000.000 — lima ratus juta rupiah"
    assert "Bukan jumlah rupiah bulat" in client.get(reverse("rupiah_words"), {"amount": "500,5"}).content.decode()
    assert client.get(reverse("rupiah_words"), {"amount": ""}).content == b""
    client.cookies["django_language"] = "en"
    assert client.get(reverse("rupiah_words"), {"amount": "16800"}).content.decode() == "Rp16.800"
    client.logout()
    assert client.get(reverse("rupiah_words"), {"amount": "1"}).status_code == 302
