"""A JKM or JKK claim as rules: who may be an heir, which documents each kind of claim needs, the steps a
claim goes through, and its deadlines. Pure: no Django. DOMAIN.md section 4.

Heirs (``HEIR_GROUPS``), in legal order: (1) widow/widower or children; (2) parents, grandparents,
grandchildren; (3) siblings; (4) parents-in-law; (5) the person named in a will; (6) when there is none of
them, whoever arranged the funeral receives the funeral cost and the rest returns to the fund. Heirs of a
later group have no right while anyone of an earlier group is named: ``check_heirs`` refuses such a list,
naming both.

The steps (``MOVES``): reported → documents_complete → submitted (to BPJS) → approved or rejected (with a
reason) → paid (approved only). Rejected and paid are final.

Deadlines (``DEADLINE_TABLES``, dated like the benefit tables): a work accident is reported to BPJS (stage
I) within 2×24 hours, and the claim (stage II) within 2×24 hours of the doctor's statement; a JKK claim must be
made within 5 years of the event, a JKM claim within ``Regulation.jkm_claim_years`` (5 by default); BPJS pays a
complete claim within 3 working days (JKM) or 7 (JKK). The payment clock starts on the day the complete claim is
submitted to BPJS: before that BPJS does not have it. BPJS decides on a suspected work accident within 30 days of
its first report (PP 49/2023 Ps 25A-25B).

Texts are Indonesian: they are shown to the officer and to the family.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from lindung.rules.contributions import tanggal
from lindung.rules.holidays import SHIPPED, Calendar
from lindung.rules.regulation import DEFAULT, Regulation


class Kind(StrEnum):
    JKM = "jkm"  # death not caused by work
    JKK_DEATH = "jkk_death"  # death from a work accident
    JKK_INJURY = "jkk_injury"  # a work accident the member survived

    @property
    def death(self) -> bool:
        return self is not Kind.JKK_INJURY

    @property
    def jkk(self) -> bool:
        return self is not Kind.JKM


KIND_LABELS = {Kind.JKM: "JKM (meninggal dunia bukan karena kecelakaan kerja)",
               Kind.JKK_DEATH: "JKK meninggal dunia (kecelakaan kerja)",
               Kind.JKK_INJURY: "JKK kecelakaan kerja (luka/cedera)"}


# --- heirs ---------------------------------------------------------------------------------------


class Relationship(StrEnum):
    WIDOW = "janda"
    WIDOWER = "duda"
    CHILD = "anak"
    PARENT = "orang_tua"
    GRANDPARENT = "kakek_nenek"
    GRANDCHILD = "cucu"
    SIBLING = "saudara_kandung"
    PARENT_IN_LAW = "mertua"
    WILL = "penerima_wasiat"
    FUNERAL = "pengurus_pemakaman"


RELATIONSHIP_LABELS = {
    Relationship.WIDOW: "janda", Relationship.WIDOWER: "duda", Relationship.CHILD: "anak",
    Relationship.PARENT: "orang tua", Relationship.GRANDPARENT: "kakek/nenek", Relationship.GRANDCHILD: "cucu",
    Relationship.SIBLING: "saudara kandung", Relationship.PARENT_IN_LAW: "mertua",
    Relationship.WILL: "pihak yang ditunjuk dalam wasiat", Relationship.FUNERAL: "pihak yang mengurus pemakaman",
}

# PP 44/2015 jo. PP 82/2019 [firm, DOMAIN.md section 4]: the first group with anyone in it takes the benefit.
HEIR_GROUPS: tuple[frozenset[Relationship], ...] = (
    frozenset({Relationship.WIDOW, Relationship.WIDOWER, Relationship.CHILD}),
    frozenset({Relationship.PARENT, Relationship.GRANDPARENT, Relationship.GRANDCHILD}),
    frozenset({Relationship.SIBLING}),
    frozenset({Relationship.PARENT_IN_LAW}),
    frozenset({Relationship.WILL}),
    frozenset({Relationship.FUNERAL}),  # no heir: the funeral cost only, the rest returns to the fund
)


def relationship(value: str) -> Relationship:
    try:
        return Relationship(value)
    except ValueError:
        raise ValueError(f"Hubungan ahli waris {value!r} tidak dikenal (pilih: "
                         f"{', '.join(RELATIONSHIP_LABELS.values())}).") from None


def heir_group(value: str) -> int:
    """The heir's place in the legal order, from 1."""
    found = relationship(value)
    return next(i for i, group in enumerate(HEIR_GROUPS, start=1) if found in group)


def _named(relationships: Iterable[Relationship]) -> str:
    return "/".join(RELATIONSHIP_LABELS[r] for r in Relationship if r in set(relationships))


def check_heirs(relationships: Iterable[str], member_sex: str | None = None) -> int | None:
    """The group in force among the heirs named (None: nobody named), or ValueError (Indonesian) when
    someone of a later group is named while someone of an earlier group exists. ``member_sex`` (L/P), when
    known, says whether the spouse left is a widow or a widower."""
    named = [relationship(r) for r in relationships]
    if not named:
        return None
    if member_sex in ("L", "P"):
        wrong = Relationship.WIDOWER if member_sex == "L" else Relationship.WIDOW
        if wrong in named:
            raise ValueError(f"Peserta {'laki-laki' if member_sex == 'L' else 'perempuan'} meninggalkan "
                             f"{'janda' if member_sex == 'L' else 'duda'}, bukan {RELATIONSHIP_LABELS[wrong]}.")
    groups = sorted({heir_group(r) for r in named})
    first = groups[0]
    if len(groups) > 1:
        earlier = [r for r in named if heir_group(r) == first]
        later = [r for r in named if heir_group(r) > first]
        raise ValueError(f"{_named(later).capitalize()} tidak dapat menjadi ahli waris selama ada {_named(earlier)} "
                         f"(urutan ahli waris ke-{first} didahulukan dari ke-{', '.join(map(str, groups[1:]))}). "
                         f"Hapus {_named(later)} dari daftar ahli waris.")
    return first


FUNERAL_ONLY = len(HEIR_GROUPS)  # the group that receives only the funeral cost


# --- documents -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    code: str
    label: str
    required: bool = True


# DOMAIN.md section 4: JKM — death certificate, heir certificate, card, KTP and KK of the deceased and the
# heir, bank account; JKK — card, KTP, doctor's statement, receipts, police report for a traffic accident.
DOCUMENTS = {
    "surat_kematian": "Akta/surat keterangan kematian",
    "surat_ahli_waris": "Surat keterangan ahli waris",
    "kartu_peserta": "Kartu peserta BPJS Ketenagakerjaan",
    "ktp_peserta": "KTP peserta",
    "ktp_ahli_waris": "KTP ahli waris",
    "kk": "Kartu Keluarga (KK)",
    "rekening": "Buku tabungan/rekening bank penerima",
    "surat_dokter": "Surat keterangan dokter",
    "laporan_polisi": "Laporan polisi (kecelakaan lalu lintas)",
    "kuitansi": "Kuitansi biaya pengobatan/transportasi (jika ada)",
}
_DEATH = ("surat_kematian", "surat_ahli_waris", "kartu_peserta", "ktp_peserta", "ktp_ahli_waris", "kk", "rekening")
_INJURY = ("kartu_peserta", "ktp_peserta", "kk", "rekening")


def checklist(kind: str, traffic_accident: bool = False) -> tuple[Document, ...]:
    """The documents a claim of ``kind`` needs. Receipts are listed but not required: care at a BPJS
    hospital is paid to the hospital, so a family often has none. The police report only for a traffic
    accident at work (a JKK claim)."""
    kind = Kind(kind)
    codes = list(_DEATH if kind.death else _INJURY)
    if kind.jkk:
        codes += ["surat_dokter", "kuitansi"]
        if traffic_accident:
            codes.append("laporan_polisi")
    return tuple(Document(code, DOCUMENTS[code], required=code != "kuitansi") for code in codes)


def missing_documents(kind: str, traffic_accident: bool, uploaded: Iterable[str]) -> list[Document]:
    have = set(uploaded)
    return [d for d in checklist(kind, traffic_accident) if d.required and d.code not in have]


# --- the steps -----------------------------------------------------------------------------------


class Status(StrEnum):
    REPORTED = "reported"
    DOCUMENTS_COMPLETE = "documents_complete"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    PAID = "paid"


STATUS_LABELS = {
    Status.REPORTED: "dilaporkan",
    Status.DOCUMENTS_COMPLETE: "berkas lengkap",
    Status.SUBMITTED: "diajukan ke BPJS",
    Status.APPROVED: "disetujui",
    Status.REJECTED: "ditolak",
    Status.PAID: "dibayar",
}

MOVES: dict[Status, frozenset[Status]] = {
    Status.REPORTED: frozenset({Status.DOCUMENTS_COMPLETE}),
    Status.DOCUMENTS_COMPLETE: frozenset({Status.SUBMITTED}),
    Status.SUBMITTED: frozenset({Status.APPROVED, Status.REJECTED}),
    Status.APPROVED: frozenset({Status.PAID}),
    Status.REJECTED: frozenset(),
    Status.PAID: frozenset(),
}
OPEN = (Status.REPORTED, Status.DOCUMENTS_COMPLETE, Status.SUBMITTED, Status.APPROVED)


def claim_status(value: str) -> Status:
    try:
        return Status(value)
    except ValueError:
        raise ValueError(f"Status klaim {value!r} tidak dikenal.") from None


def check_move(current: str, to: str, reason: str = "") -> None:
    """Refuse a step the machine does not allow, a rejection without a reason or a reason on another step
    (ValueError, Indonesian)."""
    current, to = claim_status(current), claim_status(to)
    if to not in MOVES[current]:
        raise ValueError(f"Klaim yang {STATUS_LABELS[current]} tidak bisa langsung menjadi {STATUS_LABELS[to]}"
                         + (f"; langkah berikutnya: {', '.join(STATUS_LABELS[s] for s in Status if s in MOVES[current])}."
                            if MOVES[current] else ": statusnya sudah final."))
    if to is Status.REJECTED and not reason.strip():
        raise ValueError("Klaim yang ditolak harus disertai alasan penolakan.")
    if to is not Status.REJECTED and reason.strip():
        raise ValueError(f"Alasan hanya dicatat untuk klaim yang ditolak, bukan yang {STATUS_LABELS[to]}.")


# --- deadlines -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineTable:
    report_days: int  # stage I after the accident, stage II after the doctor's statement: 2 × 24 hours
    jkk_claim_years: int  # the right to a JKK claim lapses this many years after the event (JKM: a setting)
    suspected_decision_days: int  # BPJS decides on a suspected work accident within this many days of the first report
    pay_working_days: dict[Kind, int]  # BPJS pays a complete claim within
    warn_days: int  # warn this many days before the claim deadline
    valid_from: date
    source: str


# PP 44/2015 jo. PP 82/2019 [firm, DOMAIN.md section 4], in force from 2 December 2019 as rules.benefits.
# The 5 years are firm for JKK; for JKM the claim deadline is an open question (DOMAIN.md section 8): the setting
# ``Regulation.jkm_claim_years``. The 30 days for a suspected work accident are PP 49/2023 Ps 25A-25B's: the office
# marks a claim suspected only under it (every claim Lindung records is reported after it took effect).
DEADLINE_TABLES: tuple[DeadlineTable, ...] = (
    DeadlineTable(report_days=2, jkk_claim_years=5, suspected_decision_days=30,
                  pay_working_days={Kind.JKM: 3, Kind.JKK_DEATH: 7, Kind.JKK_INJURY: 7},
                  warn_days=90, valid_from=date(2019, 12, 2), source="PP 82/2019; PP 49/2023"),
)


def deadline_table(event_day: date) -> DeadlineTable:
    found = [t for t in DEADLINE_TABLES if t.valid_from <= event_day]
    if not found:
        raise ValueError(f"Tidak ada aturan tenggat klaim untuk peristiwa tanggal {tanggal(event_day)}.")
    return found[-1]


def years_after(day: date, years: int) -> date:
    """The same day ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def claim_years(kind: str, event_day: date, reg: Regulation = DEFAULT) -> int:
    """How many years after the event a claim may be made: 5 for JKK (firm), the setting for JKM."""
    return reg.jkm_claim_years if Kind(kind) is Kind.JKM else deadline_table(event_day).jkk_claim_years


@dataclass(frozen=True)
class Deadlines:
    stage_one: date | None  # JKK: stage I report to BPJS, 2×24 hours after the accident (the day it falls in)
    stage_two: date | None  # JKK: the claim, 2×24 hours after the doctor's statement (when its date is known)
    claim: date  # the last day a claim can be made: the event's day, ``claim_years`` later
    payment: date | None  # BPJS pays by this day (once submitted complete)
    decision: date | None = None  # a suspected work accident: BPJS decides by this day


def deadlines(kind: str, event_day: date, *, submitted_on: date | None = None, doctor_statement_on: date | None = None,
              suspected_reported_on: date | None = None, reg: Regulation = DEFAULT,
              calendar: Calendar = SHIPPED) -> Deadlines:
    """The claim's deadlines; the payment's counts the working days of ``calendar``. ``suspected_reported_on``: the
    day a suspected work accident was first reported (PP 49/2023 Ps 25A-25B: BPJS decides within 30 days of it)."""
    kind, table = Kind(kind), deadline_table(event_day)
    report = timedelta(days=table.report_days)
    return Deadlines(
        stage_one=event_day + report if kind.jkk else None,
        stage_two=doctor_statement_on + report if kind.jkk and doctor_statement_on else None,
        claim=years_after(event_day, claim_years(kind, event_day, reg)),
        payment=(calendar.add_working_days(submitted_on, table.pay_working_days[kind], reg) if submitted_on
                 else None),
        decision=(suspected_reported_on + timedelta(days=table.suspected_decision_days)
                  if kind.jkk and suspected_reported_on else None),
    )


def check_claim_deadline(kind: str, event_day: date, on: date, reg: Regulation = DEFAULT) -> None:
    """Refuse a claim made after its deadline, or for an event still to come (ValueError, Indonesian)."""
    if event_day > on:
        raise ValueError(f"Tanggal peristiwa {tanggal(event_day)} belum terjadi.")
    last = deadlines(kind, event_day, reg=reg).claim
    if on > last:
        years = claim_years(kind, event_day, reg)
        raise ValueError(f"Hak klaim sudah gugur: peristiwa {tanggal(event_day)} lebih dari {years} tahun lalu "
                         f"(batas klaim {tanggal(last)}).")


@dataclass(frozen=True)
class Facts:
    """What the warnings need to know of a claim."""

    kind: str
    status: str
    event_day: date
    reported_on: date
    submitted_on: date | None = None
    paid_on: date | None = None
    doctor_statement_on: date | None = None
    suspected: bool = False  # a suspected work accident, BPJS to decide (PP 49/2023 Ps 25A-25B)

    def deadlines(self, reg: Regulation = DEFAULT, calendar: Calendar = SHIPPED) -> Deadlines:
        return deadlines(self.kind, self.event_day, submitted_on=self.submitted_on,
                         doctor_statement_on=self.doctor_statement_on,
                         suspected_reported_on=self.reported_on if self.suspected else None, reg=reg,
                         calendar=calendar)


@dataclass(frozen=True)
class Warning:
    code: str  # stage_one_late, stage_two, claim_deadline, payment, suspected_decision
    text: str
    overdue: bool  # a deadline has passed (highlight); False: one is near, or a fact to know
    due: date


def warnings(claim: Facts, today: date, reg: Regulation = DEFAULT, calendar: Calendar = SHIPPED) -> list[Warning]:
    """The claim's warnings on ``today``: only an open claim has any (a rejected or paid one is done). ``reg``: the
    settings in force on the event day (the JKM claim deadline); ``calendar``: the working days of the payment."""
    status = claim_status(claim.status)
    if status not in OPEN:
        return []
    kind, table = Kind(claim.kind), deadline_table(claim.event_day)
    due = claim.deadlines(reg, calendar)
    found = []
    undecided = status in (Status.REPORTED, Status.DOCUMENTS_COMPLETE, Status.SUBMITTED)
    if due.decision and undecided:  # set for a suspected work accident
        late = today > due.decision
        found.append(Warning("suspected_decision", ("Keputusan BPJS atas dugaan kecelakaan kerja lewat batas"
                                                    if late else "BPJS memutuskan dugaan kecelakaan kerja paling lambat")
                             + f" {tanggal(due.decision)}: {table.suspected_decision_days} hari sejak laporan pertama "
                             f"{tanggal(claim.reported_on)} (PP 49/2023).", late, due.decision))
    if due.stage_one and claim.reported_on > due.stage_one:
        found.append(Warning("stage_one_late", f"Laporan tahap I terlambat: kecelakaan {tanggal(claim.event_day)}, "
                             f"dilaporkan {tanggal(claim.reported_on)}, batas 2×24 jam ({tanggal(due.stage_one)}). "
                             "Siapkan penjelasan keterlambatan untuk BPJS.", False, due.stage_one))
    unsubmitted = status in (Status.REPORTED, Status.DOCUMENTS_COMPLETE)
    if unsubmitted and due.stage_two and claim.doctor_statement_on:  # stage two is set from that statement
        late = today > due.stage_two
        found.append(Warning("stage_two", ("Laporan tahap II (klaim) lewat batas" if late else
                                           "Laporan tahap II (klaim) paling lambat")
                             + f" {tanggal(due.stage_two)}: 2×24 jam sejak surat keterangan dokter "
                             f"{tanggal(claim.doctor_statement_on)}.", late, due.stage_two))
    if unsubmitted and today >= due.claim - timedelta(days=table.warn_days):
        late = today > due.claim
        found.append(Warning("claim_deadline", (f"Batas klaim {tanggal(due.claim)} sudah lewat: hak klaim gugur."
                                                if late else f"Batas klaim {tanggal(due.claim)} "
                                                f"({claim_years(kind, claim.event_day, reg)} tahun sejak peristiwa) "
                                                "sudah dekat."),
                             late, due.claim))
    if due.payment and claim.submitted_on and today > due.payment:  # payment is set from the submission
        found.append(Warning("payment", f"Pembayaran terlambat: klaim lengkap diajukan {tanggal(claim.submitted_on)}, "
                             f"BPJS membayar paling lambat {table.pay_working_days[kind]} hari kerja "
                             f"({tanggal(due.payment)}).", True, due.payment))
    return found
