"""`lindung serve`: gunicorn (static files by whitenoise) and a background-job worker, as one command.

The two children run in their own process groups, so Ctrl+C in a terminal reaches this command only and it stops
them in order: SIGTERM to each group (gunicorn's master and its workers; the job worker), SIGKILL to what is left
after STOP_TIMEOUT seconds. A job worker that dies is started again, after a growing pause when it keeps dying.
"""

import ctypes
import errno
import os
import signal
import socket
import subprocess
import sys
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connections
from django.core.management.base import BaseCommand, CommandError

from lindung.core import kept
from lindung.core.jobs import recover

STOP_TIMEOUT = 15  # seconds: gunicorn's graceful timeout (10) and a margin
POLL = 0.25
RESTART_PAUSES = (1, 2, 5, 10, 30, 60)  # seconds before the 1st, 2nd, … restart in a row
STEADY = 60  # a worker that ran this long before dying starts again at once: it did not die of its start
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
ANY = {"0.0.0.0", "::", "[::]", ""}


class Command(BaseCommand):
    help = "Serve Lindung with gunicorn (static files by whitenoise) and a background-job worker."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--workers", type=int, default=int(os.environ.get("LINDUNG_WEB_WORKERS", "2")))

    def handle(self, host, port, workers, **options):
        ensure_port_free(host, port)
        warning = public_url_warning(settings.LINDUNG_PUBLIC_URL, host, port, production=settings.PRODUCTION)
        if warning:
            self.stderr.write(self.style.WARNING(warning))
        kept.forget()
        Supervisor(self, host, port, workers).run()


def port_in_use(host: str, port: int) -> bool:
    """Whether another process listens on host:port (bound the way gunicorn binds, SO_REUSEADDR on)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as error:
        raise CommandError(f"Alamat {host!r} tidak dikenal: {error.strerror}.") from None
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return True
            if error.errno == errno.EACCES:
                raise CommandError(f"Port {port} tidak boleh dipakai pengguna ini (di bawah 1024 perlu hak root): "
                                   f"pakai --port 8000.") from None
            raise CommandError(f"Tidak bisa memakai {host}:{port}: {error.strerror}.") from None
    return False


def ensure_port_free(host: str, port: int) -> None:
    if port_in_use(host, port):
        raise CommandError(f"Port {port} sudah dipakai proses lain: hentikan proses itu atau pakai --port {port + 1}.")


def public_url_warning(public_url: str, host: str, port: int, production: bool = False) -> str | None:
    """A one-line warning when the cards' QR codes (LINDUNG_PUBLIC_URL) point elsewhere than host:port, or None.

    In production a public name (not a loopback address) is taken to be a proxy in front of this server."""
    parts = urlsplit(public_url)
    public_host = (parts.hostname or "").lower()
    try:
        public_port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return f"Peringatan: LINDUNG_PUBLIC_URL={public_url!r} bukan alamat yang sah; kode QR kartu tidak akan bisa dibuka."
    if production and public_host not in LOOPBACK:
        return None
    same_host = (public_host == host.lower() or host in ANY
                 or (public_host in LOOPBACK and host.lower() in LOOPBACK))
    if same_host and public_port == port:
        return None
    served = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
    return (f"Peringatan: kode QR kartu yang dicetak menunjuk ke LINDUNG_PUBLIC_URL={public_url}, bukan ke {served} "
            f"yang dilayani sekarang; atur LINDUNG_PUBLIC_URL bila kartu akan dicetak.")


def _die_with_parent() -> None:
    """In the child before exec: its own process group, and SIGTERM when this command dies without cleaning up."""
    os.setpgid(0, 0)
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


class Supervisor:
    def __init__(self, command: BaseCommand, host: str, port: int, workers: int):
        self.command, self.host, self.port, self.workers = command, host, port, workers
        self.stop_signal: int | None = None
        self.force = False
        self.web: subprocess.Popen | None = None
        self.jobs: subprocess.Popen | None = None
        self.jobs_started = 0.0
        self.restarts = 0
        self.restart_at: float | None = None
        self.died = ""  # how the job worker last ended, for the jobs it left

    def say(self, message: str) -> None:
        self.command.stderr.write(message)
        self.command.stderr.flush()

    def _start(self, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
        # This command starts no threads, so a function run between fork and exec is safe here.
        return subprocess.Popen([sys.executable, *args], preexec_fn=_die_with_parent, env=env)  # noqa: PLW1509

    def start_jobs(self, why: str) -> None:
        # One worker runs at a time: a job still "running" now was left by one that died (core.jobs).
        again, failed = recover(why)
        connections.close_all()  # this process only watches from here on
        if again or failed:
            self.say(f"Tugas latar belakang yang ditinggal pekerja yang berhenti: {again} diulang, {failed} dihentikan.")
        self.jobs = self._start("-m", "lindung.cli", "db_worker", "--queue-name", "*", "--interval", "1")
        self.jobs_started = time.monotonic()
        self.restart_at = None

    def start_web(self) -> None:
        self.web = self._start("-m", "gunicorn", "lindung.wsgi:application", "--bind", f"{self.host}:{self.port}",
                               "--workers", str(self.workers), "--timeout", "300", "--graceful-timeout", "10",
                               # no ~/.gunicorn/gunicorn.ctl shared by every server of this user (the demo's, …)
                               "--no-control-socket",
                               # a job worker runs beside it: /healthz fails when its heartbeat is missing
                               env={**os.environ, "LINDUNG_JOB_WORKER": "1"})

    def _on_signal(self, signum, frame) -> None:
        if self.stop_signal is None:
            self.stop_signal = signum
        else:
            self.force = True  # a second Ctrl+C: do not wait for the children

    def run(self) -> None:
        handled = [signal.SIGINT, signal.SIGTERM, signal.SIGHUP]
        previous = {signum: signal.signal(signum, self._on_signal) for signum in handled}
        try:
            self.start_jobs("Lindung dihentikan saat tugas berjalan")
            self.start_web()
            host = f"[{self.host}]" if ":" in self.host else self.host
            self.command.stdout.write(self.command.style.SUCCESS(f"Buka http://{host}:{self.port}/  "
                                                                 "(Ctrl+C untuk berhenti)"))
            self.command.stdout.flush()
            failed = self.watch()
        finally:
            self.stop_all()
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        if failed is not None:
            raise CommandError(f"Server web (gunicorn) berhenti sendiri dengan kode {failed}; Lindung dihentikan.")
        self.say("Lindung berhenti.")

    def watch(self) -> int | None:
        """Until a signal: restart the job worker when it dies; the web server's exit code if it stops by itself."""
        assert self.web is not None  # run() starts it first
        while self.stop_signal is None:
            code = self.web.poll()
            if code is not None:
                return code
            self.watch_jobs()
            time.sleep(POLL)
        return None

    def watch_jobs(self) -> None:
        now = time.monotonic()
        if self.restart_at is not None:
            if now >= self.restart_at:
                self.start_jobs(self.died)
                assert self.jobs is not None  # just started
                self.say(f"Pekerja latar belakang dijalankan ulang (pid {self.jobs.pid}).")
            return
        assert self.jobs is not None  # no restart pending: it was started
        code = self.jobs.poll()
        if code is None:
            return
        kill_group(self.jobs.pid, signal.SIGKILL)
        self.jobs = None  # reaped: nothing to stop until it is started again
        if now - self.jobs_started >= STEADY:
            self.restarts = 0
        pause = RESTART_PAUSES[min(self.restarts, len(RESTART_PAUSES) - 1)]
        self.restarts += 1
        self.restart_at = now + pause
        how = f"karena sinyal {_signal_name(-code)}" if code < 0 else f"dengan kode {code}"
        self.died = f"berhenti {how}"
        self.say(f"Pekerja latar belakang (db_worker) berhenti {how}; dijalankan ulang dalam {pause} detik.")

    def stop_all(self) -> None:
        running = [process for process in (self.web, self.jobs) if process is not None]
        for process in running:
            if process.poll() is None:
                kill_group(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        while any(process.poll() is None for process in running):
            if self.force or time.monotonic() >= deadline:
                if not self.force:
                    self.say(f"Server tidak berhenti dalam {STOP_TIMEOUT} detik: dihentikan paksa.")
                break
            time.sleep(0.05)
        for process in running:
            kill_group(process.pid, signal.SIGKILL)  # what is left of the group (a gunicorn worker, …)
            process.wait()


def kill_group(pgid: int, signum: int) -> None:
    try:
        os.killpg(pgid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def _signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return str(signum)
