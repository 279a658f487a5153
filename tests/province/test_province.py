"""A province deployment (issue 20): Bengkulu's office and two of its regencies, Kaur and Seluma, each paying for
workers from its own budget. Each regency's users see only their people; the province sees both; a person paid by
the province and by his regency for the same month is found before the bill is approved."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from lindung.accounts.roles import ADMIN_DINAS, CAMAT, OPERATOR_DINAS, PIMPINAN
from lindung.accounts.services import issue_token, save_user
from lindung.enrolment.models import Membership
from lindung.enrolment.services import add_candidates
from lindung.payments import services as bills
from lindung.payments.protection import refresh
from lindung.pipeline.spdci import Condition
from lindung.pipeline.spdci_client import cover_of
from lindung.programs import services as programmes
from lindung.programs.models import Programme
from lindung.programs.selectors import Settings, programmes_for
from lindung.rules.bill_check import Rule
from lindung.spdci import selectors as ibr
from lindung.wilayah import deployment
from lindung.wilayah.models import Level, Wilayah
from lindung.wilayah.services import load_deployment
from tests.conftest import BANDAR_BINTUHAN, KINAL_VILLAGE, PASSWORD, make_peserta

PROVINCE, KAUR, SELUMA = "17", "17.04", "17.05"


@pytest.fixture
def province(db, settings):
    settings.LINDUNG_REGENCY = f"{KAUR},{SELUMA}"
    load_deployment()
    seluma_village = Wilayah.objects.filter(level=Level.DESA, code__startswith=SELUMA + ".").order_by("code").first()
    users = {}
    for area in (PROVINCE, KAUR, SELUMA):
        for role in (ADMIN_DINAS, OPERATOR_DINAS, PIMPINAN):
            name = f"{role.name.split()[0].lower()}-{area}"
            users[name] = save_user(name, role=role.name, area_code=area, password=PASSWORD)
    users["camat-kaur"] = save_user("camat-kaur", role=CAMAT.name, area_code=BANDAR_BINTUHAN[:8], password=PASSWORD)
    people = {
        "kaur": make_peserta(BANDAR_BINTUHAN, "Ahmad Kaurdua", serial=41, job="nelayan"),  # paid by both
        "kinal": make_peserta(KINAL_VILLAGE, "Wati Kinalsaja", sex="P", serial=42),
        "seluma": make_peserta(seluma_village.code, "Rudi Selumasatu", serial=43),
    }
    return users, people


def _programme(code: str, owner: str, users) -> Programme:
    """A 2025 programme run by ``owner``'s office, its plan (everyone eligible, a full year) approved."""
    made = programmes.save_programme(users[f"operator-{owner}"], Programme(
        code=code, name=code, year=2025, start=date(2025, 1, 1), end=date(2025, 12, 1), budget=20 * 12 * 16_800))
    assert made.owner_id == owner
    scenario = programmes.save_scenario(users[f"operator-{owner}"], made, Settings.of(made), "full_year")
    programmes.approve_scenario(users[f"admin-{owner}"], scenario)
    made.refresh_from_db()
    return made


def _registered_and_active() -> None:
    """Every membership registered by BPJS (its KPJ) and active, as after the PKS."""
    for i, m in enumerate(Membership.objects.order_by("pk")):
        Membership.objects.filter(pk=m.pk).update(status=Membership.Status.ACTIVE, kpj=f"{25_000_000_000 + i}")
    refresh(Membership.objects.all())


def test_the_deployment_serves_its_regencies_under_the_province(province):
    assert deployment.root() == PROVINCE
    assert deployment.regencies() == [KAUR, SELUMA]
    assert deployment.name() == "Provinsi Bengkulu"
    assert Wilayah.objects.filter(code__in=[PROVINCE, KAUR, SELUMA]).count() == 3


def test_three_payers_each_enrol_their_own_people(client, province):
    users, people = province
    prov = _programme("bengkulu-2025", PROVINCE, users)
    kaur = _programme("kaur-2025", KAUR, users)
    seluma = _programme("seluma-2025", SELUMA, users)
    members = {p.code: set(p.memberships.values_list("peserta__nama", flat=True)) for p in (prov, kaur, seluma)}
    assert members == {"bengkulu-2025": {"Ahmad Kaurdua", "Wati Kinalsaja", "Rudi Selumasatu"},
                       "kaur-2025": {"Ahmad Kaurdua", "Wati Kinalsaja"}, "seluma-2025": {"Rudi Selumasatu"}}
    # Who sees which programme: the province all three, a regency its own and the province's, never its neighbour's.
    seen = {name: set(programmes_for(users[name]).values_list("code", flat=True))
            for name in ("pimpinan-17", "pimpinan-17.04", "pimpinan-17.05", "camat-kaur")}
    assert seen == {"pimpinan-17": {"bengkulu-2025", "kaur-2025", "seluma-2025"},
                    "pimpinan-17.04": {"bengkulu-2025", "kaur-2025"}, "pimpinan-17.05": {"bengkulu-2025", "seluma-2025"},
                    "camat-kaur": {"bengkulu-2025", "kaur-2025"}}
    client.force_login(users["pimpinan-17.04"])
    page = client.get(reverse("programs:detail", kwargs={"code": prov.code}))
    assert '<dd data-testid="programme-owner">Bengkulu</dd>' in page.content.decode()
    assert client.get(reverse("programs:detail", kwargs={"code": seluma.code})).status_code == 404
    # Only the office running a programme manages it.
    with pytest.raises(PermissionDenied, match="bengkulu-2025"):
        programmes.advance_status(users["admin-17.04"], prov)
    with pytest.raises(PermissionDenied):
        programmes.save_scenario(users["operator-17.05"], kaur, Settings.of(kaur), "full_year")


def test_a_regency_programme_refuses_people_of_another_regency(province):
    users, people = province
    kaur = _programme("kaur-2025", KAUR, users)
    seluma = Programme.objects.create(code="seluma-2025", name="Seluma", year=2025, start=date(2025, 1, 1),
                                      end=date(2025, 12, 1), owner_id=SELUMA)
    with pytest.raises(ValidationError, match="luar wilayah 17.05"):
        add_candidates(users["admin-17.05"], seluma, kaur.plan.lines.all())


def test_each_regency_sees_only_its_people_the_province_both(client, province):
    users, people = province
    prov = _programme("bengkulu-2025", PROVINCE, users)
    names = {k: p.nama for k, p in people.items()}
    expect = {"pimpinan-17": {"kaur", "kinal", "seluma"}, "pimpinan-17.04": {"kaur", "kinal"},
              "operator-17.05": {"seluma"}, "camat-kaur": {"kaur"}}
    for username, visible in expect.items():
        client.force_login(users[username])
        pages = [client.get(reverse("registry:list")).content.decode(),
                 client.get(reverse("enrolment:members", kwargs={"code": prov.code})).content.decode()]
        token = issue_token(users[username])
        for key, name in names.items():
            for body in pages:
                assert (name in body) == (key in visible), f"{username}: {name}"
            found = client.post("/api/workers/search", {"q": people[key].nik}, content_type="application/json",
                                HTTP_AUTHORIZATION=f"Bearer {token}").content.decode()
            assert (people[key].nik in found) == (key in visible), f"{username} API: {name}"


def test_the_province_page_shows_each_regency_and_a_regency_page_only_its_own(client, province):
    users, people = province
    _programme("bengkulu-2025", PROVINCE, users)
    _registered_and_active()
    client.force_login(users["pimpinan-17"])
    body = client.get(reverse("home")).content.decode()
    assert 'data-testid="protection-by-regency"' in body
    assert "Kabupaten Kaur" in body and "Kabupaten Seluma" in body
    client.force_login(users["pimpinan-17.04"])
    body = client.get(reverse("home")).content.decode()
    assert 'data-testid="protection-by-regency"' not in body and "Seluma" not in body


def test_a_person_paid_by_the_province_and_by_his_regency_is_found(province):
    users, people = province
    prov = _programme("bengkulu-2025", PROVINCE, users)
    kaur = _programme("kaur-2025", KAUR, users)
    _registered_and_active()
    bill = bills.generate_bill(users["operator-17.04"], kaur, "2025-01").bill
    double = {(f.peserta.nama, f.rule) for f in bills.check_bill(users["operator-17.04"], bill)}
    assert ("Ahmad Kaurdua", Rule.OTHER_PROGRAMME) in double
    assert {n for n, rule in double if rule == Rule.OTHER_PROGRAMME} == {"Ahmad Kaurdua", "Wati Kinalsaja"}
    assert prov.memberships.filter(peserta=people["seluma"]).exists()
    # Each bill is its payer's: a regency's office neither bills the province's programme nor its neighbour's.
    with pytest.raises(PermissionDenied):
        bills.generate_bill(users["operator-17.04"], prov, "2025-01")
    with pytest.raises(PermissionDenied):
        bills.approve_bill(users["admin-17.05"], bill)


def test_another_registry_is_told_who_pays_each_programme_the_province_or_his_regency(province):
    users, people = province
    _programme("bengkulu-2025", PROVINCE, users)
    _programme("kaur-2025", KAUR, users)
    _registered_and_active()
    found = ibr.enrolments(users["admin-17"], [Condition("nik", "eq", people["kaur"].nik)], date(2025, 3, 1))
    told = {(e.programme, e.payer_name, cover_of(e).payer) for e in ibr.as_enrolments(list(found))}
    assert told == {("bengkulu-2025", "Pemprov Bengkulu", "provinsi"), ("kaur-2025", "Pemkab Kaur", "kabupaten")}
