"""A member's protection on a day, for many members at once: rules.coverage's ``status_on`` as SQL.

``with_protection(memberships, day)`` annotates each membership with what the coverage engine
(``rules.coverage.status_on(payments.selectors.membership_coverage(m), day)``) says, computed in the
database (SQLite and PostgreSQL), so a list or a count of any size never runs the engine member by member:

- ``protection_state``: a ``rules.coverage.State`` value ('belum_terdaftar', 'aktif', 'menunggak',
  'nonaktif', 'berakhir');
- ``protection_arrears``: the months in arrears (0 unless 'menunggak');
- ``protection_lapse``: ``coverage.lapses_on``: the day it lapsed, or the day it lapses if nobody pays
  beyond the recorded payments; NULL when it ends first (death, exit).

It reads the stored ``Protection`` row of each membership: what does not depend on the day (the lapse date,
the latest month paid, the person's next membership), rebuilt from the facts by ``refresh`` (and moved on by
``paid`` when a month is paid) in the same transaction as every service that changes them. The day's state
is then a few comparisons per row, and the regent's counts one pass over a narrow index.

How the engine's rules become set-based (no reactivation: ``Membership`` has none, DOMAIN.md §8):

- Nothing is covered before the first payment (PP 44/2015 Ps 1 angka 4): ``first_paid_on`` is its day and ``start``
  the cover start (``coverage.cover_start``: the month of the first payment made, or the PKS date, by the settings
  in force when it is rebuilt), both NULL while nothing is paid.
- Payments settle the oldest unpaid month first, in the order they were made (day, then month): the i-th payment
  (from 0) settles the month i after the start's. ``last_paid`` is the month the latest one settles
  (start + n - 1 of n payments).
- The lapse date does not depend on the day: the first day of start + i + 3 for the first payment i made on or
  after it, start + n + 3 when there is none. A member whose months recorded are the start's month and those
  after it without a gap, each paid before the first day of the month three after it, lapses on the last + 4
  (the i-th payment made is not after the latest of the first i + 1 months): nearly everyone, found from the
  aggregates alone; the others rank their payments. For ``reg.lapse_day`` after the due date, which depends on
  holidays, the lapse is the engine's, member by member (``_engine_lapses``).
- On day d: not yet registered if d < first; ended if end <= d; not yet covered if nothing was paid by d or d is
  before the start; lapsed if lapse <= d (an engine computing the lapse from the payments made by d finds the same
  day whenever it is on or before d); otherwise the arrears are the months from the one after the last settled by
  d up to the latest month whose due date (``contributions.due_date``, never before the start) is before d — the
  same month D for everyone whose cover started before d, computed once in Python (holidays included). The last
  month settled by d is ``last_paid`` when the latest payment was made by d; otherwise the payments made by then
  are counted.
- A person's *current* membership on a day is his registered one (status registered/active or any with a
  KPJ) with the latest ``first`` on or before the day; a person is counted once. Stored: ``until``, the
  ``first`` of his next registered membership, so "current on d" is ``first <= d < until``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, TypedDict

from django.core.exceptions import EmptyResultSet
from django.db import NotSupportedError, connection
from django.db.models import (
    BooleanField, Case, CharField, Count, DateField, Exists, ExpressionWrapper, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When,
)
from django.db.models.functions import Cast, Coalesce, Greatest
from django.db.models.lookups import Exact, GreaterThan, GreaterThanOrEqual

from lindung.accounts.scoping import within
from lindung.core.db import insert_from
from lindung.enrolment.models import Membership
from lindung.registry.models import Peserta
from lindung.regulation.selectors import calendar, regulation_on
from lindung.rules import coverage
from lindung.rules.contributions import Month, Payer, due_date
from lindung.rules.coverage import MAX_ARREARS, State
from lindung.rules.regulation import CoverStart, LapseDay, Regulation
from lindung.wilayah.models import Level, Wilayah

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

from .models import PaidMonth, Protection

LAPSE_HORIZONS = (30, 60, 90)  # days: the lapse cliff
CHUNK = 2000  # people per statement when they come as a list


class _AddMonths(Func):
    """The first day of the month ``months`` (a number or an integer expression) after the one ``expression``
    falls in."""

    output_field = DateField()

    def __init__(self, expression, months):
        super().__init__(expression, months if hasattr(months, "resolve_expression") else Value(int(months)))

    def as_sqlite(self, compiler, connection, **extra):
        (sql, params), (months, more) = (compiler.compile(e) for e in self.source_expressions)
        return f"date({sql}, 'start of month', ({months}) || ' months')", [*params, *more]

    def as_postgresql(self, compiler, connection, **extra):
        (sql, params), (months, more) = (compiler.compile(e) for e in self.source_expressions)
        return f"CAST(date_trunc('month', {sql}) + ({months}) * interval '1 month' AS date)", [*params, *more]

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError(f"Lindung's protection status needs SQLite or PostgreSQL, not {connection.vendor}.")


class _MonthIndex(Func):
    """Months since year 0 of a date (year * 12 + month - 1), like ``Month.index``."""

    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return (f"(CAST(strftime('%%Y', {sql}) AS INTEGER) * 12 + CAST(strftime('%%m', {sql}) AS INTEGER) - 1)",
                params * 2)

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return (f"(CAST(EXTRACT(YEAR FROM {sql}) AS integer) * 12 + CAST(EXTRACT(MONTH FROM {sql}) AS integer) - 1)",
                params * 2)

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError(f"Lindung's protection status needs SQLite or PostgreSQL, not {connection.vendor}.")


def _count(rows: QuerySet) -> Subquery:
    return Subquery(rows.order_by().values(n=Func(F("pk"), function="COUNT", output_field=IntegerField())),
                    output_field=IntegerField())


def _regular_lapse() -> Subquery:
    """last + 4 for a membership whose months recorded are the start's and those after it without a gap, each paid
    before the first day of the month three after it (nearly everyone); NULL for anyone else. One row of aggregates
    over its paid months (plain functions, so Django adds no GROUP BY), for Protection rows."""
    paid = PaidMonth.objects.filter(membership=OuterRef("pk"))
    count, earliest, last = (Func(F("month"), function=f, output_field=o)
                             for f, o in (("COUNT", IntegerField()), ("MIN", DateField()), ("MAX", DateField())))
    late = Func(Case(When(paid_on__gte=_AddMonths(F("month"), MAX_ARREARS), then=Value(1)), default=Value(0)),
                function="MAX", output_field=IntegerField())
    return Subquery(paid.order_by().values(lapse=Case(
        When(Exact(earliest, _AddMonths(OuterRef("start"), 0)) & Exact(late, Value(0))
             & Exact(count, _MonthIndex(last) - _MonthIndex(earliest) + 1), then=_AddMonths(last, MAX_ARREARS + 1)),
        output_field=DateField())), output_field=DateField())


def lapse_expression() -> Coalesce:
    """The membership's lapse date ignoring its end (``coverage.lapses_on`` with every payment, the lapse on the
    first day of the fourth unpaid month), as an expression over Protection rows with their start."""
    paid = PaidMonth.objects.filter(membership=OuterRef("pk"))
    # Each payment's place in the order payments settle months: those made before it (day, then month).
    rank = _count(PaidMonth.objects.filter(membership=OuterRef("membership")).filter(
        Q(paid_on__lt=OuterRef("paid_on")) | Q(paid_on=OuterRef("paid_on"), month__lt=OuterRef("month"))))
    # The first payment made on or after the first day of the month three after the one it settles: too late.
    too_late = (paid.alias(rank=rank)
                .filter(GreaterThanOrEqual(_MonthIndex(F("paid_on")) - F("rank"),
                                           _MonthIndex(OuterRef("start")) + MAX_ARREARS))
                .order_by("paid_on", "month").values(lapse=_AddMonths(OuterRef("start"), F("rank") + MAX_ARREARS))[:1])
    return Coalesce(_regular_lapse(), Subquery(too_late, output_field=DateField()),
                    _AddMonths(F("start"), _count(paid) + MAX_ARREARS), output_field=DateField())


def latest_due_month(day: date) -> Month:
    """The latest month whose due date is before ``day``, for a member registered before ``day``: by the due day of
    the settings in force then and the closed days the office keeps."""
    month = Month.of(day)
    return month if day > due_date(month, reg=regulation_on(month.first_day), calendar=calendar()) else month.shift(-1)


# The stored protection: kept by the services, read by every list and count.

def registered() -> Q:
    """Memberships BPJS registered: status registered or active, or any with a KPJ."""
    return Q(status__in=[Membership.Status.REGISTERED, Membership.Status.ACTIVE]) | ~Q(kpj="")


def _start(reg: Regulation) -> Case:
    """The cover start (``coverage.cover_start``) as an expression over Membership rows: NULL before any payment."""
    paid = PaidMonth.objects.filter(membership=OuterRef("pk")).order_by("paid_on", "month")
    first_paid = Subquery(paid.values("month")[:1], output_field=DateField())
    start = Greatest(first_paid, F("first"))
    if reg.cover_starts is CoverStart.PKS:
        pks = Q(programme__pks_date__isnull=False, programme__pks_date__lt=_AddMonths(first_paid, 1))
        start = Case(When(pks, then=Greatest(F("programme__pks_date"), F("first"))), default=start)
    # GREATEST ignores a NULL on PostgreSQL, not on SQLite: the case without a payment is said.
    return Case(When(~Exists(paid), then=Value(None)), default=start, output_field=DateField())


def _facts(reg: Regulation) -> dict:
    """Protection's columns computed from the facts, as expressions over Membership rows (the lapse and the last
    month settled follow from the start: ``refresh``)."""
    paid = PaidMonth.objects.filter(membership=OuterRef("pk")).order_by()
    later = Membership.objects.filter(registered(), peserta=OuterRef("peserta_id")).filter(
        Q(first__gt=OuterRef("first")) | Q(first=OuterRef("first"), pk__gt=OuterRef("pk")))
    return {
        "membership_id": F("pk"), "peserta_id": F("peserta_id"), "desa": F("peserta__desa_id"),
        "registered": ExpressionWrapper(registered(), output_field=BooleanField()),
        "first": F("first"), "until": Subquery(later.order_by("first").values("first")[:1]),
        "ended_on": F("ended_on"), "start": _start(reg),
        "first_paid_on": Subquery(paid.values(x=Func(F("paid_on"), function="MIN", output_field=DateField())),
                                  output_field=DateField()),
        "last_paid_on": Subquery(paid.values(x=Func(F("paid_on"), function="MAX", output_field=DateField())),
                                 output_field=DateField()),
        # Typed: PostgreSQL reads a bare NULL in a subquery's select list as text, which a date column refuses.
        "lapse_on": Cast(Value(None), DateField()), "last_paid": Cast(Value(None), DateField()),
    }


def refresh(memberships: QuerySet[Membership], reg: Regulation | None = None) -> int:
    """Rebuilds the stored protection of ``memberships`` from the facts, by the settings in force today unless
    ``reg`` is given: called by every service that creates memberships or changes their registration, end or paid
    months, and for every membership when a setting of coverage changes. Returns the rows written."""
    reg = reg or regulation_on()
    written = insert_from(Protection, {}, memberships, _facts(reg), replacing="membership_id")
    rows = Protection.objects.filter(membership__in=memberships.values("pk"), start__isnull=False)
    if reg.lapse_day is LapseDay.FOURTH_MONTH:
        rows.update(lapse_on=lapse_expression(),
                    last_paid=_AddMonths(F("start"), _count(PaidMonth.objects.filter(membership=OuterRef("pk"))) - 1))
    else:
        _engine_lapses(rows, reg)
    return written


def _engine_lapses(rows: QuerySet[Protection], reg: Regulation) -> None:
    """The lapse and the last month settled of ``rows`` from the coverage engine, member by member: the lapse on
    the day after a due date depends on holidays, which SQL does not know."""
    paid, days = defaultdict(list), calendar()
    for membership_id, month, payer, paid_on in (PaidMonth.objects.filter(membership__in=rows.values("pk"))
                                                 .values_list("membership_id", "month", "payer", "paid_on")):
        paid[membership_id].append(coverage.Payment(Month.of(month), Payer(payer), paid_on))
    changed = []
    for row in rows.select_related("membership__programme"):
        engine = coverage.Membership(registered=row.first, payments=tuple(paid[row.pk]),
                                     pks=row.membership.programme.pks_date)
        row.lapse_on = coverage.lapses_on(engine, reg=reg, calendar=days)
        assert row.start is not None and row.lapse_on is not None  # paid: the membership runs some time
        row.last_paid = Month.of(row.start).shift(len(paid[row.pk]) - 1).first_day
        changed.append(row)
    Protection.objects.bulk_update(changed, ["lapse_on", "last_paid"], batch_size=CHUNK)


def _by_chunks(write, peserta: QuerySet | Sequence[int]) -> int:
    """``write`` on a queryset of people, or on a list of their ids in chunks (a bound list per statement)."""
    if isinstance(peserta, QuerySet):
        return write(peserta)
    ids = list(peserta)
    return sum(write(ids[i:i + CHUNK]) for i in range(0, len(ids), CHUNK))


def refresh_people(peserta: QuerySet | Sequence[int]) -> int:
    """``refresh`` for every membership of these people: a registration changes which one is current."""
    return _by_chunks(lambda found: refresh(Membership.objects.filter(peserta__in=found)), peserta)


def moved(peserta: QuerySet | Sequence[int]) -> int:
    """The village of these people, after the registry changed it."""
    village = Peserta.objects.filter(pk=OuterRef("peserta_id")).values("desa_id")[:1]
    return _by_chunks(lambda found: Protection.objects.filter(peserta__in=found).update(desa=Subquery(village)),
                      peserta)


def paid(memberships: QuerySet[Membership], paid_on: date, reg: Regulation | None = None) -> int:
    """After a month of ``memberships`` was paid on ``paid_on`` (their PaidMonth rows written): a member whose payments
    all settled in time (his lapse four months after the last month settled), paying after his earlier payments and
    before his lapse, has the next month settled and his lapse one month later (nearly every line of a bill); the
    others are rebuilt. Returns the rows rebuilt."""
    reg = reg or regulation_on()
    if reg.lapse_day is not LapseDay.FOURTH_MONTH:
        return refresh(memberships, reg)
    rows = Protection.objects.filter(membership__in=memberships)
    in_time = Q(lapse_on=_AddMonths(F("last_paid"), MAX_ARREARS + 1), first_paid_on__lt=paid_on,
                last_paid_on__lte=paid_on, lapse_on__gt=paid_on)
    rows.filter(in_time).update(lapse_on=_AddMonths(F("lapse_on"), 1), last_paid=_AddMonths(F("last_paid"), 1),
                                last_paid_on=Value(paid_on))
    # Still in time after the update, so only the others are rebuilt.
    return refresh(Membership.objects.filter(pk__in=rows.exclude(in_time).values("pk")), reg)


def _current_parts(day: date, path: str = "") -> tuple[Q, Q]:
    """Protection rows (reached by ``path`` from the queried model) of each person's current membership on ``day``,
    in two parts: his latest (nearly everyone, the partial index Protection.Meta) and one a later one follows."""
    # "IN (true)", not the bare column Django writes for "= true": SQLite then walks the index from its first column.
    registered = Q(**{f"{path}registered__in": [True], f"{path}first__lte": day})
    return registered & Q(**{f"{path}until__isnull": True}), registered & Q(**{f"{path}until__gt": day})


def _current(day: date, path: str = "") -> Q:
    """Protection rows (reached by ``path`` from the queried model) of each person's current membership on ``day``."""
    latest, followed = _current_parts(day, path)
    return latest | followed


def _arrears(day: date, path: str = "") -> Case:
    """The months from the one after the last settled by ``day`` up to the latest month due before it (0 or less:
    none), for a membership covered on ``day``; ``path`` leads from the queried model to Protection."""
    due = latest_due_month(day)
    made = _count(PaidMonth.objects.filter(membership=OuterRef("pk"), paid_on__lte=day))
    return Case(
        # Cover starts on the day itself: nothing is due yet (the due date is never before the start).
        When(**{path + "start": day}, then=Value(0)),
        When(**{path + "last_paid_on__lte": day}, then=Value(due.index) - _MonthIndex(F(path + "last_paid"))),
        # Something paid after the day: the payments made by then settled the start's month and those after it.
        default=Value(due.index + 1) - _MonthIndex(F(path + "start")) - made,
        output_field=IntegerField(),
    )


def _uncovered(day: date, path: str = "") -> Q:
    """Not covered on ``day`` though registered: nothing paid by then, or paid ahead of the cover start."""
    return (Q(**{path + "start__isnull": True}) | Q(**{path + "start__gt": day})
            | Q(**{path + "first_paid_on__gt": day}))


def _state(day: date, arrears, path: str = "") -> Case:
    """The state on ``day`` from the stored start and lapse date (ignoring the end) and the arrears."""
    # Ended from the end date on, even after a lapse (rules.coverage.status_on); lapsed if the lapse came by the day.
    return Case(
        When(**{path + "first__gt": day}, then=Value(State.NOT_YET.value)),
        When(**{path + "ended_on__lte": day}, then=Value(State.ENDED.value)),
        When(_uncovered(day, path), then=Value(State.NOT_YET.value)),
        When(**{path + "lapse_on__lte": day}, then=Value(State.LAPSED.value)),
        When(GreaterThan(arrears, Value(0)), then=Value(State.ARREARS.value)),
        default=Value(State.ACTIVE.value), output_field=CharField(),
    )


def _lapse(path: str = "") -> Case:
    """The lapse date, NULL when the membership ends first or nothing was paid."""
    return Case(When(**{path + "ended_on__lt": F(path + "lapse_on")}, then=Value(None)), default=F(path + "lapse_on"),
                output_field=DateField())


class ProtectionAnnotations(TypedDict):
    """What ``with_protection`` annotates a membership with (for the type checker)."""
    protection_state: str
    protection_arrears: int
    protection_lapse: date | None


if TYPE_CHECKING:
    ProtectedMembership = WithAnnotations[Membership, ProtectionAnnotations]


def with_protection(memberships: QuerySet[Membership], day: date) -> QuerySet[ProtectedMembership]:
    """``memberships`` annotated with ``protection_state``, ``protection_arrears`` and ``protection_lapse`` on
    ``day``: exactly what the coverage engine says of each (see the module's docstring)."""
    path = "protection__"
    return (memberships.alias(protection_arrears_raw=_arrears(day, path))
            .annotate(protection_state=_state(day, F("protection_arrears_raw"), path), protection_lapse=_lapse(path))
            .annotate(protection_arrears=Case(When(protection_state=State.ARREARS.value,
                                                   then=F("protection_arrears_raw")),
                                              default=Value(0), output_field=IntegerField())))


def participants_on(day: date, among: Q | None = None) -> frozenset[str]:
    """NIKs of the people whose registration still runs on ``day``: a registered membership paid for (a participant,
    PP 44/2015 Ps 1 angka 4), not ended nor lapsed by then. They continue past 65: the age limit is at registration.
    ``among``: a filter on the protections (an area's people only)."""
    return frozenset(Protection.objects.filter(among or Q(), registered=True, start__isnull=False)
                     .exclude(ended_on__lte=day).exclude(lapse_on__lte=day).values_list("peserta__nik", flat=True))


# A person's current membership.

def current_memberships(day: date, memberships: QuerySet[Membership] | None = None) -> QuerySet[Membership]:
    """Each person's current membership on ``day``: of his registered ones, the one with the latest ``first``
    on or before the day (the latest made, of two starting the same day). One per person."""
    memberships = Membership.objects.all() if memberships is None else memberships
    return memberships.filter(_current(day, "protection__"))


def current_membership(peserta, day: date) -> Membership | None:
    """The person's current membership on ``day`` (None: none registered by then)."""
    return (Membership.objects.filter(registered(), peserta=peserta, first__lte=day)
            .order_by("-first", "-pk").first())


# Counts for the regent's page.

@dataclass(frozen=True)
class AreaProtection:
    """Current members of an area by their state on the day, and those who lose protection soon."""

    code: str
    name: str
    aktif: int = 0  # protected today, every due month paid
    menunggak: int = 0  # protected today with 1-3 months in arrears
    nonaktif: int = 0  # lapsed
    berakhir: int = 0  # died or left
    belum: int = 0  # registered, not yet covered: the first contribution is not paid (PP 44/2015 Ps 1 angka 4)
    lapse_next: dict[int, int] = field(default_factory=lambda: dict.fromkeys(LAPSE_HORIZONS, 0))

    @property
    def protected(self) -> int:
        return self.aktif + self.menunggak

    @property
    def members(self) -> int:
        return self.aktif + self.menunggak + self.nonaktif + self.berakhir + self.belum


@dataclass(frozen=True)
class ProtectionCounts:
    day: date
    kecamatan: list[AreaProtection]  # in code order, each kecamatan of the user's area with a current member
    total: AreaProtection


_COUNTED = ("aktif", "menunggak", "nonaktif", "berakhir", "belum")


# What decides the state of a group of members but perhaps their arrears, in the index's order (Protection.Meta).
_GROUP = ("desa", "first", "start", "first_paid_on", "ended_on", "lapse_on", "last_paid")


def protection_counts(user, day: date) -> ProtectionCounts:
    """Each person's current membership on ``day`` in the user's area, by state, per kecamatan and in total,
    with ``lapse_next[n]``: those protected today (aktif or menunggak) whose protection lapses within ``n`` days
    (after the day, on or before day + n) unless someone pays.

    One pass over the stored protection in index order, grouped by village, first day, cover start, first payment,
    end, lapse and last month settled (some tens of thousands of groups for a million members); the same statement
    says each group's state as ``_state`` says it and sums the groups per village and state, so a few hundred rows
    come back (reading the groups into Python cost a second at a million members). Their arrears follow from the
    last month settled, but for the few members who paid something after the day: those are read one by one
    (``_arrears``), in their villages only."""
    due = latest_due_month(day)
    area = Protection.objects.filter(within(user, "desa", as_range=True)).order_by()
    on = connection.ops.adapt_datefield_value
    horizons = [on(day + timedelta(days=h)) for h in LAPSE_HORIZONS]
    # Per group: its state ("covered": aktif or menunggak), those in arrears by their last month settled (cover
    # having started before the day, settled up to a month before the one due) but for the members who paid after
    # the day, and the covered whose lapse (none when they end first) comes within each horizon.
    state = ("CASE WHEN g.ended_on <= %s THEN 'berakhir' WHEN g.start IS NULL OR g.start > %s OR g.first_paid_on > %s "
             "THEN 'belum' WHEN g.lapse_on <= %s THEN 'nonaktif' ELSE 'covered' END")
    lapsing = "SUM(CASE WHEN g.ended_on < g.lapse_on THEN 0 WHEN g.lapse_on <= %s THEN g.n ELSE 0 END)"
    tally: dict[str, Counter] = {}
    paid_after: set[str] = set()  # villages with covered members who paid something after the day
    for part in _current_parts(day):  # each part in its index: SQLite reads an OR of the two row by row
        groups = area.filter(part).values(*_GROUP).annotate(n=Count("*"), later=Count("pk", filter=Q(last_paid_on__gt=day)))
        try:
            sql, params = groups.query.sql_with_params()
        except EmptyResultSet:  # an area of nothing
            continue
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT g.desa, {state}, SUM(g.n), SUM(g.later), "
                "SUM(CASE WHEN g.start < %s AND g.last_paid < %s THEN g.n - g.later ELSE 0 END), "
                f"{', '.join([lapsing] * len(horizons))} FROM ({sql}) g GROUP BY 1, 2",
                [*[on(day)] * 4, on(day), on(due.first_day), *horizons, *params])
            for desa, kind, *figures in cursor.fetchall():
                n, later, owing, *lapse_next = map(int, figures)  # PostgreSQL sums counts as numeric (Decimal)
                counts = tally.setdefault(desa[:8], Counter())
                if kind != "covered":
                    counts[kind] += n
                    continue
                counts["menunggak"] += owing
                counts["aktif"] += n - owing
                counts.update(dict(zip(LAPSE_HORIZONS, lapse_next)))
                if later:
                    paid_after.add(desa)
    if paid_after:
        owing_after = (area.filter(_current(day), last_paid_on__gt=day, desa__in=paid_after)
                       .alias(state=_state(day, _arrears(day))).filter(state=State.ARREARS.value)
                       .values_list("desa").annotate(n=Count("*")))
        for desa, n in owing_after:
            tally[desa[:8]]["menunggak"] += n
            tally[desa[:8]]["aktif"] -= n
    names = dict(Wilayah.objects.filter(code__in=tally, level=Level.KECAMATAN).values_list("code", "name"))
    # Ignored below: mypy cannot count the starred generator (the counts of _COUNTED, in order).
    areas = [AreaProtection(code, names.get(code, code), *(counts[s] for s in _COUNTED),  # type: ignore[misc, arg-type]
                            lapse_next={h: counts[h] for h in LAPSE_HORIZONS})
             for code, counts in sorted(tally.items())]
    return ProtectionCounts(day, areas, summed("", "", areas))


def summed(code: str, name: str, areas: list[AreaProtection]) -> AreaProtection:
    """The figures of several areas together: the total, or a regency's of its kecamatan."""
    return AreaProtection(code, name, *(sum(getattr(a, s) for a in areas) for s in _COUNTED),  # type: ignore[misc]
                          lapse_next={n: sum(a.lapse_next[n] for a in areas) for n in LAPSE_HORIZONS})


def states_on(memberships: QuerySet[Membership], days: Sequence[date]) -> QuerySet[Membership]:
    """``memberships`` annotated with ``protection_state_<i>``: what ``with_protection`` says of each on ``days[i]``
    (a ``rules.coverage.State`` value), for several days in one statement (a cohort's month ends)."""
    path = "protection__"
    return memberships.annotate(**{f"protection_state_{i}": _state(day, _arrears(day, path), path)
                                   for i, day in enumerate(days)})
