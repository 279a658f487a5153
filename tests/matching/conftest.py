"""A dozen register people of Bengkulu province and a membership list naming some of them, as files a test writes."""

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from lokal import wilayah as lokal_wilayah

from lindung.pipeline import validate
from lindung.rules.nik import make_nik

START = date(2025, 1, 1)
KAUR_VILLAGE, SELATAN_VILLAGE = "1704052009", "1701012001"  # Kaur (17.04) and Bengkulu Selatan (17.01)
NAMES = ["Siti Aminah", "Budi Santoso", "Dewi Lestari", "Agus Salim", "Rina Wati", "Joko Widodo", "Sri Rahayu",
         "Bambang Hartono", "Fitri Handayani", "Hendra Gunawan", "Yuni Kartini", "Slamet Riyadi"]
EXACT = [0, 1, 2, 9]  # indexes whose NIK is in the members
PROBABLE = 5  # in the members under a NIK with one digit mistyped
INVALID = 7  # a 15-digit NIK in the register
REGISTER_HEADERS = ["NIK", "Nama", "Jenis Kelamin", "Tanggal Lahir", "Kode Kemdagri", "Desil Kesejahteraan"]


def person(i: int) -> dict[str, str]:
    born = date(1970 + i, 1 + i % 12, 3 + i)
    sex = "P" if i % 2 == 0 else "L"
    village = SELATAN_VILLAGE if i >= 9 else KAUR_VILLAGE
    kecamatan = f"{village[:2]}.{village[2:4]}.{village[4:6]}"
    return {"NIK": make_nik(kecamatan, born, sex, 10 + i), "Nama": NAMES[i].upper(),
            "Jenis Kelamin": "Perempuan" if sex == "P" else "Laki-laki", "Tanggal Lahir": born.strftime("%d-%m-%Y"),
            "Kode Kemdagri": village, "Desil Kesejahteraan": str(1 + i % 3)}


def mistyped(nik: str) -> str:
    """One digit of the kecamatan changed (the NIK's 6th)."""
    return nik[:5] + ("9" if nik[5] != "9" else "8") + nik[6:]


@pytest.fixture
def register_rows() -> list[dict[str, str]]:
    rows = [person(i) for i in range(len(NAMES))]
    rows[INVALID]["NIK"] = rows[INVALID]["NIK"][:15]
    return rows


@pytest.fixture
def member_rows(register_rows) -> list[dict[str, str]]:
    rows = [{"NIK": register_rows[i]["NIK"], "Nama Peserta": register_rows[i]["Nama"].title(),
             "Tgl Lahir": register_rows[i]["Tanggal Lahir"], "No. KPJ": f"2400000000{i}"} for i in EXACT]
    # The first exact person listed twice, first without a KPJ (row 2 of the list): he is that row, with the KPJ.
    rows.insert(0, rows[0] | {"No. KPJ": ""})
    p = register_rows[PROBABLE]
    rows.append({"NIK": mistyped(p["NIK"]), "Nama Peserta": p["Nama"].title(), "Tgl Lahir": p["Tanggal Lahir"],
                 "No. KPJ": "24000000055"})
    # A stranger born the same day as the person at index 3, of the same sex, another name and NIK: not him.
    q = register_rows[3]
    rows.append({"NIK": make_nik("17.04.01", date.fromisoformat("-".join(reversed(q["Tanggal Lahir"].split("-")))),
                                 "L", 77),
                 "Nama Peserta": "Zulkifli Nasution", "Tgl Lahir": q["Tanggal Lahir"], "No. KPJ": "24000000077"})
    return rows


@pytest.fixture
def files(tmp_path, register_rows, member_rows) -> dict[str, Path]:
    """The register as CSV and as Parquet, the members as Parquet and as CSV."""
    register = pl.DataFrame(register_rows, schema=REGISTER_HEADERS)
    members = pl.DataFrame(member_rows)
    paths = {"register_csv": tmp_path / "register.csv", "register_parquet": tmp_path / "register.parquet",
             "members_parquet": tmp_path / "members.parquet", "members_csv": tmp_path / "members.csv"}
    register.write_csv(paths["register_csv"])
    register.write_parquet(paths["register_parquet"])
    members.write_parquet(paths["members_parquet"])
    members.write_csv(paths["members_csv"])
    return paths


@pytest.fixture(scope="session")
def bengkulu() -> validate.Context:
    """Bengkulu province's villages; no occupations (the files name none); ages on 1 January 2025."""
    villages = frozenset(v.code for r in lokal_wilayah.list_wilayah("17") for k in lokal_wilayah.list_wilayah(r.code)
                         for v in lokal_wilayah.list_wilayah(k.code))
    return validate.Context(regency="17", villages=villages, occupations={}, start=START)
