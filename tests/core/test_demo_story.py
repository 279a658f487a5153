"""`lindung demo` tells Kaur's story up to today: December 2024 for all 7,130 with the cards handed regent → camat,
January–February 2025 from the Rp300 million, a programme for each later year up to the current one, running and paid
up to this month for fewer people than 7,130, some cards in workers' hands, deaths recorded through every path.

The full demo is seeded ONCE for this module (twice, to show the second run changes nothing) inside a transaction that
is rolled back afterwards; every test reads it in its own savepoint."""

import io
import json
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from io import StringIO

import openpyxl
import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from lindung.accounts.models import User
from lindung.cards import selectors as card_selectors
from lindung.cards.models import Card, CardMove, Handover
from lindung.claims.models import Claim
from lindung.enrolment.models import Membership
from lindung.life.models import LifeEvent
from lindung.notify.models import Message
from lindung.selfpay import selectors as selfpay_selectors
from lindung.payments.bill_xlsx import check_workbook
from lindung.payments.models import Bill, BillLine, PaidMonth, Payment, Protection
from lindung.payments.protection import refresh
from lindung.payments.selectors import as_coverage
from lindung.programs.models import Programme
from lindung.registry.models import Peserta
from lindung.rules import coverage
from lindung.rules.contributions import Month
from lindung.wilayah.models import Wilayah
from tests.conftest import BANDAR_BINTUHAN, KAUR_SELATAN

pytestmark = pytest.mark.slow

TABLES = (Programme, Membership, Bill, BillLine, Payment, PaidMonth, Card, Handover, CardMove, Claim, LifeEvent, Message,
          Peserta, User)


@dataclass(frozen=True)
class Story:
    today: date
    data: object  # the data directory it ran with
    first_run: str
    second_run: str
    after_first: dict
    after_second: dict


def _snapshot() -> dict:
    """Rows per table and the states that matter: what a second run must leave as it was."""
    return {
        **{model.__name__: model.objects.count() for model in TABLES},
        "memberships": Counter(Membership.objects.values_list("programme__code", "status", "kpj", "ended_on")),
        "bills": sorted(Bill.objects.values_list("programme__code", "month", "status", "members", "total")),
        "cards": Counter(Card.objects.values_list("status", flat=True)),
        "life": sorted(LifeEvent.objects.values_list("peserta_id", "kind", "source", "status", "happened_on")),
        "messages": Counter(Message.objects.values_list("status", flat=True)),
        "programmes": sorted(Programme.objects.values_list("code", "status", "budget")),
    }


@pytest.fixture(scope="module")
def story(django_db_setup, django_db_blocker, tmp_path_factory):
    data = tmp_path_factory.mktemp("demo")
    places = {"DATA_DIR": data, "STATIC_ROOT": data / "static", "MEDIA_ROOT": data / "media",
              "LINDUNG_OUTBOX_FILE": data / "outbox.jsonl",
              "STORAGES": {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                           "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}}
    with django_db_blocker.unblock(), override_settings(**places), transaction.atomic():
        runs = []
        for _ in range(2):
            out = StringIO()
            call_command("demo", no_serve=True, stdout=out)
            runs.append((out.getvalue(), _snapshot()))
        yield Story(timezone.localdate(), data, runs[0][0], runs[1][0], runs[0][1], runs[1][1])
        transaction.set_rollback(True)


@pytest.fixture
def demo(story, db):
    return story


def _code(year: int) -> str:
    return f"kaur-{year}"


def test_a_second_run_changes_nothing_and_both_print_the_steps_and_logins(demo, settings):
    assert demo.after_second == demo.after_first
    for out in (demo.first_run, demo.second_run):
        for step in ("1/6", "2/6", "3/6", "4/6", "5/6", "6/6", "kaur-2024", "kaur-2025", _code(demo.today.year)):
            assert step in out
        for username in ("admin", "camat", "desa", "pimpinan", "auditor", settings.LINDUNG_DEMO_PASSWORD):
            assert username in out
    assert "7130 ditambahkan" in demo.first_run and "0 ditambahkan, 7130 sudah ada" in demo.second_run
    assert User.objects.get(username="camat").area_id == KAUR_SELATAN
    assert Wilayah.objects.filter(parent_id="17.04").count() == 15
    assert (demo.data / "static" / "vendor" / "plotly.min.js").exists()


def test_december_2024_funded_all_7130_and_2025_january_and_february(demo):
    december = Programme.objects.get(code="kaur-2024")
    assert (december.start, december.end, december.budget) == (date(2024, 12, 1), date(2024, 12, 1), 120_000_000)
    assert december.status == Programme.Status.CLOSED  # its year is over
    assert [(f"{b.month:%Y-%m}", b.status, b.members, b.total) for b in december.bills.order_by("month")] == [
        ("2024-12", Bill.Status.PAID, 7_130, 7_130 * 16_800)]
    assert december.memberships.exclude(kpj="").count() == 7_130

    year_2025 = Programme.objects.get(code="kaur-2025")
    assert (year_2025.budget, year_2025.status) == (300_000_000, Programme.Status.CLOSED)
    assert [(f"{b.month:%Y-%m}", b.status, b.members) for b in year_2025.bills.order_by("month")] == [
        ("2025-01", Bill.Status.PAID, 7_130), ("2025-02", Bill.Status.PAID, 7_130)]
    # The KPJ a person got in December 2024 is his in every later programme.
    kpjs = set(Membership.objects.exclude(kpj="").values_list("peserta_id", "kpj"))
    assert len(kpjs) == len({p for p, _ in kpjs}) == 7_130


def test_a_programme_for_each_later_year_the_current_one_paid_up_to_this_month(demo):
    today = demo.today
    years = list(range(2026, today.year + 1))
    assert sorted(Programme.objects.filter(year__gte=2026).values_list("code", flat=True)) == [_code(y) for y in years]
    current = Programme.objects.get(code=_code(today.year))
    assert current.status == Programme.Status.RUNNING
    bills = list(current.bills.order_by("month"))
    assert [Month.of(b.month) for b in bills] == [Month(today.year, m) for m in range(1, today.month + 1)]
    assert all(b.status == Bill.Status.PAID and b.payments.get().paid_on <= today for b in bills)
    this_month = bills[-1]
    held = this_month.findings.filter(outcome="excluded").values("membership_id")
    assert Month.of(this_month.month) == Month.of(today) and this_month.members == current.memberships.filter(
        ended_on__isnull=True).exclude(pk__in=held).count()
    # The whole year for fewer than everyone, by the planner's priority, within the ceiling.
    members = current.memberships.count()
    assert 2_000 < members < 7_130
    assert current.plan.kind == "full_year" and current.plan.cost <= current.budget
    assert set(current.memberships.values_list("first", "last").distinct()) == {
        (date(today.year, 1, 1), date(today.year, 12, 1))}
    # In each kecamatan (each gets its share) nobody left out comes before anyone planned.
    planned, left_out = {}, {}
    for kecamatan, priority, funded in current.plan.lines.values_list("peserta__desa__parent_id", "priority", "first"):
        side = planned if funded else left_out
        side.setdefault(kecamatan, []).append(priority)
    assert len(planned) == 15 and left_out
    for kecamatan, priorities in left_out.items():
        assert max(priorities) <= min(planned.get(kecamatan, [0])), kecamatan
    for year in years[:-1]:
        assert Programme.objects.get(code=_code(year)).status == Programme.Status.CLOSED
        assert Bill.objects.filter(programme__code=_code(year), status=Bill.Status.PAID).count() == 12


def test_protected_today_is_not_zero_and_most_have_lapsed(demo):
    """The coverage engine member by member on each person's latest membership: this year's members protected,
    the others lapsed (everyone's 2025 cover lapsed on 1 June 2025 unless he paid himself, then later)."""
    today = demo.today
    latest = {}
    for m in Membership.objects.exclude(kpj="").order_by("first", "pk"):
        latest[m.peserta_id] = m
    paid = {}
    for p in PaidMonth.objects.filter(membership__in=list(latest.values())):
        paid.setdefault(p.membership_id, []).append(p)
    states = Counter(coverage.status_on(as_coverage(m, paid.get(m.pk, [])), today).state for m in latest.values())
    running = Programme.objects.get(code=_code(today.year))
    current = running.memberships.filter(ended_on__isnull=True).count()
    # Taken off this month's bill by the check and not ended (reported dead, over age): in arrears after its due date.
    held = (running.bills.get(month=Month.of(today).first_day).findings.filter(outcome="excluded",
                                                                                membership__ended_on__isnull=True))
    unpaid = held.count() if today > running.bills.get(month=Month.of(today).first_day).due_date else 0
    assert states[coverage.State.ACTIVE] == current - unpaid > 0
    assert states[coverage.State.LAPSED] > 3_500
    # Died while covered or in arrears (the claim, BPJS's file, the death list's May death); whoever died after his
    # cover lapsed stays "lapsed" in the engine.
    assert states[coverage.State.ENDED] >= 3


def test_the_stored_protection_the_services_kept_is_what_a_rebuild_gives(demo):
    """Every service of the story (plans, KPJ answers, payments, the status file, deaths, reversals) kept
    payments.Protection as it went: rebuilding it from the facts changes no row."""
    kept = list(Protection.objects.order_by("pk").values_list())
    assert len(kept) == Membership.objects.count()
    refresh(Membership.objects.all())
    assert list(Protection.objects.order_by("pk").values_list()) == kept


def test_the_hand_over_of_2025_gives_a_lapse_in_june_2025_and_the_dead_are_off_it(demo):
    admin = User.objects.get(username="admin")
    programme = Programme.objects.get(code="kaur-2025")
    dead = set(LifeEvent.objects.filter(kind="died", status="verified").values_list("peserta_id", flat=True))
    # moved out of Kaur: this month's news, off every list from now on (another payer's months end nothing)
    gone = set(LifeEvent.objects.filter(kind="moved_out").values_list("peserta_id", flat=True))
    found = selfpay_selectors.self_pay_list(admin, programme, today=date(2025, 3, 1))
    assert len(found.members) == 7_130 - len(dead | gone) and not (dead | gone) & {
        m.peserta_id for m in found.members}
    assert {(m.first_unfunded, m.self_pay) for m in found.members} == {(Month(2025, 3), 16_800)}
    paid_themselves = set(PaidMonth.objects.filter(membership__programme=programme, payer="mandiri")
                          .values_list("membership_id", flat=True))
    assert 100 < len(paid_themselves) < 700  # BPJS's status file: some paid on themselves
    assert {m.lapse for m in found.members if m.membership_id not in paid_themselves} == {date(2025, 6, 1)}
    assert all(m.lapse > date(2025, 6, 1) for m in found.members if m.membership_id in paid_themselves)

    with_phone = set(programme.memberships.exclude(peserta__telepon="").values_list("peserta_id", flat=True))
    messages = Message.objects.filter(purpose="selfpay", about=programme.code)
    assert messages.count() == len(with_phone) == messages.values("peserta").distinct().count()
    # Withdrawn for whoever is recorded dead, only reported dead by the village (yesterday's report), moved out or
    # paid by another payer (the news the check before this month's bill found).
    reported = set(LifeEvent.objects.filter(kind="died", status="reported").values_list("peserta_id", flat=True))
    assert reported and gone and set(messages.filter(status="withdrawn").values_list("peserta_id", flat=True)) == (
        (dead | reported | gone) & with_phone)
    assert all("1 Jun" in text and "2025" in text for text in messages.values_list("text", flat=True)[:50])


def test_deaths_are_recorded_through_every_path_before_the_later_years_were_planned(demo):
    today = demo.today
    events = LifeEvent.objects.filter(kind="died")
    by_source = Counter(events.values_list("source", "status"))
    # Two village reports: yesterday's, and last month's that reached the office after this month's bill was drawn.
    assert by_source == {("claim", "verified"): 1, ("village", "reported"): 2, ("death_list", "verified"): 3,
                         ("bpjs_status", "verified"): 1}
    fisher = Claim.objects.get(number="KLM-2025-0001")
    assert (fisher.status, fisher.paid_amount, fisher.paid_on) == ("paid", 42_000_000, date(2025, 2, 21))
    assert events.get(source="claim").peserta_id == fisher.membership.peserta_id
    assert (fisher.event_date, fisher.membership.ended_on) == (date(2025, 2, 10), date(2025, 2, 10))
    assert events.get(source="bpjs_status").happened_on == date(2025, 9, 12)
    reported = events.get(source="village", recorded_by__username="desa")
    assert (reported.happened_on, reported.recorded_by.username) == (today - timedelta(days=1), "desa")
    village_claim = Claim.objects.get(membership__peserta=reported.peserta)
    assert (village_claim.status, village_claim.kind, village_claim.seen_by_office_at) == ("reported", "jkm", None)
    assert village_claim.membership.programme.code == _code(today.year)  # he was protected this year
    with_bpjs = Claim.objects.get(number="KLM-2025-0002")
    assert (with_bpjs.kind, with_bpjs.status, with_bpjs.traffic_accident) == ("jkk_injury", "submitted", True)

    # A verified death ends every membership from that day; nobody who died in 2025 is in a later plan or bill.
    for event in events.filter(status="verified"):
        memberships = Membership.objects.filter(peserta=event.peserta)
        assert set(memberships.values_list("end_kind", flat=True)) == {"meninggal"}
        assert not memberships.filter(programme__year__gte=2026).exists()
        assert not BillLine.objects.filter(peserta=event.peserta, month__gt=event.happened_on).exists()
        assert not Card.objects.filter(membership__peserta=event.peserta, membership__programme__year__gte=2026).exists()


def test_the_cards_of_december_2024_some_delivered_the_rest_held_by_camat_and_village(demo):
    cards = Card.objects.filter(batch__programme__code="kaur-2024")
    assert cards.count() == Card.objects.count() == 7_130
    village = cards.filter(membership__peserta__desa_id=BANDAR_BINTUHAN)
    delivered, at_village = village.filter(status="delivered"), village.filter(status="at_village")
    assert delivered.count() > 0 and at_village.count() > 0
    assert delivered.count() + at_village.count() == village.count()
    assert cards.exclude(membership__peserta__desa_id=BANDAR_BINTUHAN).exclude(status="at_camat").count() == 0
    # Each delivered card in a berita acara of its own, to its owner, after checking his KTP.
    moves = CardMove.objects.filter(to_status="delivered").select_related("handover", "card__membership__peserta")
    assert moves.count() == delivered.count()
    for move in moves:
        assert move.handover.id_checked and move.handover.moves.count() == 1
        assert move.handover.receiver_name == move.card.membership.peserta.nama
        assert date(2025, 1, 15) <= move.handover.happened_on <= date(2025, 1, 31)

    kecamatans = {c[:8] for c in cards.values_list("membership__peserta__desa_id", flat=True)}
    handovers = Handover.objects.all()
    assert handovers.filter(to_status="at_camat", happened_on=date(2024, 12, 19)).count() == len(kecamatans) == 15
    assert handovers.filter(to_status="at_camat", giver_name="Bupati Kaur", receiver_name="Camat Kaur Selatan").exists()

    today = date(2026, 11, 24)
    camat, desa = User.objects.get(username="camat"), User.objects.get(username="desa")
    in_kaur_selatan = cards.filter(membership__peserta__desa__code__startswith=KAUR_SELATAN + ".")
    assert card_selectors.overdue_cards(camat, today).count() == in_kaur_selatan.exclude(status="delivered").count()
    assert card_selectors.overdue_cards(desa, today).count() == at_village.count()


def test_the_regents_figures_on_the_demo(demo):
    """`lindung dashboard --json --user pimpinan`: protected today is this year's members, the cards where the demo
    left them, the claims of the story."""
    out = StringIO()
    call_command("dashboard", "--json", "--user", "pimpinan", stdout=out)
    figures = json.loads(out.getvalue())
    current = Programme.objects.get(code=_code(demo.today.year))
    assert figures["protected_today"] == current.memberships.filter(ended_on__isnull=True).count() > 0
    assert figures["lapsed"] > 3_500 and figures["ended"] >= 3
    paid = sum(Payment.objects.filter(bill__programme=current).values_list("amount", flat=True))
    assert figures["budget"]["ceiling"] == current.budget and figures["budget"]["paid"] == paid > 0
    cards = figures["cards"]
    assert (cards["office"], cards["camat"] + cards["village"] + cards["delivered"]) == (0, 7_130)
    assert cards["delivered"] > 0 and cards["village"] > 0 and cards["overdue"] == cards["camat"] + cards["village"]
    assert (figures["claims"]["reported"], figures["claims"]["paid"], figures["claims"]["paid_rupiah"]) == (
        3, 1, 42_000_000)


def test_the_check_before_this_months_bill_kept_the_news_off_it_with_the_reasons(demo):
    """The dead, the moved, the over-age and the double-paid the check found on the current month's bill, taken off
    with the office's reasons before the admin approved it, and read back from the auditor's xlsx."""
    bill = Bill.objects.get(programme__code=_code(demo.today.year), month=Month.of(demo.today).first_day)
    found = {f.rule: f for f in bill.findings.select_related("peserta", "decided_by")}
    assert set(found) == {"died", "moved_out", "over_age", "other_payer"}
    assert {(f.outcome, f.decided_by.username) for f in found.values()} == {("excluded", "operator")}
    assert not bill.lines.filter(peserta__in=[f.peserta for f in found.values()]).exists()
    assert found["died"].peserta.desa.parent_id == KAUR_SELATAN  # the camat sees one of them
    assert "Dana Desa" in found["other_payer"].evidence and "Dana Desa" in found["other_payer"].note
    # Lapsed in 2025 and registered again by a programme not continuing his first: his age at that registration.
    assert "berusia 67 tahun saat terdaftar 1 Januari 2026" in found["over_age"].evidence
    assert (bill.status, bill.approval_note) == ("paid", "")  # nothing open was left to explain
    workbook = openpyxl.load_workbook(io.BytesIO(check_workbook(User.objects.get(username="auditor"), bill)))
    rows = list(workbook["Temuan"].iter_rows(values_only=True))[1:]
    assert sorted((row[0], row[7]) for row in rows) == sorted(
        (f.peserta.nik, "Dikeluarkan dari tagihan") for f in found.values())
