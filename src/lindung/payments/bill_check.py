"""The queries of the check before a bill is approved: for each rule of rules.bill_check, the bill's members it
finds, with the evidence as a sentence. Set-based: each rule is one query over the bill's lines joined to a small
table (life events, other cover, duplicate pairs, paid months, other memberships), never a loop over the members."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Q

from lindung.enrolment.models import Membership
from lindung.life.models import LifeEvent
from lindung.life.selectors import LIVE, paying_on
from lindung.programs.models import Programme
from lindung.registry.models import DuplicatePair
from lindung.rules.bill_check import MAX_AGE_AT_REGISTRATION, Rule, age_on, over_age_at_registration
from lindung.rules.contributions import Month, bulan, tanggal

from .models import Bill, BillLine, PaidMonth
from .selectors import BILLED, PAYERS

# The life events that are findings, and from when: a death or a move before the bill's month, a wage-earner
# membership from any day up to the month's end. Another payer is found per month from its cover (_other_cover).
EVENT_RULES = {LifeEvent.Kind.DIED: Rule.DIED, LifeEvent.Kind.MOVED_OUT: Rule.MOVED_OUT,
               LifeEvent.Kind.WAGE_EARNER: Rule.WAGE_EARNER}
BEFORE_THE_MONTH = (LifeEvent.Kind.DIED, LifeEvent.Kind.MOVED_OUT)


@dataclass(frozen=True)
class Found:
    peserta_id: int
    membership_id: int
    rule: Rule
    evidence: str


def findings(bill: Bill) -> list[Found]:
    """Every finding on the bill's current lines, in rule order."""
    lines = BillLine.objects.filter(bill=bill)
    day = bill.month
    found: list[Found] = []
    for rule_finder in (_life_events, _over_age, _other_cover, _paid_already, _other_programme, _duplicates, _no_kpj):
        found.extend(rule_finder(bill, lines, day))
    return found


def _life_events(bill, lines, day: date) -> list[Found]:
    after = Month.of(day).shift(1).first_day
    events = (LifeEvent.objects.filter(status__in=LIVE, peserta__in=lines.values("peserta_id"))
              .filter(Q(kind__in=BEFORE_THE_MONTH, happened_on__lt=day)
                      | Q(kind=LifeEvent.Kind.WAGE_EARNER, happened_on__lt=after))
              .order_by("happened_on", "pk"))
    membership = dict(lines.values_list("peserta_id", "membership_id"))
    found = {}
    for peserta, kind, status, source, happened, evidence in events.values_list(
            "peserta_id", "kind", "status", "source", "happened_on", "evidence"):
        said = (f"{LifeEvent.Kind(kind).label} {tanggal(happened)} · {LifeEvent.Source(source).label}"
                f" · {LifeEvent.Status(status).label}" + (f" · {evidence}" if evidence else ""))
        found[(peserta, kind)] = Found(peserta, membership[peserta], EVENT_RULES[LifeEvent.Kind(kind)], str(said)[:300])
    return list(found.values())


def _over_age(bill, lines, day: date) -> list[Found]:
    """65 or older when registered (DOMAIN.md §3): on the first day of the membership his KPJ was registered with,
    followed back through the programmes each one continues (``Programme.continues``) while he held the same KPJ
    there: a member enrolled before 65 goes on past it, a new registration at 65 is found. Only who is 65 by the
    bill's month can have been, so the rest of the bill is never read."""
    oldest = date(day.year - MAX_AGE_AT_REGISTRATION, day.month, 1)
    candidates = list(lines.filter(peserta__tanggal_lahir__lte=oldest).values_list(
        "peserta_id", "membership_id", "peserta__tanggal_lahir", "membership__first", "membership__programme_id",
        "membership__kpj"))
    held = {(peserta, programme): (kpj, first) for peserta, programme, kpj, first in (
        Membership.objects.filter(peserta_id__in=[c[0] for c in candidates], status__in=BILLED).exclude(kpj="")
        .values_list("peserta_id", "programme_id", "kpj", "first"))}
    continues = dict(Programme.objects.filter(continues__isnull=False).values_list("pk", "continues_id"))
    found = []
    for peserta, membership, born, since, programme, kpj in candidates:
        earlier = continues.get(programme)
        while kpj and earlier is not None and held.get((peserta, earlier), ("", None))[0] == kpj:
            since = held[(peserta, earlier)][1]
            earlier = continues.get(earlier)
        if over_age_at_registration(born, since):
            found.append(Found(peserta, membership, Rule.OVER_AGE,
                               f"Lahir {tanggal(born)}: berusia {age_on(born, since)} tahun saat terdaftar "
                               f"{tanggal(since)}"))
    return found


def _other_cover(bill, lines, day: date) -> list[Found]:
    """The bill's month paid by another payer (life.OtherCover): it would be paid twice."""
    covers = paying_on(day).filter(peserta__in=lines.values("peserta_id")).order_by("peserta_id", "first", "pk")
    membership = dict(lines.filter(peserta_id__in=covers.values("peserta_id")).values_list("peserta_id", "membership_id"))
    found = {}
    for cover in covers:
        if cover.peserta_id not in found:
            said = (f"{bulan(Month.of(day))} dibayar {cover.payer_name} ({cover.get_payer_display()}) · "
                    f"{cover.get_source_display()}" + (f" · {cover.evidence}" if cover.evidence else ""))
            found[cover.peserta_id] = Found(cover.peserta_id, membership[cover.peserta_id], Rule.OTHER_PAYER, said[:300])
    return list(found.values())


def _paid_already(bill, lines, day: date) -> list[Found]:
    """The month already paid, by the member himself or another payer (BPJS's status file), not by this bill."""
    paid = PaidMonth.objects.filter(peserta=OuterRef("peserta_id"), month=day).exclude(payment__bill=bill)
    found = []
    for peserta, membership in lines.filter(Exists(paid)).values_list("peserta_id", "membership_id"):
        payer, paid_on = (PaidMonth.objects.filter(peserta_id=peserta, month=day)
                          .values_list("payer", "paid_on").get())
        found.append(Found(peserta, membership, Rule.PAID_ALREADY,
                           f"Iuran {bulan(Month.of(day))} sudah dibayar ({PAYERS.get(payer, payer)}) pada {tanggal(paid_on)}"))
    return found


def _other_programme(bill, lines, day: date) -> list[Found]:
    """The same person a billed member of another approved or running programme for the month."""
    others = (Membership.objects.filter(peserta_id__in=lines.values("peserta_id"), status__in=BILLED,
                                        first__lte=day, last__gte=day,
                                        programme__status__in=[Programme.Status.APPROVED, Programme.Status.RUNNING])
              .exclude(programme_id=bill.programme_id).exclude(ended_on__lt=day))
    membership = dict(lines.filter(peserta_id__in=others.values("peserta_id")).values_list("peserta_id", "membership_id"))
    return [Found(peserta, membership[peserta], Rule.OTHER_PROGRAMME,
                  f"Juga peserta {name} ({code}), {bulan(Month.of(first))} s.d. {bulan(Month.of(last))}")
            for peserta, code, name, first, last in others.order_by("peserta_id", "programme__code").values_list(
                "peserta_id", "programme__code", "programme__name", "first", "last")]


def _duplicates(bill, lines, day: date) -> list[Found]:
    """A pair of the linkage still to review, of which this member is one side and the other is a member too."""
    members = Membership.objects.filter(status__in=BILLED).values("peserta_id")
    pairs = (DuplicatePair.objects.filter(decision=DuplicatePair.Decision.PENDING)
             .filter(Q(a__in=lines.values("peserta_id"), b__in=members) | Q(b__in=lines.values("peserta_id"),
                                                                            a__in=members)))
    on_bill = dict(lines.filter(Q(peserta_id__in=pairs.values("a")) | Q(peserta_id__in=pairs.values("b")))
                   .values_list("peserta_id", "membership_id"))
    found = {}
    # The evidence never names the other person: he may live in an area the reader does not see.
    for a, b, probability in pairs.values_list("a_id", "b_id", "probability"):
        for this in (a, b):
            if this in on_bill and (this, Rule.DUPLICATE) not in found:
                found[(this, Rule.DUPLICATE)] = Found(
                    this, on_bill[this], Rule.DUPLICATE,
                    f"Mirip peserta lain (peluang {probability:.0%}); belum diputuskan di halaman Duplikat")
    return list(found.values())


def _no_kpj(bill, lines, day: date) -> list[Found]:
    return [Found(peserta, membership, Rule.NO_KPJ, "Nomor KPJ belum diterima dari BPJS")
            for peserta, membership in lines.filter(membership__kpj="").values_list("peserta_id", "membership_id")]
