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
  the same month D for everyone registered before d, computed once in Python (holidays included). They are
  none when D was paid by d: known from the stored latest month and day paid, except for a member who paid
  beyond D or paid something after d, whose months are then read.
- A person's *current* membership on a day is his registered one (status registered/active or any with a
  KPJ) with the latest ``first`` on or before the day; a person is counted once. Stored: ``until``, the
  ``first`` of his next registered membership, so "current on d" is ``first <= d < until``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, TypedDict

from django.db import NotSupportedError
from django.db.models import (
    BooleanField, Case, CharField, Count, DateField, Exists, ExpressionWrapper, F, Func, IntegerField, Max, Min,
    OuterRef, Q, QuerySet, Subquery, Sum, Value, When,
)
from django.db.models.functions import Cast, Coalesce, Greatest
from django.db.models.lookups import Exact, GreaterThan, IsNull

from lindung.accounts.scoping import within
from lindung.core.db import insert_from
from lindung.enrolment.models import Membership
from lindung.registry.models import Peserta
from lindung.rules.contributions import Month, due_date
from lindung.rules.coverage import MAX_ARREARS, State
from lindung.wilayah.models import Level, Wilayah

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

from .models import PaidMonth, Protection

LAPSE_HORIZONS = (30, 60, 90)  # days: the lapse cliff
CHUNK = 2000  # people per statement when they come as a list


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


def _regular_lapse() -> Subquery:
    """M+4 for a membership whose months F … M are all paid, each before the first day of the month three after
    it (nearly everyone); NULL for anyone else. One row of aggregates over its paid months (plain functions, so
    Django adds no GROUP BY)."""
    paid = PaidMonth.objects.filter(membership=OuterRef("pk"))
    count, earliest, last = (Func(F("month"), function=f, output_field=o)
                             for f, o in (("COUNT", IntegerField()), ("MIN", DateField()), ("MAX", DateField())))
    late = Func(Case(When(paid_on__gte=_AddMonths(F("month"), MAX_ARREARS), then=Value(1)), default=Value(0)),
                function="MAX", output_field=IntegerField())
    return Subquery(paid.order_by().values(lapse=Case(
        When(Exact(earliest, _AddMonths(OuterRef("first"), 0)) & Exact(late, Value(0))
             & Exact(count, _MonthIndex(last) - _MonthIndex(earliest) + 1), then=_AddMonths(last, MAX_ARREARS + 1)),
        output_field=DateField())), output_field=DateField())


def lapse_expression() -> Coalesce:
    """The membership's lapse date ignoring its end (``coverage._lapse`` from the registration day with every
    payment), as an expression over Membership rows."""
    paid = PaidMonth.objects.filter(membership=OuterRef("pk"))
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
    return Coalesce(_regular_lapse(), exact, output_field=DateField())


def latest_due_month(day: date) -> Month:
    """The latest month whose due date is before ``day``, for a member registered before ``day``."""
    month = Month.of(day)
    return month if day > due_date(month) else month.shift(-1)


# The stored protection: kept by the services, read by every list and count.

def registered() -> Q:
    """Memberships BPJS registered: status registered or active, or any with a KPJ."""
    return Q(status__in=[Membership.Status.REGISTERED, Membership.Status.ACTIVE]) | ~Q(kpj="")


def _facts() -> dict:
    """Protection's columns computed from the facts, as expressions over Membership rows."""
    paid = PaidMonth.objects.filter(membership=OuterRef("pk")).order_by()
    latest = {column: Subquery(paid.values(x=Func(F(source), function="MAX", output_field=DateField())),
                               output_field=DateField())
              for column, source in (("last_paid", "month"), ("last_paid_on", "paid_on"))}
    later = Membership.objects.filter(registered(), peserta=OuterRef("peserta_id")).filter(
        Q(first__gt=OuterRef("first")) | Q(first=OuterRef("first"), pk__gt=OuterRef("pk")))
    return {
        "membership_id": F("pk"), "peserta_id": F("peserta_id"), "desa": F("peserta__desa_id"),
        "registered": ExpressionWrapper(registered(), output_field=BooleanField()),
        "first": F("first"), "until": Subquery(later.order_by("first").values("first")[:1]),
        "ended_on": F("ended_on"), "lapse_on": lapse_expression(),
        "regular": Case(When(~Exists(paid), then=Value(True)), When(IsNull(_regular_lapse(), False), then=Value(True)),
                        default=Value(False), output_field=BooleanField()),
        **latest,
    }


def refresh(memberships: QuerySet[Membership]) -> int:
    """Rebuilds the stored protection of ``memberships`` from the facts, in one statement: called by every service
    that creates memberships or changes their registration, end or paid months. Returns the rows written."""
    return insert_from(Protection, {}, memberships, _facts(), replacing="membership_id")


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


def paid(memberships: QuerySet[Membership], month: Month, paid_on: date) -> int:
    """After ``month`` of ``memberships`` was paid on ``paid_on`` (its PaidMonth rows written): a regular member
    paying his next month in time stays regular, his lapse one month later (nearly every line of a bill); the
    others are rebuilt. Returns the rows rebuilt."""
    if paid_on >= month.shift(MAX_ARREARS).first_day:  # too late to keep anyone regular
        return refresh(memberships)
    rows = Protection.objects.filter(membership__in=memberships)
    first_month = Q(last_paid__isnull=True, first__gte=month.first_day, first__lt=month.next().first_day)
    in_time = Q(regular=True) & (Q(last_paid=month.shift(-1).first_day) | first_month)
    rebuilt = refresh(Membership.objects.filter(pk__in=rows.exclude(in_time).values("pk")))
    rows.filter(in_time).update(lapse_on=month.shift(MAX_ARREARS + 1).first_day, last_paid=month.first_day,
                                last_paid_on=Greatest(Coalesce(F("last_paid_on"), Value(paid_on)), Value(paid_on)))
    return rebuilt


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
    """The consecutive months unpaid by ``day`` ending with the latest month due before it (0: none), for a
    running membership registered on or before ``day``; ``path`` leads from the queried model to Protection."""
    due = latest_due_month(day)
    f = {name: F(path + name) for name in ("first", "last_paid")}
    last_paid = (PaidMonth.objects.filter(membership=OuterRef("pk"), month__lte=due.first_day, paid_on__lte=day)
                 .order_by("-month").values(i=_MonthIndex(F("month")))[:1])
    before_first = _MonthIndex(f["first"]) - 1
    return Case(
        # Registered on the day itself: nothing is due yet (the due date is never before registration).
        When(**{path + "first": day}, then=Value(0)),
        When(**{path + "first__gte": due.next().first_day}, then=Value(0)),  # registered after the latest month due
        When(**{path + "last_paid": due.first_day, path + "last_paid_on__lte": day}, then=Value(0)),
        # Every month from the first to beyond the month due paid, each in time (Protection.regular).
        When(**{path + "last_paid__gt": due.first_day, path + "last_paid_on__lte": day, path + "regular": True},
             then=Value(0)),
        When(**{path + "last_paid__isnull": True}, then=Value(due.index) - before_first),
        When(**{path + "last_paid__lt": due.first_day, path + "last_paid_on__lte": day},
             then=Value(due.index) - _MonthIndex(f["last_paid"])),
        # Paid beyond the month due, or something paid after the day: which months were paid by then.
        default=Value(due.index) - Coalesce(Subquery(last_paid, output_field=IntegerField()), before_first),
        output_field=IntegerField(),
    )


def _state(day: date, arrears, path: str = "") -> Case:
    """The state on ``day`` from the stored lapse date (ignoring the end) and the arrears of a running membership."""
    # Ended from the end date on, even after a lapse (rules.coverage.status_on); lapsed if the lapse came by the day.
    return Case(
        When(**{path + "first__gt": day}, then=Value(State.NOT_YET.value)),
        When(**{path + "ended_on__lte": day}, then=Value(State.ENDED.value)),
        When(**{path + "lapse_on__lte": day}, then=Value(State.LAPSED.value)),
        When(GreaterThan(arrears, Value(0)), then=Value(State.ARREARS.value)),
        default=Value(State.ACTIVE.value), output_field=CharField(),
    )


def _lapse(path: str = "") -> Case:
    """The lapse date, NULL when the membership ends first."""
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


# What decides the state of a group of members but perhaps their arrears, in the index's order (Protection.Meta).
_GROUP = ("desa", "first", "ended_on", "lapse_on", "last_paid")


def _months_read(day: date, due: Month, owing_from: date) -> Q:
    """Members whose arrears on ``day`` the stored latest month and day paid do not tell (``_arrears``' last
    case): something was paid after the day, or a history with a gap was paid beyond the month due; registered
    before ``owing_from`` (else nothing is due). protection_counts asks the same of its groups first."""
    return (Q(last_paid_on__gt=day) | Q(last_paid__gt=due.first_day, regular=False)) & Q(first__lt=owing_from)


def protection_counts(user, day: date) -> ProtectionCounts:
    """Each person's current membership on ``day`` in the user's area, by state, per kecamatan and in total,
    with ``lapse_next[n]``: those protected today (aktif or menunggak) whose protection lapses within ``n`` days
    (after the day, on or before day + n) unless someone pays.

    One pass over the stored protection in index order, grouped by village, first day, end, lapse and latest month
    paid (some thousands of groups for a million members); each group's state is then said here as ``_state``
    says it. Their arrears follow from the latest month paid, but for the few members of ``_months_read``: those
    are read one by one (``_arrears``), in their villages only."""
    due = latest_due_month(day)
    owing_from = min(day, due.next().first_day)  # registered on the day or after the month due: nothing owed
    area = Protection.objects.filter(within(user, "desa", as_range=True)).order_by()
    groups: dict[tuple, dict] = {}
    for part in _current_parts(day):  # each part in its index: SQLite reads an OR of the two row by row
        for g in area.filter(part).values(*_GROUP).annotate(n=Count("*"), paid_on=Max("last_paid_on"),
                                                             regular=Min(Cast("regular", IntegerField()))):
            key = tuple(g[k] for k in _GROUP)
            if key in groups:  # the same facts in both parts
                other = groups[key]
                g["n"], g["regular"] = g["n"] + other["n"], min(g["regular"], other["regular"])
                if g["last_paid"]:
                    g["paid_on"] = max(g["paid_on"], other["paid_on"])
            groups[key] = g
    # The groups with members of _months_read: their latest day paid is after the day, or not all are regular.
    read = [g for g in groups.values() if g["last_paid"] and g["first"] < owing_from
            and (g["paid_on"] > day or (g["last_paid"] > due.first_day and not g["regular"]))]
    one_by_one = {}
    if read:
        owing = Case(When(GreaterThan(_arrears(day), Value(0)), then=Value(1)), default=Value(0))
        rows = (area.filter(_current(day), _months_read(day, due, owing_from), desa__in={g["desa"] for g in read})
                .values(*_GROUP).annotate(read=Count("*"), owing=Sum(owing, output_field=IntegerField())))
        one_by_one = {tuple(r[k] for k in _GROUP): (r["read"], r["owing"]) for r in rows}
    tally: dict[str, Counter] = {}
    for key, g in groups.items():
        counts, n = tally.setdefault(g["desa"][:8], Counter()), g["n"]
        if g["ended_on"] is not None and g["ended_on"] <= day:
            counts["berakhir"] += n
        elif g["lapse_on"] <= day:
            counts["nonaktif"] += n
        else:
            read_n, owing_n = one_by_one.get(key, (0, 0))
            # Paid up to a month before the one due (or never): in arrears, registered before the month due.
            if g["first"] < owing_from and (g["last_paid"] is None or g["last_paid"] < due.first_day):
                owing_n += n - read_n
            counts["menunggak"] += owing_n
            counts["aktif"] += n - owing_n
            lapse = None if g["ended_on"] is not None and g["ended_on"] < g["lapse_on"] else g["lapse_on"]
            for horizon in LAPSE_HORIZONS:
                counts[horizon] += n if lapse is not None and lapse <= day + timedelta(days=horizon) else 0
    names = dict(Wilayah.objects.filter(code__in=tally, level=Level.KECAMATAN).values_list("code", "name"))
    # Ignored below: mypy cannot count the starred generator (the four counts of _COUNTED, in order).
    areas = [AreaProtection(code, names.get(code, code), *(counts[s] for s in _COUNTED),  # type: ignore[misc, arg-type]
                            lapse_next={h: counts[h] for h in LAPSE_HORIZONS})
             for code, counts in sorted(tally.items())]
    total = AreaProtection("", "", *(sum(getattr(a, s) for a in areas) for s in _COUNTED),  # type: ignore[misc]
                           lapse_next={n: sum(a.lapse_next[n] for a in areas) for n in LAPSE_HORIZONS})
    return ProtectionCounts(day, areas, total)
