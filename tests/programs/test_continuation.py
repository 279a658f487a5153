"""Continuing a programme into a new year: continuing members keep their KPJ and come first, the registration file
holds only newcomers (and whoever lapsed, to register again), each member's gap is shown (issue 15, item 1)."""

import io
import json
from datetime import date
from types import SimpleNamespace

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from lindung.accounts.services import issue_token
from lindung.audit.models import Event
from lindung.enrolment import selectors as registration
from lindung.enrolment import services as enrolment
from lindung.enrolment.models import Membership
from lindung.life.models import LifeEvent
from lindung.payments import protection
from lindung.payments.models import PaidMonth
from lindung.programs import selectors, services
from lindung.programs.models import Programme
from lindung.programs.selectors import Settings
from lindung.registry.models import Peserta
from tests.conftest import KINAL_VILLAGE, make_peserta, plan_programme
from tests.factories import KPJ, answer_from, bearer, submit_all

FULL_YEAR = 12 * 16_800
TURNS_65 = date(1960, 12, 15)  # 64 on 1 January 2025, 65 on 1 January 2026


@pytest.fixture
def earlier(users):
    """kaur-2025: five of six_workers for the whole year (Siti Pedagang left out), each registered with his KPJ,
    paid by the month up to December, but Budi up to October (in arrears on 1 January 2026) and Rudi up to August
    (lapsed on 1 December 2025); then closed. Ahmad and Siti turn 65 by 1 January 2026."""
    programme = plan_programme(users, "full_year", people=5)
    enrolment.import_answer(users["operator"], programme, [answer_from(submit_all(users, programme))])
    programme.pks_number, programme.pks_date = "PKS/560/2024", date(2024, 12, 20)
    services.advance_status(users["admin"], services.save_programme(users["admin"], programme))
    paid_until = {"Budi Petani": 10, "Rudi Buruh": 8}
    PaidMonth.objects.bulk_create([
        PaidMonth(membership=m, peserta_id=m.peserta_id, month=date(2025, k, 1), payer="apbd",
                  paid_on=date(2025, k, 12))
        for m in programme.memberships.select_related("peserta")
        for k in range(1, paid_until.get(m.peserta.nama, 12) + 1)])
    protection.refresh(programme.memberships.all())
    services.advance_status(users["admin"], programme)  # closed: only the months paid count
    Peserta.objects.filter(nama__in=["Ahmad Nelayan", "Siti Pedagang"]).update(tanggal_lahir=TURNS_65)
    programme.refresh_from_db()
    return programme


def by_name(programme) -> dict[str, Membership]:
    return {m.peserta.nama: m for m in programme.memberships.select_related("peserta")}


def test_continuing_makes_next_years_draft_with_the_same_rules(users, earlier):
    earlier.desil_max, earlier.weight_high_risk = 2, 30
    services.save_rules(users["admin"], earlier, [])
    made = services.continue_programme(users["operator"], earlier, 2026, 500_000_000)
    assert (made.code, made.name, made.status, made.continues) == (
        "kaur-2026", "Perlindungan Pekerja Rentan 2026", Programme.Status.DRAFT, earlier)
    assert (made.start, made.end, made.budget, made.created_by) == (date(2026, 1, 1), date(2026, 12, 1), 500_000_000,
                                                                    users["operator"])
    assert (made.funding_source, made.income_tier, made.include_jht) == ("apbd", 1_000_000, False)
    assert (made.desil_max, made.weight_high_risk, made.max_age) == (2, 30, 64)
    assert Event.objects.filter(action="programs.continued", actor=users["operator"]).count() == 1
    assert made.history.count() == 1
    with pytest.raises(ValidationError, match="sudah dilanjutkan oleh program kaur-2026"):
        services.continue_programme(users["operator"], earlier, 2027, 500_000_000)
    with pytest.raises(ValidationError, match="tahun sesudah 2025"):
        services.save_programme(users["operator"], Programme(code="x", name="x", year=2025, start=date(2025, 1, 1),
                                                             end=date(2025, 12, 1), continues=earlier))
    with pytest.raises(ValidationError, match="belum punya rencana"):
        services.continue_programme(users["operator"], made, 2027, 500_000_000)
    with pytest.raises(PermissionDenied):
        services.continue_programme(users["camat"], earlier, 2027, 500_000_000)


def test_gaps_keep_kpj_and_the_age_limit_at_registration(users, earlier):
    made = services.continue_programme(users["operator"], earlier, 2026, 6 * FULL_YEAR)
    found = selectors.regency_candidates(made)
    gaps = {c.membership.peserta.nama: (c.gap.kind, c.gap.unpaid, c.gap.lapse, c.keeps_kpj) for c in found.continuing}
    assert gaps == {
        "Ahmad Nelayan": ("no_gap", 0, date(2026, 4, 1), True), "Joko Nelayan": ("no_gap", 0, date(2026, 4, 1), True),
        "Wati Petani": ("no_gap", 0, date(2026, 4, 1), True), "Budi Petani": ("in_arrears", 2, date(2026, 2, 1), True),
        "Rudi Buruh": ("lapsed", 4, date(2025, 12, 1), False),
    }
    # Ahmad, 65, continues with his KPJ; Siti, 65, would be registered now: not eligible.
    eligible = {Peserta.objects.get(nik=w.key).nama: w.continuing for w in found.workers}
    assert eligible == {"Ahmad Nelayan": True, "Joko Nelayan": True, "Wati Petani": True, "Budi Petani": True,
                        "Rudi Buruh": True}
    reasons = selectors.assessment(users["admin"], made).filter(nama="Siti Pedagang")["reasons"][0].to_list()
    assert reasons == ["Usia 65 tahun pada 1 Januari 2026: harus di bawah 65"]
    figures = selectors.continuation_figures(made, found)
    assert {k: figures[k] for k in ("continues", "continuing", "keep_kpj", "continuing_eligible",
                                    "newcomers_eligible", "gap", "lapse_dates")} == {
        "continues": "kaur-2025", "continuing": 5, "keep_kpj": 4, "continuing_eligible": 5, "newcomers_eligible": 0,
        "gap": {"no_gap": 3, "in_arrears": 1, "lapsed": 1, "never_paid": 0}, "lapse_dates": {"2025-12-01": 1}}
    assert [w.split(" (")[0] for w in figures["warnings"]] == [
        "1 peserta program sebelumnya sudah nonaktif saat program ini mulai 1 Januari 2026",
        "1 peserta program sebelumnya menunggak pada 1 Januari 2026"]
    assert selectors.continuation_figures(earlier, found) is None  # it continues none


def test_while_the_earlier_programme_runs_its_funded_months_count_as_to_be_paid(users, earlier, monkeypatch):
    # On 20 November 2025 kaur-2025 still runs: Budi's and Rudi's months to December are still to be paid (those
    # due already, today), before any of them lapses.
    Programme.objects.filter(pk=earlier.pk).update(status=Programme.Status.RUNNING)
    monkeypatch.setattr(selectors, "timezone", SimpleNamespace(localdate=lambda: date(2025, 11, 20)))
    made = services.continue_programme(users["operator"], Programme.objects.get(pk=earlier.pk), 2026, FULL_YEAR)
    assert selectors.continuation_figures(made, selectors.regency_candidates(made))["gap"] == {
        "no_gap": 5, "in_arrears": 0, "lapsed": 0, "never_paid": 0}


def test_who_died_or_left_does_not_continue(users, earlier):
    made = services.continue_programme(users["operator"], earlier, 2026, 6 * FULL_YEAR)
    members = by_name(earlier)
    # Joko reported dead (not verified yet); Wati's membership ended when she left.
    LifeEvent.objects.create(peserta=members["Joko Nelayan"].peserta, kind=LifeEvent.Kind.DIED,
                             source=LifeEvent.Source.VILLAGE, status=LifeEvent.Status.REPORTED,
                             happened_on=date(2025, 12, 20), recorded_by=users["desa"])
    Membership.objects.filter(pk=members["Wati Petani"].pk).update(ended_on=date(2025, 12, 31), end_kind="keluar")
    going_on = {c.membership.peserta.nama for c in selectors.regency_candidates(made).continuing}
    assert going_on == {"Ahmad Nelayan", "Budi Petani", "Rudi Buruh"}


def test_the_planner_puts_continuing_members_first(users, earlier):
    dedi = make_peserta(KINAL_VILLAGE, "Dedi Nelayan", serial=61, job="nelayan")  # a newcomer of high priority
    made = services.continue_programme(users["operator"], earlier, 2026, 5 * FULL_YEAR)
    settings = Settings.of(made)
    _, _, (_, first, _) = selectors.scenarios(users["operator"], made, settings)
    continuing = {c.membership.peserta.nik for c in selectors.regency_candidates(made).continuing}
    assert set(first.months_per_worker) == continuing and first.uncovered == [dedi.nik]
    # Without continuity first, priority decides: the fisher comes before the farmers of the earlier programme.
    _, _, (_, by_priority, _) = selectors.scenarios(users["operator"], made, Settings(
        settings.budget, settings.first, settings.last, continuity_first=False))
    assert dedi.nik in by_priority.months_per_worker
    # A continuing programme's continuing members are exactly its own: covered until December elsewhere does not
    # count, lapsed in the earlier one does.
    workers = {w.key: w.continuing for w in selectors.regency_candidates(made).workers}
    assert workers[dedi.nik] is False and all(workers[nik] for nik in continuing)


def test_approval_registers_continuing_members_with_their_kpj_and_files_only_newcomers(users, earlier):
    dedi = make_peserta(KINAL_VILLAGE, "Dedi Nelayan", serial=61, job="nelayan")
    made = services.continue_programme(users["operator"], earlier, 2026, 6 * FULL_YEAR)
    services.approve_scenario(users["admin"], services.save_scenario(users["operator"], made, Settings.of(made),
                                                                     "full_year"))
    members = by_name(made)
    assert {n: (m.status, m.kpj) for n, m in members.items()} == {
        "Ahmad Nelayan": ("registered", KPJ["Ahmad Nelayan"]), "Joko Nelayan": ("registered", KPJ["Joko Nelayan"]),
        "Wati Petani": ("registered", KPJ["Wati Petani"]), "Budi Petani": ("registered", KPJ["Budi Petani"]),
        "Rudi Buruh": ("candidate", ""), "Dedi Nelayan": ("candidate", ""),  # lapsed: registered again; new
    }
    # From January his new membership is each continuing member's current one.
    assert protection.current_membership(members["Ahmad Nelayan"].peserta, date(2026, 1, 1)).programme == made
    assert protection.current_membership(members["Ahmad Nelayan"].peserta, date(2025, 12, 31)).programme == earlier

    batches = enrolment.submit_registration(users["operator"], made)
    book = openpyxl.load_workbook(io.BytesIO(
        registration.registration_workbook(users["operator"], made, batches)))
    names = {row[2] for sheet in book.worksheets for row in sheet.iter_rows(min_row=4, values_only=True) if row[1]}
    assert names == {"Rudi Buruh", "Dedi Nelayan"} and sum(b.members for b in batches) == 2

    # BPJS answers the file (Rudi gets his KPJ back) and may list continuing members too: known, unchanged.
    answer = answer_from(registration.registration_workbook(users["operator"], made, batches),
                         kpj={**KPJ, "Dedi Nelayan": "26010000061"})
    outcome = enrolment.import_answer(users["operator"], made, [answer])
    assert (outcome.registered, outcome.errors) == (2, 0)
    listed = f"NIK,No. KPJ\n{members['Ahmad Nelayan'].peserta.nik},{KPJ['Ahmad Nelayan']}\n".encode()
    again = enrolment.import_answer(users["operator"], made, [listed])
    assert (again.registered, again.unchanged, again.errors) == (0, 1, 0)
    assert set(made.memberships.values_list("status", flat=True)) == {"registered"}
    assert made.memberships.get(peserta=dedi).kpj == "26010000061"


def test_the_pages_say_why_and_show_the_gaps(client, users, earlier):
    client.force_login(users["operator"])
    form = client.get(reverse("programs:new"), {"continues": "kaur-2025"})
    assert form.context["form"].initial["code"] == "kaur-2026" and form.context["form"].initial["year"] == 2026
    response = client.post(reverse("programs:new"), {
        "code": "kaur-2026", "name": "Pekerja Rentan 2026", "year": "2026", "start": "2026-01", "end": "2026-12",
        "funding_source": "apbd", "budget": "500.000.000", "income_tier": "1000000", "continues": earlier.pk})
    assert response.status_code == 302 and Programme.objects.get(code="kaur-2026").continues == earlier
    planner = client.get(reverse("programs:planner", args=["kaur-2026"]), {
        "budget": "500000000", "first": "2026-01", "last": "2026-12", "min_consecutive": "6",
        "continuity_first": "on", "kecamatan_share": "on"})
    body = planner.content.decode()
    assert "didahulukan dalam rencana agar perlindungannya tidak terputus" in body
    assert planner.context["continuation"]["gap"] == {"no_gap": 3, "in_arrears": 1, "lapsed": 1, "never_paid": 0}
    assert "harus didaftarkan ulang sebagai peserta baru" in body
    detail = client.get(reverse("programs:detail", args=["kaur-2026"]))
    assert 'data-testid="gap-lapsed">1<' in detail.content.decode()
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(reverse("programs:continuation_xlsx",
                                                                 args=["kaur-2026"])).content)).active
    rows = {r[1]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Budi Petani"][3:] == ("2025-10", 2, "Menunggak 2 bulan", "1 Februari 2026", "KPJ lama")
    assert rows["Rudi Buruh"][5:] == ("Nonaktif sejak 1 Desember 2025", "1 Desember 2025", "Daftar ulang")
    assert isinstance(rows["Budi Petani"][0], str) and len(rows) == 5
    # A programme of the same year cannot be continued; the camat may not download the list.
    client.force_login(users["camat"])
    assert client.get(reverse("programs:continuation_xlsx", args=["kaur-2026"])).status_code == 403


def test_the_command_line_continues_a_programme(users, earlier, capsys):
    call_command("programme", "continue", "kaur-2025", "--year", "2026", "--budget", "500.000.000", "--json",
                 "--user", "operator")
    out = json.loads(capsys.readouterr().out)
    assert {k: out[k] for k in ("code", "continues", "continuing", "keep_kpj", "newcomers_eligible", "gap")} == {
        "code": "kaur-2026", "continues": "kaur-2025", "continuing": 5, "keep_kpj": 4, "newcomers_eligible": 0,
        "gap": {"no_gap": 3, "in_arrears": 1, "lapsed": 1, "never_paid": 0}}
    assert len(out["warnings"]) == 2 and Programme.objects.get(code="kaur-2026").budget == 500_000_000
    with pytest.raises(CommandError, match="sudah dilanjutkan"):
        call_command("programme", "continue", "kaur-2025", "--year", "2027", "--budget", "1", "--user", "operator")
    with pytest.raises(CommandError, match="LINDUNG_USER"):
        call_command("programme", "continue", "kaur-2026", "--year", "2027", "--budget", "1")
    with pytest.raises(CommandError, match="bukan jumlah Rupiah"):
        call_command("programme", "continue", "kaur-2025", "--year", "2027", "--budget", "500,5", "--user", "operator")


def test_the_api_continues_a_programme_and_gives_its_figures(users, earlier):
    client, auth = Client(), {name: bearer(issue_token(user)) for name, user in users.items()}
    body = {"year": 2026, "budget": "500.000.000"}
    assert client.post("/api/programmes/kaur-2025/continue", body, content_type="application/json",
                       **auth["camat"]).status_code == 403
    made = client.post("/api/programmes/kaur-2025/continue", body, content_type="application/json",
                       **auth["operator"])
    assert made.status_code == 201
    assert (made.json()["code"], made.json()["continues"], made.json()["budget"]) == ("kaur-2026", "kaur-2025",
                                                                                        500_000_000)
    assert made.json()["continuation"]["gap"] == {"no_gap": 3, "in_arrears": 1, "lapsed": 1, "never_paid": 0}
    again = client.post("/api/programmes/kaur-2025/continue", body, content_type="application/json",
                        **auth["operator"])
    assert again.status_code == 409 and "sudah dilanjutkan" in again.json()["detail"]
    # The camat reads the figures of his kecamatan (Kaur Selatan: Ahmad, Budi, Rudi).
    camat = client.get("/api/programmes/kaur-2026", **auth["camat"]).json()["continuation"]
    assert (camat["continuing"], camat["gap"]) == (3, {"no_gap": 1, "in_arrears": 1, "lapsed": 1, "never_paid": 0})
    assert client.get("/api/programmes/kaur-2025", **auth["camat"]).json()["continuation"] is None
    listed = {p["code"]: p["continues"] for p in client.get("/api/programmes", **auth["camat"]).json()}
    assert listed == {"kaur-2026": "kaur-2025", "kaur-2025": None}
