"""Imports and the review queue in a province deployment (issue 20): a regency office sees and decides only its own
regency's imports and duplicate pairs, and imports only its own villages; the province office sees and decides all.
A single-regency deployment is unchanged (tests/registry, tests/core/test_home_approvals.py)."""

import io
import json
from datetime import date

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from lindung.accounts.roles import ADMIN_DINAS, OPERATOR_DINAS
from lindung.accounts.services import issue_token, save_user
from lindung.core.approvals import waiting_for
from lindung.pipeline.samples import p3ke_individu, write_xlsx
from lindung.programs import services as programmes
from lindung.programs.models import Programme
from lindung.programs.selectors import Settings
from lindung.registry.demo import generate_workers, villages_of
from lindung.registry.imports import selectors
from lindung.registry.imports import services as imports
from lindung.registry.models import DuplicatePair, ImportBatch, Peserta
from lindung.wilayah.models import Level, Wilayah
from lindung.wilayah.services import load_deployment
from tests.conftest import BANDAR_BINTUHAN, KINAL_VILLAGE, PASSWORD, make_peserta
from tests.factories import batch_of, bearer

PROVINCE, KAUR, SELUMA = "17", "17.04", "17.05"
SELUMA_OFFICE = ["admin-17.05", "operator-17.05"]

pytestmark = pytest.mark.usefixtures("import_settings")


@pytest.fixture
def offices(db, settings):
    """Kaur and Seluma served under Bengkulu; an Admin and an Operator Dinas in each of the three offices."""
    settings.LINDUNG_REGENCY = f"{KAUR},{SELUMA}"
    load_deployment()
    users = {}
    for area in (PROVINCE, KAUR, SELUMA):
        for role in (ADMIN_DINAS, OPERATOR_DINAS):
            name = f"{role.name.split()[0].lower()}-{area}"
            users[name] = save_user(name, role=role.name, area_code=area, password=PASSWORD)
    return users


@pytest.fixture
def kaur_batch(offices, tmp_path) -> ImportBatch:
    batch = batch_of(offices["operator-17.04"], generate_workers(villages_of(KAUR), 4, 5, other_kecamatan=[]), tmp_path)
    assert batch.status == ImportBatch.Status.STAGED, batch.error
    return batch


def _approvals(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("home")).content.decode()


def test_a_regency_office_neither_sees_nor_decides_another_regencys_import(client, offices, kaur_batch):
    detail = reverse("registry:import_detail", args=[kaur_batch.pk])
    for name in SELUMA_OFFICE:
        user = offices[name]
        client.force_login(user)
        assert detail not in client.get(reverse("registry:imports")).content.decode(), name
        assert client.get(detail).status_code == 404, name
        assert client.get(reverse("registry:import_findings", args=[kaur_batch.pk])).status_code == 404, name
        assert detail not in _approvals(client, user), name
        for decision in ("approve", "reject"):
            response = client.post(reverse("registry:import_decide", args=[kaur_batch.pk]), {"decision": decision})
            assert response.status_code == 404, (name, decision)
        with pytest.raises(PermissionDenied, match="luar wilayah"):
            imports.restage(user, kaur_batch, {})
    admin = offices["admin-17.05"]
    assert waiting_for(admin) == [] and not selectors.imports_for(admin).exists()
    with pytest.raises(PermissionDenied, match="luar wilayah"):
        imports.approve(admin, kaur_batch)
    with pytest.raises(PermissionDenied, match="luar wilayah"):
        imports.reject(admin, kaur_batch, "bukan urusan Seluma")
    kaur_batch.refresh_from_db()
    assert kaur_batch.status == ImportBatch.Status.STAGED

    # Kaur's own admin and the province's see it waiting; the province approves it.
    assert detail in _approvals(client, offices["admin-17.04"])
    assert detail in _approvals(client, offices["admin-17"])
    assert detail in client.get(reverse("registry:imports")).content.decode()
    assert client.get(reverse("registry:import_findings", args=[kaur_batch.pk])).status_code == 200
    client.post(reverse("registry:import_decide", args=[kaur_batch.pk]), {"decision": "approve"})
    kaur_batch.refresh_from_db()
    assert kaur_batch.status == ImportBatch.Status.COMMITTED and kaur_batch.decided_by == offices["admin-17"]


def test_the_province_office_may_reject_a_regencys_import(offices, kaur_batch):
    assert imports.reject(offices["admin-17"], kaur_batch, "salah berkas").status == ImportBatch.Status.REJECTED


def test_only_the_office_running_a_programme_sees_its_scenario_waiting(offices):
    make_peserta(BANDAR_BINTUHAN, "Ahmad Kaurdua", serial=41)
    kaur = programmes.save_programme(offices["operator-17.04"], Programme(
        code="kaur-2025", name="kaur-2025", year=2025, start=date(2025, 1, 1), end=date(2025, 12, 1), budget=10**8))
    scenario = programmes.save_scenario(offices["operator-17.04"], kaur, Settings.of(kaur), "full_year")
    url = reverse("programs:scenario", args=[kaur.code, scenario.number])
    assert [w.url for w in waiting_for(offices["admin-17.04"])] == [url]
    assert waiting_for(offices["admin-17.05"]) == [] and waiting_for(offices["admin-17"]) == []


def test_a_regency_office_neither_sees_nor_decides_another_regencys_duplicates(client, offices):
    seluma_village = Wilayah.objects.filter(level=Level.DESA, code__startswith=SELUMA + ".").order_by("code").first()
    a, b = make_peserta(BANDAR_BINTUHAN, "Ahmad Kaur", serial=41), make_peserta(KINAL_VILLAGE, "Ahmad Kaur", serial=42)
    c = make_peserta(seluma_village.code, "Ahmad Kaur", serial=43)
    inside = DuplicatePair.objects.create(a=a, b=b, nik_a=a.nik, nik_b=b.nik, probability=0.95, number=1)
    across = DuplicatePair.objects.create(a=a, b=c, nik_a=a.nik, nik_b=c.nik, probability=0.93, number=2)
    seen = {name: set(selectors.pairs_for(user)) for name, user in offices.items()}
    assert seen == {"admin-17": {inside, across}, "operator-17": {inside, across}, "admin-17.04": {inside},
                    "operator-17.04": {inside}, "admin-17.05": set(), "operator-17.05": set()}
    for name in SELUMA_OFFICE:
        client.force_login(offices[name])
        body = client.get(reverse("registry:review")).content.decode()
        assert 'data-testid="pair"' not in body and a.nik not in body, name
        decide = reverse("registry:review_decide", args=[inside.pk])
        assert client.post(decide, {"decision": "different"}).status_code == 403, name
        assert client.post(decide, {"decision": "same", "keep": a.nik}).status_code == 403, name
        with pytest.raises(PermissionDenied, match="luar wilayah"):
            imports.dismiss(offices[name], inside.pk)
    # Kaur's office decides its own pair, not the one across the border: the province's to decide.
    with pytest.raises(PermissionDenied):
        imports.dismiss(offices["operator-17.04"], across.pk)
    with pytest.raises(DuplicatePair.DoesNotExist):
        imports.dismiss(offices["operator-17.04"], 999)
    imports.dismiss(offices["operator-17.04"], inside.pk)
    imports.dismiss(offices["operator-17"], across.pk)
    assert set(DuplicatePair.objects.values_list("decision", flat=True)) == {DuplicatePair.Decision.DIFFERENT}


def test_a_regency_offices_file_may_name_only_its_own_villages(offices, tmp_path):
    rows = (generate_workers(villages_of(SELUMA), 3, 7, other_kecamatan=[])
            + generate_workers(villages_of(KAUR), 1, 8, other_kecamatan=[]))
    batch = batch_of(offices["operator-17.05"], rows, tmp_path)
    assert batch.status == ImportBatch.Status.STAGED, batch.error
    found = imports.findings(batch).filter(severity="error")
    assert found.select("row", "column", "code").rows() == [(5, "Kode Kemdagri", "desa_outside_regency")]
    assert f"Kode desa {rows[3]['desa_id'].replace('.', '')} bukan wilayah kabupaten ini ({SELUMA})" in found["message"][0]
    assert batch.report["valid"] == 3
    # The province office may import people of both regencies.
    (tmp_path / "p").mkdir()
    batch = batch_of(offices["operator-17"], rows, tmp_path / "p")
    assert imports.findings(batch).filter(severity="error").is_empty() and batch.report["valid"] == 4


# A person registered in Kaur, in a Seluma office's file (issue 20): the row is refused, says only that the NIK is
# registered in another area, and approval neither updates nor moves him; the province office's import moves him.

def _kaur_person_in_a_seluma_file(tmp_path):
    """Ahmad, registered in Kaur (Bandar Bintuhan); a Seluma file of three rows whose second carries his NIK with a
    Seluma village and another name. Returns (Ahmad, the rows, the file)."""
    ahmad = make_peserta(BANDAR_BINTUHAN, "Ahmad Kaurlama", serial=41)
    rows = generate_workers(villages_of(SELUMA), 3, 7, other_kecamatan=[])
    rows[1] = {**rows[1], "nik": ahmad.nik, "nama": "Ahmad Selumabaru", "jenis_kelamin": "L",
               "tanggal_lahir": ahmad.tanggal_lahir}
    return ahmad, rows, write_xlsx(p3ke_individu(rows), tmp_path / "seluma.xlsx")


def _upload(user, path) -> ImportBatch:
    return imports.stage(imports.create_batch(user, imports.file_chunks(path), path.name))


def _untold(text: str, ahmad) -> None:
    """Nothing of Ahmad's registration in ``text``: not his registered name, village (name or code) nor kecamatan."""
    village = Wilayah.objects.get(code=ahmad.desa_id)
    for secret in (ahmad.nama, village.name, village.parent.name, ahmad.desa_id, ahmad.desa_id.replace(".", ""),
                   "Kaurlama"):
        assert secret.lower() not in text.lower(), secret


def test_a_regency_offices_file_neither_updates_nor_moves_a_person_registered_in_another_regency(client, offices,
                                                                                               tmp_path):
    ahmad, rows, path = _kaur_person_in_a_seluma_file(tmp_path)
    before = (Peserta.objects.filter(pk=ahmad.pk).values().get(), ahmad.history.count())
    batch = _upload(offices["operator-17.05"], path)
    assert batch.status == ImportBatch.Status.STAGED, batch.error
    found = imports.findings(batch).filter(severity="error")
    assert found.select("row", "column", "code").rows() == [(3, "NIK", "peserta_outside_area")]
    message = found["message"][0]
    assert message.startswith("NIK pada baris 3 (kolom NIK) sudah terdaftar di wilayah lain"), message
    assert "dinas provinsi" in message
    assert batch.report["valid"] == 2 and batch.report["to_update"] == 0 and batch.report["to_insert"] == 2

    # What the Seluma office is shown of the import, on the page, in the findings workbook and through the API.
    client.force_login(offices["operator-17.05"])
    page = client.get(reverse("registry:import_detail", args=[batch.pk])).content.decode()
    assert "peserta_outside_area" in page
    workbook = openpyxl.load_workbook(io.BytesIO(
        client.get(reverse("registry:import_findings", args=[batch.pk])).getvalue()))
    cells = " ".join(str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row if c.value)
    assert "sudah terdaftar di wilayah lain" in cells
    api = Client()
    token = issue_token(offices["operator-17.05"])
    served = api.get(f"/api/imports/{batch.number}/findings", **bearer(token))
    assert [f["code"] for f in served.json()] == ["peserta_outside_area"]
    status = api.get(f"/api/imports/{batch.number}", **bearer(token)).json()
    for text in (page, cells, served.content.decode(), json.dumps(status), message):
        _untold(text, ahmad)

    # Approval by Seluma's admin writes the two Seluma people and nothing of Ahmad's.
    batch = imports.approve(offices["admin-17.05"], batch)
    assert batch.report["inserted"] == 2 and batch.report["updated"] == 0
    assert (Peserta.objects.filter(pk=ahmad.pk).values().get(), ahmad.history.count()) == before
    assert Peserta.objects.filter(desa__code__startswith=SELUMA + ".").count() == 2


def test_the_province_offices_file_moves_a_person_between_its_regencies(offices, tmp_path):
    ahmad, rows, path = _kaur_person_in_a_seluma_file(tmp_path)
    batch = _upload(offices["operator-17"], path)
    assert imports.findings(batch).filter(severity="error").is_empty()
    assert batch.report["to_update"] == 1 and batch.report["valid"] == 3
    batch = imports.approve(offices["admin-17"], batch)
    assert batch.report["updated"] == 1
    ahmad.refresh_from_db()
    assert ahmad.desa_id == rows[1]["desa_id"] and ahmad.nama == "AHMAD SELUMABARU"
    assert ahmad.history.count() == 2


def test_a_person_registered_in_the_offices_own_regency_is_updated_as_before(offices, tmp_path):
    seluma_village = villages_of(SELUMA)[0].code
    budi = make_peserta(seluma_village, "Budi Seluma", serial=44)
    rows = generate_workers(villages_of(SELUMA), 2, 7, other_kecamatan=[])
    rows[0] = {**rows[0], "nik": budi.nik, "jenis_kelamin": "L", "tanggal_lahir": budi.tanggal_lahir}
    batch = _upload(offices["operator-17.05"], write_xlsx(p3ke_individu(rows), tmp_path / "seluma.xlsx"))
    assert imports.findings(batch).filter(severity="error").is_empty() and batch.report["to_update"] == 1


def test_a_dry_run_checks_the_file_as_its_uploaders_import_would(offices, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("LINDUNG_USER", raising=False)
    ahmad, rows, path = _kaur_person_in_a_seluma_file(tmp_path)
    call_command("import", str(path), "--dry-run", "--json", "--user", "operator-17.05")
    out = json.loads(capsys.readouterr().out)
    assert out["area"] == SELUMA and out["valid"] == 2
    assert [(e["row"], e["column"], e["code"]) for e in out["errors"]] == [(3, "NIK", "peserta_outside_area")]
    _untold(json.dumps(out), ahmad)

    call_command("import", str(path), "--dry-run", "--json", "--user", "operator-17")
    out = json.loads(capsys.readouterr().out)
    assert out["area"] == PROVINCE and out["errors"] == [] and out["valid"] == 3

    # Without an uploader: the whole province, and it says so.
    call_command("import", str(path), "--dry-run", "--json")
    captured = capsys.readouterr()
    assert json.loads(captured.out)["area"] is None and json.loads(captured.out)["errors"] == []
    assert "Tanpa --user" in captured.err and "Provinsi Bengkulu" in captured.err
    assert not ImportBatch.objects.exists()
    ahmad.refresh_from_db()
    assert ahmad.desa_id == BANDAR_BINTUHAN
