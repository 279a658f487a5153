"""Writes of a claim's life: the report, heirs and documents, documents complete, submission to BPJS with the
benefit frozen, BPJS's decision, the payment. Each runs in one transaction, checks who may do it (rules.claims
for the step) and leaves an audit event without names or NIKs.

Who does what:
- reporting, heirs and documents: whoever is near the family — the office (Admin/Operator Dinas), the camat
  and the village operator, each for the members of his area;
- documents complete and submission to BPJS: the office (role ``plans``), which checks the file and sends it;
- BPJS's decision and its payment: the Admin Dinas (who records approvals, as for bills and payments) or the
  BPJS account officer (Petugas BPJS), whose institution decides and pays. Not the Operator Dinas, who
  prepared and submitted the claim.

A report by the camat or a village operator alerts the office: it stays in ``selectors.alerts`` until an
office user marks it seen (``mark_seen``). The outbox (notify.Message) is for texts to workers, not to staff.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from lokal import format_rupiah

from lindung.accounts.roles import ADMIN_DINAS, CAMAT, OPERATOR_DESA, OPERATOR_DINAS, PETUGAS_BPJS, require
from lindung.accounts.scoping import people, within
from lindung.audit.services import record_event
from lindung.core.db import save_numbered
from lindung.core.uploads import check_photo_or_pdf
from lindung.enrolment.models import Membership
from lindung.life import services as life
from lindung.life.models import LifeEvent
from lindung.regulation.selectors import regulation_on
from lindung.registry.models import Peserta
from lindung.regulation.selectors import calendar
from lindung.rules import claims as rules
from lindung.rules.contributions import tanggal
from lindung.rules.nik import parse_nik

from .benefit import claim_benefit
from .models import Claim, ClaimDocument, Heir
from .selectors import REGISTERED

S = Claim.Status
OFFICE = {ADMIN_DINAS.name, OPERATOR_DINAS.name}
REPORTERS = OFFICE | {CAMAT.name, OPERATOR_DESA.name}
DECIDERS = {ADMIN_DINAS.name, PETUGAS_BPJS.name}
DOCUMENT_MAX_MB = 10
AREA = "membership__peserta__desa__code"


def _role_in(user, roles: set[str], message: str) -> None:
    if getattr(user, "role", None) is None or user.role.name not in roles:
        raise PermissionDenied(message)


def _refused(refusal: ValueError) -> ValidationError:
    return ValidationError(str(refusal))


def _filled(**fields: tuple[str, str]) -> dict[str, str]:
    """The fields' texts stripped; ValidationError naming every empty one (each given as (value, label))."""
    values = {key: (value or "").strip() for key, (value, _label) in fields.items()}
    missing = [label for key, (_value, label) in fields.items() if not values[key]]
    if missing:
        raise ValidationError(_("Required: %(fields)s.") % {"fields": ", ".join(missing)})
    return values


@transaction.atomic
def report_claim(user, peserta: Peserta, *, kind: str, event_date: date, event_place: str, cause: str,
                 reporter_name: str, reporter_relationship: str, reporter_phone: str = "",
                 traffic_accident: bool = False, suspected_work_accident: bool = False) -> Claim:
    """A death or a work accident of a member of the user's area, as reported by the family or the village.
    The membership is the member's registered one (KPJ known) in force on the event day. A JKK claim may be reported
    as a suspected work accident: BPJS decides within 30 days of this first report (PP 49/2023 Ps 25A-25B). The
    claim deadline follows the settings in force on the event day (the JKM one is a setting)."""
    _role_in(user, REPORTERS, _("Only the office, a camat or a village operator may report a claim."))
    if not Peserta.objects.filter(people(user), pk=peserta.pk).exists():
        raise PermissionDenied(_("This member is outside your area."))
    try:
        kind = rules.Kind(kind)
    except ValueError:
        raise ValidationError(_("Unknown kind of claim %(kind)s.") % {"kind": repr(kind)}) from None
    text = _filled(event_place=(event_place, _("the place of the event")), cause=(cause, _("the cause")),
                   reporter_name=(reporter_name, _("the reporter's name")),
                   reporter_relationship=(reporter_relationship, _("the reporter's relationship to the member")))
    if suspected_work_accident and not kind.jkk:
        raise ValidationError(_("Only a JKK claim can be a suspected work accident."))
    today = timezone.localdate()
    reg = regulation_on(event_date)
    try:
        rules.check_claim_deadline(kind, event_date, today, reg)
    except ValueError as refusal:
        raise _refused(refusal)
    membership = _membership(peserta, event_date)
    Peserta.objects.select_for_update().filter(pk=peserta.pk).exists()  # two reports of one person wait in turn
    claims = Claim.objects.filter(membership__peserta=peserta).exclude(status=S.REJECTED)
    if kind.death:
        earlier = claims.filter(kind__in=[rules.Kind.JKM, rules.Kind.JKK_DEATH]).first()
        if earlier is not None:
            raise ValidationError(_("There is already a death claim %(number)s for this member.") % {"number": earlier.number})
    earlier = claims.filter(kind=kind, event_date=event_date).first()
    if earlier is not None:
        raise ValidationError(_("Claim %(number)s already reports this %(kind)s of the member on %(day)s.")
                              % {"number": earlier.number, "kind": rules.KIND_LABELS[kind],
                                 "day": date_format(event_date, "j F Y")})
    due = rules.deadlines(kind, event_date, suspected_reported_on=today if suspected_work_accident else None, reg=reg)
    claim = Claim(membership=membership, kind=kind, event_date=event_date, traffic_accident=traffic_accident,
                  suspected_work_accident=suspected_work_accident, decision_due=due.decision,
                  reporter_phone=(reporter_phone or "").strip(), reported_by=user, reported_on=today,
                  stage_one_due=due.stage_one, claim_due=due.claim,
                  seen_by_office_at=timezone.now() if user.role.name in OFFICE else None, **text)
    claim._history_user = user
    save_numbered(claim, f"KLM-{today.year}-")
    if kind.death:  # out of new plans and notices at once; his memberships end when the death is verified
        life.record(user, peserta, kind=LifeEvent.Kind.DIED, happened_on=event_date,
                    source=LifeEvent.Source.TYPED if user.role.name in OFFICE else LifeEvent.Source.VILLAGE,
                    evidence=f"laporan klaim {claim.number}", verified=False)
    late = f"; laporan tahap I terlambat (batas {tanggal(due.stage_one)})" if due.stage_one and today > due.stage_one else ""
    if due.decision:
        late += f"; dugaan kecelakaan kerja, keputusan BPJS paling lambat {tanggal(due.decision)}"
    record_event(user, "claims.reported", target=f"claim:{claim.number}",
                 summary=f"Klaim {claim.number} ({rules.KIND_LABELS[kind]}) dilaporkan: peristiwa {tanggal(event_date)}, "
                         f"desa {peserta.desa_id}{late}.")
    return claim


def _membership(peserta: Peserta, event_date: date) -> Membership:
    memberships = Membership.objects.filter(peserta=peserta)
    if not memberships.exists():
        raise ValidationError(_("This person is not a member of a programme: there is no BPJS membership to claim "
                                "on."))
    registered = memberships.filter(status__in=REGISTERED).exclude(kpj="")
    if not registered.exists():
        raise ValidationError(_("This member is not registered at BPJS Ketenagakerjaan yet (no KPJ yet): there is "
                                "no right to a benefit yet."))
    found = registered.filter(first__lte=event_date).order_by("-first").first()
    if found is None:
        first = registered.earliest("first").first
        raise ValidationError(_("The event on %(day)s happened before the membership began (%(first)s).")
                              % {"day": date_format(event_date, "j F Y"), "first": date_format(first, "j F Y")})
    return found


def _locked(user, claim: Claim) -> Claim:
    found = Claim.objects.select_for_update().filter(within(user, AREA), pk=claim.pk).first()
    if found is None:
        raise PermissionDenied(_("This claim is outside your area."))
    return found


def _editable(user, claim: Claim) -> Claim:
    """The claim, locked, while its heirs and documents may still change: until the documents are complete."""
    _role_in(user, REPORTERS, _("Only the office, a camat or a village operator may change a claim's file."))
    claim = _locked(user, claim)
    if claim.status != S.REPORTED:
        raise ValidationError(_("Heirs and documents can only be changed while the claim is reported; claim "
                                "%(number)s is already %(status)s.")
                              % {"number": claim.number, "status": rules.STATUS_LABELS[rules.Status(claim.status)]})
    return claim


@transaction.atomic
def add_heir(user, claim: Claim, *, name: str, relationship: str, nik: str = "", phone: str = "",
             bank_account: str = "") -> Heir:
    """An heir of a death claim, refused when the legal order gives the benefit to someone else named."""
    claim = _editable(user, claim)
    if not rules.Kind(claim.kind).death:
        raise ValidationError(_("Heirs are for a death claim only; a work accident claim is paid to the member."))
    text = _filled(name=(name, _("the heir's name")))
    nik = (nik or "").strip()
    if nik:
        info = parse_nik(nik)
        if not info.valid:
            raise ValidationError(_("The heir's NIK: %(problem)s") % {"problem": info.errors[0].message})
        nik = info.nik
    named = list(claim.heirs.values_list("relationship", flat=True)) + [relationship]
    try:
        rules.check_heirs(named, member_sex=claim.membership.peserta.jenis_kelamin)
    except ValueError as refusal:
        raise _refused(refusal)
    heir = Heir(claim=claim, relationship=relationship, nik=nik, phone=(phone or "").strip(),
                bank_account=(bank_account or "").strip(), **text)
    heir._history_user = user
    heir.save()
    record_event(user, "claims.heir_added", target=f"claim:{claim.number}",
                 summary=f"Ahli waris ({rules.RELATIONSHIP_LABELS[rules.Relationship(relationship)]}) ditambahkan "
                         f"pada klaim {claim.number}.")
    return heir


@transaction.atomic
def remove_heir(user, heir: Heir) -> None:
    claim = _editable(user, heir.claim)
    heir = claim.heirs.get(pk=heir.pk)
    heir._history_user = user
    heir.delete()
    record_event(user, "claims.heir_removed", target=f"claim:{claim.number}",
                 summary=f"Ahli waris ({rules.RELATIONSHIP_LABELS[rules.Relationship(heir.relationship)]}) dihapus "
                         f"dari klaim {claim.number}.")


@transaction.atomic
def upload_document(user, claim: Claim, kind: str, file, issued_on: date | None = None) -> ClaimDocument:
    """A scanned document of the claim's checklist (a photo or a PDF, told by its first bytes). The date on a
    doctor's statement starts the 2×24 hours of the JKK stage II report."""
    claim = _editable(user, claim)
    listed = {d.code: d for d in rules.checklist(claim.kind, claim.traffic_accident)}
    if kind not in listed:
        raise ValidationError(_("The document %(document)s is not on the list of documents of a claim %(kind)s.")
                              % {"document": repr(rules.DOCUMENTS.get(kind, kind)),
                                 "kind": rules.KIND_LABELS[rules.Kind(claim.kind)]})
    if not file:
        raise ValidationError(_("Choose the file of %(document)s.") % {"document": listed[kind].label})
    check_photo_or_pdf(file, listed[kind].label, DOCUMENT_MAX_MB)
    if issued_on is not None and not claim.event_date <= issued_on <= timezone.localdate():
        raise ValidationError(_("The date on %(document)s must be between the day of the event (%(day)s) and today.")
                              % {"document": listed[kind].label, "day": date_format(claim.event_date, "j F Y")})
    if kind == "surat_dokter" and issued_on is not None:
        claim.doctor_statement_on = issued_on
        claim._history_user = user
        claim.save(update_fields=["doctor_statement_on", "updated"])
    document = ClaimDocument(claim=claim, kind=kind, issued_on=issued_on, uploaded_by=user)
    document.file.save(file.name, file, save=False)
    document.save()
    record_event(user, "claims.document_uploaded", target=f"claim:{claim.number}",
                 summary=f"Dokumen {listed[kind].label} diunggah untuk klaim {claim.number}.")
    return document


@transaction.atomic
def mark_suspected(user, claim: Claim) -> Claim:
    """The office records that a JKK claim is a suspected work accident (PP 49/2023 Ps 25A-25B): BPJS decides within
    30 days of the first report, the claim's report day. Only until BPJS has decided (approved or rejected)."""
    require(user, "plans", _("Only the Admin or Operator Dinas marks a claim as a suspected work accident."))
    claim = _locked(user, claim)
    if not rules.Kind(claim.kind).jkk:
        raise ValidationError(_("Only a JKK claim can be a suspected work accident."))
    if claim.status not in (S.REPORTED, S.DOCUMENTS_COMPLETE, S.SUBMITTED):
        raise ValidationError(_("BPJS has already decided claim %(number)s.") % {"number": claim.number})
    if not claim.suspected_work_accident:
        claim.suspected_work_accident = True
        claim.decision_due = rules.deadlines(claim.kind, claim.event_date,
                                             suspected_reported_on=claim.reported_on).decision
        assert claim.decision_due is not None  # a JKK claim marked suspected has its decision day
        claim._history_user = user
        claim.save(update_fields=["suspected_work_accident", "decision_due", "updated"])
        record_event(user, "claims.suspected", target=f"claim:{claim.number}",
                     summary=f"Klaim {claim.number} dicatat sebagai dugaan kecelakaan kerja: keputusan BPJS paling "
                             f"lambat {tanggal(claim.decision_due)}.")
    return claim


@transaction.atomic
def record_total_disability(user, claim: Claim, *, total: bool, children_ages: list[int]) -> Claim:
    """The doctor's statement on a work accident the member survived says total permanent disability (or no longer
    does): the benefit then counts 70 % × 80 × income, the periodic benefit and the scholarship of at most two
    children, by their ages on the event day in the family's order. Until the claim is submitted (its benefit is
    frozen then)."""
    require(user, "plans", _("Only the Admin or Operator Dinas records a disability on a claim."))
    claim = _locked(user, claim)
    if rules.Kind(claim.kind) is not rules.Kind.JKK_INJURY:
        raise ValidationError(_("A disability is recorded on a work accident claim of a member who survived."))
    if claim.status not in (S.REPORTED, S.DOCUMENTS_COMPLETE):
        raise ValidationError(_("Claim %(number)s is already submitted: its benefit is fixed.") % {"number": claim.number})
    if any(not 0 <= age <= 100 for age in children_ages):
        raise ValidationError(_("A child's age is 0 to 100 years."))
    if children_ages and not total:
        raise ValidationError(_("The children's ages are for the scholarship of a total permanent disability."))
    claim.total_disability, claim.children_ages = total, list(children_ages)
    claim._history_user = user
    claim.save(update_fields=["total_disability", "children_ages", "updated"])
    record_event(user, "claims.disability_recorded", target=f"claim:{claim.number}",
                 summary=f"Klaim {claim.number}: " + (f"cacat total tetap, {len(children_ages)} anak dicatat."
                                                      if total else "bukan cacat total tetap."))
    return claim


def _save(claim: Claim, user, to: str, reason: str = "") -> None:
    try:
        rules.check_move(claim.status, to, reason)
    except ValueError as refusal:
        raise _refused(refusal)
    claim.status = to
    claim._history_user = user
    claim.save()


@transaction.atomic
def mark_documents_complete(user, claim: Claim) -> Claim:
    """The office has checked the file: every required document is there and, for a death, the heirs named
    are the ones the legal order gives the benefit to."""
    require(user, "plans", _("Only the Admin or Operator Dinas declares a claim's file complete."))
    claim = _locked(user, claim)
    missing = rules.missing_documents(claim.kind, claim.traffic_accident, claim.documents.values_list("kind", flat=True))
    if missing:
        raise ValidationError(_("The file of claim %(number)s is not complete: %(missing)s.")
                              % {"number": claim.number, "missing": ", ".join(d.label for d in missing)})
    if rules.Kind(claim.kind).death:
        try:
            group = rules.check_heirs(claim.heirs.values_list("relationship", flat=True),
                                      member_sex=claim.membership.peserta.jenis_kelamin)
        except ValueError as refusal:
            raise _refused(refusal)
        if group is None:
            raise ValidationError(_("Death claim %(number)s names no heir yet.") % {"number": claim.number})
    claim.documents_complete_on = timezone.localdate()
    _save(claim, user, S.DOCUMENTS_COMPLETE)
    record_event(user, "claims.documents_complete", target=f"claim:{claim.number}",
                 summary=f"Berkas klaim {claim.number} lengkap.")
    return claim


@transaction.atomic
def submit(user, claim: Claim) -> Claim:
    """Send the complete claim to BPJS: the benefit is computed from the member's real coverage on the event day
    and frozen with the rule version, so later payments or rule changes do not alter what was claimed."""
    require(user, "plans", _("Only the Admin or Operator Dinas submits a claim to BPJS."))
    claim = _locked(user, claim)
    today = timezone.localdate()
    try:
        rules.check_move(claim.status, S.SUBMITTED)
        rules.check_claim_deadline(claim.kind, claim.event_date, today, regulation_on(claim.event_date))
    except ValueError as refusal:
        raise _refused(refusal)
    frozen, status = claim_benefit(claim)
    claim.benefit, claim.benefit_total, claim.payable_now = frozen, frozen["total"], frozen["payable_now"]
    claim.rule_version = frozen["rule_version"]
    claim.coverage_status = status.summary[:500]
    claim.submitted_on = today
    claim.payment_due = rules.deadlines(claim.kind, claim.event_date, submitted_on=today,
                                        reg=regulation_on(claim.event_date), calendar=calendar()).payment
    assert claim.payment_due is not None  # set from the submission day
    _save(claim, user, S.SUBMITTED)
    record_event(user, "claims.submitted", target=f"claim:{claim.number}",
                 summary=f"Klaim {claim.number} diajukan ke BPJS: status pada peristiwa {status.label}, manfaat "
                         f"{format_rupiah(claim.benefit_total)}, dibayar segera {format_rupiah(claim.payable_now)}; "
                         f"dibayar paling lambat {tanggal(claim.payment_due)}.")
    return claim


@transaction.atomic
def decide(user, claim: Claim, *, approved: bool, reason: str = "") -> Claim:
    """BPJS's decision on a submitted claim: approved, or rejected with its reason."""
    _role_in(user, DECIDERS, _("Only the Admin Dinas or the BPJS officer records a claim's decision."))
    claim = _locked(user, claim)
    reason = (reason or "").strip()
    claim.rejection_reason = "" if approved else reason
    claim.decided_on = timezone.localdate()
    _save(claim, user, S.APPROVED if approved else S.REJECTED, reason)
    if approved and rules.Kind(claim.kind).death:
        _end_memberships(user, claim)
    record_event(user, "claims.decided", target=f"claim:{claim.number}",
                 # The reason is free text that may name people: it stays on the claim (and its history), not here.
                 summary=f"Klaim {claim.number} " + ("disetujui BPJS." if approved else "ditolak BPJS; alasan pada klaim."))
    return claim


def _end_memberships(user, claim: Claim) -> None:
    """BPJS confirmed the death: recorded (or the village's report verified) as a life event, which ends every
    membership of his from that day (coverage.ENDED, no more bills, no card, no self-pay notice)."""
    life.record_death(user, claim.membership.peserta, died_on=claim.event_date, source=LifeEvent.Source.CLAIM,
                      evidence=f"klaim {claim.number} disetujui BPJS")


@transaction.atomic
def record_paid(user, claim: Claim, *, amount: int, paid_on: date) -> Claim:
    """BPJS paid an approved claim: the amount and the day, which say whether it was paid in time."""
    _role_in(user, DECIDERS, _("Only the Admin Dinas or the BPJS officer records a claim's payment."))
    claim = _locked(user, claim)
    if amount <= 0:
        raise ValidationError(_("The amount paid must be more than Rp0."))
    if paid_on > timezone.localdate():
        raise ValidationError(_("The day of payment cannot be in the future."))
    if claim.submitted_on and paid_on < claim.submitted_on:
        raise ValidationError(_("The day of payment is before the claim was submitted (%(day)s).")
                              % {"day": date_format(claim.submitted_on, "j F Y")})
    claim.paid_amount, claim.paid_on = amount, paid_on
    _save(claim, user, S.PAID)
    late = claim.payment_due is not None and paid_on > claim.payment_due
    record_event(user, "claims.paid", target=f"claim:{claim.number}",
                 summary=f"Klaim {claim.number} dibayar {format_rupiah(amount)} pada {tanggal(paid_on)}"
                         + (f", terlambat (batas {tanggal(claim.payment_due)})." if late and claim.payment_due else "."))
    return claim


@transaction.atomic
def mark_seen(user, claim: Claim) -> Claim:
    """The office has seen a report from a kecamatan or a village: it leaves the office's alerts."""
    require(user, "plans", _("Only the Admin or Operator Dinas receives the reports of claims."))
    claim = _locked(user, claim)
    if claim.seen_by_office_at is None:
        claim.seen_by_office_at = timezone.now()
        claim._history_user = user
        claim.save(update_fields=["seen_by_office_at", "updated"])
        record_event(user, "claims.seen", target=f"claim:{claim.number}", summary=f"Laporan klaim {claim.number} diterima Dinas.")
    return claim
