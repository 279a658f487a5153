"""Writes of enrolment: candidates from the approved plan, registration files sent to BPJS, BPJS's answers.
Each checks the transition, runs in one transaction and leaves an audit event."""

from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from lindung.accounts.roles import require
from lindung.accounts.scoping import under, within
from lindung.audit.services import record_event
from lindung.core.db import refresh_statistics
from lindung.core.uploads import FileOutcome, read_upload
from lindung.life.selectors import live_events
from lindung.payments import protection
from lindung.pipeline.kpj import read_answer
from lindung.pipeline.schema import FINDINGS_SCHEMA

from .models import Membership, RegistrationBatch

S = Membership.Status
# Who goes into the next registration file, and as what.
TO_SEND: dict[str, str] = {S.CANDIDATE: S.SUBMITTED, S.FIXED: S.RESUBMITTED}
AWAITING_ANSWER = (S.SUBMITTED, S.RESUBMITTED)


def _may_enrol(user) -> None:
    require(user, "plans", _("Only the Admin or Operator Dinas may handle the registration with BPJS."))


def add_candidates(user, programme, lines, kpj: dict[int, str] | None = None) -> int:
    """Memberships for an approved plan's covered lines (called inside the approval's transaction). Those in
    ``kpj`` (person id -> KPJ: continuing members of the programme it continues) are registered already with
    their KPJ, so no registration file lists them; the others are candidates for one."""
    kpj = kpj or {}
    # A province's programme enrols people of any of its regencies, a regency's only its own.
    stray = lines.exclude(under(programme.owner_code, "peserta__desa__code")).count()
    if stray:
        raise ValidationError(_("%(n)s people of the plan live outside %(area)s, whose office runs programme "
                                "%(code)s: it enrols only people of its own area.")
                              % {"n": stray, "area": programme.owner_code, "code": programme.code})
    made = [Membership(programme=programme, peserta_id=line.peserta_id, first=line.first, last=line.last,
                       **({"status": S.REGISTERED, "kpj": kpj[line.peserta_id]} if line.peserta_id in kpj else {}))
            for line in lines.only("peserta_id", "first", "last")]
    bulk_create_with_history(made, Membership, batch_size=2000, default_user=user)
    refresh_statistics(len(made), Membership)
    protection.refresh(programme.memberships.all())
    # A new registered membership is its person's current one from its first month (protection's ``until``).
    protection.refresh_people([m.peserta_id for m in made if m.status == S.REGISTERED])
    return len(made)


def activate_registered(user, programme) -> int:
    """A running programme's members with a KPJ are protected (called when the programme starts)."""
    found = list(programme.memberships.filter(status=S.REGISTERED))
    for m in found:
        m.status = S.ACTIVE
    bulk_update_with_history(found, Membership, ["status"], batch_size=2000, default_user=user)
    refresh_statistics(len(found), Membership)
    return len(found)


@transaction.atomic
def submit_registration(user, programme, kecamatan: str = "") -> list[RegistrationBatch]:
    """One registration file per kecamatan with every candidate (and every fixed rejection) not yet sent."""
    _may_enrol(user)
    programme = type(programme).objects.select_for_update().get(pk=programme.pk)
    if programme.status not in (programme.Status.APPROVED, programme.Status.RUNNING):
        raise ValidationError(_("A registration is made from an approved plan."))
    # Not who died, moved or is covered elsewhere, even when only reported (life.services): BPJS would register them.
    pending = (Membership.objects.filter(within(user, "peserta__desa__code"), programme=programme, status__in=list(TO_SEND),
                                         ended_on__isnull=True)
               .exclude(peserta__in=live_events().values("peserta")))
    if kecamatan:
        pending = pending.filter(peserta__desa__parent_id=kecamatan)
    by_kecamatan: dict[str, list[Membership]] = {}
    for m in pending.select_related("peserta__desa").order_by("peserta__desa__parent_id", "pk"):
        by_kecamatan.setdefault(m.peserta.desa.parent_id, []).append(m)  # type: ignore[arg-type]  # a desa has its kecamatan
    if not by_kecamatan:
        raise ValidationError(_("There is no candidate not registered yet."))
    number = programme.registration_batches.aggregate(n=Max("number"))["n"] or 0
    batches = []
    for code, found in by_kecamatan.items():
        number += 1
        batch = RegistrationBatch.objects.create(programme=programme, number=number, kecamatan_id=code,
                                                 members=len(found), created_by=user)
        for m in found:
            m.status, m.batch = TO_SEND[m.status], batch
        bulk_update_with_history(found, Membership, ["status", "batch"], batch_size=2000, default_user=user)
        batches.append(batch)
        record_event(user, "enrolment.submitted", target=f"registration_batch:{batch.pk}",
                     summary=f"Berkas pendaftaran #{number} program {programme.code}, kecamatan {code}: "
                             f"{len(found)} peserta.")
    refresh_statistics(sum(b.members for b in batches), Membership)
    return batches


@dataclass
class AnswerOutcome(FileOutcome):
    registered: int = 0
    rejected: int = 0
    unchanged: int = 0


def import_answer(user, programme, chunks: Iterable[bytes]) -> AnswerOutcome:
    """BPJS's answer to registration files (an upload's .chunks(), or file_chunks(path)): a KPJ for each
    registered NIK, a reason for each rejected one. All or nothing: one wrong row and nothing changes, and
    every wrong row is named. Raises ReadError for a file that cannot be read."""
    _may_enrol(user)
    answer = read_upload(chunks, "jawaban-bpjs-", read_answer)
    with transaction.atomic():
        outcome, changed = _match(user, programme, answer)
        if outcome.errors:
            return outcome
        bulk_update_with_history(changed, Membership, ["status", "kpj", "rejection_reason"], batch_size=2000,
                                 default_user=user)
        refresh_statistics(len(changed), Membership)
        protection.refresh_people([m.peserta_id for m in changed])  # a new KPJ makes a membership the current one
        record_event(user, "enrolment.answer_imported", target=f"programme:{programme.pk}",
                     summary=f"Jawaban BPJS untuk program {programme.code}: {outcome.registered} terdaftar, "
                             f"{outcome.rejected} ditolak, {outcome.unchanged} sudah tercatat.")
    return outcome


def _match(user, programme, answer) -> tuple[AnswerOutcome, list[Membership]]:
    frame = answer.frame
    found = {m.peserta.nik: m for m in Membership.objects.select_for_update().filter(
        within(user, "peserta__desa__code"), programme=programme, peserta__nik__in=frame["nik"].drop_nulls().to_list(),
    ).select_related("peserta")}
    kpjs = frame["kpj"].drop_nulls().to_list()
    taken = dict(Membership.objects.filter(kpj__in=kpjs).values_list("kpj", "peserta__nik"))
    nik_col, kpj_col = answer.headers.get("nik", "NIK"), answer.headers.get("kpj", "KPJ")
    outcome, changed, problems = AnswerOutcome(), [], []

    def refuse(sheet, row, column, code, message):
        where = f"Lembar {sheet}: " if sheet else ""
        problems.append({"row": row, "column": column, "code": code, "severity": "error", "message": where + message})

    # In a running programme the contributions are being paid: a new KPJ is protection at once.
    registered = S.ACTIVE if programme.status == programme.Status.RUNNING else S.REGISTERED
    checked = frame.filter(pl.col("valid")).select("sheet", "row", "nik", "kpj", "reason")
    for sheet, row, nik, kpj, reason in checked.iter_rows():
        m = found.get(nik)
        if m is None:
            refuse(sheet, row, nik_col, "not_member", f"NIK {nik} bukan peserta program {programme.code} di wilayah Anda.")
            continue
        if kpj and taken.get(kpj, nik) != nik:
            refuse(sheet, row, kpj_col, "kpj_taken", f"KPJ {kpj} sudah tercatat untuk peserta lain.")
            continue
        if kpj and m.kpj == kpj and m.status in (S.REGISTERED, S.ACTIVE):
            outcome.unchanged += 1
        elif not kpj and m.status == S.REJECTED and m.rejection_reason == reason:
            outcome.unchanged += 1
        elif m.status not in AWAITING_ANSWER:
            refuse(sheet, row, nik_col, "not_awaiting",
                   f"NIK {nik} berstatus '{m.get_status_display()}', tidak sedang menunggu jawaban BPJS.")
        elif kpj:
            m.status, m.kpj, m.rejection_reason = registered, kpj, ""
            changed.append(m)
            outcome.registered += 1
        else:
            m.status, m.rejection_reason = S.REJECTED, reason[:200]
            changed.append(m)
            outcome.rejected += 1
    outcome.findings = pl.concat([answer.findings.select(list(FINDINGS_SCHEMA)),
                                  pl.DataFrame(problems, schema=FINDINGS_SCHEMA)]).sort("row")
    return outcome, changed


@transaction.atomic
def mark_fixed(user, membership: Membership) -> Membership:
    """A rejection was dealt with (the worker's data corrected): send him again with the next file."""
    _may_enrol(user)
    m = Membership.objects.select_for_update().get(pk=membership.pk)
    if m.status != S.REJECTED:
        raise ValidationError(_("Only a rejected registration can be marked fixed (its status now: %(status)s).")
                              % {"status": m.get_status_display()})
    m.status = S.FIXED
    m._history_user = user
    m.save()
    record_event(user, "enrolment.fixed", target=f"membership:{m.pk}",
                 summary=f"Penolakan BPJS ditandai sudah diperbaiki (program {m.programme.code}).")
    return m
