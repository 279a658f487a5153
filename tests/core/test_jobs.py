"""Jobs a dead worker left (core.jobs.recover, run by `lindung serve` before it starts a worker): the import behind
one given up says why instead of "checking" for ever; the Admin Dinas reads the jobs, nobody else."""

from django.utils import timezone
from django_tasks.base import TaskResultStatus as Status
from django_tasks_db.models import DBTaskResult

from lindung.audit.models import Event
from lindung.core import jobs
from lindung.registry.imports import services as imports
from lindung.registry.models import ImportBatch


def left_running(batch: ImportBatch, tries: int) -> DBTaskResult:
    return DBTaskResult.objects.create(
        task_path="lindung.registry.tasks.stage_import", args_kwargs={"args": [batch.pk], "kwargs": {}},
        status=Status.RUNNING, worker_ids=[f"w{i}" for i in range(tries)], backend_name="default",
        queue_name="default", run_after=timezone.now(), started_at=timezone.now())


def test_an_import_whose_worker_died_twice_fails_with_the_reason(users):
    batch = imports.create_batch(users["operator"], [b"NIK;NAMA\n"], "register.csv")
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.RUNNING)
    once, twice = left_running(batch, 1), left_running(batch, 2)
    assert jobs.recover("berhenti karena sinyal SIGKILL") == (1, 1)
    once.refresh_from_db(), twice.refresh_from_db()
    assert (once.status, once.started_at) == (Status.READY, None)  # the worker may have died of something else
    assert twice.status == Status.FAILED and "SIGKILL" in jobs.failure(twice)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED and "Pekerja latar belakang berhenti 2 kali" in batch.error
    assert set(Event.objects.filter(action__startswith="core.job").values_list("action", flat=True)) == {
        "core.job_retried", "core.job_failed"}
    assert jobs.recover("lagi") == (0, 0)  # nothing running is left


def test_the_admin_reads_the_jobs_and_others_are_refused(client, users):
    batch = imports.create_batch(users["operator"], [b"NIK;NAMA\n"], "register.csv")
    left_running(batch, 2)
    jobs.recover("berhenti karena sinyal SIGKILL")
    client.force_login(users["admin"])
    page = client.get("/tugas/").content.decode()
    assert "Pemeriksaan berkas impor" in page and "Pekerja latar belakang berhenti 2 kali" in page
    for other in ("operator", "camat", "desa", "bpjs", "pimpinan", "auditor"):
        client.force_login(users[other])
        assert client.get("/tugas/").status_code == 403, other
