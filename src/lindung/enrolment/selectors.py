"""Reads of enrolment, always through the user's area: a camat sees his kecamatan's members only."""

import io
from collections import defaultdict

from datetime import date

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindung.accounts.scoping import within
from lindung.payments.protection import registered, with_protection
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


def status_by_kecamatan(user, programme, today: date | None = None) -> list[dict]:
    """Per kecamatan of the user's area: its code, name, count per workflow status (in STATUSES order), total, and
    its registered members by their protection today (in PROTECTION order)."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for kecamatan, status, n in (memberships_for(user, programme).values_list("peserta__desa__parent_id", "status")
                                 .annotate(n=Count("pk")).order_by()):
        counts[kecamatan][status] = n
    protected: dict[str, dict[str, int]] = defaultdict(dict)
    today_ = today or timezone.localdate()
    for kecamatan, state, n in (with_protection(memberships_for(user, programme).filter(registered()), today_)
                                .values_list("peserta__desa__parent_id", "protection_state")
                                .annotate(n=Count("pk")).order_by()):
        protected[kecamatan][state] = n
    names = dict(Wilayah.objects.filter(code__in=list(counts)).values_list("code", "name"))
    return [{"code": code, "name": names.get(code, code), "counts": [counts[code].get(s, 0) for s in STATUSES],
             "total": sum(counts[code].values()),
             "protection": [protected[code].get(s.value, 0) for s in PROTECTION]} for code in sorted(counts)]


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
