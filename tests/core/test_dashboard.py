"""The regent's page (issue 14 item 4): the figures per role, each a link to a list that shows as many, the PDF read
back, and `lindung dashboard --json`."""

import io
import json
import re
import subprocess

import pytest
from django.core.management import call_command
from django.urls import reverse

from lindung.audit.selectors import chain_head
from lindung.core.templatetags.lindung import angka
from tests.core.dashboard_world import ADMIN_FIGURES, CAMAT_FIGURES, DAY, build, on_day


@pytest.fixture
def world(users):
    return build(users)


def dashboard_json(username: str, day: str = DAY.isoformat()) -> dict:
    out = io.StringIO()
    call_command("dashboard", "--json", "--user", username, "--day", day, stdout=out)
    return json.loads(out.getvalue())


def test_the_cli_prints_the_figures_of_the_users_area(world):
    assert dashboard_json("admin") == ADMIN_FIGURES
    assert dashboard_json("pimpinan") == ADMIN_FIGURES
    assert dashboard_json("camat") == CAMAT_FIGURES
    # A year later everyone has lapsed but the dead; 2027 has no programme.
    later = dashboard_json("admin", "2027-03-10")
    assert (later["protected_today"], later["in_arrears"], later["lapsed"], later["ended"]) == (0, 0, 5, 1)
    assert later["budget"] == {"ceiling": 0, "committed": 0, "paid": 0, "remaining": 0}
    out = io.StringIO()
    call_command("dashboard", "--user", "camat", "--day", DAY.isoformat(), stdout=out)
    assert "terlindungi hari ini 2, menunggak 1, nonaktif 1, berakhir 0" in out.getvalue()


def figure(page: str, testid: str) -> tuple[str, str]:
    """The link and the number of a figure on the page."""
    found = re.search(rf'<a class="card[^"]*" href="([^"]+)" data-testid="{testid}"><div class="n">([^<]*)</div>', page)
    assert found, testid
    return found[1].replace("&amp;", "&"), found[2]


@pytest.mark.parametrize("username", ["pimpinan", "admin"])
def test_the_regents_page_leads_the_home_of_pimpinan_and_admin(client, world, users, username):
    client.force_login(users[username])
    with on_day():
        page = client.get(reverse("home")).content.decode()
    assert 'data-testid="dashboard"' in page
    numbers = {t: figure(page, t)[1] for t in ("fig-aktif", "fig-menunggak", "fig-nonaktif", "fig-berakhir",
                                                "fig-lapse-30", "fig-lapse-60", "fig-lapse-90", "fig-cards-office",
                                                "fig-cards-camat", "fig-cards-overdue", "fig-claims-reported",
                                                "fig-claims-paid", "fig-claims-rupiah", "fig-claims-days")}
    assert numbers == {"fig-aktif": "2", "fig-menunggak": "2", "fig-nonaktif": "1", "fig-berakhir": "1",
                       "fig-lapse-30": "1", "fig-lapse-60": "2", "fig-lapse-90": "3", "fig-cards-office": "2",
                       "fig-cards-camat": "1", "fig-cards-overdue": "1", "fig-claims-reported": "3",
                       "fig-claims-paid": "2", "fig-claims-rupiah": "Rp47.000.000", "fig-claims-days": "16,5"}
    # Per kecamatan, and the budget of each 2026 programme with the total.
    assert "Kaur Selatan" in page and "Kinal" in page
    for text in ("Perlindungan 2026", "CSR 2026", "Rp120.000.000", "Rp151.200", "Rp84.000", "Rp119.848.800"):
        assert text in page
    assert "Perlindungan 2025" not in page.split('data-testid="budget"')[1].split("</table>")[0]
    # Every count says what it counts: the register is people, not members.
    assert "orang di register" in page and "peserta terdaftar" not in page


def test_each_protection_figure_lists_as_many_people(client, world, users):
    client.force_login(users["pimpinan"])
    with on_day():
        page = client.get(reverse("home")).content.decode()
        for testid, names in (("fig-aktif", {"Ahmad Lunas", "Siti Lunas"}),
                              ("fig-menunggak", {"Budi Nunggak", "Wati Tahunlalu"}),
                              ("fig-nonaktif", {"Rudi Lama"}), ("fig-berakhir", {"Joko Wafat"}),
                              ("fig-lapse-30", {"Wati Tahunlalu"}),
                              ("fig-lapse-60", {"Wati Tahunlalu", "Budi Nunggak"}),
                              ("fig-lapse-90", {"Wati Tahunlalu", "Budi Nunggak", "Siti Lunas"})):
            link, n = figure(page, testid)
            listed = client.get(link)
            assert listed.status_code == 200
            assert {m.peserta.nama for m in listed.context["page"]} == names, testid
            assert len(names) == int(n)
        kinal = client.get(reverse("core:protection") + "?keadaan=berakhir&kecamatan=17.04.01")
        assert [m.peserta.nama for m in kinal.context["page"]] == ["Joko Wafat"]
        assert "Meninggal" in kinal.content.decode()
        # The card and claim figures open lists that count the same.
        cards = client.get(figure(page, "fig-cards-office")[0])
        assert {c.membership.peserta.nama for c in cards.context["page"]} == {"Joko Wafat", "Wati Tahunlalu"}
        assert client.get(figure(page, "fig-cards-camat")[0]).context["page"].paginator.count == 1
        assert client.get(figure(page, "fig-cards-overdue")[0]).context["overdue_count"] == 1
        assert len(client.get(figure(page, "fig-claims-paid")[0]).context["rows"]) == 2
        assert len(client.get(figure(page, "fig-claims-reported")[0]).context["rows"]) == 3
        assert client.get(figure(page, "fig-claims-rupiah")[0]).status_code == 200
        assert client.get(reverse("payments:bills", args=["kaur-2026"])).status_code == 200


def test_a_camat_sees_his_kecamatans_figures_only(client, world, users):
    client.force_login(users["camat"])
    with on_day():
        page = client.get(reverse("home")).content.decode()
        assert figure(page, "fig-aktif")[1] == "2" and figure(page, "fig-menunggak")[1] == "1"
        assert figure(page, "fig-berakhir")[1] == "0" and figure(page, "fig-claims-reported")[1] == "1"
        table = page.split('data-testid="protection-by-kecamatan"')[1].split("</table>")[0]
        assert "Kaur Selatan" in table and "Kinal" not in table
        # Asking for another kecamatan's people lists nobody.
        other = client.get(reverse("core:protection") + "?keadaan=berakhir&kecamatan=17.04.01")
        assert other.context["page"].paginator.count == 0
        assert "Joko" not in other.content.decode()


def test_other_roles_keep_their_home_and_cannot_open_the_lists(client, world, users):
    client.force_login(users["desa"])
    with on_day():
        page = client.get(reverse("home")).content.decode()
        assert 'data-testid="dashboard"' not in page and 'data-testid="total-workers"' in page
        assert client.get(reverse("core:protection") + "?keadaan=aktif").status_code == 403
        assert client.get(reverse("core:dashboard_pdf")).status_code == 403
    client.force_login(users["admin"])
    assert client.get(reverse("core:protection") + "?keadaan=bogus").status_code == 404


def test_the_pdf_is_one_page_with_the_same_figures(client, world, users, tmp_path):
    client.force_login(users["pimpinan"])
    with on_day():
        response = client.get(reverse("core:dashboard_pdf"))
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "ringkasan.pdf"
    pdf.write_bytes(response.content)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M)
    text = " ".join(subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    for words in ("RINGKASAN PERLINDUNGAN", "keadaan pada 10 Maret 2026", "2 2 1 1 orang terlindungi hari ini",
                  "orang menunggak 1–3", "orang nonaktif", "orang berakhir", "(iuran lunas)",
                  "1 2 3 dalam 30 hari dalam 60 hari dalam 90 hari",
                  "Kinal 0 1 0 1 1 1 1", "Kaur Selatan 2 1 1 0 0 1 2", "Jumlah 2 2 1 1 1 2 3",
                  "Jumlah Rp120.000.000 Rp151.200 Rp84.000 Rp119.848.800",
                  "Tertahan terlalu lama 2 1 1 1 1", "(median) 3 2 Rp47.000.000 16,5"):
        assert words in text, words
    # The audit chain's head when printed (issue 17 item 6): an earlier PDF shows a cut tail later.
    head = chain_head()
    assert f"Jejak audit saat dicetak: {angka(head.seq)} peristiwa, kepala rantai {head}." in text
