"""The findings workbook is the uploaded file itself, every column kept, with the findings in words beside each
row: correct the marked cell and it goes in again as a new import."""

import io

import openpyxl
import pytest
from django.urls import reverse

from lindung.pipeline.samples import p3ke_individu, write_xlsx
from lindung.registry.demo import generate_workers, villages_of
from lindung.registry.models import ImportBatch

pytestmark = pytest.mark.usefixtures("import_settings")
CODES = ("nik_length", "age_too_old", "error", "warning")


def upload(client, content: bytes, name: str) -> ImportBatch:
    f = io.BytesIO(content)
    f.name = name
    before = set(ImportBatch.objects.values_list("pk", flat=True))
    client.post(reverse("registry:imports"), {"file": f, "source": "auto"})
    return ImportBatch.objects.exclude(pk__in=before).get()


def test_fix_the_broken_nik_in_the_findings_file_and_upload_it_again(client, users, kaur, tmp_path):
    people = generate_workers(villages_of("17.04"), 6, 11, other_kecamatan=[])
    frame = p3ke_individu(people)
    good_nik = people[1]["nik"]
    frame = frame.with_columns(frame["NIK"].scatter(1, good_nik[:13]))  # row 4 of the file (title row above)
    original = write_xlsx(frame, tmp_path / "p3ke.xlsx", title_rows=["DATA P3KE KAUR"]).read_bytes()
    client.force_login(users["operator"])
    first = upload(client, original, "p3ke.xlsx")
    assert first.status == ImportBatch.Status.STAGED and first.report["errors"] == 1

    response = client.get(reverse("registry:import_findings", args=[first.pk]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    data = book["Data"]
    header_row = 2  # the header keeps its row below the title, so each row keeps the number the findings give
    headers = [c.value for c in data[header_row]]
    assert headers[: len(frame.columns)] == frame.columns  # all 19 of the file's columns, in its order
    assert headers[len(frame.columns):] == ["Tingkat temuan", "Temuan"]
    finding_row = book["Temuan"]["A2"].value
    assert finding_row == 4 and data.cell(row=finding_row, column=headers.index("NIK") + 1).value == good_nik[:13]
    for col, name in enumerate(frame.columns, start=1):  # every cell of every row as uploaded
        assert [data.cell(row=r, column=col).value for r in range(3, 3 + len(people))] == frame[name].to_list()
    assert data.cell(row=4, column=len(frame.columns) + 1).value == "Kesalahan"
    assert data.cell(row=4, column=len(frame.columns) + 2).value.startswith("NIK: ")
    assert data.cell(row=3, column=len(frame.columns) + 1).value is None
    words = [c.value for sheet in book for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert not any(w in CODES for w in words)
    assert not any(code in w for w in words for code in CODES[:2])

    data.cell(row=4, column=headers.index("NIK") + 1).value = good_nik  # the clerk's correction
    fixed = io.BytesIO()
    book.save(fixed)
    second = upload(client, fixed.getvalue(), "p3ke-diperbaiki.xlsx")
    assert second.status == ImportBatch.Status.STAGED, second.error
    assert second.report["rows"] == 6 and second.report["errors"] == 0 and second.report["valid"] == 6
