"""Writes of the money cycle: a programme's monthly bill, its approval, and the payments (SP2D) against it.
Each checks the transition, runs in one transaction and leaves an audit event.

Lines are written set-based: one INSERT … SELECT per distinct contribution (usually one per bill), so
a million members cost a few statements, not a million saves. The SQL is plain enough for SQLite and
PostgreSQL alike."""

import hashlib
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import polars as pl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import BigIntegerField, Count, Exists, F, OuterRef, Q, Sum, Window
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from lokal import format_rupiah
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from lindung.regulation.selectors import regulation_on
from lindung.accounts.roles import require, require_someone_else
from lindung.audit.services import record_event
from lindung.core.db import insert_from, refresh_statistics
from lindung.enrolment.models import Membership
from lindung.life import services as life
from lindung.life.selectors import paid_by_others
from lindung.pipeline.invoice import compare, read_invoice
from lindung.programs.models import Programme
from lindung.programs.services import check_runs
from lindung.registry.models import Pekerjaan, Peserta
from lindung.regulation.selectors import calendar
from lindung.rules.bill_check import RULES, Rule
from lindung.rules.contributions import Month, Payer, UnknownTier, contribution, due_date, prepayment_refused

from . import bill_check, protection
from .models import Bill, BillFinding, BillLine, Difference, PaidMonth, Payment, Reconciliation
from .selectors import BILLED, makers


@dataclass(frozen=True)
class Generated:
    bill: Bill
    added: int  # members billed by this call; 0 when the month was already complete


@dataclass(frozen=True)
class Recorded:
    payment: Payment
    lines_paid: int  # by this payment; money short of the next whole line waits for the next payment
    late: bool  # paid after the bill's due date
    # Memberships whose month this payment paid late: in arrears from the due date until the payment.
    in_arrears: tuple[int, ...]


@transaction.atomic
def generate_bill(user, programme: Programme, month: Month | str) -> Generated:
    """The programme's bill for ``month``, or the members missing from its draft: idempotent, so generating
    a month again bills only who is not billed yet (for that month, in any programme)."""
    require(user, "plans", _("Only the Admin or Operator Dinas may make a contribution bill."))
    month = _month(month)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    check_runs(user, programme)
    if programme.status not in (Programme.Status.APPROVED, Programme.Status.RUNNING):
        raise ValidationError(_("A bill is made for a programme whose plan is approved or which is running."))
    if not programme.first_month <= month <= programme.last_month:
        raise ValidationError(_("Month %(month)s is outside the period of programme %(programme)s (%(first)s to "
                                "%(last)s).") % {"month": month, "programme": programme.code,
                                                  "first": programme.first_month, "last": programme.last_month})
    day = month.first_day
    bill = Bill.objects.filter(programme=programme, month=day).first()
    if bill is not None and bill.status != Bill.Status.DRAFT:
        raise ValidationError(_("The bill of %(programme)s for %(month)s is already approved: nothing can be added to "
                                "it any more.") % {"programme": programme.code, "month": month})
    if bill is None:
        due = due_date(month, collective=Payer(programme.funding_source).collective, reg=regulation_on(day),
                       calendar=calendar())
        bill = Bill(programme=programme, month=day, due_date=due, created_by=user)
        bill._history_user = user
        bill.save()
    # The month a member died in is still owed; the months after it are not.
    candidates = (Membership.objects.filter(programme=programme, status__in=BILLED, first__lte=day, last__gte=day)
                  .exclude(ended_on__lt=day)
                  .filter(~Exists(BillLine.objects.filter(peserta=OuterRef("peserta_id"), month=day)))
                  # the month another payer pays is left to it (life.OtherCover)
                  .filter(~paid_by_others(day))
                  # taken off this bill by the check before approval: generating again does not bring him back
                  .exclude(peserta_id__in=bill.findings.filter(outcome=BillFinding.Outcome.EXCLUDED)
                           .values("peserta_id")))
    lapsed = _lapsed(month)
    gone = candidates.filter(lapsed).count()
    candidates = candidates.exclude(lapsed)
    added = 0
    for amount, only in _by_amount(programme, month):
        constants = {"bill_id": bill.pk, "month": day, **dict(zip(("jkk", "jkm", "jht", "discount", "total"), amount))}
        added += insert_from(BillLine, constants, candidates.filter(only) if only else candidates,
                             {"membership_id": F("pk"), "peserta_id": F("peserta_id")})
    if not added and not bill.members:
        raise ValidationError(_("No member of programme %(programme)s is billed for %(month)s.")
                              % {"programme": programme.code, "month": month})
    if added:
        refresh_statistics(added, BillLine)
        _recount(bill)
    # A generation that added nobody did not make the bill: it is on the record, but not as one of its makers.
    record_event(user, "payments.bill_generated" if added else "payments.bill_generated_unchanged",
                 target=f"bill:{bill.pk}",
                 summary=f"Tagihan {programme.code} bulan {month}: {added} peserta ditambahkan, jumlah {bill.members} "
                         f"peserta, {format_rupiah(bill.total)}" + (f"; {gone} nonaktif tidak ditagih." if gone else "."))
    return Generated(bill, added)


@transaction.atomic
def approve_bill(user, bill: Bill, note: str = "") -> Bill:
    """The four-eyes step: someone other than its maker approves a draft bill; it can then be paid, not changed.
    The check before approval runs again first: members it finds are taken off the bill beforehand
    (exclude_findings) or kept by the approver, who then says why in ``note``."""
    require(user, "approves", _("Only the Admin Dinas may approve a bill."))
    bill = Bill.objects.select_for_update().get(pk=bill.pk)
    check_runs(user, bill.programme)
    if bill.status != Bill.Status.DRAFT:
        raise ValidationError(_("Only a bill still in draft can be approved."))
    require_someone_else(user, makers(bill), _("A bill must be approved by someone who neither made it nor added to it."))
    note = note.strip()
    _check(user, bill)
    kept = list(bill.findings.filter(outcome=BillFinding.Outcome.OPEN))
    if kept and not note:
        raise ValidationError(_("The check found %(found)s: take them off the bill, or write why they are still "
                                "paid.") % {"found": _found_words(kept)})
    now = timezone.now()
    for finding in kept:
        finding.outcome, finding.note, finding.decided_by, finding.decided_at = (
            BillFinding.Outcome.KEPT, note[:500], user, now)
    bulk_update_with_history(kept, BillFinding, ["outcome", "note", "decided_by", "decided_at"], default_user=user)
    bill.status, bill.approved_by, bill.approved_at, bill.approval_note = Bill.Status.APPROVED, user, now, note
    bill._history_user = user
    bill.save()
    record_event(user, "payments.bill_approved", target=f"bill:{bill.pk}",
                 summary=f"Tagihan {bill} disetujui: {bill.members} peserta, {format_rupiah(bill.total)}"
                         + (f"; {_found_words(kept)} tetap dibayar: {note}" if kept else "."))
    return bill


@dataclass(frozen=True)
class Checked:
    findings: list[BillFinding]  # open, found by this check
    registries: life.Asked  # the other registries asked first: which answered, which could not be asked and why


def check_bill_asking_others(user, bill: Bill) -> Checked:
    """The check before approval as the office runs it (the bill's page, the API, `lindung bill check`): the other
    registries (settings.LINDUNG_OTHER_REGISTRIES) are asked first which of the month's members they pay — over the
    network, so outside any transaction — then the check runs on what is known. A registry that could not be asked
    is named in ``registries.errors`` and on the check's record: the payers it knows were not checked."""
    require(user, "plans", _("Only the Admin or Operator Dinas may check a bill."))
    if bill.status != Bill.Status.DRAFT:
        raise ValidationError(_("The bill is already approved: the check is made before approval."))
    asked = life.ask_other_registries(user, bill.programme, Month.of(bill.month))
    return Checked(check_bill(user, bill, not_asked=list(asked.errors)), asked)


@transaction.atomic
def check_bill(user, bill: Bill, *, not_asked: list[str] | None = None) -> list[BillFinding]:
    """The check before approval (payments.bill_check) on a draft bill: its open findings, found again, on the other
    payers known now; ``not_asked``: the other registries that could not be asked first (check_bill_asking_others),
    named on the check's record."""
    require(user, "plans", _("Only the Admin or Operator Dinas may check a bill."))
    bill = Bill.objects.select_for_update().get(pk=bill.pk)
    if bill.status != Bill.Status.DRAFT:
        raise ValidationError(_("The bill is already approved: the check is made before approval."))
    found = _check(user, bill)
    record_event(user, "payments.bill_checked", target=f"bill:{bill.pk}",
                 summary=f"Tagihan {bill} diperiksa: " + (_found_words(found) if found else "tidak ada temuan")
                         + (f"; registri tidak dapat ditanya, pemberi iurannya belum diperiksa: {', '.join(not_asked)}"
                            if not_asked else "") + ".")
    return found


def _check(user, bill: Bill) -> list[BillFinding]:
    """Runs the check: open findings replaced by what it finds now; decided ones (excluded, kept) stay."""
    bill.findings.filter(outcome=BillFinding.Outcome.OPEN).delete()
    decided = set(bill.findings.values_list("peserta_id", "rule"))
    made = [BillFinding(bill=bill, membership_id=f.membership_id, peserta_id=f.peserta_id, rule=f.rule,
                        evidence=f.evidence)
            for f in bill_check.findings(bill) if (f.peserta_id, f.rule) not in decided]
    bulk_create_with_history(made, BillFinding, batch_size=2000, default_user=user)
    bill.checked_by, bill.checked_at = user, timezone.now()
    bill._history_user = user
    bill.save(update_fields=["checked_by", "checked_at"])
    return made


def _found_words(findings) -> str:
    """'3 peserta: 2 Meninggal sebelum bulan tagihan, 1 Belum punya nomor KPJ'."""
    by_rule: defaultdict[str, int] = defaultdict(int)
    for finding in findings:
        by_rule[finding.rule] += 1
    people = len({finding.peserta_id for finding in findings})
    return f"{people} peserta: " + ", ".join(f"{n} {RULES[Rule(rule)].title}" for rule, n in by_rule.items())


@transaction.atomic
def exclude_findings(user, bill: Bill, reason: str, *, rules=(), niks=()) -> int:
    """Takes the members of the open findings chosen (of these rules, and of these NIKs) off a draft bill, with the reason:
    their lines go, every finding of theirs on the bill is closed as excluded, and generating the month again does
    not add them back. Returns how many members left the bill."""
    require(user, "plans", _("Only the Admin or Operator Dinas may change a bill."))
    bill = Bill.objects.select_for_update().get(pk=bill.pk)
    if bill.status != Bill.Status.DRAFT:
        raise ValidationError(_("The bill is already approved: no one can be taken off it any more."))
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Write why the members are taken off the bill."))
    if not rules and not niks:
        raise ValidationError(_("Choose the findings to take off: by rule or by NIK."))
    chosen = bill.findings.filter(Q(rule__in=list(rules)) | Q(peserta__nik__in=list(niks)),
                                  outcome=BillFinding.Outcome.OPEN)
    people = set(chosen.values_list("peserta_id", flat=True))
    if not people:
        raise ValidationError(_("No open finding matches that choice."))
    now = timezone.now()
    closed = list(bill.findings.filter(peserta_id__in=people).exclude(outcome=BillFinding.Outcome.EXCLUDED))
    for finding in closed:
        finding.outcome, finding.note, finding.decided_by, finding.decided_at = (
            BillFinding.Outcome.EXCLUDED, reason[:500], user, now)
    bulk_update_with_history(closed, BillFinding, ["outcome", "note", "decided_by", "decided_at"], default_user=user)
    bill.lines.filter(peserta_id__in=people).delete()
    _recount(bill)
    record_event(user, "payments.bill_members_excluded", target=f"bill:{bill.pk}",
                 summary=f"Dikeluarkan dari tagihan {bill}: {_found_words(closed)}. Alasan: {reason}")
    return len(people)


@transaction.atomic
def record_payment(user, bill: Bill, sp2d_number: str, paid_on: date, amount: int) -> Recorded:
    """A payment order against an approved bill. The money pays whole lines in NIK order, each once; what is
    left short of the next line stays as credit that the next payment of the bill completes.
    Only the Admin Dinas records it: it changes what every member is protected for, like an approval."""
    require(user, "approves", _("Only the Admin Dinas may record a contribution payment."))
    bill = Bill.objects.select_for_update().select_related("programme").get(pk=bill.pk)
    sp2d_number = sp2d_number.strip()
    if bill.status not in (Bill.Status.APPROVED, Bill.Status.PARTLY_PAID):
        raise ValidationError(_("A payment is recorded only for a bill that is approved and not paid in full."))
    if not sp2d_number:
        raise ValidationError(_("The SP2D number is required."))
    if amount <= 0:
        raise ValidationError(_("The payment must be more than Rp0."))
    if paid_on > timezone.localdate():
        raise ValidationError(_("The SP2D's date cannot be in the future."))
    ahead = prepayment_refused(Month.of(bill.month), paid_on, regulation_on(paid_on))
    if ahead:
        raise ValidationError(ahead)
    if bill.payments.filter(sp2d_number=sp2d_number).exists():
        raise ValidationError(_("SP2D number %(number)s is already recorded for this bill.") % {"number": sp2d_number})
    paid_before = bill.payments.aggregate(s=Sum("amount"))["s"] or 0
    if paid_before + amount > bill.total:
        raise ValidationError(_("The payment of %(amount)s is more than what is left of the bill, %(left)s.")
                              % {"amount": format_rupiah(amount), "left": format_rupiah(bill.total - paid_before)})
    payment = Payment(bill=bill, sp2d_number=sp2d_number, paid_on=paid_on, amount=amount, late=paid_on > bill.due_date,
                      recorded_by=user)
    payment._history_user = user
    payment.save()
    paid_lines = bill.lines.filter(_paid()).aggregate(s=Sum("total"))["s"] or 0
    lines_paid = _pay_lines(bill, payment, credit=paid_before + amount - paid_lines)
    refresh_statistics(lines_paid, PaidMonth, BillLine)
    protection.paid(Membership.objects.filter(pk__in=payment.paid_months.values("membership_id")), paid_on)
    bill.status = Bill.Status.PARTLY_PAID if bill.lines.exclude(_paid()).exists() else Bill.Status.PAID
    bill._history_user = user
    bill.save()
    in_arrears = (tuple(payment.paid_months.order_by("peserta__nik").values_list("membership_id", flat=True))
                  if payment.late else ())
    record_event(user, "payments.payment_recorded", target=f"payment:{payment.pk}",
                 summary=f"SP2D {sp2d_number} tanggal {paid_on:%d-%m-%Y} untuk tagihan {bill}: {format_rupiah(amount)}, "
                         f"{lines_paid} peserta lunas" + (f"; terlambat, {len(in_arrears)} peserta sempat menunggak."
                                                          if payment.late else "."))
    return Recorded(payment, lines_paid, payment.late, in_arrears)


def _month(value: Month | str) -> Month:
    if isinstance(value, Month):
        return value
    try:
        return Month.parse(value)
    except ValueError as exc:
        raise ValidationError(str(exc))


def _by_amount(programme: Programme, month: Month) -> list[tuple[tuple[int, ...], Q | None]]:
    """Each distinct contribution (jkk, jkm, jht, discount, total) with the filter of the members paying it
    (None: everyone), computed once per occupation on the list, not per member."""
    occupations: dict[int | None, str] = {None: "", **dict(Pekerjaan.objects.values_list("pk", "code"))}  # None: no occupation recorded
    groups = defaultdict(list)
    reg = regulation_on(month.first_day)
    for pk, code in occupations.items():
        try:
            c = contribution(month, programme.funding_source, code, programme.income_tier, jht=programme.include_jht,
                             reg=reg)
        except UnknownTier as exc:
            raise ValidationError(str(exc))
        groups[(c.jkk, c.jkm, c.jht, c.discount, c.total)].append(pk)
    if len(groups) == 1:
        return [(next(iter(groups)), None)]
    found: list[tuple[tuple[int, ...], Q | None]] = []
    for amount, pks in groups.items():
        only = Q(peserta__pekerjaan_1__in=[pk for pk in pks if pk is not None])
        found.append((amount, only | Q(peserta__pekerjaan_1__isnull=True) if None in pks else only))
    return found


def drop_unfunded_lines(programme: Programme, since: Month) -> int:
    """Lines of the programme's draft bills from ``since`` on whose month the member's funded months no longer
    include (a plan revision changed them), each bill counted again; inside the caller's transaction. Generating
    a month again adds whoever is funded now. Returns how many lines went."""
    bills = list(Bill.objects.filter(programme=programme, status=Bill.Status.DRAFT, month__gte=since.first_day))
    gone, _by_model = (BillLine.objects.filter(bill__in=bills)
               .filter(Q(month__gt=F("membership__last")) | Q(month__lt=F("membership__first"))).delete())
    for bill in bills:
        _recount(bill)
    return gone


def _recount(bill: Bill) -> None:
    """Members and total from the lines, never kept by hand."""
    found = bill.lines.aggregate(n=Count("pk"), total=Sum("total"))
    bill.members, bill.total = found["n"], found["total"] or 0
    bill.save(update_fields=["members", "total"])


def _lapsed(month: Month) -> Q:
    """Memberships lapsed on ``month``'s due date: the stored protection (payments.protection, the coverage engine's
    rule, which gives the same lapse from the payments made by then when it is on or before it). No payment revives
    a lapsed member (no reactivation, DOMAIN.md §8). A member not paid for by then is not covered yet, so not lapsed:
    his first month is billed (PP 44/2015 Ps 1 angka 4)."""
    due = due_date(month, reg=regulation_on(month.first_day), calendar=calendar())
    return Q(protection__first_paid_on__lte=due, protection__lapse_on__lte=due)


def _paid() -> Exists:
    """Whether a bill line's month is paid: PaidMonth is the one record of it."""
    return Exists(PaidMonth.objects.filter(peserta=OuterRef("peserta_id"), month=OuterRef("month")))


def _pay_lines(bill: Bill, payment: Payment, credit: int) -> int:
    """Pays the unpaid lines, in NIK order, that ``credit`` covers in full: a PaidMonth for each."""
    unpaid = bill.lines.exclude(_paid())
    # A running total passes 2^31 at 128,000 lines: as an integer, PostgreSQL's lookup would overflow.
    running = Window(Sum("total"), order_by=F("peserta__nik").asc(), output_field=BigIntegerField())
    last = (unpaid.annotate(running=running).filter(running__lte=credit)
            .order_by("-peserta__nik").values_list("peserta__nik", flat=True).first())
    if last is None:
        return 0
    constants = {"payer": bill.programme.funding_source, "paid_on": payment.paid_on, "payment_id": payment.pk}
    return insert_from(PaidMonth, constants, unpaid.filter(peserta__nik__lte=last),
                       {"membership_id": F("membership_id"), "peserta_id": F("peserta_id"), "month": F("month")})


# Reconciliation with BPJS's invoice or payment report for the bill's month.

NOTE_MAX = 1000
KIND_WORDS = {"amount_differs": "jumlah berbeda", "only_ours": "hanya di tagihan kita", "only_theirs": "hanya di BPJS"}


class InvoiceRefused(ValidationError):
    """BPJS's file has wrong rows, so nothing was recorded; ``findings`` names each (row, column, message)."""

    def __init__(self, findings: list[dict]):
        super().__init__(ngettext("BPJS's file was refused and nothing was recorded: %(n)s finding. Fix the rows "
                                  "named and upload it again.",
                                  "BPJS's file was refused and nothing was recorded: %(n)s findings. Fix the rows "
                                  "named and upload it again.", len(findings)) % {"n": len(findings)})
        self.findings = findings


def reconcile(user, bill: Bill, file_name: str, data: bytes) -> Reconciliation:
    """Compare ``bill`` with BPJS's invoice or payment report for its month (the file's bytes): matched lines
    are counted, each difference kept to be resolved with a note. Any status will do, a draft too: BPJS sends its
    invoice before the regency approves the bill, and the comparison is what the approver needs. Raises ReadError
    for an unreadable file and InvoiceRefused for one with wrong rows; either way nothing is recorded."""
    require(user, "plans", _("Only the Admin or Operator Dinas may reconcile a bill with BPJS."))
    # Reading and comparing hold no lock; only the writes below do (SQLite's writer lock is the whole database).
    invoice = read_invoice(data, max_bytes=settings.LINDUNG_MAX_UPLOAD_MB * 1024 * 1024)
    if not invoice.findings.is_empty():
        raise InvoiceRefused(invoice.findings.rows(named=True))
    found = compare(_our_lines(bill), invoice.frame, bill.programme.owner_code)
    differences = _named(found.differences)
    with transaction.atomic():
        counts = {kind: found.count(kind) for kind in Difference.Kind.values}
        done = Reconciliation.objects.create(
            bill=bill, file_name=file_name[:255], sha256=hashlib.sha256(data).hexdigest(), rows=invoice.frame.height,
            matched=found.matched, ours_total=found.ours_total, theirs_total=found.theirs_total, imported_by=user,
            **counts)
        made = (Difference(reconciliation=done, kind=kind, nik=nik or "", kpj=kpj or "", nama=nama or "",
                           desa_code=desa_code, ours=ours, theirs=theirs)
                for kind, nik, kpj, nama, desa_code, ours, theirs in differences.iter_rows())
        bulk_create_with_history(list(made), Difference, batch_size=2000, default_user=user)
        record_event(user, "payments.reconciled", target=f"reconciliation:{done.pk}",
                     summary=f"Tagihan {bill} dibandingkan dengan berkas BPJS (SHA-256 {done.sha256[:12]}): {done.rows} "
                             f"baris, {done.matched} cocok, {done.amount_differs} jumlah berbeda, {done.only_ours} hanya "
                             f"di tagihan kita, {done.only_theirs} hanya di BPJS; total kita "
                             f"{format_rupiah(done.ours_total)}, BPJS {format_rupiah(done.theirs_total)}.")
    return done


def _our_lines(bill: Bill) -> pl.DataFrame:
    """The bill's lines as ``compare`` takes them, without names and villages (``_named`` adds them to the few
    lines that differ), handed to Polars as CSV text: a million rows fetched as Python tuples take 5 s."""
    lines = BillLine.objects.filter(bill=bill).order_by().values(c0=F("peserta__nik"), c1=F("membership__kpj"),
                                                                 c2=F("total"))
    sql, params = lines.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:
                text = b"".join(copy)
        else:  # one value holding every line; NIKs and KPJs are digits (checked when stored): nothing to quote
            cursor.execute(f"SELECT group_concat(r.c0 || ',' || r.c1 || ',' || r.c2, char(10)) FROM ({sql}) r", params)
            text = (cursor.fetchone()[0] or "").encode()
    schema = {"nik": pl.Utf8, "kpj": pl.Utf8, "amount": pl.Int64}
    found = pl.read_csv(io.BytesIO(text), has_header=False, schema=schema) if text else pl.DataFrame(schema=schema)
    return found.with_columns(pl.lit(None, pl.Utf8).alias("nama"), pl.lit(None, pl.Utf8).alias("desa_code"))


def _named(differences: pl.DataFrame) -> pl.DataFrame:
    """Our members' differences with the name and village of the register (BPJS's stranger keeps his own),
    read in batches by NIK."""
    niks = differences.filter(pl.col("kind") != "only_theirs")["nik"].to_list()
    found = [row for start in range(0, len(niks), 5000)
             for row in Peserta.objects.filter(nik__in=niks[start:start + 5000]).values_list("nik", "nama", "desa_id")]
    register = pl.DataFrame(found, schema={"nik": pl.Utf8, "_nama": pl.Utf8, "_desa": pl.Utf8}, orient="row")
    ours = pl.col("kind") != "only_theirs"
    return differences.join(register, on="nik", how="left", maintain_order="left").select(
        "kind", "nik", "kpj", pl.when(ours).then("_nama").otherwise("nama").alias("nama"),
        pl.when(ours).then("_desa").otherwise("desa_code").alias("desa_code"), "ours", "theirs")


@transaction.atomic
def resolve_difference(user, difference: Difference, note: str) -> Difference:
    """A difference explained (BPJS corrects its invoice, the member is added to next month's bill, …): the note
    says how; it stays on record with who and when."""
    require(user, "plans", _("Only the Admin or Operator Dinas may settle a reconciliation difference."))
    note = " ".join((note or "").split())
    if not note:
        raise ValidationError(_("Write the settlement note: what caused this difference and how it was settled."))
    if len(note) > NOTE_MAX:
        raise ValidationError(_("The settlement note is at most %(n)s characters.") % {"n": NOTE_MAX})
    found = Difference.objects.select_for_update().select_related("reconciliation__bill__programme").get(pk=difference.pk)
    if found.resolved_at is not None:
        raise ValidationError(_("This difference is already settled."))
    found.note, found.resolved_by, found.resolved_at = note, user, timezone.now()
    found._history_user = user
    found.save()
    record_event(user, "payments.difference_resolved", target=f"difference:{found.pk}",
                 summary=f"Selisih ({KIND_WORDS[found.kind]}) rekonsiliasi #{found.reconciliation_id} tagihan "
                         f"{found.reconciliation.bill} diselesaikan dengan catatan.")
    return found
