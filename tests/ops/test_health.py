"""/healthz for a monitor (no login): the database, the job worker's heartbeat, the free disk; 200 when all are well,
503 otherwise. And the Admin Dinas's operations page (/tugas/): the same, the last backup, what uses the disk."""

import json
import os
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from lindung.core.health import STALE_SECONDS, heartbeat_file, write_heartbeat

JAKARTA = ZoneInfo("Asia/Jakarta")
KEYS = {"status", "database", "worker", "worker_heartbeat_age_s", "worker_job_running_s", "disk", "disk_free_mb"}


def beat_at(beat: float, turned: float, job_started: float | None = None) -> None:
    """A heartbeat as the worker writes it (tests/ops/test_worker.py sees a real worker write it), of another time."""
    heartbeat_file().parent.mkdir(parents=True, exist_ok=True)
    heartbeat_file().write_text(json.dumps({"beat": beat, "turned": turned, "job_started": job_started, "pid": 1}))


def healthz(client) -> tuple[int, dict]:
    response = client.get("/healthz")
    assert response["Content-Type"] == "application/json" and response["Cache-Control"] == "no-store"
    return response.status_code, response.json()


@pytest.mark.django_db
def test_healthz_answers_without_a_login_and_says_nothing_but_its_checks(client, settings):
    settings.LINDUNG_JOB_WORKER = False  # runserver, the tests: no worker is required
    status, checks = healthz(client)
    assert status == 200 and set(checks) == KEYS
    assert checks | {"disk_free_mb": 0} == {"status": "ok", "database": "ok", "worker": "none seen",
                                            "worker_heartbeat_age_s": None, "worker_job_running_s": None,
                                            "disk": "ok", "disk_free_mb": 0}
    assert checks["disk_free_mb"] > 0


@pytest.mark.django_db
def test_a_required_worker_never_seen_fails(client, settings):
    settings.LINDUNG_JOB_WORKER = True  # under `lindung serve`, in production
    status, checks = healthz(client)
    assert (status, checks["status"], checks["worker"]) == (503, "fail", "none seen")
    write_heartbeat(time.time(), None)  # the worker's first beat
    status, checks = healthz(client)
    assert (status, checks["worker"], checks["worker_heartbeat_age_s"]) == (200, "ok", 0)


@pytest.mark.django_db
def test_the_heartbeat_tells_a_busy_worker_from_a_dead_or_stuck_one(client, settings):
    settings.LINDUNG_JOB_WORKER = True
    now = time.time()
    beat_at(now - 3, now - 600, job_started=now - 600)  # a ten-minute import holds the loop: no failure
    status, checks = healthz(client)
    assert (status, checks["worker"], checks["worker_job_running_s"]) == (200, "busy", 600)
    beat_at(now - STALE_SECONDS - 5, now - STALE_SECONDS - 5)  # no beat for a minute: dead, or frozen
    status, checks = healthz(client)
    assert (status, checks["worker"], checks["worker_heartbeat_age_s"]) == (503, "stale", STALE_SECONDS + 5)
    beat_at(now, now - STALE_SECONDS - 5)  # alive, but its loop no longer asks for jobs
    assert healthz(client)[1]["worker"] == "stuck" and client.get("/healthz").status_code == 503
    settings.LINDUNG_JOB_WORKER = False  # a heartbeat seen is judged even where no worker is required
    assert client.get("/healthz").status_code == 503


@pytest.mark.django_db
def test_a_disk_short_of_the_minimum_fails(client, settings):
    settings.LINDUNG_JOB_WORKER = False
    settings.LINDUNG_DISK_MIN_FREE_MB = 1024 ** 3  # a petabyte
    status, checks = healthz(client)
    assert (status, checks["disk"], checks["status"]) == (503, "low", "fail")


def backup(folder, name: str, size: int, written: datetime) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(b"x" * size)
    os.utime(folder / name, (written.timestamp(), written.timestamp()))


def operations_page(client) -> str:
    return client.get("/tugas/").content.decode().replace("\xa0", " ")  # sizes keep their unit on the line


def test_the_operations_page_shows_the_last_backup_the_disk_and_the_worker(client, users, settings, tmp_path):
    settings.LINDUNG_BACKUP_DIR = tmp_path / "backups"
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "kartu").mkdir(parents=True)
    (tmp_path / "media" / "kartu" / "cetak-1.pdf").write_bytes(b"%" * 3 * 1024 * 1024)
    write_heartbeat(time.time(), None)
    client.force_login(users["admin"])
    page = operations_page(client)
    assert "Belum ada cadangan." in page  # a warning to the Admin Dinas
    assert "Pekerja latar belakang menunggu tugas" in page
    assert "Basis data menjawab." in page and "Berkas unggahan dan dokumen" in page and "3,0 MB" in page

    backup(settings.LINDUNG_BACKUP_DIR, "lindung-20261115-020000.tar.gz", 1000, datetime(2026, 11, 15, 2, tzinfo=JAKARTA))
    page = operations_page(client)
    assert "15 November 2026 02:00" in page and "apakah pencadangan tiap malam masih berjalan?" in page

    today = datetime.now(JAKARTA).replace(hour=2, minute=0, second=0, microsecond=0)
    backup(settings.LINDUNG_BACKUP_DIR, f"lindung-{today:%Y%m%d}-020000.tar.gz", 2 * 1024 * 1024, today)
    backup(settings.LINDUNG_BACKUP_DIR, "lindung-copy.tar.gz", 10, today)  # not an archive `lindung backup` names
    page = operations_page(client)
    assert f"lindung-{today:%Y%m%d}-020000.tar.gz" in page and "2,0 MB" in page
    assert "pencadangan tiap malam" not in page and "Belum ada cadangan." not in page
