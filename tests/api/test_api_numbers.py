"""Imports, review-queue pairs and print runs are named in the API by the numbers users see (Impor #12, the pair's
number in the queue, a programme's print run #3), never by database ids; fetching by number stays scoped."""

import pytest
from django.test import Client

from lindung.accounts.services import issue_token
from lindung.cards import services as card_services
from lindung.registry.models import DuplicatePair, ImportBatch
from tests.cards.conftest import registered
from tests.conftest import KAUR_SELATAN
from tests.factories import bearer

KINAL = "17.04.01"
ID_NAMES = {"id", "pk"}
# Numbers no test database id reaches (PostgreSQL does not restart its sequences between tests).
IMPORT_NO, PAIR_NO = 900_041, 900_007


@pytest.fixture
def auth(users):
    return {name: bearer(issue_token(user)) for name, user in users.items()}


@pytest.fixture
def numbered(users, three_workers):
    """An import and a pair whose numbers are not their database ids (as after deleted or rolled-back rows)."""
    batch = ImportBatch.objects.create(uploaded_by=users["operator"], filename="p3ke-rahasia.xlsx", sha256="0" * 64,
                                       status=ImportBatch.Status.STAGED, report={"rows": 2}, number=IMPORT_NO)
    a, b = three_workers["outside"], three_workers["kecamatan"]
    pair = DuplicatePair.objects.create(a=a, b=b, nik_a=a.nik, nik_b=b.nik, probability=0.95, batch=batch, number=PAIR_NO)
    assert batch.pk != batch.number and pair.pk != pair.number
    return batch, pair


def test_the_openapi_schema_names_no_database_id(client, db):
    schema = client.get("/api/openapi.json").json()
    for path, operations in schema["paths"].items():
        assert "{id}" not in path and "{pk}" not in path, path
        for operation in operations.values():
            named = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert not named & ID_NAMES and not any(n.endswith("_id") for n in named), (path, named)
    assert {p for p in schema["paths"] if p.startswith("/api/imports/")} == {"/api/imports/{number}",
                                                                              "/api/imports/{number}/findings"}
    for name, component in schema["components"]["schemas"].items():
        fields = set(component.get("properties", {}))
        assert not fields & ID_NAMES and not any(f.endswith(("_id", "_pk")) for f in fields), (name, fields)
    for name in ("ImportOut", "PairOut", "PrintBatchOut"):
        assert "number" in schema["components"]["schemas"][name]["properties"]


def test_an_import_and_its_pairs_are_fetched_and_answered_by_their_numbers(users, auth, numbered):
    batch, pair = numbered
    client = Client()
    found = client.get(f"/api/imports/{batch.number}", **auth["admin"])
    assert found.status_code == 200 and found.json()["number"] == IMPORT_NO and found.json()["filename"] == "p3ke-rahasia.xlsx"
    assert client.get(f"/api/imports/{batch.pk}", **auth["admin"]).status_code == 404  # the id is no key
    assert client.get(f"/api/imports/{IMPORT_NO + 1}", **auth["admin"]).status_code == 404
    pairs = client.get("/api/duplicates", **auth["operator"]).json()
    assert pairs == [{"number": PAIR_NO, "nik_a": pair.nik_a, "nik_b": pair.nik_b, "probability": 0.95, "batch": IMPORT_NO}]
    # The next ones take the next numbers, whatever their ids.
    after = ImportBatch.objects.create(uploaded_by=users["operator"], filename="b.xlsx", sha256="1" * 64)
    assert after.number == IMPORT_NO + 1 and str(after) == f"Impor #{IMPORT_NO + 1}"
    assert client.get(f"/api/imports/{IMPORT_NO + 1}", **auth["auditor"]).json()["filename"] == "b.xlsx"


@pytest.mark.parametrize("name", ["camat", "desa", "pimpinan", "bpjs"])
def test_area_roles_get_no_import_or_pair_by_number(auth, numbered, name):
    batch, pair = numbered
    client = Client()
    for path in [f"/api/imports/{batch.number}", f"/api/imports/{batch.number}/findings", f"/api/imports/{IMPORT_NO + 1}",
                 "/api/duplicates"]:
        response = client.get(path, **auth[name])
        assert response.status_code == 403, path  # as before the numbers: imports hold every area's people
        body = response.content.decode()
        assert "p3ke-rahasia" not in body and pair.nik_a not in body and pair.nik_b not in body, path


def test_print_runs_are_answered_by_their_number_in_the_programme_and_scoped(users, auth, planned):
    registered(planned)
    mine = card_services.print_cards(users["operator"], planned, KAUR_SELATAN)
    client = Client()
    made = client.post("/api/cards/batches", {"programme": planned.code, "kecamatan": KINAL},
                       content_type="application/json", **auth["operator"])
    assert made.status_code == 201
    fields = {"programme", "number", "kecamatan", "cards", "layout", "created"}
    assert set(made.json()) == fields and made.json()["number"] == mine.number + 1 == 2
    runs = client.get("/api/cards/batches", **auth["operator"]).json()
    assert [(r["programme"], r["number"], r["kecamatan"]) for r in runs] == [
        (planned.code, 2, KINAL), (planned.code, 1, KAUR_SELATAN)]
    assert all(set(r) == fields for r in runs)
    # The camat sees his kecamatan's run only: Kinal's run #2 is not his.
    seen = client.get("/api/cards/batches", **auth["camat"]).json()
    assert [(r["number"], r["kecamatan"]) for r in seen] == [(1, KAUR_SELATAN)]
    assert client.get("/api/cards/batches", **auth["desa"]).json() == []
