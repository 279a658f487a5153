"""Reads of enrolment, always through the user's area: a camat sees his kecamatan's members only."""

import io
from collections import Counter, defaultdict

from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import Case, CharField, Count, Exists, F, OuterRef, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindung.accounts.scoping import under, within
from lindung.core.paging import CountedPaginator
from lindung.payments.protection import registered, with_protection
from lindung.registry.models import Peserta
from lindung.rules.coverage import State
from lindung.wilayah.models import Wilayah

from .models import Membership, RegistrationBatch
from .registration_xlsx import write_registration

STATUSES = list(Membership.Status)


def memberships_for(user, programme) -> QuerySet[Membership]:
    return Membership.objects.filter(within(user, "peserta__desa__code"), programme=programme)


def memberships_of(user, peserta) -> QuerySet[Membership]:
    """A worker's memberships in every programme, newest programme first."""
    return (Membership.objects.filter(within(user, "peserta__desa__code"), peserta=peserta)
            .select_related("programme").order_by("-programme__year", "programme__code"))


# What the coverage engine says of a registered member today, beside the workflow state (payments.protection).
PROTECTION = [State.ACTIVE, State.ARREARS, State.LAPSED, State.ENDED]
PROTECTION_LABELS = {State.ACTIVE: _("Protected today"), State.ARREARS: _("In arrears"), State.LAPSED: _("Lapsed"),
                     State.ENDED: _("Ended (died, left)")}


def members(user, programme, *, kecamatan: str = "", status: str = "", protection: str = "",
            today: date | None = None) -> QuerySet[Membership]:
    """The programme's members of the user's area, each with ``protection_state`` (and arrears, lapse) today."""
    found = memberships_for(user, programme).select_related("peserta", "peserta__desa", "peserta__pekerjaan_1")
    if kecamatan:
        found = found.filter(peserta__desa__parent_id=kecamatan)
    if status:
        found = found.filter(status=status)
    found = with_protection(found, today or timezone.localdate())
    if protection:
        found = found.filter(registered(), protection_state=protection)
    return found


PER_PAGE = 50
WALK = 100_000  # people at most walked in the register's order for a page (about a tenth of a second)


def members_page(user, programme, number: str | int | None, rows: list[dict], *, kecamatan: str = "",
                 status: str = "", protection: str = "", today: date | None = None) -> Page:
    """Page ``number`` (PER_PAGE) of ``members`` in their order (village, name; the person where names repeat); ``rows``:
    the programme's ``status_by_kecamatan``, which counts them. Only the members shown are read in full."""
    found = members(user, programme, kecamatan=kecamatan, status=status, protection=protection, today=today)
    rows = [r for r in rows if r["code"] == kecamatan or not kecamatan]
    count = _count(rows, status, protection)  # counted already: not twice
    pks = found.values_list("pk", flat=True)
    paginator = Paginator(pks, PER_PAGE) if count is None else CountedPaginator(pks, PER_PAGE, count)
    page = paginator.get_page(number)
    start, end = (page.number - 1) * paginator.per_page, page.number * paginator.per_page
    shown = in_register_order(user, found, start, end, sum(r["total"] for r in rows), paginator.count, area=kecamatan)
    by_person = {m.peserta_id: m for m in found.filter(peserta__in=shown).order_by()}
    return Page([by_person[pk] for pk in shown], page.number, paginator)


def in_register_order(user, found: QuerySet[Membership], start: int, end: int, members: int, count: int, *,
                      area: str = "") -> list[int]:
    """The people of ``found`` (a membership each, ``count`` of them, in ``area`` when given, among ``members`` of
    the user's area) from ``start`` to ``end`` in the register's order: village, name, then the person."""
    if not count:
        return []
    if end * members / count <= WALK:
        # The people walked in the register's village-and-name index, a membership looked up for each, until the
        # page is full: from the memberships' side SQLite would sort every member of the programme to show 50.
        people = Peserta.objects.filter(within(user, "desa__code", as_range=True),
                                        Exists(found.filter(peserta=OuterRef("pk"))))
        if area:
            people = people.filter(under(area, "desa__code", as_range=True))
        return list(people.order_by("desa_id", "nama", "pk").values_list("pk", flat=True)[start:end])
    # Few members among many people, or a page far down: those found sorted, their people only.
    return list(found.order_by("peserta__desa_id", "peserta__nama", "peserta_id")
                .values_list("peserta_id", flat=True)[start:end])


def _count(rows: list[dict], status: str, protection: str) -> int | None:
    """The members ``members`` finds, from the counts of their kecamatan (``status_by_kecamatan``); None where those
    do not say (a registration status and a protection together)."""
    if protection:
        i = [s.value for s in PROTECTION].index(protection)
        return None if status else sum(r["protection"][i] for r in rows)
    if status:
        values = [s.value for s in STATUSES]
        return sum(r["counts"][values.index(status)] for r in rows) if status in values else None
    return sum(r["total"] for r in rows)


def status_by_kecamatan(user, programme, today: date | None = None) -> list[dict]:
    """Per kecamatan of the user's area: its code, name, count per workflow status (in STATUSES order), total, and
    its registered members by their protection today (in PROTECTION order)."""
    # One pass over the memberships and their kept protection, whose village is the person's (payments.protection
    # keeps it when he moves): no join to the register nor the villages per member.
    state = Case(When(registered(), then=F("protection_state")), default=Value(""), output_field=CharField())
    by_village = list(with_protection(memberships_for(user, programme), today or timezone.localdate())
                      .values_list("protection__desa", "status", state).annotate(n=Count("pk")).order_by())
    kecamatan_of = dict(Wilayah.objects.filter(code__in={row[0] for row in by_village}).values_list("code", "parent_id"))
    counts: dict[str, Counter] = defaultdict(Counter)
    protected: dict[str, Counter] = defaultdict(Counter)
    for village, status, state_, n in by_village:
        counts[kecamatan_of[village]][status] += n
        protected[kecamatan_of[village]][state_] += n
    names = dict(Wilayah.objects.filter(code__in=list(counts)).values_list("code", "name"))
    return [{"code": code, "name": names.get(code, code), "counts": [counts[code][s] for s in STATUSES],
             "total": sum(counts[code].values()),
             "protection": [protected[code][s.value] for s in PROTECTION]} for code in sorted(counts)]


def batches_for(user, programme) -> QuerySet[RegistrationBatch]:
    return programme.registration_batches.filter(within(user, "kecamatan__code")).select_related("kecamatan", "created_by")


def registration_rows(user, batch: RegistrationBatch) -> list[dict]:
    """The rows of a registration file, as `registration_xlsx.write_registration` takes them."""
    programme = batch.programme
    rows = []
    for m in members(user, programme).filter(batch=batch).select_related("peserta__pekerjaan_2"):
        p = m.peserta
        rows.append({
            "nik": p.nik, "nama": p.nama, "tanggal_lahir": p.tanggal_lahir, "jenis_kelamin": p.jenis_kelamin,
            "alamat": p.alamat, "desa": p.desa.name, "kecamatan": batch.kecamatan.name,
            "pekerjaan": ", ".join(j.name for j in (p.pekerjaan_1, p.pekerjaan_2) if j),
            "penghasilan": programme.income_tier, "program": programme.package, "telepon": p.telepon,
            "tanggal_mulai": m.first,
        })
    return rows


def registration_workbook(user, programme, batches) -> bytes:
    """The registration file: one sheet per batch (kecamatan)."""
    out = io.BytesIO()
    write_registration(out, [(b.kecamatan.name, registration_rows(user, b)) for b in batches],
                       title=f"Pendaftaran peserta BPU · {programme.name} · dibuat {timezone.localdate():%d-%m-%Y}")
    return out.getvalue()
