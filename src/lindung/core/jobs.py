"""Background jobs whose worker died, and the list of jobs the Admin Dinas reads.

`lindung serve` runs one job worker. When it dies (killed, out of memory) a job it held stays "running" for ever in
the queue, and the import or print run behind it says "checking" for ever. So before serve starts a worker, every
job still running is one a dead worker left: it is queued again once (the worker may have died of something else),
and the second time it is failed with the reason, the task's module told (``abandoned(*args, reason)``) so the user
sees why. Each is on the audit trail.
"""

from importlib import import_module

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks.base import TaskResultStatus as Status
from django_tasks_db.models import DBTaskResult

from lindung.accounts.roles import require
from lindung.audit.services import record_event

TRIES = 2  # a job is given to a worker at most this many times before it is failed
WORKER_DIED = "lindung.core.jobs.WorkerDied"

# The jobs in the users' words (the module's task path → what it does).
NAMES = {
    "lindung.registry.tasks.stage_import": "Pemeriksaan berkas impor",
    "lindung.cards.tasks.render_print_batch": "PDF kartu cetakan",
    "lindung.programs.tasks.keep_assessments": "Penilaian kelayakan program",
}


def recover(why: str) -> tuple[int, int]:
    """Jobs a dead worker left: (queued again, failed). ``why`` says how the worker ended, for the record."""
    again = failed = 0
    with transaction.atomic():
        for job in DBTaskResult.objects.select_for_update().filter(status=Status.RUNNING):
            name = NAMES.get(job.task_path, job.task_path)
            if len(job.worker_ids) < TRIES:
                job.status, job.started_at = Status.READY, None
                job.save(update_fields=["status", "started_at"])
                record_event(None, "core.job_retried", target=f"job:{job.pk}",
                             summary=f"{name}: pekerja latar belakang berhenti ({why}); tugas diulang.")
                again += 1
                continue
            reason = (f"Pekerja latar belakang berhenti {len(job.worker_ids)} kali saat mengerjakan tugas ini "
                      f"({why}). Tugas dihentikan; periksa berkasnya atau hubungi admin.")
            job.status, job.finished_at = Status.FAILED, timezone.now()
            job.exception_class_path, job.traceback = WORKER_DIED, reason
            job.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
            module, _, _function = job.task_path.rpartition(".")
            abandoned = getattr(import_module(module), "abandoned", None)
            if abandoned is not None:
                abandoned(*job.args_kwargs["args"], reason=reason, **job.args_kwargs["kwargs"])
            record_event(None, "core.job_failed", target=f"job:{job.pk}", summary=f"{name}: {reason}")
            failed += 1
    return again, failed


def jobs_for(user) -> QuerySet[DBTaskResult]:
    """The latest jobs, newest first: for the Admin Dinas, who is told when one fails."""
    require(user, "approves")
    return DBTaskResult.objects.order_by("-enqueued_at")


def failure(job: DBTaskResult) -> str:
    """Why a job failed, in one line: our reason when its worker died, else the exception's last line (never the
    traceback: it may quote a file's content)."""
    if job.status != Status.FAILED:
        return ""
    if job.exception_class_path == WORKER_DIED:
        return job.traceback
    return job.exception_class_path.rpartition(".")[2]
