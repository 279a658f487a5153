"""The API of the registry: workers by NIK (in the request's body, never in its URL), imports by their number
(Impor #12), the review queue."""

from django.http import Http404
from ninja import File, Form, Router, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from lindung.pipeline.sources import SOURCES
from lindung.registry.imports import selectors as import_selectors
from lindung.registry.imports import services as imports
from lindung.registry import selectors as registry
from lindung.registry.models import ImportBatch, Peserta
from lindung.registry.tasks import stage_import

from .schemas import FindingOut, ImportOut, NikIn, PairOut, WorkerDetailOut, WorkerSearchIn, WorkerSearchOut

router = Router()


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


@router.post("/workers/search", response=WorkerSearchOut, tags=["workers"], url_name="workers")
def workers(request, data: WorkerSearchIn):
    """Search by NIK prefix (4+ digits) or name (3+ letters), sent as ``{"q": …}``; at most 50 results."""
    rows, more = registry.search_peserta(request.user, data.q[:100])
    return {"results": [_worker(p) for p in rows], "more": more}


@router.post("/workers/find", response=WorkerDetailOut, tags=["workers"], url_name="worker")
def worker(request, data: NikIn):
    """One worker by NIK, sent as ``{"nik": …}``; 404 outside the caller's area."""
    try:
        return _worker(registry.get_peserta(request.user, nik=data.nik.strip()), detail=True)
    except Peserta.DoesNotExist:
        raise Http404


def _import(request, number: int) -> ImportBatch:
    try:
        return import_selectors.imports_for(request.user).get(number=number)
    except ImportBatch.DoesNotExist:
        raise Http404


def _import_out(b: ImportBatch) -> dict:
    return {"number": b.number, "filename": b.filename, "sha256": b.sha256, "status": b.status, "progress": b.progress,
            "stage": b.stage, "error": b.error, "source": b.source, "report": b.report}


@router.post("/imports", response={201: ImportOut}, tags=["imports"])
def import_upload(request, file: File[UploadedFile], source: Form[str] = "auto"):
    """Upload a P3KE/DTSEN/template file; it is checked in the background and waits for approval."""
    imports.check_uploader(request.user)
    if source != "auto" and source not in SOURCES:
        # Caught here: the background check would fail on it and leave the import "running" for ever.
        raise HttpError(422, f"Sumber {source!r} tidak dikenal; pilih auto, " + ", ".join(SOURCES) + ".")
    batch = imports.create_batch(request.user, file.chunks(), file.name or "upload", source=source)
    stage_import.enqueue(batch.pk)
    batch.refresh_from_db()
    return Status(201, _import_out(batch))


@router.get("/imports/{number}", response=ImportOut, tags=["imports"])
def import_status(request, number: int):
    """An import by its number (Impor #12): status, progress and report."""
    return _import_out(_import(request, number))


@router.get("/imports/{number}/findings", response=list[FindingOut], tags=["imports"])
def import_findings(request, number: int, offset: int = 0, limit: int = 100):
    found = imports.findings(_import(request, number))
    return list(found.slice(max(offset, 0), min(max(limit, 1), 1000)).iter_rows(named=True))


@router.get("/duplicates", response=list[PairOut], tags=["imports"])
def duplicates(request, offset: int = 0, limit: int = 100):
    """The review queue: pairs of workers who may be one person."""
    pairs = import_selectors.pairs_for(request.user)[max(offset, 0):max(offset, 0) + min(max(limit, 1), 1000)]
    return [{"number": p.number, "nik_a": p.nik_a, "nik_b": p.nik_b, "probability": p.probability,
             "batch": p.batch.number if p.batch else None} for p in pairs]
