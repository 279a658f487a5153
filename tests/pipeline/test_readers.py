"""Reading registry files: source detection, column mapping, formats, numeric NIK cells, refusals.

Every fixture file is generated in tmp_path; no database is needed.
"""

import datetime
import random
import zipfile

import polars as pl
import pytest
import xlsxwriter

from lindung.pipeline.readers import KNOWN_KEYS, ReadError, all_tables, read_file
from lindung.pipeline.schema import FIELDS, NIK_NUMBER_CELL, REQUIRED, ROW
from lindung.pipeline.sources import TEMPLATE_HEADERS, detect_source, key, map_headers

NIK_1 = "1704055705800001"  # a woman born 17-05-1980 (day + 40)
NIK_2 = "1704051203950002"

KELUARGA = ["ID Keluarga P3KE", "Provinsi", "Kabupaten/Kota", "Kecamatan", "Desa/Kelurahan", "Kode Kemdagri",
            "Desil Kesejahteraan", "Alamat", "Kepala Keluarga", "NIK", "Padan Dukcapil", "Jenis Kelamin",
            "Tanggal Lahir", "Pekerjaan", "Pendidikan", "Penerima PKH", "Penerima BPNT"]
INDIVIDU = KELUARGA + ["ID Individu", "Nama", "Hubungan dengan Kepala Keluarga", "Status Kawin",
                       "Status Pekerjaan", "Usia 0-6 Tahun", "Usia 7-12 Tahun", "Usia Produktif"]
DTSEN = ["ID Keluarga", "NIK", "No KK", "Nama Lengkap", "Jenis Kelamin", "Tanggal Lahir", "Tempat Lahir",
         "Kode Wilayah", "Alamat", "Peringkat Desil", "Pekerjaan Utama", "Hubungan Keluarga", "No HP"]


def write_csv(path, rows, sep=",", encoding="utf-8", bom=False):
    text = "\r\n".join(sep.join(row) for row in rows) + "\r\n"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding))
    return path


def write_xlsx(path, sheets):
    """sheets: {name: [(row, col, value or callable(ws, row, col))]}."""
    wb = xlsxwriter.Workbook(path)
    for name, cells in sheets.items():
        ws = wb.add_worksheet(name)
        for r, c, v in cells:
            v(ws, r, c) if callable(v) else ws.write_string(r, c, v)
    wb.close()
    return path


def grid(top, rows):
    """Cells for a table whose first row (the header) sits at 0-based row `top`."""
    return [(top + r, c, v) for r, row in enumerate(rows) for c, v in enumerate(row) if v is not None]


# --- source detection and header mapping -------------------------------------------------------


@pytest.mark.parametrize(
    "headers, source",
    [
        (KELUARGA, "p3ke_keluarga"),
        (list(reversed(KELUARGA)), "p3ke_keluarga"),
        (["ID_KELUARGA_P3KE", "KODE KEMENDAGRI", "Kepala  Keluarga", "NIK Kepala Keluarga", "Tgl. Lahir",
          "JENIS_KELAMIN", "Desil", "Padan Dukcapil"], "p3ke_keluarga"),
        (INDIVIDU, "p3ke_individu"),
        (random.Random(3).sample(INDIVIDU, len(INDIVIDU)), "p3ke_individu"),
        (["ID Individu", "ID Keluarga P3KE", "Nama Anggota Keluarga", "NIK", "TGL_LAHIR", "Kode Kemdagri"],
         "p3ke_individu"),
        (DTSEN, "dtsen"),
        (["NIK", "Nama Lengkap", "No. KK", "Kode Desa", "Desil Nasional", "Hubungan Keluarga", "Tgl Lahir",
          "Jenis Kelamin", "ID Keluarga"], "dtsen"),
        (TEMPLATE_HEADERS, "template"),
        (list(reversed(TEMPLATE_HEADERS)), "template"),
        (["nik", "nama", "tanggal lahir"], "unknown"),
    ],
)
def test_source_is_detected_from_its_headers(headers, source):
    assert detect_source(headers) == source


def test_header_key_ignores_case_spacing_and_punctuation():
    assert {key(h) for h in ["Tanggal  Lahir", "TANGGAL_LAHIR", " tanggal lahir "]} == {"tanggal lahir"}
    assert key("Tgl. Lahir") == key("Tgl Lahir")
    assert key("Jenis Kelamin (L/P)") == key("jenis kelamin l p")


def test_p3ke_family_file_maps_the_head_of_household():
    mapped, unknown, missing = map_headers(KELUARGA, None, None)
    assert mapped["nama"] == "Kepala Keluarga"
    assert (mapped["nik"], mapped["kode_desa"], mapped["desil"]) == ("NIK", "Kode Kemdagri", "Desil Kesejahteraan")
    assert mapped["id_keluarga"] == "ID Keluarga P3KE"
    assert missing == []
    assert "Penerima PKH" in unknown and "Kepala Keluarga" not in unknown


def test_p3ke_individual_file_maps_the_person_not_the_head():
    mapped, unknown, missing = map_headers(INDIVIDU, None, None)
    assert (mapped["nama"], mapped["nik"], mapped["hubungan"]) == ("Nama", "NIK", "Hubungan dengan Kepala Keluarga")
    assert "Kepala Keluarga" in unknown and missing == []


def test_dtsen_variants_map():
    mapped, _, missing = map_headers(DTSEN, None, None)
    assert (mapped["kode_desa"], mapped["desil"], mapped["telepon"]) == ("Kode Wilayah", "Peringkat Desil", "No HP")
    assert (mapped["no_kk"], mapped["pekerjaan"], mapped["id_keluarga"]) == ("No KK", "Pekerjaan Utama", "ID Keluarga")
    assert missing == []


def test_template_maps_every_column_including_both_occupations():
    mapped, unknown, missing = map_headers(TEMPLATE_HEADERS, None, None)
    assert (mapped["pekerjaan"], mapped["pekerjaan_2"]) == ("Pekerjaan 1", "Pekerjaan 2")
    assert unknown == [] and missing == []
    assert set(mapped) == set(FIELDS) - {"id_keluarga", "hubungan"} | {"pekerjaan_2"}


def test_manual_mapping_overrides_the_spellings():
    headers = ["No Identitas", "Nama", "Nama Panggilan", "Lahir", "JK", "Kode Kemdagri"]
    mapped, unknown, missing = map_headers(headers, None, None)
    assert missing == ["nik", "tanggal_lahir"] and mapped["nama"] == "Nama"

    manual = {"nik": "No Identitas", "nama": "Nama Panggilan", "tanggal_lahir": "lahir", "kode_desa": None}
    mapped, unknown, missing = map_headers(headers, None, manual)
    assert (mapped["nik"], mapped["nama"], mapped["tanggal_lahir"]) == ("No Identitas", "Nama Panggilan", "Lahir")
    assert "kode_desa" not in mapped and missing == ["kode_desa"]  # deliberately unmapped
    assert set(unknown) == {"Nama", "Kode Kemdagri"}


# --- reading files ----------------------------------------------------------------------------


def p3ke_rows():
    row1 = ["P3KE-001", "BENGKULU", "KAUR", "KAUR SELATAN", "SEKUNYIT", "1704052009", "1", "Dusun I",
            "Ni Luh Putu Sriasih", NIK_1, "Padan", "Perempuan", "17-05-1980", "Petani", "SD", "Ya", "Tidak"]
    row2 = ["P3KE-002", "BENGKULU", "KAUR", "KAUR SELATAN", "SEKUNYIT", "1704052009", "2", "Dusun II",
            "Budi Santoso", NIK_2, "Padan", "Laki-laki", "12-03-1995", "Nelayan", "SMP", "Tidak", "Ya"]
    return row1, row2


def test_xlsx_header_below_title_rows_on_the_right_sheet(tmp_path):
    row1, row2 = p3ke_rows()
    path = write_xlsx(tmp_path / "p3ke.xlsx", {
        "Petunjuk": grid(0, [["Data ini rahasia"], ["Nama", "Keterangan"]]),
        "Data P3KE": [(0, 0, "DATA P3KE KABUPATEN KAUR"), (1, 0, "Sumber: Kemenko PMK 2022")]
        + grid(2, [KELUARGA, row1, [None] * len(KELUARGA), row2]),
    })
    result = read_file(path)
    assert (result.sheet, result.header_row, result.source) == ("Data P3KE", 3, "p3ke_keluarga")
    frame = result.frame
    assert frame.columns == [*FIELDS, ROW, NIK_NUMBER_CELL]
    assert frame[ROW].to_list() == [4, 6]  # the empty Excel row 5 is dropped, the numbers hold
    assert frame["nik"].to_list() == [NIK_1, NIK_2]
    assert frame["nama"].to_list() == ["Ni Luh Putu Sriasih", "Budi Santoso"]
    assert frame["kode_desa"].to_list() == ["1704052009"] * 2
    assert frame[NIK_NUMBER_CELL].to_list() == [False, False]
    assert result.missing_required == [] and "Penerima BPNT" in result.unknown_columns


def test_every_column_is_text(tmp_path):
    path = write_csv(tmp_path / "t.csv", [TEMPLATE_HEADERS, [NIK_1, "1704050101010001", "Ani", "P", "Kaur",
                                                             "17-05-1980", "17.04.05.2009", "Jl. 1", "0812", "Petani",
                                                             "", "1", "Ya"]])
    frame = read_file(path).frame
    assert dict(frame.schema) == {**{f: pl.Utf8 for f in FIELDS}, ROW: pl.Int64, NIK_NUMBER_CELL: pl.Boolean}
    assert frame["desil"].to_list() == ["1"] and frame["pekerjaan"].to_list() == ["Petani"]


def test_csv_with_semicolons_and_bom(tmp_path):
    path = write_csv(tmp_path / "dtsen.csv", [DTSEN, [
        "K1", NIK_1, "1704050101010001", "Ni Luh Putu Sriasih", "P", "17/05/1980", "Kaur", "17.04.05.2009",
        "Jl. Raya, Bintuhan", "3", "Petani", "Kepala Keluarga", "081234567890",
    ]], sep=";", bom=True)
    result = read_file(path)
    assert result.source == "dtsen" and result.headers["nik"] == "NIK"  # the BOM is not part of the header
    row = result.frame.row(0, named=True)
    assert (row["nik"], row["alamat"], row["desil"], row[ROW]) == (NIK_1, "Jl. Raya, Bintuhan", "3", 2)


def test_csv_in_windows_1252(tmp_path):
    rows = [["NIK", "Nama", "Tanggal Lahir", "Jenis Kelamin", "Kode Desa"],
            [NIK_1, "Ni Luh Putu Sriasih", "17-05-1980", "P", "1704052009"],
            [NIK_2, "André O’Neil", "12-03-1995", "L", "1704052009"]]
    result = read_file(write_csv(tmp_path / "cp.csv", rows, encoding="cp1252"))
    assert result.frame["nama"].to_list() == ["Ni Luh Putu Sriasih", "André O’Neil"]


def test_excels_unicode_text_utf16_with_tabs(tmp_path):
    """Excel's "Unicode Text (*.txt)": UTF-16 with its byte-order mark, columns split by tabs."""
    rows = [["NIK", "Nama", "Tanggal Lahir", "Jenis Kelamin", "Kode Desa"],
            [NIK_1, "Ni Luh Putu Sriasih", "17-05-1980", "P", "1704052009"],
            [NIK_2, "André O’Neil", "12-03-1995", "L", "1704052009"]]
    result = read_file(write_csv(tmp_path / "unicode.txt", rows, sep="\t", encoding="utf-16"))
    assert result.frame["nama"].to_list() == ["Ni Luh Putu Sriasih", "André O’Neil"]
    assert result.frame["nik"].to_list() == [NIK_1, NIK_2]


def test_csv_values_are_stripped_and_blank_lines_keep_row_numbers(tmp_path):
    text = f"Daftar penerima\nNIK,Nama\n {NIK_1} ,  Ani  \n\n,\n{NIK_2},\n"
    (path := tmp_path / "x.csv").write_text(text)
    result = read_file(path)
    assert result.header_row == 2
    assert result.frame.select("nik", "nama", ROW).rows() == [(NIK_1, "Ani", 3), (NIK_2, None, 6)]


def test_numeric_nik_cell_is_flagged_and_text_nik_survives_exactly(tmp_path):
    path = write_xlsx(tmp_path / "n.xlsx", {"S": [
        (0, 0, "NIK"), (0, 1, "Nama"),
        (1, 0, lambda ws, r, c: ws.write_number(r, c, 1704051705800001)), (1, 1, "Angka"),
        (2, 0, NIK_1), (2, 1, "Teks"),
        (3, 0, "3273015708900009"), (3, 1, "Di atas 2^53"),
    ]})
    frame = read_file(path).frame
    assert frame["nik"].to_list() == ["1704051705800001", NIK_1, "3273015708900009"]
    assert frame[NIK_NUMBER_CELL].to_list() == [True, False, False]


@pytest.mark.parametrize("nik, number", [
    ("1.70405E+15", True), ("1,70405E+15", True), ("1704051705800001.0", True), (NIK_1, False), ("abc", False),
])
def test_csv_nik_that_went_through_a_number_cell(tmp_path, nik, number):
    path = write_csv(tmp_path / "n.csv", [["NIK", "Nama"], [f'"{nik}"', "Ani"]])
    frame = read_file(path).frame
    assert frame["nik"].to_list() == [nik] and frame[NIK_NUMBER_CELL].to_list() == [number]


def test_ods_is_read_by_content(tmp_path):
    cell = '<table:table-cell office:value-type="{}" {}><text:p>{}</text:p></table:table-cell>'
    rows = [[("string", "", "NIK"), ("string", "", "Nama")],
            [("float", 'office:value="1704051705800001"', "1704051705800001"), ("string", "", "Ani")],
            [("string", "", NIK_1), ("string", "", "Budi")]]
    body = "".join("<table:table-row>" + "".join(cell.format(*c) for c in row) + "</table:table-row>" for row in rows)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
        f'<office:spreadsheet><table:table table:name="Data">{body}</table:table></office:spreadsheet>'
        "</office:body></office:document-content>"
    )
    path = tmp_path / "data.bin"  # the name says nothing
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", (
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
        ))
        z.writestr("content.xml", content)
    frame = read_file(path).frame
    assert frame.select("nik", "nama", ROW, NIK_NUMBER_CELL).rows() == [
        ("1704051705800001", "Ani", 2, True), (NIK_1, "Budi", 3, False)]


def test_format_comes_from_content_not_extension(tmp_path):
    xlsx = write_xlsx(tmp_path / "data.csv", {"S": grid(0, [["NIK", "Nama"], [NIK_1, "Ani"]])})
    csv = write_csv(tmp_path / "data.xlsx", [["NIK", "Nama"], [NIK_2, "Budi"]])
    assert read_file(xlsx).frame["nik"].to_list() == [NIK_1]
    assert read_file(csv).frame["nik"].to_list() == [NIK_2]


def test_template_occupations_are_joined(tmp_path):
    base = [NIK_1, "", "Ani", "P", "", "17-05-1980", "1704052009", "", "", "", "", "1", "Ya"]
    jobs = [("Petani", "Pedagang"), ("Nelayan", ""), ("", "Ojek"), ("", "")]
    rows = [base[:9] + list(j) + base[11:] for j in jobs]
    result = read_file(write_csv(tmp_path / "t.csv", [TEMPLATE_HEADERS, *rows]))
    assert result.source == "template" and result.headers["pekerjaan"] == "Pekerjaan 1"
    assert result.frame["pekerjaan"].to_list() == ["Petani; Pedagang", "Nelayan", "Ojek", None]


def test_xlsx_dates_formulas_and_hostile_text(tmp_path):
    path = tmp_path / "f.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("S")
    for c, h in enumerate(["NIK", "Nama", "Tanggal Lahir", "Alamat", "Desil"]):
        ws.write_string(0, c, h)
    ws.write_string(1, 0, NIK_1)
    ws.write_string(1, 1, '=HYPERLINK("http://jahat.example","klik")')
    ws.write_datetime(1, 2, datetime.datetime(1980, 5, 17), wb.add_format({"num_format": "dd-mm-yyyy"}))
    ws.write_formula(1, 3, '=HYPERLINK("http://jahat.example","Dusun I")', None, "Dusun I")
    ws.write_formula(1, 4, "=1+1", None, 2)
    ws.write_string(2, 0, NIK_2)
    ws.write_string(2, 1, "<script>alert(1)</script>")
    ws.write_string(2, 2, "12-03-1995")
    wb.close()
    frame = read_file(path).frame
    assert frame["nama"].to_list() == ['=HYPERLINK("http://jahat.example","klik")', "<script>alert(1)</script>"]
    assert frame["tanggal_lahir"].to_list() == ["1980-05-17", "12-03-1995"]
    assert frame["alamat"].to_list() == ["Dusun I", None]  # the cached value, never the formula
    assert frame["desil"].to_list() == ["2", None]


def test_hostile_csv_text_is_read_unchanged(tmp_path):
    path = write_csv(tmp_path / "h.csv", [["NIK", "Nama", "Alamat"],
                                          [NIK_1, '"=HYPERLINK(""http://x"",""y"")"', "<script>alert(1)</script>"]])
    row = read_file(path).frame.row(0, named=True)
    assert (row["nama"], row["alamat"]) == ('=HYPERLINK("http://x","y")', "<script>alert(1)</script>")


def test_missing_required_columns_are_listed_not_refused(tmp_path):
    result = read_file(write_csv(tmp_path / "m.csv", [["NIK", "Nama", "Kolom Lain"], [NIK_1, "Ani", "x"]]))
    assert result.missing_required == [f for f in REQUIRED if f not in ("nik", "nama")]
    assert result.unknown_columns == ["Kolom Lain"] and result.source == "unknown"
    assert result.frame["tanggal_lahir"].to_list() == [None]


def test_manual_mapping_is_applied_when_reading(tmp_path):
    path = write_csv(tmp_path / "m.csv", [["Judul"], ["No Identitas", "Nama Warga", "Lahir"],
                                          [NIK_1, "Ani", "17-05-1980"]])
    result = read_file(path, mapping={"nik": "No Identitas", "nama": "Nama Warga", "tanggal_lahir": "Lahir"})
    assert result.header_row == 2  # found through the mapped headers
    assert result.frame.select("nik", "nama", "tanggal_lahir", ROW).rows() == [(NIK_1, "Ani", "17-05-1980", 3)]
    assert result.missing_required == ["jenis_kelamin", "kode_desa"]
    # The source stored from the first read ("unknown" here) can be passed back with the mapping.
    assert read_file(path, source=result.source, mapping={"nik": "No Identitas"}).headers == {"nik": "No Identitas"}


# --- refusals ---------------------------------------------------------------------------------


def refused(path, **kwargs) -> ReadError:
    with pytest.raises(ReadError) as info:
        read_file(path, **kwargs)
    assert isinstance(info.value, ValueError) and str(info.value)
    return info.value


def test_empty_file(tmp_path):
    (path := tmp_path / "kosong.xlsx").write_bytes(b"")
    assert refused(path).code == "empty_file"


def test_pdf_renamed_xlsx(tmp_path):
    (path := tmp_path / "data.xlsx").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    error = refused(path)
    assert error.code == "pdf" and "Berkas ini PDF, bukan Excel/CSV" in str(error)


@pytest.mark.parametrize("name, start", [("acak.csv", b""), ("acak.xlsx", b""), ("zip.xlsx", b"PK\x03\x04"),
                                         ("ole.xls", b"\xd0\xcf\x11\xe0")])
def test_random_bytes(tmp_path, name, start):
    (path := tmp_path / name).write_bytes(start + random.Random(7).randbytes(4096))
    assert refused(path).code in {"not_a_table", "unreadable"}


def test_no_header_row_found(tmp_path):
    assert refused(write_csv(tmp_path / "x.csv", [["foo", "bar"], ["1", "2"]])).code == "no_header"
    xlsx = write_xlsx(tmp_path / "x.xlsx", {"A": grid(0, [["foo", "bar"], ["1", "2"]]), "B": []})
    assert refused(xlsx).code == "no_header"


def test_header_without_rows(tmp_path):
    xlsx = write_xlsx(tmp_path / "h.xlsx", {"S": grid(0, [KELUARGA])})
    error = refused(xlsx)
    assert error.code == "no_rows" and "tidak ada baris data" in str(error)
    assert refused(write_csv(tmp_path / "h.csv", [KELUARGA, [""] * len(KELUARGA)])).code == "no_rows"


def test_too_many_columns_is_refused(tmp_path):
    (path := tmp_path / "lebar.csv").write_text(",".join(f"k{i}" for i in range(10_000)) + "\n" + "1," * 9_999 + "1\n")
    error = refused(path)
    assert error.code == "too_many_columns" and "10000" in str(error)


def test_too_many_columns_in_xlsx(tmp_path):
    wide = [(0, c, f"k{c}") for c in range(1, 600)] + [(0, 0, "NIK"), (1, 0, NIK_1)]
    assert refused(write_xlsx(tmp_path / "lebar.xlsx", {"S": wide})).code == "too_many_columns"
    # A wide sheet beside the data sheet is passed over, not a reason to refuse the file.
    path = write_xlsx(tmp_path / "dua.xlsx", {"Lebar": wide, "Data": grid(0, [["NIK", "Nama"], [NIK_2, "Ani"]])})
    assert read_file(path).frame["nik"].to_list() == [NIK_2]


def test_too_large_file_is_refused_unread(tmp_path):
    with open(path := tmp_path / "besar.csv", "wb") as f:
        f.truncate(300 * 1024 * 1024)  # sparse: instant, uses no disk
    error = refused(path)
    assert error.code == "too_large" and "300 MB" in str(error)


def test_an_uploaded_parquet_file_is_refused_only_lindung_match_reads_one(tmp_path):
    """Parquet is read in-process, outside the limits the workbook sandbox puts on uploads: only the server's own
    extracts (``lindung match``, parquet=True) are read; an upload gets a message, never a polars error."""
    path = tmp_path / "register.parquet"
    pl.DataFrame({"NIK": ["1704051705800001"], "Nama": ["Siti"], "Jenis Kelamin": ["P"],
                  "Tanggal Lahir": ["1980-05-17"], "Kode Desa": ["17.04.05.2001"]}).write_parquet(path)
    with pytest.raises(ReadError, match="Parquet tidak diterima") as refused:
        read_file(path)
    assert refused.value.code == "parquet"
    with pytest.raises(ReadError, match="Parquet tidak diterima"):
        all_tables(path.read_bytes(), KNOWN_KEYS, 500)
    assert read_file(path, parquet=True).frame["nik"].to_list() == ["1704051705800001"]
