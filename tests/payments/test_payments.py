"""The monthly bill and its payment: amounts from the rate table, nobody billed twice, whole lines paid in
order, late payments and what the coverage engine makes of the months paid."""

import io
import json
import random
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.urls import reverse

from lindung.audit.models import Event
from lindung.enrolment.models import Membership
from lindung.payments import protection, selectors, services
from lindung.payments.models import Bill, BillLine, PaidMonth, Payment
from lindung.programs.models import Programme
from lindung.rules.contributions import Month, due_date
from lindung.rules.coverage import State, status_on
from tests.conftest import KINAL_VILLAGE, make_peserta
from tests.factories import another_admin, approved_bill, run

S = Membership.Status


@pytest.fixture
def running(planned):
    return run(planned)



def lines_in_order(bill):
    return list(bill.lines.order_by("peserta__nik").select_related("peserta"))


def test_a_bill_has_one_line_per_active_member_at_the_apbd_rate(users, running):
    done = services.generate_bill(users["operator"], running, "2025-01")
    bill = done.bill
    assert done.added == bill.members == 5
    assert bill.status == Bill.Status.DRAFT and bill.due_date == date(2025, 1, 15)
    assert {(line.jkk, line.jkm, line.jht, line.discount, line.total) for line in bill.lines.all()} == {
        (10_000, 6_800, 0, 0, 16_800)}
    assert bill.total == 5 * 16_800
    assert set(bill.lines.values_list("membership__programme", flat=True)) == {running.pk}


def test_with_jht_a_line_is_36800_and_a_weekend_moves_the_due_date(users, running):
    running.include_jht = True
    running.save()
    bill = services.generate_bill(users["operator"], running, "2025-02").bill
    assert set(bill.lines.values_list("total", flat=True)) == {36_800}
    assert bill.total == 5 * 36_800
    assert bill.due_date == date(2025, 2, 17)  # 15 February 2025 is a Saturday


def test_only_registered_or_active_members_within_their_funded_months_are_billed(users, running):
    ahmad, budi = (running.memberships.get(peserta__nama=n) for n in ("Ahmad Nelayan", "Budi Petani"))
    Membership.objects.filter(pk=ahmad.pk).update(status=S.REJECTED)
    Membership.objects.filter(pk=budi.pk).update(first=date(2025, 3, 1))
    bill = services.generate_bill(users["operator"], running, "2025-01").bill
    assert bill.members == 3
    assert not bill.lines.filter(membership__in=[ahmad, budi]).exists()
    with pytest.raises(ValidationError, match="di luar masa program"):
        services.generate_bill(users["operator"], running, "2026-01")


def test_generating_again_adds_only_who_is_missing_and_refuses_once_approved(users, running):
    budi = running.memberships.get(peserta__nama="Budi Petani")
    Membership.objects.filter(pk=budi.pk).update(status=S.SUBMITTED)
    first = services.generate_bill(users["operator"], running, "2025-01")
    again = services.generate_bill(users["admin"], running, "2025-01")
    assert (first.added, again.added, again.bill.pk, again.bill.members) == (4, 0, first.bill.pk, 4)
    Membership.objects.filter(pk=budi.pk).update(status=S.ACTIVE)  # BPJS's KPJ came in the meantime
    topped = services.generate_bill(users["operator"], running, "2025-01")
    assert (topped.added, topped.bill.members, topped.bill.total) == (1, 5, 5 * 16_800)
    services.approve_bill(users["admin"], topped.bill)
    with pytest.raises(ValidationError, match="sudah disetujui"):
        services.generate_bill(users["operator"], running, "2025-01")


@pytest.mark.parametrize("seed", range(3))
def test_no_random_sequence_of_generating_and_approving_bills_anyone_twice(users, running, seed):
    rng = random.Random(seed)
    memberships = list(running.memberships.all())
    Membership.objects.filter(pk__in=[m.pk for m in memberships]).update(status=S.SUBMITTED)
    for _ in range(25):
        action, month = rng.choice(["generate", "generate", "activate", "approve"]), f"2025-0{rng.randint(1, 3)}"
        if action == "activate":
            Membership.objects.filter(pk=rng.choice(memberships).pk).update(status=S.ACTIVE)
        elif action == "approve":
            bill = Bill.objects.filter(programme=running, month=date(2025, int(month[-1]), 1), status="draft").first()
            if bill:
                services.approve_bill(users["admin"], bill)
        else:
            try:
                services.generate_bill(users["operator"], running, month)
            except ValidationError:
                pass  # approved already, or nobody active yet
    per_person_month = BillLine.objects.values("peserta", "month").annotate(n=Count("pk"))
    assert all(row["n"] == 1 for row in per_person_month)
    for bill in Bill.objects.all():
        assert (bill.members, bill.total) == (bill.lines.count(), 16_800 * bill.lines.count())


def test_a_second_programme_cannot_bill_the_same_person_month(users, running):
    services.generate_bill(users["operator"], running, "2025-01")
    other = Programme.objects.create(code="csr-2025", name="CSR 2025", year=2025, start=date(2025, 1, 1),
                                     end=date(2025, 6, 1), status=Programme.Status.RUNNING, funding_source="csr")
    ahmad = running.memberships.get(peserta__nama="Ahmad Nelayan").peserta
    Membership.objects.create(programme=other, peserta=ahmad, status=S.ACTIVE, first=date(2025, 1, 1), last=date(2025, 6, 1))
    with pytest.raises(ValidationError, match="Tidak ada peserta"):
        services.generate_bill(users["operator"], other, "2025-01")
    newcomer = make_peserta(KINAL_VILLAGE, "Dewi Baru", sex="P", serial=61)
    Membership.objects.create(programme=other, peserta=newcomer, status=S.ACTIVE, first=date(2025, 1, 1),
                              last=date(2025, 6, 1))
    bill = services.generate_bill(users["operator"], other, "2025-01").bill
    assert list(bill.lines.values_list("peserta", flat=True)) == [newcomer.pk]
    # February is not billed by the regency yet, so the CSR programme pays Ahmad's.
    assert services.generate_bill(users["operator"], other, "2025-02").bill.members == 2


def test_a_partial_payment_pays_whole_lines_in_nik_order_and_the_rest_later(users, running):
    bill = approved_bill(users, running)
    done = services.record_payment(users["admin"], bill, "SP2D-001", date(2025, 1, 10), 40_000)
    lines = list(selectors.bill_lines(users["admin"], bill))
    assert done.lines_paid == 2 and not done.late and done.in_arrears == ()
    assert [line.paid_on for line in lines] == [date(2025, 1, 10)] * 2 + [None] * 3
    bill.refresh_from_db()
    assert bill.status == Bill.Status.PARTLY_PAID
    paid = PaidMonth.objects.order_by("peserta__nik")
    assert [(p.peserta_id, p.month, p.payer, p.paid_on) for p in paid] == [
        (line.peserta_id, date(2025, 1, 1), "apbd", date(2025, 1, 10)) for line in lines[:2]]
    # 6,400 was left over: with it, 44,000 pays the other three lines, each once.
    rest = services.record_payment(users["admin"], bill, "SP2D-002", date(2025, 1, 14), 44_000)
    bill.refresh_from_db()
    assert rest.lines_paid == 3 and bill.status == Bill.Status.PAID
    assert PaidMonth.objects.count() == 5 and all(line.paid_on for line in selectors.bill_lines(users["admin"], bill))
    assert set(rest.payment.paid_months.values_list("peserta", flat=True)) == {line.peserta_id for line in lines[2:]}
    with pytest.raises(ValidationError, match="belum lunas"):
        services.record_payment(users["admin"], bill, "SP2D-003", date(2025, 1, 14), 1)


def test_overpayment_a_repeated_sp2d_a_future_date_and_a_draft_bill_are_refused(users, running):
    draft = services.generate_bill(users["operator"], running, "2025-01").bill
    with pytest.raises(ValidationError, match="sudah disetujui"):
        services.record_payment(users["admin"], draft, "SP2D-1", date(2025, 1, 10), 16_800)
    bill = services.approve_bill(users["admin"], draft)
    with pytest.raises(ValidationError, match="melebihi sisa tagihan Rp84.000"):
        services.record_payment(users["admin"], bill, "SP2D-1", date(2025, 1, 10), 84_001)
    services.record_payment(users["admin"], bill, "SP2D-1", date(2025, 1, 10), 80_000)
    with pytest.raises(ValidationError, match="sudah dicatat"):
        services.record_payment(users["admin"], bill, "SP2D-1", date(2025, 1, 11), 4_000)
    with pytest.raises(ValidationError, match="melebihi sisa tagihan Rp4.000"):
        services.record_payment(users["admin"], bill, "SP2D-2", date(2025, 1, 11), 4_001)
    with pytest.raises(ValidationError, match="masa depan"):
        services.record_payment(users["admin"], bill, "SP2D-2", date(2999, 1, 1), 4_000)
    assert PaidMonth.objects.count() == 4


def test_a_late_payment_is_flagged_with_the_members_it_left_in_arrears(users, running):
    bill = approved_bill(users, running)
    done = services.record_payment(users["admin"], bill, "SP2D-9", date(2025, 1, 20), 2 * 16_800)
    first_two = [line.membership_id for line in lines_in_order(bill)[:2]]
    assert done.late and done.payment.late and done.in_arrears == tuple(first_two)
    paid, unpaid = (Membership.objects.get(pk=first_two[0]),
                    next(line for line in selectors.bill_lines(users["admin"], bill) if not line.paid_on).membership)
    paid_cover = selectors.coverage_of(users["admin"], paid)
    # No cover before the first payment (PP 44/2015 Ps 1 angka 4): from it, January is paid.
    assert status_on(paid_cover, date(2025, 1, 17)).state is State.NOT_YET
    assert status_on(paid_cover, date(2025, 1, 20)).state is State.ACTIVE
    assert status_on(selectors.coverage_of(users["admin"], unpaid), date(2025, 1, 20)).state is State.NOT_YET
    event = Event.objects.get(action="payments.payment_recorded")
    assert "terlambat" in event.summary and paid.peserta.nik not in event.summary


def bill_month(bill):
    return Month.of(bill.month)


def test_a_member_who_lapsed_is_not_billed(users, running):
    # Paid for January, then not for February to April: he lapses on 1 May. (Never paid for, he would not be
    # covered yet, and stay billed: PP 44/2015 Ps 1 angka 4.)
    last = None
    for month in ("2025-01", "2025-02", "2025-03", "2025-04"):
        bill = approved_bill(users, running, month)
        unpaid = 0 if month == "2025-01" else 16_800
        services.record_payment(users["admin"], bill, f"SP2D-{month}", bill.due_date, bill.total - unpaid)
        last = lines_in_order(bill)[-1].membership
    cover = selectors.coverage_of(users["admin"], last)
    assert status_on(cover, date(2025, 5, 1)).state is State.LAPSED
    may = services.generate_bill(users["operator"], running, "2025-05").bill
    assert may.members == 4 and not may.lines.filter(membership=last).exists()
    assert "1 nonaktif tidak ditagih" in Event.objects.filter(action="payments.bill_generated").order_by("pk").last().summary


def test_a_payment_made_after_the_lapse_date_does_not_keep_the_member_billed(users, running):
    bills = [approved_bill(users, running, m) for m in ("2025-01", "2025-02", "2025-03")]
    for bill in bills:  # the regency paid the quarter only in April: everyone lapsed on 1 April
        services.record_payment(users["admin"], bill, "SP2D-Q1", date(2025, 4, 2), bill.total)
    with pytest.raises(ValidationError, match="Tidak ada peserta"):
        services.generate_bill(users["operator"], running, "2025-04")


def test_a_bill_paid_more_than_the_prepayment_limit_ahead_is_refused(users, running):
    # Paying ahead is possible up to reg.prepay_max_months (12 by default; DOMAIN.md sections 2 and 8).
    bill = approved_bill(users, running, "2025-12")
    with pytest.raises(ValidationError, match="paling jauh 12 bulan di muka, yaitu sampai November 2025"):
        services.record_payment(users["admin"], bill, "SP2D-AWAL", date(2024, 11, 29), bill.total)
    assert services.record_payment(users["admin"], bill, "SP2D-AWAL", date(2024, 12, 2), bill.total).lines_paid


def test_who_may_do_what(users, running):
    with pytest.raises(PermissionDenied):
        services.generate_bill(users["camat"], running, "2025-01")
    bill = services.generate_bill(users["admin"], running, "2025-01").bill
    with pytest.raises(PermissionDenied):
        services.approve_bill(users["operator"], bill)
    with pytest.raises(PermissionDenied, match="pengguna lain"):
        services.approve_bill(users["admin"], bill)
    services.approve_bill(another_admin(), bill)
    with pytest.raises(PermissionDenied):
        services.record_payment(users["operator"], bill, "SP2D-1", date(2025, 1, 10), 16_800)


def test_a_camat_and_a_village_operator_see_only_their_areas_lines(users, running):
    bill = services.generate_bill(users["operator"], running, "2025-01").bill
    assert selectors.bill_lines(users["admin"], bill).count() == 5
    assert {line.peserta.nama for line in selectors.bill_lines(users["camat"], bill)} == {
        "Ahmad Nelayan", "Budi Petani", "Rudi Buruh"}
    assert [line.peserta.nama for line in selectors.bill_lines(users["desa"], bill)] == ["Ahmad Nelayan"]
    assert list(selectors.bills_for(users["camat"], running)) == [bill]
    joko = running.memberships.get(peserta__nama="Joko Nelayan")
    with pytest.raises(Membership.DoesNotExist):
        selectors.coverage_of(users["camat"], joko)


def test_the_bill_and_pay_commands(users, running):
    out = io.StringIO()
    call_command("bill", "2025-01", "--programme", running.code, "--json", "--user", "operator", stdout=out)
    bill = Bill.objects.get()
    assert json.loads(out.getvalue()) == {"bill": bill.pk, "members": 5, "total": 84_000, "due_date": "2025-01-15",
                                          "status": "draft"}
    with pytest.raises(CommandError, match="belum"):
        call_command("pay", "--bill", str(bill.pk), "--sp2d", "1", "--amount", "84000", "--date", "2025-01-10",
                     "--user", "admin")
    services.approve_bill(users["admin"], bill)
    out = io.StringIO()
    call_command("pay", "--bill", str(bill.pk), "--sp2d", "900/SP2D/2025", "--amount", "84000", "--date", "2025-01-16",
                 "--user", "admin", stdout=out)
    assert "5 peserta lunas" in out.getvalue() and "Terlambat" in out.getvalue()
    with pytest.raises(CommandError, match="TTTT-BB-HH"):
        call_command("pay", "--bill", str(bill.pk), "--sp2d", "2", "--amount", "1", "--date", "16/01/2025", "--user", "admin")
    with pytest.raises(CommandError, match="TTTT-BB"):
        call_command("bill", "Januari", "--programme", running.code, "--user", "operator")


def test_each_occupation_pays_its_own_rate_when_a_discount_applies(users, kaur):
    """A CSR-funded programme in 2026: PP 50/2025 halves JKK and JKM for transport workers from January,
    for everyone from April; members without a recorded occupation pay the full rate until then."""
    programme = Programme.objects.create(code="csr-2026", name="CSR 2026", year=2026, start=date(2026, 1, 1),
                                         end=date(2026, 12, 1), status=Programme.Status.RUNNING, funding_source="csr")
    people = {job: make_peserta(KINAL_VILLAGE, f"Pekerja {job}", serial=70 + i, job=job)
              for i, job in enumerate(["pengemudi-ojek", "petani", "nelayan"])}
    people["nelayan"].pekerjaan_1 = None
    people["nelayan"].save()
    for person in people.values():
        Membership.objects.create(programme=programme, peserta=person, status=S.ACTIVE, first=date(2026, 2, 1),
                                  last=date(2026, 12, 1))
    for month, ojek, others in (("2026-02", 8_400, 16_800), ("2026-04", 8_400, 8_400)):
        bill = services.generate_bill(users["operator"], programme, month).bill
        totals = dict(bill.lines.values_list("peserta__pekerjaan_1__code", "total"))
        assert totals == {"pengemudi-ojek": ojek, "petani": others, None: others}
        assert bill.total == ojek + 2 * others


@pytest.mark.parametrize("seed", range(4))
def test_who_is_billed_agrees_with_the_coverage_engine_on_any_payment_history(users, running, seed):
    """Random months paid on random days (in time, late, after the lapse): a member is billed for a month
    exactly when the engine says he has not lapsed on the bill's due date."""
    rng = random.Random(seed)
    members = list(running.memberships.all())
    some_lapsed = some_billed = False
    for trial in range(8):
        PaidMonth.objects.all().delete()
        BillLine.objects.all().delete()
        Payment.objects.all().delete()
        Bill.objects.all().delete()
        holder = Bill.objects.create(programme=running, month=date(2024, 12, 1), due_date=date(2024, 12, 16),
                                     created_by=users["operator"])
        payment = holder.payments.create(sp2d_number="uji", paid_on=date(2025, 1, 1), amount=1, recorded_by=users["admin"])
        for m in members:
            first = rng.randint(1, 4)
            Membership.objects.filter(pk=m.pk).update(first=date(2025, first, 1))
            for month in range(first, 8):
                if rng.random() < 0.6:
                    PaidMonth.objects.create(membership=m, peserta_id=m.peserta_id, month=date(2025, month, 1),
                                             payer="apbd", paid_on=date(2025, month, 1) + timedelta(rng.randint(0, 120)),
                                             payment=payment)
        protection.refresh(Membership.objects.all())  # the rows above bypass the services that keep it
        month = rng.randint(4, 8)
        due = due_date(f"2025-{month:02d}")
        expected = {m.pk for m in Membership.objects.filter(pk__in=[m.pk for m in members])
                    if status_on(selectors.coverage_of(users["admin"], m), due).state is not State.LAPSED}
        try:
            bill = services.generate_bill(users["operator"], running, f"2025-{month:02d}").bill
            billed = set(bill.lines.values_list("membership", flat=True))
        except ValidationError:
            billed = set()
        assert billed == expected, (trial, month)
        some_lapsed, some_billed = some_lapsed or len(expected) < len(members), some_billed or bool(expected)
    assert some_lapsed and some_billed


def test_the_workers_page_shows_his_protection_month_by_month(client, users, running):
    """Kaur funded January and February 2025 only: paid by APBD, then arrears, lapsed from 1 June."""
    for i, m in enumerate(running.memberships.all()):
        Membership.objects.filter(pk=m.pk).update(kpj=f"2401000000{i}")
    for month, paid_on in (("2025-01", date(2025, 1, 10)), ("2025-02", date(2025, 2, 20))):
        bill = approved_bill(users, running, month)
        services.record_payment(users["admin"], bill, f"SP2D-{month}", paid_on, bill.total)
    member = running.memberships.select_related("peserta").first()
    client.force_login(users["admin"])
    page = client.get(reverse("registry:detail", args=[member.peserta_id]))
    (_, rows), = page.context["timelines"]
    assert [str(r["month"]) for r in rows] == [f"2025-{m:02d}" for m in range(1, 13)] + [f"2026-{m:02d}" for m in range(1, 5)]
    assert [r["payer"] for r in rows[:3]] == ["APBD", "APBD", ""]
    assert [r["late"] for r in rows[:2]] == [False, True]  # February's due date was the 17th
    assert [r["status"].state for r in rows[:6]] == [State.ACTIVE, State.ACTIVE, State.ARREARS, State.ARREARS,
                                                     State.ARREARS, State.LAPSED]
    assert rows[5]["status"].lapse == date(2025, 6, 1)
    body = page.content.decode()
    assert 'data-testid="timeline"' in body and "Nonaktif" in body
    client.force_login(users["desa"])  # another village's member: not his page, not his timeline
    outsider = running.memberships.filter(peserta__desa_id=KINAL_VILLAGE).first()
    assert client.get(reverse("registry:detail", args=[outsider.peserta_id])).status_code == 404
