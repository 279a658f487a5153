"""Saved scenarios, four-eyes approval of the plan, programme settings and status."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from lindung.audit.models import Event
from lindung.enrolment.models import Membership
from lindung.programs import services
from lindung.programs.demo import ensure_demo_programme
from lindung.programs.models import Programme
from lindung.programs.selectors import Settings
from tests.conftest import KAUR, plan_programme, six_workers


def test_an_approved_full_year_plan_makes_candidates_of_the_covered_only(users):
    programme = plan_programme(users, "full_year", people=5)
    plan = programme.plan
    assert programme.status == Programme.Status.APPROVED
    assert (plan.candidates, plan.people, plan.person_months, plan.cost) == (6, 5, 60, 5 * 12 * 16_800)
    assert plan.remaining == 0 and plan.approved_by == users["admin"] and plan.created_by == users["operator"]
    lines = list(plan.lines.all())
    assert [line.rank for line in lines] == [1, 2, 3, 4, 5, 6]
    covered = [line for line in lines if line.first]
    assert len(covered) == 5 and all((c.first, c.last) == (date(2025, 1, 1), date(2025, 12, 1)) for c in covered)
    # The last funded month is December: arrears up to March, no right from 1 April 2026.
    assert {c.lapses for c in covered} == {date(2026, 4, 1)}
    # The highest priorities (the two fishers, high-risk) come first; the one left out ranks last.
    assert {lines[0].peserta.pekerjaan_1.code, lines[1].peserta.pekerjaan_1.code} == {"nelayan"}
    assert lines[-1].first is None and lines[-1].lapses is None
    members = Membership.objects.filter(programme=programme)
    assert members.count() == 5 and set(members.values_list("status", flat=True)) == {"candidate"}
    assert set(members.values_list("peserta_id", flat=True)) == {c.peserta_id for c in covered}
    assert Event.objects.filter(action="programs.plan_approved", actor=users["admin"]).count() == 1


def test_the_author_cannot_approve_and_a_plan_is_approved_once(users):
    programme = ensure_demo_programme(KAUR)
    mine = services.save_scenario(users["admin"], programme, Settings.of(programme), "everyone")
    with pytest.raises(PermissionDenied):
        services.approve_scenario(users["admin"], mine)
    with pytest.raises(PermissionDenied):  # an operator plans but does not approve
        services.approve_scenario(users["operator"], mine)
    theirs = services.save_scenario(users["operator"], programme, Settings.of(programme), "everyone")
    with pytest.raises(ValidationError, match="tidak melindungi siapa pun"):  # no eligible worker at all
        services.approve_scenario(users["admin"], theirs)


def test_nothing_changes_the_plan_once_approved(users, planned):
    with pytest.raises(ValidationError):
        services.save_scenario(users["operator"], planned, Settings.of(planned), "optimum")
    copied = [f.name for f in planned.plan._meta.concrete_fields
              if f.name not in ("id", "number", "version", "approved_by", "approved_at")]
    second = planned.scenarios.create(**{name: getattr(planned.plan, name) for name in copied}, number=99)
    with pytest.raises(ValidationError, match="sudah punya rencana"):
        services.approve_scenario(users["admin"], second)
    planned.budget = 1
    with pytest.raises(ValidationError, match="tidak dapat diubah"):
        services.save_programme(users["admin"], planned)
    planned.refresh_from_db()
    planned.pks_number, planned.pks_date = "B/123/PKS/2025", date(2025, 1, 2)
    services.save_programme(users["admin"], planned)  # the PKS is signed after the plan
    summary = Event.objects.filter(action="programs.changed").latest("pk").summary
    assert summary == "Program kaur-2025: pagu Rp1.008.000, 2025-01 s.d. 2025-12."


def test_a_scenario_above_the_ceiling_or_from_the_wrong_role_is_refused(users):
    six_workers()
    programme = ensure_demo_programme(KAUR)
    too_much = Settings.of(programme)
    with pytest.raises(ValidationError, match="melebihi pagu"):
        services.save_scenario(users["operator"], programme, type(too_much)(too_much.budget + 1, too_much.first,
                                                                             too_much.last), "optimum")
    for role in ("camat", "desa", "bpjs", "pimpinan", "auditor"):
        with pytest.raises(PermissionDenied):
            services.save_scenario(users[role], programme, too_much, "optimum")


def test_running_needs_the_pks_and_activates_registered_members(users, planned):
    with pytest.raises(ValidationError, match="PKS"):
        services.advance_status(users["admin"], planned)
    with pytest.raises(PermissionDenied):
        services.advance_status(users["operator"], planned)
    planned.pks_number, planned.pks_date = "B/123/PKS/2025", date(2025, 1, 2)
    services.save_programme(users["admin"], planned)
    first = planned.memberships.first()
    Membership.objects.filter(pk=first.pk).update(status="registered", kpj="12345678901")
    assert services.advance_status(users["admin"], planned).status == Programme.Status.RUNNING
    assert planned.memberships.get(pk=first.pk).status == "active"
    assert planned.memberships.filter(status="candidate").count() == 4
    assert services.advance_status(users["admin"], planned).status == Programme.Status.CLOSED
    with pytest.raises(ValidationError, match="ditutup"):
        services.advance_status(users["admin"], planned)


@pytest.mark.parametrize("change, field, message", [
    ({"end": "2024-12"}, "end", "The last month is before the first."),
    ({"end": "2026-01"}, "end", "A programme runs for at most 12 months."),
    ({"year": "2026"}, "start", "The first month is not in the programme's year."),
    ({"income_tier": "2000000"}, "income_tier", "Rp2.000.000"),
])
def test_the_programme_form_refuses_bad_settings(client, users, settings, change, field, message):
    settings.LANGUAGE_CODE = "en"
    client.force_login(users["operator"])
    client.cookies["django_language"] = "en"
    data = {"code": "kaur-2026", "name": "Uji", "year": "2025", "start": "2025-01", "end": "2025-12",
            "funding_source": "apbd", "budget": "300000000", "income_tier": "1000000", **change}
    response = client.post(reverse("programs:new"), data)
    assert response.status_code == 200 and message in " ".join(response.context["form"].errors[field])
    assert not Programme.objects.filter(code="kaur-2026").exists()


def test_the_office_creates_a_programme_and_plans_it_on_the_page(client, users, planned):
    client.force_login(users["operator"])
    response = client.post(reverse("programs:new"), {
        "code": "kaur-2026", "name": "Pekerja Rentan 2026", "year": "2026", "start": "2026-01", "end": "2026-06",
        "funding_source": "apbd", "budget": "100000000", "income_tier": "1000000"})
    assert response.status_code == 302
    made = Programme.objects.get(code="kaur-2026")
    assert (made.start, made.end, made.created_by) == (date(2026, 1, 1), date(2026, 6, 1), users["operator"])
    page = client.get(reverse("programs:planner", args=["kaur-2026"]),
                      {"budget": "100000000", "first": "2026-01", "last": "2026-06", "min_consecutive": "6",
                       "continuity_first": "on", "kecamatan_share": "on"})
    body = page.content.decode()
    assert page.status_code == 200 and 'data-testid="scenario-optimum"' in body and "chart-people" in body
    # The six workers are still eligible (the 2025 plan does not make them continuing: nobody is active).
    assert page.context["candidates"] == 6
    camat = client.get(reverse("programs:planner", args=["kaur-2026"]))
    assert camat.status_code == 200
    client.force_login(users["camat"])
    assert client.get(reverse("programs:planner", args=["kaur-2026"])).status_code == 403
