"""The logs of a browser session name nobody (issue 19, item 4): an operator searches the register by NIK and by
name, opens and edits a worker (his phone number typed and posted), asks a page by a NIK, uploads a P3KE file that a
job checks; an admin approves it. Every log line of it, as the JSON formatter writes it, is read for every NIK, name
and phone number of the people in the database and in the file: none may be there. The request lines and the job
line are there, with their URL patterns."""

import re

import pytest
from playwright.sync_api import expect

from lindung.pipeline.samples import p3ke_individu, write_xlsx
from lindung.registry.demo import generate_workers, villages_of
from lindung.registry.models import Peserta
from tests.browser.conftest import run_queued_jobs
from tests.conftest import BANDAR_BINTUHAN, KINAL_VILLAGE, make_peserta
from tests.ops.capture import json_logs, lines

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PHONE = "085377001234"


def test_a_browser_session_leaves_no_nik_name_or_phone_in_the_logs(open_as, live_server, users, settings, tmp_path):
    settings.LINDUNG_PROGRAMME_START = "2025-01-01"
    siti = make_peserta(BANDAR_BINTUHAN, "Siti Rahmawati", sex="P", serial=11)
    joko = make_peserta(KINAL_VILLAGE, "Joko Susilo", serial=12)
    Peserta.objects.filter(pk=siti.pk).update(telepon="081234567890")
    Peserta.objects.filter(pk=joko.pk).update(telepon="082198765432")
    people = generate_workers(villages_of("17.04"), 8, 7, other_kecamatan=[])
    upload = write_xlsx(p3ke_individu(people), tmp_path / "P3KE Kaur individu.xlsx", title_rows=["DATA P3KE KAUR"])

    with json_logs() as written:
        office = open_as("operator")
        office.set_default_timeout(20_000)
        office.goto(live_server.url + "/peserta/")
        office.get_by_role("search").locator("input[name=q]").fill(siti.nik)
        office.get_by_role("search").locator("input[name=q]").press("Enter")
        office.get_by_test_id("results").get_by_role("link", name="Siti Rahmawati").click()
        expect(office.locator("dl")).to_contain_text("081234567890")
        office.get_by_role("link", name="Ubah").click()
        office.locator("input[name=telepon]").fill(NEW_PHONE)
        office.get_by_role("button", name="Simpan").click()
        expect(office.locator("dl")).to_contain_text(NEW_PHONE)
        office.goto(live_server.url + "/peserta/")
        office.get_by_role("search").locator("input[name=q]").fill("Joko Susilo")  # htmx asks as it is typed
        expect(office.get_by_test_id("results")).to_contain_text(joko.nik)
        office.goto(f"{live_server.url}/peserta/{joko.nik}/")  # a NIK where a number belongs: not found
        office.get_by_role("link", name="Impor").first.click()
        office.locator("input[type=file]").set_input_files(str(upload))
        office.get_by_role("button", name=re.compile("Unggah")).click()
        expect(office.get_by_test_id("import-progress")).to_be_visible()
        run_queued_jobs()
        expect(office.get_by_test_id("import-report")).to_be_visible()
        review = office.url

        admin = open_as("admin")
        admin.goto(review)
        admin.get_by_role("button", name=re.compile("Setujui")).click()
        expect(admin.locator(".msg").first).to_contain_text("8")

    text = written.getvalue()
    assert Peserta.objects.count() == 10 and Peserta.objects.get(pk=siti.pk).telepon == NEW_PHONE
    personal = {NEW_PHONE, "081234567890"}
    for nik, name, phone in Peserta.objects.values_list("nik", "nama", "telepon"):
        personal |= {nik, name, name.upper(), *(part for part in name.split() if len(part) >= 5)} | ({phone} - {""})
    personal |= {p["nik"] for p in people} | {p["nama"].upper() for p in people}
    found = sorted(item for item in personal if item.lower() in text.lower())
    assert not found, f"The logs name people: {found}"

    logged = lines(written)
    requests = [line for line in logged if line.get("event") == "request"]
    assert {"akun/masuk/", "peserta/", "peserta/<int:pk>/", "peserta/<int:pk>/ubah/", "peserta/impor/",
            "peserta/impor/<int:pk>/"} <= {line["route"] for line in requests}
    assert {(line["method"], line["status"]) for line in requests if line["route"] == "peserta/<int:pk>/ubah/"} == {
        ("GET", 200), ("POST", 302)}
    assert ("peserta/<int:pk>/", 404) in {(line["route"], line["status"]) for line in requests}
    assert {line["role"] for line in requests if line["user"]} == {"Operator Dinas", "Admin Dinas"}
    [job] = [line for line in logged if line.get("event") == "job"]
    assert (job["task"], job["status"]) == ("lindung.registry.tasks.stage_import", "SUCCESSFUL")
