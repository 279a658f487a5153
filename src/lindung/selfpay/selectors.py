"""Reads of the hand-over to self-paid membership: when the programme's funded months end, what each member
would pay himself, when he lapses if nobody pays, and how the cohort fared since (DOMAIN.md §2, §4).

Set-based: two queries (the memberships with their people, and their paid months), then the coverage engine
once per distinct history of payments and the rate table once per (month, occupation), not once per member.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField, Count, Exists, ExpressionWrapper, F, Min, OuterRef, Q, QuerySet, Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from lindung.accounts import scoping
from lindung.accounts.scoping import within
from lindung.core.paging import CountedPaginator
from lindung.core.templatetags.lindung import bulan as month_words
from lindung.enrolment.models import Membership
from lindung.enrolment.selectors import PER_PAGE, in_register_order
from lindung.notify.models import Message
from lindung.payments.models import PaidMonth
from lindung.payments.protection import states_on
from lindung.payments.selectors import BILLED
from lindung.regulation.selectors import calendar, regulation_on
from lindung.rules import coverage
from lindung.rules.contributions import Contribution, Month, Payer, bulan, contribution, month_range
from lindung.rules.holidays import Calendar
from lindung.rules.regulation import Regulation
from lindung.wilayah.models import Level, Wilayah
from lindung.wilayah.selectors import regency_name


PURPOSE = "selfpay"  # Message.purpose of the self-pay notice; Message.about is the programme's code
COHORT_MONTHS = 12


@dataclass(frozen=True)
class Member:
    membership_id: int
    peserta_id: int
    nik: str
    nama: str
    kpj: str
    phone: str
    desa_code: str
    desa: str
    kecamatan: str
    occupation: str  # Pekerjaan code, "" when none recorded
    funded_last: Month  # the last month the programme paid (else its planned last month)
    first_unfunded: Month
    lapse: date | None  # the day he lapses (or lapsed) if nobody pays beyond what is recorded; None: never paid
    self_pay: int  # per month from the first unfunded month, paying himself (PP 50/2025 discount included)
    discount: int  # of self_pay's month
    # What paying that month at the full rate (self_pay + discount) credits to the next month, PP 50/2025 Ps 6(1)
    full_rate_credit: int
    arrears: int  # the unpaid months from the first unfunded month to the lapse, to pay before the lapse date
    settled: Month | None  # the last month his payments settle, oldest month first (None: none)
    self_paid_months: int  # months he paid himself, as BPJS reported
    state: coverage.State  # today
    history: coverage.Membership  # shared by members with the same payments, for the cohort chart

    @property
    def funded_until(self) -> str:
        return bulan(self.funded_last)

    @property
    def pays_from(self) -> str:
        return bulan(self.first_unfunded)

    @property
    def lapsed(self) -> bool:
        return self.state is coverage.State.LAPSED


@dataclass(frozen=True)
class Village:
    code: str
    name: str
    kecamatan: str
    members: int
    with_phone: int
    paying: int  # paid at least one month himself and not lapsed today
    lapsed: int  # today


@dataclass(frozen=True)
class SelfPayList:
    members: list[Member]
    villages: list[Village]
    today: date

    @property
    def by_lapse_date(self) -> list[tuple[date, int]]:
        return sorted(Counter(m.lapse for m in self.members if m.lapse).items())

    @property
    def first_unfunded(self) -> Counter:
        return Counter(m.first_unfunded for m in self.members)

    @property
    def self_pay(self) -> Counter:
        return Counter(m.self_pay for m in self.members)


def memberships(user, programme) -> QuerySet[Membership]:
    """The programme's members with a KPJ (registered or active) in the user's area."""
    return Membership.objects.filter(_members_of(user, programme))


def _members_of(user, programme, path: str = "", *, ended: bool = False) -> Q:
    """``memberships`` (with ``ended``: those whose membership ended) as a condition on the membership reached by
    ``path``."""
    # Nobody asks the dead or those who left to pay on.
    return within(user, f"{path}peserta__desa__code") & Q(**{
        f"{path}programme": programme, f"{path}status__in": BILLED, f"{path}ended_on__isnull": not ended})


def ended_members(user, programme) -> list[tuple[int, str, str]]:
    """(person id, KPJ, NIK) of the programme's members in the user's area whose membership ended (died, left)."""
    return list(Membership.objects.filter(_members_of(user, programme, ended=True))
                .values_list("peserta_id", "kpj", "peserta__nik"))


def self_pay_list(user, programme, desa: str | None = None, kecamatan: str | None = None,
                  today: date | None = None) -> SelfPayList:
    """Every member of the programme in the user's area (or in one of its villages / kecamatan), in village and
    name order, with the figures of the hand-over, and the summary per village."""
    today = today or timezone.localdate()
    members = _members(_filtered(memberships(user, programme), desa, kecamatan), programme, today)
    return SelfPayList(members, _villages(members), today)


def _filtered(found: QuerySet[Membership], desa: str | None, kecamatan: str | None) -> QuerySet[Membership]:
    if desa:
        found = found.filter(peserta__desa_id=desa)
    if kecamatan:
        found = found.filter(peserta__desa__parent_id=kecamatan)
    return found.order_by("peserta__desa_id", "peserta__nama", "peserta_id")  # enrolment.selectors.in_register_order


def _members(found: QuerySet[Membership], programme, today: date) -> list[Member]:
    """The hand-over figures of each membership of ``found``, in its order: two queries, then the engine once per
    distinct history of payments and the rate table once per (month, occupation)."""
    rows = list(found.values_list(
        "pk", "peserta_id", "peserta__nik", "peserta__nama", "kpj", "peserta__telepon", "peserta__desa_id",
        "peserta__desa__name", "peserta__desa__parent__name", "peserta__pekerjaan_1__code", "first", "last"))
    paid = _paid_months(found)
    reg, days = regulation_on(today), calendar()
    histories: dict[tuple, tuple] = {}  # (start, planned last, payments) -> (engine's membership, figures)
    rates: dict[tuple[Month, str], Contribution] = {}
    members = []
    for pk, peserta_id, nik, nama, kpj, phone, desa_code, desa_name, kec_name, occupation, first, last in rows:
        occupation = occupation or ""
        payments = tuple(paid[pk])
        key = (first, last, payments)
        if key not in histories:
            histories[key] = _figures(first, last, payments, today, programme.pks_date, reg, days)
        history, funded_last, lapse, settled, unpaid, state = histories[key]
        first_unfunded = funded_last.next()
        rate = _rate(rates, programme, first_unfunded, occupation)
        members.append(Member(
            membership_id=pk, peserta_id=peserta_id, nik=nik, nama=nama, kpj=kpj, phone=phone, desa_code=desa_code,
            desa=desa_name, kecamatan=kec_name or "", occupation=occupation, funded_last=funded_last,
            first_unfunded=first_unfunded, lapse=lapse, self_pay=rate.total, discount=rate.discount,
            full_rate_credit=rate.credit(rate.full_rate),
            arrears=sum(_rate(rates, programme, m, occupation).total for m in unpaid),
            settled=settled, self_paid_months=sum(1 for *_, funded in payments if not funded), state=state,
            history=history,
        ))
    return members


def _paid_months(found: QuerySet[Membership]) -> dict[int, list[tuple]]:
    """Membership id -> its paid months in month order: (month, day paid, payer, paid by the programme)."""
    months: dict[date, Month] = {}  # a million rows hold a few dozen distinct months: each made once
    payers = {p.value: p for p in Payer}
    paid = defaultdict(list)
    for membership_id, month, paid_on, payer, payment_id in (
            PaidMonth.objects.filter(membership__in=found.order_by().values("pk")).order_by("month")
            .values_list("membership_id", "month", "paid_on", "payer", "payment_id")):
        paid[membership_id].append((months.get(month) or months.setdefault(month, Month.of(month)), paid_on,
                                    payers[payer], payment_id is not None))
    return paid


@dataclass(frozen=True)
class Overview:
    """The page's figures of every member in the user's area, counted in the database for any number of members:
    per village, and how many lapse on each day if nobody pays."""

    villages: list[Village]
    by_lapse_date: list[tuple[date, int]]
    members: int


def overview(user, programme, today: date | None = None) -> Overview:
    """What ``self_pay_list`` sums up, counted in the database from payments.Protection: a member has lapsed when
    his lapse date (from every recorded payment) has come, and pays himself when some month he paid is no bill's."""
    today = today or timezone.localdate()
    # One pass over the members, counted per village, lapse date and phone (a few thousand rows), summed up here:
    # three passes joined the people, their protection and their paid months once each.
    self_paid = Exists(PaidMonth.objects.filter(membership=OuterRef("pk"), payment__isnull=True))
    counted = (memberships(user, programme).order_by()
               .annotate(phone=ExpressionWrapper(~Q(peserta__telepon=""), output_field=BooleanField()))
               # Grouped by the lapse first: SQLite then reads the members in their table's order, not the people in
               # their villages' (one by one, across the whole table).
               .values_list("protection__lapse_on", "peserta__desa_id", "phone")
               .annotate(n=Count("pk"), paying=Count("pk", filter=Q(protection__lapse_on__gt=today) & Q(self_paid))))
    tally: dict[str, Counter[str]] = defaultdict(Counter)
    lapses: Counter[date] = Counter()
    for lapse, code, phone, n, paying in counted:
        tally[code].update({"members": n, "with_phone": n if phone else 0, "paying": paying,
                            "lapsed": n if lapse is not None and lapse <= today else 0})
        if lapse is not None:  # never paid: no lapse (Member.lapse)
            lapses[lapse] += n
    names = {code: (name, kecamatan) for code, name, kecamatan in Wilayah.objects.filter(
        code__in=list(tally)).values_list("code", "name", "parent__name")}
    villages = [Village(code=code, name=names[code][0], kecamatan=names[code][1] or "", members=c["members"],
                        with_phone=c["with_phone"], paying=c["paying"], lapsed=c["lapsed"])
                for code, c in sorted(tally.items())]
    return Overview(villages, sorted(lapses.items()), sum(v.members for v in villages))


def members_page(user, programme, number: str | int | None, *, kecamatan: str = "", desa: str = "",
                 count: int | None = None, today: date | None = None) -> Page:
    """Page ``number`` (PER_PAGE members) of the list, kecamatan or village chosen, in the register's order; the
    figures are worked out for the members shown only. ``count``, when the caller knows it, spares counting them
    again."""
    found = _filtered(memberships(user, programme), desa or None, kecamatan or None)
    pks = found.values_list("pk", flat=True)
    paginator = Paginator(pks, PER_PAGE) if count is None else CountedPaginator(pks, PER_PAGE, count)
    page = paginator.get_page(number)
    start, end = (page.number - 1) * PER_PAGE, page.number * PER_PAGE
    # Every member of the list is one of ``found``: the register's order is walked unless the page is far down.
    people = in_register_order(user, found, start, end, paginator.count, paginator.count, area=desa or kecamatan)
    shown = {m.peserta_id: m for m in _members(found.filter(peserta__in=people), programme,
                                                today or timezone.localdate())}
    return Page([shown[pk] for pk in people], page.number, paginator)


def cohort_of(user, programme) -> list[dict]:
    """``cohort`` of every member in the user's area, counted in the database: each member's state on the months'
    last days is payments.Protection's (``protection.states_on``, what the engine says), grouped with his last
    funded month (see _history)."""
    funded = PaidMonth.objects.filter(membership=OuterRef("pk"), payment__isnull=False).order_by("-month")
    found = memberships(user, programme).order_by().annotate(
        funded_last=Coalesce(Subquery(funded.values("month")[:1]), F("last")))
    earliest = found.aggregate(earliest=Min("funded_last"))["earliest"]
    if earliest is None:
        return []
    start = Month.of(earliest).next()
    months = month_range(start, start.shift(COHORT_MONTHS - 1))
    states = [f"protection_state_{i}" for i in range(len(months))]
    counts: list[Counter[str]] = [Counter() for _ in months]
    for funded_last, *on_month_ends, n in (
            states_on(found, [month.next().first_day - timedelta(days=1) for month in months])
            .values_list("funded_last", *states).annotate(n=Count("pk"))):
        for i, (month, state) in enumerate(zip(months, on_month_ends)):
            counts[i][_series(Month.of(funded_last), month, coverage.State(state))] += n
    return [{"month": month, **{s: c[s] for s in SERIES}} for month, c in zip(months, counts)]


def _figures(first: date, last: date, payments: tuple, today: date, pks: date | None, reg: Regulation,
             days: Calendar):
    """(engine's membership, last funded month, lapse date, last month settled, unpaid months before the lapse from
    the first unfunded month, state today) of one history of payments."""
    history, funded_last = _history(first, last, payments, pks)
    lapse = coverage.lapses_on(history, reg=reg, calendar=days)  # no end given: None only when nothing was ever paid
    # Payments settle the oldest months first: those after the last one settled are unpaid.
    settled = coverage.paid_until(history, date.max, reg=reg, calendar=days)
    unpaid = [] if lapse is None else [m for m in month_range(funded_last.next(), Month.of(lapse).shift(-1))
                                       if settled is None or m > settled]
    return (history, funded_last, lapse, settled, unpaid,
            coverage.status_on(history, today, reg=reg, calendar=days).state)


def _history(first: date, last: date, payments: tuple, pks: date | None) -> tuple[coverage.Membership, Month]:
    """The engine's membership, and the last month the programme paid (else its planned last month)."""
    history = coverage.Membership(registered=first, pks=pks, payments=tuple(
        coverage.Payment(month, payer, paid_on) for month, paid_on, payer, _ in payments))
    funded = [month for month, *_, by_programme in payments if by_programme]
    return history, max(funded) if funded else Month.of(last)


def _rate(cache: dict, programme, month: Month, occupation: str) -> Contribution:
    """The month's contribution of a member paying himself at the programme's income tier and JHT option."""
    if (month, occupation) not in cache:
        cache[(month, occupation)] = contribution(month, Payer.MANDIRI, occupation, programme.income_tier,
                                                  jht=programme.include_jht, reg=regulation_on(month.first_day))
    return cache[(month, occupation)]


def _villages(members: list[Member]) -> list[Village]:
    by_village: dict[str, list[Member]] = defaultdict(list)
    for m in members:
        by_village[m.desa_code].append(m)
    return [Village(
        code=code, name=found[0].desa, kecamatan=found[0].kecamatan, members=len(found),
        with_phone=sum(1 for m in found if m.phone),
        paying=sum(1 for m in found if m.self_paid_months and m.state is not coverage.State.LAPSED),
        lapsed=sum(1 for m in found if m.state is coverage.State.LAPSED),
    ) for code, found in by_village.items()]


# The cohort chart's series: what a member is at the end of a month.
FUNDED, PAYING, ARREARS, LAPSED = "funded", "paying", "arrears", "lapsed"
SERIES = {FUNDED: (gettext_lazy("Paid by the programme"), "#0b6e4f"),
          PAYING: (gettext_lazy("Active, paying themselves"), "#2a7ab0"),
          ARREARS: (gettext_lazy("In arrears"), "#e0a100"), LAPSED: (gettext_lazy("Lapsed"), "#b3261e")}


def cohort(found: SelfPayList) -> list[dict]:
    """Month by month for a year from the earliest first unfunded month: how many members are still paid by the
    programme, active paying themselves, in arrears, or lapsed, on the month's last day (from the months paid,
    self-paid ones included; a month still to come shows what happens if nobody pays any more)."""
    return _cohort(Counter((m.history, m.funded_last) for m in found.members), regulation_on(found.today),
                   calendar())


def _cohort(groups: Counter[tuple], reg: Regulation, days: Calendar) -> list[dict]:
    """``cohort`` of the members counted per (engine's membership, last funded month)."""
    if not groups:
        return []
    start = min(funded_last for _, funded_last in groups).next()
    months = month_range(start, start.shift(COHORT_MONTHS - 1))
    counts: list[Counter[str]] = [Counter() for _ in months]
    month_ends = [month.next().first_day - timedelta(days=1) for month in months]
    for (history, funded_last), n in groups.items():
        states = coverage.statuses_on(history, month_ends, reg=reg, calendar=days)
        for i, month in enumerate(months):
            counts[i][_series(funded_last, month, states[i].state)] += n
    return [{"month": month, **{s: c[s] for s in SERIES}} for month, c in zip(months, counts)]


def _series(funded_last: Month, month: Month, state: coverage.State) -> str:
    if month <= funded_last:
        return FUNDED
    if state is coverage.State.ACTIVE:
        return PAYING
    return ARREARS if state is coverage.State.ARREARS else LAPSED


def cohort_chart(rows: list[dict]) -> dict:
    """The cohort as a Plotly figure for core/static/lindung/charts.js."""
    labels = [month_words(r["month"]) for r in rows]
    # Stacked areas (stackgroup): charts.js takes traces only, no layout of their own.
    traces = [{"type": "scatter", "mode": "lines", "stackgroup": "cohort", "name": str(name), "x": labels,
               "y": [r[s] for r in rows], "line": {"color": color, "shape": "hv"}}
              for s, (name, color) in SERIES.items() if any(r[s] for r in rows)]
    return {"title": gettext("Members after the programme's paid months"), "traces": traces}


def regency_payer() -> str:
    """Who paid, as a text message names it: "Pemkab Kaur" for Kabupaten Kaur, "Pemkot …" for a city, "Pemprov …"
    for a province deployment."""
    return _payer(regency_name())


def area_payer(code: str) -> str:
    """Who pays from the budget of area ``code`` (a programme's owner: a regency, a city or the province), named the
    same way; "" for an area not loaded."""
    found = Wilayah.objects.filter(code=code).values_list("name", "level").first()
    if found is None:
        return ""
    return _payer(f"Provinsi {found[0]}" if found[1] == Level.PROVINSI else found[0])


def _payer(name: str) -> str:
    if name.startswith("Provinsi "):
        return "Pemprov " + name.removeprefix("Provinsi ")
    if name.startswith("Kota "):
        return "Pemkot " + name.removeprefix("Kota ")
    return "Pemkab " + name.removeprefix("Kabupaten ")


def outbox(user, programme, status: str = "") -> QuerySet[Message]:
    """The hand-over messages of the programme to the members in the user's area."""
    found = Message.objects.filter(scoping.outbox(user), purpose=PURPOSE, about=programme.code)
    return found.filter(status=status) if status else found


def outbox_counts(user, programme) -> dict[str, int]:
    counted = Counter(outbox(user, programme).values_list("status", flat=True))
    return {s.value: counted[s.value] for s in Message.Status}
