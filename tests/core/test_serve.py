"""`lindung serve` as a process: it stops all it started, refuses a taken port, restarts a dead job worker."""

import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from lindung.core.management.commands.serve import public_url_warning
from tests.serving import (ROOT, RESTARTED, Server, alive, clean_env, descendants, free_port, in_django, job_workers,
                           stat, wait_for)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """An SQLite database for the module's servers, with the migrations they need applied: the job queue's (the
    worker polls it; /healthz reads nothing). All the migrations would take most of a minute on a busy machine."""
    path = tmp_path_factory.mktemp("serve")
    for app in ("django_tasks_database", "audit"):  # the queue, and the trail that records what a dead worker left
        done = subprocess.run([sys.executable, "-m", "lindung.cli", "migrate", app, "--verbosity", "0"], cwd=ROOT,
                              env=clean_env(path), capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr
    return path


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def in_groups(groups: set[int]) -> list[int]:
    return [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and (s := stat(int(p.name)))
            and s[1] in groups and s[0] != "Z"]


def answers_http(port: int) -> bool:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).close()
    except urllib.error.HTTPError:
        return True  # a page, even an error page, is an answer
    except OSError:
        return False
    return True


@pytest.fixture
def serve(data_dir, tmp_path):
    started = []

    def start(port: int, workers: int = 1) -> Server:
        started.append(Server(data_dir, tmp_path, port, workers))
        return started[-1]

    yield start
    for server in started:
        server.close()


def test_sigterm_stops_gunicorn_its_workers_and_the_job_worker(serve):
    port = free_port()
    server = serve(port, workers=2)
    wait_for(lambda: answers_http(port), 60, "the server answers HTTP")
    # gunicorn's master, its two workers, and the job worker; each child leads its own process group.
    pids = wait_for(lambda: (found := descendants(server.process.pid)) and len(found) >= 4 and found, 30,
                    "gunicorn's workers are up")
    groups = {stat(pid)[1] for pid in pids if stat(pid)}
    assert server.process.pid not in groups  # Ctrl+C in a terminal reaches `serve` only, which stops the rest

    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=25) == 0, server.stderr()
    assert not [pid for pid in pids if alive(pid)]
    assert not in_groups(groups)
    assert port_free(port)


def test_a_taken_port_is_refused_clearly(data_dir):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "lindung.cli", "serve", "--port", str(port)], cwd=ROOT,
                              env=clean_env(data_dir), capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode != 0
    assert f"Port {port} sudah dipakai proses lain: hentikan proses itu atau pakai --port {port + 1}." in done.stderr
    assert "Buka http" not in done.stdout  # nothing was started


def test_a_killed_job_worker_is_started_again(serve):
    server = serve(free_port())
    [first] = wait_for(lambda: job_workers(server.process.pid), 30, "the job worker runs")
    os.kill(first, signal.SIGKILL)
    [second] = wait_for(lambda: [pid for pid in job_workers(server.process.pid) if pid != first], 15,
                        "a new job worker runs")
    assert second != first
    assert "db_worker) berhenti karena sinyal SIGKILL; dijalankan ulang dalam 1 detik" in server.stderr()

    server.process.send_signal(signal.SIGINT)
    assert server.process.wait(timeout=25) == 0, server.stderr()
    assert not alive(second)


def job_state(data_dir, job_id: str) -> str:
    return in_django(data_dir, "from django_tasks_db.models import DBTaskResult\n"
                               f"job = DBTaskResult.objects.get(pk='{job_id}')\n"
                               "print(job.status, len(job.worker_ids), job.traceback.replace(chr(10), ' '))")


def test_a_job_whose_worker_is_killed_runs_again_and_the_second_time_fails_with_the_reason(serve, data_dir, tmp_path):
    server = serve(free_port())
    wait_for(lambda: job_workers(server.process.pid), 30, "the job worker runs")
    folders = [tmp_path / "once", tmp_path / "twice"]
    jobs = []
    for folder in folders:
        folder.mkdir()
        jobs.append(in_django(data_dir, f"from tests.core.napping_task import nap\nprint(nap.enqueue('{folder}', 4).id)"))
    started = lambda folder, n: (folder / "started").exists() and len((folder / "started").read_text()) >= n  # noqa: E731

    # The first job: its worker killed in the middle, a new worker runs it again to the end.
    wait_for(lambda: started(folders[0], 1), 30, "the first job starts")
    os.kill(job_workers(server.process.pid)[0], signal.SIGKILL)
    wait_for(lambda: (folders[0] / "finished").exists(), RESTARTED, "the first job runs again and finishes")
    assert len((folders[0] / "started").read_text()) == 2
    assert job_state(data_dir, jobs[0]).startswith("SUCCESSFUL 2")

    # The second job: killed twice, it is stopped with the reason, and its module is told.
    for attempt in (1, 2):
        wait_for(lambda: started(folders[1], attempt), RESTARTED, f"the second job starts (try {attempt})")
        os.kill(job_workers(server.process.pid)[0], signal.SIGKILL)
    wait_for(lambda: (folders[1] / "abandoned").exists(), RESTARTED, "the second job is given up")
    assert not (folders[1] / "finished").exists()
    state = job_state(data_dir, jobs[1])
    assert state.startswith("FAILED 2 Pekerja latar belakang berhenti 2 kali") and "SIGKILL" in state
    assert "Pekerja latar belakang berhenti 2 kali" in (folders[1] / "abandoned").read_text()
    recorded = in_django(data_dir, "from lindung.audit.models import Event\n"
                                   "print(sorted(Event.objects.values_list('action', flat=True)))")
    assert recorded == "['core.job_failed', 'core.job_retried', 'core.job_retried']"
    assert "1 diulang, 0 dihentikan" in server.stderr() and "0 diulang, 1 dihentikan" in server.stderr()

    server.process.send_signal(signal.SIGINT)
    assert server.process.wait(timeout=25) == 0, server.stderr()


def test_a_public_url_elsewhere_is_warned_about():
    assert public_url_warning("http://127.0.0.1:8000", "127.0.0.1", 8000) is None
    assert public_url_warning("http://localhost:8000/", "127.0.0.1", 8000) is None
    assert public_url_warning("http://192.168.1.5:8000", "0.0.0.0", 8000) is None
    warning = public_url_warning("http://127.0.0.1:8000", "127.0.0.1", 8001)
    assert "LINDUNG_PUBLIC_URL=http://127.0.0.1:8000" in warning and "http://127.0.0.1:8001/" in warning
    assert "\n" not in warning
    assert public_url_warning("https://lindung.kaurkab.go.id", "127.0.0.1", 8000) is not None
    # In production a public name is a proxy in front of gunicorn; a loopback one would put cards nowhere.
    assert public_url_warning("https://lindung.kaurkab.go.id", "127.0.0.1", 8000, production=True) is None
    assert public_url_warning("http://127.0.0.1:8000", "127.0.0.1", 9000, production=True) is not None
