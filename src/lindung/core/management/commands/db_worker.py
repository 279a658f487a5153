"""`lindung db_worker`: django_tasks_db's job worker with a heartbeat (core.health), so /healthz and the Admin Dinas
know that it lives and takes jobs. It replaces the library's command of the same name (lindung.core comes before
django_tasks_db in INSTALLED_APPS), so every way of running a worker beats: `lindung serve`, a service unit, a
shell."""

import threading
import time

from django_tasks_db.management.commands import db_worker

from lindung.core.health import HEARTBEAT_SECONDS, write_heartbeat


class Worker(db_worker.Worker):
    def __init__(self, **kwargs) -> None:
        self.turned = time.time()
        self.job_started: float | None = None
        super().__init__(**kwargs)

    # The library's loop asks ``running`` at every turn, before it polls the queue and before it sleeps: the turn of
    # the loop that takes jobs is noted here, and told by the heartbeat.
    @property
    def running(self) -> bool:
        self.turned = time.time()
        return self._running

    @running.setter
    def running(self, value: bool) -> None:
        self._running = value

    def run_task(self, db_task_result) -> None:
        self.job_started = time.time()
        try:
            super().run_task(db_task_result)
        finally:
            self.job_started = None

    def beat(self) -> None:
        while True:
            write_heartbeat(self.turned, self.job_started)
            time.sleep(HEARTBEAT_SECONDS)

    def run(self) -> None:
        # A thread, so the worker beats while a long job holds its loop; it dies with the worker.
        threading.Thread(target=self.beat, name="heartbeat", daemon=True).start()
        super().run()


class Command(db_worker.Command):
    help = "Run the background-job worker (django_tasks_db's), writing a heartbeat for /healthz."

    def configure_logging(self, verbosity: int) -> None:
        """Logging is settings.LOGGING's: one line per job (core.logs) in the configured format, not the library's
        own lines and handlers."""

    def handle(self, **options) -> None:
        db_worker.Worker = Worker  # type: ignore[misc]  # the library's handle() builds the worker by this name
        super().handle(**options)
