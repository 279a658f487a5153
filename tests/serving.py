"""`lindung serve` as a real process for the tests that need one (tests/core/test_serve.py, tests/deploy/): its
environment, a free port, waiting for it, running Django code on its database, and killing what a failed test left."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def clean_env(data_dir) -> dict:
    # A subprocess starts from this machine's environment less the test run's own settings.
    skip = ("LINDUNG_", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE")
    env = {k: v for k, v in os.environ.items() if not k.startswith(skip)}
    return {**env, "LINDUNG_DATA_DIR": str(data_dir)}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def descendants(pid: int) -> list[int]:
    found = children(pid)
    for child in list(found):
        found += descendants(child)
    return found


def stat(pid: int) -> tuple[str, int] | None:
    """(state, process group) of a live process, or None."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return fields[0], int(fields[2])


def alive(pid: int) -> bool:
    found = stat(pid)
    return found is not None and found[0] != "Z"


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def job_workers(pid: int) -> list[int]:
    return [child for child in children(pid) if "db_worker" in cmdline(child) and alive(child)]


# How long a killed job worker may take to be started again and take up its work: its pause, then Django's start,
# seconds on a quiet machine and well over half a minute on a loaded one. A bound, never waited out when all is well.
RESTARTED = 120


def wait_for(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.1)
    raise AssertionError(f"not within {timeout} s: {what}")


def in_django(data_dir, code: str, env: dict | None = None) -> str:
    """Run ``code`` in a Django process on the server's database (``env``: the server's settings); what it prints."""
    done = subprocess.run([sys.executable, "-c", "import django; django.setup()\n" + code], cwd=ROOT,
                          env={**clean_env(data_dir), **(env or {}), "DJANGO_SETTINGS_MODULE": "lindung.settings"},
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


class Server:
    """`lindung serve` on ``port`` with the data in ``data_dir`` (``env``: more settings), its output in ``tmp_path``."""

    def __init__(self, data_dir, tmp_path, port: int, workers: int, env: dict | None = None):
        self.out, self.err = tmp_path / "serve.out", tmp_path / "serve.err"
        with self.out.open("w") as out, self.err.open("w") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "lindung.cli", "serve", "--port", str(port), "--workers", str(workers)], cwd=ROOT,
                env={**clean_env(data_dir), **(env or {})}, stdout=out, stderr=err)

    def stderr(self) -> str:
        return self.err.read_text()

    def close(self) -> None:
        """Whatever a failed test left running is killed, groups and all."""
        if self.process.poll() is None:
            for child in descendants(self.process.pid):
                try:
                    os.killpg(child, signal.SIGKILL)
                except OSError:
                    pass
            self.process.kill()
            self.process.wait()
