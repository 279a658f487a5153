"""Load on `lindung serve`, with a large import approved in the middle of it (loopback only, bounded).

    uv run python bench/load.py                         # 30 users for 60 s, a 60,000-row approval at 20 s
    uv run python bench/load.py --users 10 --seconds 30 --rows 10000 --workers 2000   # a quick check

A fresh data directory: the demo (Kaur, --workers people) seeded, a P3KE file of --rows new people staged by the
operator. Then `lindung serve` (gunicorn with --web-workers, and the job worker) on a free loopback port; --users
clients log in as the demo's users (office, camat, village, BPJS, regent, auditor in turn) and each reads its
pages one after the other for --seconds. At --approve-at seconds the admin approves the import from the command
line, as a second process writing to the same database.

It prints, for the time before the approval, while it commits, and after: requests, errors (5xx or no answer),
p50/p95/p99 and the slowest request; and the approval's own seconds. The time before the approval is the baseline
of the same run. The machine is shared: the load average is printed at start and end.
"""

import argparse
import http.cookiejar
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import import_bench  # noqa: E402  (the same synthetic P3KE people as the import benchmark)

PASSWORD = "bench-lindung-2026"
ROLES = ["operator", "camat", "desa", "admin", "pimpinan", "bpjs", "auditor"]
PAGES = {  # what each reads in turn: its home, its lists, the programme
    "operator": ["/", "/peserta/", "/program/", "/program/kaur-2025/iuran/", "/kartu/", "/klaim/"],
    "admin": ["/", "/peserta/impor/", "/program/", "/program/kaur-2025/iuran/", "/tugas/"],
    "camat": ["/", "/peserta/", "/kartu/", "/klaim/"],
    "desa": ["/", "/peserta/", "/kartu/", "/peristiwa/"],
    "pimpinan": ["/", "/program/"],
    "bpjs": ["/", "/program/", "/klaim/"],
    "auditor": ["/", "/audit/"],
}


def lindung(env: dict, *args: str, timeout: int = 3600) -> str:
    done = subprocess.run([sys.executable, "-m", "lindung.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise SystemExit(f"lindung {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def logged_in(base: str, username: str) -> urllib.request.OpenerDirector:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    form = opener.open(f"{base}/akun/masuk/", timeout=60).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token})
    request = urllib.request.Request(f"{base}/akun/masuk/", data.encode(), headers={"Referer": f"{base}/akun/masuk/"})
    answer = opener.open(request, timeout=60)
    if "/akun/masuk/" in answer.url:
        raise SystemExit(f"{username} could not log in")
    return opener


def client(base: str, username: str, out: list, start: threading.Event, stop: threading.Event) -> None:
    opener = logged_in(base, username)
    start.wait()
    pages, i = PAGES[username], 0
    while not stop.is_set():
        path, began = pages[i % len(pages)], time.monotonic()
        try:
            status = opener.open(base + path, timeout=60).status
        except urllib.error.HTTPError as e:
            status = e.code
        except OSError:
            status = 0  # no answer
        out.append((began, time.monotonic() - began, status, path))
        i += 1


def percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] if len(values) > 1 else (values or [0])[0]


def report(label: str, hits: list) -> str:
    if not hits:
        return f"| {label} | 0 | | | | | |"
    seconds = sorted(h[1] for h in hits)
    errors = sum(1 for h in hits if h[2] >= 500 or h[2] == 0)
    return (f"| {label} | {len(hits):,} | {errors} | {percentile(seconds, 50) * 1000:.0f} | "
            f"{percentile(seconds, 95) * 1000:.0f} | {percentile(seconds, 99) * 1000:.0f} | {seconds[-1] * 1000:.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--rows", type=int, default=60_000, help="new people in the import approved mid-run")
    parser.add_argument("--approve-at", type=int, default=20)
    parser.add_argument("--workers", type=int, default=7130, help="the demo's people")
    parser.add_argument("--web-workers", type=int, default=2)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f}")

    folder = Path(tempfile.mkdtemp(prefix="lindung-load-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINDUNG_", "DATABASE_URL"))}
    env.update(LINDUNG_DATA_DIR=str(folder / "data"), LINDUNG_DEMO_PASSWORD=PASSWORD, LINDUNG_MAX_UPLOAD_MB="2000")
    began = time.monotonic()
    lindung(env, "demo", "--no-serve", "--workers", str(args.workers))
    people = import_bench.population(args.rows, seed=7)
    frame, _ = import_bench.p3ke_file(people, seed=7)
    frame.write_csv(csv := folder / "p3ke.csv")
    staged = json.loads(lindung(env, "import", str(csv), "--user", "operator", "--json"))
    print(f"set up in {time.monotonic() - began:.0f} s: demo of {args.workers:,} people, import #{staged['import']} "
          f"of {staged['rows']:,} rows staged ({staged['valid']:,} valid)")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "lindung.cli", "serve", "--port", str(port), "--workers",
                               str(args.web_workers)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=open(folder / "serve.err", "w"))
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("lindung serve did not answer within 120 s")
                time.sleep(0.5)
        hits: list = []
        start, stop = threading.Event(), threading.Event()
        threads = [threading.Thread(target=client, args=(base, ROLES[i % len(ROLES)], hits, start, stop))
                   for i in range(args.users)]
        for t in threads:
            t.start()
        time.sleep(5)  # the logins (argon2) are done before the clock starts
        t0 = time.monotonic()
        start.set()
        time.sleep(args.approve_at)
        approve_from = time.monotonic()
        approved = json.loads(lindung(env, "import", "--approve", str(staged["import"]), "--user", "admin", "--json"))
        approve_to = time.monotonic()
        time.sleep(max(0.0, t0 + args.seconds - time.monotonic()))
        until_now = time.monotonic()
        stop.set()
        for t in threads:
            t.join(timeout=90)
    finally:
        server.terminate()
        server.wait(timeout=30)
    counted = [h for h in hits if t0 <= h[0] <= until_now]
    print(f"\n{args.users} users for {args.seconds} s against {args.web_workers} web workers on SQLite; approval of "
          f"{approved['inserted']:,} new and {approved['updated']:,} updated people took "
          f"{approve_to - approve_from:.1f} s (command line, from start to its answer)\n")
    print("| when | requests | errors | p50 ms | p95 ms | p99 ms | slowest ms |\n|---|---|---|---|---|---|---|")
    print(report("before the approval (baseline)", [h for h in counted if h[0] < approve_from]))
    print(report("while it commits", [h for h in counted if approve_from <= h[0] < approve_to]))
    print(report("after it", [h for h in counted if h[0] >= approve_to]))
    print(report("all", counted))
    refused = sorted({(h[3], h[2]) for h in counted if 400 <= h[2] < 500})
    if refused:
        print(f"\n4xx answers (pages a role may not open): {refused}")
    print(f"\nload average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
