"""A BPU member's coverage from the months paid, DOMAIN.md sections 2 and 4.

From the registration date and the months paid (by whom, on which day) follows the status on any day:

- *not yet*: before registration, or before the first contribution is paid; no right;
- *active*: every month whose due date has passed is paid;
- *in arrears* 1-3 months: JKK medical care continues but cash benefits wait for the arrears; JKM
  pays the funeral cost at once and the rest after the heirs pay the arrears;
- *lapsed* (nonaktif): the first day of the fourth consecutive unpaid month (or the day after its due
  date: ``reg.lapse_day``), ``planner.lapse_date`` of the last month settled before the run; no right
  any more;
- *ended*: death or exit.

The rules, precisely:

- A participant is someone who has paid (PP 44/2015 Ps 1 angka 4; Ps 11(4)-(5)): until the first
  contribution is paid the state is "not yet" and an event gives no right. Cover then runs from the
  *cover start*: the first day of the month the first payment was made for, or the programme's PKS
  date when ``reg.cover_starts`` says so and that date is not after that month (never before the
  registration day). Every month from the cover start's month on is owed; its due date is
  ``contributions.due_date`` (the 15th or the next working day), but never before the cover start:
  nobody is late for a month that fell due before his cover began.
- Payments settle the oldest unpaid month first (DOMAIN.md section 2): taken in the order they were
  made (day, then the month recorded), each settles the oldest owed month not yet settled, whatever
  month it names. So the months settled are always the run's first months, one after the other, and
  a payment recorded for a later month while an earlier owed month is unpaid pays the earlier one;
  arrears and lapse follow from the months settled.
- A payment counts for the status on day d only if it was made on or before d. On day d, the
  arrears are the consecutive unsettled owed months ending with the latest month whose due date is
  before d.
- After the last month L settled in time, the membership lapses on ``planner.lapse_date(L, reg)``:
  the first day of L+4, the fourth unpaid month (or the day after L+4's due date, ``reg.lapse_day``),
  unless L+1 was settled before that day. Arrears may be paid for at most 3 months, so a payment made
  on or after the lapse date does not revive the membership, unless ``Membership.reactivation`` is set
  (an open question, DOMAIN.md section 8): then the first payment made on or after the lapse date
  starts the membership again on its day, like a new registration, and the months of the gap are not
  owed.
- A lapse ends the rights; the end date (death, exit) ends the membership: from that day the status is ended,
  also for a member who lapsed before (he had no right when he died; ``claim_status`` on the day says so).

Messages are Indonesian because they are shown to the clerk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from lindung.rules.contributions import Month, Payer, bulan, due_date, month_range, tanggal
from lindung.rules.planner import lapse_date
from lindung.rules.holidays import SHIPPED, Calendar
from lindung.rules.regulation import DEFAULT, CoverStart, Regulation

MAX_ARREARS = 3  # months; one more unpaid month and the membership lapses


class State(StrEnum):
    NOT_YET = "belum_terdaftar"
    ACTIVE = "aktif"
    ARREARS = "menunggak"
    LAPSED = "nonaktif"
    ENDED = "berakhir"


class EndKind(StrEnum):
    DEATH = "meninggal"
    EXIT = "keluar"


class Right(StrEnum):
    NOW = "ya"
    AFTER_ARREARS = "setelah_tunggakan_dibayar"
    NONE = "tidak"


@dataclass(frozen=True)
class Rights:
    """What a claim for an event on that day would get, DOMAIN.md section 4."""

    jkk_medical: Right  # medical care and home care after a work accident: they continue in arrears
    jkk_cash: Right  # STMB, disability, work-accident death benefit, transport refund
    jkm_funeral: Right  # the Rp10,000,000 funeral cost
    jkm_rest: Right  # lump sum, periodic benefit, scholarship

    @property
    def jkk_transport(self) -> Right:
        """The transport refund is a cash benefit (PP 44/2015 Ps 25(2)b angka 1, "santunan berupa uang"): in
        arrears it waits for them like the other cash benefits, while medical care and home care continue."""
        return self.jkk_cash


_ALL = Rights(Right.NOW, Right.NOW, Right.NOW, Right.NOW)
_IN_ARREARS = Rights(Right.NOW, Right.AFTER_ARREARS, Right.NOW, Right.AFTER_ARREARS)
_NO_RIGHTS = Rights(Right.NONE, Right.NONE, Right.NONE, Right.NONE)


@dataclass(frozen=True)
class Payment:
    month: Month  # the contribution month paid for
    payer: Payer
    paid_on: date


@dataclass(frozen=True)
class Membership:
    registered: date  # cover never starts before this day, and no month before its month is owed
    payments: tuple[Payment, ...] = ()
    ended_on: date | None = None  # death or exit
    end_kind: EndKind | None = None
    reactivation: bool = False  # whether a payment after the lapse date revives it (DOMAIN.md §8)
    pks: date | None = None  # the programme's cooperation agreement date: the cover start if reg.cover_starts says so

    def __post_init__(self) -> None:
        if (self.ended_on is None) != (self.end_kind is None):
            raise ValueError("Tanggal dan sebab berakhirnya kepesertaan harus diisi bersama.")
        if self.ended_on is not None and self.ended_on < self.registered:
            raise ValueError(f"Kepesertaan tidak dapat berakhir ({tanggal(self.ended_on)}) "
                             f"sebelum terdaftar ({tanggal(self.registered)}).")
        first, seen = Month.of(self.registered), set()
        for p in self.payments:
            if p.month < first:
                raise ValueError(f"Iuran bulan {bulan(p.month)} tercatat dibayar, padahal kepesertaan baru mulai "
                                 f"{tanggal(self.registered)}: bulan sebelum pendaftaran tidak terutang.")
            if p.month in seen:
                raise ValueError(f"Iuran bulan {bulan(p.month)} tercatat dibayar dua kali.")
            seen.add(p.month)


@dataclass(frozen=True)
class Status:
    state: State
    arrears: tuple[Month, ...] = ()  # the unpaid months, oldest first (ARREARS only)
    # LAPSED: the day it lapsed. ACTIVE, ARREARS: the day it lapses if nobody pays any more.
    lapse: date | None = None
    end_kind: EndKind | None = None  # ENDED only
    ended_on: date | None = None

    @property
    def rights(self) -> Rights:
        return {State.ACTIVE: _ALL, State.ARREARS: _IN_ARREARS}.get(self.state, _NO_RIGHTS)

    @property
    def label(self) -> str:
        match self.state:
            case State.NOT_YET:
                return "Belum terlindungi"
            case State.ACTIVE:
                return "Aktif"
            case State.ARREARS:
                return f"Menunggak {len(self.arrears)} bulan"
            case State.LAPSED:
                return f"Nonaktif sejak {tanggal(self._lapsed_on)}"
        if self.end_kind is EndKind.DEATH:
            return f"Meninggal {tanggal(self._ended_on)}"
        return f"Berakhir {tanggal(self._ended_on)} (keluar)"

    @property
    def summary(self) -> str:
        """Label and explanation in one text, the label said once."""
        said = self.explanation
        return said if said.startswith(self.label) else f"{self.label}. {said}"

    @property
    def explanation(self) -> str:
        if_nobody_pays = (f" Jika tidak ada pembayaran lagi, kepesertaan nonaktif mulai {tanggal(self.lapse)} "
                          "dan semua hak atas manfaat hilang.") if self.lapse else ""
        match self.state:
            case State.NOT_YET:
                return ("Belum terdaftar sebagai peserta atau iuran pertama belum dibayar: belum ada hak atas "
                        "manfaat (peserta adalah yang telah membayar iuran, PP 44/2015 Pasal 1 angka 4).")
            case State.ACTIVE:
                return ("Aktif: iuran sudah dibayar sampai jatuh tempo terakhir. Semua manfaat JKK dan JKM "
                        "dijamin." + if_nobody_pays)
            case State.ARREARS:
                return (f"Menunggak {len(self.arrears)} bulan ({', '.join(map(bulan, self.arrears))}). JKK: "
                        "perawatan medis tetap dijamin, santunan uang dibayar setelah tunggakan dilunasi. "
                        "JKM: biaya pemakaman dibayar segera, santunan lainnya setelah ahli waris melunasi "
                        "tunggakan." + if_nobody_pays)
            case State.LAPSED:
                unpaid = Month.of(self._lapsed_on)
                return (f"Nonaktif sejak {tanggal(self._lapsed_on)}: iuran {unpaid.shift(-MAX_ARREARS)} sampai "
                        f"{unpaid.shift(-1)} tidak dibayar tepat waktu, lebih dari {MAX_ARREARS} bulan "
                        "berturut-turut. Tidak ada hak atas manfaat JKK maupun JKM.")
        why = "meninggal dunia" if self.end_kind is EndKind.DEATH else "keluar dari kepesertaan"
        return f"Kepesertaan berakhir pada {tanggal(self._ended_on)} karena peserta {why}."

    @property
    def _lapsed_on(self) -> date:
        assert self.lapse is not None  # LAPSED always has its day
        return self.lapse

    @property
    def _ended_on(self) -> date:
        assert self.ended_on is not None  # ENDED always has its day
        return self.ended_on


@dataclass(frozen=True)
class Run:
    """One run of a membership: from its cover start to its lapse, with the payments that settled its first
    months, oldest month first (``settled[i]`` paid the month ``i`` after the start's)."""

    start: date
    lapse: date
    settled: tuple[Payment, ...]

    @property
    def paid_until(self) -> Month:
        """The last month settled (the month before the start's when none)."""
        return Month.of(self.start).shift(len(self.settled) - 1)


# The runs of one membership for each set of payments made by a day (in settling order).
Runs = dict[tuple[Payment, ...], list[Run]]


@dataclass(frozen=True)
class TimelineRow:
    month: Month
    payer: Payer | None  # None: unpaid
    paid_on: date | None
    due: date  # the month's due date for this member
    day: date  # the day ``status`` is on
    status: Status

    @property
    def late(self) -> bool:
        return self.paid_on is not None and self.paid_on > self.due


def status_on(membership: Membership, day: date, runs: Runs | None = None, *, reg: Regulation = DEFAULT,
              calendar: Calendar = SHIPPED) -> Status:
    """The member's status on ``day``, from the payments made by then. ``runs``, shared by calls for one member
    (``statuses_on``), keeps the runs worked out for each set of payments."""
    if day < membership.registered:
        return Status(State.NOT_YET)
    end = membership.ended_on
    if end is not None and day >= end:
        # Ended, whatever came before: a member who lapsed and died later is "Meninggal" on every page (his
        # rights were already gone: ENDED gives none, and ``lapse`` keeps the day he lost them).
        at_end = _running(membership, end, runs, reg, calendar)
        lapsed = at_end.lapse if at_end.state is State.LAPSED else None
        return Status(State.ENDED, end_kind=membership.end_kind, ended_on=end, lapse=lapsed)
    return _running(membership, day, runs, reg, calendar)


def statuses_on(membership: Membership, days: list[date], *, reg: Regulation = DEFAULT,
                calendar: Calendar = SHIPPED) -> list[Status]:
    """``status_on`` of each of ``days``: the runs (``_runs``, most of the work) are worked out once for each
    set of payments made by a day, not once per day — a cohort asks a year of month-ends of every member."""
    runs: Runs = {}
    return [status_on(membership, day, runs, reg=reg, calendar=calendar) for day in days]


def claim_status(membership: Membership, event_day: date, *, reg: Regulation = DEFAULT,
                 calendar: Calendar = SHIPPED) -> Status:
    """The status that decides a claim for an accident or a death on ``event_day``: an end on that
    very day (the death itself) does not count, so a member who dies in arrears keeps the rights
    of arrears (DOMAIN.md section 4). Before the first payment: not yet, no right."""
    if event_day == membership.ended_on:
        return _running(membership, event_day, reg=reg, calendar=calendar)
    return status_on(membership, event_day, reg=reg, calendar=calendar)


def timeline(membership: Membership, first: Month, last: Month, *, today: date | None = None,
             reg: Regulation = DEFAULT, calendar: Calendar = SHIPPED) -> list[TimelineRow]:
    """Month by month from ``first`` to ``last``: who paid (the payment that settled the month), whether
    late, and the status on the month's last day, when its due date has passed, so the status says whether
    the month was paid by the end of it. The month of ``today`` shows today's status instead; later months
    show what happens if nobody pays any more."""
    all_runs = _runs(membership, _paid(membership, date.max), reg, calendar)
    settled = {Month.of(run.start).shift(i): p for run in all_runs for i, p in enumerate(run.settled)}
    rows: list[TimelineRow] = []
    runs: Runs = {}
    for month in month_range(first, last):
        start = max((r.start for r in all_runs if Month.of(r.start) <= month), default=membership.registered)
        day = _last_day(month) if today is None or Month.of(today) != month else today
        payment = settled.get(month)
        rows.append(TimelineRow(
            month=month, payer=payment.payer if payment else None, paid_on=payment.paid_on if payment else None,
            due=_due(month, start, reg, calendar), day=day,
            status=status_on(membership, day, runs, reg=reg, calendar=calendar),
        ))
    return rows


def owed_months(membership: Membership, first: Month, last: Month, *, today: date,
                reg: Regulation = DEFAULT, calendar: Calendar = SHIPPED) -> list[Month]:
    """The months from ``first`` to ``last`` a contribution is owed for, paid or not, as known on
    ``today``: from the cover start's month (none before the first payment), due while the membership
    runs, i.e. before its end date and before a lapse that has happened by ``today`` (a later lapse may
    still be prevented by paying). The unpaid months before a lapse stay owed, though they can no longer
    be paid."""
    end = membership.ended_on or date.max
    spans = [(run.start, run.lapse if run.lapse <= today else date.max)
             for run in _runs(membership, _paid(membership, today), reg, calendar)]
    return [month for month in month_range(first, last)
            if any(Month.of(start) <= month and _due(month, start, reg, calendar) < min(lapse, end)
                   for start, lapse in spans)]


def lapses_on(membership: Membership, *, reg: Regulation = DEFAULT, calendar: Calendar = SHIPPED) -> date | None:
    """The day the membership lapses (or lapsed) if nobody pays beyond the recorded payments; None
    when it ends first (death, exit) or was never paid (it never began)."""
    runs = _runs(membership, _paid(membership, date.max), reg, calendar)
    if not runs:
        return None
    lapse = runs[-1].lapse
    return lapse if membership.ended_on is None or lapse <= membership.ended_on else None


def paid_until(membership: Membership, day: date, *, reg: Regulation = DEFAULT,
               calendar: Calendar = SHIPPED) -> Month | None:
    """The last month the payments made by ``day`` settled, oldest month first (None: none settled)."""
    runs = _runs(membership, _paid(membership, day), reg, calendar)
    return runs[-1].paid_until if runs and runs[-1].settled else None


def cover_start(membership: Membership, first_paid: Month, reg: Regulation = DEFAULT) -> date:
    """The day cover runs from, once the first payment (made for ``first_paid``) is made: that month's first
    day, or the PKS date when ``reg.cover_starts`` says so and it is not after that month; never before the
    registration day (PP 44/2015 Ps 1 angka 4, Ps 11(4)-(5); DOMAIN.md section 3)."""
    start = first_paid.first_day
    if reg.cover_starts is CoverStart.PKS and membership.pks is not None and Month.of(membership.pks) <= first_paid:
        start = membership.pks
    return max(start, membership.registered)


def _running(membership: Membership, day: date, runs: Runs | None = None, reg: Regulation = DEFAULT,
             calendar: Calendar = SHIPPED) -> Status:
    """The status on ``day`` (on or after registration) as if the membership had no end date."""
    paid = _paid(membership, day)
    if runs is None:
        found = _runs(membership, paid, reg, calendar)
    else:
        if paid not in runs:
            runs[paid] = _runs(membership, paid, reg, calendar)
        found = runs[paid]
    run = next((r for r in reversed(found) if r.start <= day), None)
    if run is None:  # nothing paid yet, or paid ahead of the cover start
        return Status(State.NOT_YET)
    if day >= run.lapse:
        return Status(State.LAPSED, lapse=run.lapse)
    month = Month.of(day)
    if day <= _due(month, run.start, reg, calendar):
        month = month.shift(-1)
    arrears = tuple(month_range(run.paid_until.next(), month))
    return Status(State.ARREARS if arrears else State.ACTIVE, arrears=arrears, lapse=run.lapse)


def _paid(membership: Membership, by: date) -> tuple[Payment, ...]:
    """The payments made on or before ``by``, in the order they settle months: by day, then month recorded."""
    return tuple(sorted((p for p in membership.payments if p.paid_on <= by), key=lambda p: (p.paid_on, p.month)))


def _runs(membership: Membership, paid: tuple[Payment, ...], reg: Regulation, calendar: Calendar) -> list[Run]:
    """The runs of the membership: none before the first payment, one unless payments after a lapse revive it."""
    if not paid:
        return []
    start, found = cover_start(membership, paid[0].month, reg), []
    end = membership.ended_on or date.max
    while True:
        run = _run(start, paid, reg, calendar)
        found.append(run)
        paid = paid[len(run.settled):]  # made on or after the lapse
        revived = [p.paid_on for p in paid if p.paid_on < end]
        if not (membership.reactivation and revived):
            return found
        start = revived[0]


def _run(start: date, paid: tuple[Payment, ...], reg: Regulation, calendar: Calendar) -> Run:
    """The run starting on ``start``: the payments settle its months in order, the first one made on or
    after the lapse date of the month before it (the fourth unpaid month) settles nothing; every one before
    it was made before that day too, being in order."""
    first = Month.of(start)
    for i, payment in enumerate(paid):
        lapse = lapse_date(first.shift(i - 1), reg, calendar)
        if payment.paid_on >= lapse:
            return Run(start, lapse, paid[:i])
    return Run(start, lapse_date(first.shift(len(paid) - 1), reg, calendar), paid)


def _due(month: Month, start: date, reg: Regulation, calendar: Calendar) -> date:
    # The due day of the settings, moved past the closed days of the calendar the office keeps.
    return max(due_date(month, reg=reg, calendar=calendar), start)


def _last_day(month: Month) -> date:
    after = month.next()
    return after.first_day - timedelta(days=1)
