"""The API: keyed by NIK and region codes, never database ids; scoped exactly like the pages."""

from django.http import Http404
from ninja import NinjaAPI, Query
from ninja.security import django_auth

from lindung.registry import selectors as registry
from lindung.registry.models import Peserta
from lindung.wilayah import selectors as wilayah

from .auth import TokenAuth
from .schemas import MeOut, RegionOut, WorkerDetailOut, WorkerSearchOut

api = NinjaAPI(
    title="Lindung API",
    version="1",
    description="Peserta BPJS Ketenagakerjaan pekerja rentan, per wilayah pengguna.",
    auth=[TokenAuth(), django_auth],
    urls_namespace="api",
)


def _worker(p: Peserta, detail: bool = False) -> dict:
    data = {
        "nik": p.nik, "nama": p.nama, "jenis_kelamin": p.jenis_kelamin, "tanggal_lahir": p.tanggal_lahir,
        "desa": p.desa_id, "desa_nama": p.desa.name, "kecamatan": p.kecamatan_code,
        "pekerjaan": [j.name for j in (p.pekerjaan_1, p.pekerjaan_2) if j], "desil": p.desil,
        "miskin_ekstrem": p.miskin_ekstrem,
    }
    if detail:
        data |= {"no_kk": p.no_kk, "tempat_lahir": p.tempat_lahir, "alamat": p.alamat, "telepon": p.telepon,
                 "penghasilan": p.penghasilan, "sumber": p.sumber}
    return data


def _region(w) -> dict:
    return {"code": w.code, "name": w.name, "level": w.level, "kind": w.kind, "parent": w.parent_id}


@api.get("/me", response=MeOut, tags=["accounts"])
def me(request):
    role = request.user.role
    return {"username": request.user.username, "role": role.name if role else None, "area": request.user.area_id}


@api.get("/regions", response=list[RegionOut], tags=["regions"])
def regions(request, parent: str | None = None):
    """The regions the user may see: their area, what lies inside it and what it lies in."""
    return [_region(w) for w in wilayah.regions_for(request.user, parent=parent)]


@api.get("/regions/{code}", response=RegionOut, tags=["regions"])
def region(request, code: str):
    w = wilayah.region_for(request.user, code)
    if w is None:
        raise Http404
    return _region(w)


@api.get("/workers", response=WorkerSearchOut, tags=["workers"])
def workers(request, q: Query[str]):
    """Search by NIK prefix (4+ digits) or name (3+ letters); at most 50 results."""
    rows, more = registry.search_peserta(request.user, q[:100])
    return {"results": [_worker(p) for p in rows], "more": more}


@api.get("/workers/{nik}", response=WorkerDetailOut, tags=["workers"])
def worker(request, nik: str):
    try:
        return _worker(registry.get_peserta(request.user, nik=nik), detail=True)
    except Peserta.DoesNotExist:
        raise Http404
