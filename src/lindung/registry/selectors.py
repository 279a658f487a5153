"""Every read of the registry, scoped to the reader's area."""

from django.db.models import Count, QuerySet
from django.db.models.functions import Substr

from lindung.accounts.scoping import within
from lindung.wilayah.models import Wilayah

from .models import Peserta

SEARCH_LIMIT = 50


def peserta_for(user) -> QuerySet[Peserta]:
    return Peserta.objects.filter(within(user, "desa__code"))


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
    """Counts for the home page: total, by kecamatan (with names), by sex, by occupation."""
    qs = peserta_for(user)
    by_kec = dict(
        qs.annotate(kec=Substr("desa_id", 1, 8)).values_list("kec").annotate(n=Count("id")).values_list("kec", "n")
    )
    names = dict(Wilayah.objects.filter(code__in=by_kec).values_list("code", "name"))
    by_sex = dict(qs.values_list("jenis_kelamin").annotate(n=Count("id")).values_list("jenis_kelamin", "n"))
    by_job = list(
        qs.values_list("pekerjaan_1__name").annotate(n=Count("id")).order_by("-n").values_list("pekerjaan_1__name", "n")
    )
    return {
        "total": sum(by_kec.values()),
        "kecamatan": [(code, names.get(code, code), n) for code, n in sorted(by_kec.items())],
        "sex": by_sex,
        "pekerjaan": by_job,
    }
