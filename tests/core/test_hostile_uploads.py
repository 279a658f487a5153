"""Hostile files through every page that takes a spreadsheet from a clerk: BPJS's answer, its status file, its
invoice, the civil registry's death list and the register import. Each ends in a page that says what is wrong,
nothing in the database changes, and the process that read it is still here to answer the next request."""

import io
import zipfile

import openpyxl
import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lindung.registry.models import ImportBatch


def far_cell() -> bytes:
    """1.6 KB on disk; asks the parser for 512 GB (it fills the rectangle from A1 to XFD1048576)."""
    book = openpyxl.Workbook()
    book.active.append(["NIK", "No. KPJ", "Nama", "Status", "Jumlah"])
    book.active["XFD1048576"] = "x"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zip_bomb() -> bytes:
    """A sheet padded to 60 MB that packs to a few hundred KB."""
    source, out = zipfile.ZipFile(io.BytesIO(far_cell())), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"</worksheet>", b" " * (60 * 2**20) + b"</worksheet>")
            bomb.writestr(item.filename, content)
    return out.getvalue()


HOSTILE = {"far_cell": far_cell, "zip_bomb": zip_bomb,
           "utf16_binary": lambda: b"\xff\xfe" + "NIK\tNama\n".encode("utf-16-le") + b"\x00\xd8",  # a broken half
           "renamed_pdf": lambda: b"%PDF-1.7 bukan tabel"}


def counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label in (
        "registry", "enrolment", "payments", "selfpay", "life", "notify", "claims")}


def pages(code: str) -> dict[str, str]:
    return {"answer": reverse("enrolment:answer", kwargs={"code": code}),
            "status": reverse("selfpay:status_file", kwargs={"code": code}),
            "invoice": reverse("payments:reconciliation", kwargs={"code": code, "month": "2025-01"}),
            "deaths": reverse("life:death_list")}


@pytest.mark.parametrize("hostile", HOSTILE)
@pytest.mark.parametrize("upload", ["answer", "status", "invoice", "deaths"])
def test_a_hostile_file_on_a_bpjs_or_civil_registry_page_says_why_and_changes_nothing(client, users, funded, upload,
                                                                                      hostile):
    client.force_login(users["operator"])
    before = counts()
    refused = client.post(pages(funded.code)[upload], {"file": SimpleUploadedFile("berkas.xlsx", HOSTILE[hostile]())})
    body = refused.content.decode()
    assert refused.status_code in (200, 400, 422) and ("terlalu besar" in body or "bukan Excel" in body
                                                       or "tidak dapat dibaca" in body or "rusak" in body), body[:3000]
    assert counts() == before
    assert client.get(pages(funded.code)[upload] if upload == "deaths" else reverse("home")).status_code == 200


@pytest.mark.parametrize("hostile", HOSTILE)
def test_a_hostile_register_file_ends_its_import_failed_with_the_reason(client, users, import_settings, hostile):
    client.force_login(users["operator"])
    before = counts()
    client.post(reverse("registry:imports"), {"file": SimpleUploadedFile("p3ke.xlsx", HOSTILE[hostile]()),
                                              "source": "auto"})
    batch = ImportBatch.objects.get()  # checked in the background: the test settings run it at once
    assert batch.status == ImportBatch.Status.FAILED and len(batch.error) > 30
    batches = ("registry.ImportBatch", "registry.HistoricalImportBatch")  # the failed import and its history
    assert {k: v for k, v in counts().items() if k not in batches} == {
        k: v for k, v in before.items() if k not in batches}
    page = client.get(reverse("registry:import_detail", kwargs={"pk": batch.pk})).content.decode()
    assert batch.error[:40] in page
