"""The one place that turns a user into the area and the people they may see.

Every selector filters through here, so a camat never sees another kecamatan's people, and the BPJS officer
(no ``reads_register``) sees members only, never the register's people who were never enrolled.
"""

from django.db import connection
from django.db.models import Exists, OuterRef, Q

from lindung.enrolment.models import Membership
from lindung.wilayah.models import Level, Wilayah, level_of


def area_code(user) -> str | None:
    """The code of the user's area, or None when they may see nothing."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.role is None or user.area_id is None:
        return None
    return user.area_id


def within(user, field: str, *, as_range: bool = False) -> Q:
    """A filter keeping rows whose region code (in `field`) lies in the user's area. ``as_range``: on SQLite as a
    range of codes, for a query that should walk an index of the codes (the regent's counts); elsewhere it would
    change plans that read in another order and stop early (a list's first page)."""
    code = area_code(user)
    return Q(pk__in=[]) if code is None else under(code, field, as_range=as_range)


def under(code: str, field: str, *, as_range: bool = False) -> Q:
    """A filter keeping rows whose region code (in `field`) is ``code`` or lies in it (``within`` for an area)."""
    if level_of(code) == Level.DESA:
        return Q(**{field: code})
    if field.endswith("desa__code") and holds_every_village(code):
        # Where the area holds every village there is (a regency on its own server, its office's pages), every row
        # of the database is the area's: joining a million rows to their person only to keep them all cost seconds
        # per count. Always true, and false under exclude(), as the area's filter would be.
        return Q(pk__isnull=False)
    if as_range and connection.vendor == "sqlite":
        # Codes are digits and dots, so the codes from CODE up to CODE/ ('/' follows '.') are CODE and those under
        # it, a range in an index, where SQLite reads LIKE … ESCAPE row by row (half a second over a million rows).
        # PostgreSQL's collations need not sort '.' before '/': it keeps the prefix.
        return Q(**{f"{field}__gte": code, f"{field}__lt": code + "/"})
    return Q(**{field: code}) | Q(**{f"{field}__startswith": code + "."})


def holds_every_village(code: str) -> bool:
    """Whether no village of the database lies outside area ``code``: asked each time (a few hundred codes read on
    a regency's server), never remembered, since loading another regency's villages changes it."""
    return not Wilayah.objects.filter(level=Level.DESA).exclude(code__startswith=code + ".").exists()


def sees_code(user, code: str) -> bool:
    area = area_code(user)
    return area is not None and (code == area or code.startswith(area + "."))


def people(user, person: str = "") -> Q:
    """A filter keeping rows about people the user may see: in his area, and for a role that does not read the
    register (the BPJS officer) people with a membership in a programme. ``person`` is the path from the rows to
    the worker (Peserta): "" for workers, "peserta__" for memberships, messages, bill lines, …"""
    found = within(user, f"{person}desa__code")
    if area_code(user) is None or user.role.reads_register:
        return found
    return found & Q(Exists(Membership.objects.filter(peserta=OuterRef(person.removesuffix("__") or "pk"))))


def outbox(user) -> Q:
    """A filter keeping the outbox's messages (people's phone numbers) the user may see: none for a role that does
    not read the outbox."""
    if area_code(user) is None or not user.role.reads_outbox:
        return Q(pk__in=[])
    return within(user, "peserta__desa__code")
