"""Time the approval of a staged import (`registry.imports.services.approve`) of 60,000 and 100,000 rows, the
longest a writer waits for it, and the register page's p95 while it commits.

    uv run python bench/approve_bench.py                          # 60k and 100k on SQLite, with the baseline
    uv run python bench/approve_bench.py --sizes 20000 --no-baseline   # a quick check
    DATABASE_URL=postgres://… uv run python bench/approve_bench.py     # SQLite, then PostgreSQL
    DATABASE_URL=postgres://… uv run python bench/approve_bench.py --backends postgresql

Each run is a spawned process with a fresh database (billing_bench's `setup`): SQLite in a temporary data directory,
PostgreSQL in the (empty) database DATABASE_URL names. N workers of Kaur (the demo generator); a tenth of them are
already in the register (plain INSERTs, untimed) and come again in the file with another address (updates), the
rest are new. The P3KE file (CSV) is uploaded and staged by the operator (untimed, seconds printed), then the admin
approves it while two other processes run:

- a writer that every 50 ms opens a transaction and updates one worker the import also updates (SQLite: BEGIN
  IMMEDIATE, the database's write lock; PostgreSQL: that row's lock), rolled back at once; its longest wait is the
  longest the approval held the write lock against it;
- a reader that requests the register page (/peserta/, logged in as the admin) one request after another; p95 and
  the slowest of the requests made while the approval ran.

The baseline, in the same run, is the obvious way with django-simple-history: the staged rows as model objects,
`bulk_create_with_history` and `bulk_update_with_history` in batches of 2,000, all in one transaction (what
`approve` did until issue 17), measured the same way.
"""

import argparse
import os
import sys
import tempfile
import time
from datetime import datetime, timezone
from multiprocessing import get_context
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from billing_bench import in_process, setup  # noqa: E402

KAUR = "17.04"
PROBE_EVERY = 0.05
UPDATE_SHARE = 10  # one in ten rows of the file is a worker the register holds


def prepare(size: int, seed: int, data_dir: str) -> dict:
    """The register, the file and the staged import; returns what the probes need."""
    from lindung.accounts.demo import ensure_demo_users
    from lindung.accounts.models import User
    from lindung.pipeline.samples import p3ke_individu
    from lindung.registry.demo import generate_workers, villages_of
    from lindung.registry.imports import services as imports
    from lindung.registry.models import Pekerjaan, Peserta
    from lindung.wilayah.services import load_regency

    load_regency(KAUR)
    ensure_demo_users(KAUR, "bench-password-1")
    people = generate_workers(villages_of(KAUR), size, seed, other_kecamatan=[])
    known = people[:size // UPDATE_SHARE]
    jobs = dict(Pekerjaan.objects.values_list("code", "id"))
    Peserta.objects.bulk_create(
        [Peserta(**{k: v for k, v in p.items() if k not in ("pekerjaan_1", "pekerjaan_2")},
                 pekerjaan_1_id=jobs[p["pekerjaan_1"]], pekerjaan_2_id=jobs.get(p["pekerjaan_2"] or ""))
         for p in known], batch_size=5000)
    moved = [dict(p, alamat="Dusun Baru RT 001") for p in known]
    path = Path(data_dir) / "p3ke.csv"
    p3ke_individu(moved + people[len(known):]).write_csv(path)
    started = time.perf_counter()
    batch = imports.stage(imports.create_batch(User.objects.get(username="operator"), imports.file_chunks(path),
                                               path.name))
    assert batch.status == "staged", batch.error
    return {"batch": batch.pk, "staged_s": time.perf_counter() - started, "report": batch.report,
            "probe_id": Peserta.objects.get(nik=known[0]["nik"]).pk}


def baseline(user, batch) -> dict:
    """The obvious way: model objects and simple_history's bulk helpers in batches of 2,000, one transaction."""
    import polars as pl
    from django.db import transaction
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history

    from lindung.registry.imports.services import WRITTEN, batch_dir
    from lindung.registry.models import Pekerjaan, Peserta

    jobs = dict(Pekerjaan.objects.values_list("code", "id"))
    typed = pl.read_parquet(batch_dir(batch) / "staged.parquet").filter(pl.col("valid"))
    new, updates = [], {}
    for r in typed.iter_rows(named=True):
        codes = r["pekerjaan"] or []
        values = {"nik": r["nik"], "no_kk": r["no_kk"] or "", "nama": r["nama"], "jenis_kelamin": r["jenis_kelamin"],
                  "tempat_lahir": r["tempat_lahir"] or "", "tanggal_lahir": r["tanggal_lahir"], "desa_id": r["desa"],
                  "alamat": r["alamat"] or "", "telepon": r["telepon"] or "",
                  "pekerjaan_1_id": jobs.get(codes[0]) if codes else None,
                  "pekerjaan_2_id": jobs.get(codes[1]) if len(codes) > 1 else None, "desil": r["desil"],
                  "miskin_ekstrem": bool(r["miskin_ekstrem"]), "id_keluarga": r["id_keluarga"] or "",
                  "hubungan": r["hubungan"] or "", "sumber": "P3KE"}
        if r["existing_id"] is None:
            new.append(Peserta(**values))
        else:
            updates[r["existing_id"]] = values
    with transaction.atomic():
        for i in range(0, len(new), 2000):
            bulk_create_with_history(new[i:i + 2000], Peserta, batch_size=2000, default_user=user)
        changed = list(Peserta.objects.filter(pk__in=updates))
        for p in changed:
            for field in WRITTEN:
                setattr(p, field, updates[p.pk][field])
        for i in range(0, len(changed), 2000):
            bulk_update_with_history(changed[i:i + 2000], Peserta, WRITTEN + ["updated"], batch_size=2000,
                                     default_user=user)
    return {"inserted": len(new), "updated": len(changed)}


def writer(database_url: str | None, data_dir: str, probe_id: int, go, stop, out) -> None:
    """Every 50 ms: a transaction that updates one worker the import updates too, rolled back; the waits."""
    waits = []
    if database_url:
        import psycopg

        conn = psycopg.connect(database_url, autocommit=True)
        begin, update = "BEGIN", "UPDATE registry_peserta SET telepon = telepon WHERE id = %s"
    else:
        import sqlite3

        conn = sqlite3.connect(Path(data_dir) / "lindung.sqlite3", timeout=600, isolation_level=None)
        begin, update = "BEGIN IMMEDIATE", "UPDATE registry_peserta SET telepon = telepon WHERE id = ?"
    go.wait()
    while not stop.is_set():
        started = time.perf_counter()
        conn.execute(begin)
        conn.execute(update, (probe_id,))
        waits.append(time.perf_counter() - started)
        conn.execute("ROLLBACK")
        time.sleep(PROBE_EVERY)
    out.put(waits)


def reader(database_url: str | None, data_dir: str, go, stop, out) -> None:
    """The register page, one request after another, as the admin."""
    os.environ["LINDUNG_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    # The static files' manifest is made by collectstatic, which a fresh data directory has not run.
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}

    from lindung.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="admin"))
    client.get("/peserta/")  # warm
    times = []
    go.wait()
    while not stop.is_set():
        started = time.perf_counter()
        response = client.get("/peserta/")
        assert response.status_code == 200, response.status_code
        times.append(time.perf_counter() - started)
    out.put(times)


def run(database_url: str | None, size: int, seed: int, way: str) -> dict:
    """One approval, ``way`` lindung or baseline, on a fresh database, with the probes beside it."""
    with tempfile.TemporaryDirectory(prefix="approve_bench_") as data_dir:
        if database_url:  # an empty database each run: the previous run's tables go
            import psycopg

            with psycopg.connect(database_url, autocommit=True) as conn:
                conn.execute("DROP SCHEMA public CASCADE")
                conn.execute("CREATE SCHEMA public")
        setup(database_url, data_dir)
        from django.db import connection

        from lindung.accounts.models import User
        from lindung.registry.imports import services as imports
        from lindung.registry.models import ImportBatch, Peserta

        ready = prepare(size, seed, data_dir)
        connection.close()
        ctx = get_context("spawn")
        go, stop, waits, pages = ctx.Event(), ctx.Event(), ctx.Queue(), ctx.Queue()
        probes = [ctx.Process(target=writer, args=(database_url, data_dir, ready["probe_id"], go, stop, waits)),
                  ctx.Process(target=reader, args=(database_url, data_dir, go, stop, pages))]
        for p in probes:
            p.start()
        time.sleep(8)  # the reader's Django is up
        batch, admin = ImportBatch.objects.get(pk=ready["batch"]), User.objects.get(username="admin")
        go.set()
        time.sleep(0.5)  # a few requests before
        started = time.perf_counter()
        if way == "lindung":
            done = imports.approve(admin, batch).report
        else:
            done = baseline(admin, batch)
        seconds = time.perf_counter() - started
        time.sleep(0.3)
        stop.set()
        wait_list, page_list = waits.get(timeout=60), pages.get(timeout=60)
        for p in probes:
            p.join()
        page_list.sort()
        return {"size": size, "way": way, "staged_s": ready["staged_s"], "seconds": seconds,
                "inserted": done["inserted"], "updated": done["updated"], "register": Peserta.objects.count(),
                "history": Peserta.history.count(), "longest_wait": max(wait_list), "probes": len(wait_list),
                "pages": len(page_list), "p95": page_list[int(0.95 * (len(page_list) - 1))],
                "slowest": page_list[-1]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[60_000, 100_000])
    parser.add_argument("--no-baseline", action="store_true", help="only lindung's approve")
    parser.add_argument("--backends", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"],
                        help="PostgreSQL only when DATABASE_URL is given")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    backends = [("SQLite", None)] if "sqlite" in args.backends else []
    if "postgresql" in args.backends and os.environ.get("DATABASE_URL"):
        backends.append(("PostgreSQL", os.environ["DATABASE_URL"]))
    ways = ["lindung"] + ([] if args.no_baseline else ["baseline"])
    load = os.getloadavg()
    print(f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; load average at start {load[0]:.2f} {load[1]:.2f} "
          f"{load[2]:.2f} on {os.cpu_count()} cores (the machine may be shared)")
    print(f"{'backend':<11} {'rows':>8} {'way':<9} {'staged s':>8} {'approve s':>9} {'inserted':>8} {'updated':>8} "
          f"{'longest writer wait s':>21} {'page p95 s':>10} {'slowest s':>9} {'pages':>5}")
    for name, url in backends:
        for size in args.sizes:
            for way in ways:
                r = in_process(run, url, size, args.seed, way)
                print(f"{name:<11} {r['size']:>8,} {way:<9} {r['staged_s']:>8.1f} {r['seconds']:>9.2f} "
                      f"{r['inserted']:>8,} {r['updated']:>8,} {r['longest_wait']:>21.2f} {r['p95']:>10.3f} "
                      f"{r['slowest']:>9.3f} {r['pages']:>5}", flush=True)
    load = os.getloadavg()
    print(f"load average at end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print("longest writer wait: a transaction updating a worker the import also updates, tried every 50 ms")


if __name__ == "__main__":
    main()
