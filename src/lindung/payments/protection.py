"""A member's protection on a day, for many members at once: rules.coverage's ``status_on`` as SQL.

``with_protection(memberships, day)`` annotates each membership with what the coverage engine
(``rules.coverage.status_on(payments.selectors.membership_coverage(m), day)``) says, computed in the
database (SQLite and PostgreSQL), so a list or a count of any size never runs the engine member by member:

- ``protection_state``: a ``rules.coverage.State`` value ('belum_terdaftar', 'aktif', 'menunggak',
  'nonaktif', 'berakhir');
- ``protection_arrears``: the months in arrears (0 unless 'menunggak');
- ``protection_lapse``: ``coverage.lapses_on``: the day it lapsed, or the day it lapses if nobody pays
  beyond the recorded payments; NULL when it ends first (death, exit).

How the engine's rules become set-based (no reactivation: ``Membership`` has none, DOMAIN.md §8):

- The lapse date does not depend on the day. With F the registration month, it is the first day of the
  smallest month X >= F+3 such that none of X-3 … X-1 was paid before X's first day. The smallest such X is
  F+3 or m+4 for a paid month m (if X > F+3 fails to be bridged one month earlier, X-4 was paid), and m+4 is
  the answer for the earliest paid month m with no paid month in m+1 … m+3 paid before m+4's first day. A
  member whose months F … M are all paid, each before the first day of the month three after it, lapses on
  M+4 (every X in F+3 … M+3 is bridged by X-3): that is nearly everyone, found from the aggregates alone.
- On day d: not yet registered if d < first; lapsed if lapse <= d and (no end or lapse <= end): an engine
  computing the lapse from the payments made by d finds the same day whenever it is on or before d; ended
  if end <= d; otherwise the arrears are the consecutive months unpaid by d ending with the latest month
  whose due date (``contributions.due_date``, never before the registration day) is before d — which is
  the same month for everyone registered before d, computed once in Python (holidays included).
- A person's *current* membership on a day is his registered one (status registered/active or any with a
  KPJ) with the latest ``first`` on or before the day; a person is counted once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import NotSupportedError, connection
from django.db.models import (
    Case, CharField, DateField, Exists, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery, Value,
    When,
)
from django.db.models.functions import Coalesce, Substr
from django.db.models.lookups import Exact, GreaterThan, LessThanOrEqual

from lindung.accounts.scoping import within
from lindung.enrolment.models import Membership
from lindung.rules.contributions import Month, due_date
from lindung.rules.coverage import MAX_ARREARS, State
from lindung.wilayah.models import Level, Wilayah

from .models import PaidMonth

LAPSE_HORIZONS = (30, 60, 90)  # days: the lapse cliff


class _AddMonths(Func):
    """The first day of the month ``months`` after the one ``expression`` falls in."""

    output_field = DateField()

    def __init__(self, expression, months: int):
        super().__init__(expression)
        self.months = int(months)

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date({sql}, 'start of month', '{self.months:+d} months')", params

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(date_trunc('month', {sql}) + interval '{self.months} months' AS date)", params

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


def lapse_expression() -> Coalesce:
    """The membership's lapse date ignoring its end (``coverage._lapse`` from the registration day with every
    payment), as an expression over Membership rows."""
    paid = PaidMonth.objects.filter(membership=OuterRef("pk"))
    # Nearly everyone: months F … M all paid, none on or after the first day of the month three after it.
    # One row of aggregates over the member's paid months (plain functions, so Django adds no GROUP BY).
    count, earliest, last = (Func(F("month"), function=f, output_field=o)
                             for f, o in (("COUNT", IntegerField()), ("MIN", DateField()), ("MAX", DateField())))
    late = Func(Case(When(paid_on__gte=_AddMonths(F("month"), MAX_ARREARS), then=Value(1)), default=Value(0)),
                function="MAX", output_field=IntegerField())
    regular = paid.order_by().values(lapse=Case(
        When(Exact(earliest, _AddMonths(OuterRef("first"), 0)) & Exact(late, Value(0))
             & Exact(count, _MonthIndex(last) - _MonthIndex(earliest) + 1), then=_AddMonths(last, MAX_ARREARS + 1)),
        output_field=DateField()))
    f3 = _AddMonths(OuterRef("first"), MAX_ARREARS)
    # F+3 is the lapse when none of F … F+2 was paid before F+3's first day.
    bridged_from_start = paid.filter(month__lt=f3, paid_on__lt=f3)
    # Otherwise m+4 for the earliest paid month m whose next three months were not paid before m+4.
    after = _AddMonths(OuterRef("month"), MAX_ARREARS + 1)
    bridged = PaidMonth.objects.filter(membership=OuterRef("membership"), month__gt=OuterRef("month"),
                                       month__lt=after, paid_on__lt=after)
    gap = (paid.filter(~Exists(bridged)).order_by("month")
           .values(lapse=_AddMonths(F("month"), MAX_ARREARS + 1))[:1])
    exact = Case(When(~Exists(bridged_from_start), then=_AddMonths(F("first"), MAX_ARREARS)),
                 default=Subquery(gap, output_field=DateField()), output_field=DateField())
    return Coalesce(Subquery(regular, output_field=DateField()), exact, output_field=DateField())


def latest_due_month(day: date) -> Month:
    """The latest month whose due date is before ``day``, for a member registered before ``day``."""
    month = Month.of(day)
    return month if day > due_date(month) else month.shift(-1)


def _arrears(day: date) -> Case:
    """The consecutive months unpaid by ``day`` ending with the latest month due before it (0: none), for a
    running membership registered on or before ``day``."""
    due = latest_due_month(day)
    last_paid = (PaidMonth.objects.filter(membership=OuterRef("pk"), month__lte=due.first_day, paid_on__lte=day)
                 .order_by("-month").values(i=_MonthIndex(F("month")))[:1])
    first_month = _MonthIndex(F("first"))
    return Case(
        # Registered on the day itself: nothing is due yet (the due date is never before registration).
        When(first=day, then=Value(0)),
        When(first__gte=due.next().first_day, then=Value(0)),  # registered after the latest month due
        default=Value(due.index) - Coalesce(Subquery(last_paid, output_field=IntegerField()), first_month - 1),
        output_field=IntegerField(),
    )


def _state(day: date, lapse, arrears) -> Case:
    """The state on ``day`` from the lapse date (ignoring the end) and the arrears of a running membership."""
    # Ended from the end date on, even after a lapse (rules.coverage.status_on); lapsed if the lapse came by the day.
    return Case(
        When(first__gt=day, then=Value(State.NOT_YET.value)),
        When(ended_on__lte=day, then=Value(State.ENDED.value)),
        When(LessThanOrEqual(lapse, Value(day)), then=Value(State.LAPSED.value)),
        When(GreaterThan(arrears, Value(0)), then=Value(State.ARREARS.value)),
        default=Value(State.ACTIVE.value), output_field=CharField(),
    )


def with_protection(memberships: QuerySet[Membership], day: date) -> QuerySet[Membership]:
    """``memberships`` annotated with ``protection_state``, ``protection_arrears`` and ``protection_lapse`` on
    ``day``: exactly what the coverage engine says of each (see the module's docstring)."""
    lapse = F("protection_lapse_raw")
    return (memberships.alias(protection_lapse_raw=lapse_expression(), protection_arrears_raw=_arrears(day))
            .annotate(protection_state=_state(day, lapse, F("protection_arrears_raw")),
                      protection_lapse=Case(When(ended_on__lt=lapse, then=Value(None)), default=lapse,
                                            output_field=DateField()))
            .annotate(protection_arrears=Case(When(protection_state=State.ARREARS.value,
                                                   then=F("protection_arrears_raw")),
                                              default=Value(0), output_field=IntegerField())))


# A person's current membership.

def registered() -> Q:
    """Memberships BPJS registered: status registered or active, or any with a KPJ."""
    return Q(status__in=[Membership.Status.REGISTERED, Membership.Status.ACTIVE]) | ~Q(kpj="")


def current_memberships(day: date, memberships: QuerySet[Membership] | None = None) -> QuerySet[Membership]:
    """Each person's current membership on ``day``: of his registered ones, the one with the latest ``first``
    on or before the day (the latest made, of two starting the same day). One per person."""
    memberships = Membership.objects.all() if memberships is None else memberships
    later = Membership.objects.filter(registered(), peserta=OuterRef("peserta_id"), first__lte=day).filter(
        Q(first__gt=OuterRef("first")) | Q(first=OuterRef("first"), pk__gt=OuterRef("pk")))
    return memberships.filter(registered(), first__lte=day).exclude(Exists(later))


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
    lapse_next: dict[int, int] = field(default_factory=lambda: dict.fromkeys(LAPSE_HORIZONS, 0))

    @property
    def protected(self) -> int:
        return self.aktif + self.menunggak

    @property
    def members(self) -> int:
        return self.aktif + self.menunggak + self.nonaktif + self.berakhir


@dataclass(frozen=True)
class ProtectionCounts:
    day: date
    kecamatan: list[AreaProtection]  # in code order, each kecamatan of the user's area with a current member
    total: AreaProtection


_COUNTED = ("aktif", "menunggak", "nonaktif", "berakhir")


def protection_counts(user, day: date, memberships: QuerySet[Membership] | None = None) -> ProtectionCounts:
    """Each person's current membership on ``day`` in the user's area, by state, per kecamatan and in total,
    with ``lapse_next[n]``: those protected today (aktif or menunggak) whose protection lapses within ``n`` days
    (after the day, on or before day + n) unless someone pays. One query; the engine's rules in SQL."""
    memberships = Membership.objects.all() if memberships is None else memberships
    inner = (current_memberships(day, memberships.filter(within(user, "peserta__desa__code")))
             .order_by().values(kec=Substr("peserta__desa_id", 1, 8), first_day=F("first"), end_day=F("ended_on"),
                                lapse=lapse_expression(), arrears=_arrears(day)))
    sql, params = inner.query.sql_with_params()
    # Keep the inner query a subquery (no flattening), so each member's lapse date is computed once.
    fence = " LIMIT -1 OFFSET 0" if connection.vendor == "sqlite" else " OFFSET 0"
    d = connection.ops.adapt_datefield_value(day)
    horizons = [connection.ops.adapt_datefield_value(day + timedelta(days=n)) for n in LAPSE_HORIZONS]
    cliff = ", ".join("SUM(CASE WHEN st IN ('aktif', 'menunggak') AND lapse <= %s THEN 1 ELSE 0 END)"
                      for _ in LAPSE_HORIZONS)
    states = ", ".join(f"SUM(CASE WHEN st = '{s}' THEN 1 ELSE 0 END)" for s in _COUNTED)
    query = f"""
        SELECT kec, {states}, {cliff} FROM (
            SELECT kec,
                   CASE WHEN end_day <= %s THEN 'berakhir'
                        WHEN lapse <= %s THEN 'nonaktif'
                        WHEN arrears > 0 THEN 'menunggak'
                        ELSE 'aktif' END AS st,
                   CASE WHEN end_day < lapse THEN NULL ELSE lapse END AS lapse
            FROM ({sql}{fence}) AS members
        ) AS states GROUP BY kec ORDER BY kec"""
    with connection.cursor() as cursor:
        cursor.execute(query, [*horizons, d, d, *params])
        rows = cursor.fetchall()
    names = dict(Wilayah.objects.filter(code__in=[r[0] for r in rows], level=Level.KECAMATAN)
                 .values_list("code", "name"))
    areas = [AreaProtection(code, names.get(code, code), *map(int, counts[:4]),
                            lapse_next=dict(zip(LAPSE_HORIZONS, map(int, counts[4:]), strict=True)))
             for code, *counts in rows]
    total = AreaProtection("", "", *(sum(getattr(a, s) for a in areas) for s in _COUNTED),
                           lapse_next={n: sum(a.lapse_next[n] for a in areas) for n in LAPSE_HORIZONS})
    return ProtectionCounts(day, areas, total)
