"""Is Lindung well: the database answers, the job worker's heartbeat is fresh, the data directory's disk has room
(/healthz, for a monitor); and the Admin Dinas's view of the same with the last backup and the disk's use.

The heartbeat is written by the job worker itself (core/management/commands/db_worker.py), every
HEARTBEAT_SECONDS, into a small file beside the data: when it last beat (its process lives), when its loop last
turned to ask the queue for a job (it takes jobs), and since when it runs a job, if it does (a long import does not
turn the loop, and is no failure). A heartbeat written by `lindung serve` would only prove that serve lives.
"""

import json
import os
import re
import shutil
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from lindung.accounts.roles import require

HEARTBEAT_SECONDS = 5
# A heartbeat, or a turn of the worker's loop, older than this is a failure: several beats missed, and longer than
# a poll of the queue waits for SQLite's lock (20 s) twice.
STALE_SECONDS = 60
BACKUP_NAME = re.compile(r"lindung-\d{8}-\d{6}\.tar\.gz")
BACKUP_LATE = timedelta(days=2)  # the backup runs nightly: a last one older than this says it stopped


HEARTBEAT_NAME = "worker-heartbeat.json"  # in the data directory, shared by the worker and the web


def heartbeat_file() -> Path:
    return Path(settings.DATA_DIR) / HEARTBEAT_NAME


def write_heartbeat(turned: float, job_started: float | None) -> None:
    """The job worker's beat: now, its loop's last turn and the start of the job it runs (Unix times)."""
    path = heartbeat_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_text(json.dumps({"beat": time.time(), "turned": turned, "job_started": job_started,
                                   "pid": os.getpid()}))
    partial.replace(path)  # a reader sees the last beat whole, never half of one


@dataclass(frozen=True)
class Worker:
    state: str  # ok, busy (running a job), none seen, stale (no beat: dead or frozen), stuck (loop not turning)
    ok: bool
    beat_age: float | None = None  # seconds since the last beat
    busy_for: float | None = None  # seconds the running job has taken so far

    @property
    def beat_at(self) -> datetime | None:
        return None if self.beat_age is None else timezone.now() - timedelta(seconds=self.beat_age)


def worker() -> Worker:
    """The job worker as its heartbeat tells. No heartbeat at all is a failure only where a worker must run
    (settings.LINDUNG_JOB_WORKER: under `lindung serve` and in production), not under runserver or the tests."""
    try:
        beat = json.loads(heartbeat_file().read_text())
    except (OSError, ValueError):
        return Worker("none seen", ok=not settings.LINDUNG_JOB_WORKER)
    now = time.time()
    age = max(0.0, now - beat["beat"])
    if age > STALE_SECONDS:
        return Worker("stale", ok=False, beat_age=age)
    if beat["job_started"] is not None:
        return Worker("busy", ok=True, beat_age=age, busy_for=max(0.0, now - beat["job_started"]))
    if now - beat["turned"] > STALE_SECONDS:
        return Worker("stuck", ok=False, beat_age=age)
    return Worker("ok", ok=True, beat_age=age)


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


@dataclass(frozen=True)
class Disk:
    free: int  # bytes
    total: int
    ok: bool


def _existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def disk() -> Disk:
    """The filesystem of the data directory (SQLite, uploads, cards, backups by default)."""
    usage = shutil.disk_usage(_existing(Path(settings.DATA_DIR)))
    return Disk(usage.free, usage.total, ok=usage.free >= settings.LINDUNG_DISK_MIN_FREE_MB * 1024 * 1024)


def health() -> dict:
    """What /healthz answers: each check's word and the figures behind it; nothing personal, no versions."""
    database, job_worker, space = database_ok(), worker(), disk()
    return {
        "status": "ok" if database and job_worker.ok and space.ok else "fail",
        "database": "ok" if database else "error",
        "worker": job_worker.state,
        "worker_heartbeat_age_s": None if job_worker.beat_age is None else round(job_worker.beat_age),
        "worker_job_running_s": None if job_worker.busy_for is None else round(job_worker.busy_for),
        "disk": "ok" if space.ok else "low",
        "disk_free_mb": space.free // (1024 * 1024),
    }


@dataclass(frozen=True)
class Backup:
    name: str
    taken: datetime
    size: int


def last_backup() -> Backup | None:
    """The newest `lindung backup` archive (lindung-YYYYmmdd-HHMMSS.tar.gz, so the newest name is the newest), when
    it was written and its size."""
    folder = Path(settings.LINDUNG_BACKUP_DIR)
    names = sorted(p.name for p in folder.glob("lindung-*.tar.gz") if BACKUP_NAME.fullmatch(p.name))
    if not names:
        return None
    found = (folder / names[-1]).stat()
    return Backup(names[-1], datetime.fromtimestamp(found.st_mtime, tz=timezone.get_current_timezone()),
                  found.st_size)


def database_size() -> int:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            return int(cursor.fetchone()[0])
    name = Path(connection.settings_dict["NAME"])  # SQLite: the file and its write-ahead log
    return sum(p.stat().st_size for p in (name, name.with_name(name.name + "-wal")) if p.is_file())


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else 0


def operations(user) -> dict:
    """The Admin Dinas's view: the checks of /healthz, the last backup, and what uses the disk."""
    require(user, "approves")
    space = disk()
    backup = last_backup()
    return {"database_ok": database_ok(), "worker": worker(), "disk": space, "used": space.total - space.free,
            "backup": backup, "backup_late": backup is not None and timezone.now() - backup.taken > BACKUP_LATE,
            "database_size": database_size(), "media_size": folder_size(Path(settings.MEDIA_ROOT)),
            "min_free": settings.LINDUNG_DISK_MIN_FREE_MB * 1024 * 1024}
