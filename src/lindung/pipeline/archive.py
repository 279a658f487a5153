"""A backup archive without Django: one tar.gz holding the database (an SQLite file or a `pg_dump -Fc` dump), the
data directory's files, and ``manifest.json`` last, with every member's SHA-256, each table's row count and the audit
chain's head. Reading one back refuses anything the manifest does not vouch for.

    database/<name>          the database copy
    files/<path>             a file of the data directory, by its path inside it
    manifest.json            Manifest, below

The archive is written under a temporary name beside its final one and renamed when complete, so a half-written
archive never carries the final name. Archives hold personal data: they are made readable by their owner only.
"""

from __future__ import annotations

import enum
import hashlib
import io
import json
import os
import sqlite3
import tarfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_DIR = "database/"
FILES_DIR = "files/"
CHUNK = 1 << 20


@dataclass(frozen=True)
class Member:
    """A file in the archive: its name there, size, SHA-256 and permission bits."""

    name: str
    size: int
    sha256: str
    mode: int


@dataclass(frozen=True)
class Manifest:
    created: str  # local time, ISO 8601
    engine: str  # "sqlite" or "postgresql"
    version: str  # Lindung's version that wrote it
    database: Member
    tables: dict[str, int]  # every table of the database copy: its rows
    migrations: dict[str, str]  # each app's latest applied migration
    audit_head: str | None  # "SEQ:SEAL" in full; None: no event yet
    files: list[Member] = field(default_factory=list)
    format: int = FORMAT

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        data = json.loads(raw)
        if data.get("format") != FORMAT:
            raise ArchiveError(Damage.FORMAT, str(data.get("format")))
        data["database"] = Member(**data["database"])
        data["files"] = [Member(**member) for member in data["files"]]
        return cls(**data)

    @property
    def members(self) -> list[Member]:
        return [self.database, *self.files]


class Damage(enum.Enum):
    UNREADABLE = "unreadable"  # not a tar.gz, or truncated: gzip or tar ends early or fails its CRC
    NO_MANIFEST = "no_manifest"
    FORMAT = "format"  # a manifest of another format
    UNSAFE = "unsafe"  # a link, a device, an absolute path or one leaving the archive's directory
    MISSING = "missing"  # a member the manifest lists is not there
    EXTRA = "extra"  # a member the manifest does not list
    CHECKSUM = "checksum"  # a member's bytes differ from the manifest's checksum or size


class ArchiveError(Exception):
    """The archive cannot be trusted: ``damage`` says how, ``detail`` names the member (or the reader's error)."""

    def __init__(self, damage: Damage, detail: str) -> None:
        super().__init__(f"{damage.value}: {detail}")
        self.damage = damage
        self.detail = detail


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def copy_sqlite(source: Path, target: Path) -> float:
    """An online copy of a live SQLite database (its WAL included), consistent as of one moment; returns its seconds.

    One step: in WAL mode the copy is a reader, and readers never block writers, so users go on writing while it
    runs. Copying in several steps would restart the copy whenever another process writes between two steps
    (bench/backup_bench.py measures both)."""
    started = time.monotonic()
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # a single file: no -wal beside it to forget
    finally:
        dst.close()
        src.close()
    return time.monotonic() - started


def sqlite_ok(path: Path) -> str:
    """SQLite's own check of a database file: "ok", or what is wrong."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return "; ".join(str(row[0]) for row in db.execute("PRAGMA integrity_check"))
    except sqlite3.DatabaseError as e:
        return str(e)
    finally:
        db.close()


def data_files(data_dir: Path, skip: list[Path]) -> list[tuple[str, Path]]:
    """The regular files under ``data_dir`` as (path inside it, path), those under ``skip`` (files or directories)
    left out; links and other special files are never followed."""
    skipped = {p.resolve() for p in skip}
    found = []
    for dirpath, dirnames, filenames in os.walk(data_dir):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if (here / d).resolve() not in skipped and not (here / d).is_symlink())
        for name in sorted(filenames):
            path = here / name
            if path.resolve() not in skipped and path.is_file() and not path.is_symlink():
                found.append((path.relative_to(data_dir).as_posix(), path))
    return found


class _Hashing:
    """A file read through: what tar reads is hashed, so the checksum is of the bytes archived even if the file
    grows meanwhile."""

    def __init__(self, f: IO[bytes]) -> None:
        self.f = f
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self.f.read(size)
        self.digest.update(chunk)
        return chunk


def _add(tar: tarfile.TarFile, name: str, path: Path) -> Member | None:
    """Add one file; None when it vanished meanwhile (an upload's temporary copy, …)."""
    try:
        f = path.open("rb")
    except FileNotFoundError:
        return None
    with f:
        stat = os.fstat(f.fileno())
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), stat.st_mode & 0o777
        reader = _Hashing(f)
        tar.addfile(info, reader)  # tar only calls read()
    return Member(name, info.size, reader.digest.hexdigest(), info.mode)


def write(out: Path, database: Path, files: list[tuple[str, Path]], manifest: Manifest) -> Manifest:
    """Write the archive to ``out`` (through a temporary name); ``manifest``'s database and files are filled in
    from what was written. Returns the manifest stored."""
    partial = out.with_name(f".{out.name}.partial")
    old_umask = os.umask(0o077)
    try:
        with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
            db = _add(tar, DATABASE_DIR + database.name, database)
            if db is None:
                raise FileNotFoundError(database)
            members = [m for name, path in files if (m := _add(tar, FILES_DIR + name, path)) is not None]
            stored = Manifest(**{**asdict(manifest), "database": db, "files": members})
            raw = stored.to_json()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(raw), int(time.time()), 0o600
            tar.addfile(info, io.BytesIO(raw))
        with partial.open("rb") as f:
            os.fsync(f.fileno())
        partial.rename(out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        os.umask(old_umask)
    return stored


def _safe(member: tarfile.TarInfo) -> bool:
    parts = Path(member.name).parts
    return (member.isfile() and not member.name.startswith("/") and ".." not in parts
            and (member.name == MANIFEST or member.name.startswith((DATABASE_DIR, FILES_DIR))))


def extract(archive: Path, into: Path) -> Manifest:
    """Unpack ``archive`` into the empty directory ``into`` and check every member against the manifest: all there,
    nothing more, each of the size and SHA-256 recorded. Raises ArchiveError for anything else."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            seen: dict[str, tarfile.TarInfo] = {}
            for member in tar:
                if not _safe(member):
                    raise ArchiveError(Damage.UNSAFE, member.name)
                seen[member.name] = member
                tar.extract(member, into, filter="data")
    except (tarfile.TarError, EOFError, OSError, ValueError) as e:
        raise ArchiveError(Damage.UNREADABLE, str(e) or type(e).__name__) from e
    if MANIFEST not in seen:
        raise ArchiveError(Damage.NO_MANIFEST, str(archive))
    try:
        manifest = Manifest.from_json((into / MANIFEST).read_bytes())
    except (ValueError, KeyError, TypeError) as e:
        raise ArchiveError(Damage.NO_MANIFEST, str(e)) from e
    listed = {m.name: m for m in manifest.members}
    if extra := sorted(seen.keys() - listed.keys() - {MANIFEST}):
        raise ArchiveError(Damage.EXTRA, extra[0])
    for name, entry in listed.items():
        if name not in seen:
            raise ArchiveError(Damage.MISSING, name)
        path = into / name
        if path.stat().st_size != entry.size or sha256_file(path) != entry.sha256:
            raise ArchiveError(Damage.CHECKSUM, name)
    return manifest


def prune(directory: Path, keep: int, pattern: str = "lindung-*.tar.gz") -> list[Path]:
    """Delete all but the newest ``keep`` archives named by ``pattern`` in ``directory`` (newest by name, which
    carries the time); returns those deleted."""
    archives = sorted(directory.glob(pattern), key=lambda p: p.name, reverse=True)
    for old in archives[keep:]:
        old.unlink()
    return archives[keep:]
