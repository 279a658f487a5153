"""Backups that restore: the database (SQLite's online copy, or `pg_dump` from one snapshot), the data directory's
files and a manifest in one archive (pipeline.archive); a restore into an empty data directory or database that checks
the archive first and proves the result against the manifest: every table's rows, every file's checksum, the audit
chain and its head."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone

from lindung.audit import selectors as audit
from lindung.audit.chain import Head
from lindung.audit.models import Event
from lindung.core.health import heartbeat_file
from lindung.core.kept import kept_dir
from lindung.pipeline import archive
from lindung.pipeline.archive import Manifest
from lindung.programs.selectors import kept_assessments_dir
from lindung.registry.models import Pekerjaan

DUMP = "lindung.pgdump"
# Tables `migrate` fills by itself: a database with rows in these only is still empty.
MIGRATE_FILLS = {"django_migrations", "django_content_type", "auth_permission", Pekerjaan._meta.db_table}
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")
STAGING = ".restore-"


class Refused(Exception):
    """The restore will not run (a target not empty, a damaged archive, …): the message says why, in Indonesian."""


class Unproven(Exception):
    """The restore ran, but the result differs from the manifest: the message names every difference."""


def archive_path(out: str | None, now=None) -> Path:
    """Where `lindung backup [OUT]` writes: LINDUNG_BACKUP_DIR or the directory OUT, under lindung-YYYYmmdd-HHMMSS.tar.gz
    (local time); or the file OUT."""
    name = f"lindung-{timezone.localtime(now):%Y%m%d-%H%M%S}.tar.gz"
    if not out:
        return Path(settings.LINDUNG_BACKUP_DIR) / name
    path = Path(out)
    return path / name if path.is_dir() or out.endswith("/") else path


def _sqlite_file() -> Path:
    return Path(str(settings.DATABASES["default"]["NAME"]))


def _engine() -> str:
    return connection.vendor  # "sqlite" or "postgresql"


def _not_data(extra: list[Path]) -> list[Path]:
    """What is under the data directory but no part of a backup: the live database (copied on its own), the static
    files (`collectstatic` makes them again), the backups, an import's upload in transit, a restore's staging, and
    the job worker's heartbeat (restored, it would speak for a worker of the old server), the programmes' kept
    assessments (worked out again from the database: 12 MB a programme at a million workers) and the figures kept for
    the pages (core.kept: counted again)."""
    data_dir = Path(settings.DATA_DIR)
    skip = [Path(settings.STATIC_ROOT), Path(settings.LINDUNG_BACKUP_DIR), data_dir / "imports" / "incoming",
            heartbeat_file(), kept_assessments_dir(), kept_dir(), *extra]
    if _engine() == "sqlite":
        db = _sqlite_file()
        skip += [db, *(Path(f"{db}{suffix}") for suffix in SQLITE_SIDE_FILES)]
    return skip + list(data_dir.glob(f"{STAGING}*"))


def _tables(cursor) -> list[str]:
    """The database's tables, SQLite's own aside."""
    return [t for t in connection.introspection.table_names(cursor) if not t.startswith("sqlite_")]


def _facts(cursor, tables: list[str]) -> tuple[dict[str, int], dict[str, str], str | None]:
    """Rows per table, each app's latest applied migration and the audit chain's head, read through ``cursor`` (a
    DB-API cursor on the copy, or on the snapshot being dumped)."""
    rows = {}
    for table in sorted(tables):
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        rows[table] = int(cursor.fetchone()[0])
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    migrations = dict(cursor.fetchall())
    cursor.execute(f'SELECT seq, hash FROM "{Event._meta.db_table}" ORDER BY seq DESC LIMIT 1')
    last = cursor.fetchone()
    return rows, migrations, f"{last[0]}:{last[1]}" if last else None


@dataclass(frozen=True)
class Backup:
    path: Path
    manifest: Manifest
    copy_seconds: float  # the database's copy: users wrote on meanwhile
    pruned: list[Path]


def backup(out: Path, keep: int | None = None) -> Backup:
    """Write the archive to ``out``, then keep only the newest ``keep`` archives beside it."""
    out.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # The copy holds personal data: beside the archive, never in /tmp.
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".lindung-backup-") as work:
        if _engine() == "sqlite":
            copy = Path(work) / _sqlite_file().name
            seconds = archive.copy_sqlite(_sqlite_file(), copy)
            db = sqlite3.connect(copy)
            try:
                tables = [name for (name,) in db.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
                rows, migrations, head = _facts(db.cursor(), tables)
            finally:
                db.close()
        else:
            copy = Path(work) / DUMP
            rows, migrations, head, seconds = _pg_dump(copy)
        skip = [out, out.with_name(f".{out.name}.partial"), Path(work)]
        manifest = archive.write(out, copy, archive.data_files(Path(settings.DATA_DIR), _not_data(skip)), Manifest(
            created=timezone.localtime().isoformat(timespec="seconds"), engine=_engine(), version=version("lindung"),
            database=archive.Member("", 0, "", 0),  # write() fills in the database and the files as archived
            tables=rows, migrations=migrations, audit_head=head))
    pruned = archive.prune(out.parent, keep) if keep is not None else []
    return Backup(out, manifest, seconds, pruned)


def _pg_env() -> dict[str, str]:
    """The connection settings for PostgreSQL's own tools, the password among them: in the child's environment,
    never on its command line."""
    db = connection.settings_dict
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"),
                     ("NAME", "PGDATABASE")):
        if db.get(key):
            env[var] = str(db[key])
    if sslmode := db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = sslmode
    return env


def _pg_dump(target: Path) -> tuple[dict[str, int], dict[str, str], str | None, float]:
    """`pg_dump -Fc` of the snapshot this transaction exports, whose rows, migrations and audit head are read in the
    same transaction: the manifest describes exactly what was dumped, while users go on writing."""
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        rows, migrations, head = _facts(cursor, _tables(cursor))
        done = subprocess.run(["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
                              env=_pg_env(), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"pg_dump: {done.stderr.strip()}")
    return rows, migrations, head, time.monotonic() - started


# Restore.

def _held_tables() -> list[str]:
    """The target database's tables holding rows `migrate` did not put there."""
    with connection.cursor() as cursor:
        held = []
        for table in _tables(cursor):
            if table not in MIGRATE_FILLS:
                cursor.execute(f'SELECT 1 FROM "{table}" LIMIT 1')
                if cursor.fetchone():
                    held.append(table)
    return held


def _present_files() -> list[tuple[str, Path]]:
    """The data directory's files a restore would replace (the demo's secret, which settings write at start, aside)."""
    return [(name, path) for name, path in archive.data_files(Path(settings.DATA_DIR), _not_data([]))
            if path != Path(settings.DEMO_SECRET_FILE)]


def check_target(force: bool) -> None:
    """Refuse a target that holds data, unless ``force``."""
    if force:
        return
    if _engine() == "sqlite" and not _sqlite_file().exists():
        held = []
    else:
        held = _held_tables()
    files = _present_files()
    if held or files:
        what = []
        if held:
            what.append(f"basis data {connection.settings_dict['NAME']} berisi data ({len(held)} tabel berisi, "
                        f"mis. {', '.join(held[:3])})")
        if files:
            what.append(f"direktori data {settings.DATA_DIR} berisi {len(files)} berkas (mis. {files[0][0]})")
        raise Refused("Tujuan pemulihan tidak kosong: " + "; ".join(what) + ". Pulihkan ke direktori data dan basis "
                      "data yang kosong, atau tambahkan --force untuk menimpanya (data yang ada sekarang hilang).")


@dataclass(frozen=True)
class Restored:
    manifest: Manifest
    tables: int
    rows: int
    files: int


def restore(path: Path, force: bool = False) -> Restored:
    """Check the archive whole, refuse a target holding data (unless ``force``), put the database and files in
    place, and prove the result; Refused before anything changed, Unproven when the result differs."""
    if not path.is_file():
        raise Refused(f"Arsip {path} tidak ada.")
    data_dir = Path(settings.DATA_DIR)
    data_dir.mkdir(parents=True, exist_ok=True)
    # Staged inside the data directory: the files then move into place by a rename, never a copy.
    staging = Path(tempfile.mkdtemp(dir=data_dir, prefix=STAGING))
    try:
        try:
            manifest = archive.extract(path, staging)
        except archive.ArchiveError as e:
            raise Refused(f"Arsip {path} rusak, tidak dipulihkan: {DAMAGE[e.damage]} ({e.detail}).") from e
        if manifest.engine != _engine():
            raise Refused(f"Arsip ini cadangan basis data {manifest.engine}, sedangkan Lindung di sini memakai "
                          f"{_engine()}: pulihkan ke jenis basis data yang sama.")
        staged_db = staging / manifest.database.name
        if manifest.engine == "sqlite" and (problem := archive.sqlite_ok(staged_db)) != "ok":
            raise Refused(f"Basis data di dalam arsip {path} rusak: {problem}.")
        check_target(force)
        if manifest.engine == "sqlite":
            _place_sqlite(staged_db)
        else:
            _pg_restore(staged_db)
        _place_files(manifest, staging, force)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return prove(manifest)


DAMAGE = {
    archive.Damage.UNREADABLE: "tidak terbaca sampai akhir (terpotong atau bukan arsip tar.gz)",
    archive.Damage.NO_MANIFEST: "manifesnya tidak ada atau tidak terbaca",
    archive.Damage.FORMAT: "format manifesnya tidak dikenal versi ini",
    archive.Damage.UNSAFE: "berisi tautan atau jalur di luar arsip",
    archive.Damage.MISSING: "berkas yang tercatat di manifes tidak ada",
    archive.Damage.EXTRA: "berisi berkas yang tidak tercatat di manifes",
    archive.Damage.CHECKSUM: "isi berkas tidak cocok dengan checksum di manifes (diubah atau rusak)",
}


def _place_sqlite(staged: Path) -> None:
    connections.close_all()
    db = _sqlite_file()
    for suffix in SQLITE_SIDE_FILES:  # another database's WAL must never be applied to the restored file
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    staged.chmod(0o600)
    os.replace(staged, db)


def _pg_restore(dump: Path) -> None:
    """Empty the target database of every table and function (the append-only trigger's among them), then
    `pg_restore` the dump in one transaction: tables, rows, sequences, indexes and the audit table's triggers.
    Owners and grants are not restored: the role restoring owns what it creates (grant the app role again)."""
    with transaction.atomic(), connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        if tables:
            cursor.execute("DROP TABLE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")
        cursor.execute("SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                       "WHERE n.nspname = current_schema()")
        for (function,) in cursor.fetchall():
            cursor.execute(f"DROP FUNCTION {function} CASCADE")
    connections.close_all()
    done = subprocess.run(["pg_restore", "--no-owner", "--no-acl", "--single-transaction", "--exit-on-error",
                           f"--dbname={connection.settings_dict['NAME']}", str(dump)],
                          env=_pg_env(), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise Unproven(f"pg_restore gagal: {done.stderr.strip()}")


def _place_files(manifest: Manifest, staging: Path, force: bool) -> None:
    data_dir = Path(settings.DATA_DIR)
    if force:  # the directory becomes the archive's: files it does not hold go
        for _, present in _present_files():
            present.unlink()
    for member in manifest.files:
        target = data_dir / member.name.removeprefix(archive.FILES_DIR)
        for directory in reversed(target.relative_to(data_dir).parents[:-1]):
            (data_dir / directory).mkdir(mode=0o750, exist_ok=True)
        staged = staging / member.name
        staged.chmod(member.mode & 0o750 | 0o600)  # never readable by others, always by the service
        os.replace(staged, target)


def prove(manifest: Manifest) -> Restored:
    """The restored database and files against the manifest: each table's rows, each file's size and SHA-256, the
    audit chain unbroken up to the very head recorded. Unproven names every difference."""
    problems = []
    with connection.cursor() as cursor:
        rows, _, _ = _facts(cursor, _tables(cursor))
    for table in sorted(rows.keys() | manifest.tables.keys()):
        if rows.get(table) != manifest.tables.get(table):
            problems.append(f"tabel {table}: {rows.get(table, 'tidak ada')} baris, di manifes "
                            f"{manifest.tables.get(table, 'tidak ada')}")
    data_dir = Path(settings.DATA_DIR)
    for member in manifest.files:
        path = data_dir / member.name.removeprefix(archive.FILES_DIR)
        if not path.is_file() or archive.sha256_file(path) != member.sha256:
            problems.append(f"berkas {path}: checksum lain dari manifes")
    head = Head.parse(manifest.audit_head) if manifest.audit_head else None
    outcome = audit.verify_chain(head)
    if outcome.broken is not None:
        problems.append(f"rantai jejak audit putus di peristiwa #{outcome.broken.first} ({outcome.broken.fault.value})")
    elif outcome.head != head:
        problems.append(f"kepala rantai jejak audit {outcome.head}, di manifes {manifest.audit_head}")
    if problems:
        raise Unproven("Hasil pemulihan tidak sama dengan manifes arsip: " + "; ".join(problems) + ".")
    return Restored(manifest, len(rows), sum(rows.values()), len(manifest.files))
