"""Time every role's main pages with N people in the register (the goal: each ≤ 300 ms at 1,000,000).

    uv run python bench/pages_bench.py                      # 100,000 and 1,000,000 people on SQLite
    uv run python bench/pages_bench.py --sizes 100000       # a quick check

The people and their memberships, payments, cards and claims are dashboard_bench's (`populate`: plain INSERTs, not
timed), on 3 December 2026; then, untimed, the job an approved import queues keeps each programme's assessment (as
the register would be after an import). Each page is asked for through Django's whole stack (middleware, sessions,
templates) with its test client, as the role that uses it. Two figures a page: the first view after the data
changed ("first"), when the figures kept for the pages (core.kept) are counted again, and the best of the views after
it ("then": two up to 100,000 people, one above), what everyone sees until the next change.
The baseline in the same run is the smallest size: how each page grows with the register.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from billing_bench import in_process, setup  # noqa: E402
from dashboard_bench import KAUR, populate  # noqa: E402

GOAL_MS = 300
PAGES = [  # (role, page)
    ("pimpinan", "/"), ("operator", "/"), ("camat", "/"), ("desa", "/"),
    ("operator", "/peserta/"), ("camat", "/peserta/"), ("operator", "/program/"),
    ("operator", "/program/kaur-2026/"), ("operator", "/program/kaur-2026/pendaftaran/"),
    ("operator", "/program/kaur-2026/iuran/"),
    ("operator", "/program/kaur-2026/iuran/serah-terima/"), ("operator", "/program/kaur-2026/iuran/serah-terima/grafik/"),
    ("operator", "/kartu/"), ("camat", "/kartu/"),
    ("operator", "/klaim/"), ("operator", "/klaim/laporan/"), ("auditor", "/audit/"), ("bpjs", "/program/"),
]


def run(database_url: str | None, sizes: list[int], seed: int) -> list[tuple]:
    with tempfile.TemporaryDirectory(prefix="lindung-pages-bench-") as data_dir:
        setup(database_url, data_dir)
        from django.conf import settings
        from django.db import connection
        from django.test import Client
        from django.test.utils import override_settings

        from lindung.accounts.demo import ensure_demo_users
        from lindung.accounts.models import User
        from lindung.core.db import refresh_statistics
        from lindung.core.kept import kept_dir
        from lindung.enrolment.models import Membership
        from lindung.payments.models import Protection
        from lindung.payments.protection import refresh
        from lindung.programs.selectors import kept_assessments_dir
        from lindung.programs.tasks import keep_assessments
        from lindung.registry.models import Peserta
        from lindung.wilayah.services import load_regency

        load_regency(KAUR)
        ensure_demo_users(KAUR, "bench-lindung-2026")
        results = []
        for size in sizes:
            for model in ("claims.Claim", "cards.Card", "cards.PrintBatch", "payments.Protection",
                          "payments.PaidMonth", "enrolment.Membership", "programs.Programme", "registry.Peserta"):
                from django.apps import apps
                apps.get_model(model).objects.all().delete()
            # populate's plain INSERTs write no history, so the kept assessments would not know the register
            # changed: they go with it, and the job an approved import queues keeps them again.
            shutil.rmtree(kept_assessments_dir(), ignore_errors=True)
            shutil.rmtree(kept_dir(), ignore_errors=True)  # likewise the pages' kept figures: no event says the change
            populate(size, seed)
            refresh(Membership.objects.all())
            refresh_statistics(10**6, Protection, Peserta, Membership)
            keep_assessments.call()
            tries = 2 if size <= 100_000 else 1
            plain = {**settings.STORAGES, "staticfiles": {  # no collectstatic manifest in a fresh data directory
                "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
            with override_settings(ALLOWED_HOSTS=["*"], STORAGES=plain):
                Client().get("/akun/masuk/")  # the first request of a process imports every app's views: not a page's time
                for username, path in PAGES:
                    client = Client()
                    client.force_login(User.objects.get(username=username))
                    times, status = [], 0
                    for _ in range(1 + tries):
                        started = time.perf_counter()
                        status = client.get(path).status_code
                        times.append(time.perf_counter() - started)
                    results.append((connection.vendor, size, username, path, status, times[0], min(times[1:])))
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f} (2 cores shared: compare before trusting a figure)")
    rows = in_process(run, os.environ.get("DATABASE_URL"), args.sizes, args.seed)
    sizes = sorted({r[1] for r in rows})
    by = {(r[1], r[2], r[3]): r for r in rows}
    print("| role | page | " + " | ".join(f"{s:,} people ms: first, then" for s in sizes)
          + f" | then ≤ {GOAL_MS} ms at the largest |")
    print("|---|---|" + "---|" * len(sizes) + "---|")
    for username, path in PAGES:
        cells = []
        for s in sizes:
            *_, status, first, then = by[(s, username, path)]
            cells.append(f"{first * 1000:,.0f}, {then * 1000:,.0f}" + ("" if status == 200 else f" ({status})"))
        met = "yes" if by[(sizes[-1], username, path)][6] * 1000 <= GOAL_MS else "no"
        print(f"| {username} | {path} | " + " | ".join(cells) + f" | {met} |")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
