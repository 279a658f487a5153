"""A BPU member's coverage from the months paid, DOMAIN.md sections 2 and 4.

From the registration date and the months paid (by whom, on which day) follows the status on any day:

- *active*: every month whose due date has passed is paid;
- *in arrears* 1-3 months: JKK medical care continues but cash benefits wait for the arrears; JKM
  pays the funeral cost at once and the rest after the heirs pay the arrears;
- *lapsed* (nonaktif): the first day of the fourth consecutive unpaid month, ``planner.lapse_date``
  of the last month paid before the run; no right any more;
- *ended*: death or exit.

The rules, precisely:

- Coverage starts on the registration day. Every month from the registration month on is owed; its
  due date is ``contributions.due_date`` (the 15th or the next working day), but never before the
  registration day: nobody is late for a month that fell due before he joined.
- A payment counts for the status on day d only if it was made on or before d. On day d, the
  arrears are the consecutive unpaid owed months ending with the latest month whose due date is
  before d.
- The membership lapses on the first day of a month M when none of M-3, M-2, M-1 (all owed) was paid
  before that day. Arrears may be paid for at most 3 months, so a payment made on or after the lapse
  date does not revive the membership, unless ``Membership.reactivation`` is set (an open question,
  DOMAIN.md section 8): then the first payment made on or after the lapse date starts the membership
  again on its day, like a new registration, and the months of the gap are not owed.
- A lapse ends the rights; the end date (death, exit) ends the membership: from that day the status is ended,
  also for a member who lapsed before (he had no right when he died; ``claim_status`` on the day says so).

Messages are Indonesian because they are shown to the clerk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from lindung.rules.contributions import Month, Payer, due_date, month_range, tanggal
from lindung.rules.planner import lapse_date

MAX_ARREARS = 3  # months; one more unpaid month and the membership lapses
# The runs ((start, lapse) of each) of one membership for each set of payments (month, day paid) made by a day.
Runs = dict[tuple[tuple[Month, date], ...], list[tuple[date, date]]]


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
    registered: date  # coverage starts on this day
    payments: tuple[Payment, ...] = ()
    ended_on: date | None = None  # death or exit
    end_kind: EndKind | None = None
    reactivation: bool = False  # whether a payment after the lapse date revives it (DOMAIN.md §8)

    def __post_init__(self) -> None:
        if (self.ended_on is None) != (self.end_kind is None):
            raise ValueError("Tanggal dan sebab berakhirnya kepesertaan harus diisi bersama.")
        if self.ended_on is not None and self.ended_on < self.registered:
            raise ValueError(f"Kepesertaan tidak dapat berakhir ({tanggal(self.ended_on)}) "
                             f"sebelum terdaftar ({tanggal(self.registered)}).")
        first, seen = Month.of(self.registered), set()
        for p in self.payments:
            if p.month < first:
                raise ValueError(f"Iuran bulan {p.month} tercatat dibayar, padahal kepesertaan baru mulai "
                                 f"{tanggal(self.registered)}: bulan sebelum pendaftaran tidak terutang.")
            if p.month in seen:
                raise ValueError(f"Iuran bulan {p.month} tercatat dibayar dua kali.")
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
                return "Belum terdaftar"
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
                return "Belum terdaftar sebagai peserta: belum ada hak atas manfaat."
            case State.ACTIVE:
                return ("Aktif: iuran sudah dibayar sampai jatuh tempo terakhir. Semua manfaat JKK dan JKM "
                        "dijamin." + if_nobody_pays)
            case State.ARREARS:
                return (f"Menunggak {len(self.arrears)} bulan ({', '.join(map(str, self.arrears))}). JKK: "
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


def status_on(membership: Membership, day: date, runs: Runs | None = None) -> Status:
    """The member's status on ``day``, from the payments made by then. ``runs``, shared by calls for one member
    (``statuses_on``), keeps the runs worked out for each set of payments."""
    if day < membership.registered:
        return Status(State.NOT_YET)
    end = membership.ended_on
    if end is not None and day >= end:
        # Ended, whatever came before: a member who lapsed and died later is "Meninggal" on every page (his
        # rights were already gone: ENDED gives none, and ``lapse`` keeps the day he lost them).
        at_end = _running(membership, end, runs)
        lapsed = at_end.lapse if at_end.state is State.LAPSED else None
        return Status(State.ENDED, end_kind=membership.end_kind, ended_on=end, lapse=lapsed)
    return _running(membership, day, runs)


def statuses_on(membership: Membership, days: list[date]) -> list[Status]:
    """``status_on`` of each of ``days``: the runs (``_segments``, most of the work) are worked out once for each
    set of payments made by a day, not once per day — a cohort asks a year of month-ends of every member."""
    runs: Runs = {}
    return [status_on(membership, day, runs) for day in days]


def claim_status(membership: Membership, event_day: date) -> Status:
    """The status that decides a claim for an accident or a death on ``event_day``: an end on that
    very day (the death itself) does not count, so a member who dies in arrears keeps the rights
    of arrears (DOMAIN.md section 4)."""
    if event_day == membership.ended_on:
        return _running(membership, event_day)
    return status_on(membership, event_day)


def timeline(membership: Membership, first: Month, last: Month, *, today: date | None = None) -> list[TimelineRow]:
    """Month by month from ``first`` to ``last``: who paid, whether late, and the status on the
    month's last day, when its due date has passed, so the status says whether the month was paid
    by the end of it. The month of ``today`` shows today's status instead; later months show what
    happens if nobody pays any more."""
    by_month = {p.month: p for p in membership.payments}
    starts = [start for start, _ in _segments(membership, _paid(membership, date.max))]
    rows: list[TimelineRow] = []
    runs: Runs = {}
    for month in month_range(first, last):
        start = max((s for s in starts if Month.of(s) <= month), default=membership.registered)
        day = _last_day(month) if today is None or Month.of(today) != month else today
        payment = by_month.get(month)
        rows.append(TimelineRow(
            month=month, payer=payment.payer if payment else None, paid_on=payment.paid_on if payment else None,
            due=_due(month, start), day=day, status=status_on(membership, day, runs),
        ))
    return rows


def owed_months(membership: Membership, first: Month, last: Month, *, today: date) -> list[Month]:
    """The months from ``first`` to ``last`` a contribution is owed for, paid or not, as known on
    ``today``: from the registration month, due while the membership runs, i.e. before its end date
    and before a lapse that has happened by ``today`` (a later lapse may still be prevented by
    paying). The unpaid months before a lapse stay owed, though they can no longer be paid."""
    end = membership.ended_on or date.max
    segments = [(start, lapse if lapse <= today else date.max)
                for start, lapse in _segments(membership, _paid(membership, today))]
    return [month for month in month_range(first, last)
            if any(Month.of(start) <= month and _due(month, start) < min(lapse, end) for start, lapse in segments)]


def lapses_on(membership: Membership) -> date | None:
    """The day the membership lapses (or lapsed) if nobody pays beyond the recorded payments; None
    when it ends first (death, exit)."""
    _, lapse = _segments(membership, _paid(membership, date.max))[-1]
    return lapse if membership.ended_on is None or lapse <= membership.ended_on else None


def _running(membership: Membership, day: date, runs: Runs | None = None) -> Status:
    """The status on ``day`` (on or after registration) as if the membership had no end date."""
    paid = _paid(membership, day)
    if runs is None:
        segments = _segments(membership, paid)
    else:
        key = tuple(sorted(paid.items()))
        if key not in runs:
            runs[key] = _segments(membership, paid)
        segments = runs[key]
    start, lapse = next(s for s in reversed(segments) if s[0] <= day)
    if day >= lapse:
        return Status(State.LAPSED, lapse=lapse)
    month = Month.of(day)
    if day <= _due(month, start):
        month = month.shift(-1)
    arrears = []
    while month >= Month.of(start) and month not in paid:
        arrears.append(month)
        month = month.shift(-1)
    return Status(State.ARREARS if arrears else State.ACTIVE, arrears=tuple(reversed(arrears)), lapse=lapse)


def _paid(membership: Membership, by: date) -> dict[Month, date]:
    """Month -> day paid, of the payments made on or before ``by``."""
    return {p.month: p.paid_on for p in membership.payments if p.paid_on <= by}


def _segments(membership: Membership, paid: dict[Month, date]) -> list[tuple[date, date]]:
    """(start, lapse) of each run of the membership: one, unless payments after a lapse revive it."""
    start, segments = membership.registered, []
    end = membership.ended_on or date.max
    while True:
        lapse = _lapse(start, paid)
        segments.append((start, lapse))
        revived = [on for on in paid.values() if lapse <= on < end]
        if not (membership.reactivation and revived):
            return segments
        start = min(revived)


def _lapse(start: date, paid: dict[Month, date]) -> date:
    """The lapse date of a membership starting on ``start``: lapse_date(L) for the first month L
    (the month before the start counting as paid) whose next three months were not paid before it."""
    last = Month.of(start).shift(-1)
    while True:
        lapse = lapse_date(last)
        in_time = [m for m in month_range(last.shift(1), last.shift(MAX_ARREARS)) if m in paid and paid[m] < lapse]
        if not in_time:
            return lapse
        # Every run starting before the latest month paid in time contains it: skip to it.
        last = in_time[-1]


def _due(month: Month, start: date) -> date:
    return max(due_date(month), start)



def _last_day(month: Month) -> date:
    after = month.next()
    return after.first_day - timedelta(days=1)
