"""Writes of the outbox: queue texts once; at send time check each queued text's facts again (withdraw it or
rewrite it when they changed, hold it for review when it is old), then hand the rest to the configured sender;
an office user reviews the held ones (send anyway, or withdraw)."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Min, Q, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from lindung.accounts.roles import require
from lindung.accounts.scoping import sees_code, within
from lindung.audit.services import record_event
from lindung.enrolment.models import Membership
from lindung.life.models import LifeEvent
from lindung.life.selectors import live_events
from lindung.rules.contributions import tanggal

from .models import PENDING, PURPOSES, Message

BATCH = 2000
S = Message.Status

# Who checks the facts of a purpose's messages at send time, by its dotted path (the purpose's app sits above
# notify and imports it, so notify names it instead of importing it): ``check(user, messages, today)`` returns
# {message pk: Verdict} for the messages whose text is no longer true; the others are sent as they are.
CHECKS = {"selfpay": "lindung.selfpay.services.check_notices"}


@dataclass(frozen=True)
class Verdict:
    """What to do with a queued message whose facts changed: withdraw it (with the reason), or send ``text``
    instead (with the facts it states). ``code`` counts the reasons in the audit trail and on the page."""

    code: str
    reason: str
    text: str = ""  # empty: withdraw
    facts: dict = field(default_factory=dict)

    @property
    def withdraws(self) -> bool:
        return not self.text


def withdrawal(code: str, reason: str) -> Verdict:
    return Verdict(code, reason)


def rewrite(code: str, reason: str, text: str, facts: dict) -> Verdict:
    return Verdict(code, reason, text, facts)


def queue(purpose: str, about: str, messages: list[Message]) -> int:
    """Adds the messages not queued before (same purpose, about, person and channel): preparing a notice again
    adds none. Returns how many were added. Called inside the caller's transaction, which audits it."""
    before = Message.objects.filter(purpose=purpose, about=about).count()
    Message.objects.bulk_create(messages, batch_size=BATCH, ignore_conflicts=True)
    return Message.objects.filter(purpose=purpose, about=about).count() - before


def withdraw(peserta_id: int, why: str) -> int:
    """The person's messages not yet sent (queued or held for review) are not to be sent (he died): kept, marked
    withdrawn with why. Called inside the caller's transaction, which audits it. Returns how many."""
    return Message.objects.filter(peserta_id=peserta_id, status__in=PENDING).update(
        status=S.WITHDRAWN, error=why[:255])


def deaths(peserta_ids) -> dict[int, str]:
    """Person id -> why no message may go to him, for those among ``peserta_ids`` (ids or a query of them) who
    died: a death reported or verified as a life event, or a membership ended by death."""
    found = {}
    for pk, day in (Membership.objects.filter(peserta_id__in=peserta_ids, end_kind=Membership.End.DEATH)
                    .values("peserta_id").annotate(day=Min("ended_on")).values_list("peserta_id", "day")):
        found[pk] = f"Peserta meninggal dunia ({tanggal(day)}): pesan ditarik."
    for pk, day, status in (live_events().filter(peserta_id__in=peserta_ids, kind=LifeEvent.Kind.DIED)
                            .order_by("-happened_on").values_list("peserta_id", "happened_on", "status")):
        reported = ", dilaporkan, belum diverifikasi" if status == LifeEvent.Status.REPORTED else ""
        found.setdefault(pk, f"Peserta meninggal dunia ({tanggal(day)}{reported}): pesan ditarik.")
    return found


def current_day() -> date:
    """The day the facts are checked on when none is given (a test moves it)."""
    return timezone.localdate()


def max_age_days() -> int:
    return settings.LINDUNG_NOTICE_MAX_AGE_DAYS


def age_in_days(message: Message, today: date) -> int:
    return (today - timezone.localdate(message.created)).days


@dataclass(frozen=True)
class Sent:
    sent: int
    failed: int
    withdrawn: int = 0
    rewritten: int = 0  # and then sent, or held
    held: int = 0
    reasons: dict[str, int] = field(default_factory=dict)  # Verdict.code -> how many withdrawn or rewritten


def sent_message(done: Sent) -> str:
    """What a send or a review did, in a sentence for the page."""
    return _("%(sent)s sent, %(failed)s failed, %(withdrawn)s withdrawn (their facts changed), %(rewritten)s "
             "rewritten with today's facts, %(held)s held for review.") % {
        "sent": done.sent, "failed": done.failed, "withdrawn": done.withdrawn, "rewritten": done.rewritten,
        "held": done.held}


def send_queued(user, purpose: str = "", about: str = "", *, area: str = "", ids=None,
                today: date | None = None) -> Sent:
    """Hands every queued message in the user's area (of ``purpose``/``about``, of the kecamatan or village
    ``area`` inside it, of ``ids``, when given)
    to the sender named by LINDUNG_MESSAGE_SENDER, after checking each one's facts as of ``today``:

    - the person died (a life event, or a membership ended by death): withdrawn with the reason;
    - its purpose's check (CHECKS) says the text is no longer true: withdrawn with the reason, or rewritten with
      today's facts (the original text is kept);
    - queued more than LINDUNG_NOTICE_MAX_AGE_DAYS days ago and not reviewed: held for an office user to review;
    - the rest: sent, or failed with the sender's error. A failed message stays failed, so it is never sent twice
      by accident; it is for a person to look at."""
    require(user, "plans", _("Only the Admin or Operator Dinas may send messages."))
    today = today or current_day()
    sender = import_string(settings.LINDUNG_MESSAGE_SENDER)()
    with transaction.atomic():
        queued = Message.objects.filter(within(user, "peserta__desa__code"), status=S.QUEUED)
        if purpose:
            queued = queued.filter(purpose=purpose, about=about)
        if area and sees_code(user, area):
            queued = queued.filter(Q(peserta__desa__code=area) | Q(peserta__desa__code__startswith=area + "."))
        if ids is not None:
            queued = queued.filter(pk__in=list(ids))
        pending = list(queued.select_for_update().order_by("pk"))
        verdicts = _check(user, pending, queued, today)
        reasons: Counter = Counter()
        counts: Counter = Counter()
        oldest = max_age_days()
        for message in pending:  # a gateway takes one text at a time
            verdict = verdicts.get(message.pk)
            if verdict is not None:
                reasons[verdict.code] += 1
                if verdict.withdraws:
                    message.status, message.error = S.WITHDRAWN, verdict.reason[:255]
                    counts["withdrawn"] += 1
                    continue
                message.original_text = message.original_text or message.text
                message.text, message.facts, message.error = verdict.text, verdict.facts, verdict.reason[:255]
                counts["rewritten"] += 1
            age = age_in_days(message, today)
            if message.reviewed_at is None and age > oldest:
                message.status = S.HELD
                message.error = (f"Disiapkan {age} hari lalu, lebih dari {oldest} hari: ditahan sampai ditinjau "
                                 "petugas (kirim atau tarik).")
                counts["held"] += 1
                continue
            try:
                sender.send(message)
            except Exception as exc:  # whatever the gateway raises, the message says why it failed
                message.status, message.error = S.FAILED, str(exc)[:255] or type(exc).__name__
                counts["failed"] += 1
            else:
                message.status, message.sent_at = S.SENT, timezone.now()
                counts["sent"] += 1
        Message.objects.bulk_update(pending, ["status", "error", "sent_at", "text", "original_text", "facts"],
                                    batch_size=BATCH)
        result = Sent(counts["sent"], counts["failed"], counts["withdrawn"], counts["rewritten"], counts["held"],
                      dict(reasons))
        _audit(user, purpose, about, result, verdicts.values())
    return result


def _check(user, pending: list[Message], queued: QuerySet[Message], today: date) -> dict[int, Verdict]:
    """The verdict of every pending message whose facts changed: the dead first, then each purpose's check."""
    if not pending:
        return {}
    dead = deaths(queued.values("peserta_id"))
    verdicts = {m.pk: withdrawal("died", dead[m.peserta_id]) for m in pending if m.peserta_id in dead}
    by_purpose: dict[str, list[Message]] = {}
    for m in pending:
        if m.pk not in verdicts:
            by_purpose.setdefault(m.purpose, []).append(m)
    for purpose, messages in by_purpose.items():
        if purpose in CHECKS:
            verdicts.update(import_string(CHECKS[purpose])(user, messages, today))
    return verdicts


REASON_WORDS = {"died": "meninggal", "ended": "kepesertaan berakhir", "not_member": "bukan peserta lagi",
                "lapsed": "tanggal nonaktif lewat", "funded": "dibiayai lagi", "paid": "iuran dibayar",
                "refreshed": "data berubah", "reviewed": "ditinjau"}


def _audit(user, purpose: str, about: str, result: Sent, verdicts) -> None:
    """One event for the send, and one each for the withdrawn, rewritten and held messages: counts and reasons,
    no names."""
    target = f"outbox:{purpose}:{about}" if purpose else "outbox:"
    what = f"Pesan {PURPOSES.get(purpose, purpose) or 'semua'} {about}".rstrip()
    record_event(user, "notify.sent", target=target,
                 summary=f"{what}: {result.sent} terkirim, {result.failed} gagal, {result.withdrawn} ditarik, "
                         f"{result.rewritten} ditulis ulang, {result.held} ditahan untuk ditinjau "
                         f"(pengirim {settings.LINDUNG_MESSAGE_SENDER.rsplit('.', 1)[-1]}).")
    verdicts = list(verdicts)
    for withdraws, count in ((True, result.withdrawn), (False, result.rewritten)):
        if count:
            why = Counter(v.code for v in verdicts if v.withdraws == withdraws)
            listed = ", ".join(f"{n} {REASON_WORDS.get(code, code)}" for code, n in why.most_common())
            verb = "ditarik" if withdraws else "ditulis ulang dengan data terkini"
            record_event(user, "notify.withdrawn" if withdraws else "notify.rewritten", target=target,
                         summary=f"{what}: {count} {verb} saat akan dikirim ({listed}).")
    if result.held:
        record_event(user, "notify.held", target=target,
                     summary=f"{what}: {result.held} ditahan, lebih dari {max_age_days()} hari di antrean; "
                             "menunggu ditinjau petugas.")


REVIEW_SEND, REVIEW_WITHDRAW = "send", "withdraw"


def review(user, ids, action: str, *, today: date | None = None) -> Sent:
    """An office user reviewed held messages (``ids``, those of them held in his area): sends them anyway — their
    facts are still checked, only their age no longer holds them — or withdraws them."""
    require(user, "plans", _("Only the Admin or Operator Dinas may review messages."))
    if action not in (REVIEW_SEND, REVIEW_WITHDRAW):
        raise ValueError(f"Tinjauan tidak dikenal: {action!r} (send atau withdraw).")
    with transaction.atomic():
        held = Message.objects.select_for_update().filter(within(user, "peserta__desa__code"), status=S.HELD,
                                                          pk__in=list(ids))
        pks = list(held.order_by("pk").values_list("pk", flat=True))
        now = timezone.now()
        if action == REVIEW_WITHDRAW:
            Message.objects.filter(pk__in=pks).update(status=S.WITHDRAWN, reviewed_by=user, reviewed_at=now,
                                                      error="Ditarik setelah ditinjau petugas.")
            record_event(user, "notify.reviewed", target="outbox:review",
                         summary=f"{len(pks)} pesan yang ditahan ditinjau: ditarik, tidak dikirim.")
            return Sent(0, 0, withdrawn=len(pks), reasons={"reviewed": len(pks)} if pks else {})
        Message.objects.filter(pk__in=pks).update(status=S.QUEUED, reviewed_by=user, reviewed_at=now, error="")
        record_event(user, "notify.reviewed", target="outbox:review",
                     summary=f"{len(pks)} pesan yang ditahan ditinjau: dikirim (faktanya tetap diperiksa).")
        if not pks:
            return Sent(0, 0)
        return send_queued(user, ids=pks, today=today)
