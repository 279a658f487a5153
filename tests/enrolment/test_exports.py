"""The exports of item 5 (issue 16): a programme's members, all its registration files in one zip, the plan's
covered and not-covered people with the reason, the outbox; each read back, scoped, audited."""

import io
import zipfile
from datetime import date

import openpyxl
from django.urls import reverse

from lindung.audit.models import Event
from lindung.enrolment import services
from lindung.notify.models import Message
from lindung.selfpay import services as selfpay
from tests.conftest import KAUR_SELATAN


def table(content: bytes, sheet=None) -> tuple[list, list[list]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    ws = book[sheet] if sheet else book.active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if "NIK" in r)
    nik = rows[start].index("NIK")
    assert all(ws.cell(row=start + 2 + i, column=nik + 1).data_type == "s" for i in range(len(rows) - start - 1))
    return rows[start], [r for r in rows[start + 1:] if any(v is not None for v in r)]


def test_members_xlsx_with_filters_scoped_and_audited(client, users, planned):
    client.force_login(users["camat"])
    url = reverse("enrolment:members_xlsx", args=[planned.code])
    header, rows = table(client.get(url).content)
    expected = planned.memberships.filter(peserta__desa__parent_id=KAUR_SELATAN)
    assert sorted(r[header.index("NIK")] for r in rows) == sorted(expected.values_list("peserta__nik", flat=True))
    assert {r[header.index("Status pendaftaran")] for r in rows} == {"Calon"}
    client.force_login(users["admin"])
    header, rows = table(client.get(url, {"kecamatan": "17.04.01"}).content)
    assert {r[header.index("Kecamatan")] for r in rows} == {"Kinal"} and rows
    event = Event.objects.filter(action="enrolment.members_downloaded").latest("pk")
    assert event.actor == users["admin"] and "kecamatan=17.04.01" in event.summary
    assert Event.objects.filter(action="enrolment.members_downloaded").count() == 2


def test_all_registration_files_in_one_zip(client, users, planned):
    client.force_login(users["operator"])
    assert client.get(reverse("enrolment:batches_zip", args=[planned.code])).status_code == 404  # none made yet
    batches = services.submit_registration(users["operator"], planned)
    response = client.get(reverse("enrolment:batches_zip", args=[planned.code]))
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert len(archive.namelist()) == len(batches) == 2
    niks = []
    for name in archive.namelist():
        header, rows = table(archive.read(name))
        niks += [r[header.index("NIK")] for r in rows]
    assert sorted(niks) == sorted(planned.memberships.values_list("peserta__nik", flat=True))
    assert "2 berkas" in Event.objects.get(action="enrolment.registration_zip_downloaded").summary
    client.force_login(users["camat"])  # his kecamatan's file only
    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("enrolment:batches_zip", args=[planned.code])).content))
    assert [n for n in archive.namelist()] == [n for n in archive.namelist() if "Kaur-Selatan" in n] and archive.namelist()


def test_plan_xlsx_has_covered_and_not_covered_with_the_reason(client, users, planned):
    scenario = planned.plan
    client.force_login(users["admin"])
    response = client.get(reverse("programs:scenario_xlsx", args=[planned.code, scenario.number]))
    header, rows = table(response.content)
    lines = scenario.lines.all()
    assert sorted(r[header.index("NIK")] for r in rows) == sorted(lines.values_list("peserta__nik", flat=True))
    covered = [r for r in rows if r[header.index("Terlindungi")] == "Ya"]
    uncovered = [r for r in rows if r[header.index("Terlindungi")] == "Tidak"]
    assert len(covered) == lines.filter(first__isnull=False).count() == 5 and len(uncovered) == 1
    assert uncovered[0][header.index("Nama")] == "Siti Pedagang"
    assert "anggaran" in uncovered[0][header.index("Alasan")] and "urutan 6" in uncovered[0][header.index("Alasan")]
    assert covered[0][header.index("Alasan")].startswith("Dibiayai 01-2025")
    assert Event.objects.get(action="programs.plan_downloaded").target_id == str(scenario.pk)
    client.force_login(users["desa"])  # his village only
    header, rows = table(client.get(reverse("programs:scenario_xlsx", args=[planned.code, scenario.number])).content)
    assert {r[header.index("Desa")] for r in rows} == {"Bandar Bintuhan"}


def test_outbox_xlsx(client, users, funded, settings, tmp_path, monkeypatch):  # noqa: F811
    from lindung.notify import services as outbox

    settings.LINDUNG_OUTBOX_FILE = tmp_path / "outbox.jsonl"
    monkeypatch.setattr(outbox, "current_day", lambda: date(2025, 3, 20))
    selfpay.prepare_messages(users["operator"], funded)
    client.force_login(users["camat"])
    response = client.get(reverse("notify:outbox_xlsx"), {"status": "queued"})
    header, rows = table(response.content)
    expected = Message.objects.filter(peserta__desa__parent_id=KAUR_SELATAN, status="queued")
    assert expected.exists()
    assert sorted(r[header.index("NIK")] for r in rows) == sorted(expected.values_list("peserta__nik", flat=True))
    assert {r[header.index("Status")] for r in rows} == {"Dalam antrean"}
    assert rows[0][header.index("Teks")] == expected.get(peserta__nik=rows[0][header.index("NIK")]).text
    assert "status=queued" in Event.objects.get(action="notify.outbox_downloaded").summary
