"""Page weight and load time on a slow phone line (issue 16 item 4): for each demo login's home page and the card
page, the bytes transferred on a first load (empty cache) and a second load, and the time to the load event under
a 3G profile (750 kbit/s down, 250 kbit/s up, 200 ms latency: CDP Network.emulateNetworkConditions).

    uv run python bench/page_weight.py                         # seeds a demo in a temporary directory (~1.5 min),
                                                               # serves it with gunicorn + whitenoise, measures
    uv run python bench/page_weight.py --data-dir /tmp/demo    # the same, keeping (and reusing) the seeded demo
    uv run python bench/page_weight.py --url http://127.0.0.1:8000   # a running `lindung demo`

Debian's chromium through Playwright (never a downloaded browser). Each page is measured in a fresh browser context
that logs in first (untimed, unthrottled), then empties the browser cache, turns the 3G profile on and loads the
page twice: "first" counts every byte of every response (Network.loadingFinished's encodedDataLength: headers and
compressed bodies, as they cross the line), "second" the same page again with what the first load cached.

The baseline, in the same run: the camat's home as it was before its chart became inline SVG — the same HTML with
the two scripts it loaded then (the Plotly bundle and charts.js, at the URLs the office's home uses), swapped in
by Playwright for the page's document. The scripts cross the throttled line; the document does not (it is handed to
the browser by Playwright), so its bytes are added from the real load and its baseline time is a little short.

Goals: the camat's home in at most 3 s, the card page in at most 2 s, at most 150 KB on a first load for the camat's
and the village operator's pages.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROLES = ("camat", "desa", "admin", "operator", "pimpinan", "bpjs", "auditor")
NEAR = ("camat", "desa")  # the phone roles the 150 KB goal is for
PAGES = {"home": "/", "cards": "/kartu/"}
PROFILE = {"offline": False, "latency": 200, "downloadThroughput": 750_000 / 8, "uploadThroughput": 250_000 / 8}
GOALS = {("camat", "home"): 3.0, ("camat", "cards"): 2.0}
MAX_FIRST_KB = 150
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def demo_server(data_dir: Path | None):
    """A seeded demo (`lindung demo --no-serve`, idempotent) served by gunicorn as `lindung serve` serves it."""
    own = data_dir is None
    data = Path(tempfile.mkdtemp(prefix="lindung-weight-")) if own else data_dir
    data.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINDUNG_", "DATABASE_URL"))}
    env["LINDUNG_DATA_DIR"] = str(data)
    started = time.perf_counter()
    print(f"Seeding the demo in {data} (lindung demo --no-serve)…", flush=True)
    subprocess.run([sys.executable, "-m", "lindung.cli", "demo", "--no-serve"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    print(f"  {time.perf_counter() - started:.0f} s", flush=True)
    port = free_port()
    web = subprocess.Popen([sys.executable, "-m", "gunicorn", "lindung.wsgi:application", "--bind",
                            f"127.0.0.1:{port}", "--workers", "2", "--timeout", "300"], cwd=ROOT, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.5)
        yield url
    finally:
        os.killpg(web.pid, signal.SIGTERM)
        web.wait(timeout=30)
        if own:
            shutil.rmtree(data, ignore_errors=True)


def log_in(page, base: str, username: str, password: str) -> None:
    page.goto(base + "/akun/masuk/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name=re.compile("^(Masuk|Log in)$")).click()
    page.wait_for_load_state("load")
    if "/akun/masuk/" in page.url:
        raise SystemExit(f"Cannot log in as {username}: is this a `lindung demo` server, and the password right?")


class Meter:
    """Bytes over the line per load, from the DevTools protocol's network events."""

    def __init__(self, cdp):
        self.cdp, self.bytes, self.requests, self.cached = cdp, 0, 0, 0
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.requestServedFromCache", self._cached)

    def _finished(self, event) -> None:
        self.bytes += event.get("encodedDataLength", 0)
        self.requests += 1

    def _cached(self, _event) -> None:
        self.cached += 1

    def load(self, page, url: str) -> dict:
        self.bytes = self.requests = self.cached = 0
        started = time.perf_counter()
        page.goto(url, wait_until="load", timeout=180_000)
        wall = time.perf_counter() - started
        timing = page.evaluate("""() => { const n = performance.getEntriesByType('navigation')[0];
                                          return n ? n.loadEventEnd : null; }""")
        page.wait_for_timeout(300)  # a late response still finishing
        seconds = timing / 1000 if timing else wall
        return {"bytes": self.bytes, "requests": self.requests, "cached": self.cached, "seconds": seconds}


def measure(browser, base: str, username: str, password: str, path: str, swap=None) -> tuple[dict, dict]:
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        log_in(page, base, username, password)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.clearBrowserCache")
        cdp.send("Network.emulateNetworkConditions", PROFILE)
        meter = Meter(cdp)
        if swap is not None:
            page.route(base + path, swap)
        first = meter.load(page, base + path)
        second = meter.load(page, base + path)
        return first, second
    finally:
        context.close()


def plotly_scripts(browser, base: str, password: str) -> str:
    """The script tags the office's home loads Plotly with (their hashed URLs): what every home loaded before."""
    context = browser.new_context()
    try:
        page = context.new_page()
        log_in(page, base, "admin", password)
        html = page.content()
    finally:
        context.close()
    tags = re.findall(r'<script src="[^"]*(?:plotly|charts)[^"]*"[^>]*></script>', html)
    if len(tags) != 2:
        raise SystemExit("The office's home does not load Plotly and charts.js: no baseline.")
    return "\n".join(tags)


def kb(n: int) -> str:
    return f"{n / 1024:,.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running demo server (default: seed and start one)")
    parser.add_argument("--data-dir", type=Path, help="where to seed the demo (kept; reused when already seeded)")
    parser.add_argument("--password", default=os.environ.get("LINDUNG_DEMO_PASSWORD", "kaur-lindung-2024"))
    parser.add_argument("--roles", nargs="*", default=list(ROLES))
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    server = demo_server(args.data_dir) if args.url is None else None
    base = args.url.rstrip("/") if args.url else server.__enter__()
    try:
        print(f"Server {base}; 3G profile: {PROFILE['downloadThroughput'] * 8 / 1000:.0f} kbit/s down, "
              f"{PROFILE['uploadThroughput'] * 8 / 1000:.0f} up, {PROFILE['latency']} ms latency; load "
              f"{os.getloadavg()[0]:.1f}", flush=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic"])
            rows = []
            for role in args.roles:
                for name, path in PAGES.items():
                    first, second = measure(browser, base, role, args.password, path)
                    rows.append((role, name, first, second))
                    print(f"  {role:<9} {name:<6} first {kb(first['bytes']):>9} KB {first['seconds']:6.2f} s"
                          f" ({first['requests']} responses) · second {kb(second['bytes']):>8} KB "
                          f"{second['seconds']:6.2f} s", flush=True)
            baseline = None
            if "camat" in args.roles:
                scripts = plotly_scripts(browser, base, args.password)

                def swap(route):
                    response = route.fetch()
                    route.fulfill(response=response, body=response.text().replace("</body>", scripts + "\n</body>"))

                first, second = measure(browser, base, "camat", args.password, "/", swap)  # second: cache off
                document = next(r[2]["bytes"] for r in rows if r[:2] == ("camat", "home"))
                first["bytes"] += document
                baseline = (first, second)
            browser.close()
    finally:
        if server is not None:
            server.__exit__(None, None, None)

    print("\n| role | page | first load, KB | first load, s (3G) | responses | second load, KB | second load, s |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for role, name, first, second in rows:
        print(f"| {role} | {name} | {kb(first['bytes'])} | {first['seconds']:.2f} | {first['requests']} | "
              f"{kb(second['bytes'])} | {second['seconds']:.2f} |")
    if baseline:
        first, second = baseline
        # No second load: a page Playwright routes is loaded with the browser's cache off.
        print(f"| camat, before (home with Plotly) | home | {kb(first['bytes'])} | ≥ {first['seconds']:.2f} | "
              f"{first['requests']} | — | — |")
    print("\nGoals:")
    for (role, name), goal in GOALS.items():
        found = next((r for r in rows if r[:2] == (role, name)), None)
        if found:
            seconds = found[2]["seconds"]
            print(f"  {role} {name}: {seconds:.2f} s on a first load (goal ≤ {goal:g} s): "
                  + ("met" if seconds <= goal else "NOT met"))
    for role, name, first, _second in rows:
        if role in NEAR:
            print(f"  {role} {name}: {kb(first['bytes'])} KB on a first load (goal ≤ {MAX_FIRST_KB} KB): "
                  + ("met" if first["bytes"] <= MAX_FIRST_KB * 1024 else "NOT met"))
    if baseline:
        now = next(r[2] for r in rows if r[:2] == ("camat", "home"))
        print(f"  camat home against before: {kb(now['bytes'])} KB vs {kb(baseline[0]['bytes'])} KB "
              f"({baseline[0]['bytes'] / max(now['bytes'], 1):.0f}× less), {now['seconds']:.2f} s vs "
              f"≥ {baseline[0]['seconds']:.2f} s")
    print(f"Load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
