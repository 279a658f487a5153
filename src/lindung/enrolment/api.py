"""The API of enrolment: a programme's members and their counts per kecamatan."""

from django.utils import timezone
from ninja import Router

from lindung.api.common import programme_or_404
from lindung.enrolment import selectors as enrolment
from lindung.payments import selectors as payments

from .schemas import KecamatanStatusOut, MemberOut

router = Router()


@router.get("/programmes/{code}/enrolment", response=list[KecamatanStatusOut], tags=["enrolment"])
def enrolment_status(request, code: str):
    """Members per kecamatan of the user's area, counted by status."""
    rows = enrolment.status_by_kecamatan(request.user, programme_or_404(request, code))
    return [{**r, "counts": dict(zip(enrolment.STATUSES, r["counts"], strict=True)),
             "protection": {s.value: n for s, n in zip(enrolment.PROTECTION, r["protection"], strict=True)}}
            for r in rows]


@router.get("/programmes/{code}/members", response=list[MemberOut], tags=["enrolment"])
def member_list(request, code: str, kecamatan: str = "", status: str = "", protection: str = "", offset: int = 0,
                limit: int = 100):
    """The programme's members; ``protection`` (aktif, menunggak, nonaktif, berakhir) keeps the registered members
    in that state today."""
    today = timezone.localdate()
    found = enrolment.members(request.user, programme_or_404(request, code), kecamatan=kecamatan, status=status,
                              protection=protection, today=today)
    start = max(offset, 0)
    return [{"nik": m.peserta.nik, "nama": m.peserta.nama, "desa": m.peserta.desa_id, "status": m.status, "kpj": m.kpj,
             "rejection_reason": m.rejection_reason, "first": m.first, "last": m.last,
             **_protection(m, today)} for m in found[start:start + min(max(limit, 1), 1000)]]


def _protection(m, today) -> dict:
    if not m.kpj:
        return {"protection": None, "protection_label": None, "arrears_months": 0, "lapse": None, "ended_on": None}
    status = payments.status_of(m, today)
    return {"protection": status.state.value, "protection_label": status.label, "arrears_months": len(status.arrears),
            "lapse": status.lapse, "ended_on": status.ended_on}
