"""The import API: upload with a bearer token, the report, the findings, the review queue; office roles only."""

import openpyxl
import polars as pl
import pytest
from django.test import Client

from lindung.accounts.services import issue_token
from lindung.pipeline.samples import p3ke_individu, write_xlsx
from lindung.registry.imports import services as imports
from lindung.registry.demo import generate_workers, villages_of
from lindung.registry.models import DuplicatePair, ImportBatch, Peserta
from tests.conftest import BANDAR_BINTUHAN, make_peserta
from tests.factories import bearer


pytestmark = pytest.mark.usefixtures("import_settings")


@pytest.fixture
def api(users):
    """A client without a session (so no cookie, no CSRF), and a token per demo user."""
    return Client(), {name: issue_token(user) for name, user in users.items()}


@pytest.fixture
def people(kaur):
    villages = villages_of("17.04")
    return generate_workers(villages, 6, 11, other_kecamatan=[])


def defective_file(people, tmp_path):
    """Six rows; row 3 has a 15-digit NIK, row 5 an unknown village."""
    frame = p3ke_individu(people)
    p = {c: frame[c].to_list() for c in frame.columns}
    p["NIK"][1] = p["NIK"][1][:15]
    p["Kode Kemdagri"][3] = "1704999999"
    return write_xlsx(pl.DataFrame(p), tmp_path / "p3ke.xlsx")


def post_file(client, token, path, **extra):
    with open(path, "rb") as f:
        return client.post("/api/imports", {"file": f, **extra}, **bearer(token))


def test_an_upload_with_a_token_is_checked_and_its_report_and_findings_are_served(api, users, people, tmp_path):
    client, tokens = api
    response = post_file(client, tokens["operator"], defective_file(people, tmp_path))
    assert response.status_code == 201, response.content
    body = response.json()
    batch = ImportBatch.objects.get()
    assert body["number"] == batch.number and body["filename"] == "p3ke.xlsx"
    assert body["status"] == "staged"  # checked at once by the immediate task backend
    assert batch.status == ImportBatch.Status.STAGED and batch.uploaded_by == users["operator"]
    assert body["report"]["rows"] == 6 and body["report"]["errors"] == 2 and body["report"]["valid"] == 4
    assert len(body["sha256"]) == 64 and body["sha256"] == batch.sha256

    status = client.get(f"/api/imports/{batch.number}", **bearer(tokens["auditor"]))
    assert status.status_code == 200
    assert status.json()["status"] == "staged" and status.json()["report"]["to_insert"] == 4
    assert status.json()["source"] == "p3ke_individu"

    findings = client.get(f"/api/imports/{batch.number}/findings", **bearer(tokens["admin"]))
    assert findings.status_code == 200
    assert [(f["row"], f["column"], f["code"], f["severity"]) for f in findings.json()] == [
        (3, "NIK", "nik_length", "error"), (5, "Kode Kemdagri", "desa_unknown", "error")]
    assert all(f["message"] for f in findings.json())
    page = client.get(f"/api/imports/{batch.number}/findings?offset=1&limit=1", **bearer(tokens["admin"])).json()
    assert [f["row"] for f in page] == [5]

    assert client.get("/api/imports/99999", **bearer(tokens["admin"])).status_code == 404
    assert not Peserta.objects.exists()  # the API stages; approval is a separate, human step


def test_the_source_can_be_given(api, people, tmp_path):
    client, tokens = api
    path = write_xlsx(p3ke_individu(people[:2]), tmp_path / "p3ke.xlsx")
    response = post_file(client, tokens["admin"], path, source="p3ke_individu")
    assert response.status_code == 201 and response.json()["source"] == "p3ke_individu"
    assert response.json()["status"] == "staged"


def test_an_unknown_source_is_refused_before_anything_is_stored(api, users, people, tmp_path):
    client, tokens = api
    path = write_xlsx(p3ke_individu(people[:2]), tmp_path / "p3ke.xlsx")
    response = post_file(client, tokens["operator"], path, source="bogus")
    assert response.status_code == 422 and "bogus" in response.json()["detail"]
    assert not ImportBatch.objects.exists()
    assert post_file(client, tokens["camat"], path, source="bogus").status_code == 403


def test_an_unreadable_file_ends_failed_with_a_message(api, tmp_path):
    client, tokens = api
    path = tmp_path / "laporan.xlsx"
    path.write_bytes(b"%PDF-1.7 not a spreadsheet")
    response = post_file(client, tokens["operator"], path)
    assert response.status_code == 201
    assert response.json()["status"] == "failed" and "PDF" in response.json()["error"]


def test_a_file_above_the_upload_limit_is_refused_before_it_is_read_or_kept(api, tmp_path, settings):
    client, tokens = api
    settings.LINDUNG_MAX_UPLOAD_MB = 1
    path = tmp_path / "besar.csv"
    path.write_bytes(b"NIK;NAMA\n" + b"1" * (2 * 1024 * 1024 + 1))  # 2 MB: above the 1 MB limit and its slack
    response = post_file(client, tokens["operator"], path)
    assert response.status_code == 413 and response.json()["detail"] == "Ukuran berkas melebihi 1 MB."
    assert not ImportBatch.objects.exists()
    kept = settings.DATA_DIR / "imports"
    assert not kept.exists() or not any(p.is_file() for p in kept.rglob("*"))


def test_the_upload_page_refuses_it_with_a_page_that_says_why(client, users, tmp_path, settings):
    settings.LINDUNG_MAX_UPLOAD_MB = 1
    client.force_login(users["operator"])
    path = tmp_path / "besar.csv"
    path.write_bytes(b"1" * (3 * 1024 * 1024))
    with open(path, "rb") as f:
        refused = client.post("/peserta/impor/", {"file": f, "source": "auto"})
    body = refused.content.decode()
    assert refused.status_code == 413 and "Berkas terlalu besar" in body and "melebihi 1 MB" in body
    assert not ImportBatch.objects.exists()


def test_a_workbook_asking_for_gigabytes_ends_failed_and_the_register_is_unchanged(api, people, tmp_path):
    """1.6 KB with one cell at XFD1048576 once killed the background worker; now the import says why."""
    client, tokens = api
    book = openpyxl.Workbook()
    book.active.append(["NIK", "Nama Lengkap"])
    book.active["XFD1048576"] = "x"
    book.save(path := tmp_path / "p3ke.xlsx")
    before = Peserta.objects.count()
    response = post_file(client, tokens["operator"], path)
    assert response.status_code == 201
    assert response.json()["status"] == "failed" and "terlalu besar" in response.json()["error"]
    assert Peserta.objects.count() == before
    # The process that read it is alive and reads the next file.
    good = post_file(client, tokens["operator"], write_xlsx(p3ke_individu(people[:2]), tmp_path / "baik.xlsx"))
    assert good.json()["status"] == "staged"


@pytest.mark.parametrize("name", ["camat", "desa", "pimpinan", "bpjs"])
def test_area_roles_cannot_upload_or_read_imports(api, users, people, tmp_path, name):
    client, tokens = api
    path = write_xlsx(p3ke_individu(people[:2]), tmp_path / "a.xlsx")
    staged = imports.stage(imports.create_batch(users["operator"], imports.file_chunks(path), "a.xlsx"))
    assert staged.status == ImportBatch.Status.STAGED
    response = post_file(client, tokens[name], write_xlsx(p3ke_individu(people[2:4]), tmp_path / "b.xlsx"))
    assert response.status_code == 403
    assert ImportBatch.objects.count() == 1
    for path in [f"/api/imports/{staged.number}", f"/api/imports/{staged.number}/findings", "/api/duplicates"]:
        response = client.get(path, **bearer(tokens[name]))
        assert response.status_code in (403, 404), path
        assert people[0]["nik"] not in response.content.decode()
        assert "report" not in response.json()


def test_the_auditor_reads_but_cannot_upload(api, people, tmp_path):
    client, tokens = api
    response = post_file(client, tokens["auditor"], write_xlsx(p3ke_individu(people[:2]), tmp_path / "a.xlsx"))
    assert response.status_code == 403 and not ImportBatch.objects.exists()
    assert client.get("/api/duplicates", **bearer(tokens["auditor"])).status_code == 200


def test_without_a_token_the_import_api_answers_401(api, people, tmp_path):
    client, _ = api
    with open(write_xlsx(p3ke_individu(people[:2]), tmp_path / "a.xlsx"), "rb") as f:
        assert client.post("/api/imports", {"file": f}).status_code == 401
    assert client.get("/api/duplicates").status_code == 401
    assert not ImportBatch.objects.exists()


def test_duplicates_lists_pending_pairs_for_the_office_only(api, users, kaur):
    client, tokens = api
    workers = [make_peserta(BANDAR_BINTUHAN, f"Rina {i}", sex="P", serial=40 + i) for i in range(4)]
    pending = DuplicatePair.objects.create(a=workers[0], b=workers[1], nik_a=workers[0].nik, nik_b=workers[1].nik,
                                           probability=0.96)
    DuplicatePair.objects.create(a=workers[2], b=workers[3], nik_a=workers[2].nik, nik_b=workers[3].nik,
                                 probability=0.99, decision=DuplicatePair.Decision.DIFFERENT,
                                 decided_by=users["admin"])
    response = client.get("/api/duplicates", **bearer(tokens["operator"]))
    assert response.status_code == 200
    assert response.json() == [{"number": pending.number, "nik_a": workers[0].nik, "nik_b": workers[1].nik,
                                "probability": 0.96, "batch": None}]
    assert client.get("/api/duplicates", **bearer(tokens["camat"])).status_code == 403
    assert client.get("/api/duplicates", **bearer(tokens["desa"])).status_code == 403


def test_pairs_found_by_an_approved_import_are_listed_with_their_batch(api, users, people, tmp_path):
    client, tokens = api
    first = post_file(client, tokens["operator"], write_xlsx(p3ke_individu(people[:1]), tmp_path / "a.xlsx")).json()
    imports.approve(users["admin"], ImportBatch.objects.get(number=first["number"]))
    twin = dict(people[0], nik=people[0]["nik"][:12] + f"{int(people[0]['nik'][12:]) % 9999 + 1:04d}")
    second = post_file(client, tokens["operator"], write_xlsx(p3ke_individu([twin]), tmp_path / "b.xlsx")).json()
    assert second["report"]["probable_duplicates"] == 1
    imports.approve(users["admin"], ImportBatch.objects.get(number=second["number"]))
    pairs = client.get("/api/duplicates", **bearer(tokens["admin"])).json()
    assert len(pairs) == 1 and pairs[0]["batch"] == second["number"]
    assert {pairs[0]["nik_a"], pairs[0]["nik_b"]} == {people[0]["nik"], twin["nik"]}
    assert pairs[0]["probability"] >= 0.9


def test_the_same_file_uploaded_again_is_named_in_the_report(api, people, tmp_path):
    client, tokens = api
    path = write_xlsx(p3ke_individu(people[:2]), tmp_path / "p3ke.xlsx")
    first = post_file(client, tokens["operator"], path).json()
    assert first["report"]["same_file_as"] is None
    again = post_file(client, tokens["operator"], path).json()
    assert again["report"]["same_file_as"] == {"number": first["number"], "status": "staged"}
