"""The job worker's heartbeat, written by the worker `lindung serve` starts: /healthz sees it beat, sees it busy while
a job runs, and sees the worker started again after it was killed; the worker writes one JSON line per job."""

import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from lindung.core.health import HEARTBEAT_NAME
from tests.serving import ROOT, RESTARTED, clean_env, descendants, free_port, in_django, job_workers, wait_for


@pytest.fixture
def served(tmp_path):
    """`lindung serve` on a fresh SQLite database (the job queue's tables), its logs as JSON."""
    data = tmp_path / "data"
    done = subprocess.run([sys.executable, "-m", "lindung.cli", "migrate", "django_tasks_database", "--verbosity", "0"],
                          cwd=ROOT, env=clean_env(data), capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    port, err = free_port(), tmp_path / "serve.err"
    with err.open("w") as stderr:
        process = subprocess.Popen([sys.executable, "-m", "lindung.cli", "serve", "--port", str(port), "--workers", "1"],
                                   cwd=ROOT, env={**clean_env(data), "LINDUNG_LOG_FORMAT": "json"},
                                   stdout=subprocess.DEVNULL, stderr=stderr)
    yield process, port, data, err
    if process.poll() is None:
        for child in descendants(process.pid):
            try:
                os.killpg(child, signal.SIGKILL)
            except OSError:
                pass
        process.kill()
        process.wait()


def health(port: int) -> tuple[int, dict] | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)
    except OSError:
        return None


def beating_pid(data) -> int | None:
    try:
        return json.loads((data / HEARTBEAT_NAME).read_text())["pid"]
    except (OSError, ValueError):
        return None


def test_the_worker_serve_starts_beats_is_seen_busy_and_is_seen_again_after_a_kill(served, tmp_path):
    process, port, data, err = served
    [worker] = wait_for(lambda: job_workers(process.pid), 60, "the job worker runs")
    wait_for(lambda: (found := health(port)) and found[1]["worker"] == "ok", 60, "/healthz sees the worker beat")
    assert beating_pid(data) == worker  # the worker beats, not serve
    assert health(port)[0] == 200

    folder = tmp_path / "job"
    folder.mkdir()
    job = in_django(data, f"from tests.core.napping_task import nap\nprint(nap.enqueue('{folder}', 8).id)")
    wait_for(lambda: (folder / "started").exists(), 30, "the job starts")
    busy = wait_for(lambda: (found := health(port)) and found[1]["worker"] == "busy" and found, 15,
                    "/healthz sees the worker busy")
    assert busy[0] == 200 and busy[1]["worker_job_running_s"] is not None
    wait_for(lambda: (folder / "finished").exists(), 30, "the job finishes")
    wait_for(lambda: (found := health(port)) and found[1]["worker"] == "ok", 15, "the worker waits again")

    os.kill(worker, signal.SIGKILL)
    [again] = wait_for(lambda: [pid for pid in job_workers(process.pid) if pid != worker], 15, "a new worker runs")
    wait_for(lambda: beating_pid(data) == again, RESTARTED, "the new worker beats")

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=25) == 0
    logged = [json.loads(line) for line in err.read_text().splitlines() if line.startswith("{")]
    [job_line] = [line for line in logged if line.get("event") == "job"]
    assert job_line["job"] == job and job_line["task"] == "tests.core.napping_task.nap"
    assert job_line["status"] == "SUCCESSFUL" and job_line["duration_ms"] >= 8000
    requests = [line for line in logged if line.get("event") == "request"]
    assert requests and {line["route"] for line in requests} == {"healthz"}
    assert str(folder) not in err.read_text()  # never a job's arguments
