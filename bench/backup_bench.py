"""How long a clerk's write waits while `lindung backup` copies a big SQLite database (pipeline.archive.copy_sqlite).

    uv run python bench/backup_bench.py              # a 1 GB database
    uv run python bench/backup_bench.py --mb 200     # a quick look

A database in WAL mode, as Lindung's (settings.py), is filled with --mb of rows in a temporary directory. A writer in
another process, as a gunicorn worker would be, commits one small row every 10 ms (BEGIN IMMEDIATE, as Django's
SQLite connection does) and times each commit. It runs alone, then during the one-step online copy `lindung backup`
makes, then during a copy in steps of 1,000 pages (SQLite's usual advice for rollback-journal databases), which
restarts whenever another process writes between two steps. Printed: the copy's seconds and, for each phase, the
writer's commits and their median, 99th percentile and longest wait. The archive's compression afterwards reads the
copy, not the live database, so it is not timed here.
"""

import argparse
import multiprocessing
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from lindung.pipeline.archive import copy_sqlite  # noqa: E402

ROW = 500  # bytes of payload a row


def fill(path: Path, mb: int) -> None:
    db = sqlite3.connect(path)
    db.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                     "CREATE TABLE peserta (id INTEGER PRIMARY KEY, nama TEXT, data BLOB);"
                     "CREATE TABLE event (id INTEGER PRIMARY KEY, at REAL, note TEXT);")
    rows = mb * 2**20 // ROW
    for start in range(0, rows, 50_000):
        with db:
            db.executemany("INSERT INTO peserta (nama, data) VALUES (?, randomblob(?))",
                           ((f"Pekerja {i}", ROW) for i in range(start, min(rows, start + 50_000))))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def writer(path: str, phases, stop) -> None:
    """Commit one row every 10 ms; record (phase, seconds waited) for each."""
    db = sqlite3.connect(path, timeout=60, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    while not stop.is_set():
        phase = phases.get("now", "")
        started = time.monotonic()
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO event (at, note) VALUES (?, 'tulis')", (time.time(),))
        db.execute("COMMIT")
        phases[f"{phase}:{len(phases)}"] = time.monotonic() - started
        time.sleep(0.01)
    db.close()


def stepped_copy(source: Path, target: Path, limit: float) -> tuple[float, int, bool]:
    """SQLite's backup in steps of 1,000 pages: (seconds, restarts, finished within ``limit``)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    restarts, last, started = 0, None, time.monotonic()

    class TooLong(Exception):
        pass

    def progress(status, remaining, total):
        nonlocal restarts, last
        if last is not None and remaining > last:
            restarts += 1
        last = remaining
        if time.monotonic() - started > limit:
            raise TooLong

    try:
        src.backup(dst, pages=1000, sleep=0.005, progress=progress)
        finished = True
    except TooLong:
        finished = False
    src.close()
    dst.close()
    return time.monotonic() - started, restarts, finished


def report(name: str, waits: list[float]) -> None:
    if not waits:
        print(f"  {name:<28} no commit")
        return
    waits = sorted(waits)
    p99 = waits[min(len(waits) - 1, int(len(waits) * 0.99))]
    print(f"  {name:<28} {len(waits):>6} commits   median {statistics.median(waits) * 1000:7.1f} ms   "
          f"p99 {p99 * 1000:7.1f} ms   longest {waits[-1] * 1000:7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=1024, help="size of the database to copy")
    parser.add_argument("--stepped-limit", type=float, default=120, help="give up the stepped copy after this")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        live = Path(tmp) / "lindung.sqlite3"
        t = time.monotonic()
        fill(live, args.mb)
        print(f"database: {live.stat().st_size / 2**20:,.0f} MB, filled in {time.monotonic() - t:.0f} s")
        manager = multiprocessing.Manager()
        phases, stop = manager.dict(now="alone"), manager.Event()
        process = multiprocessing.Process(target=writer, args=(str(live), phases, stop))
        process.start()
        time.sleep(3)
        phases["now"] = "one-step"
        seconds = copy_sqlite(live, Path(tmp) / "copy1.sqlite3")
        print(f"one-step online copy (lindung backup): {seconds:.1f} s")
        phases["now"] = "stepped"
        seconds, restarts, finished = stepped_copy(live, Path(tmp) / "copy2.sqlite3", args.stepped_limit)
        print(f"copy in steps of 1,000 pages: {seconds:.1f} s, {restarts} restarts, "
              + ("finished" if finished else f"NOT finished after {args.stepped_limit:.0f} s"))
        phases["now"] = "after"
        time.sleep(2)
        stop.set()
        process.join()
        waits: dict[str, list[float]] = {}
        for key, value in phases.items():
            if key != "now":
                waits.setdefault(key.split(":")[0], []).append(value)
        print("writer, one row a commit every 10 ms (seconds from BEGIN IMMEDIATE to COMMIT):")
        for phase in ("alone", "one-step", "stepped", "after"):
            report(phase, waits.get(phase, []))


if __name__ == "__main__":
    main()
