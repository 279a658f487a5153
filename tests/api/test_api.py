"""The API: bearer tokens, area scoping, the 50-row search limit, regions, and offline docs."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from lindung.accounts.models import ApiToken
from lindung.accounts.services import issue_token, revoke_token
from lindung.wilayah.models import Level, Wilayah
from tests.conftest import BANDAR_BINTUHAN, KAUR, KAUR_SELATAN, KINAL_VILLAGE, make_peserta
from tests.factories import bearer


@pytest.fixture
def api(users):
    """A client without a session, and a token per demo user."""
    return Client(), {name: issue_token(user) for name, user in users.items()}


@pytest.mark.parametrize("method, path, body", [
    ("get", "/api/me", None), ("get", "/api/regions", None), ("get", "/api/regions/17.04", None),
    ("post", "/api/workers/search", {"q": "Siti"}), ("post", "/api/workers/find", {"nik": "1704055709800011"})])
def test_without_a_token_the_api_answers_401(client, three_workers, method, path, body):
    response = getattr(client, method)(path, body, content_type="application/json") if body else client.get(path)
    assert response.status_code == 401
    assert "Siti" not in response.content.decode()


def test_me_with_a_bearer_token(api, users):
    client, tokens = api
    for name, area in [("camat", KAUR_SELATAN), ("desa", BANDAR_BINTUHAN), ("auditor", KAUR)]:
        response = client.get("/api/me", **bearer(tokens[name]))
        assert response.status_code == 200
        assert response.json() == {"username": name, "role": users[name].role.name, "area": area}
    assert client.get("/api/me", **bearer(tokens["camat"])).json()["role"] == "Camat"
    assert ApiToken.objects.get(user=users["camat"]).last_used is not None


def test_a_revoked_or_made_up_token_gets_401(api, users):
    client, tokens = api
    token = tokens["camat"]
    assert client.get("/api/me", **bearer(token)).status_code == 200
    revoke_token(users["camat"], token[4:10])
    assert client.get("/api/me", **bearer(token)).status_code == 401
    assert client.get("/api/me", **bearer("lnd_" + "A" * 43)).status_code == 401
    assert client.get("/api/me", **bearer(token[:-1])).status_code == 401  # one character short
    assert client.get("/api/me", HTTP_AUTHORIZATION=f"Token {tokens['desa']}").status_code == 401  # wrong scheme


def search(client, q: str, **headers):
    """The worker search: the query in the body, never in the URL."""
    return client.post("/api/workers/search", {"q": q}, content_type="application/json", **headers)


def find(client, nik: str, **headers):
    return client.post("/api/workers/find", {"nik": nik}, content_type="application/json", **headers)


def niks(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["nik"] for row in response.json()["results"]}


def test_worker_search_stays_in_the_users_area(api, three_workers):
    client, tokens = api
    village, kecamatan, outside = three_workers["village"], three_workers["kecamatan"], three_workers["outside"]

    def found(user, q):
        return niks(search(client, q, **bearer(tokens[user])))

    assert found("camat", "1704") == {village.nik, kecamatan.nik}  # NIK prefix shared by all three
    assert found("camat", "Sekecamatan") == {kecamatan.nik}
    assert found("camat", "budi sekecamatan") == {kecamatan.nik}  # every word, any case
    assert found("camat", "Luarwilayah") == set()
    assert found("camat", outside.nik) == set()
    assert found("desa", "1704") == {village.nik}
    assert found("desa", "Sekecamatan") == set()
    assert found("admin", "1704") == {village.nik, kecamatan.nik, outside.nik}
    assert found("admin", "ab") == set()  # too short to search: never the whole register


def test_worker_search_returns_at_most_50_and_says_there_are_more(api):
    client, tokens = api
    people = [make_peserta(BANDAR_BINTUHAN, f"Warga Banyak {i:02d}", serial=100 + i) for i in range(51)]
    common_prefix = people[0].nik[:12]
    assert all(p.nik.startswith(common_prefix) for p in people)

    for q in ("Banyak", common_prefix):
        body = search(client, q, **bearer(tokens["desa"])).json()
        assert len(body["results"]) == 50
        assert body["more"] is True
        assert {r["nik"] for r in body["results"]} < {p.nik for p in people}

    body = search(client, "Banyak 07", **bearer(tokens["desa"])).json()
    assert [r["nama"] for r in body["results"]] == ["Warga Banyak 07"]
    assert body["more"] is False


def test_exactly_50_matches_are_not_more(api):
    client, tokens = api
    for i in range(50):
        make_peserta(BANDAR_BINTUHAN, f"Warga Pas {i:02d}", serial=200 + i)
    body = search(client, "Warga Pas", **bearer(tokens["desa"])).json()
    assert len(body["results"]) == 50
    assert body["more"] is False


def test_worker_detail_inside_the_area_and_404_outside(api, three_workers):
    client, tokens = api
    inside, outside = three_workers["kecamatan"], three_workers["outside"]
    assert outside.desa_id == KINAL_VILLAGE

    response = find(client, inside.nik, **bearer(tokens["camat"]))
    assert response.status_code == 200
    data = response.json()
    assert (data["nik"], data["nama"], data["desa"], data["kecamatan"]) == (
        inside.nik, "Budi Sekecamatan", inside.desa_id, KAUR_SELATAN)
    assert data["pekerjaan"] == [inside.pekerjaan_1.name]
    assert {"no_kk", "alamat", "telepon", "penghasilan"} <= data.keys()

    response = find(client, outside.nik, **bearer(tokens["camat"]))
    assert response.status_code == 404
    assert "Joko" not in response.content.decode()
    assert find(client, outside.nik, **bearer(tokens["admin"])).status_code == 200
    assert find(client, "1704050000000000", **bearer(tokens["admin"])).status_code == 404


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [r["code"] for r in response.json()]


def test_regions_for_a_camat_are_his_kecamatan_its_villages_and_its_ancestors(api):
    client, tokens = api
    villages = set(Wilayah.objects.filter(parent_id=KAUR_SELATAN).values_list("code", flat=True))
    assert BANDAR_BINTUHAN in villages and len(villages) > 5

    listed = codes(client.get("/api/regions", **bearer(tokens["camat"])))
    assert len(listed) == len(set(listed))
    assert set(listed) == {"17", KAUR, KAUR_SELATAN} | villages
    other_kecamatan = Wilayah.objects.filter(level=Level.KECAMATAN).exclude(code=KAUR_SELATAN)
    assert other_kecamatan.exists()
    assert not set(listed) & set(other_kecamatan.values_list("code", flat=True))
    assert KINAL_VILLAGE not in listed

    assert set(codes(client.get("/api/regions", {"parent": KAUR_SELATAN}, **bearer(tokens["camat"])))) == villages
    assert codes(client.get("/api/regions", {"parent": "17.04.01"}, **bearer(tokens["camat"]))) == []


def test_one_region_by_code(api):
    client, tokens = api
    response = client.get(f"/api/regions/{KAUR_SELATAN}", **bearer(tokens["camat"]))
    assert response.status_code == 200
    assert response.json() == {"code": KAUR_SELATAN, "name": "Kaur Selatan", "level": 3, "kind": "kecamatan",
                               "parent": KAUR}
    assert client.get(f"/api/regions/{KAUR}", **bearer(tokens["camat"])).status_code == 200  # an ancestor
    assert client.get("/api/regions/17.04.01", **bearer(tokens["camat"])).status_code == 404
    assert client.get(f"/api/regions/{KINAL_VILLAGE}", **bearer(tokens["camat"])).status_code == 404


def test_the_docs_load_swagger_from_our_own_static_files(client, db):
    response = client.get("/api/docs")
    assert response.status_code == 200
    body = response.content.decode()
    assert not re.search(r"https?://", body), "the docs page refers to another site"
    assets = re.findall(r'(?:src|href)="([^"]+)"', body)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert all(a.startswith("/static/") for a in assets), assets
    for asset in assets:  # and they are really among our static files
        assert finders.find(asset.removeprefix("/static/")), asset


def test_the_openapi_schema_lists_the_endpoints(client, db):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/workers/search", "/api/workers/find", "/api/workers/coverage", "/api/regions", "/api/regions/{code}",
            "/api/me"} <= paths.keys()
    assert "nik" in response.content.decode()  # keyed by NIK, never a database id
    assert not [p for p in paths if "{nik}" in p or "{kpj}" in p], "a NIK or KPJ in a URL ends up in access logs"
    assert "{id}" not in response.content.decode() and "{pk}" not in response.content.decode()


def test_a_logged_in_session_may_call_get_endpoints(client, users, three_workers):
    client.force_login(users["camat"])
    me = client.get("/api/me")
    assert me.status_code == 200
    assert me.json()["username"] == "camat"
    assert niks(search(client, "1704")) == {three_workers["village"].nik,
                                                                three_workers["kecamatan"].nik}
    assert find(client, three_workers["outside"].nik).status_code == 404
    assert KAUR_SELATAN in codes(client.get("/api/regions"))
