"""A membership card's journey from the printer to the worker, as a state machine, and when a card that
stopped moving is overdue. Pure: no Django.

The moves (``MOVES``):

- the chain: printed → at_dinas → at_camat → at_village → delivered, one level at a time;
- returned, with a reason (moved, deceased, unknown, refused): from at_dinas, at_camat or at_village the
  card goes back to the office, which holds it as "returned";
- a returned card is either sent out again to the kecamatan (returned → at_camat, e.g. the worker's new
  address is known) or voided;
- voided, with a reason (lost, damaged, wrong data): from any state but voided. It is how a card is replaced
  (a new version is printed); a delivered card can be voided too, since a worker may lose his card.

Final: voided (nothing leaves it); delivered leaves only by being voided for a replacement, never back into
the chain. Any other move is refused with a message naming both states.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from lindung.rules.holidays import SHIPPED, Calendar
from lindung.rules.regulation import DEFAULT, Regulation


class Status(StrEnum):
    PRINTED = "printed"
    AT_DINAS = "at_dinas"
    AT_CAMAT = "at_camat"
    AT_VILLAGE = "at_village"
    DELIVERED = "delivered"
    RETURNED = "returned"
    VOIDED = "voided"


RETURN_REASONS = {"moved": "pindah", "deceased": "meninggal dunia", "unknown": "tidak dikenal", "refused": "menolak"}
VOID_REASONS = {"lost": "hilang", "damaged": "rusak", "wrong_data": "data salah"}

# How a state is named in messages and on the minutes.
LABELS = {
    Status.PRINTED: "dicetak",
    Status.AT_DINAS: "di Dinas",
    Status.AT_CAMAT: "di kecamatan (camat)",
    Status.AT_VILLAGE: "di desa/kelurahan",
    Status.DELIVERED: "diterima peserta",
    Status.RETURNED: "dikembalikan ke Dinas",
    Status.VOIDED: "dibatalkan",
}

MOVES: dict[Status, frozenset[Status]] = {
    Status.PRINTED: frozenset({Status.AT_DINAS, Status.VOIDED}),
    Status.AT_DINAS: frozenset({Status.AT_CAMAT, Status.RETURNED, Status.VOIDED}),
    Status.AT_CAMAT: frozenset({Status.AT_VILLAGE, Status.RETURNED, Status.VOIDED}),
    Status.AT_VILLAGE: frozenset({Status.DELIVERED, Status.RETURNED, Status.VOIDED}),
    Status.RETURNED: frozenset({Status.AT_CAMAT, Status.VOIDED}),
    Status.DELIVERED: frozenset({Status.VOIDED}),
    Status.VOIDED: frozenset(),
}

# Where a card is held and can therefore be overdue: the levels of the chain.
HELD = (Status.PRINTED, Status.AT_DINAS, Status.AT_CAMAT, Status.AT_VILLAGE)


def check_move(current: str, to: str, reason: str = "") -> None:
    """Refuse a move the machine does not allow, or a reason that does not fit it (ValueError, Indonesian)."""
    current, to = _status(current), _status(to)
    if to not in MOVES[current]:
        raise ValueError(f"Kartu yang {LABELS[current]} tidak bisa langsung menjadi {LABELS[to]}"
                         + (f"; langkah berikutnya: {', '.join(LABELS[s] for s in Status if s in MOVES[current])}."
                            if MOVES[current] else ": statusnya sudah final."))
    reasons = RETURN_REASONS if to == Status.RETURNED else VOID_REASONS if to == Status.VOIDED else None
    if reasons is None:
        if reason:
            raise ValueError(f"Alasan hanya dicatat untuk kartu yang dikembalikan atau dibatalkan, "
                             f"bukan dari {LABELS[current]} ke {LABELS[to]}.")
    elif reason not in reasons:
        raise ValueError(f"Kartu yang {LABELS[current]} menjadi {LABELS[to]} perlu alasan: "
                         f"{', '.join(reasons.values())}.")


def _status(value: str) -> Status:
    try:
        return Status(value)
    except ValueError:
        raise ValueError(f"Status kartu {value!r} tidak dikenal.") from None


@dataclass(frozen=True)
class Limits:
    """Working days a card may stay at one level: ``per_level``, and ``last_step`` at the village, from
    where it must reach the worker within 3 (DOMAIN.md §3)."""

    per_level: int = 7
    last_step: int = 3

    def of(self, status: str) -> int | None:
        if status not in HELD:
            return None
        return self.last_step if status == Status.AT_VILLAGE else self.per_level


def overdue_before(status: str, today: date, limits: Limits, *, reg: Regulation = DEFAULT,
                   calendar: Calendar = SHIPPED) -> date | None:
    """The day from which a card in ``status`` is still in time: one that entered it on an earlier day has
    been there more than its limit of working days (of ``calendar``) by ``today`` (the day it entered does not
    count). None: that status is never overdue (delivered, returned, voided). For years the calendar has no
    holiday list for, only weekends are off: a card may then be called overdue a holiday early."""
    limit = limits.of(status)
    if limit is None:
        return None
    day, counted = today, 0
    while True:
        if calendar.working_day(day, reg):
            counted += 1
            if counted > limit:
                return day
        day -= timedelta(days=1)


def overdue(status: str, since: date, today: date, limits: Limits, *, reg: Regulation = DEFAULT,
            calendar: Calendar = SHIPPED) -> bool:
    """Whether a card that entered ``status`` on ``since`` has stayed there more than its limit by ``today``."""
    cutoff = overdue_before(status, today, limits, reg=reg, calendar=calendar)
    return cutoff is not None and since < cutoff

