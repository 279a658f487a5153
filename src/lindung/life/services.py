"""Writes of a person's life events (died, moved out, wage-earner member elsewhere) and of his months another payer
pays (other cover).

What an event does to his protection, in one place:
- a *verified* event ends every membership of his that has not ended, from the event's day (a membership that
  only starts later ends on its first day: nothing of it is owed): no bill after that month, no card printed, off
  the self-pay hand-over (coverage.ENDED for a death, "keluar" otherwise);
- any live event, a death only *reported* by a village too, keeps him out of new plans (programs.selectors asks
  ``selectors.excluded_reasons``) and withdraws his queued notices;
- a reversal puts back exactly what the event changed (the memberships it ended, the notices it withdrew) and
  says so; a correction of the date ends the memberships again from the new day.

Each write checks who may do it, keeps history and leaves an audit event without names or NIKs.
"""

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from lindung.accounts.roles import ADMIN_DINAS, CAMAT, OPERATOR_DESA, OPERATOR_DINAS, PETUGAS_BPJS
from lindung.accounts.scoping import people, within
from lindung.audit.services import record_event
from lindung.core.uploads import read_upload
from lindung.enrolment.models import Membership
from lindung.notify.models import PENDING, Message
from lindung.payments import protection
from lindung.pipeline.deaths import read_deaths
from lindung.pipeline.schema import FINDINGS_SCHEMA
from lindung.pipeline.spdci import Enrolment
from lindung.pipeline.spdci_client import IbrClient, IbrError, cover_of
from lindung.programs.models import Programme
from lindung.registry.models import Peserta
from lindung.rules.contributions import Month, bulan, tanggal
from lindung.rules.other_cover import Cover, OtherPayer
from lindung.spdci.keys import signing_key

from .models import LifeEvent, OtherCover

K, Src, S = LifeEvent.Kind, LifeEvent.Source, LifeEvent.Status
LIVE = (S.REPORTED, S.VERIFIED)
END_KIND = {K.DIED: Membership.End.DEATH, K.MOVED_OUT: Membership.End.EXIT, K.WAGE_EARNER: Membership.End.EXIT}
WORDS = {K.DIED: "meninggal dunia", K.MOVED_OUT: "pindah ke luar kabupaten",
         K.WAGE_EARNER: "menjadi peserta penerima upah di tempat lain"}
# The same, as refusals name them in the UI's language.
RECORDED_AS = {K.DIED: pgettext_lazy("recorded as", "died"),
               K.MOVED_OUT: pgettext_lazy("recorded as", "moved out of the regency"),
               K.WAGE_EARNER: pgettext_lazy("recorded as", "a wage-earner member elsewhere")}
OFFICE = {ADMIN_DINAS.name, OPERATOR_DINAS.name}
# Who may record from which source: the village and the camat report deaths; the office records the rest;
# a claim's death comes with BPJS's approval (Admin Dinas or Petugas BPJS, checked by claims.services).
RECORDERS = {Src.VILLAGE: OFFICE | {CAMAT.name, OPERATOR_DESA.name}, Src.CLAIM: {ADMIN_DINAS.name, PETUGAS_BPJS.name},
             Src.DEATH_LIST: OFFICE, Src.BPJS_STATUS: OFFICE, Src.TYPED: OFFICE}
EVIDENCE_MAX, REASON_MAX = 300, 500


def _role_in(user, roles: set[str], message: str) -> None:
    if getattr(user, "role", None) is None or user.role.name not in roles:
        raise PermissionDenied(message)


def _admin(user, message: str) -> None:
    _role_in(user, {ADMIN_DINAS.name}, message)


def _in_area(user, peserta: Peserta) -> Peserta:
    found = Peserta.objects.filter(people(user), pk=peserta.pk).first()
    if found is None:
        raise PermissionDenied(_("This member is outside your area."))
    return found


def _checked_day(peserta: Peserta, day: date | None) -> date:
    if day is None:
        raise ValidationError(_("The date of the event is required."))
    if day > timezone.localdate():
        raise ValidationError(_("The date of the event (%(day)s) cannot be in the future.") % {"day": date_format(day, "j F Y")})
    if day < peserta.tanggal_lahir:
        raise ValidationError(_("The date of the event (%(day)s) is before the member's date of birth.")
                              % {"day": date_format(day, "j F Y")})
    return day


def _text(value: str, limit: int) -> str:
    return " ".join((value or "").split())[:limit]


@transaction.atomic
def record(user, peserta: Peserta, *, kind: str, happened_on: date, source: str, evidence: str = "",
           verified: bool = True) -> LifeEvent:
    """Records that ``peserta`` died, moved out, became a wage-earner member elsewhere or is paid by another payer.
    A village's report of a death is recorded unverified ("reported, to verify"); every other source verified. The
    same person's live event of the same kind is not recorded twice: a verified record confirms a reported death
    (with this source's date), a second record of the same day changes nothing, another day is refused (correct
    the event instead)."""
    kind, source = K(kind), Src(source)
    if kind is K.OTHER_PAYER:
        raise ValidationError(_("Another payer is recorded as other cover, with its months, not as an event."))
    _role_in(user, RECORDERS[source], _("You may not record this event."))
    peserta = _in_area(user, peserta)
    happened_on = _checked_day(peserta, happened_on)
    if source is Src.VILLAGE and kind is not K.DIED:
        raise ValidationError(_("A village reports deaths; other events are recorded by the office."))
    existing = (LifeEvent.objects.select_for_update().filter(peserta=peserta, kind=kind, status__in=LIVE)
                .order_by("pk").first())
    if existing is not None:
        if existing.status == S.REPORTED and verified:
            return _verify(user, existing, happened_on, source=source, evidence=evidence)
        if existing.happened_on != happened_on:
            raise ValidationError(_("This member is already recorded as %(what)s on %(day)s. If the date is wrong, "
                                    "the Admin Dinas corrects it on the member's page.")
                                  % {"what": RECORDED_AS[kind], "day": date_format(existing.happened_on, "j F Y")})
        return existing
    event = LifeEvent(peserta=peserta, kind=kind, source=source, happened_on=happened_on,
                      evidence=_text(evidence, EVIDENCE_MAX), recorded_by=user,
                      status=S.VERIFIED if verified else S.REPORTED)
    if verified:
        event.verified_by, event.verified_at = user, timezone.now()
    event._history_user = user
    event.save()
    _apply(event, user)
    record_event(user, "life.recorded", target=f"life_event:{event.pk}",
                 summary=f"Peristiwa peserta #{peserta.pk} ({event.get_kind_display()}, {tanggal(happened_on)}) dicatat "
                         f"dari {event.get_source_display()}" + ("" if verified else ", menunggu verifikasi") +
                         f": {_effects(event)}.")
    return event


def record_death(user, peserta: Peserta, *, died_on: date, source: str, evidence: str = "") -> LifeEvent:
    return record(user, peserta, kind=K.DIED, happened_on=died_on, source=source, evidence=evidence)


def report_death(user, peserta: Peserta, *, died_on: date, evidence: str = "") -> LifeEvent:
    """A village's report: the person is kept out of new plans and notices at once; his memberships end only when
    the office verifies the death."""
    return record(user, peserta, kind=K.DIED, happened_on=died_on, source=Src.VILLAGE, evidence=evidence,
                  verified=False)


@transaction.atomic
def verify(user, event: LifeEvent, *, happened_on: date | None = None, evidence: str = "") -> LifeEvent:
    """The office confirmed a reported death (e.g. saw the death certificate): its memberships end from the day."""
    _role_in(user, OFFICE, _("Only the Admin or Operator Dinas verifies a reported death."))
    event = _locked(user, event)
    if event.status != S.REPORTED:
        raise ValidationError(_("Only a report not verified yet can be verified."))
    return _verify(user, event, _checked_day(event.peserta, happened_on or event.happened_on), evidence=evidence)


def _verify(user, event: LifeEvent, happened_on: date, *, source: str | None = None, evidence: str = "") -> LifeEvent:
    _unapply(event, user)  # the report withdrew notices; applying it verified does that and ends the memberships
    reported = event.happened_on
    event.happened_on, event.status = happened_on, S.VERIFIED
    if source:  # the verifying source is the one that counts; the report stays in the evidence and the history
        event.source = source
    event.verified_by, event.verified_at = user, timezone.now()
    if evidence:
        event.evidence = _text(f"{event.evidence}; {evidence}" if event.evidence else evidence, EVIDENCE_MAX)
    event._history_user = user
    event.save()
    _apply(event, user)
    via = f" dari {Src(source).label}" if source else ""
    moved = f" (dilaporkan {tanggal(reported)})" if reported != happened_on else ""
    record_event(user, "life.verified", target=f"life_event:{event.pk}",
                 summary=f"Kematian peserta #{event.peserta_id} diverifikasi{via}: {tanggal(happened_on)}{moved}; "
                         f"{_effects(event)}.")
    return event


@transaction.atomic
def correct(user, event: LifeEvent, *, happened_on: date, reason: str) -> LifeEvent:
    """Admin Dinas corrects the date of an event: what it changed is put back and applied again from the new day."""
    _admin(user, _("Only the Admin Dinas may correct a member's event."))
    reason = _reason(reason)
    event = _locked(user, event)
    if event.status == S.REVERSED:
        raise ValidationError(_("An event already reversed cannot be corrected."))
    happened_on = _checked_day(event.peserta, happened_on)
    before = event.happened_on
    _unapply(event, user)
    event.happened_on = happened_on
    event._history_user, event._change_reason = user, reason
    event.save()
    _apply(event, user)
    record_event(user, "life.corrected", target=f"life_event:{event.pk}",
                 summary=f"Tanggal peristiwa peserta #{event.peserta_id} dikoreksi dari {tanggal(before)} menjadi "
                         f"{tanggal(happened_on)} (alasan pada peristiwa); {_effects(event)}.")
    return event


@dataclass(frozen=True)
class Reversal:
    event: LifeEvent
    memberships: int  # memberships running again
    messages: int  # notices back in the outbox

    @property
    def message(self) -> str:
        return (f"Peristiwa dibatalkan. Dipulihkan: {self.memberships} kepesertaan berjalan lagi, "
                f"{self.messages} pesan kembali ke antrean.")


@transaction.atomic
def reverse(user, event: LifeEvent, reason: str) -> Reversal:
    """Admin Dinas reverses an event recorded in error (he is alive, did not move, …): the memberships it ended run
    again and the notices it withdrew are queued again. The event stays on record, marked reversed with the reason."""
    _admin(user, _("Only the Admin Dinas may reverse a member's event."))
    reason = _reason(reason)
    event = _locked(user, event)
    if event.status == S.REVERSED:
        raise ValidationError(_("This event is already reversed."))
    memberships, messages = _unapply(event, user)
    event.status, event.reversed_by, event.reversed_at, event.reversal_reason = S.REVERSED, user, timezone.now(), reason
    event._history_user = user
    event.save()
    done = Reversal(event, memberships, messages)
    record_event(user, "life.reversed", target=f"life_event:{event.pk}",
                 summary=f"Peristiwa peserta #{event.peserta_id} ({event.get_kind_display()}, "
                         f"{tanggal(event.happened_on)}) dibatalkan (alasan pada peristiwa). {done.message}")
    return done


def _reason(reason: str) -> str:
    reason = _text(reason, REASON_MAX + 1)
    if not reason:
        raise ValidationError(_("Write the reason: what was wrong and how it is known."))
    if len(reason) > REASON_MAX:
        raise ValidationError(_("The reason is at most %(n)s characters.") % {"n": REASON_MAX})
    return reason


def _locked(user, event: LifeEvent) -> LifeEvent:
    found = (LifeEvent.objects.select_for_update().select_related("peserta")
             .filter(within(user, "peserta__desa__code"), pk=event.pk).first())
    if found is None:
        raise PermissionDenied(_("This event is outside your area."))
    return found


def _apply(event: LifeEvent, user) -> None:
    """Withdraws the person's queued notices (any live event); a verified event also ends his running memberships
    from its day. Remembers both in ``event.undo``."""
    why = f"Peserta {WORDS[K(event.kind)]} ({event.get_status_display().lower()}, {tanggal(event.happened_on)})."
    # Held notices too (waiting for review); restored as queued, the outbox holds an old one again when sent.
    queued = Message.objects.filter(peserta_id=event.peserta_id, status__in=PENDING)
    messages = list(queued.values_list("pk", flat=True))
    queued.update(status=Message.Status.WITHDRAWN, error=why[:255])
    ended = []
    if event.status == S.VERIFIED:
        for m in Membership.objects.select_for_update().filter(peserta_id=event.peserta_id, ended_on__isnull=True):
            m.ended_on, m.end_kind = max(event.happened_on, m.first), END_KIND[K(event.kind)]
            m._history_user = user
            m.save(update_fields=["ended_on", "end_kind", "updated"])
            ended.append(m.pk)
    protection.refresh(Membership.objects.filter(pk__in=ended))
    event.undo = {"memberships": ended, "messages": messages}
    LifeEvent.objects.filter(pk=event.pk).update(undo=event.undo)


def _unapply(event: LifeEvent, user) -> tuple[int, int]:
    """Puts back what ``_apply`` changed and is still as it left it: the memberships it ended (not ended since by
    something else), the notices it withdrew (still withdrawn). Returns how many of each."""
    undo = event.undo or {}
    restored = 0
    for m in Membership.objects.select_for_update().filter(pk__in=undo.get("memberships", []),
                                                           end_kind=END_KIND[K(event.kind)]):
        m.ended_on, m.end_kind = None, ""
        m._history_user = user
        m.save(update_fields=["ended_on", "end_kind", "updated"])
        restored += 1
    protection.refresh(Membership.objects.filter(pk__in=undo.get("memberships", [])))
    messages = Message.objects.filter(pk__in=undo.get("messages", []), status=Message.Status.WITHDRAWN).update(
        status=Message.Status.QUEUED, error="")
    event.undo = {}
    LifeEvent.objects.filter(pk=event.pk).update(undo={})
    return restored, messages


def _effects(event: LifeEvent) -> str:
    undo = event.undo or {}
    return (f"{len(undo.get('memberships', []))} kepesertaan diakhiri, "
            f"{len(undo.get('messages', []))} pesan dalam antrean ditarik")


# Other cover: months of a person another payer pays. It ends nothing: the planner, the bill and its check leave those
# months to that payer (payments.bill_check, programs), and the double-cover report shows any paid twice anyway.

CoverSrc = OtherCover.Source


def _months(first: Month | str, last: Month | str | None) -> tuple[Month, Month | None]:
    try:
        first = first if isinstance(first, Month) else Month.parse(first)
        last = last if isinstance(last, Month) or last is None else (Month.parse(last) if last.strip() else None)
    except ValueError as exc:
        raise ValidationError(str(exc))
    if last is not None and last < first:
        raise ValidationError(_("The last month (%(last)s) is before the first (%(first)s).")
                              % {"last": last, "first": first})
    return first, last


@transaction.atomic
def record_other_cover(user, peserta: Peserta, *, payer: str, payer_name: str, first: Month | str,
                       last: Month | str | None = None, source: str = CoverSrc.TYPED,
                       evidence: str = "") -> OtherCover:
    """Records that ``payer`` (e.g. the province, "Pemprov Bengkulu") pays ``peserta``'s months ``first`` to ``last``
    (open: goes on). Typed by the office it needs its evidence (a letter, a list, BPJS's statement). The same live
    cover recorded again (same payer, name and months, e.g. a status file imported twice) is returned unchanged."""
    _role_in(user, OFFICE, _("Only the Admin or Operator Dinas records another payer."))
    peserta = _in_area(user, peserta)
    payer, source = OtherPayer(payer), CoverSrc(source)
    first, last = _months(first, last)
    name, evidence = _text(payer_name, 120), _text(evidence, EVIDENCE_MAX)
    if not name:
        raise ValidationError(_("Name the payer, e.g. Pemprov Bengkulu or Desa Padang Baru."))
    if source is CoverSrc.TYPED and not evidence:
        raise ValidationError(_("Other cover typed by the office needs its evidence: the letter, list or statement "
                                "that says so."))
    last_day = None if last is None else last.first_day
    same = (OtherCover.objects.select_for_update().filter(peserta=peserta, payer=payer, payer_name=name,
                                                          first=first.first_day, last=last_day,
                                                          withdrawn_at__isnull=True).first())
    if same is not None:
        return same
    cover = OtherCover(peserta=peserta, payer=payer, payer_name=name, first=first.first_day, last=last_day,
                       source=source, evidence=evidence, recorded_by=user)
    cover._history_user = user
    cover.save()
    record_event(user, "life.other_cover_recorded", target=f"other_cover:{cover.pk}",
                 summary=f"Pemberi iuran lain peserta #{peserta.pk} dicatat dari {cover.get_source_display()}: "
                         f"{cover.get_payer_display()}, {_span(first, last)}.")
    return cover


@dataclass(frozen=True)
class ByNik:
    cover: OtherCover | None
    refused: str = ""  # why nothing was recorded: not on the register of the user's area, or the service's refusal


def record_other_cover_by_nik(user, nik: str, payer: str, payer_name: str, first: Month | str,
                              last: Month | str | None, source: str, evidence: str = "") -> ByNik:
    """The entry point of the BPJS status file and the IBR client: another payer of the person with ``nik``.
    Returns what it recorded, or why not (never raises for a NIK or an input the source got wrong)."""
    peserta = Peserta.objects.filter(people(user), nik=(nik or "").strip()).first()
    if peserta is None:
        return ByNik(None, _("NIK %(nik)s is not on the register of your area.") % {"nik": (nik or "")[:16]})
    try:
        return ByNik(record_other_cover(user, peserta, payer=payer, payer_name=payer_name, first=first, last=last,
                                        source=source, evidence=evidence))
    except ValidationError as refused:
        return ByNik(None, " ".join(refused.messages))
    except ValueError:  # an unknown payer or source code
        return ByNik(None, _("Unknown payer or source: %(payer)s, %(source)s.") % {"payer": payer, "source": source})


@transaction.atomic
def withdraw_other_cover(user, cover: OtherCover, reason: str) -> OtherCover:
    """Withdraws cover recorded in error (the province does not pay him after all): its months are ours to pay
    again. It stays on record, withdrawn with the reason."""
    _role_in(user, OFFICE, _("Only the Admin or Operator Dinas withdraws another payer."))
    reason = _reason(reason)
    found = (OtherCover.objects.select_for_update().filter(within(user, "peserta__desa__code"), pk=cover.pk).first())
    if found is None:
        raise PermissionDenied(_("This record is outside your area."))
    if found.withdrawn_at is not None:
        raise ValidationError(_("This other cover is already withdrawn."))
    found.withdrawn_by, found.withdrawn_at, found.withdrawal_reason = user, timezone.now(), reason
    found._history_user, found._change_reason = user, reason
    found.save()
    record_event(user, "life.other_cover_withdrawn", target=f"other_cover:{found.pk}",
                 summary=f"Pemberi iuran lain peserta #{found.peserta_id} ({found.get_payer_display()}) ditarik "
                         "(alasan pada catatan).")
    return found


# Other registries (SPDCI IBR): another regency's Lindung tells which of our members it enrols, paid by whom, for
# which months; those months are recorded as other cover, as BPJS's status file records its payers.

REGISTRY_TIMEOUT = 20  # seconds one message to another registry may take


@dataclass
class Asked:
    """What asking the other registries (settings.LINDUNG_OTHER_REGISTRIES) did."""
    asked: list[str] = field(default_factory=list)  # the registries that answered, by name
    recorded: int = 0  # other cover recorded from their answers
    withdrawn: int = 0  # cover an earlier answer told that the registry no longer tells
    errors: dict[str, str] = field(default_factory=dict)  # registry's name -> why it could not be asked

    @property
    def messages(self) -> list[str]:
        """What the office reads: each registry that could not be asked, whose payers are therefore unknown."""
        return [_("Registry %(name)s could not be asked (%(error)s); the other payers that registry knows have not "
                  "been checked.") % {"name": name, "error": error} for name, error in self.errors.items()]

    @property
    def answered(self) -> str:
        """'Registries asked (Kab. Kaur): 1 other payer recorded, 0 withdrawn.', or '' when none answered."""
        if not self.asked:
            return ""
        return (_("Other registries asked (%(names)s): %(recorded)s other payers recorded, %(withdrawn)s withdrawn.")
                % {"names": ", ".join(self.asked), "recorded": self.recorded, "withdrawn": self.withdrawn})


def ask_other_registries(user, programme: Programme, month: Month | str) -> Asked:
    """Asks every other registry (settings.LINDUNG_OTHER_REGISTRIES) which of ``programme``'s members for ``month``
    (of the user's area) it enrols, and records the months each of those enrolments pays as other cover from another
    registry, so the check before the bill, the planner and the next bills leave them to that payer.

    Idempotent: cover already known (same person, payer's name and months) is not recorded again; cover recorded
    from an earlier answer of the same registry that it no longer tells (the enrolment ended sooner, or is gone) is
    withdrawn. An enrolment in a programme of this very Lindung is never recorded: a registry configured by mistake
    to point here adds nothing. The registries are asked outside any transaction, each answer recorded in one; a
    registry that cannot be asked changes nothing and is named in ``errors``: its payers stay unknown. So is one whose
    entry names its public key and whose answer is not signed with it (pipeline.spdci_sign): nothing of it is used."""
    _role_in(user, OFFICE, _("Only the Admin or Operator Dinas asks the other registries."))
    outcome = Asked()
    if not settings.LINDUNG_OTHER_REGISTRIES:
        return outcome
    month, _last = _months(month, None)
    day = month.first_day
    members = dict(Membership.objects.filter(people(user, "peserta__"), programme=programme, first__lte=day,
                                             last__gte=day)
                   .exclude(status=Membership.Status.REJECTED).exclude(ended_on__lt=day)
                   .values_list("peserta__nik", "peserta_id"))
    if not members:  # nobody to ask about
        return outcome
    ours = set(Programme.objects.values_list("code", flat=True))
    for name, url, token, *key in settings.LINDUNG_OTHER_REGISTRIES:
        # With the registry's public key, an answer not signed with it is refused as the registry not answering.
        client = IbrClient(url, token, sender_id=settings.LINDUNG_SPDCI_ID, timeout=REGISTRY_TIMEOUT,
                           public_key=key[0] if key else "", signing_key=signing_key())
        try:
            told = client.enrolments(sorted(members))
        except IbrError as exc:
            outcome.errors[name] = str(exc)
            continue
        recorded, withdrawn = _record_told(user, name, told, members, ours)
        outcome.asked.append(name)
        outcome.recorded += recorded
        outcome.withdrawn += withdrawn
    record_event(user, "life.other_registries_asked", target=f"programme:{programme.pk}",
                 summary=f"Registri lain ditanya tentang {len(members)} peserta {programme.code} bulan {month}: "
                         + (f"{', '.join(outcome.asked)} menjawab, {outcome.recorded} pemberi iuran lain dicatat, "
                            f"{outcome.withdrawn} ditarik" if outcome.asked else "tidak ada yang menjawab")
                         + (f"; tidak dapat ditanya: {', '.join(outcome.errors)}" if outcome.errors else "") + ".")
    return outcome


@transaction.atomic
def _record_told(user, name: str, told: list[Enrolment], members: dict[str, int], ours: set[str]) -> tuple[int, int]:
    """Records the cover registry ``name`` told of the members asked (NIK -> Peserta pk) and withdraws what it told
    before and no longer tells. Returns (recorded, withdrawn)."""
    told_by = f"Registri {name}: "  # how the evidence of its cover starts
    people_asked = Peserta.objects.in_bulk(set(members.values()))
    live = OtherCover.objects.filter(peserta_id__in=list(people_asked), withdrawn_at__isnull=True)
    known = set(live.values_list("peserta_id", "payer_name", "first", "last"))
    now_told = set()
    recorded = 0
    for enrolment in told:
        peserta_id, found = members.get(enrolment.nik), _told(enrolment, name, ours)
        if peserta_id is None or found is None:
            continue
        cover, payer_name, programme = found
        key = (peserta_id, payer_name, cover.first.first_day, cover.last.first_day if cover.last else None)
        now_told.add(key)
        if key in known:
            continue
        known.add(key)
        record_other_cover(user, people_asked[peserta_id], payer=cover.payer, payer_name=payer_name,
                           first=cover.first, last=cover.last, source=CoverSrc.REGISTRY,
                           evidence=f"{told_by}program {programme}")
        recorded += 1
    withdrawn = 0
    for earlier in live.filter(source=CoverSrc.REGISTRY, evidence__startswith=told_by):
        if (earlier.peserta_id, earlier.payer_name, earlier.first, earlier.last) not in now_told:
            withdraw_other_cover(user, earlier, f"Registri {name} tidak lagi menyebut bulan-bulan ini saat ditanya "
                                                f"{tanggal(timezone.localdate())}.")
            withdrawn += 1
    return recorded, withdrawn


def _told(enrolment: Enrolment, name: str, ours: set[str]) -> tuple[Cover, str, str] | None:
    """The other cover another registry's (or payer's) enrolment is: (its months and payer, the payer's name, the
    programme as the evidence names it). None when it pays no month (spdci_client.cover_of) or is an enrolment in a
    programme of this very Lindung (never another payer's)."""
    cover = cover_of(enrolment)
    if cover is None or enrolment.programme in ours:
        return None
    programme = enrolment.programme + (f" ({enrolment.programme_name})" if enrolment.programme_name else "")
    return cover, _text(cover.payer_name or name, 120), programme


# Enrolment updates pushed to our IBR (SPDCI /registry/sync/enrollment/updates): another payer's system (another
# Lindung, a village fund's, a company's CSR) tells which people it enrols for which months; those of the register of
# the token's area are recorded as other cover, as the answers of the registries we ask are.

class Pushed(StrEnum):
    RECORDED = "recorded"
    NOT_FOUND = "not_found"  # not on the register of the user's area: nothing said of anyone outside it
    INVALID = "invalid"


@dataclass(frozen=True)
class PushedCover:
    status: Pushed
    message: str


@transaction.atomic
def record_pushed_enrolments(user, sender: str, told: list[Enrolment | str]) -> list[PushedCover]:
    """Records the months each enrolment ``sender`` (its SPDCI sender_id) pushed pays as other cover of that person,
    when he is on the register of the user's area; ``told`` holds, in place of a record that could not be read, why.
    Answers each in order: recorded, not found (on the register of the user's area: the same words whether he is
    elsewhere or nowhere), or invalid (unreadable, paying no month, a programme of this Lindung). The same push twice
    records once (record_other_cover keeps one live cover per payer and months). Only the office may."""
    _role_in(user, OFFICE, _("Only the Admin or Operator Dinas records another payer."))
    sender = _text(sender, 60) or "-"
    ours = set(Programme.objects.values_list("code", flat=True))
    niks = {e.nik for e in told if isinstance(e, Enrolment)}
    register = {p.nik: p for p in Peserta.objects.filter(people(user), nik__in=niks)}
    answers = []
    for enrolment in told:
        if isinstance(enrolment, str):
            answers.append(PushedCover(Pushed.INVALID, enrolment))
            continue
        # What the record itself says is judged before the register is looked at: an invalid record is answered
        # the same whoever it names.
        found = _told(enrolment, sender, ours)
        if found is None:
            answers.append(PushedCover(Pushed.INVALID, _("This enrolment pays no month: a candidate, one that ended "
                                                         "before its first month, or a programme of this registry.")))
            continue
        peserta = register.get(enrolment.nik)
        if peserta is None:
            answers.append(PushedCover(Pushed.NOT_FOUND, _("NIK %(nik)s is not on the register of your area.")
                                       % {"nik": enrolment.nik[:16]}))
            continue
        cover, payer_name, programme = found
        try:
            record_other_cover(user, peserta, payer=cover.payer, payer_name=payer_name, first=cover.first,
                               last=cover.last, source=CoverSrc.REGISTRY,
                               evidence=f"Kiriman SPDCI {sender}: program {programme}")
        except ValidationError as refused:
            answers.append(PushedCover(Pushed.INVALID, " ".join(refused.messages)))
            continue
        answers.append(PushedCover(Pushed.RECORDED, _("Recorded as other cover: %(payer)s, %(months)s.")
                                   % {"payer": payer_name, "months": _span(cover.first, cover.last)}))
    counts = {status: sum(a.status == status for a in answers) for status in Pushed}
    record_event(user, "life.enrolments_pushed", target="spdci:ibr-enrollment-updates",
                 summary=f"Kiriman kepesertaan SPDCI dari {sender}: {len(answers)} penerima, "
                         f"{counts[Pushed.RECORDED]} dicatat sebagai pemberi iuran lain, {counts[Pushed.NOT_FOUND]} "
                         f"tidak ada di register wilayah, {counts[Pushed.INVALID]} tidak sah.")
    return answers


def _span(first: Month, last: Month | None) -> str:
    return f"{bulan(first)} s.d. {bulan(last)}" if last else f"sejak {bulan(first)}"


# The civil registry's death list (Dukcapil): NIK, name, date of death, optionally the certificate's number.

@dataclass
class DeathListOutcome:
    rows: int = 0
    recorded: int = 0  # deaths recorded or confirmed by this file
    already: int = 0  # already recorded on that day
    not_registered: int = 0  # NIKs not in the register of the user's area: nothing to do, counted
    findings: list[dict] = field(default_factory=list)  # FINDINGS_SCHEMA rows; with any error nothing changed

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f["severity"] == "error")


def import_death_list(user, file_name: str, data) -> DeathListOutcome:
    """Every row of the civil registry's death list whose NIK is on the register (in the user's area) records that
    person's verified death on the row's date. All or nothing: a wrong row (bad NIK, unreadable or future date, a
    date before the person's birth or one that contradicts a death already recorded) changes nothing and is named
    by row and column. Raises ReadError for a file that cannot be read."""
    _role_in(user, OFFICE, _("Only the Admin or Operator Dinas imports the death list."))
    deaths = read_upload(data, "kematian-", read_deaths)
    outcome = DeathListOutcome(rows=deaths.frame.height, findings=deaths.findings.select(list(FINDINGS_SCHEMA))
                               .rows(named=True))
    valid = deaths.frame.filter(deaths.frame["valid"])
    register = {p.nik: p for p in Peserta.objects.filter(within(user, "desa__code"), nik__in=valid["nik"].to_list())}
    recorded = {e.peserta_id: e for e in LifeEvent.objects.filter(peserta__in=register.values(), kind=K.DIED,
                                                                  status=S.VERIFIED)}
    today = timezone.localdate()
    todo = []
    for row, nik, died_on, certificate in valid.select("row", "nik", "died_on", "certificate").iter_rows():
        peserta = register.get(nik)
        if peserta is None:
            outcome.not_registered += 1
            continue
        problem = (f"Tanggal meninggal {tanggal(died_on)} di masa depan." if died_on > today else
                   f"Tanggal meninggal {tanggal(died_on)} sebelum tanggal lahir peserta." if died_on < peserta.tanggal_lahir
                   else None)
        if (event := recorded.get(peserta.pk)) and event.happened_on != died_on:
            problem = (f"Peserta ini sudah tercatat meninggal pada {tanggal(event.happened_on)}; daftar menyebut "
                       f"{tanggal(died_on)}. Periksa dengan Dukcapil, lalu koreksi pada halaman peserta.")
        if problem:
            outcome.findings.append({"row": row, "column": deaths.headers.get("died_on", "Tanggal Meninggal"),
                                     "code": "death_date", "severity": "error", "message": problem})
        elif event:
            outcome.already += 1
        else:
            todo.append((peserta, died_on, certificate))
    outcome.findings.sort(key=lambda f: f["row"])
    if outcome.errors:
        return outcome
    with transaction.atomic():
        for peserta, died_on, certificate in todo:
            record_death(user, peserta, died_on=died_on, source=Src.DEATH_LIST,
                         evidence=f"{file_name[:120]}" + (f", akta {certificate}" if certificate else ""))
        outcome.recorded = len(todo)
        record_event(user, "life.death_list_imported", target="death_list:",
                     summary=f"Daftar kematian Dukcapil {file_name[:80]}: {outcome.rows} baris, {outcome.recorded} "
                             f"kematian dicatat, {outcome.already} sudah tercatat, {outcome.not_registered} tidak ada "
                             "di register.")
    return outcome
