"""Programme pages: eligible counts per area, the priority formula, ranking, reasons; rules and exclusions."""

import pytest
from django.urls import reverse

from lindung.audit.models import Event
from lindung.pipeline.eligibility import Weights, formula
from lindung.programs.models import ExcludedNik
from lindung.registry.models import Pekerjaan
from tests.programs.conftest import eligible_count, ranking_names, rules_data

OFFICE_ROLES_WITHOUT_RULES = ["operator", "camat", "desa", "bpjs", "pimpinan", "auditor"]


def test_the_admin_sees_the_whole_regency_ranked_highest_priority_first(client, users, programme, workers):
    client.force_login(users["admin"])
    response = client.get(reverse("programs:detail", args=[programme.code]))
    assert response.status_code == 200
    assert eligible_count(response) == 3
    assert response.context["summary"]["total"] == 7
    assert ranking_names(response) == ["Ahmad Nelayan", "Fajar Kinal", "Bambang Petani"]
    priorities = [w["priority"] for w in response.context["page"]]
    assert priorities == [135, 120, 100]
    # Each score is shown with its parts, and they add up.
    for row in response.context["page"]:
        assert sum(points for _, points in row["parts"]) == row["priority"]
    assert "Pekerjaan berisiko tinggi" in response.content.decode()
    # The formula shown is the programme's, from the pipeline that computes the scores.
    shown = formula(Weights())
    assert "Skor = 10 × (11 − desil)" in shown
    assert f'<p data-testid="formula"><code>{shown}</code></p>' in response.content.decode()


def test_a_camat_sees_only_kaur_selatan(client, users, programme, workers):
    client.force_login(users["camat"])
    response = client.get(reverse("programs:detail", args=[programme.code]))
    assert response.status_code == 200
    assert eligible_count(response) == 2
    assert response.context["summary"]["total"] == 5
    assert ranking_names(response) == ["Ahmad Nelayan", "Bambang Petani"]
    assert "Fajar Kinal" not in response.content.decode()
    not_eligible = client.get(reverse("programs:detail", args=[programme.code]), {"show": "not"})
    body = not_eligible.content.decode()
    assert "Gita Dagang" not in body and workers["kinal_trader"].nik not in body
    assert set(ranking_names(not_eligible)) == {"Citra Desildua", "Dedi Muda", "Eko Tua"}
    # The village operator sees Bandar Bintuhan only.
    client.force_login(users["desa"])
    response = client.get(reverse("programs:detail", args=[programme.code]))
    assert eligible_count(response) == 1 and response.context["summary"]["total"] == 3
    assert ranking_names(response) == ["Ahmad Nelayan"]


def test_the_not_eligible_list_says_why_for_each_worker(client, users, programme, workers):
    client.force_login(users["admin"])
    response = client.get(reverse("programs:detail", args=[programme.code]), {"show": "not"})
    assert response.status_code == 200
    rows = {w["nama"]: w["reasons"] for w in response.context["page"]}
    assert set(rows) == {"Citra Desildua", "Dedi Muda", "Eko Tua", "Gita Dagang"}
    body = response.content.decode()
    assert "Desil 2 di atas batas 1" in body and "Desil 3 di atas batas 1" in body
    assert "Usia 14 tahun pada 1 Januari 2025: minimal 18" in body
    assert "Usia 66 tahun pada 1 Januari 2025: harus di bawah 65" in body
    assert rows["Dedi Muda"] == ["Usia 14 tahun pada 1 Januari 2025: minimal 18"]
    # The summary counts the reasons by kind: two workers above the desil ceiling.
    assert dict(response.context["summary"]["reasons"])["Desil … di atas batas …"] == 2


@pytest.mark.parametrize("name", OFFICE_ROLES_WITHOUT_RULES)
def test_only_the_admin_may_open_or_post_the_rules(client, users, programme, workers, name):
    client.force_login(users[name])
    url = reverse("programs:rules", args=[programme.code])
    assert client.get(url).status_code == 403
    assert client.post(url, rules_data(programme, desil_max=5)).status_code == 403
    assert client.post(url, {"x-niks": workers["nelayan"].nik, "x-reason": "Upah"}).status_code == 403
    programme.refresh_from_db()
    assert programme.desil_max == 1 and not ExcludedNik.objects.exists()
    assert not Event.objects.filter(action__startswith="programs.").exists()
    detail = client.get(reverse("programs:detail", args=[programme.code]))
    assert detail.status_code == 200 and url not in detail.content.decode()


def test_raising_the_desil_ceiling_makes_more_workers_eligible_with_history_and_an_event(
        client, users, programme, workers):
    client.force_login(users["admin"])
    detail = reverse("programs:detail", args=[programme.code])
    assert reverse("programs:rules", args=[programme.code]) in client.get(detail).content.decode()
    before = programme.history.count()
    response = client.post(reverse("programs:rules", args=[programme.code]), rules_data(programme, desil_max=2))
    assert response.status_code == 302 and response.url == detail
    programme.refresh_from_db()
    assert programme.desil_max == 2
    response = client.get(detail)
    assert eligible_count(response) == 4
    assert "Citra Desildua" in ranking_names(response)
    assert programme.history.count() == before + 1
    assert programme.history.first().history_user == users["admin"]
    assert programme.history.first().desil_max == 2
    event = Event.objects.get(action="programs.rules_changed")
    assert event.actor == users["admin"] and event.target_id == str(programme.pk)


def test_allowed_occupations_narrow_the_eligible_list(client, users, programme, workers):
    client.force_login(users["admin"])
    nelayan = Pekerjaan.objects.get(code="nelayan")
    response = client.post(reverse("programs:rules", args=[programme.code]),
                           rules_data(programme, occupations=[nelayan.pk]))
    assert response.status_code == 302
    assert list(programme.occupations.values_list("code", flat=True)) == ["nelayan"]
    response = client.get(reverse("programs:detail", args=[programme.code]))
    assert eligible_count(response) == 1
    assert ranking_names(response) == ["Ahmad Nelayan"]
    assert "Nelayan" in response.content.decode()  # the rules list names the allowed occupation
    not_eligible = client.get(reverse("programs:detail", args=[programme.code]), {"show": "not"})
    assert "Pekerjaan &#x27;petani&#x27; tidak termasuk yang diizinkan" in not_eligible.content.decode()


def test_extreme_poverty_can_be_required(client, users, programme, workers):
    client.force_login(users["admin"])
    client.post(reverse("programs:rules", args=[programme.code]),
                rules_data(programme, require_extreme_poverty="on"))
    programme.refresh_from_db()
    assert programme.require_extreme_poverty
    response = client.get(reverse("programs:detail", args=[programme.code]))
    assert ranking_names(response) == ["Ahmad Nelayan", "Fajar Kinal"]  # Bambang is not extremely poor
    assert "Bukan keluarga miskin ekstrem" in client.get(
        reverse("programs:detail", args=[programme.code]), {"show": "not"}).content.decode()


@pytest.mark.parametrize(
    "overrides, field",
    [({"max_age": 65}, "max_age"), ({"min_age": 40, "max_age": 30}, "min_age")],
)
def test_impossible_ages_are_refused_with_a_message(client, users, programme, workers, overrides, field):
    client.force_login(users["admin"])
    response = client.post(reverse("programs:rules", args=[programme.code]), rules_data(programme, **overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert errors
    body = response.content.decode()
    assert '<ul class="errorlist">' in body
    for error in errors:
        assert str(error).replace("'", "&#x27;") in body
    programme.refresh_from_db()
    assert (programme.min_age, programme.max_age) == (18, 64)
    assert not Event.objects.filter(action="programs.rules_changed").exists()
    assert programme.history.count() == 1  # the creation only


def test_max_age_65_message_names_the_limit(client, users, programme):
    client.force_login(users["admin"])
    response = client.post(reverse("programs:rules", args=[programme.code]), rules_data(programme, max_age=65))
    assert "65" in " ".join(response.context["form"].errors["max_age"])


def test_pasted_niks_are_excluded_with_the_reason_shown(client, users, programme, workers):
    client.force_login(users["admin"])
    url = reverse("programs:rules", args=[programme.code])
    pasted = f"{workers['nelayan'].nik}\n\n  {workers['kinal'].nik}  \n{workers['nelayan'].nik}\n"
    response = client.post(url, {"x-niks": pasted, "x-reason": "Peserta penerima upah BPJS"})
    assert response.status_code == 302 and response.url == url
    assert set(ExcludedNik.objects.values_list("nik", flat=True)) == {workers["nelayan"].nik, workers["kinal"].nik}
    assert set(ExcludedNik.objects.values_list("reason", flat=True)) == {"Peserta penerima upah BPJS"}
    assert ExcludedNik.history.count() == 2
    assert {h.history_user for h in ExcludedNik.history.all()} == {users["admin"]}
    event = Event.objects.get(action="programs.exclusions_added")
    assert event.actor == users["admin"] and event.summary.startswith("2 NIK")
    assert workers["nelayan"].nik not in event.summary  # no personal data in the audit trail

    detail = reverse("programs:detail", args=[programme.code])
    response = client.get(detail)
    assert eligible_count(response) == 1 and ranking_names(response) == ["Bambang Petani"]
    not_eligible = client.get(detail, {"show": "not"})
    reasons = {w["nama"]: w["reasons"] for w in not_eligible.context["page"]}
    assert reasons["Ahmad Nelayan"] == ["Terdaftar sebagai peserta penerima upah (daftar pengecualian)"]
    assert "Terdaftar sebagai peserta penerima upah (daftar pengecualian)" in not_eligible.content.decode()

    # Pasting the same NIK again adds nothing.
    client.post(url, {"x-niks": workers["nelayan"].nik, "x-reason": "Lagi"})
    assert ExcludedNik.objects.count() == 2


def test_one_bad_line_refuses_the_whole_paste(client, users, programme, workers):
    client.force_login(users["admin"])
    url = reverse("programs:rules", args=[programme.code])
    pasted = f"{workers['nelayan'].nik}\n170405170580\n{workers['kinal'].nik}"
    response = client.post(url, {"x-niks": pasted, "x-reason": "Peserta penerima upah BPJS"})
    assert response.status_code == 200
    errors = response.context["exclusions"].errors["niks"]
    assert len(errors) == 1 and "Baris 2" in errors[0] and "16" in errors[0]
    assert "Baris 2" in response.content.decode()
    assert not ExcludedNik.objects.exists()
    assert not Event.objects.filter(action="programs.exclusions_added").exists()
    assert eligible_count(client.get(reverse("programs:detail", args=[programme.code]))) == 3


def test_an_unknown_programme_is_404_and_the_list_links_the_programme(client, users, programme):
    client.force_login(users["camat"])
    assert client.get(reverse("programs:detail", args=["tidak-ada"])).status_code == 404
    response = client.get(reverse("programs:list"))
    assert response.status_code == 200
    assert reverse("programs:detail", args=[programme.code]) in response.content.decode()
