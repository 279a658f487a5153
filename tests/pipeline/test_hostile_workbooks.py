"""Hostile workbooks (issue 17): a few KB that ask the parser for gigabytes end in a message naming the problem,
through every reader, and the process that read them lives on (sandbox.py tries them in a child first)."""

import io
import time
import zipfile

import openpyxl
import pytest

from lindung.pipeline import sandbox
from lindung.pipeline.bpjs_status import read_status
from lindung.pipeline.deaths import read_deaths
from lindung.pipeline.invoice import read_invoice
from lindung.pipeline.kpj import read_answer
from lindung.pipeline.readers import ReadError, read_file

READERS = {"register": read_file, "bpjs_answer": read_answer, "bpjs_status": read_status, "deaths": read_deaths,
           "invoice": lambda path: read_invoice(path.read_bytes())}


def far_cell(tmp_path, ref: str):
    """A 5 KB xlsx: a header row and one cell at ``ref``; the parser fills the rectangle from A1 to it."""
    book = openpyxl.Workbook()
    book.active.append(["NIK", "Nama", "No. KPJ", "Status", "Tanggal Meninggal"])
    book.active[ref] = "x"
    book.save(path := tmp_path / f"jauh-{ref}.xlsx")
    return path


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("ref", ["XFD1048576", "AX400000"])  # 512 GB asked for; 20 million cells (1.3 GB as text)
def test_a_cell_far_away_is_refused_by_every_reader(tmp_path, reader, ref):
    path = far_cell(tmp_path, ref)
    assert path.stat().st_size < 10_000
    started = time.monotonic()
    with pytest.raises(ReadError) as refused:
        READERS[reader](path)
    assert refused.value.code == "too_big" and "terlalu besar" in str(refused.value)
    assert time.monotonic() - started < 30


def test_the_child_stops_at_its_memory_limit_and_at_the_cell_count(tmp_path):
    data = far_cell(tmp_path, "XFD1048576").read_bytes()
    with pytest.raises(sandbox.TooBig, match="ended with"):  # the allocation failed under the address-space limit
        sandbox.check(data, max_cells=10**12)
    small = far_cell(tmp_path, "Z1000").read_bytes()  # 26,000 cells: read, unless fewer are allowed
    sandbox.check(small)
    with pytest.raises(sandbox.TooBig, match="26 x 1000"):
        sandbox.check(small, max_cells=25_999)


def test_nested_entities_are_not_expanded(tmp_path):
    """The "billion laughs": ten levels of ten references to the level below, in the shared strings."""
    good = io.BytesIO()
    book = openpyxl.Workbook()
    book.active.append(["NIK", "Nama"])
    book.active.append(["1704051705800001", "Siti"])
    book.save(good)
    entities = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10 if i else "lol"}">' for i in range(10))
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path := tmp_path / "tawa.xlsx", "w") as hostile:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>",
                                          f'<?xml version="1.0"?><!DOCTYPE x [{entities}]>'.encode())
                content = content.replace(b"Siti", b"&l9;")
            hostile.writestr(item, content)
    started = time.monotonic()
    try:
        names = read_file(path).frame["nama"].to_list()
    except ReadError as refused:
        assert refused.code in {"unreadable", "too_big"}
    else:
        assert all(len(name or "") < 1000 for name in names)
    assert time.monotonic() - started < 30


@pytest.mark.parametrize("reader", READERS)
def test_a_zip_bomb_is_refused_from_the_archives_directory_by_every_reader(tmp_path, reader):
    """A sheet padded to 60 MB that packs to a few hundred KB: refused before anything is unpacked."""
    good = io.BytesIO()
    book = openpyxl.Workbook()
    book.active.append(["NIK", "Nama", "No. KPJ", "Status", "Tanggal Meninggal"])
    book.save(good)
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path := tmp_path / "bom.xlsx", "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"</worksheet>", b" " * (60 * 2**20) + b"</worksheet>")
            bomb.writestr(item.filename, content)
    assert path.stat().st_size < 1_000_000
    started = time.monotonic()
    with pytest.raises(ReadError) as refused:
        READERS[reader](path)
    assert refused.value.code == "too_big"
    assert time.monotonic() - started < 5


def test_the_archive_check_counts_every_part_and_leaves_other_files_to_the_child():
    with pytest.raises(sandbox.TooBig, match="unpacks to"):
        sandbox.archive(zipped({"a.xml": b"<a/>" * 300_000, "b.xml": b"<b/>" * 300_000}), max_unpacked_mb=2)
    sandbox.archive(zipped({"a.xml": b"<a/>" * 300_000}), max_unpacked_mb=2)  # 1.2 MB: within
    sandbox.archive(b"NIK;Nama\n")  # not a zip: the child reads it


def zipped(parts: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_a_damaged_workbook_is_unreadable_not_too_big(tmp_path):
    (path := tmp_path / "rusak.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 2000)
    with pytest.raises(ReadError) as refused:
        read_file(path)
    assert refused.value.code == "unreadable"
