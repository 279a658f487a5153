"""The claims report on the real database: six claims of every kind and step in two kecamatans, three paid on known
days; the page's figures, its charts, the xlsx read back with openpyxl, and each user's area only."""

import io
import json
import re
from datetime import date, datetime

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lindung.accounts.roles import CAMAT
from lindung.accounts.services import save_user
from lindung.claims import selectors, services
from lindung.claims.models import Claim
from lindung.programs.models import Programme
from lindung.rules import claims as rules
from tests.cards.conftest import registered
from tests.conftest import PASSWORD, plan_programme
from tests.factories import REPORT, upload

KAUR_SELATAN, KINAL = "17.04.05", "17.04.01"


def dated(claim: Claim, **days) -> None:
    """The day each step happened (the demo's way: the services run today, history is replayed), with the payment
    deadline that follows from the submission."""
    if "submitted_on" in days:
        days["payment_due"] = rules.deadlines(claim.kind, claim.event_date, submitted_on=days["submitted_on"]).payment
    Claim.objects.filter(pk=claim.pk).update(**days)


def make_claim(users, member, kind: str, event: date, to: str = "reported", *, amount: int = 0, **days) -> Claim:
    """A claim reported by the office and taken through the services up to ``to``; then the days it happened."""
    office, bpjs = users["operator"], users["bpjs"]
    claim = services.report_claim(office, member.peserta, kind=kind, event_date=event, **REPORT)
    if to != "reported":
        if rules.Kind(kind).death:
            services.add_heir(office, claim, name="Ahli Waris", relationship="anak")
        for document in rules.checklist(kind):
            if document.required:
                upload(office, claim, document.code)
        services.mark_documents_complete(office, claim)
        services.submit(office, claim)
    if to in ("paid", "rejected"):
        services.decide(bpjs, claim, approved=to == "paid", reason="" if to == "paid" else "Bukan kecelakaan kerja")
    if to == "paid":
        services.record_paid(bpjs, claim, amount=amount, paid_on=date.today())
    dated(claim, **days)
    claim.refresh_from_db()
    return claim


@pytest.fixture
def world(users):
    """All six workers registered; Kaur Selatan: Ahmad (JKM, paid in 11 days), Siti (accident, paid in 20 days),
    Budi (accident, with BPJS), Rudi (JKM of 2026, just reported); Kinal: Joko (work-accident death, paid
    late in 30 days), Wati (JKM, rejected)."""
    programme = plan_programme(users, people=6)
    members = {m.peserta.nama.split()[0]: m for m in registered(programme)}
    assert len(members) == 6
    Programme.objects.filter(pk=programme.pk).update(status=Programme.Status.RUNNING)
    claims = {
        "ahmad": make_claim(users, members["Ahmad"], "jkm", date(2025, 2, 10), "paid", amount=42_000_000,
                            submitted_on=date(2025, 2, 18), paid_on=date(2025, 2, 21)),
        # Due 7 working days after the submission, on 19 March: paid late.
        "joko": make_claim(users, members["Joko"], "jkk_death", date(2025, 3, 5), "paid", amount=70_000_000,
                           submitted_on=date(2025, 3, 10), paid_on=date(2025, 4, 4)),
        "siti": make_claim(users, members["Siti"], "jkk_injury", date(2025, 6, 1), "paid", amount=5_000_000,
                           submitted_on=date(2025, 6, 16), paid_on=date(2025, 6, 21)),
        "budi": make_claim(users, members["Budi"], "jkk_injury", date(2025, 3, 20), "submitted"),
        "wati": make_claim(users, members["Wati"], "jkm", date(2025, 4, 1), "rejected"),
        "rudi": make_claim(users, members["Rudi"], "jkm", date(2026, 3, 2)),
    }
    kinal = save_user("camat_kinal", role=CAMAT.name, area_code=KINAL, password=PASSWORD)
    return {**users, "camat_kinal": kinal}, members, claims


def figures(rows, field="claims") -> dict:
    return {r["key"]: r[field] for r in rows}


def regents_page(client, users):
    """The claims report as the pimpinan (the regent's office) sees it: the whole kabupaten, every year."""
    client.force_login(users["pimpinan"])
    response = client.get(reverse("claims_report:index"))
    assert response.status_code == 200
    return response


def test_the_report_counts_the_claims_the_money_and_the_waits_every_way(client, world):
    users, _, claims = world
    report = regents_page(client, users).context["report"]
    assert (report.claims, report.paid_claims, report.paid) == (6, 3, 117_000_000)
    assert (report.median_days, report.average_days, report.slowest.number, report.late) == (
        20, 20.3, claims["joko"].number, 1)
    assert figures(report.by_kind) == {"jkm": 3, "jkk_death": 1, "jkk_injury": 2}
    assert figures(report.by_kind, "paid") == {"jkm": 42_000_000, "jkk_death": 70_000_000, "jkk_injury": 5_000_000}
    assert figures(report.by_status) == {"reported": 1, "documents_complete": 0, "submitted": 1, "approved": 0,
                                         "rejected": 1, "paid": 3}
    assert [(r["key"], r["name"], r["claims"], r["paid_claims"], r["paid"]) for r in report.by_kecamatan] == [
        (KINAL, "Kinal", 2, 1, 70_000_000), (KAUR_SELATAN, "Kaur Selatan", 4, 2, 47_000_000)]
    months = {str(r["key"]): (r["claims"], r["kinds"]) for r in report.by_month}
    assert len(months) == 14 and months["2025-05"] == (0, {"jkm": 0, "jkk_death": 0, "jkk_injury": 0})
    assert months["2025-03"] == (2, {"jkm": 0, "jkk_death": 1, "jkk_injury": 1})
    assert {m: n for m, (n, _) in months.items() if n} == {"2025-02": 1, "2025-03": 2, "2025-04": 1, "2025-06": 1,
                                                          "2026-03": 1}
    assert report.distribution == [("0–14", 1), ("15–30", 2), ("31–60", 0), ("61–90", 0), ("91–180", 0), ("> 180", 0)]


def test_the_page_leads_with_what_the_regent_quotes_and_draws_the_months_and_the_waits(client, world):
    users, members, claims = world
    body = regents_page(client, users).content.decode()
    headline = re.search(r'data-testid="headline">(.*?)</div>\s*<p', body, re.S).group(1)
    assert re.search(r'data-testid="paid-claims">3<', headline) and "Rp117.000.000" in headline
    assert re.search(r'data-testid="median-days">20<', headline)
    assert re.search(r'data-key="jkk_death"><td>[^<]+</td><td class="num">1</td><td class="num">1</td>'
                     r'<td class="num">Rp70\.000\.000</td>', body)
    assert re.search(r'data-key="17\.04\.01"><td>Kinal</td><td class="num">2</td>', body)
    # The charts: months stacked by kind (each kind's bars start on the ones before), the waits in groups.
    chart = json.loads(re.search(r'<script id="chart-months" type="application/json">(.*?)</script>', body, re.S).group(1))
    traces = {t["name"]: t for t in chart["traces"]}
    assert len(traces) == 3 and {t["offsetgroup"] for t in traces.values()} == {"claims"}
    march = chart["traces"][0]["x"].index("Maret 2025")
    assert [(t["base"][march], t["y"][march]) for t in chart["traces"]] == [(0, 0), (0, 1), (1, 1)]
    waits = json.loads(re.search(r'<script id="chart-waits" type="application/json">(.*?)</script>', body, re.S).group(1))
    assert waits["traces"][0]["y"] == [1, 2, 0, 0, 0, 0]
    # Aggregates and claim numbers; no name, no NIK.
    for m in members.values():
        assert m.peserta.nama not in body and m.peserta.nik not in body
    assert 'class="differs"' in body and claims["joko"].number in body


def test_the_year_filter_counts_the_events_of_that_year(client, world):
    users, _, claims = world
    client.force_login(users["admin"])
    report = client.get(reverse("claims_report:index"), {"tahun": "2025"}).context["report"]
    assert (report.year, report.claims, report.paid) == (2025, 5, 117_000_000)
    assert str(report.by_month[-1]["key"]) == "2025-06"
    response = client.get(reverse("claims_report:index"), {"tahun": "2026"})
    assert (response.context["report"].claims, response.context["report"].paid_claims) == (1, 0)
    assert 'href="/klaim/laporan/laporan.xlsx?tahun=2026"' in response.content.decode()
    for junk in ("abc", "1999", "2025' or 1=1"):  # not a year with claims: every year
        assert client.get(reverse("claims_report:index"), {"tahun": junk}).context["report"].claims == 6
    assert client.get(reverse("claims_report:index")).context["years"] == [2025, 2026]


def test_a_camat_and_a_village_operator_see_their_area_only(client, world):
    users, members, claims = world
    client.force_login(users["camat"])
    response = client.get(reverse("claims_report:index"))
    report, body = response.context["report"], response.content.decode()
    assert (report.claims, report.paid_claims, report.paid, report.median_days) == (4, 2, 47_000_000, 15.5)
    assert [r["key"] for r in report.by_kecamatan] == [KAUR_SELATAN]
    assert re.search(r'data-testid="median-days">15,5<', body)
    assert ">Kinal<" not in body and claims["joko"].number not in body and claims["wati"].number not in body
    for m in members.values():
        assert m.peserta.nama not in body and m.peserta.nik not in body

    village = selectors.report(users["desa"])  # Bandar Bintuhan: Ahmad and Siti
    assert (village.claims, village.paid, [w.number for w in village.waits]) == (
        2, 47_000_000, [claims["ahmad"].number, claims["siti"].number])
    kinal = selectors.report(users["camat_kinal"])
    assert (kinal.claims, kinal.paid, kinal.late) == (2, 70_000_000, 1)


def cells(sheet) -> list[tuple]:
    return [tuple(c for c in row) for row in sheet.iter_rows(values_only=True)]


def test_the_xlsx_holds_the_same_figures_as_numbers_and_dates_and_no_nik(client, world):
    users, members, claims = world
    client.force_login(users["admin"])
    response = client.get(reverse("claims_report:xlsx"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="laporan-klaim-semua.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Ringkasan", "Per jenis", "Per status", "Per kecamatan", "Per bulan", "Lama pembayaran",
                               "Klaim"]
    summary = dict(cells(book["Ringkasan"])[1:])
    assert (summary["Klaim dilaporkan"], summary["Klaim dibayar"], summary["Dibayar kepada keluarga (Rp)"]) == (
        6, 3, 117_000_000)
    assert (summary["Median hari dari peristiwa sampai dibayar"], summary["Paling lama (hari)"],
            summary["Klaim paling lama"], summary["Wilayah"]) == (20, 30, claims["joko"].number, "Kabupaten Kaur")
    assert cells(book["Per jenis"])[1:] == [(rules.KIND_LABELS[rules.Kind.JKM], 3, 1, 42_000_000),
                                            (rules.KIND_LABELS[rules.Kind.JKK_DEATH], 1, 1, 70_000_000),
                                            (rules.KIND_LABELS[rules.Kind.JKK_INJURY], 2, 1, 5_000_000)]
    assert dict((r[0], r[1]) for r in cells(book["Per status"])[1:])["dibayar"] == 3
    assert cells(book["Per kecamatan"])[1:] == [(KINAL, "Kinal", 2, 1, 70_000_000),
                                                (KAUR_SELATAN, "Kaur Selatan", 4, 2, 47_000_000)]
    months = cells(book["Per bulan"])[1:]
    assert len(months) == 14 and months[1] == (datetime(2025, 3, 1), 2, 0, 1, 1, 1, 70_000_000)
    assert book["Per bulan"]["A2"].number_format == "mmm yyyy"
    assert cells(book["Lama pembayaran"])[1:3] == [("0–14", 1), ("15–30", 2)]
    rows = {r[0]: r for r in cells(book["Klaim"])[1:]}
    assert len(rows) == 6
    assert rows[claims["ahmad"].number] == (
        claims["ahmad"].number, rules.KIND_LABELS[rules.Kind.JKM], "dibayar", datetime(2025, 2, 10), "Kaur Selatan",
        "Bandar Bintuhan", datetime.combine(claims["ahmad"].reported_on, datetime.min.time()), datetime(2025, 2, 18),
        datetime(2025, 2, 21), 42_000_000, 11, "Tidak")
    assert rows[claims["joko"].number][-3:] == (70_000_000, 30, "Ya")
    assert rows[claims["rudi"].number][7:] == (None, None, None, None, None)
    assert book["Klaim"]["D2"].number_format == "dd-mm-yyyy" and book["Klaim"]["J2"].data_type == "n"
    text = " ".join(str(v) for sheet in book for row in cells(sheet) for v in row if v is not None)
    for m in members.values():
        assert m.peserta.nik not in text and m.peserta.nama not in text


def test_a_camats_xlsx_holds_his_kecamatan_only(client, world):
    users, members, claims = world
    client.force_login(users["camat"])
    response = client.get(reverse("claims_report:xlsx"), {"tahun": "2025"})
    assert 'filename="laporan-klaim-2025.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    numbers = [r[0] for r in cells(book["Klaim"])[1:]]
    assert sorted(numbers) == sorted(claims[k].number for k in ("ahmad", "siti", "budi"))
    assert cells(book["Per kecamatan"])[1:] == [(KAUR_SELATAN, "Kaur Selatan", 3, 2, 47_000_000)]
    text = " ".join(str(v) for sheet in book for row in cells(sheet) for v in row if v is not None)
    assert "Kinal" not in text and claims["joko"].number not in text


def test_nobody_without_an_area_sees_a_figure(client, world, django_user_model):
    nobody = django_user_model.objects.create_user("tanpaperan", password="x" * 12)
    client.force_login(nobody)
    report = client.get(reverse("claims_report:index")).context["report"]
    assert (report.claims, report.paid, report.by_kecamatan, report.by_month, report.median_days) == (0, 0, [], [], None)
    assert load_workbook(io.BytesIO(client.get(reverse("claims_report:xlsx")).content))["Klaim"].max_row == 1
    client.logout()
    assert client.get(reverse("claims_report:index")).status_code == 302
