"""What the public status check by NIK (/cek-status/) may say of a person: for the worker or his heirs, who often
do not know he is covered. Read through the coverage engine, as the card's QR check and every page are.

Only someone who gives the NIK *and* the date of birth on record gets an answer; an unknown NIK, a wrong date of
birth and a person never registered with BPJS are all "not found", after the same single query."""

from dataclasses import dataclass
from datetime import date

from lindung.core.masking import masked_name
from lindung.enrolment.models import Membership
from lindung.life.selectors import paying_on
from lindung.regulation.selectors import calendar, regulation_on
from lindung.rules import claims, coverage
from lindung.rules.contributions import Month, Payer, UnknownTier, contribution

from .protection import registered
from .selectors import membership_coverage

SELF_PAY_MONTHS = 24  # the self-paid contribution stated for this many months from the first he pays himself: a
# discount ending within them (PP 50/2025 ends in December 2026) is shown with its end


@dataclass(frozen=True)
class Rate:
    since: Month
    until: Month | None  # the last month at this rate; None: the last rate known
    amount: int  # Rupiah a month


@dataclass(frozen=True)
class PublicStatus:
    membership_id: int  # for the audit event only
    name: str  # masked: the family recognises it, nobody finds him by it
    status: coverage.Status  # today's, from the engine
    since: date | None  # cover runs from (None: nothing paid yet)
    starts: date | None  # registered for a programme that starts later
    paid_until: Month | None  # the last month settled
    funded_until: Month  # the programme's last funded month for him
    owed_by_programme: tuple[Month, ...]  # months in arrears the programme is to pay, not he
    # The day he loses protection unless he pays, once the programme no longer pays: while it does, that day
    # (the engine's, from the payments made so far) would only frighten him.
    lapse_unless_he_pays: date | None
    self_pay: tuple[Rate, ...]  # what he pays himself, from the first month the programme does not pay
    # Another payer of that month (life.OtherCover, e.g. the village fund): then he is not told to pay it himself.
    next_payer: str
    heirs_may_claim: bool  # died while protected: the heirs can claim JKM (or JKK)
    heirs_after_arrears: bool  # ... the funeral cost at once, the rest after the arrears are paid

    @property
    def protected(self) -> bool:
        return self.status.state in (coverage.State.ACTIVE, coverage.State.ARREARS)

    @property
    def died(self) -> bool:
        return self.status.end_kind is coverage.EndKind.DEATH


def _chosen(nik: str, born: date, day: date) -> Membership | None:
    """The person's current registered membership on ``day``, else the next one to start: one query, the same
    whether the NIK is unknown, the date of birth wrong or the person never registered."""
    found = list(Membership.objects.filter(registered(), peserta__nik=nik, peserta__tanggal_lahir=born)
                 .select_related("peserta__pekerjaan_1", "programme").order_by("-first", "-pk"))
    return next((m for m in found if m.first <= day), found[-1] if found else None)


def public_status(nik: str, born: date, day: date) -> PublicStatus | None:
    """The person's protection on ``day`` for the public check; None when NIK and date of birth name nobody
    registered."""
    membership = _chosen(nik, born, day)
    if membership is None:
        return None
    engine = membership_coverage(membership)
    days = calendar()
    status = coverage.status_on(engine, day, reg=regulation_on(day), calendar=days)
    made = sorted((p for p in engine.payments if p.paid_on <= day), key=lambda p: (p.paid_on, p.month))
    since = coverage.cover_start(engine, made[0].month, regulation_on(day)) if made else None
    paid_until = coverage.paid_until(engine, day, reg=regulation_on(day), calendar=days)
    funded_until = Month.of(membership.last)
    heirs, after_arrears = False, False
    if status.state is coverage.State.ENDED and status.end_kind is coverage.EndKind.DEATH:
        assert membership.ended_on is not None  # ENDED always has its day
        at_death = coverage.claim_status(engine, membership.ended_on, reg=regulation_on(membership.ended_on),
                                         calendar=days)
        heirs = at_death.state in (coverage.State.ACTIVE, coverage.State.ARREARS)
        after_arrears = at_death.state is coverage.State.ARREARS
    protected = status.state in (coverage.State.ACTIVE, coverage.State.ARREARS)
    next_payer = (paying_on(funded_until.next().first_day).filter(peserta_id=membership.peserta_id)
                  .values_list("payer_name", flat=True).first() or "")
    return PublicStatus(
        membership_id=membership.pk, name=masked_name(membership.peserta.nama), status=status, since=since,
        starts=membership.first if day < membership.first else None, paid_until=paid_until, funded_until=funded_until,
        owed_by_programme=tuple(m for m in status.arrears if m <= funded_until),
        lapse_unless_he_pays=status.lapse if protected and funded_until < Month.of(day) else None,
        self_pay=_self_pay(membership, paid_until, funded_until) if protected and not next_payer else (),
        next_payer=next_payer, heirs_may_claim=heirs,
        heirs_after_arrears=after_arrears)


def _self_pay(membership: Membership, paid_until: Month | None, funded_until: Month) -> tuple[Rate, ...]:
    """The member's own contribution (iuran mandiri) at his programme's income tier and JHT option, from the month
    after both the programme's last and the last settled, while it changes (the PP 50/2025 discount ends); empty
    when the tier table has no row for a month: the office tells him then."""
    first = max(funded_until, paid_until or funded_until).next()
    occupation = membership.peserta.pekerjaan_1.code if membership.peserta.pekerjaan_1 else ""
    rates: list[Rate] = []
    for month in (first.shift(i) for i in range(SELF_PAY_MONTHS)):
        try:
            amount = contribution(month, Payer.MANDIRI, occupation, membership.programme.income_tier,
                                  jht=membership.programme.include_jht, reg=regulation_on(month.first_day)).total
        except UnknownTier:
            return ()
        if not rates or rates[-1].amount != amount:
            if rates:
                rates[-1] = Rate(rates[-1].since, month.shift(-1), rates[-1].amount)
            rates.append(Rate(month, None, amount))
    return tuple(rates)


@dataclass(frozen=True)
class ClaimHelp:
    """How to claim, for everyone who asks: which papers, and the deadlines that are firm."""

    jkm: tuple[str, ...]
    jkk: tuple[str, ...]
    police_report: str  # JKK on the road: also the police report
    report_days: int  # a work accident is reported within 2 × 24 hours


def claim_help(day: date) -> ClaimHelp:
    table = claims.deadline_table(day)
    police = next(d.label for d in claims.checklist(claims.Kind.JKK_INJURY, traffic_accident=True)
                  if d.code == "laporan_polisi")
    return ClaimHelp(jkm=tuple(d.label for d in claims.checklist(claims.Kind.JKM)),
                     jkk=tuple(d.label for d in claims.checklist(claims.Kind.JKK_INJURY)), police_report=police,
                     report_days=table.report_days)
