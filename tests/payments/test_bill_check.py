"""The check before a bill is approved (issue 15 item 3): each rule finds its member with the evidence, the member
taken off leaves the bill with the reason and does not come back, and open findings need the approver's note."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lindung.audit.models import Event
from lindung.enrolment.models import Membership
from lindung.life import services as life
from lindung.payments import services
from lindung.payments.models import Bill, BillFinding, PaidMonth
from lindung.programs.demo import ensure_demo_programme
from lindung.programs.models import Programme
from lindung.registry.models import DuplicatePair
from lindung.rules.bill_check import RULES, Rule, over_age_at_registration
from tests.conftest import KAUR, plan_programme
from tests.factories import run

O = BillFinding.Outcome


@pytest.fixture
def draft(users):
    """Five members of Kaur 2025, active with their KPJ, and January 2025's draft bill: nothing to find."""
    programme = run(plan_programme(users))
    return services.generate_bill(users["operator"], programme, "2025-01").bill


def members(bill):
    return list(bill.lines.order_by("peserta__nik").values_list("peserta__nik", flat=True))


def found(bill):
    return sorted((f.rule, f.peserta.nik) for f in bill.findings.filter(outcome=O.OPEN).select_related("peserta"))


def membership(bill, index):
    return bill.lines.order_by("peserta__nik").select_related("membership__peserta")[index].membership


def test_a_clean_bill_has_no_findings_and_is_approved_without_a_note(users, draft):
    assert services.check_bill(users["operator"], draft) == []
    draft.refresh_from_db()
    assert draft.checked_by == users["operator"] and draft.checked_at is not None
    assert Event.objects.filter(action="payments.bill_checked", summary__contains="tidak ada temuan").exists()
    assert services.approve_bill(users["admin"], draft).status == Bill.Status.APPROVED


def test_a_death_reported_before_the_month_is_found_the_death_month_itself_is_owed(users, draft):
    dead, dying = membership(draft, 0), membership(draft, 1)
    life.report_death(users["admin"], dead.peserta, died_on=date(2024, 12, 20), evidence="surat kepala desa")
    life.report_death(users["admin"], dying.peserta, died_on=date(2025, 1, 20))
    made = services.check_bill(users["operator"], draft)
    assert [(f.rule, f.peserta_id) for f in made] == [(Rule.DIED, dead.peserta_id)]
    assert "20 Desember 2024" in made[0].evidence and "surat kepala desa" in made[0].evidence


def test_moved_wage_earner_and_other_payer_are_found_from_their_dates(users, draft):
    moved, employed, paid_elsewhere, later = (membership(draft, i) for i in range(4))
    life.record(users["admin"], moved.peserta, kind="moved_out", happened_on=date(2024, 11, 1), source="typed")
    # a verified move ends the membership: the bill was drawn before it was recorded, so the line is still there
    life.record(users["admin"], employed.peserta, kind="wage_earner", happened_on=date(2025, 1, 10),
                source="bpjs_status", evidence="berkas status BPJS Januari")
    # cover recorded after the bill was drawn: the line slipped in, the check finds it; February on is not January
    life.record_other_cover(users["admin"], paid_elsewhere.peserta, payer="provinsi", payer_name="Pemprov Bengkulu",
                            first="2024-07", last="2025-01", source="bpjs_status")
    life.record_other_cover(users["admin"], later.peserta, payer="dana_desa", payer_name="Desa Padang Baru",
                            first="2025-02", source="typed", evidence="daftar APBDes 2025")
    services.check_bill(users["operator"], draft)
    assert found(draft) == sorted([
        (Rule.MOVED_OUT, moved.peserta.nik), (Rule.WAGE_EARNER, employed.peserta.nik),
        (Rule.OTHER_PAYER, paid_elsewhere.peserta.nik)])
    other = draft.findings.get(rule=Rule.OTHER_PAYER)
    assert "Pemprov Bengkulu" in other.evidence and "Januari 2025" in other.evidence


def test_65_or_older_when_first_registered_is_found_turning_65_since_is_not(users, draft):
    old, aged = membership(draft, 0), membership(draft, 1)
    type(old.peserta).objects.filter(pk=old.peserta_id).update(tanggal_lahir=date(1959, 6, 1))  # 65 on 1 Jan 2025
    type(aged.peserta).objects.filter(pk=aged.peserta_id).update(tanggal_lahir=date(1960, 1, 2))  # 64 then
    made = services.check_bill(users["operator"], draft)
    assert [(f.rule, f.peserta_id) for f in made] == [(Rule.OVER_AGE, old.peserta_id)]
    assert "berusia 65 tahun saat terdaftar 1 Januari 2025" in made[0].evidence
    assert over_age_at_registration(date(1960, 1, 1), date(2025, 1, 1))
    assert not over_age_at_registration(date(1960, 1, 2), date(2025, 1, 1))


def test_65_in_a_continuing_programme_is_not_found_a_new_registration_at_65_is(users, draft):
    """The age limit is at registration (DOMAIN.md §3): enrolled at 64 in 2024 with his KPJ, he turns 65 and goes on
    in the programme continuing it; one who held another KPJ then (he lapsed) is registered anew at 65."""
    going_on, anew = membership(draft, 0), membership(draft, 1)
    for m in (going_on, anew):
        type(m.peserta).objects.filter(pk=m.peserta_id).update(tanggal_lahir=date(1959, 6, 1))  # 65 on 1 Jan 2025
    earlier = ensure_demo_programme(KAUR)
    earlier.pk, earlier.code, earlier.name, earlier.plan, earlier.year = None, "kaur-2024", "Kaur 2024", None, 2024
    earlier.save()
    Programme.objects.filter(pk=draft.programme_id).update(continues=earlier)
    Membership.objects.create(programme=earlier, peserta=going_on.peserta, first=date(2024, 5, 1),
                              last=date(2024, 12, 1), status=Membership.Status.ACTIVE, kpj=going_on.kpj)
    Membership.objects.create(programme=earlier, peserta=anew.peserta, first=date(2024, 5, 1),
                              last=date(2024, 12, 1), status=Membership.Status.ACTIVE, kpj="99999999998")
    made = services.check_bill(users["operator"], draft)
    assert [(f.rule, f.peserta_id) for f in made] == [(Rule.OVER_AGE, anew.peserta_id)]
    assert "berusia 65 tahun saat terdaftar 1 Januari 2025" in made[0].evidence


def test_a_month_paid_already_and_a_member_of_another_running_programme_are_found(users, draft):
    self_paid, twice = membership(draft, 0), membership(draft, 1)
    PaidMonth.objects.create(membership=self_paid, peserta=self_paid.peserta, month=date(2025, 1, 1),
                             payer="mandiri", paid_on=date(2025, 1, 5))
    other = ensure_demo_programme(KAUR)
    other.pk, other.code, other.name, other.plan, other.status = None, "desa-2025", "Dana Desa 2025", None, "running"
    other.save()
    Membership.objects.create(programme=other, peserta=twice.peserta, first=date(2025, 1, 1),
                              last=date(2025, 6, 1), status=Membership.Status.ACTIVE, kpj="99999999999")
    made = {f.rule: f for f in services.check_bill(users["operator"], draft)}
    assert set(made) == {Rule.PAID_ALREADY, Rule.OTHER_PROGRAMME}
    assert made[Rule.PAID_ALREADY].peserta_id == self_paid.peserta_id
    assert "Januari 2025" in made[Rule.PAID_ALREADY].evidence and "5 Januari 2025" in made[Rule.PAID_ALREADY].evidence
    assert made[Rule.OTHER_PROGRAMME].peserta_id == twice.peserta_id
    assert "desa-2025" in made[Rule.OTHER_PROGRAMME].evidence and "Juni 2025" in made[Rule.OTHER_PROGRAMME].evidence


def test_a_probable_duplicate_of_another_member_and_a_missing_kpj_are_found(users, draft):
    a, b, no_kpj = membership(draft, 0), membership(draft, 1), membership(draft, 2)
    DuplicatePair.objects.create(a=a.peserta, b=b.peserta, nik_a=a.peserta.nik, nik_b=b.peserta.nik,
                                 probability=0.93)
    Membership.objects.filter(pk=no_kpj.pk).update(kpj="")
    made = services.check_bill(users["operator"], draft)
    assert sorted((f.rule, f.peserta_id) for f in made) == sorted([
        (Rule.DUPLICATE, a.peserta_id), (Rule.DUPLICATE, b.peserta_id), (Rule.NO_KPJ, no_kpj.peserta_id)])
    evidence = next(f.evidence for f in made if f.peserta_id == a.peserta_id)
    # the other side is not named: he may live where the reader may not look
    assert "93%" in evidence and b.peserta.nik not in evidence and b.peserta.nama not in evidence


def test_excluded_members_leave_the_bill_with_the_reason_and_generating_again_does_not_add_them(users, draft):
    dead, moved = membership(draft, 0), membership(draft, 1)
    life.report_death(users["admin"], dead.peserta, died_on=date(2024, 12, 20))
    life.record(users["admin"], moved.peserta, kind="moved_out", happened_on=date(2024, 11, 1), source="typed")
    services.check_bill(users["operator"], draft)
    with pytest.raises(ValidationError, match="alasan"):
        services.exclude_findings(users["operator"], draft, " ", rules=[Rule.DIED])
    assert services.exclude_findings(users["operator"], draft, "Dilaporkan meninggal oleh desa",
                                     rules=[Rule.DIED]) == 1
    draft.refresh_from_db()
    assert dead.peserta.nik not in members(draft) and draft.members == 4 and draft.total == 4 * 16_800
    excluded = draft.findings.get(outcome=O.EXCLUDED)
    assert (excluded.rule, excluded.note, excluded.decided_by) == (Rule.DIED, "Dilaporkan meninggal oleh desa",
                                                                  users["operator"])
    services.exclude_findings(users["operator"], draft, "Pindah ke Bengkulu Selatan", niks=[moved.peserta.nik])
    with pytest.raises(ValidationError, match="Tidak ada temuan terbuka"):
        services.exclude_findings(users["operator"], draft, "lagi", niks=[moved.peserta.nik])
    # generating the month again adds neither back: the reported death ends nothing, the move ends cover on the
    # programme's first day, a month still owed
    assert services.generate_bill(users["operator"], draft.programme, "2025-01").added == 0
    assert services.check_bill(users["operator"], draft) == []
    assert draft.findings.filter(outcome=O.EXCLUDED).count() == 2
    assert Event.objects.filter(action="payments.bill_members_excluded").count() == 2


def test_open_findings_need_the_approvers_note_which_keeps_them(users, draft):
    dead = membership(draft, 0)
    life.report_death(users["admin"], dead.peserta, died_on=date(2024, 12, 20))
    # the approver's own check runs even if nobody pressed "Periksa"
    with pytest.raises(ValidationError, match=f"1 peserta: 1 {RULES[Rule.DIED].title}"):
        services.approve_bill(users["admin"], draft)
    assert Bill.objects.get(pk=draft.pk).status == Bill.Status.DRAFT
    bill = services.approve_bill(users["admin"], draft, note="Kematian belum diverifikasi; desa menarik laporannya")
    assert bill.approval_note.startswith("Kematian belum diverifikasi")
    kept = bill.findings.get()
    assert (kept.outcome, kept.decided_by, kept.peserta_id) == (O.KEPT, users["admin"], dead.peserta_id)
    assert dead.peserta.nik in members(bill)
    assert "tetap dibayar" in Event.objects.get(action="payments.bill_approved").summary
    with pytest.raises(ValidationError):
        services.check_bill(users["operator"], bill)
    with pytest.raises(ValidationError):
        services.exclude_findings(users["operator"], bill, "terlambat", rules=[Rule.DIED])


def test_who_may_check_and_exclude(users, draft):
    for role in ("camat", "desa", "bpjs", "pimpinan", "auditor"):
        with pytest.raises(PermissionDenied):
            services.check_bill(users[role], draft)
        with pytest.raises(PermissionDenied):
            services.exclude_findings(users[role], draft, "x", rules=[Rule.DIED])
    assert services.check_bill(users["admin"], draft) == []
