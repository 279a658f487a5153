"""Every read of the registry, scoped to the reader's area."""

from collections import Counter

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from lindung.accounts.scoping import people, within
from lindung.enrolment.models import Membership
from lindung.wilayah.models import Level, Wilayah

from .models import Pekerjaan, Peserta

SEARCH_LIMIT = 50


def peserta_for(user) -> QuerySet[Peserta]:
    return Peserta.objects.filter(people(user))


def search_peserta(user, query: str) -> tuple[list[Peserta], bool]:
    """Workers matching a NIK prefix (4+ digits) or every word of a name (3+ letters).

    Returns at most SEARCH_LIMIT rows and whether there were more: the list is never the whole register.
    """
    query = " ".join(query.split())
    qs = peserta_for(user).select_related("desa", "pekerjaan_1")
    if query.isdigit() and len(query) >= 4:
        qs = qs.filter(nik__startswith=query)
    elif len(query.replace(" ", "")) >= 3 and not query.isdigit():
        for word in query.split():
            qs = qs.filter(nama__icontains=word)
    else:
        return [], False
    rows = list(qs.order_by("nama", "nik")[: SEARCH_LIMIT + 1])
    return rows[:SEARCH_LIMIT], len(rows) > SEARCH_LIMIT


def get_peserta(user, **lookup) -> Peserta:
    """One worker inside the user's area; Peserta.DoesNotExist for anyone outside it."""
    return peserta_for(user).select_related("desa", "desa__parent", "pekerjaan_1", "pekerjaan_2").get(**lookup)


def peserta_history(user, peserta: Peserta, limit: int = 50) -> list[tuple]:
    """(history record, [changes]) newest first; the worker was already scoped by get_peserta."""
    records = list(peserta.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    labels = {f.name: f.verbose_name for f in Peserta._meta.fields}
    rows = []
    for record, previous in zip(records, records[1:] + [None]):
        delta = record.diff_against(previous, excluded_fields=["updated"]).changes if previous else []
        rows.append((record, [(labels.get(c.field, c.field), c.old, c.new) for c in delta]))
    return rows[:limit]


def summary(user) -> dict:
    """Counts for the home page: total, by kecamatan (with names), by sex, by occupation (most people first)."""
    # One pass over the index of village, sex and occupation (Peserta.Meta), in a range of village codes SQLite walks
    # (scoping.within's as_range), where a scan of the register per figure took 0.8 s at a million people.
    groups = (peserta_for(user).filter(within(user, "desa__code", as_range=True)).order_by()
              .values_list("desa_id", "jenis_kelamin", "pekerjaan_1_id").annotate(n=Count("id")))
    jobs = dict(Pekerjaan.objects.values_list("pk", "name"))
    by_kec: Counter[str] = Counter()
    by_sex: Counter[str] = Counter()
    by_job: Counter[str | None] = Counter()
    for desa, sex, job, n in groups:
        by_kec[desa[:8]] += n
        by_sex[sex] += n
        by_job[jobs.get(job)] += n
    names = dict(Wilayah.objects.filter(code__in=by_kec).values_list("code", "name"))
    by_regency: Counter[str] = Counter()
    for code, n in by_kec.items():
        by_regency[code[:5]] += n
    names |= dict(Wilayah.objects.filter(code__in=by_regency).values_list("code", "name"))
    return {
        "total": sum(by_kec.values()),
        "kecamatan": [(code, names.get(code, code), n) for code, n in sorted(by_kec.items())],
        "regency": [(code, names.get(code, code), n) for code, n in sorted(by_regency.items())],
        "sex": dict(by_sex),
        "pekerjaan": sorted(by_job.items(), key=lambda job: (-job[1], job[0] is None, job[0] or "")),
    }


# The register browsed by place, status and occupation, paged by key: the next page starts after the last row's
# (name, id), which the index on the name walks (SQLite keeps the rowid in every index; PostgreSQL reads the
# name's index and sorts the few equal names), never an OFFSET that reads every skipped row again.
REGISTER_PAGE = 50
NOT_A_MEMBER = "none"


def register_statuses() -> list[tuple[str, str]]:
    """The status filter: never in a programme, or a membership (in any programme) in this workflow state."""
    return [(NOT_A_MEMBER, _("Not in any programme"))] + [(s.value, str(s.label)) for s in Membership.Status]


def register_for(user, *, kecamatan: str = "", desa: str = "", status: str = "", pekerjaan: str = "") -> QuerySet[Peserta]:
    """The user's area's workers narrowed by the filters (codes; each filter empty = all), in (name, id) order."""
    qs = peserta_for(user)
    if desa:
        qs = qs.filter(desa_id=desa)
    elif kecamatan:
        qs = qs.filter(desa__parent_id=kecamatan)
    if pekerjaan:
        qs = qs.filter(pekerjaan_1__code=pekerjaan)
    if status == NOT_A_MEMBER:
        qs = qs.filter(~Exists(Membership.objects.filter(peserta=OuterRef("pk"))))
    elif status:
        qs = qs.filter(Exists(Membership.objects.filter(peserta=OuterRef("pk"), status=status)))
    return qs.order_by("nama", "id")


def register_page(user, *, after: int | None = None, size: int | None = None, **filters) -> tuple[list[Peserta], int | None]:
    """One page of the filtered register after the worker with id ``after`` (who must be in the user's area, else
    the first page); returns the rows and the key of the next page (None on the last page)."""
    size = size or REGISTER_PAGE
    qs = register_for(user, **filters).select_related("desa", "desa__parent", "pekerjaan_1")
    if after is not None:
        last = peserta_for(user).filter(pk=after).values_list("nama", flat=True).first()
        if last is not None:
            qs = qs.filter(Q(nama__gt=last) | Q(nama=last, id__gt=after))
    rows = list(qs[: size + 1])
    return rows[:size], (rows[size - 1].pk if len(rows) > size else None)


def register_choices(user, kecamatan: str = "") -> dict[str, list[tuple[str, str]]]:
    """The filters' options inside the user's area: kecamatan and villages by name (villages of ``kecamatan`` only
    when one is chosen), occupations in use."""
    kec = list(Wilayah.objects.filter(within(user, "code"), level=Level.KECAMATAN).order_by("name")
               .values_list("code", "name"))
    villages = Wilayah.objects.filter(within(user, "code"), level=Level.DESA)
    if kecamatan:
        villages = villages.filter(parent_id=kecamatan)
    desa = [(code, f"{name} — {parent}") for code, name, parent in
            villages.order_by("parent__name", "name").values_list("code", "name", "parent__name")]
    jobs = list(Pekerjaan.objects.order_by("name").values_list("code", "name"))
    return {"kecamatan": kec, "desa": desa, "pekerjaan": jobs, "status": register_statuses()}


def register_rows(user, **filters):
    """Every row of the filtered register for the xlsx, as tuples, read in chunks (never the whole table at once)."""
    latest = (Membership.objects.filter(peserta=OuterRef("pk"))
              .order_by("-programme__year", "-programme_id").values("status")[:1])
    return (register_for(user, **filters).annotate(latest_status=Subquery(latest))
            .values_list("nik", "nama", "jenis_kelamin", "tanggal_lahir", "desa__name", "desa__parent__name",
                         "alamat", "pekerjaan_1__name", "pekerjaan_2__name", "desil", "miskin_ekstrem",
                         "latest_status")
            .iterator(chunk_size=2000))
