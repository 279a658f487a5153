"""Installations as the office has them, each its own data directory and database (an SQLite file; on a PostgreSQL run
a scratch database `scratch_backup_…`), driven by real `lindung` processes. The world in them is the release fixture
(tests/fixtures/upgrade/release.json.gz, bench/upgrade_fixture.py): a 200-worker demo at this release's migrations,
plus uploaded and generated files. It is built once and cloned for each test."""

import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from lindung.core.health import HEARTBEAT_NAME

ROOT = Path(__file__).resolve().parents[2]
RELEASE = ROOT / "tests" / "fixtures" / "upgrade" / "release.json.gz"
DATABASE_URL = os.environ.get("DATABASE_URL", "")
POSTGRES = DATABASE_URL.startswith(("postgres://", "postgresql://"))
NOT_DATA = ("static", "backups", "lindung.sqlite3", ".restore-", HEARTBEAT_NAME)

# Migrates an empty database to exactly the release's migrations, then loads its data through the models as they
# were at those migrations: `loaddata` would save through today's models, whose new columns the old tables lack.
LOAD_RELEASE = """
import gzip, json, sys
import django
django.setup()
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.python import Deserializer
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
release = json.load(gzip.open(sys.argv[1], "rt", encoding="utf-8"))
for app, name in release["migrations"].items():
    call_command("migrate", app, name, verbosity=0)
then = MigrationLoader(connection).project_state(list(release["migrations"].items())).apps


# The dump names users and groups by natural key, which the models of then cannot look up: their pks from the dump.
keys = {(row["model"], row["fields"].get("username", row["fields"].get("name"))): row["pk"]
        for row in release["data"] if row["model"] in ("accounts.user", "auth.group")}


def pk(field, value):
    return keys[(field.related_model._meta.label_lower, value[0])] if isinstance(value, list) else value


class AsReleased(Deserializer):
    @staticmethod
    def _get_model_from_node(model_identifier):
        return then.get_model(model_identifier)

    def _handle_fk_field_node(self, field, value):
        return super()._handle_fk_field_node(field, pk(field, value))

    def _handle_m2m_field_node(self, field, values):
        return super()._handle_m2m_field_node(field, [pk(field, value) for value in values])


with transaction.atomic(), connection.constraint_checks_disabled():
    models = set()
    for row in AsReleased(release["data"]):
        row.save()
        models.add(type(row.object))
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(sql)
"""


def release() -> dict:
    with gzip.open(RELEASE, "rt", encoding="utf-8") as f:
        return json.load(f)


def _admin(sql: str) -> None:
    """A statement on the PostgreSQL server outside any scratch database (CREATE/DROP DATABASE)."""
    with psycopg.connect(DATABASE_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as db:
        db.execute(sql)


@dataclass
class Site:
    """One installation: its data directory and, on PostgreSQL, its database."""

    data_dir: Path
    database: str = ""  # the scratch database's name on PostgreSQL

    @classmethod
    def empty(cls, data_dir: Path, template: "Site | None" = None) -> "Site":
        site = cls(data_dir, f"scratch_backup_{uuid.uuid4().hex[:12]}" if POSTGRES else "")
        if template is not None:
            shutil.copytree(template.data_dir, data_dir, symlinks=True)
        else:
            data_dir.mkdir(parents=True)
        if POSTGRES:
            _admin(f'CREATE DATABASE "{site.database}"' + (f' TEMPLATE "{template.database}"' if template else ""))
        return site

    def drop(self) -> None:
        if POSTGRES:
            # Not WITH (FORCE): it refuses when an autovacuum worker is in the database, as after a restore. Our
            # own left-over sessions are ended here; plain DROP DATABASE stops autovacuum itself.
            _admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{self.database}' "
                   "AND usename = current_user AND pid <> pg_backend_pid()")
            _admin(f'DROP DATABASE IF EXISTS "{self.database}"')

    @property
    def url(self) -> str:
        return DATABASE_URL.rsplit("/", 1)[0] + "/" + self.database

    def env(self, **extra: str) -> dict:
        # A subprocess starts from this machine's environment less the test run's own settings.
        skip = ("LINDUNG_", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE")
        env = {k: v for k, v in os.environ.items() if not k.startswith(skip)}
        env.update({"LINDUNG_DATA_DIR": str(self.data_dir), "DJANGO_SETTINGS_MODULE": "lindung.settings", **extra})
        if POSTGRES:
            env["DATABASE_URL"] = self.url
        return env

    def lindung(self, *args: str, settings: str = "lindung.settings") -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "lindung.cli", *args], cwd=ROOT, capture_output=True, text=True,
                              timeout=600, env=self.env(DJANGO_SETTINGS_MODULE=settings))

    def python(self, code: str, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True,
                              timeout=600, env=self.env())

    def query(self, sql: str) -> list[tuple]:
        """Rows of a query, read straight from the database file or server: not through Lindung."""
        if POSTGRES:
            with psycopg.connect(self.url) as db:
                return db.execute(sql).fetchall()
        import sqlite3

        db = sqlite3.connect(self.data_dir / "lindung.sqlite3")
        try:
            return db.execute(sql).fetchall()
        finally:
            db.close()

    def tables(self) -> dict[str, int]:
        if POSTGRES:
            names = [n for (n,) in self.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        else:
            names = [n for (n,) in self.query("SELECT name FROM sqlite_master WHERE type = 'table' "
                                              "AND name NOT LIKE 'sqlite_%'")]
        return {name: self.query(f'SELECT count(*) FROM "{name}"')[0][0] for name in sorted(names)}

    def files(self) -> dict[str, str]:
        """Every data file's SHA-256, by its path in the data directory."""
        return {path.relative_to(self.data_dir).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
                for path in sorted(self.data_dir.rglob("*"))
                if path.is_file() and not path.relative_to(self.data_dir).as_posix().startswith(NOT_DATA)}

    def head(self) -> tuple:
        return self.query("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")[0]

    def state(self) -> dict:
        """What a restore must bring back exactly: every table's rows, every file's checksum, the chain's head."""
        return {"tables": self.tables(), "files": self.files(), "head": self.head()}


def check(done: subprocess.CompletedProcess, code: int = 0) -> subprocess.CompletedProcess:
    assert done.returncode == code, done.stdout + done.stderr
    return done


def add_files(site: Site) -> None:
    """Real files where the release's rows point (each claim document), an import's upload, the outbox, a print run."""
    for row in release()["data"]:
        if row["model"] == "claims.claimdocument":
            path = site.data_dir / "media" / row["fields"]["file"]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"%PDF-1.4\n" + hashlib.sha256(row["fields"]["file"].encode()).digest() * 50)
    (site.data_dir / "imports" / "1").mkdir(parents=True)
    (site.data_dir / "imports" / "1" / "P3KE Kaur.xlsx").write_bytes(os.urandom(20_000))
    (site.data_dir / "media" / "kartu").mkdir(parents=True, exist_ok=True)
    (site.data_dir / "media" / "kartu" / "cetak-1.pdf").write_bytes(os.urandom(50_000))
    (site.data_dir / "outbox.jsonl").write_text('{"to": "0812…", "text": "Yth. …"}\n')
    (site.data_dir / HEARTBEAT_NAME).write_text('{"beat": 1764979200}')  # this server's worker, not data


@pytest.fixture(scope="session")
def release_site(tmp_path_factory):
    """The release fixture migrated and loaded once, with its files."""
    site = Site.empty(tmp_path_factory.mktemp("release") / "data")
    try:
        check(site.python(LOAD_RELEASE, str(RELEASE)))
        add_files(site)
        yield site
    finally:
        site.drop()


@pytest.fixture
def site(release_site, tmp_path):
    """A copy of the release's installation for one test."""
    copy = Site.empty(tmp_path / "site", template=release_site)
    yield copy
    copy.drop()


@pytest.fixture
def empty_site(tmp_path):
    """An installation with nothing in it yet: where a restore goes."""
    target = Site.empty(tmp_path / "restored")
    yield target
    target.drop()
