"""Writes of the hand-over to self-paid membership: the notice to every member with a phone, and BPJS's status
file, whose months paid by the members themselves go into PaidMonth for the coverage engine."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import polars as pl
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from lokal import format_rupiah

from lindung.regulation.selectors import regulation_on
from lindung.accounts.roles import require
from lindung.audit.services import record_event
from lindung.core.uploads import FileOutcome, read_upload
from lindung.enrolment.models import Membership
from lindung.life import services as life
from lindung.life.models import LifeEvent, OtherCover
from lindung.life.selectors import recorded_deaths
from lindung.notify import services as outbox
from lindung.notify.models import Message
from lindung.payments import protection
from lindung.payments.models import PaidMonth
from lindung.payments.selectors import BILLED
from lindung.pipeline.bpjs_status import DIED, OTHER_PAYER, WAGE_EARNER, read_status
from lindung.pipeline.schema import FINDINGS_SCHEMA
from lindung.programs.models import Programme
from lindung.registry.models import Peserta
from lindung.regulation.selectors import calendar
from lindung.rules import sms
from lindung.rules.contributions import (
    Month, Payer, bulan, contribution, due_date, month_range, prepayment_refused, tanggal,
)
from lindung.rules.other_cover import OtherPayer

from .selectors import PURPOSE, Member, ended_members, memberships, regency_payer, self_pay_list

SMS_LENGTH = sms.SINGLE[sms.Encoding.GSM7]  # the notice is written to fit one SMS
NAME_MIN = 8  # characters of a shortened name at the least, where they fit
BULAN_PENDEK = "Jan Feb Mar Apr Mei Jun Jul Agu Sep Okt Nov Des".split()


def _may_hand_over(user) -> None:
    require(user, "plans", _("Only the Admin or Operator Dinas may handle the hand-over to self-paid membership."))


@dataclass(frozen=True)
class NoticeFacts:
    """What a hand-over notice states: the contributions are paid until ``paid_until`` (by the programme, or with
    months the member paid himself after it), he pays ``monthly`` himself from ``pays_from``, or he lapses on
    ``lapse``."""

    paid_until: Month
    by_programme: bool  # the months until paid_until are the programme's (else he paid some himself)
    pays_from: Month
    monthly: int
    lapse: date

    def as_json(self) -> dict:
        return {"paid_until": str(self.paid_until), "by_programme": self.by_programme, "pays_from": str(self.pays_from),
                "monthly": self.monthly, "lapse": self.lapse.isoformat()}


def notice_facts(member: Member, programme=None, rates: dict | None = None) -> NoticeFacts:
    assert member.lapse is not None  # only members ever paid for are told when they lapse
    """The member's facts today: every month paid counts (the programme's, and those BPJS reports he paid
    himself), so the first month he still has to pay is the first unpaid one after the programme's months. Its
    contribution is the member's rate for that month (with ``programme``; else the first unfunded month's)."""
    # Payments settle the oldest months first: he pays from the month after the last one settled.
    settled = member.settled
    pays_from = max(member.first_unfunded, settled.next()) if settled else member.first_unfunded
    monthly = member.self_pay
    if pays_from != member.first_unfunded and programme is not None:
        rates = {} if rates is None else rates
        if (pays_from, member.occupation) not in rates:
            rates[(pays_from, member.occupation)] = contribution(
                pays_from, Payer.MANDIRI, member.occupation, programme.income_tier, jht=programme.include_jht).total
        monthly = rates[(pays_from, member.occupation)]
    return NoticeFacts(paid_until=pays_from.shift(-1), by_programme=pays_from == member.first_unfunded,
                       pays_from=pays_from, monthly=monthly, lapse=member.lapse)


def _short_month(month: Month) -> str:
    return f"{BULAN_PENDEK[month.month - 1]} {month.year}"


def _short_day(day: date) -> str:
    return f"{day.day} {BULAN_PENDEK[day.month - 1]} {day.year}"


def notice(member: Member, payer: str, facts: NoticeFacts | None = None) -> str:
    """The hand-over text for one member, in Indonesian, written to fit one SMS (160 GSM-7 characters): no NIK
    nor KPJ, months and dates short ("Feb 2025", "1 Jun 2025"), the name in the GSM alphabet. A name too long for
    what is left is kept whole by dropping the greeting, else by shortening the payer's name to its first word
    ("Pemkab"); else it is shortened itself (later words to initials, then cut) after the greeting, or where
    NAME_MIN characters of it fit."""
    facts = facts or notice_facts(member)
    nama = sms.to_gsm7(" ".join(member.nama.split()))
    payer = sms.to_gsm7(payer)
    options = []
    for greeting, who in (("Yth. ", payer), ("", payer), ("Yth. ", payer.split(" ")[0]), ("", payer.split(" ")[0])):
        body = _notice_body(facts, who)
        options.append((SMS_LENGTH - len(greeting) - len(body), greeting, body))
    room, greeting, body = next((o for o in options if o[0] >= len(nama)), None) or next(
        (o for o in options if o[0] >= NAME_MIN), max(options, key=lambda o: o[0]))
    return greeting + _fit_name(nama, room) + body


def _notice_body(facts: NoticeFacts, payer: str) -> str:
    who = f"ditanggung {payer}" if facts.by_programme else "dibayar"
    return (f", iuran BPJS TK Anda {who} s.d. {_short_month(facts.paid_until)}. Bayar mandiri "
            f"{format_rupiah(facts.monthly)}/bln mulai {_short_month(facts.pays_from)} agar tidak nonaktif "
            f"{_short_day(facts.lapse)}.")


def _fit_name(nama: str, room: int) -> str:
    """``nama`` in at most ``room`` characters: whole, else later words as initials from the last one on
    ("Muhammad Abdurrahman W."), else cut with a full stop. At least its first letter."""
    if len(nama) <= room:
        return nama
    words = nama.split(" ")
    for i in range(len(words) - 1, 0, -1):
        words[i] = words[i][0] + "."
        if len(" ".join(words)) <= room:
            return " ".join(words)
    return nama[:max(room - 1, 1)].rstrip() + "."


def _channels() -> list[str]:
    """LINDUNG_MESSAGE_CHANNELS: "sms" (the default), "whatsapp", or both separated by a comma."""
    wanted = [c.strip().lower() for c in settings.LINDUNG_MESSAGE_CHANNELS.split(",") if c.strip()]
    return [c for c in Message.Channel.values if c in wanted] or [Message.Channel.SMS]


@transaction.atomic
def prepare_messages(user, programme, only: set[int] | None = None) -> int:
    """Queues the hand-over notice for every member in the user's area with a phone (``only``: of these people,
    e.g. those a plan revision no longer funds), once per channel: preparing again adds none (a message already
    queued or sent keeps its text; its facts are checked again when it is sent). Nobody reported or recorded dead
    is sent one. Returns how many were added."""
    _may_hand_over(user)
    payer = regency_payer()
    # A member never paid for is not a participant yet (PP 44/2015 Ps 1 angka 4): no lapse to warn him of.
    members = [m for m in self_pay_list(user, programme).members
               if m.phone and m.lapse is not None and (only is None or m.peserta_id in only)]
    dead = outbox.deaths(memberships(user, programme).values("peserta_id"))
    skipped = sum(1 for m in members if m.peserta_id in dead)
    members = [m for m in members if m.peserta_id not in dead]
    rates: dict = {}
    made = []
    for m in members:
        facts = notice_facts(m, programme, rates)
        text = notice(m, payer, facts)
        made += [Message(peserta_id=m.peserta_id, purpose=PURPOSE, about=programme.code, channel=channel, phone=m.phone,
                         text=text, facts=facts.as_json()) for channel in _channels()]
    added = outbox.queue(PURPOSE, programme.code, made)
    record_event(user, "notify.prepared", target=f"programme:{programme.pk}",
                 summary=f"Pesan serah terima program {programme.code}: {added} ditambahkan ke antrean "
                         f"({len(members)} peserta bertelepon; {skipped} dilaporkan meninggal, tanpa pesan).")
    return added


def send_messages(user, programme, *, today: date | None = None) -> outbox.Sent:
    """Sends the programme's queued notices in the user's area, each checked again first (check_notices)."""
    return outbox.send_queued(user, PURPOSE, programme.code, today=today)


def check_notices(user, messages: list[Message], today: date) -> dict[int, outbox.Verdict]:
    """The hand-over notices among ``messages`` that are no longer true on ``today`` (notify.services.CHECKS),
    from the hand-over list of their programme as it is now:

    - the member's membership ended, or he is no longer a member: withdrawn;
    - his lapse date has passed: withdrawn (telling a lapsed person he *will* lapse is false; he needs another
      message);
    - another programme funds him from the month he would start paying: withdrawn, no longer due;
    - the text the notice would have today differs (he paid, the programme paid more months, the rate or the
      name changed): rewritten with today's facts."""
    verdicts: dict[int, outbox.Verdict] = {}
    by_programme: dict[str, list[Message]] = defaultdict(list)
    for m in messages:
        by_programme[m.about].append(m)
    payer = regency_payer()
    for code, found in by_programme.items():
        programme = Programme.objects.filter(code=code).first()
        if programme is None:
            verdicts.update({m.pk: outbox.withdrawal("not_member", f"Program {code} tidak ada.") for m in found})
            continue
        members = {m.peserta_id: m for m in self_pay_list(user, programme, today=today).members}
        ended = dict(Membership.objects.filter(programme=programme, ended_on__isnull=False,
                                               peserta_id__in=[m.peserta_id for m in found if m.peserta_id not in members])
                     .values_list("peserta_id", "ended_on"))
        elsewhere = _funded_elsewhere(programme, [m.peserta_id for m in found if m.peserta_id in members])
        rates: dict = {}
        for message in found:
            verdict = _verdict(message, members.get(message.peserta_id), ended, elsewhere, programme, payer, rates,
                               today)
            if verdict is not None:
                verdicts[message.pk] = verdict
    return verdicts


def _verdict(message: Message, member: Member | None, ended: dict, elsewhere: dict, programme, payer: str,
             rates: dict, today: date) -> outbox.Verdict | None:
    if member is None:
        if message.peserta_id in ended:
            return outbox.withdrawal("ended", f"Kepesertaan program {programme.code} berakhir "
                                              f"{tanggal(ended[message.peserta_id])}: pesan ditarik.")
        return outbox.withdrawal("not_member", f"Bukan lagi peserta serah terima program {programme.code}: pesan ditarik.")
    if member.lapse is None:
        return outbox.withdrawal("not_member", f"Iuran peserta program {programme.code} belum pernah dibayar: belum "
                                               "menjadi peserta, pesan ditarik.")
    if member.lapse <= today:
        return outbox.withdrawal("lapsed", f"Tanggal nonaktif {tanggal(member.lapse)} sudah lewat: peserta sudah "
                                           "nonaktif, pesan ini tidak benar lagi (perlu pesan lain).")
    facts = notice_facts(member, programme, rates)
    for other, first, last in elsewhere.get(message.peserta_id, ()):
        if first <= facts.pays_from.first_day <= last:
            return outbox.withdrawal("funded", f"Dibiayai lagi oleh program {other} s.d. {bulan(Month.of(last))}: "
                                               "belum perlu membayar mandiri, pesan ditarik.")
    text = notice(member, payer, facts)
    if text == message.text:
        return None
    before = message.facts.get("lapse", "")
    if before and before != facts.lapse.isoformat():
        return outbox.rewrite("paid", f"Iuran kini dibayar s.d. {bulan(facts.paid_until)}: tanggal nonaktif bergeser "
                                      f"dari {tanggal(date.fromisoformat(before))} ke {tanggal(facts.lapse)}; pesan "
                                      "ditulis ulang.", text, facts.as_json())
    return outbox.rewrite("refreshed", f"Ditulis ulang dengan data hari ini (nonaktif {tanggal(facts.lapse)} bila "
                                       "tidak dibayar).", text, facts.as_json())


def _funded_elsewhere(programme, peserta_ids: list[int]) -> dict[int, list[tuple[str, date, date]]]:
    """Person id -> (code, first, last month) of his running memberships of other programmes."""
    found: dict[int, list] = defaultdict(list)
    for i in range(0, len(peserta_ids), 900):  # within every database's limit of query parameters
        for pk, code, first, last in (Membership.objects.filter(peserta_id__in=peserta_ids[i:i + 900],
                                                                status__in=BILLED, ended_on__isnull=True)
                                      .exclude(programme=programme)
                                      .values_list("peserta_id", "programme__code", "first", "last")):
            found[pk].append((code, first, last))
    return found


@dataclass
class StatusOutcome(FileOutcome):
    rows: int = 0
    continuing: int = 0  # reported paying beyond the programme's funded months
    stopped: int = 0  # last month paid within the funded months, or none, and nobody else pays him
    died: int = 0  # reported dead (the months paid are still recorded; the claim is another matter)
    months_added: int = 0  # self-paid months recorded by this import (0 when the file was imported before)
    # (peserta id, the file's status, since): died (the day may be missing), a wage-earner member now, another payer
    events: list[tuple[int, str, date | None]] = field(default_factory=list)

    @property
    def paid_by_others(self) -> int:
        """Members another payer (an employer, another payer) pays from the day the file gives."""
        return sum(1 for _, state, _ in self.events if state in COVER_OF)


def import_status(user, programme, file_name: str, data) -> StatusOutcome:
    """BPJS's member status file (bytes, or an upload's .chunks()): for each member, the months he paid himself
    after the programme's funded months, up to the last month paid that BPJS reports, become PaidMonth rows (payer
    mandiri, no payment of ours, paid on the month's due date). All or nothing: one wrong row and nothing
    changes. A month already recorded is never overwritten, so importing the same file again adds nothing.
    Raises ReadError for a file that cannot be read."""
    _may_hand_over(user)
    status = read_upload(data, "status-bpjs-", read_status)
    with transaction.atomic():
        outcome, rows = _match(user, programme, status)
        if outcome.errors:
            return outcome
        before = PaidMonth.objects.filter(membership__programme=programme).count()
        PaidMonth.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
        outcome.months_added = PaidMonth.objects.filter(membership__programme=programme).count() - before
        self_paid = PaidMonth.objects.filter(membership=OuterRef("pk"), payment__isnull=True)
        protection.refresh(programme.memberships.filter(Exists(self_paid)))
        _record_events(user, outcome.events, file_name)
        record_event(user, "payments.status_imported", target=f"programme:{programme.pk}",
                     summary=f"Status peserta BPJS untuk program {programme.code} dari berkas {file_name[:80]}: "
                             f"{outcome.rows} baris, {outcome.continuing} membayar mandiri, {outcome.stopped} tidak, "
                             f"{outcome.died} meninggal; {outcome.months_added} bulan iuran mandiri dicatat.")
    return outcome


def _match(user, programme, status) -> tuple[StatusOutcome, list[PaidMonth]]:
    """The outcome and the PaidMonth rows to add; findings for rows naming nobody of the programme in the user's
    area, and for months further ahead than BPJS takes payment."""
    frame = status.frame
    found = {m.membership_id: m for m in self_pay_list(user, programme).members}
    by_kpj = {m.kpj: m for m in found.values() if m.kpj}
    by_nik = {m.nik: m for m in found.values()}
    # Who died or left is off the hand-over list, but BPJS still lists him: his row is read, not refused.
    ended = ended_members(user, programme)
    ended_by_kpj = {kpj: pk for pk, kpj, _ in ended if kpj}
    ended_by_nik = {nik: pk for pk, _, nik in ended}
    deaths = recorded_deaths([pk for pk, *_ in ended] + [m.peserta_id for m in found.values()])
    today = timezone.localdate()
    reg = regulation_on(today)
    kpj_col, nik_col = status.headers.get("kpj", "No. KPJ"), status.headers.get("nik", "NIK")
    month_col = status.headers.get("last_paid", "")
    since_col = status.headers.get("since", "Tanggal Meninggal")
    seen: dict[int, int]  # membership -> the row it was first read on
    outcome, rows, problems, seen = StatusOutcome(rows=frame.height), [], [], {}
    days = calendar()

    @lru_cache(maxsize=None)
    def due(month: Month) -> date:
        return due_date(month, reg=regulation_on(month.first_day), calendar=days)

    def refuse(sheet, row, column, code, message):
        where = f"Lembar {sheet}: " if sheet else ""
        problems.append({"row": row, "column": column, "code": code, "severity": "error", "message": where + message})

    def life_event(sheet, row, peserta_id, state, since) -> bool:
        """Notes the row's death or cover elsewhere as an event to record; False (and a finding) when its day is
        missing where it must be given, in the future, or not the death date already recorded."""
        if state != DIED and state not in COVER_OF:
            return True
        if since is None and state != DIED:
            refuse(sheet, row, since_col, "status_date_missing", "Isi tanggal mulai status ini (TMT): sejak kapan "
                                                                 "peserta tidak lagi dibayar Pemkab.")
            return False
        if since and since > timezone.localdate():
            refuse(sheet, row, since_col, "status_date_future", f"Tanggal {tanggal(since)} di masa depan.")
            return False
        if state == DIED:
            outcome.died += 1
            if since and deaths.get(peserta_id, since) != since:
                refuse(sheet, row, since_col, "death_date_differs", _differs(deaths[peserta_id], since))
                return False
        outcome.events.append((peserta_id, state, since))
        return True

    for sheet, row, kpj, nik, state, last_paid, since in frame.filter(pl.col("valid")).select(
            "sheet", "row", "kpj", "nik", "status", "last_paid", "since").iter_rows():
        member = by_kpj.get(kpj) if kpj else by_nik.get(nik)
        gone = ended_by_kpj.get(kpj) if kpj else ended_by_nik.get(nik)
        if member is None and gone is not None:
            if state == DIED and since:  # his membership has ended: only a dated death can be news
                life_event(sheet, row, gone, state, since)
            elif state == DIED:
                outcome.died += 1
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
        ahead = last and prepayment_refused(last, today, reg)  # paid by today at the latest
        if ahead:
            refuse(sheet, row, month_col, "month_ahead", f"{ahead} Periksa tahun bulan iuran terakhir.")
            continue
        if not life_event(sheet, row, member.peserta_id, state, since):
            continue
        if last and last > member.funded_last:
            outcome.continuing += 1
            rows += _self_paid(member, month_range(member.first_unfunded, last), due)
        elif state not in COVER_OF:  # another payer pays him on: he did not stop (paid_by_others counts him)
            outcome.stopped += 1
    outcome.findings = pl.concat([status.findings.select(list(FINDINGS_SCHEMA)),
                                  pl.DataFrame(problems, schema=FINDINGS_SCHEMA)]).sort("row")
    return outcome, rows


def _differs(recorded: date, reported: date) -> str:
    return (f"Peserta ini sudah tercatat meninggal pada {tanggal(recorded)}, berkas BPJS menyebut {tanggal(reported)}. "
            "Periksa akta kematian, lalu Admin Dinas mengoreksi tanggalnya pada halaman peserta.")


# BPJS's word that somebody else pays his months from the day of TMT on, open-ended (life.OtherCover): an employer
# (a wage-earner member now) or an unnamed payer. Not a life event: nothing ends, his months are left to that payer,
# and if that cover stops the office withdraws it and the programme pays him again.
COVER_OF = {WAGE_EARNER: (OtherPayer.PENERIMA_UPAH, "Pemberi kerja (peserta penerima upah) menurut BPJS"),
            OTHER_PAYER: (OtherPayer.LAIN, "Pihak lain menurut BPJS")}


def _record_events(user, events: list[tuple[int, str, date | None]], file_name: str) -> None:
    """BPJS's word that a member died, recorded, so his memberships end from that day; or that another payer pays
    him from a day, his other cover from that month on. A death without a date is a report for the office to verify
    with the date of the death certificate, dated today meanwhile (it keeps him out of new plans and notices, and
    ends nothing)."""
    people = Peserta.objects.in_bulk([pk for pk, *_ in events])
    evidence = f"berkas status BPJS {file_name[:100]}"
    for pk, state, since in events:
        if state in COVER_OF and since is not None:  # a date is required of these rows (_match)
            payer, payer_name = COVER_OF[state]
            life.record_other_cover(user, people[pk], payer=payer, payer_name=payer_name, first=Month.of(since),
                                    source=OtherCover.Source.BPJS_STATUS, evidence=evidence)
        elif since is None:
            life.record(user, people[pk], kind=LifeEvent.Kind.DIED, happened_on=timezone.localdate(),
                        verified=False, source=LifeEvent.Source.BPJS_STATUS,
                        evidence=evidence + ", tanpa tanggal meninggal: isi tanggal dari akta kematian")
        else:
            life.record(user, people[pk], kind=LifeEvent.Kind.DIED, happened_on=since,
                        source=LifeEvent.Source.BPJS_STATUS, evidence=evidence)


def _self_paid(member: Member, months: list[Month], due: Callable[[Month], date]) -> list[PaidMonth]:
    """BPJS reports the last month paid, not the day: each month counts as paid on its due date."""
    return [PaidMonth(membership_id=member.membership_id, peserta_id=member.peserta_id, month=m.first_day,
                      payer=Payer.MANDIRI, paid_on=due(m), payment=None) for m in months]
