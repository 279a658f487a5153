"""Revising a running programme (APBD-P, a cut, a top-up): the draft version, its approval by another Admin Dinas,
the memberships and the bills after it following the new version, notices to those losing cover, every version
readable; and `lindung plan revise`."""

import json
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from lindung.audit.models import Event
from lindung.enrolment.models import Membership
from lindung.notify.models import Message
from lindung.payments import services as payments
from lindung.programs import revision_selectors, revision_services
from lindung.programs.models import Scenario
from tests.factories import JAN, JUL, JUN, RATE, another_admin, pay_months, programme_2026

def lasts(programme) -> dict[str, date]:
    return dict(programme.memberships.values_list("peserta__nama", "last"))


@pytest.fixture
def half_year(users):
    """Everyone January-June 2026 (Rp604.800), the six months billed and paid."""
    programme = programme_2026(users, 6 * 6 * RATE)
    pay_months(users, programme, JAN, JUN)
    return programme


def test_the_apbd_p_extends_everyone_to_december_and_july_is_billed_by_version_2(users, half_year):
    programme = half_year
    found = revision_selectors.preview(users["operator"], programme, JUL, 12 * 6 * RATE)
    everyone = found.chosen("everyone")
    assert (everyone.fixed_cost, everyone.cost, len(everyone.gaining), len(everyone.losing)) == (604_800, 1_209_600, 6, 0)
    assert programme.scenarios.count() == 1  # a preview saves nothing

    v2 = revision_services.propose_revision(users["operator"], programme, JUL, 12 * 6 * RATE, "everyone", "APBD-P 2026")
    assert (v2.version, v2.revises, v2.reason, v2.revised_from) == (2, programme.plan, "APBD-P 2026", date(2026, 7, 1))
    assert v2.consequence["gaining_cover"] == 6 and v2.approved_at is None
    programme.refresh_from_db()
    assert programme.plan.version == 1 and set(lasts(programme).values()) == {date(2026, 6, 1)}  # a draft changes nothing

    revision_services.approve_revision(users["admin"], v2)
    programme.refresh_from_db()
    assert programme.plan == v2 and programme.budget == 1_209_600
    assert set(lasts(programme).values()) == {date(2026, 12, 1)}
    july = payments.generate_bill(users["operator"], programme, JUL).bill
    assert (july.members, july.total) == (6, 6 * RATE)
    assert not Message.objects.exists()  # nobody loses cover: no notice
    assert Event.objects.filter(action="programs.revision_approved").exists()


def test_a_cut_stops_who_loses_cover_in_july_queues_his_notice_and_keeps_version_1(users):
    programme = programme_2026(users, 6 * 12 * RATE, "full_year")  # six people, the whole year
    pay_months(users, programme, JAN, JUN)
    payments.generate_bill(users["operator"], programme, JUL)  # a draft: not committed
    v1 = programme.plan
    # Rp604.800 fixed; Rp302.400 buys July-December for three
    v2 = revision_services.propose_revision(users["operator"], programme, JUL, 604_800 + 3 * 6 * RATE, "full_year",
                                            "APBD-P 2026: pemotongan")
    assert v2.consequence["losing_cover"] == 3 and v2.consequence["lapse_dates"] == {"2026-10-01": 3}
    revision_services.approve_revision(users["admin"], v2)

    programme.refresh_from_db()
    kept = {n for n, last in lasts(programme).items() if last == date(2026, 12, 1)}
    cut = {n for n, last in lasts(programme).items() if last == date(2026, 6, 1)}
    assert len(kept) == 3 and len(cut) == 3
    july = programme.bills.get(month=date(2026, 7, 1))  # the draft lost those no longer funded
    assert july.members == 3 and july.total == 3 * RATE
    assert set(july.lines.values_list("peserta__nama", flat=True)) == kept
    assert payments.generate_bill(users["operator"], programme, JUL).added == 0  # nobody cut comes back
    # The notices of the three losing cover, from the hand-over (paid until June, lapse 1 October 2026)
    notices = Message.objects.filter(purpose="selfpay", about=programme.code)
    assert set(notices.values_list("peserta__nama", flat=True)) == cut
    assert all("Jun 2026" in m.text and "1 Okt 2026" in m.text for m in notices)
    # Version 1 stays as it was
    v1.refresh_from_db()
    assert v1.version == 1 and v1.lines.filter(last=date(2026, 12, 1)).count() == 6
    assert [s.version for s in revision_selectors.versions(programme)] == [1, 2]
    changed = revision_selectors.changed_lines(users["admin"], v2)
    assert {line.peserta.nama for line, _ in changed["losing"]} == cut and changed["gaining"] == []


def test_a_top_up_enrols_who_was_not_covered(users):
    programme = programme_2026(users, 5 * 12 * RATE, "full_year")  # five of six for the year
    pay_months(users, programme, JAN, JUN)
    v2 = revision_services.propose_revision(users["operator"], programme, JUL, 5 * 12 * RATE + 6 * RATE, "full_year",
                                            "APBD-P 2026")
    revision_services.approve_revision(users["admin"], v2)
    new = programme.memberships.get(first=date(2026, 7, 1))
    assert (new.status, new.last) == (Membership.Status.CANDIDATE, date(2026, 12, 1))
    assert programme.memberships.count() == 6


def test_four_eyes_a_reason_and_committed_months(users, half_year):
    programme = half_year
    with pytest.raises(ValidationError, match="alasan"):
        revision_services.propose_revision(users["operator"], programme, JUL, 1_209_600, "everyone", "  ")
    with pytest.raises(ValidationError, match="bulan 2026-06 sudah"):  # June's bill is paid
        revision_services.propose_revision(users["operator"], programme, JUN, 1_209_600, "everyone", "APBD-P")
    with pytest.raises(ValidationError, match="kurang dari biaya"):
        revision_services.propose_revision(users["operator"], programme, JUL, 600_000, "everyone", "APBD-P")
    with pytest.raises(PermissionDenied):
        revision_services.propose_revision(users["camat"], programme, JUL, 1_209_600, "everyone", "APBD-P")
    assert revision_selectors.earliest_month(programme) == JUL

    mine = revision_services.propose_revision(users["admin"], programme, JUL, 1_209_600, "everyone", "APBD-P")
    with pytest.raises(PermissionDenied):  # not by its author
        revision_services.approve_revision(users["admin"], mine)
    other = revision_services.propose_revision(users["operator"], programme, JUL, 1_209_600, "optimum", "APBD-P")
    assert other.version == 3
    with pytest.raises(PermissionDenied):  # an operator does not approve
        revision_services.approve_revision(users["operator"], other)
    revision_services.approve_revision(users["admin"], other)
    with pytest.raises(ValidationError, match="sudah berubah"):  # it revised version 1, now replaced
        revision_services.approve_revision(another_admin(), mine)


def test_a_revision_approved_after_its_month_was_billed_is_refused(users):
    programme = programme_2026(users, 6 * 12 * RATE, "full_year")
    pay_months(users, programme, JAN, JUN)
    v2 = revision_services.propose_revision(users["operator"], programme, JUL, 604_800 + 3 * 6 * RATE, "full_year",
                                            "APBD-P 2026")
    pay_months(users, programme, JUL, JUL)  # July billed and paid on version 1 meanwhile
    with pytest.raises(ValidationError, match="2026-07 sudah"):
        revision_services.approve_revision(users["admin"], v2)


def test_plan_revise_on_the_command_line(users, half_year, capsys):
    programme = half_year
    call_command("plan", "revise", programme.code, "--from", "2026-07", "--budget", "1.209.600", "--json",
                 "--user", "operator", "--reason", "APBD-P 2026")
    out = json.loads(capsys.readouterr().out)
    assert out == {"programme": programme.code, "version": 2, "kind": "everyone", "losing_cover": 0,
                   "gaining_cover": 6, "lapse_dates": {}, "cost": 1_209_600, "fixed_cost": 604_800,
                   "remaining": 0, "people": 6, "person_months": 72, "from": "2026-07", "budget": 1_209_600}
    assert Scenario.objects.get(programme=programme, version=2).created_by == users["operator"]
    call_command("plan", "approve-revision", programme.code, "2", "--user", "admin")
    programme.refresh_from_db()
    assert programme.plan.version == 2
    with pytest.raises(CommandError, match="sudah"):
        call_command("plan", "revise", programme.code, "--from", "2026-06", "--budget", "2000000", "--user", "operator")
    capsys.readouterr()
    call_command("plan", "revise", programme.code, "--from", "2026-08", "--budget", "1209600", "--user", "operator",
                 "--kind", "optimum")
    out = capsys.readouterr().out
    assert out.startswith("Versi 3 rencana kaur-2026 (") and "0 kehilangan perlindungan" in out
    # The old usage still works
    capsys.readouterr()
    call_command("plan", "--budget", "1000000", "--year", "2026", "--json")
    assert json.loads(capsys.readouterr().out)["programme"] == programme.code


def test_the_pages_the_versions_and_the_xlsx_of_who_loses_and_gains(client, users):
    import io

    import openpyxl

    programme = programme_2026(users, 6 * 12 * RATE, "full_year")
    pay_months(users, programme, JAN, JUN)
    v1 = programme.plan
    client.force_login(users["operator"])
    page = client.get(f"/program/{programme.code}/revisi/", {"revise_from": "2026-07", "budget": "907.200",
                                                              "reason": "APBD-P 2026"})
    assert page.status_code == 200 and len(page.context["computed"]) == 3
    assert page.context["found"].chosen("full_year").fixed_cost == 604_800
    saved = client.post(f"/program/{programme.code}/revisi/simpan/", {"revise_from": "2026-07", "budget": "907.200",
                                                                     "reason": "APBD-P 2026", "kind": "full_year"})
    v2 = programme.scenarios.get(version=2)
    assert saved.url == f"/program/{programme.code}/skenario/{v2.number}/"
    client.force_login(users["admin"])
    detail = client.get(saved.url)
    assert detail.context["can_approve_revision"] and len(detail.context["changed"]["losing"]) == 3
    book = openpyxl.load_workbook(io.BytesIO(client.get(saved.url + "perubahan.xlsx").content))
    losing = list(book["Kehilangan perlindungan"].iter_rows(values_only=True))
    assert losing[0][:5] == ("NIK", "Nama", "Desa", "Versi 1", "Versi 2") and len(losing) == 4
    assert {row[3:] for row in losing[1:]} == {("2026-01 s.d. 2026-12", "2026-01 s.d. 2026-06", "2026-07",
                                                 "1 Oktober 2026")}
    assert isinstance(losing[1][0], str) and len(losing[1][0]) == 16  # the NIK as text
    assert client.post(saved.url + "setujui-revisi/").status_code == 302
    programme.refresh_from_db()
    assert programme.plan == v2
    old = client.get(f"/program/{programme.code}/skenario/{v1.number}/")  # version 1 stays readable
    assert old.status_code == 200 and b"Versi rencana 1" in old.content
    assert b"v2" in client.get(f"/program/{programme.code}/").content


def test_a_scenario_leaving_a_member_no_month_is_refused_when_saved_not_only_at_approval(users, client):
    programme = programme_2026(users, 6 * 12 * RATE, "full_year")  # nothing billed yet: January may change
    cut = 2 * 12 * RATE  # the whole year for two of the six: four would keep no month
    found = revision_selectors.preview(users["operator"], programme, JAN, cut)
    assert found.chosen("full_year").emptied_count == 4
    with pytest.raises(ValidationError, match="4 peserta tidak lagi punya satu bulan pun"):
        revision_services.propose_revision(users["operator"], programme, JAN, cut, "full_year", "APBD-P 2026")
    assert programme.scenarios.count() == 1
    client.force_login(users["operator"])
    page = client.get(f"/program/{programme.code}/revisi/", {"revise_from": "2026-01-01", "budget": str(cut),
                                                            "reason": "APBD-P 2026"}).content.decode()
    assert "4 peserta tidak lagi punya satu bulan pun" in page
