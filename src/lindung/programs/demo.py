"""Kaur's programmes as the demo's, one a year from December 2024 to the current year, each carried the way Kaur did
it — P3KE desil 1, ages 18–64 on the programme's first day, JKK + JKM at the lowest income tier paid from the APBD:

- ``kaur-2024``: December 2024 for all 7,130 (Rp120 million), the month the regent handed out the cards;
- ``kaur-2025``: the Rp300 million the office proposed for 2025, everyone protected while the money lasts
  (January–February 2025); nobody paid after, so everyone lapsed on 1 June 2025 unless he paid himself, and the
  hand-over notices are queued in the outbox. BPJS's member status file (read in November 2025) says who paid on
  himself, and that one of them died;
- ``kaur-<year>`` for each later year up to the current one: Rp600 million, the whole year for as many as it pays
  in priority order (the planner's second scenario), each month's bill approved and paid up to the current month;
  a past year's programme is closed.

Each step through its service, by the demo's operator (who makes) and admin (who approves); a step already done is
skipped, so running the demo again on the same day changes nothing (on a later day it pays the months since)."""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from lindung.rules.contributions import Month, month_range

from .models import Programme, Scenario

KAUR = "17.04"
STORY_NEEDS = date(2025, 11, 1)  # the story's last dated event of 2025 (BPJS's status file) is behind this day
FIRST_LATER_YEAR = 2026
LATER_BUDGET = 600_000_000  # Rp600 million a year from 2026: the whole year for 2,976 people
KPJ_BASE = 25_000_000_000  # a new member's KPJ: this + his first membership's number


@dataclass(frozen=True)
class Year:
    """One year's programme of the demo: its period, ceiling, the planner's scenario approved and its PKS."""

    year: int
    start: date
    end: date
    budget: int
    kind: str
    pks: tuple[str, date]

    @property
    def name(self) -> str:
        return f"Perlindungan Pekerja Rentan {self.year}"


KAUR_2024 = Year(2024, date(2024, 12, 1), date(2024, 12, 1), 120_000_000, Scenario.Kind.EVERYONE,
                 ("PKS/560/DISNAKER-KAUR/XI/2024", date(2024, 11, 28)))
KAUR_2025 = Year(2025, date(2025, 1, 1), date(2025, 12, 1), 300_000_000, Scenario.Kind.EVERYONE,
                 ("PKS/560/DISNAKER-KAUR/2024", date(2024, 12, 20)))
# The 2025 bills were paid on these days (the 12th or the next working day otherwise).
PAID_ON = {Month(2025, 1): date(2025, 1, 13), Month(2025, 2): date(2025, 2, 12)}


def later_year(year: int) -> Year:
    return Year(year, date(year, 1, 1), date(year, 12, 1), LATER_BUDGET, Scenario.Kind.FULL_YEAR,
                (f"PKS/560/DISNAKER-KAUR/XII/{year - 1}", date(year - 1, 12, 18)))


def later_years(today: date) -> list[Year]:
    """The programmes after 2025 up to the current year."""
    return [later_year(y) for y in range(FIRST_LATER_YEAR, today.year + 1)]


def programme_code(regency: str, year: int) -> str:
    return f"kaur-{year}" if regency == KAUR else f"program-{regency.replace('.', '')}-{year}"


def ensure_programme(regency: str, spec: Year) -> Programme:
    programme, _ = Programme.objects.get_or_create(
        code=programme_code(regency, spec.year),
        defaults={"name": spec.name, "year": spec.year, "start": spec.start, "end": spec.end, "budget": spec.budget},
    )
    return programme


def ensure_demo_programme(regency: str) -> Programme:
    """The 2025 programme (the one the README's commands and many tests use)."""
    return ensure_programme(regency, KAUR_2025)


def run_year(regency: str, spec: Year, operator, admin, today: date | None = None) -> Programme:
    """A year's programme through plan, approval, BPJS registration, the PKS and the bill of every funded month up
    to ``today``'s, each approved and paid."""
    from lindung.accounts.demo import demo_areas
    from lindung.enrolment.models import Membership
    from lindung.enrolment.services import submit_registration

    from .selectors import Settings
    from .services import advance_status, approve_scenario, save_programme, save_scenario

    today = today or timezone.localdate()
    programme = ensure_programme(regency, spec)
    if programme.plan_id is None:
        approve_scenario(admin, save_scenario(operator, programme, Settings.of(programme), spec.kind))
    if programme.memberships.filter(status=Membership.Status.CANDIDATE).exists():
        submit_registration(operator, programme)
    answer_registration(operator, programme)
    programme.refresh_from_db()
    if programme.status == Programme.Status.APPROVED:
        programme.pks_number, programme.pks_date = spec.pks
        advance_status(admin, save_programme(admin, programme))
    for month in month_range(programme.first_month, min(programme.last_month, Month.of(today))):
        pay_month(programme, month, operator, admin, today, spare_village=demo_areas(regency)[1])
    programme.refresh_from_db()
    return programme


def close_if_over(admin, programme, today: date | None = None) -> Programme:
    """A running programme whose year is over is closed (no more bills)."""
    from .services import advance_status

    today = today or timezone.localdate()
    if programme.status == Programme.Status.RUNNING and programme.year < today.year:
        return advance_status(admin, programme)
    return programme


def answer_registration(operator, programme) -> None:
    """BPJS's answer to the registration files: a KPJ for everyone sent. A KPJ is a person's for life: a member of
    an earlier programme gets his own again, a new one the next number."""
    from lindung.enrolment.models import Membership
    from lindung.enrolment.services import import_answer

    waiting = list(programme.memberships.filter(status__in=[Membership.Status.SUBMITTED, Membership.Status.RESUBMITTED])
                   .order_by("pk").values_list("pk", "peserta_id", "peserta__nik"))
    if not waiting:
        return
    known = dict(Membership.objects.filter(peserta_id__in=[p for _, p, _ in waiting]).exclude(kpj="")
                 .order_by("-pk").values_list("peserta_id", "kpj"))
    rows = [f"{nik},{known.get(peserta) or KPJ_BASE + pk}" for pk, peserta, nik in waiting]
    outcome = import_answer(operator, programme, ["NIK,No. KPJ\n".encode(), "\n".join(rows).encode()])
    if outcome.errors:
        raise RuntimeError(f"Demo KPJ answer refused: {outcome.findings}")


def paid_on(month: Month, today: date) -> date:
    """The day the finance office paid a month's bill: the 12th or the next working day (before the 15th, when it
    is due), or today for the current month before then."""
    if month in PAID_ON:
        return PAID_ON[month]
    day = date(month.year, month.month, 12)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return min(day, today)


def pay_month(programme, month: Month, operator, admin, today: date, *, spare_village: str) -> None:
    """The month's bill generated, checked (payments.demo), approved and paid in full, if the plan funds anyone that
    month."""
    from lindung.payments.demo import check_demo_bill
    from lindung.payments.models import Bill
    from lindung.payments.services import approve_bill, generate_bill, record_payment

    day = month.first_day
    bill = programme.bills.filter(month=day).first()
    if bill is None:
        if not programme.memberships.filter(first__lte=day, last__gte=day).exists():
            return
        bill = generate_bill(operator, programme, month).bill
    if bill.status == Bill.Status.DRAFT:
        check_demo_bill(bill, operator, today, spare_village=spare_village)
        bill = approve_bill(admin, bill)
    if bill.status == Bill.Status.APPROVED:
        record_payment(admin, bill, f"SP2D/{month}/BKAD-KAUR", paid_on(month, today), bill.total)


def run_demo_programme(regency: str, operator, admin, today: date | None = None) -> Programme:
    """The 2025 programme (after 2024's), its hand-over notices queued once (preparing again adds none)."""
    from lindung.selfpay.services import prepare_messages

    programme = run_year(regency, KAUR_2025, operator, admin, today)
    prepare_messages(operator, programme)
    return programme


# BPJS's member status file for kaur-2025, as BPJS sent it in November 2025: most stopped after February, some paid
# a few months themselves, some paid on; one of those who paid on died in September 2025 and his family claimed at
# the BPJS branch, so the office learns it from the file.
STATUS_FILE = "status-peserta-bpjs-kaur-2025-11.csv"
STATUS_AS_OF = Month(2025, 10)  # the last month the file could report paid
SELF_PAID_SEED = 2025
DIED_SELF_PAYING = date(2025, 9, 12)


def status_file_rows(programme) -> list[tuple[str, str, str, str, str]]:
    """(KPJ, NIK, status, last month paid, date of death) for every member of the programme with a KPJ, in NIK
    order: deterministic for the same members. About 3% paid on to the file's month, 2% a few months; the first
    of those paying on in a coastal kecamatan is the one who died; a death already recorded is reported too."""
    from lindung.enrolment.models import Membership
    from lindung.life.models import LifeEvent
    from lindung.registry.demo import COASTAL_KECAMATAN

    members = list(programme.memberships.exclude(kpj="").filter(status__in=[Membership.Status.ACTIVE,
                                                                           Membership.Status.REGISTERED])
                   .order_by("peserta__nik").values_list("peserta_id", "kpj", "peserta__nik", "last",
                                                         "peserta__desa_id"))
    dead = dict(LifeEvent.objects.filter(kind=LifeEvent.Kind.DIED, status=LifeEvent.Status.VERIFIED,
                                         peserta_id__in=[m[0] for m in members]).values_list("peserta_id", "happened_on"))
    rnd = random.Random(SELF_PAID_SEED)
    rows, died = [], False
    for peserta, kpj, nik, last, desa in members:
        roll, months = rnd.random(), rnd.randint(1, 3)
        funded = Month.of(last)
        if peserta in dead:
            rows.append((kpj, nik, "Meninggal", str(funded), dead[peserta].isoformat()))
        elif roll < 0.03 and not died and desa[:8] in COASTAL_KECAMATAN and funded < Month(2025, 8):
            died = True
            rows.append((kpj, nik, "Meninggal", "2025-08", DIED_SELF_PAYING.isoformat()))
        elif roll < 0.03:
            rows.append((kpj, nik, "Aktif", str(max(funded, STATUS_AS_OF)), ""))
        elif roll < 0.05:
            rows.append((kpj, nik, "Non Aktif", str(funded.shift(months)), ""))
        else:
            rows.append((kpj, nik, "Non Aktif", str(funded), ""))
    return rows


def import_demo_status_file(programme, operator):
    """BPJS's status file read once (the import records its months and deaths; a second time changes nothing, but
    the demo does not read it twice). Returns the outcome, or None when it was read before."""
    from lindung.audit.models import Event
    from lindung.selfpay.services import import_status

    if Event.objects.filter(action="payments.status_imported", target_type="programme",
                            target_id=str(programme.pk)).exists():
        return None
    lines = ["No. KPJ,NIK,Status Kepesertaan,Bulan Terakhir Dibayar,Tanggal Meninggal"]
    lines += [",".join(row) for row in status_file_rows(programme)]
    outcome = import_status(operator, programme, STATUS_FILE, ("\n".join(lines) + "\n").encode())
    if outcome.errors:
        raise RuntimeError(f"Demo status file refused: {outcome.findings}")
    return outcome
