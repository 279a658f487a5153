"""A background job for tests/core/test_serve.py that takes its time: it notes each start in a file, naps, notes
that it finished. Importable by the job worker that `lindung serve` starts (its working directory is the project)."""

import time
from pathlib import Path

from django_tasks import task


@task()
def nap(folder: str, seconds: float) -> str:
    with (Path(folder) / "started").open("a") as started:
        started.write("x")
    time.sleep(seconds)
    (Path(folder) / "finished").write_text("yes")
    return "rested"


def abandoned(folder: str, seconds: float, *, reason: str) -> None:
    (Path(folder) / "abandoned").write_text(reason)
