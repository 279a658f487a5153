"""The import pages: upload, report, findings workbook, approval by another admin, mapping, template, review."""

import io
import re
from datetime import date

import openpyxl
import polars as pl
import pytest
from django.urls import reverse

from lindung.accounts.roles import ADMIN_DINAS
from lindung.accounts.services import save_user
from lindung.audit.models import Event
from lindung.pipeline.samples import p3ke_individu, write_xlsx
from lindung.registry.imports import services as imports
from lindung.registry.demo import generate_workers, villages_of
from lindung.registry.models import DismissedPair, DuplicatePair, ImportBatch, Pekerjaan, Peserta, SavedMapping
from lindung.wilayah.models import Level, Wilayah
from tests.conftest import BANDAR_BINTUHAN, KAUR, PASSWORD, make_peserta
from tests.factories import batch_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XSS = '<script>alert("lindung")</script>'
OUTSIDERS = ["camat", "desa", "pimpinan", "bpjs"]


pytestmark = pytest.mark.usefixtures("import_settings")


@pytest.fixture
def people(kaur):
    villages = villages_of("17.04")
    return generate_workers(villages, 12, 7, other_kecamatan=[])


def xlsx_bytes(frame: pl.DataFrame, tmp_path, name="p3ke.xlsx") -> bytes:
    return write_xlsx(frame, tmp_path / name).read_bytes()


def named(content: bytes, name: str) -> io.BytesIO:
    f = io.BytesIO(content)
    f.name = name  # the test client sends a file object's name as the upload's file name
    return f


def upload(client, content: bytes, name="p3ke.xlsx", source="auto"):
    return client.post(reverse("registry:imports"), {"file": named(content, name), "source": source})


def uploaded(client, content: bytes, name="p3ke.xlsx") -> ImportBatch:
    before = set(ImportBatch.objects.values_list("pk", flat=True))
    response = upload(client, content, name)
    batch = ImportBatch.objects.exclude(pk__in=before).get()
    assert response.status_code == 302 and response.url == reverse("registry:import_detail", args=[batch.pk])
    return batch


def defective(people) -> pl.DataFrame:
    """Eight rows; row 2 has a 15-digit NIK, row 3 desil 11, row 4 an unknown occupation (a warning)."""
    frame = p3ke_individu(people[:8])
    p = {c: frame[c].to_list() for c in frame.columns}
    p["NIK"][0] = p["NIK"][0][:15]
    p["Desil Kesejahteraan"][1] = "11"
    p["Pekerjaan"][2] = "Astronot"
    return pl.DataFrame(p)


def defective_upload(client, users, people, tmp_path) -> ImportBatch:
    """The operator uploads the defective file through the page; the check runs during the upload."""
    client.force_login(users["operator"])
    batch = uploaded(client, xlsx_bytes(defective(people), tmp_path))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.STAGED, batch.error  # the task really ran during the upload
    return batch


def test_an_upload_is_checked_at_once_and_the_report_counts_and_lists_its_findings(client, users, people, tmp_path):
    client.force_login(users["operator"])
    assert "Umur diperiksa pada 1 Januari 2025" in client.get(reverse("registry:imports")).content.decode()
    batch = defective_upload(client, users, people, tmp_path)
    assert batch.uploaded_by == users["operator"] and batch.filename == "p3ke.xlsx"
    assert batch.report["rows"] == 8 and batch.report["valid"] == 6 and batch.report["errors"] == 2
    assert batch.report["warnings"] == 1 and batch.report["to_insert"] == 6

    response = client.get(reverse("registry:import_detail", args=[batch.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    report = body.split('data-testid="import-report"', 1)[1].split("</div>\n</div>", 1)[0]
    assert re.findall(r'<div class="n">(\d+)</div>', report) == ["8", "6", "2", "1", "6", "0", "0"]
    findings = body.split('data-testid="findings"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<tr><td class="num">(\d+)</td><td>([^<]+)</td><td class="([^"]+)">', findings)
    assert rows == [("2", "NIK", "msg error"), ("3", "Desil Kesejahteraan", "msg error"), ("4", "Pekerjaan", "warn")]
    assert "astronot" in findings.lower()
    assert reverse("registry:import_findings", args=[batch.pk]) in body


def test_the_operator_who_uploaded_sees_no_decision_form_and_may_not_approve(client, users, people, tmp_path):
    batch = defective_upload(client, users, people, tmp_path)
    response = client.get(reverse("registry:import_detail", args=[batch.pk]))
    assert not response.context["can_decide"]
    assert reverse("registry:import_decide", args=[batch.pk]) not in response.content.decode()
    assert client.post(reverse("registry:import_decide", args=[batch.pk]), {"decision": "approve"}).status_code == 403
    assert not Peserta.objects.exists()


def test_the_findings_workbook_lists_every_finding_in_words_and_colours_the_offending_cells(
        client, users, people, tmp_path):
    batch = defective_upload(client, users, people, tmp_path)
    response = client.get(reverse("registry:import_findings", args=[batch.pk]))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert f"temuan-impor-{batch.number}.xlsx" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Temuan", "Data"]
    temuan = [[c.value for c in row] for row in book["Temuan"].iter_rows()]
    assert temuan[0] == ["Baris", "Kolom", "Tingkat", "Pesan"]  # words, never a stored code
    assert [tuple(r[:3]) for r in temuan[1:]] == [(2, "NIK", "Kesalahan"), (3, "Desil Kesejahteraan", "Kesalahan"),
                                                  (4, "Pekerjaan", "Peringatan")]
    data = book["Data"]
    headers = [c.value for c in data[1]]
    assert data.max_row == 9
    assert data.cell(row=2, column=headers.index("NIK") + 1).value == people[0]["nik"][:15]  # text, as typed
    assert data.cell(row=2, column=headers.index("NIK") + 1).fill.fgColor.rgb.endswith("F4C7C3")
    assert data.cell(row=4, column=headers.index("Pekerjaan") + 1).fill.fgColor.rgb.endswith("FCE8B2")


def test_another_admin_approves_an_upload_once_and_only_its_valid_rows_are_written(client, users, people, tmp_path):
    # The story of an upload: the operator's file, another Admin Dinas's approval, nothing after that.
    batch = defective_upload(client, users, people, tmp_path)
    detail = reverse("registry:import_detail", args=[batch.pk])
    client.force_login(users["admin"])
    response = client.get(detail)
    assert response.context["can_decide"]
    assert reverse("registry:import_decide", args=[batch.pk]) in response.content.decode()
    response = client.post(reverse("registry:import_decide", args=[batch.pk]), {"decision": "approve"})
    assert response.status_code == 302 and response.url == detail
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED and batch.decided_by == users["admin"]
    assert Peserta.objects.count() == 6
    assert set(Peserta.objects.values_list("nik", flat=True)) == {p["nik"] for p in people[3:8]} | {people[2]["nik"]}
    assert Event.objects.get(action="registry.import_committed").actor == users["admin"]
    response = client.get(detail)
    assert not response.context["can_decide"] and "import_decide" not in response.content.decode()
    # A second approval of the same batch changes nothing.
    client.post(reverse("registry:import_decide", args=[batch.pk]), {"decision": "approve"})
    assert Peserta.objects.count() == 6 and Event.objects.filter(action="registry.import_committed").count() == 1
    # Nor can an approved import be mapped and checked again: a message, not an error page.
    client.force_login(users["operator"])
    response = client.post(reverse("registry:import_map", args=[batch.pk]), {"nik": "NIK", "save_as": "Basi"},
                           follow=True)
    assert response.status_code == 200 and "tidak bisa diulang" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED and not SavedMapping.objects.exists()


def test_an_admin_who_uploaded_cannot_approve_their_own_import(client, users, people, tmp_path):
    client.force_login(users["admin"])
    batch = uploaded(client, xlsx_bytes(p3ke_individu(people[:3]), tmp_path))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.STAGED, batch.error
    response = client.get(reverse("registry:import_detail", args=[batch.pk]))
    assert not response.context["can_decide"]
    assert reverse("registry:import_decide", args=[batch.pk]) not in response.content.decode()
    assert client.post(reverse("registry:import_decide", args=[batch.pk]), {"decision": "approve"}).status_code == 403
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.STAGED and not Peserta.objects.exists()

    other = save_user("admin2", role=ADMIN_DINAS.name, area_code=KAUR, password=PASSWORD)
    client.force_login(other)
    assert client.get(reverse("registry:import_detail", args=[batch.pk])).context["can_decide"]
    client.post(reverse("registry:import_decide", args=[batch.pk]), {"decision": "approve"})
    assert Peserta.objects.count() == 3


def test_rejecting_keeps_the_register_unchanged(client, users, people, tmp_path):
    client.force_login(users["operator"])
    batch = uploaded(client, xlsx_bytes(p3ke_individu(people[:3]), tmp_path))
    client.force_login(users["admin"])
    response = client.post(reverse("registry:import_decide", args=[batch.pk]),
                           {"decision": "reject", "reason": "Berkas salah kabupaten"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.REJECTED and batch.error == "Berkas salah kabupaten"
    assert not Peserta.objects.exists()


@pytest.mark.parametrize("name", OUTSIDERS)
def test_area_and_non_office_roles_get_403_on_every_import_page(client, users, people, tmp_path, name):
    batch = batch_of(users["operator"], people[:2], tmp_path)
    assert batch.status == ImportBatch.Status.STAGED
    a = make_peserta(BANDAR_BINTUHAN, "Siti Satu", sex="P", serial=1)
    b = make_peserta(BANDAR_BINTUHAN, "Siti Satu", sex="P", serial=2)
    pair = DuplicatePair.objects.create(a=a, b=b, nik_a=a.nik, nik_b=b.nik, probability=0.95)
    client.force_login(users[name])
    for url in [reverse("registry:imports"), reverse("registry:import_template"),
                reverse("registry:import_detail", args=[batch.pk]),
                reverse("registry:import_findings", args=[batch.pk]),
                reverse("registry:review")]:
        response = client.get(url)
        assert response.status_code == 403, url
        assert people[0]["nik"] not in response.content.decode()
    assert upload(client, xlsx_bytes(p3ke_individu(people[2:4]), tmp_path, "b.xlsx")).status_code == 403
    assert client.post(reverse("registry:import_decide", args=[batch.pk]), {"decision": "approve"}).status_code == 403
    assert client.post(reverse("registry:import_map", args=[batch.pk]), {"nik": "NIK"}).status_code == 403
    assert client.post(reverse("registry:review_decide", args=[pair.pk]), {"decision": "different"}).status_code == 403
    assert ImportBatch.objects.count() == 1 and not Peserta.objects.filter(nik=people[0]["nik"]).exists()
    pair.refresh_from_db()
    assert pair.decision == DuplicatePair.Decision.PENDING


def test_the_auditor_reads_imports_but_cannot_upload_or_decide(client, users, people, tmp_path):
    batch = batch_of(users["operator"], people[:2], tmp_path)
    client.force_login(users["auditor"])
    response = client.get(reverse("registry:imports"))
    assert response.status_code == 200 and 'enctype="multipart/form-data"' not in response.content.decode()
    assert client.get(reverse("registry:import_detail", args=[batch.pk])).status_code == 200
    assert upload(client, xlsx_bytes(p3ke_individu(people[2:4]), tmp_path, "b.xlsx")).status_code == 403
    assert client.post(reverse("registry:import_decide", args=[batch.pk]), {"decision": "approve"}).status_code == 403
    assert ImportBatch.objects.count() == 1 and not Peserta.objects.exists()


def test_the_progress_fragment_polls_while_an_import_waits(client, users, people, tmp_path):
    batch = batch_of(users["operator"], people[:2], tmp_path, stage=False)
    client.force_login(users["operator"])
    response = client.get(reverse("registry:import_detail", args=[batch.pk]), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and 'hx-trigger="every 1s"' in body and "<html" not in body
    imports.stage(batch)
    response = client.get(reverse("registry:import_detail", args=[batch.pk]), HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true"  # done: the whole page reloads with the report, polling stops


def test_the_template_is_text_safe_with_drop_downs_indonesian_help_and_kaur_villages(client, users):
    client.force_login(users["operator"])
    response = client.get(reverse("registry:import_template"))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert {"Data", "Petunjuk", "Desa"} <= set(book.sheetnames)
    data = book["Data"]
    headers = [c.value for c in data[1]]
    letter = {h: openpyxl.utils.get_column_letter(i) for i, h in enumerate(headers, start=1)}
    assert data.column_dimensions[letter["NIK"]].number_format == "@"
    assert data.column_dimensions[letter["Kode Desa"]].number_format == "@"

    validations = {}
    for dv in data.data_validations.dataValidation:
        for cells in dv.sqref.ranges:
            assert cells.min_col == cells.max_col and cells.min_row == 2 and cells.max_row >= 1000
            validations[headers[cells.min_col - 1]] = (dv.type, dv.formula1)
    assert validations["Jenis Kelamin (L/P)"] == ("list", '"L,P"')
    assert validations["Desil"] == ("list", '"1,2,3,4,5,6,7,8,9,10"')
    assert validations["Miskin Ekstrem (Ya/Tidak)"] == ("list", '"Ya,Tidak"')
    villages = Wilayah.objects.filter(level=Level.DESA, code__startswith="17.04.").count()
    jobs = Pekerjaan.objects.filter(active=True).count()
    assert validations["Pekerjaan 1"][0] == "list" and validations["Pekerjaan 1"][1].endswith(f"$A${jobs}")
    assert validations["Kode Desa"][0] == "list" and validations["Kode Desa"][1].endswith(f"$B${villages}")
    lists = book[validations["Kode Desa"][1].split("!")[0]]
    assert {lists.cell(row=i, column=2).value for i in range(1, villages + 1)} == set(
        Wilayah.objects.filter(level=Level.DESA, code__startswith="17.04.").values_list("code", flat=True))
    assert {lists.cell(row=i, column=1).value for i in range(1, jobs + 1)} == set(
        Pekerjaan.objects.filter(active=True).values_list("name", flat=True))

    guide = " ".join(str(c.value) for c in book["Petunjuk"]["A"] if c.value)
    for words in ["Petunjuk pengisian", "16 digit", "Teks", "Jenis Kelamin: L atau P", "Tanggal Lahir", "disetujui"]:
        assert words in guide
    assert not re.search(r"\b(the|and|must|fill)\b", guide)

    desa = [[c.value for c in row] for row in book["Desa"].iter_rows()]
    assert desa[0] == ["Kode Desa", "Desa/Kelurahan", "Kecamatan"]
    assert len(desa) - 1 == villages >= 194
    assert [BANDAR_BINTUHAN, "Bandar Bintuhan", "Kaur Selatan"] in [[c, n.title(), k.title()] for c, n, k in desa[1:]]
    assert all(code.startswith("17.04.") for code, _, _ in desa[1:])


def test_a_filled_in_template_goes_through_the_import(client, users, people, tmp_path):
    client.force_login(users["operator"])
    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("registry:import_template")).content))
    data = book["Data"]
    for r, p in enumerate(people[:4], start=2):
        values = [p["nik"], p["no_kk"], p["nama"], p["jenis_kelamin"], p["tempat_lahir"],
                  p["tanggal_lahir"].strftime("%d-%m-%Y"), p["desa_id"], p["alamat"], p["telepon"],
                  Pekerjaan.objects.get(code=p["pekerjaan_1"]).name, "", "1", "Ya"]
        for c, value in enumerate(values, start=1):
            data.cell(row=r, column=c, value=value or None)
    out = io.BytesIO()
    book.save(out)
    batch = uploaded(client, out.getvalue(), "templat.xlsx")
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.STAGED, batch.error
    assert batch.source == "template"
    assert (batch.report["rows"], batch.report["errors"], batch.report["to_insert"]) == (4, 0, 4)


RENAMED = {"NIK": "Nomor KTP Warga", "Kode Kemdagri": "Kd Wil"}


def needing_a_mapping(client, users, people, tmp_path) -> ImportBatch:
    """The operator uploads three workers under headers the import does not know (NIK, village code)."""
    client.force_login(users["operator"])
    batch = uploaded(client, xlsx_bytes(p3ke_individu(people[:3]).rename(RENAMED), tmp_path, "a.xlsx"))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.NEEDS_MAPPING
    return batch


def mapped_by_hand(client, batch) -> None:
    """The operator maps the two unknown headers and saves the mapping as "P3KE desa (kolom lama)"."""
    form = {field: current for field, _, current in client.get(
        reverse("registry:import_detail", args=[batch.pk])).context["mapping"]}
    form |= {"nik": "Nomor KTP Warga", "kode_desa": "Kd Wil", "save_as": "P3KE desa (kolom lama)"}
    response = client.post(reverse("registry:import_map", args=[batch.pk]), form)
    assert response.status_code == 302 and response.url == reverse("registry:import_detail", args=[batch.pk])


def test_unknown_columns_are_mapped_by_hand_and_the_mapping_is_saved(client, users, people, tmp_path):
    batch = needing_a_mapping(client, users, people, tmp_path)
    response = client.get(reverse("registry:import_detail", args=[batch.pk]))
    body = response.content.decode()
    assert f'action="{reverse("registry:import_map", args=[batch.pk])}"' in body
    assert '<select name="nik" id="map-nik">' in body and '<option value="Nomor KTP Warga">' in body
    assert not response.context["saved"]
    form = {field: current for field, _, current in response.context["mapping"]}
    assert form["nik"] == "" and form["nama"] == "Nama"  # what was recognised is preselected

    mapped_by_hand(client, batch)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.STAGED, batch.error
    assert batch.mapping["nik"] == "Nomor KTP Warga" and batch.mapping["kode_desa"] == "Kd Wil"
    assert batch.report["rows"] == 3 and batch.report["errors"] == 0
    saved = SavedMapping.objects.get()
    assert saved.name == "P3KE desa (kolom lama)" and saved.created_by == users["operator"]
    assert Event.objects.filter(action="registry.import_remapped", target_id=str(batch.pk)).exists()


def test_a_saved_mapping_is_offered_again_for_the_same_headers_only_and_it_works(client, users, people, tmp_path):
    mapped_by_hand(client, needing_a_mapping(client, users, people, tmp_path))
    saved = SavedMapping.objects.get()
    again = uploaded(client, xlsx_bytes(p3ke_individu(people[3:6]).rename(RENAMED), tmp_path, "b.xlsx"))
    again.refresh_from_db()
    assert again.status == ImportBatch.Status.NEEDS_MAPPING
    response = client.get(reverse("registry:import_detail", args=[again.pk]))
    assert list(response.context["saved"]) == [saved]
    assert f'<option value="{saved.pk}">P3KE desa (kolom lama)</option>' in response.content.decode()
    client.post(reverse("registry:import_map", args=[again.pk]), {"saved": saved.pk})
    again.refresh_from_db()
    assert again.status == ImportBatch.Status.STAGED and again.report["to_insert"] == 3
    assert SavedMapping.objects.count() == 1

    # A file with other headers is not offered it.
    other = uploaded(client, xlsx_bytes(p3ke_individu(people[6:8]).rename({"NIK": "No Identitas"}), tmp_path, "c.xlsx"))
    response = client.get(reverse("registry:import_detail", args=[other.pk]))
    assert not response.context["saved"] and "P3KE desa (kolom lama)" not in response.content.decode()
    assert client.post(reverse("registry:import_map", args=[other.pk]), {"saved": saved.pk}).status_code == 404


def test_html_in_the_file_is_shown_escaped(client, users, people, tmp_path):
    frame = p3ke_individu(people[:3])
    p = {c: frame[c].to_list() for c in frame.columns}
    p["Nama"][0] = XSS
    p["Jenis Kelamin"][1] = XSS  # echoed in the finding's message
    p["Pekerjaan"][2] = '<img src=x onerror="alert(1)">'  # echoed in a warning
    client.force_login(users["operator"])
    batch = uploaded(client, xlsx_bytes(pl.DataFrame(p), tmp_path))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.STAGED, batch.error
    assert batch.report["errors"] == 1 and batch.report["warnings"] == 1
    for url in [reverse("registry:import_detail", args=[batch.pk]), reverse("registry:imports")]:
        body = client.get(url).content.decode()
        assert "<script>alert" not in body and "<img src=x" not in body
    body = client.get(reverse("registry:import_detail", args=[batch.pk])).content.decode()
    assert "&lt;script&gt;alert(&quot;lindung&quot;)&lt;/script&gt;" in body
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in body

    client.force_login(users["admin"])
    client.post(reverse("registry:import_decide", args=[batch.pk]), {"decision": "approve"})
    worker = Peserta.objects.get(nik=people[0]["nik"])
    assert worker.nama == XSS  # stored as given, escaped when shown
    twin = make_peserta(worker.desa_id, "Orang Lain", sex=worker.jenis_kelamin, born=worker.tanggal_lahir, serial=9990)
    DuplicatePair.objects.create(a=worker, b=twin, nik_a=worker.nik, nik_b=twin.nik, probability=0.93)
    body = client.get(reverse("registry:review")).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&quot;lindung&quot;)&lt;/script&gt;" in body


def two_probable_duplicates(client, users, people, tmp_path) -> dict[str, DuplicatePair]:
    """Two workers approved, then the same two again under a mistyped NIK serial (the first with another
    address), approved too: two pending pairs, by the first twelve digits of the NIK."""
    client.force_login(users["operator"])
    first = uploaded(client, xlsx_bytes(p3ke_individu(people[:2]), tmp_path, "a.xlsx"))
    client.force_login(users["admin"])
    client.post(reverse("registry:import_decide", args=[first.pk]), {"decision": "approve"})
    assert Peserta.objects.count() == 2
    twins = []
    for i, person in enumerate(people[:2]):
        serial = int(person["nik"][12:]) % 9999 + 1
        twins.append(dict(person, nik=person["nik"][:12] + f"{serial:04d}",
                          alamat=person["alamat"] if i else "Dusun Lain RT 009"))
    client.force_login(users["operator"])
    second = uploaded(client, xlsx_bytes(p3ke_individu(twins), tmp_path, "b.xlsx"))
    second.refresh_from_db()
    assert second.report["probable_duplicates"] == 2
    client.force_login(users["admin"])
    client.post(reverse("registry:import_decide", args=[second.pk]), {"decision": "approve"})
    assert DuplicatePair.objects.filter(decision=DuplicatePair.Decision.PENDING).count() == 2
    client.force_login(users["operator"])
    return {p.nik_a[:12]: p for p in DuplicatePair.objects.all()}


def test_the_review_queue_shows_each_pair_side_by_side_with_the_differences_marked(client, users, people, tmp_path):
    two_probable_duplicates(client, users, people, tmp_path)
    response = client.get(reverse("registry:review"))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('data-testid="pair"') == 2
    marked = {}
    for pair, fields in response.context["rows"]:
        marked[pair.nik_a[:12]] = {str(label) for label, _, _, differs in fields if differs}
        assert {pair.a.nik, pair.b.nik} == {pair.nik_a, pair.nik_b}
        for label, a, b, differs in fields:
            assert differs == (a != b)
    with_address = people[0]["nik"][:12]
    assert len(marked[with_address]) == 2 and "NIK" in marked[with_address]  # NIK and address
    assert marked[people[1]["nik"][:12]] == {"NIK"}
    assert body.count('<tr class="differs">') == 3
    assert re.search(r'<tr class="differs"><th>NIK</th><td>\d{16}</td><td>\d{16}</td></tr>', body)
    for pair, _ in response.context["rows"]:
        assert reverse("registry:review_decide", args=[pair.pk]) in body


def test_a_pair_is_merged_or_dismissed_once_and_leaves_the_queue(client, users, people, tmp_path):
    pairs = two_probable_duplicates(client, users, people, tmp_path)
    merged, dismissed = pairs[people[0]["nik"][:12]], pairs[people[1]["nik"][:12]]
    keep = people[0]["nik"]
    response = client.post(reverse("registry:review_decide", args=[merged.pk]), {"decision": "same", "keep": keep})
    assert response.status_code == 302 and response.url == reverse("registry:review")
    merged.refresh_from_db()
    assert merged.decision == DuplicatePair.Decision.SAME and merged.decided_by == users["operator"]
    gone = merged.nik_b if keep == merged.nik_a else merged.nik_a
    assert Peserta.objects.filter(nik=keep).exists() and not Peserta.objects.filter(nik=gone).exists()

    client.post(reverse("registry:review_decide", args=[dismissed.pk]), {"decision": "different"})
    dismissed.refresh_from_db()
    assert dismissed.decision == DuplicatePair.Decision.DIFFERENT
    assert DismissedPair.objects.filter(nik_a=dismissed.nik_a, nik_b=dismissed.nik_b).exists()
    assert Peserta.objects.count() == 3
    assert client.get(reverse("registry:review")).content.decode().count('data-testid="pair"') == 0

    # A decided pair cannot be decided again; the page says so instead of failing.
    response = client.post(reverse("registry:review_decide", args=[dismissed.pk]), {"decision": "different"},
                           follow=True)
    assert response.status_code == 200 and "sudah diputuskan" in response.content.decode()
    assert client.post(reverse("registry:review_decide", args=[99999]), {"decision": "different"}).status_code == 404


def test_the_auditor_sees_the_queue_without_the_buttons_and_cannot_decide(client, users):
    a = make_peserta(BANDAR_BINTUHAN, "Rina Satu", sex="P", serial=31, born=date(1990, 1, 2))
    b = make_peserta(BANDAR_BINTUHAN, "Rina Satu", sex="P", serial=32, born=date(1990, 1, 2))
    pair = DuplicatePair.objects.create(a=a, b=b, nik_a=a.nik, nik_b=b.nik, probability=0.97)
    client.force_login(users["auditor"])
    body = client.get(reverse("registry:review")).content.decode()
    assert 'data-testid="pair"' in body and reverse("registry:review_decide", args=[pair.pk]) not in body
    assert client.post(reverse("registry:review_decide", args=[pair.pk]), {"decision": "different"}).status_code == 403
    pair.refresh_from_db()
    assert pair.decision == DuplicatePair.Decision.PENDING


def test_approving_a_file_the_register_overtook_shows_the_new_check_not_an_error(client, users, people, tmp_path):
    client.force_login(users["operator"])
    content = xlsx_bytes(p3ke_individu(people[:4]), tmp_path)
    first, second = uploaded(client, content), uploaded(client, content, "lagi.xlsx")
    detail = reverse("registry:import_detail", args=[second.pk])
    assert 'data-testid="import-same-file"' in client.get(detail).content.decode()  # the same bytes as the first

    client.force_login(users["admin"])
    client.post(reverse("registry:import_decide", args=[first.pk]), {"decision": "approve"})
    response = client.post(reverse("registry:import_decide", args=[second.pk]), {"decision": "approve"}, follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Register berubah sejak berkas ini diperiksa" in body and "0 baru, 4 diperbarui" in body
    assert 'data-testid="import-rechecked"' in body and response.context["can_decide"]
    second.refresh_from_db()
    assert second.status == ImportBatch.Status.STAGED and Peserta.objects.count() == 4
    client.post(reverse("registry:import_decide", args=[second.pk]), {"decision": "approve"})
    second.refresh_from_db()
    assert second.status == ImportBatch.Status.COMMITTED and second.report["updated"] == 4
