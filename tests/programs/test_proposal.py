"""The budget proposal (RKA) page and its one-page PDF."""

import re
import subprocess

import pytest
from django.urls import reverse

from lindung.programs.demo import ensure_demo_programme
from tests.conftest import KAUR, six_workers

URL = reverse("programs:proposal")
KAUR_2025 = {"people": "7130", "first": "2025-01", "last": "2025-12", "budget": "300.000.000",
             "funding_source": "apbd", "income_tier": "1000000"}


def test_the_operator_gets_the_form_for_next_year_from_the_programmes_list(client, users):
    client.force_login(users["operator"])
    assert URL in client.get(reverse("programs:list")).content.decode()
    response = client.get(URL)
    assert response.status_code == 200 and "Usulan anggaran (RKA)" in response.content.decode()
    form = response.context["form"]
    assert (form["first"].value().month, form["last"].value().month) == (1, 12)
    assert form["first"].value().year > 2024 and "found" not in response.context


def test_the_page_shows_the_kaur_figures_month_by_month_and_what_the_budget_buys(client, users):
    client.force_login(users["operator"])
    response = client.post(URL, KAUR_2025)
    body = " ".join(response.content.decode().split())
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert body.count("Rp119.784.000") == 12 and "Januari 2025" in body and "Desember 2025" in body
    assert "Rp1.437.408.000" in body and "satu miliar empat ratus tiga puluh tujuh juta" in body
    found = response.context["found"]
    assert (found.months_bought, found.months_left, found.people_bought, found.people_left) == (
        2, 60_432_000, 1_488, 19_200)
    assert "2 bulan (s.d. Februari 2025): Rp239.568.000, sisa dana Rp60.432.000" in body
    assert "1.488 orang, Rp201.600 per orang: Rp299.980.800, sisa dana Rp19.200" in body


def test_a_chosen_programme_gives_its_eligible_count_when_no_number_is_given(client, users):
    six_workers()
    programme = ensure_demo_programme(KAUR)
    client.force_login(users["operator"])
    response = client.post(URL, {**KAUR_2025, "people": "", "programme": programme.code})
    assert response.context["found"].people == 6
    nobody = client.post(URL, {**KAUR_2025, "people": ""})
    assert "found" not in nobody.context and nobody.context["form"].errors["people"]


@pytest.mark.parametrize("username", ["camat", "desa", "bpjs", "pimpinan", "auditor"])
def test_read_only_roles_are_refused(client, users, username):
    client.force_login(users[username])
    assert client.get(URL).status_code == 403
    assert client.post(URL, {**KAUR_2025, "pdf": "1"}).status_code == 403
    assert URL not in client.get(reverse("programs:list")).content.decode()


@pytest.mark.parametrize("change, message", [
    ({"budget": "500,5"}, "Tulis jumlah dalam rupiah bulat"),
    ({"budget": "0"}, "Anggaran harus lebih dari nol"),
    ({"people": "-3"}, "Jumlah orang harus lebih dari nol"),
    ({"people": "99999999999"}, "Jumlah orang paling banyak 10.000.000 orang"),
    ({"last": "2026-03"}, "tahun yang sama"),
    ({"last": "2025-13"}, ""),
])
def test_bad_input_gives_a_message_and_no_pdf(client, users, change, message):
    client.force_login(users["operator"])
    response = client.post(URL, {**KAUR_2025, **change, "pdf": "1"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "found" not in response.context and response.context["form"].errors
    assert message in " ".join(" ".join(e) for e in response.context["form"].errors.values())


def test_the_pdf_is_one_indonesian_page_with_the_table_total_and_what_the_budget_buys(client, users, tmp_path):
    client.force_login(users["operator"])
    client.cookies["django_language"] = "en"  # an official document: Indonesian whatever the page language
    response = client.post(URL, {**KAUR_2025, "pdf": "1"})
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert "usulan-anggaran-2025-01-2025-12.pdf" in response["Content-Disposition"]
    pdf = tmp_path / "rka.pdf"
    pdf.write_bytes(response.content)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE)
    text = " ".join(subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "Kabupaten Kaur" in text and "TAHUN ANGGARAN 2025" in text
    assert "Januari 2025 s.d. Desember 2025 (12 bulan)" in text and "7.130 orang" in text
    assert "Rp1.437.408.000" in text and text.count("Rp119.784.000") == 12
    assert "satu miliar empat ratus tiga puluh tujuh juta empat ratus delapan ribu rupiah" in text
    assert "PP 44/2015" in text and "APBD" in text
    assert "7.130 peserta: 2 bulan (Januari 2025 s.d. Februari 2025), Rp239.568.000, sisa Rp60.432.000" in text
    assert "1.488 peserta, Rp299.980.800, sisa Rp19.200" in text and "masih kurang Rp1.137.408.000" in text
    assert "Kepala Dinas Tenaga Kerja dan Transmigrasi" in text and "NIP." in text
