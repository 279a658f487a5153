"""JKM and JKK benefits of a BPU member, DOMAIN.md section 4.

Every figure lives in a dated table (``JKM_TABLES``, ``JKK_TABLES``, ``SCHOLARSHIP_LEVELS``): the row
in force on the event day (the death, the accident) decides, and its ``version`` is returned with the
result so a claim can freeze the rule it was paid under.

What is payable depends on the member's status on the event day, taken from the coverage engine
(``coverage.claim_status`` for a real membership, ``status_from_arrears`` for the calculator):

- active: every right, paid now;
- in arrears (at most 3 months): JKM pays the funeral cost now and the rest after the heirs pay the
  arrears; JKK pays medical care and home care now, cash benefits (the transport refund among them,
  PP 44/2015 Ps 25(2)b angka 1) after the arrears;
- lapsed, ended or not yet registered: no right at all.

Scholarship: the components hold *this year's* amount per child (the scholarship is paid a year at a
time, at the child's current school level); ``Scholarship.entitlement`` holds the whole remaining
right of the child (this year and every later year up to each level's cap, while under 23), which is
at most Rp87,000,000 per child.

All money is integer Rupiah, rounded half up where a rate is applied. Texts are Indonesian: they are
shown to the officer and to the family.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, Protocol, TypeVar

from lokal import format_rupiah

from lindung.rules.contributions import Month, Payer, bulan, due_date, tanggal
from lindung.rules.coverage import Membership, Payment, Right, State, Status, claim_status
from lindung.rules.holidays import SHIPPED, Calendar
from lindung.rules.regulation import DEFAULT, Regulation


@dataclass(frozen=True)
class SchoolLevel:
    code: str  # as printed in a component: "Beasiswa anak 1 (SD)"
    per_year: int
    max_years: int
    # ASSUMPTION (not in the regulation): the usual age a child starts the level in Indonesia, used
    # only to derive the level from the age when the family does not give it. TK 4-5, SD 6-11,
    # SMP 12-14, SMA 15-17, perguruan tinggi 18-22; below 4 the child is not in school yet.
    entry_age: int


@dataclass(frozen=True)
class JkmTable:
    """JKM for a death not caused by work."""

    lump_sum: int
    periodic: int  # the periodic benefit, paid at once
    periodic_months: int
    funeral: int
    scholarship_min_months: int  # months of contributions before the scholarship is due
    scholarship_children: int  # at most this many children
    child_age_limit: int  # a child qualifies while younger than this
    valid_from: date
    valid_to: date | None  # None: still in force
    source: str

    @property
    def cash(self) -> int:
        """The JKM amount without scholarship: the floor of the JKK death benefit."""
        return self.lump_sum + self.periodic + self.funeral

    @property
    def version(self) -> str:
        return f"JKM {self.source} sejak {self.valid_from.isoformat()}"


@dataclass(frozen=True)
class JkkTable:
    death_multiple: int  # × declared income, at least the JKM amount
    periodic: int
    periodic_months: int
    funeral: int
    stmb_full_months: int  # temporary incapacity at 100% of the income for these months …
    stmb_later_percent: int  # … then this percent
    disability_multiple: int  # disability: percent × this × income (the total-disability rate is a setting)
    home_care_cap: int
    home_care_months: int
    transport_caps: tuple[tuple[tuple[str, ...], int], ...]  # modes refunded together -> their cap
    valid_from: date
    valid_to: date | None
    source: str

    @property
    def version(self) -> str:
        return f"JKK {self.source} sejak {self.valid_from.isoformat()}"


# PP 82/2019 was promulgated and took effect on 2 December 2019 [check the day]; events before it
# fall under PP 44/2015, whose figures are not in DOMAIN.md and are refused until configured.
_PP_82_2019 = date(2019, 12, 2)

SCHOLARSHIP_LEVELS: tuple[tuple[date, tuple[SchoolLevel, ...]], ...] = (
    (_PP_82_2019, (
        SchoolLevel("TK", 1_500_000, 2, 4),
        SchoolLevel("SD", 1_500_000, 6, 6),
        SchoolLevel("SMP", 2_000_000, 3, 12),
        SchoolLevel("SMA", 3_000_000, 3, 15),
        SchoolLevel("Perguruan tinggi", 12_000_000, 5, 18),
    )),
)

JKM_TABLES: tuple[JkmTable, ...] = (
    JkmTable(lump_sum=20_000_000, periodic=12_000_000, periodic_months=24, funeral=10_000_000,
             scholarship_min_months=36, scholarship_children=2, child_age_limit=23,
             valid_from=_PP_82_2019, valid_to=None, source="PP 82/2019"),
)

TRANSPORT_MODES = {"darat": "darat", "land": "darat", "sungai": "sungai", "river": "sungai", "danau": "danau",
                   "lake": "danau", "laut": "laut", "sea": "laut", "udara": "udara", "air": "udara"}

JKK_TABLES: tuple[JkkTable, ...] = (
    JkkTable(death_multiple=48, periodic=12_000_000, periodic_months=24, funeral=10_000_000,
             stmb_full_months=12, stmb_later_percent=50, disability_multiple=80,
             home_care_cap=20_000_000, home_care_months=12,
             # PP 82/2019 Lampiran III A.2.a: "transportasi darat, sungai, atau danau paling banyak Rp5.000.000",
             # laut Rp2.000.000, udara Rp10.000.000 (text: id.scribd.com/document/481284436, PP Nomor 82 Tahun 2019
             # Lamp III). Land, river and lake share one cap.
             transport_caps=((("darat", "sungai", "danau"), 5_000_000), (("laut",), 2_000_000),
                             (("udara",), 10_000_000)),
             valid_from=_PP_82_2019, valid_to=None, source="PP 82/2019"),
)


@dataclass(frozen=True)
class DisabilityPart:
    """A row of the partial-disability table (PP 82/2019 Lampiran III, as the office entered it in the settings):
    the percent for the anatomical loss of a part of the body."""

    code: str  # as typed on the command line, e.g. "lengan-kanan-bahu"
    label: str
    percent: Decimal


DAYS_PER_MONTH = 30  # STMB: a month off work counts 30 days, so the 12-month line falls after day 360


class _Dated(Protocol):
    @property
    def valid_from(self) -> date: ...

    @property
    def valid_to(self) -> date | None: ...


_Table = TypeVar("_Table", bound=_Dated)


def _in_force(rows: Iterable[_Table], day: date, what: str) -> _Table:
    row = next((r for r in rows if r.valid_from <= day and (r.valid_to is None or day <= r.valid_to)), None)
    if row is None:
        raise ValueError(f"Tidak ada tabel manfaat {what} untuk peristiwa tanggal {tanggal(day)}.")
    return row


def jkm_table(day: date) -> JkmTable:
    return _in_force(JKM_TABLES, day, "JKM")


def jkk_table(day: date) -> JkkTable:
    return _in_force(JKK_TABLES, day, "JKK")


def disability_part(code: str, reg: Regulation = DEFAULT) -> DisabilityPart:
    """The row of the partial-disability table of the settings ``reg`` for the part of the body ``code``."""
    rows = {row[0]: row for row in reg.disability_parts}
    found = rows.get(code.strip().lower())
    if found is None:
        known = ", ".join(rows) or "belum ada baris yang diisi di Pengaturan Regulasi"
        raise ValueError(f"Bagian tubuh {code!r} tidak ada di tabel cacat sebagian (PP 82/2019 Lampiran III; "
                         f"{known}): berikan persentase tabel dari surat keterangan dokter.")
    code, label, percent = found
    _percent(percent)  # a row the office typed wrong is refused, not read as 0
    return DisabilityPart(code, label, Decimal(percent.replace(",", ".")))


def scholarship_levels(day: date) -> tuple[SchoolLevel, ...]:
    found = [levels for since, levels in SCHOLARSHIP_LEVELS if since <= day]
    if not found:
        raise ValueError(f"Tidak ada tabel beasiswa untuk peristiwa tanggal {tanggal(day)}.")
    return found[-1]


# --- children and the scholarship ----------------------------------------------------------------


@dataclass(frozen=True)
class Child:
    age: int  # in whole years on the event day
    level: str | None = None  # school level code (TK, SD, …); None: derived from the age
    year_at_level: int | None = None  # 1 = first year; None: derived from the age, or 1 when level is given
    married: bool = False
    working: bool = False

    def __post_init__(self) -> None:
        if not 0 <= self.age <= 100:
            raise ValueError(f"Umur anak harus 0 sampai 100 tahun, bukan {self.age}.")
        if self.year_at_level is not None and self.year_at_level < 1:
            raise ValueError(f"Tahun ke- di jenjang sekolah harus 1 atau lebih, bukan {self.year_at_level}.")


@dataclass(frozen=True)
class Scholarship:
    child: int  # the child's place in the list given, from 1
    age: int
    level: str | None  # None: not in school yet; paid once the child starts TK
    this_year: int
    entitlement: int  # this year and every later year, up to each level's cap, while under the age limit


def _scholarship(number: int, child: Child, levels: tuple[SchoolLevel, ...], age_limit: int) -> Scholarship:
    codes = [lv.code.upper() for lv in levels]
    start: int | None
    if child.level is not None:
        if child.level.upper() not in codes:
            raise ValueError(f"Jenjang sekolah anak {number} tidak dikenal: {child.level!r} "
                             f"(pilih {', '.join(lv.code for lv in levels)}).")
        start, year = codes.index(child.level.upper()), child.year_at_level or 1
    else:
        started = [i for i, lv in enumerate(levels) if lv.entry_age <= child.age]
        start = started[-1] if started else None
        year = child.age - levels[start].entry_age + 1 if start is not None else 1
    if start is not None and year > levels[start].max_years:
        raise ValueError(f"Anak {number}: jenjang {levels[start].code} paling lama {levels[start].max_years} "
                         f"tahun, bukan tahun ke-{year}.")
    # The schedule of yearly payments from now on: the rest of the current level, then every later one.
    schedule = [] if start is None else [levels[start].per_year] * (levels[start].max_years - year + 1)
    for lv in levels[(start + 1 if start is not None else 0):]:
        schedule += [lv.per_year] * lv.max_years
    # A child not in school yet starts TK at its entry age; years before that pay nothing.
    waiting = 0 if start is not None else levels[0].entry_age - child.age
    years_left = max(age_limit - child.age - waiting, 0)
    return Scholarship(child=number, age=child.age, level=levels[start].code if start is not None else None,
                       this_year=schedule[0] if start is not None else 0, entitlement=sum(schedule[:years_left]))


def _scholarships(children: Iterable[Child], day: date, table: JkmTable) -> tuple[list[Scholarship], list[str]]:
    levels = scholarship_levels(day)
    paid: list[Scholarship] = []
    notes: list[str] = []
    for number, child in enumerate(children, start=1):
        why_not = [why for why, yes in ((f"sudah berumur {child.age} tahun (batas di bawah {table.child_age_limit})",
                                         child.age >= table.child_age_limit),
                                        ("sudah menikah", child.married), ("sudah bekerja", child.working)) if yes]
        if why_not:
            notes.append(f"Anak {number} tidak berhak beasiswa: {', '.join(why_not)}.")
        elif len(paid) == table.scholarship_children:
            notes.append(f"Anak {number} tidak mendapat beasiswa: paling banyak {table.scholarship_children} anak "
                         "(urutan sesuai daftar dari ahli waris).")
        else:
            paid.append(_scholarship(number, child, levels, table.child_age_limit))
    for s in paid:
        if s.level is None:
            notes.append(f"Anak {s.child} (umur {s.age}) belum sekolah: beasiswa dibayar mulai masuk TK, "
                         f"seluruhnya paling banyak {format_rupiah(s.entitlement)}.")
        else:
            notes.append(f"Beasiswa anak {s.child} ({s.level}) dibayar per tahun: tahun ini "
                         f"{format_rupiah(s.this_year)}, seluruh sisa hak sampai {format_rupiah(s.entitlement)}.")
    return paid, notes


# --- the result ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Component:
    name: str
    amount: int
    now: bool  # paid at once; False: after the heirs (or the member) pay the arrears


@dataclass(frozen=True)
class Benefit:
    benefit: str  # what was computed, e.g. "JKM"
    event_day: date
    status: Status  # the coverage status on the event day
    lines: tuple[Component, ...]
    arrears_amount: int  # to be paid before the rest: months in arrears × monthly contribution
    notes: tuple[str, ...]
    rule_version: str
    scholarships: tuple[Scholarship, ...] = field(default=())

    @property
    def components(self) -> dict[str, int]:
        return {c.name: c.amount for c in self.lines}

    @property
    def total(self) -> int:
        return sum(c.amount for c in self.lines)

    @property
    def payable_now(self) -> int:
        return sum(c.amount for c in self.lines if c.now)

    @property
    def payable_after_arrears(self) -> int:
        return self.total - self.payable_now

    def as_dict(self) -> dict[str, Any]:
        lapsed_on = None
        if self.status.state is State.LAPSED:
            assert self.status.lapse is not None  # a lapsed membership has its lapse day
            lapsed_on = self.status.lapse.isoformat()
        return {
            "benefit": self.benefit, "event_date": self.event_day.isoformat(), "status": self.status.state.value,
            "components": self.components, "total": self.total, "payable_now": self.payable_now,
            "payable_after_arrears": self.payable_after_arrears, "arrears_months": len(self.status.arrears),
            "arrears_amount": self.arrears_amount,
            "lapsed_on": lapsed_on,
            "scholarships": [{"child": s.child, "age": s.age, "level": s.level, "this_year": s.this_year,
                              "entitlement": s.entitlement} for s in self.scholarships],
            "notes": list(self.notes), "rule_version": self.rule_version,
        }


def _positive(value: int, what: str, *, zero: bool = False) -> None:
    if value < 0 or (value == 0 and not zero):
        raise ValueError(f"{what} harus {'0 atau lebih' if zero else 'lebih dari 0'}, bukan {value}.")


def _round(numerator: int | Fraction, denominator: int = 1) -> int:
    """Half up to the Rupiah (every amount here is 0 or more)."""
    return int(Fraction(numerator) / denominator + Fraction(1, 2))


def _result(name: str, day: date, status: Status, parts: list[tuple[str, int, Right]], monthly_contribution: int,
            notes: list[str], version: str, scholarships: Iterable[Scholarship] = ()) -> Benefit:
    """The benefit for ``status``: each part paid now, after the arrears, or not at all."""
    _positive(monthly_contribution, "Iuran per bulan", zero=True)
    if status.state not in (State.ACTIVE, State.ARREARS):
        # The lapse and "not registered" texts already say there is no right; an end (exit) does not.
        said = status.explanation if status.state is not State.ENDED else f"Tidak ada hak atas manfaat. {status.explanation}"
        return Benefit(name, day, status, (), 0, (said,), version)
    arrears = len(status.arrears) * monthly_contribution
    lines = tuple(Component(n, amount, right is Right.NOW) for n, amount, right in parts if amount > 0)
    now = sum(c.amount for c in lines if c.now)
    if status.state is State.ARREARS:
        months = ", ".join(map(bulan, status.arrears))
        later = sum(c.amount for c in lines) - now
        lead = (f"Menunggak {len(status.arrears)} bulan ({months}) pada tanggal peristiwa: "
                f"{format_rupiah(now)} dibayar segera")
        if later:
            lead += (f", sisanya {format_rupiah(later)} dibayar setelah tunggakan iuran {format_rupiah(arrears)} "
                     f"({len(status.arrears)} × {format_rupiah(monthly_contribution)}) dilunasi")
        notes = [lead + ".", *notes]
    else:
        notes = ["Peserta aktif pada tanggal peristiwa: semua manfaat dibayar.", *notes]
    return Benefit(name, day, status, lines, arrears, tuple(notes), version, tuple(scholarships))


# --- the status ----------------------------------------------------------------------------------


def status_from_arrears(arrears_months: int, event_day: date, *, reg: Regulation = DEFAULT,
                        calendar: Calendar = SHIPPED) -> Status:
    """The coverage status on ``event_day`` of a member with ``arrears_months`` months past due and
    unpaid (as ``coverage`` counts them: months whose due date is before the event day), for the
    calculator. More than 3 months: lapsed, with the day it lapsed. Note that 3 months in arrears
    exist only after the third month's due date: before it, the membership lapsed on the 1st."""
    _positive(arrears_months, "Jumlah bulan tunggakan", zero=True)
    current = Month.of(event_day)
    last_due = current if event_day > due_date(current, reg=reg, calendar=calendar) else current.shift(-1)
    last_paid = last_due.shift(-arrears_months)
    first = last_paid.shift(-11)
    member = Membership(first.first_day, tuple(Payment(first.shift(i), Payer.APBD, first.shift(i).first_day)
                                               for i in range(12)))
    return claim_status(member, event_day, reg=reg, calendar=calendar)


def contribution_months(membership: Membership, event_day: date) -> int:
    """The months of contributions for the JKM scholarship's 3 years (PP 44/2015 jo. PP 82/2019; DOMAIN.md sections
    2 and 4): months up to the event's month, paid by the event day. Months paid ahead of the event do not count."""
    last = Month.of(event_day)
    return sum(1 for p in membership.payments if p.paid_on <= event_day and p.month <= last)


# --- JKM -----------------------------------------------------------------------------------------


def jkm(event_day: date, status: Status, *, contribution_months: int, monthly_contribution: int,
        children: Iterable[Child] = ()) -> Benefit:
    """JKM for a death on ``event_day`` not caused by work. ``status``: ``coverage.claim_status``
    of the membership on that day. ``monthly_contribution``: what one month in arrears costs."""
    table = jkm_table(event_day)
    _positive(contribution_months, "Masa iuran (bulan)", zero=True)
    children = tuple(children)
    rights = status.rights
    parts = [("Santunan sekaligus", table.lump_sum, rights.jkm_rest),
             (f"Santunan berkala ({table.periodic_months} bulan)", table.periodic, rights.jkm_rest),
             ("Biaya pemakaman", table.funeral, rights.jkm_funeral)]
    notes: list[str] = []
    paid: list[Scholarship] = []
    if children and contribution_months < table.scholarship_min_months:
        notes.append(f"Beasiswa tidak diberikan: masa iuran {contribution_months} bulan, kurang dari "
                     f"{table.scholarship_min_months} bulan ({table.scholarship_min_months // 12} tahun).")
    elif children:
        paid, child_notes = _scholarships(children, event_day, table)
        notes += child_notes
        parts += [(f"Beasiswa anak {s.child} ({s.level})", s.this_year, rights.jkm_rest) for s in paid if s.this_year]
    return _result("JKM", event_day, status, parts, monthly_contribution, notes, table.version, paid)


# --- JKK -----------------------------------------------------------------------------------------


def jkk_death(event_day: date, status: Status, *, income: int, monthly_contribution: int,
              children: Iterable[Child] = ()) -> Benefit:
    """Death from a work accident: 48 × declared income but at least the JKM amount, the periodic
    benefit, the funeral cost, and the scholarship with no minimum contribution period."""
    table, floor = jkk_table(event_day), jkm_table(event_day)
    _positive(income, "Penghasilan")
    rights = status.rights
    multiple = table.death_multiple * income
    if multiple >= floor.cash:
        lump = (f"Santunan kematian ({table.death_multiple} × penghasilan)", multiple)
        notes = []
    else:
        lump = ("Santunan kematian (paling sedikit sebesar JKM)", floor.cash)
        notes = [f"{table.death_multiple} × penghasilan = {format_rupiah(multiple)}, kurang dari manfaat JKM "
                 f"{format_rupiah(floor.cash)}: dibayar {format_rupiah(floor.cash)}."]
    parts = [(*lump, rights.jkk_cash),
             (f"Santunan berkala ({table.periodic_months} bulan)", table.periodic, rights.jkk_cash),
             ("Biaya pemakaman", table.funeral, rights.jkk_cash)]
    paid, child_notes = _scholarships(children, event_day, floor)
    parts += [(f"Beasiswa anak {s.child} ({s.level})", s.this_year, rights.jkk_cash) for s in paid if s.this_year]
    return _result("JKK meninggal dunia", event_day, status, parts, monthly_contribution, notes + child_notes,
                   f"{table.version}; {floor.version}", paid)


def jkk_stmb(event_day: date, status: Status, *, income: int, days: int, monthly_contribution: int) -> Benefit:
    """Temporary incapacity (STMB) for ``days`` days off work after the accident: 100% of the declared
    income for the first 12 months, 50% after, a month counting 30 days."""
    table = jkk_table(event_day)
    _positive(income, "Penghasilan")
    _positive(days, "Jumlah hari tidak mampu bekerja")
    line = table.stmb_full_months * DAYS_PER_MONTH
    full, later = min(days, line), max(days - line, 0)
    right = status.rights.jkk_cash
    parts = [(f"STMB {table.stmb_full_months} bulan pertama (100%, {full} hari)", _round(income * full, DAYS_PER_MONTH),
              right)]
    if later:
        parts.append((f"STMB setelah {table.stmb_full_months} bulan ({table.stmb_later_percent}%, {later} hari)",
                      _round(income * later * table.stmb_later_percent, DAYS_PER_MONTH * 100), right))
    notes = [f"Dihitung dari penghasilan {format_rupiah(income)} per bulan, 1 bulan = {DAYS_PER_MONTH} hari."]
    return _result("JKK STMB", event_day, status, parts, monthly_contribution, notes, table.version)


def jkk_transport(event_day: date, status: Status, *, costs: dict[str, int], monthly_contribution: int) -> Benefit:
    """Transport of the injured worker (PP 82/2019 Lampiran III A.2.a): land, river and lake together up to one cap,
    sea and air each up to theirs. A cash benefit (PP 44/2015 Ps 25(2)b angka 1): in arrears it waits for them."""
    table = jkk_table(event_day)
    spent: dict[str, int] = {}
    for given, cost in costs.items():
        mode = TRANSPORT_MODES.get(given.strip().lower())
        if mode is None:
            raise ValueError(f"Moda transportasi tidak dikenal: {given!r} (pilih darat, sungai, danau, laut atau udara).")
        _positive(cost, f"Biaya transportasi {mode}", zero=True)
        spent[mode] = spent.get(mode, 0) + cost
    parts, notes = [], []
    for modes, cap in table.transport_caps:
        used = [m for m in modes if m in spent]
        if not used:
            continue
        cost, named = sum(spent[m] for m in used), ", ".join(used)
        parts.append((f"Biaya transportasi {named}", min(cost, cap), status.rights.jkk_transport))
        if cost > cap:
            together = f" ({', '.join(modes[:-1])} atau {modes[-1]} bersama)" if len(modes) > 1 else ""
            notes.append(f"Biaya transportasi {named} {format_rupiah(cost)} melebihi batas {format_rupiah(cap)}"
                         f"{together}: dibayar {format_rupiah(cap)}.")
    return _result("JKK transportasi", event_day, status, parts, monthly_contribution, notes, table.version)


def _percent(value: int | str | Decimal) -> Fraction:
    try:
        percent = Fraction(Decimal(str(value).replace(",", ".")))
    except (InvalidOperation, ValueError):
        raise ValueError(f"Persentase harus angka, misalnya 10 atau 2,5, bukan {value!r}.")
    if not 0 < percent <= 100:
        raise ValueError(f"Persentase harus lebih dari 0 dan paling banyak 100, bukan {value}.")
    return percent


def jkk_partial_disability(event_day: date, status: Status, *, income: int, monthly_contribution: int,
                           percent: int | str | Decimal | None = None, part: str | None = None,
                           function_lost: int | str | Decimal | None = None, reg: Regulation = DEFAULT) -> Benefit:
    """Partial permanent disability (PP 82/2019 Lampiran III): the table's percent × 80 × declared income for the
    loss of a part of the body; for a partial loss of its function, the percent of function lost × the table's
    percent × 80 × income. The table's percent is given (``percent``, from the doctor's statement) or read from the
    settings' table for the part of the body (``part``)."""
    table = jkk_table(event_day)
    _positive(income, "Penghasilan")
    if (percent is None) == (part is None):
        raise ValueError("Berikan salah satu: persentase tabel atau bagian tubuh.")
    if part is not None:
        row = disability_part(part, reg)
        share, what = Fraction(row.percent), f"{row.label} {str(row.percent).replace('.', ',')}%"
    else:
        assert percent is not None  # one of the two is given
        share, what = _percent(percent), f"{str(percent).replace('.', ',')}%"
    mult = table.disability_multiple
    if function_lost is None:
        name, amount = f"Cacat sebagian ({what} × {mult} × penghasilan)", share * mult * income / 100
    else:
        lost = _percent(function_lost)
        name = (f"Cacat sebagian fungsi ({str(function_lost).replace('.', ',')}% fungsi × {what} × {mult} × "
                "penghasilan)")
        amount = lost * share * mult * income / 10_000
    parts = [(name, _round(amount), status.rights.jkk_cash)]
    return _result("JKK cacat sebagian", event_day, status, parts, monthly_contribution, [], table.version)


def jkk_total_disability(event_day: date, status: Status, *, income: int, monthly_contribution: int,
                         children: Iterable[Child] = (), reg: Regulation = DEFAULT) -> Benefit:
    """Total permanent disability: ``reg.total_disability_percent`` (70 by default) % × 80 × declared income, the
    periodic benefit (PP 44/2015 Ps 25(2)b angka 5, amount of PP 82/2019) and the scholarship of at most two
    children with no minimum contribution period (Ps 25(2)b angka 8), as for a work-accident death."""
    table, floor = jkk_table(event_day), jkm_table(event_day)
    _positive(income, "Penghasilan")
    pct, mult = reg.total_disability_percent, table.disability_multiple
    rights = status.rights
    parts = [(f"Cacat total tetap ({pct}% × {mult} × penghasilan)", _round(pct * mult * income, 100), rights.jkk_cash),
             (f"Santunan berkala ({table.periodic_months} bulan)", table.periodic, rights.jkk_cash)]
    paid, notes = _scholarships(children, event_day, floor)
    parts += [(f"Beasiswa anak {s.child} ({s.level})", s.this_year, rights.jkk_cash) for s in paid if s.this_year]
    return _result("JKK cacat total tetap", event_day, status, parts, monthly_contribution, notes,
                   f"{table.version}; {floor.version}", paid)


def jkk_aid(event_day: date, status: Status, *, aid: str, cost: int, monthly_contribution: int,
            reg: Regulation = DEFAULT) -> Benefit:
    """An aid after a work accident (prosthesis, orthosis, denture, hearing aid, glasses: PP 82/2019 Lampiran III):
    its cost up to the cap the settings give for it. Part of the medical care, so it continues in arrears."""
    caps = {code: (label, cap) for code, label, cap in reg.aid_caps}
    found = caps.get(aid.strip().lower())
    if found is None:
        known = ", ".join(caps) or "belum ada baris yang diisi di Pengaturan Regulasi"
        raise ValueError(f"Alat bantu {aid!r} tidak ada di tabel batas alat bantu (PP 82/2019 Lampiran III; {known}).")
    label, cap = found
    _positive(cost, "Biaya alat bantu", zero=True)
    notes = [f"{label} dijamin paling banyak {format_rupiah(cap)}."]
    if cost > cap:
        notes.append(f"Biaya {format_rupiah(cost)} melebihi batas: dibayar {format_rupiah(cap)}.")
    parts = [(label, min(cost, cap), status.rights.jkk_medical)]
    return _result("JKK alat bantu", event_day, status, parts, monthly_contribution, notes, jkk_table(event_day).version)


def jkk_home_care(event_day: date, status: Status, *, cost: int, monthly_contribution: int) -> Benefit:
    """Home care: the cost of its first year (later costs are not covered), up to the cap."""
    table = jkk_table(event_day)
    _positive(cost, "Biaya perawatan di rumah", zero=True)
    notes = [f"Perawatan di rumah dijamin paling lama {table.home_care_months} bulan dan paling banyak "
             f"{format_rupiah(table.home_care_cap)}."]
    if cost > table.home_care_cap:
        notes.append(f"Biaya {format_rupiah(cost)} melebihi batas: dibayar {format_rupiah(table.home_care_cap)}.")
    parts = [("Perawatan di rumah (homecare)", min(cost, table.home_care_cap), status.rights.jkk_medical)]
    return _result("JKK perawatan di rumah", event_day, status, parts, monthly_contribution, notes, table.version)

