"""The days government offices are closed, DOMAIN.md section 2: weekends, the libur nasional and the cuti bersama
of the yearly SKB 3 Menteri (Menteri Agama, Menteri Ketenagakerjaan, Menteri PANRB), with its later revisions and
the presidential decrees that add a day (an election). Due dates, claim payment deadlines and card deadlines
count in these days.

``SHIPPED`` is the list that comes with Lindung (``holidays.csv`` beside this module: date, kind, name, decree;
2024 to 2027); the office adds to it (a revision, next year's decree) and the apps pass the shipped list plus
those additions. Whether cuti bersama closes the office is a setting (``Regulation.cuti_bersama_closed``).

A year the calendar has no holiday of has no list yet (every year has libur nasional): only weekends are skipped
there, and a due date in it is provisional (``knows``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cached_property
from pathlib import Path

from lindung.rules.regulation import DEFAULT, Regulation

COLUMNS = ("date", "kind", "name", "decree")


class Kind(StrEnum):
    LIBUR = "libur"  # libur nasional
    CUTI_BERSAMA = "cuti_bersama"


KIND_LABELS = {Kind.LIBUR: "libur nasional", Kind.CUTI_BERSAMA: "cuti bersama"}


@dataclass(frozen=True)
class Holiday:
    day: date
    kind: Kind
    name: str
    decree: str  # the SKB or Keppres that sets it


@dataclass(frozen=True)
class Calendar:
    holidays: tuple[Holiday, ...]

    def plus(self, more: Iterable[Holiday]) -> Calendar:
        return Calendar(self.holidays + tuple(more))

    @cached_property
    def _kinds(self) -> dict[date, frozenset[Kind]]:
        found: dict[date, set[Kind]] = {}
        for h in self.holidays:
            found.setdefault(h.day, set()).add(h.kind)
        return {day: frozenset(kinds) for day, kinds in found.items()}

    @cached_property
    def years(self) -> frozenset[int]:
        return frozenset(h.day.year for h in self.holidays)

    def knows(self, year: int) -> bool:
        """Whether the calendar has the holiday list of ``year``."""
        return year in self.years

    def working_day(self, day: date, reg: Regulation = DEFAULT) -> bool:
        """An office day: not a weekend, not a libur nasional, and not cuti bersama unless the setting says the
        office works then."""
        if day.weekday() >= 5:
            return False
        kinds = self._kinds.get(day, frozenset())
        return Kind.LIBUR not in kinds and not (reg.cuti_bersama_closed and Kind.CUTI_BERSAMA in kinds)

    def next_working_day(self, day: date, reg: Regulation = DEFAULT) -> date:
        """``day`` itself if the office is open then, else the first working day after it."""
        while not self.working_day(day, reg):
            day += timedelta(days=1)
        return day

    def add_working_days(self, start: date, days: int, reg: Regulation = DEFAULT) -> date:
        """The ``days``-th working day after ``start`` (``start`` itself does not count)."""
        day, counted = start, 0
        while counted < days:
            day += timedelta(days=1)
            counted += self.working_day(day, reg)
        return day


def read_holidays(lines: Iterable[str]) -> list[Holiday]:
    """The holidays of a CSV with the header date,kind,name,decree (kind: libur or cuti_bersama). Raises
    ValueError naming the line and the column of the first mistake."""
    reader = csv.DictReader(lines)
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise ValueError(f"Baris 1: kolom harus {','.join(COLUMNS)}, bukan {','.join(reader.fieldnames or ())}.")
    found = []
    for row in reader:
        where = f"Baris {reader.line_num}"
        try:
            day = date.fromisoformat(row["date"] or "")
        except ValueError:
            raise ValueError(f"{where}, kolom date: {row['date']!r} bukan tanggal TTTT-BB-HH.") from None
        if row["kind"] not in set(Kind):
            raise ValueError(f"{where}, kolom kind: {row['kind']!r} bukan libur atau cuti_bersama.")
        for column in ("name", "decree"):
            if not (row[column] or "").strip():
                raise ValueError(f"{where}, kolom {column}: kosong.")
        found.append(Holiday(day, Kind(row["kind"]), row["name"].strip(), row["decree"].strip()))
    return found


with (Path(__file__).with_name("holidays.csv")).open(encoding="utf-8", newline="") as _shipped:
    SHIPPED = Calendar(tuple(read_holidays(_shipped)))
