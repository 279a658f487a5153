"""Writes of the hand-over to self-paid membership: the notice to every member with a phone, and BPJS's status
file, whose months paid by the members themselves go into PaidMonth for the coverage engine."""

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import polars as pl
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from lokal import format_rupiah

from lindung.accounts.roles import require
from lindung.audit.services import record_event
from lindung.core.uploads import max_upload_bytes, saved_upload
from lindung.life import services as life
from lindung.life.models import LifeEvent
from lindung.life.selectors import recorded_deaths
from lindung.notify import services as outbox
from lindung.notify.models import Message
from lindung.pipeline.bpjs_status import read_status
from lindung.pipeline.schema import FINDINGS_SCHEMA
from lindung.rules.contributions import Month, Payer, due_date, month_range, tanggal

from lindung.registry.models import Peserta

from .handover_selectors import PURPOSE, Member, ended_members, handover_list, regency_payer
from .models import PaidMonth

NAME_MAX = 30  # characters of the name in a text, so the notice fits two SMS (306 characters)
MONTHS_AHEAD = 12  # a status file may report months paid ahead, at most this many after the current month


def _may_hand_over(user) -> None:
    require(user, "plans", "Hanya Admin/Operator Dinas yang boleh mengurus serah terima ke kepesertaan mandiri.")


def notice(member: Member, payer: str) -> str:
    """The hand-over text for one member, in Indonesian; no NIK."""
    nama = member.nama if len(member.nama) <= NAME_MAX else member.nama[:NAME_MAX - 1].rstrip() + "."
    return (f"Yth. {nama}: iuran BPJS Ketenagakerjaan Anda (KPJ {member.kpj}) dibayar {payer} s.d. "
            f"{member.funded_until}. Agar tetap terlindungi, bayar mandiri {format_rupiah(member.self_pay)}/bulan "
            f"mulai {member.pays_from}. Bila tidak dibayar, kepesertaan berakhir {tanggal(member.lapse)}. "
            "Info: kantor desa.")


def _channels() -> list[str]:
    """LINDUNG_MESSAGE_CHANNELS: "sms" (the default), "whatsapp", or both separated by a comma."""
    wanted = [c.strip().lower() for c in settings.LINDUNG_MESSAGE_CHANNELS.split(",") if c.strip()]
    return [c for c in Message.Channel.values if c in wanted] or [Message.Channel.SMS]


@transaction.atomic
def prepare_messages(user, programme) -> int:
    """Queues the hand-over notice for every member in the user's area with a phone, once per channel: preparing
    again adds none (a message already queued or sent keeps its text). Returns how many were added."""
    _may_hand_over(user)
    payer = regency_payer()
    members = [m for m in handover_list(user, programme).members if m.phone]
    made = [Message(peserta_id=m.peserta_id, purpose=PURPOSE, about=programme.code, channel=channel, phone=m.phone,
                    text=notice(m, payer)) for m in members for channel in _channels()]
    added = outbox.queue(PURPOSE, programme.code, made)
    record_event(user, "notify.prepared", target=f"programme:{programme.pk}",
                 summary=f"Pesan serah terima program {programme.code}: {added} ditambahkan ke antrean "
                         f"({len(members)} peserta bertelepon).")
    return added


def send_messages(user, programme) -> outbox.Sent:
    return outbox.send_queued(user, PURPOSE, programme.code)


@dataclass
class StatusOutcome:
    rows: int = 0
    continuing: int = 0  # reported paying beyond the programme's funded months
    stopped: int = 0  # last month paid within the funded months, or none
    died: int = 0  # reported dead (the months paid are still recorded; the claim is another matter)
    months_added: int = 0  # self-paid months recorded by this import (0 when the file was imported before)
    deaths: list[tuple[int, date | None]] = field(default_factory=list)  # (peserta id, date of death if given)
    findings: pl.DataFrame | None = None  # with any error nothing was changed

    @property
    def errors(self) -> int:
        return 0 if self.findings is None else self.findings.filter(pl.col("severity") == "error").height


def import_status(user, programme, file_name: str, data) -> StatusOutcome:
    """BPJS's member status file (bytes, or an upload's .chunks()): for each member, the months he paid himself
    after the programme's funded months, up to the last month paid that BPJS reports, become PaidMonth rows (payer
    mandiri, no payment of ours, paid on the month's due date). All or nothing: one wrong row and nothing
    changes. A month already recorded is never overwritten, so importing the same file again adds nothing.
    Raises ReadError for a file that cannot be read."""
    _may_hand_over(user)
    with saved_upload(data, prefix="status-bpjs-") as path:
        status = read_status(path, max_bytes=max_upload_bytes())
    with transaction.atomic():
        outcome, rows = _match(user, programme, status)
        if outcome.errors:
            return outcome
        before = PaidMonth.objects.filter(membership__programme=programme).count()
        PaidMonth.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
        outcome.months_added = PaidMonth.objects.filter(membership__programme=programme).count() - before
        _record_deaths(user, outcome.deaths, file_name)
        record_event(user, "payments.status_imported", target=f"programme:{programme.pk}",
                     summary=f"Status peserta BPJS untuk program {programme.code} dari berkas {file_name[:80]}: "
                             f"{outcome.rows} baris, {outcome.continuing} membayar mandiri, {outcome.stopped} tidak, "
                             f"{outcome.died} meninggal; {outcome.months_added} bulan iuran mandiri dicatat.")
    return outcome


def _match(user, programme, status) -> tuple[StatusOutcome, list[PaidMonth]]:
    """The outcome and the PaidMonth rows to add; findings for rows naming nobody of the programme in the user's
    area, and for months further ahead than BPJS takes payment."""
    frame = status.frame
    found = {m.membership_id: m for m in handover_list(user, programme).members}
    by_kpj = {m.kpj: m for m in found.values() if m.kpj}
    by_nik = {m.nik: m for m in found.values()}
    # Who died or left is off the hand-over list, but BPJS still lists him: his row is read, not refused.
    ended = ended_members(user, programme)
    ended_by_kpj = {kpj: pk for pk, kpj, _ in ended if kpj}
    ended_by_nik = {nik: pk for pk, _, nik in ended}
    deaths = recorded_deaths([pk for pk, *_ in ended] + [m.peserta_id for m in found.values()])
    latest = Month.of(timezone.localdate()).shift(MONTHS_AHEAD)
    kpj_col, nik_col = status.headers.get("kpj", "No. KPJ"), status.headers.get("nik", "NIK")
    month_col = status.headers.get("last_paid", "")
    died_col = status.headers.get("died_on", "Tanggal Meninggal")
    outcome, rows, problems, seen = StatusOutcome(rows=frame.height), [], [], {}

    def refuse(sheet, row, column, code, message):
        where = f"Lembar {sheet}: " if sheet else ""
        problems.append({"row": row, "column": column, "code": code, "severity": "error", "message": where + message})

    for sheet, row, kpj, nik, state, last_paid, died_on in frame.filter(pl.col("valid")).select(
            "sheet", "row", "kpj", "nik", "status", "last_paid", "died_on").iter_rows():
        member = by_kpj.get(kpj) if kpj else by_nik.get(nik)
        gone = ended_by_kpj.get(kpj) if kpj else ended_by_nik.get(nik)
        if member is None and gone is not None:
            if state == "meninggal":
                outcome.died += 1
                if died_on and deaths.get(gone, died_on) != died_on:
                    refuse(sheet, row, died_col, "death_date_differs", _differs(deaths[gone], died_on))
                elif died_on:
                    outcome.deaths.append((gone, died_on))
            continue
        if member is None:
            refuse(sheet, row, kpj_col if kpj else nik_col, "not_member",
                   f"{'KPJ ' + kpj if kpj else 'NIK ' + nik} bukan peserta program {programme.code} di wilayah Anda.")
            continue
        if kpj and nik and member.nik != nik:
            refuse(sheet, row, nik_col, "nik_other_member", f"NIK tidak sama dengan NIK peserta ber-KPJ {kpj}.")
            continue
        if member.membership_id in seen:
            refuse(sheet, row, kpj_col if kpj else nik_col, "member_twice",
                   f"Peserta ini sudah ada di baris {seen[member.membership_id]}.")
            continue
        seen[member.membership_id] = row
        last = Month.parse(last_paid) if last_paid else None
        if last and last > latest:
            refuse(sheet, row, month_col, "month_ahead", f"Bulan {last} lebih dari {MONTHS_AHEAD} bulan ke depan: "
                                                          "periksa tahun bulan iuran terakhir.")
            continue
        if state == "meninggal":
            outcome.died += 1
            if died_on and deaths.get(member.peserta_id, died_on) != died_on:
                refuse(sheet, row, died_col, "death_date_differs", _differs(deaths[member.peserta_id], died_on))
                continue
            outcome.deaths.append((member.peserta_id, died_on))
        if last and last > member.funded_last:
            outcome.continuing += 1
            rows += _self_paid(member, month_range(member.first_unfunded, last))
        else:
            outcome.stopped += 1
    outcome.findings = pl.concat([status.findings.select(list(FINDINGS_SCHEMA)),
                                  pl.DataFrame(problems, schema=FINDINGS_SCHEMA)]).sort("row")
    return outcome, rows


def _differs(recorded: date, reported: date) -> str:
    return (f"Peserta ini sudah tercatat meninggal pada {tanggal(recorded)}, berkas BPJS menyebut {tanggal(reported)}. "
            "Periksa akta kematian, lalu Admin Dinas mengoreksi tanggalnya pada halaman peserta.")


def _record_deaths(user, deaths: list[tuple[int, date | None]], file_name: str) -> None:
    """BPJS's word that a member died: a verified death on the date the file gives (ending his memberships from
    it); without a date, a report for the office to verify with the date from the death certificate, dated today
    meanwhile (it keeps him out of new plans and notices, and ends nothing)."""
    people = Peserta.objects.in_bulk([pk for pk, _ in deaths])
    for pk, died_on in deaths:
        evidence = f"berkas status BPJS {file_name[:100]}"
        if died_on is None:
            life.record(user, people[pk], kind=LifeEvent.Kind.DIED, happened_on=timezone.localdate(),
                        source=LifeEvent.Source.BPJS_STATUS, verified=False,
                        evidence=evidence + ", tanpa tanggal meninggal: isi tanggal dari akta kematian")
        else:
            life.record_death(user, people[pk], died_on=died_on, source=LifeEvent.Source.BPJS_STATUS, evidence=evidence)


def _self_paid(member: Member, months: list[Month]) -> list[PaidMonth]:
    """BPJS reports the last month paid, not the day: each month counts as paid on its due date."""
    return [PaidMonth(membership_id=member.membership_id, peserta_id=member.peserta_id, month=m.first_day,
                      payer=Payer.MANDIRI, paid_on=_due(m), payment=None) for m in months]


@lru_cache(maxsize=None)
def _due(month: Month) -> date:
    return due_date(month)
