"""Registry import as a staged, approved, atomic job, and the decisions on the probable duplicates it finds.

upload → stage (read, validate, dedupe; parquet files beside the batch, nothing in the registry)
→ approve by another Admin Dinas → commit in one transaction. A crash before the commit leaves the
registry as it was; the staged files are written to a temporary name and renamed when complete.
"""

import hashlib
import io
import logging
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from functools import reduce
from operator import or_
from pathlib import Path
from typing import Any

import polars as pl
import xlsxwriter
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Field, Max, Q
from django.utils import timezone
from django.utils.translation import gettext

from lindung.accounts.roles import require
from lindung.accounts.scoping import under
from lindung.audit.services import record_event
from lindung.core.db import refresh_statistics
from lindung.core.xlsx import safe_cell, write_table
from lindung.payments import protection
from lindung.pipeline import linkage, readers, validate
from lindung.pipeline.schema import FINDINGS_SCHEMA
from lindung.pipeline.sources import KNOWN_KEYS
from lindung.pipeline.sources import key as header_key
from lindung.programs.models import Programme
from lindung.programs.tasks import keep_assessments
from lindung.rules.nik import known_in_lokal
from lindung.wilayah import deployment
from lindung.wilayah.models import Level, Wilayah

from . import selectors
from ..models import (
    DismissedPair,
    DuplicatePair,
    ImportBatch,
    Pekerjaan,
    Peserta,
    SavedMapping,
    SumberData,
    headers_key,
    next_number,
)

logger = logging.getLogger(__name__)
PROBABLE_DUPLICATE_THRESHOLD = 0.9
SOURCE_LABEL = {"p3ke_keluarga": SumberData.P3KE, "p3ke_individu": SumberData.P3KE, "dtsen": SumberData.DTSEN}
# Registry fields an import writes (both for new workers and for updates of existing ones).
WRITTEN = ["no_kk", "nama", "jenis_kelamin", "tempat_lahir", "tanggal_lahir", "desa_id", "alamat", "telepon",
           "pekerjaan_1_id", "pekerjaan_2_id", "desil", "miskin_ekstrem", "id_keluarga", "hubungan", "sumber"]

Progress = Callable[[int, str], None]


def batch_dir(batch: ImportBatch) -> Path:
    return Path(settings.DATA_DIR) / "imports" / str(batch.pk)


def _write_atomically(frame: pl.DataFrame, path: Path) -> None:
    tmp = path.with_suffix(".tmp")
    frame.write_parquet(tmp)
    os.replace(tmp, path)


def check_uploader(user) -> None:
    require(user, "imports", gettext("Only the Admin Dinas or the Operator Dinas may import data."))


def _batch_in_area(user, pk: int, *, lock: bool = False) -> ImportBatch:
    """The batch, when its uploader's area lies in the user's (in a province deployment a regency office acts on its
    own regency's imports only); locked when asked."""
    found = ImportBatch.objects.filter(selectors.batches_within(user), pk=pk)
    if lock:
        found = found.select_for_update(of=("self",))
    batch = found.first()
    if batch is None:
        raise PermissionDenied(gettext("This import was uploaded outside your area."))
    return batch


def file_chunks(path: Path, size: int = 1 << 20) -> Iterator[bytes]:
    with open(path, "rb") as f:
        while chunk := f.read(size):
            yield chunk


def create_batch(user, chunks: Iterable[bytes], filename: str, *, source: str = "auto",
                 mapping: dict | None = None) -> ImportBatch:
    """Keep the uploaded bytes (an upload's .chunks(), or file_chunks(path)) with their hash, and an
    audited batch record."""
    check_uploader(user)
    incoming = Path(settings.DATA_DIR) / "imports" / "incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with tempfile.NamedTemporaryFile(dir=incoming, delete=False) as tmp:
        for chunk in chunks:
            digest.update(chunk)
            size += len(chunk)
            tmp.write(chunk)
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                uploaded_by=user, filename=Path(filename).name[:200], sha256=digest.hexdigest(), size=size,
                source=source, mapping=mapping or {},
            )
            folder = batch_dir(batch)
            folder.mkdir(parents=True, exist_ok=True)
            os.replace(tmp.name, folder / "upload")
            record_event(user, "registry.import_uploaded", target=f"importbatch:{batch.pk}",
                         summary=f"Berkas impor diunggah ({batch.size} bita, sha256 {batch.sha256[:16]}…).")
    finally:
        Path(tmp.name).unlink(missing_ok=True)  # only left when the batch could not be created
    return batch


def restage(user, batch: ImportBatch, mapping: dict) -> ImportBatch:
    """Run a batch again with a hand-made column mapping."""
    check_uploader(user)
    with transaction.atomic():
        locked = _batch_in_area(user, batch.pk, lock=True)
        if locked.status not in (ImportBatch.Status.NEEDS_MAPPING, ImportBatch.Status.STAGED, ImportBatch.Status.FAILED):
            raise ValidationError(gettext("An import that is %(status)s cannot be run again.")
                                  % {"status": locked.get_status_display()})
        locked.mapping, locked.status, locked.progress, locked.error = mapping, ImportBatch.Status.QUEUED, 0, ""
        locked.save()
        record_event(user, "registry.import_remapped", target=f"importbatch:{batch.pk}",
                     summary=f"Pemetaan kolom diubah ({len(mapping)} kolom); impor diperiksa ulang.")
    return locked


def save_mapping(user, batch: ImportBatch, name: str, mapping: dict) -> SavedMapping:
    check_uploader(user)
    _batch_in_area(user, batch.pk)
    saved = SavedMapping.objects.create(name=name[:80], headers_key=headers_key(batch.headers), mapping=mapping,
                                        created_by=user)
    record_event(user, "registry.mapping_saved", target=f"savedmapping:{saved.pk}",
                 summary=f"Pemetaan kolom disimpan ({len(mapping)} kolom).")
    return saved


def narrower(area: str | None) -> str | None:
    """The uploader's area when it is narrower than the deployment (a regency office of a province deployment):
    his file may name only its villages and people. None for the province office, a one-regency deployment's
    office, or no uploader (the whole deployment)."""
    root = deployment.root()
    return area if area is not None and area != root and area.startswith(root + ".") else None


def _context(area: str | None = None) -> validate.Context:
    """The villages of every regency the deployment serves are ours; a code elsewhere is outside its root. With an
    ``area`` (the uploader's, in a province deployment a regency) only its villages: a Seluma office's file naming
    a Kaur village is refused on that row, as a village outside the regency; and only its participants go on past
    the age limit (the check says nothing of a person registered elsewhere)."""
    root = deployment.root()
    served = deployment.regencies()
    within_served = reduce(or_, (under(regency, "code") for regency in served), Q(pk__in=[]))
    area = narrower(area)
    if area is not None:
        within_served &= under(area, "code")
        root = area
    villages = frozenset(Wilayah.objects.filter(within_served, level=Level.DESA).values_list("code", flat=True))
    start = programme_start()
    return validate.Context(regency=root, villages=villages, occupations=occupation_aliases(), start=start,
                            min_age=settings.LINDUNG_MIN_AGE, known_region=known_in_lokal,
                            registered=protection.participants_on(
                                start, Q() if area is None else under(area, "peserta__desa__code")))


def occupation_aliases() -> dict[str, str]:
    """Every way a file may name an active occupation (its code, name, each part of a name with "/"), normalised as
    validate.Context wants it -> the occupation's code."""
    occupations = {}
    for code, name in Pekerjaan.objects.filter(active=True).values_list("code", "name"):
        for alias in (code, code.replace("-", " "), name, *name.split("/")):
            occupations[" ".join(alias.lower().split())] = code
    return occupations


def programme_start() -> date:
    """The day an import's ages are taken on: the setting when the office fixed one; else the start of the first
    programme not yet over — or this month when it already runs, as new people join it from now; else 1 January
    of next year, the programme still to be made."""
    if settings.LINDUNG_PROGRAMME_START:
        return date.fromisoformat(settings.LINDUNG_PROGRAMME_START)
    this_month = timezone.localdate().replace(day=1)
    first = Programme.objects.filter(end__gte=this_month).order_by("start").values_list("start", flat=True).first()
    if first is None:
        return date(this_month.year + 1, 1, 1)
    return max(first, this_month)


def _registry_frame() -> pl.DataFrame:
    rows = Peserta.objects.values_list("id", "nik", "nama", "tanggal_lahir", "desa_id")
    return pl.DataFrame(list(rows), schema={"id": pl.Int64, "nik": pl.Utf8, "nama": pl.Utf8,
                                            "tanggal_lahir": pl.Date, "desa": pl.Utf8}, orient="row")


def _dismissed() -> set[tuple[str, str]]:
    return set(DismissedPair.objects.values_list("nik_a", "nik_b"))


def analyse(path: Path, *, source: str = "auto", mapping: dict | None = None, progress: Progress | None = None,
            area: str | None = None) -> dict:
    """The whole pipeline on one file, writing nothing: the result of a dry run and of staging. ``area``: the
    uploader's, whose villages alone the file may name, and whose registered people alone it may update (a NIK
    registered outside it is a ``peserta_outside_area`` error: the office does not move a neighbour's person)."""
    progress = progress or (lambda pct, text: None)
    started = time.perf_counter()
    progress(5, "Membaca berkas")
    read = readers.read_file(path, source=source, mapping=mapping)
    result: dict[str, object] = {"read": read, "typed": None, "findings": pl.DataFrame(schema=FINDINGS_SCHEMA), "pairs": None}
    if read.missing_required:
        return result
    progress(30, "Memeriksa setiap baris")
    typed, findings = validate.validate(read.frame, read.headers, _context(area))
    progress(55, "Mencocokkan NIK dengan register")
    registry = _registry_frame()
    existing = linkage.exact_matches(typed.select("row", "nik"), registry.select("id", "nik"))
    typed = typed.join(existing.rename({"id": "existing_id"}), on="row", how="left")
    if (narrow := narrower(area)) is not None:
        typed, outside = linkage.outside_area(typed, registry, narrow, read.header("nik"))
        if not outside.is_empty():
            findings = pl.concat([findings, outside]).sort("row", "column", maintain_order=True)
    progress(70, "Mencari kemungkinan orang yang sama")
    candidates = typed.filter(pl.col("valid")).select("row", "nik", "nama", "tanggal_lahir", "desa")
    pairs = linkage.probable_duplicates(candidates, registry, threshold=PROBABLE_DUPLICATE_THRESHOLD,
                                        dismissed=_dismissed())
    result.update(typed=typed, findings=findings, pairs=pairs)
    result["report"] = _report(typed, findings, pairs, time.perf_counter() - started)
    progress(95, "Menyusun laporan")
    return result


def _report(typed: pl.DataFrame, findings: pl.DataFrame, pairs: pl.DataFrame, seconds: float) -> dict:
    valid = typed.filter(pl.col("valid"))
    return {
        "rows": typed.height,
        "valid": valid.height,
        "errors": findings.filter(pl.col("severity") == "error").height,
        "warnings": findings.filter(pl.col("severity") == "warning").height,
        "rows_with_errors": typed.height - valid.height,
        "duplicate_nik": findings.filter(pl.col("code") == "nik_duplicate_in_file").height,
        "probable_duplicates": pairs.height,
        "to_insert": valid.filter(pl.col("existing_id").is_null()).height,
        "to_update": valid.filter(pl.col("existing_id").is_not_null()).height,
        "seconds": round(seconds, 3),
    }


def _set_progress(batch: ImportBatch, pct: int, text: str) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(progress=pct, stage=text[:120])


def stage(batch: ImportBatch) -> ImportBatch:
    """Run the pipeline for a batch and keep its results beside it; never touches the registry."""
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.RUNNING, progress=1, error="")
    version = register_version()  # before the register is read: a change while it is read is a change after
    try:
        result = analyse(batch_dir(batch) / "upload", source=batch.source, mapping=batch.mapping or None,
                         progress=lambda pct, text: _set_progress(batch, pct, text),
                         area=batch.uploaded_by.area_id)
    except readers.ReadError as exc:
        return _finish(batch, ImportBatch.Status.FAILED, error=str(exc))
    except Exception:
        # Never leave an import "checking" for ever; the traceback goes to the log, not to the page.
        logger.exception("import #%s failed", batch.number)
        return _finish(batch, ImportBatch.Status.FAILED,
                       error=f"Terjadi kesalahan tak terduga saat memeriksa impor #{batch.number}. Laporkan nomor ini ke admin.")
    read = result["read"]
    batch.source = read.source
    batch.headers = list(read.headers.values()) + read.unknown_columns  # every header, for the mapping screen
    if read.missing_required:
        return _finish(batch, ImportBatch.Status.NEEDS_MAPPING,
                       error="Kolom wajib tidak ditemukan: " + ", ".join(read.missing_required),
                       report={"missing_required": read.missing_required, "columns": read.headers})
    folder = batch_dir(batch)
    _write_atomically(read.frame, folder / "raw.parquet")
    _write_atomically(result["typed"], folder / "staged.parquet")
    _write_atomically(result["findings"], folder / "findings.parquet")
    _write_atomically(result["pairs"], folder / "pairs.parquet")
    result["report"].update(columns=read.headers, register_version=version, same_file_as=_same_file(batch))
    return _finish(batch, ImportBatch.Status.STAGED, report=result["report"])


def _same_file(batch: ImportBatch) -> dict[str, Any] | None:
    """The latest other import of exactly these bytes that is not rejected or failed: the same file again."""
    earlier = (ImportBatch.objects.filter(sha256=batch.sha256).exclude(pk=batch.pk)
               .exclude(status__in=[ImportBatch.Status.REJECTED, ImportBatch.Status.FAILED])
               .order_by("-number").values("number", "status").first())
    return dict(earlier) if earlier else None


# How an import's check ended, as the audit trail records it: the action and the summary's first words.
FINISHED: dict[str, tuple[str, str]] = {
    ImportBatch.Status.STAGED: ("registry.import_staged", "Impor diperiksa, menunggu persetujuan"),
    ImportBatch.Status.NEEDS_MAPPING: ("registry.import_needs_mapping", "Kolom impor perlu dipetakan"),
    ImportBatch.Status.FAILED: ("registry.import_failed", "Impor gagal diperiksa"),
}


def _finish(batch: ImportBatch, status: str, *, error: str = "", report: dict | None = None) -> ImportBatch:
    batch.status, batch.error, batch.progress, batch.stage = status, error, 100, ""
    if report is not None:
        batch.report = report
    batch.save()
    action, words = FINISHED[status]
    figures = ", ".join(f"{k} {v}" for k, v in (report or {}).items() if isinstance(v, int))
    record_event(batch.uploaded_by, action, target=f"importbatch:{batch.pk}",
                 summary=f"{words}: {figures}." if figures else f"{words}.")
    return batch


class RegisterChanged(ValidationError):
    """The register changed since the file was checked: the import was checked again and waits for approval."""


def register_version() -> int:
    """The register's last change (the newest row of the workers' history): staging records it, approval compares."""
    return Peserta.history.aggregate(n=Max("history_id"))["n"] or 0


def _staged_rows(batch: ImportBatch) -> pl.DataFrame:
    """The valid staged rows as the register stores them (nik, WRITTEN, existing_id), computed before any lock."""
    jobs = dict(Pekerjaan.objects.values_list("code", "id"))
    typed = pl.read_parquet(batch_dir(batch) / "staged.parquet").filter(pl.col("valid"))
    job = lambda i: pl.col("pekerjaan").list.get(i, null_on_oob=True).replace_strict(  # noqa: E731
        jobs, default=None, return_dtype=pl.Int64)
    text = lambda name: pl.col(name).fill_null("")  # noqa: E731
    return typed.select(
        "nik", text("no_kk"), "nama", "jenis_kelamin", text("tempat_lahir"), "tanggal_lahir",
        pl.col("desa").alias("desa_id"), text("alamat"), text("telepon"), job(0).alias("pekerjaan_1_id"),
        job(1).alias("pekerjaan_2_id"), "desil", pl.col("miskin_ekstrem").fill_null(False).cast(pl.Boolean),
        text("id_keluarga"), text("hubungan"), pl.lit(SOURCE_LABEL.get(batch.source, SumberData.MANUAL)).alias("sumber"),
        pl.col("existing_id").cast(pl.Int64),
    )


STAGED_TABLE = "lindung_import_rows"


class _RowsTable:
    """The staged rows in a temporary table of this connection, filled before the write transaction opens (a
    temporary table is not the register: filling it takes no lock on it), so that the transaction itself is a few
    set-based statements."""

    def __init__(self, rows: pl.DataFrame):
        self.rows = rows

    def __enter__(self) -> str:
        fields = [_field(name) for name in ["nik", *WRITTEN]]
        q = connection.ops.quote_name
        columns = [f"{q(_column(f))} {f.db_type(connection)}" for f in fields] + [f"{q('existing_id')} bigint"]
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {q(STAGED_TABLE)}")
            cursor.execute(f"CREATE TEMPORARY TABLE {q(STAGED_TABLE)} ({', '.join(columns)})")
            placeholders = ", ".join(["%s"] * len(self.rows.columns))
            cursor.executemany(f"INSERT INTO {q(STAGED_TABLE)} VALUES ({placeholders})", self.rows.rows())
            cursor.execute(f"CREATE INDEX {q(STAGED_TABLE + '_nik')} ON {q(STAGED_TABLE)} ({q('nik')})")
        return STAGED_TABLE

    def __exit__(self, *exc) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(STAGED_TABLE)}")


def _conflicts(table: str) -> dict[str, int]:
    """Staged rows the register contradicts now: new people it holds since, and people to update it no longer holds
    under that NIK (merged, deleted)."""
    peserta = Peserta._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table} t JOIN {peserta} p ON p.nik = t.nik WHERE t.existing_id IS NULL")
        now_there = cursor.fetchone()[0]
        cursor.execute(f"SELECT COUNT(*) FROM {table} t WHERE t.existing_id IS NOT NULL AND NOT EXISTS "
                       f"(SELECT 1 FROM {peserta} p WHERE p.id = t.existing_id AND p.nik = t.nik)")
        gone = cursor.fetchone()[0]
    return {"now_in_register": now_there, "no_longer_in_register": gone} if now_there or gone else {}


def _lock_register() -> None:
    """SQLite's IMMEDIATE transaction already holds the only write lock; on PostgreSQL other writers of the register
    wait (readers go on) until this transaction ends, so nothing it checked changes before it commits."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'LOCK TABLE "{Peserta._meta.db_table}" IN SHARE ROW EXCLUSIVE MODE')


def _field(name: str) -> Field:
    field = Peserta._meta.get_field(name)
    assert isinstance(field, Field)  # a worker's own column, not the far side of a relation
    return field


def _column(field: Field) -> str:
    assert field.column is not None  # every concrete field has its column
    return field.column


def _write_rows(table: str, user, reason: str) -> tuple[int, int]:
    """Insert the new workers, update the existing ones and write a history row for each: three statements."""
    q = connection.ops.quote_name
    peserta, history = Peserta._meta.db_table, Peserta.history.model._meta.db_table
    written = [q(_column(_field(name))) for name in WRITTEN]
    now = timezone.now()
    stamp = Peserta._meta.get_field("updated").get_db_prep_value(now, connection)
    income = Peserta._meta.get_field("penghasilan").get_default()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {peserta} (nik, {', '.join(written)}, penghasilan, created, updated) "
            f"SELECT nik, {', '.join(written)}, %s, %s, %s FROM {table} WHERE existing_id IS NULL", [income, stamp, stamp])
        inserted = cursor.rowcount
        cursor.execute(
            f"UPDATE {peserta} SET {', '.join(f'{c} = t.{c}' for c in written)}, updated = %s "
            f"FROM {table} t WHERE {peserta}.id = t.existing_id", [stamp])
        updated = cursor.rowcount
        columns = [q(_column(f)) for f in Peserta._meta.concrete_fields]
        cursor.execute(
            f"INSERT INTO {history} ({', '.join(columns)}, history_date, history_change_reason, history_type, "
            f"history_user_id) SELECT {', '.join('p.' + c for c in columns)}, %s, %s, "
            f"CASE WHEN t.existing_id IS NULL THEN '+' ELSE '~' END, %s "
            f"FROM {table} t JOIN {peserta} p ON p.nik = t.nik",
            [Peserta.history.model._meta.get_field("history_date").get_db_prep_value(now, connection), reason, user.pk])
    return inserted, updated


def approve(user, batch: ImportBatch) -> ImportBatch:
    """Commit a staged import, by an Admin Dinas who did not upload it: the rows are read and made ready first, the
    register written in one short transaction. If the register changed since the file was checked, the file is
    checked again instead and RegisterChanged says what it found: the import waits for approval again."""
    require(user, "approves", gettext("Only the Admin Dinas may approve an import."))
    batch = _batch_in_area(user, batch.pk)
    if user.pk == batch.uploaded_by_id:
        raise PermissionDenied(gettext("An import must be approved by another Admin Dinas than the one who uploaded it."))
    if batch.status != ImportBatch.Status.STAGED:
        raise ValidationError(gettext("This import is %(status)s: it cannot be approved.")
                              % {"status": batch.get_status_display()})
    rows = _staged_rows(batch)
    pairs = staged_pairs(batch)
    with _RowsTable(rows) as table, transaction.atomic():
        locked = _batch_in_area(user, batch.pk, lock=True)
        if locked.status != ImportBatch.Status.STAGED:
            raise ValidationError(gettext("This import is %(status)s: it cannot be approved.")
                                  % {"status": locked.get_status_display()})
        _lock_register()
        conflicts = _conflicts(table)
        changed = conflicts or locked.report.get("register_version") != register_version()
        if not changed:
            inserted, updated = _write_rows(table, user, f"impor #{batch.number}")
            refresh_statistics(inserted + updated, Peserta)
            protection.moved(rows.filter(pl.col("existing_id").is_not_null())["existing_id"].to_list())
            queued = _queue_pairs(batch, pairs)
            locked.status, locked.decided_by, locked.decided_at = ImportBatch.Status.COMMITTED, user, timezone.now()
            locked.report = {**locked.report, "inserted": inserted, "updated": updated, "queued_pairs": queued}
            locked.save()
            keep_assessments.enqueue()  # a database queue sees it once this commits
            record_event(user, "registry.import_committed", target=f"importbatch:{batch.pk}",
                         summary=f"Impor disetujui: {inserted} baru, {updated} diperbarui, {queued} pasangan untuk "
                                 f"ditinjau (sha256 {batch.sha256[:16]}…).")
    if changed:
        raise _check_again(user, locked, conflicts)
    return locked


def _check_again(user, batch: ImportBatch, conflicts: dict[str, int]) -> RegisterChanged:
    """Stage the batch again against today's register; the refusal that tells the approver what it found."""
    record_event(user, "registry.import_rechecked", target=f"importbatch:{batch.pk}",
                 summary=f"Register berubah sejak berkas diperiksa ({conflicts.get('now_in_register', 0)} baris baru "
                         f"kini sudah ada, {conflicts.get('no_longer_in_register', 0)} tidak ada lagi); "
                         "impor diperiksa ulang.")
    batch = stage(batch)
    batch.report = {**batch.report, "rechecked": conflicts or {"now_in_register": 0, "no_longer_in_register": 0}}
    batch.save(update_fields=["report"])
    if batch.status != ImportBatch.Status.STAGED:
        return RegisterChanged(gettext("The register changed since this file was checked; checking it again "
                                       "failed: %(error)s") % {"error": batch.error})
    return RegisterChanged(gettext("The register changed since this file was checked; it was checked again: "
                                   "%(new)s new, %(updates)s updates. Approve again.")
                           % {"new": batch.report["to_insert"], "updates": batch.report["to_update"]})


def _queue_pairs(batch: ImportBatch, pairs: pl.DataFrame) -> int:
    """Put probable duplicates in the review queue, now that both sides are registry workers."""
    if pairs.is_empty():
        return 0
    niks = set(pairs["nik"]) | set(pairs["other_nik"])
    ids = dict(Peserta.objects.filter(nik__in=niks).values_list("nik", "id"))
    queue = []
    for r in pairs.iter_rows(named=True):
        a, b = sorted((r["nik"], r["other_nik"]))
        if a in ids and b in ids:
            queue.append(DuplicatePair(a_id=ids[a], b_id=ids[b], nik_a=a, nik_b=b, probability=r["probability"], batch=batch))
    # Numbered in the queue's order, leaving out the pairs already queued (once each, as the constraint wants):
    # a number is never lost to a skipped row, and no row is skipped for its number.
    seen = set(DuplicatePair.objects.filter(nik_a__in={p.nik_a for p in queue}).values_list("nik_a", "nik_b"))
    fresh = []
    for pair in queue:
        if (pair.nik_a, pair.nik_b) not in seen:
            seen.add((pair.nik_a, pair.nik_b))
            fresh.append(pair)
    first = next_number(DuplicatePair)
    for i, pair in enumerate(fresh):
        pair.number = first + i
    DuplicatePair.objects.bulk_create(fresh)
    return len(queue)


def reject(user, batch: ImportBatch, reason: str) -> ImportBatch:
    require(user, "approves", gettext("Only the Admin Dinas may reject an import."))
    with transaction.atomic():
        locked = _batch_in_area(user, batch.pk, lock=True)
        if locked.status not in (ImportBatch.Status.STAGED, ImportBatch.Status.NEEDS_MAPPING):
            raise ValidationError(gettext("This import is %(status)s: it cannot be rejected.")
                                  % {"status": locked.get_status_display()})
        locked.status, locked.decided_by, locked.decided_at = ImportBatch.Status.REJECTED, user, timezone.now()
        locked.error = reason[:500]
        locked.save()
        record_event(user, "registry.import_rejected", target=f"importbatch:{batch.pk}", summary="Impor ditolak.")
    return locked


def staged_pairs(batch: ImportBatch) -> pl.DataFrame:
    return pl.read_parquet(batch_dir(batch) / "pairs.parquet")


def findings(batch: ImportBatch) -> pl.DataFrame:
    path = batch_dir(batch) / "findings.parquet"
    return pl.read_parquet(path) if path.exists() else pl.DataFrame(schema=FINDINGS_SCHEMA)


FINDING_HEADERS = ["Tingkat temuan", "Temuan"]  # after the file's own columns; no reader spelling matches them


def _severity_word(severity: str) -> str:
    # The words the import page shows ("kesalahan", "peringatan"), never the stored code.
    return (gettext("error") if severity == "error" else gettext("warning")).capitalize()


def _original_table(batch: ImportBatch):
    """The uploaded file's table as the import read it: the sheet with most recognised headers, every column."""
    data = (batch_dir(batch) / "upload").read_bytes()
    known = KNOWN_KEYS | {header_key(h) for h in (batch.mapping or {}).values() if h}
    tables = readers.all_tables(data, known, 500)
    return max(enumerate(tables), key=lambda t: (sum(1 for h in t[1].headers if h and header_key(h) in known),
                                                 -t[0]))[1]


def findings_workbook(batch: ImportBatch) -> bytes:
    """The findings, and the uploaded file itself with every one of its columns, each row at the row number it had
    (so "Baris" points at it), the offending cells coloured (red error, yellow warning) and two columns in words
    after the file's own: the row's worst finding and what is wrong. Correct the cells and upload the sheet again."""
    found = findings(batch)
    table = _original_table(batch)
    headers = [h or "" for h in table.headers]
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = book.add_format({"bold": True, "bg_color": "#DDEEE6", "border": 1})
    text = book.add_format({"num_format": "@"})
    fill = {"error": book.add_format({"bg_color": "#F4C7C3", "num_format": "@"}),
            "warning": book.add_format({"bg_color": "#FCE8B2", "num_format": "@"})}

    sheet = book.add_worksheet("Temuan")
    write_table(sheet, bold, ["Baris", "Kolom", "Tingkat", "Pesan"],
                ((r, c, _severity_word(sev), m) for r, c, sev, m in
                 found.select("row", "column", "severity", "message").iter_rows()), widths=[8, 22, 12, 90])

    by_row: dict[int, list[tuple[str, str, str]]] = {}
    for r, c, sev, m in found.sort("row", "severity").select("row", "column", "severity", "message").iter_rows():
        by_row.setdefault(r, []).append((c, sev, m))
    col_of: dict[str, int] = {}
    for i, h in enumerate(headers):
        col_of.setdefault(h, i)

    data = book.add_worksheet("Data")
    top = table.header_idx  # the header stays on its row, so each data row keeps its number
    if top:
        data.write_string(0, 0, safe_cell(f"Temuan impor #{batch.number}: perbaiki sel berwarna, lalu unggah lagi."))
    for col, title in enumerate(headers + FINDING_HEADERS):
        data.write_string(top, col, safe_cell(title), bold)
        data.set_column(col, col, max(12, min(40, len(title) + 2)), text if col < len(headers) else None)
    data.set_column(len(headers) + 1, len(headers) + 1, 90)
    frame = table.load(list(range(len(headers)))).collect()
    for i, values in enumerate(frame.iter_rows()):
        line = top + 1 + i
        number = line + 1  # 1-based, as the findings count rows
        marks = {col_of[c]: sev for c, sev, _m in sorted(by_row.get(number, []), key=lambda f: f[1] != "error")
                 if c in col_of}
        for col, value in enumerate(values):
            if value is None and col not in marks:
                continue
            value = re.sub(r"^(\d{4}-\d\d-\d\d) 00:00:00$", r"\1", str(value)) if value is not None else ""
            if col in marks:
                data.write_string(line, col, safe_cell(value), fill[marks[col]])
            else:
                data.write_string(line, col, safe_cell(value))
        if number in by_row:
            worst = min(sev for _c, sev, _m in by_row[number])  # "error" < "warning"
            data.write_string(line, len(headers), _severity_word(worst))
            data.write_string(line, len(headers) + 1,
                              safe_cell("; ".join(f"{c}: {m}" for c, _sev, m in by_row[number])))
    data.freeze_panes(top + 1, 0)
    book.close()
    return out.getvalue()


# Decisions on probable duplicates: merge the same person, or dismiss the pair for good.
# Fields the kept record takes from the other one where its own are empty.
FILLED = ["no_kk", "tempat_lahir", "alamat", "telepon", "pekerjaan_1", "pekerjaan_2", "desil", "id_keluarga", "hubungan"]


def _pending(user, pair_id: int) -> DuplicatePair:
    require(user, "imports", gettext("Only the Admin or Operator Dinas reviews duplicates."))
    pair = (DuplicatePair.objects.select_for_update(of=("self",)).filter(selectors.pairs_within(user), pk=pair_id)
            .first())
    if pair is None:
        DuplicatePair.objects.get(pk=pair_id)  # none such: DoesNotExist, a 404 on the page
        raise PermissionDenied(gettext("This pair has a person outside your area: the office of an area holding "
                                       "both decides it."))
    if pair.decision != DuplicatePair.Decision.PENDING:
        raise ValidationError(gettext("This pair is already decided."))
    return pair


@transaction.atomic
def confirm_same_person(user, pair_id: int, keep: str) -> Peserta:
    """Keep one record (`keep` is the NIK to keep), fill its gaps from the other, delete the other.

    Both records' values stay in the history tables: the kept one's change and the other's deletion.
    """
    pair = _pending(user, pair_id)
    if keep not in (pair.nik_a, pair.nik_b):
        raise ValidationError(gettext("Choose which NIK of this pair is kept."))
    kept, gone = (pair.a, pair.b) if keep == pair.nik_a else (pair.b, pair.a)
    assert kept is not None and gone is not None  # a pending pair has both records
    for field in FILLED:
        if not getattr(kept, field) and getattr(gone, field):
            setattr(kept, field, getattr(gone, field))
    # Other open pairs about the deleted record lose their subject.
    DuplicatePair.objects.filter(decision=DuplicatePair.Decision.PENDING).exclude(pk=pair.pk).filter(
        Q(a=gone) | Q(b=gone)).delete()
    reason = f"gabung duplikat #{pair.number}"
    gone._history_user, gone._change_reason = user, reason
    if gone.pk == pair.a_id:
        pair.a = None
    else:
        pair.b = None
    gone.delete()
    kept._history_user, kept._change_reason = user, reason
    kept.save()
    pair.decision, pair.decided_by, pair.decided_at = DuplicatePair.Decision.SAME, user, timezone.now()
    pair.save()
    record_event(user, "registry.duplicate_merged", target=f"duplicatepair:{pair.pk}",
                 summary=f"Dua catatan digabung: peserta #{kept.pk} dipertahankan.")
    return kept


@transaction.atomic
def dismiss(user, pair_id: int) -> None:
    """Different people: the pair is remembered and never proposed again."""
    pair = _pending(user, pair_id)
    DismissedPair.objects.get_or_create(nik_a=pair.nik_a, nik_b=pair.nik_b, defaults={"by": user})
    pair.decision, pair.decided_by, pair.decided_at = DuplicatePair.Decision.DIFFERENT, user, timezone.now()
    pair.save()
    record_event(user, "registry.duplicate_dismissed", target=f"duplicatepair:{pair.pk}",
                 summary="Pasangan dinyatakan orang berbeda.")
