"""Time bill generation (`payments.services.generate_bill`) and reconciliation with BPJS's invoice
(`payments.services.reconcile`) for 10,000, 100,000 and 1,000,000 members.

    uv run python bench/billing_bench.py                        # 10k, 100k and 1M on SQLite
    uv run python bench/billing_bench.py --sizes 10000 100000   # a quick check
    uv run python bench/billing_bench.py --sizes 1000000        # the goal alone
    DATABASE_URL=postgres://… uv run python bench/billing_bench.py   # SQLite, then PostgreSQL

Each backend runs in its own spawned process with a fresh database: SQLite in a temporary data
directory, PostgreSQL in the database DATABASE_URL names (empty: migrate creates the tables). Per size,
a programme of that many active members funded January-December 2025 (random occupations from the
list, spread over Kaur's villages) is written with plain INSERTs (not timed). Then, each timed:
the January bill; the same again (the idempotent top-up that finds nobody missing); its payment in
full (every line paid, a PaidMonth per member); February and March likewise; and April, whose
lapse filter reads the three months paid per member. Before January's approval, members of each kind the check
finds are planted (reported dead, moved, another payer, over age, paid already, no KPJ) and the check before
approval (`check_bill`) is timed; beside it, the obvious per-member loop on `--baseline-rows` members. Between January's bill and its approval, BPJS's
invoice for January is written as a CSV of the same size (untimed) with planted differences (amounts,
members left out, strangers, KPJs missing so that the NIK pairs them), and `reconcile` is timed on its
bytes: reading and checking the file, reading the bill's lines, comparing, and writing the differences.
The baseline, in the same run, is the obvious
Python loop on `--baseline-rows` (10,000) members of the first size's programme, for May:
`contribution()` per member and `bulk_create` of the lines in batches of 2,000.
"""

import argparse
import os
import random
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime, timezone
from multiprocessing import get_context

GOAL_SIZE, GOAL_SECONDS = 1_000_000, 5.0
CHECK_SECONDS = 10.0  # issue 15: the check before the bill for a million members
KAUR = "17.04"


def in_process(fn, *args):
    """Run fn in a fresh spawned process, so each backend's settings and database are its own."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


def setup(database_url: str | None, data_dir: str) -> None:
    os.environ["LINDUNG_DATA_DIR"] = data_dir
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def insert(model, rows: list[dict], template) -> None:
    """Plain executemany INSERT of ``rows`` (column -> value) over ``template``'s other column values."""
    from django.db import connection, transaction

    fields = [f for f in model._meta.concrete_fields]
    base = {f.column: f.get_db_prep_save(f.pre_save(template, True), connection) for f in fields}
    columns = list(base)
    q = connection.ops.quote_name
    sql = (f"INSERT INTO {q(model._meta.db_table)} ({', '.join(q(c) for c in columns)}) "
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(rows), 50_000):
            cursor.executemany(sql, [[{**base, **row}[c] for c in columns] for row in rows[start:start + 50_000]])


def programme_of(size: int, offset: int, seed: int):
    """A running programme with ``size`` active members, people ``offset`` … ``offset + size - 1``."""
    from lindung.core.db import refresh_statistics
    from lindung.enrolment.models import Membership
    from lindung.payments.models import Protection
    from lindung.payments.protection import refresh
    from lindung.programs.models import Programme
    from lindung.registry.models import Pekerjaan, Peserta
    from lindung.wilayah.models import Wilayah

    rng = random.Random(seed + offset)
    villages = list(Wilayah.objects.filter(level=4).values_list("code", flat=True))
    jobs = list(Pekerjaan.objects.values_list("pk", flat=True))
    now = datetime.now(timezone.utc)
    person = Peserta(nik="0" * 16, nama="Peserta Uji", jenis_kelamin="L", tanggal_lahir=date(1980, 1, 1),
                     desa_id=villages[0], desil=1, created=now, updated=now)
    niks = rng.sample(range(10**15, 10**16), size)  # random order, like NIKs
    insert(Peserta, [{"id": offset + i + 1, "nik": str(nik), "desa_id": rng.choice(villages),
                      "pekerjaan_1_id": rng.choice(jobs)} for i, nik in enumerate(niks)], person)
    programme = Programme.objects.create(code=f"bench-{size}", name=f"Bench {size}", year=2025, start=date(2025, 1, 1),
                                         end=date(2025, 12, 1), status=Programme.Status.RUNNING)
    member = Membership(programme=programme, peserta_id=1, status=Membership.Status.ACTIVE, first=date(2025, 1, 1),
                        last=date(2025, 12, 1), updated=now)
    insert(Membership, [{"id": offset + i + 1, "peserta_id": offset + i + 1, "kpj": f"{offset + i + 1:011d}"}
                        for i in range(size)], member)
    refresh(programme.memberships.all())  # the stored protection the enrolment services would have written
    refresh_statistics(size, Protection)
    return programme


PLANTED = 5  # of each kind of difference, and of lines BPJS names by NIK alone


def bpjs_invoice(bill) -> bytes:
    """BPJS's invoice for ``bill`` as a CSV under a title row, with PLANTED lines of another amount, left out,
    of strangers, and without a KPJ (paired by the NIK)."""
    import polars as pl

    from lindung.payments.services import _our_lines

    ours = _our_lines(bill).sort("nik")
    n = PLANTED
    differs, kept, no_kpj = ours[:n], ours[2 * n:], ours[3 * n:4 * n]
    strangers = pl.DataFrame({"nik": [f"17040512039{i:05d}" for i in range(n)], "kpj": [f"9{i:010d}" for i in range(n)],
                              "nama": ["Orang Asing"] * n, "amount": [16_800] * n})
    name = pl.lit("Peserta Uji").alias("nama")
    theirs = pl.concat([
        differs.select("nik", "kpj", name, pl.lit(36_800, pl.Int64).alias("amount")),
        kept.select("nik", pl.when(pl.col("nik").is_in(no_kpj["nik"].implode())).then(None).otherwise("kpj").alias("kpj"),
                    name, "amount"),
        strangers,
    ]).select(pl.col("kpj").alias("No. KPJ"), pl.col("nik").alias("NIK"), pl.col("nama").alias("Nama"),
              pl.col("amount").cast(pl.Utf8).alias("Jumlah"))
    return b"Rincian Tagihan Iuran BPU Januari 2025\n" + theirs.write_csv(separator=";").encode()


def plant_findings(bill, admin) -> dict[str, int]:
    """PLANTED members of each kind the check before approval finds, in disjoint NIK ranges of the bill: reported
    dead and moved out before the month, another payer from it, born in 1950 (85 when registered), the month paid
    by the member himself, no KPJ. Written directly (not timed). Returns the expected count per rule."""
    from lindung.enrolment.models import Membership
    from lindung.life.models import LifeEvent
    from lindung.payments.models import PaidMonth
    from lindung.registry.models import Peserta

    n = PLANTED
    people = list(bill.lines.order_by("peserta__nik").values_list("peserta_id", "membership_id")[:6 * n])
    part = {rule: people[i * n:(i + 1) * n] for i, rule in enumerate(
        ("died", "moved_out", "other_payer", "over_age", "paid_already", "no_kpj"))}
    kinds = {"died": ("died", "village", "reported", date(2024, 12, 20)),
             "moved_out": ("moved_out", "typed", "verified", date(2024, 11, 3)),
             "other_payer": ("other_payer", "bpjs_status", "verified", date(2025, 1, 1))}
    LifeEvent.objects.bulk_create([
        LifeEvent(peserta_id=p, kind=kind, source=source, status=status, happened_on=day, recorded_by=admin)
        for rule, (kind, source, status, day) in kinds.items() for p, _ in part[rule]])
    Peserta.objects.filter(pk__in=[p for p, _ in part["over_age"]]).update(tanggal_lahir=date(1950, 1, 1))
    PaidMonth.objects.bulk_create([PaidMonth(membership_id=m, peserta_id=p, month=bill.month, payer="mandiri",
                                             paid_on=date(2025, 1, 6)) for p, m in part["paid_already"]])
    Membership.objects.filter(pk__in=[m for _, m in part["no_kpj"]]).update(kpj="")
    return {rule: n for rule in part}


def check_loop(bill, rows: int) -> tuple[int, float]:
    """The obvious per-member check, for comparison: each rule asked of each of ``rows`` lines in its own queries."""
    from lindung.enrolment.models import Membership
    from lindung.life.models import LifeEvent
    from lindung.payments.models import PaidMonth
    from lindung.registry.models import DuplicatePair
    from lindung.rules.bill_check import over_age_at_registration

    started, found = time.perf_counter(), 0
    for line in bill.lines.select_related("peserta", "membership").order_by("peserta__nik")[:rows]:
        events = LifeEvent.objects.filter(peserta_id=line.peserta_id, status__in=["reported", "verified"])
        found += events.filter(kind__in=["died", "moved_out"], happened_on__lt=bill.month).exists()
        found += events.filter(kind__in=["wage_earner", "other_payer"], happened_on__lte=bill.month).exists()
        first = Membership.objects.filter(peserta_id=line.peserta_id).exclude(kpj="").order_by("first").first()
        found += over_age_at_registration(line.peserta.tanggal_lahir, first.first if first else line.membership.first)
        found += PaidMonth.objects.filter(peserta_id=line.peserta_id, month=bill.month).exclude(
            payment__bill=bill).exists()
        found += Membership.objects.filter(peserta_id=line.peserta_id, first__lte=bill.month, last__gte=bill.month).exclude(
            programme_id=bill.programme_id).exists()
        found += DuplicatePair.objects.filter(a_id=line.peserta_id, decision="pending").exists()
        found += line.membership.kpj == ""
    return found, time.perf_counter() - started


def baseline(user, programme, rows: int) -> tuple[int, float]:
    """The Python loop: a contribution per member and bulk_create of the lines, for May, on ``rows`` members."""
    from lindung.payments.models import Bill, BillLine
    from lindung.rules.contributions import Month, contribution, due_date

    started = time.perf_counter()
    bill = Bill.objects.create(programme=programme, month=date(2025, 5, 1), due_date=due_date("2025-05"), created_by=user)
    lines = []
    for m in programme.memberships.select_related("peserta__pekerjaan_1").order_by("pk")[:rows].iterator(chunk_size=2000):
        c = contribution(Month(2025, 5), programme.funding_source, m.peserta.pekerjaan_1.code, programme.income_tier)
        lines.append(BillLine(bill=bill, membership=m, peserta_id=m.peserta_id, month=bill.month, jkk=c.jkk, jkm=c.jkm,
                              jht=c.jht, discount=c.discount, total=c.total))
    BillLine.objects.bulk_create(lines, batch_size=2000)
    return len(lines), time.perf_counter() - started


def run(database_url: str | None, sizes: list[int], baseline_rows: int, seed: int) -> list[tuple]:
    with tempfile.TemporaryDirectory(prefix="lindung-billing-bench-") as data_dir:
        setup(database_url, data_dir)
        from django.db import connection

        from lindung.accounts.demo import ensure_demo_users
        from lindung.accounts.models import User
        from lindung.payments.services import approve_bill, check_bill, generate_bill, reconcile, record_payment
        from lindung.wilayah.services import load_regency

        load_regency(KAUR)
        ensure_demo_users(KAUR, "bench-lindung-2025")
        operator, admin = User.objects.get(username="operator"), User.objects.get(username="admin")
        backend, results, offset = connection.vendor, [], 0

        def timed(step: str, size: int, fn):
            started = time.perf_counter()
            found = fn()
            results.append((backend, step, size, time.perf_counter() - started))
            return found

        for i, size in enumerate(sizes):
            programme = programme_of(size, offset, seed)
            offset += size
            for month in ("2025-01", "2025-02", "2025-03"):
                bill = timed(f"bill {month}", size, lambda: generate_bill(operator, programme, month).bill)
                assert bill.members == size, bill.members
                if month == "2025-01":
                    assert timed("bill again", size, lambda: generate_bill(operator, programme, month).added) == 0
                    data = bpjs_invoice(bill)
                    done = timed("reconcile", size, lambda: reconcile(operator, bill, "bpjs.csv", data))
                    n = PLANTED
                    assert (done.matched, done.amount_differs, done.only_ours, done.only_theirs) == (size - 2 * n, n, n, n)
                if month == "2025-01":
                    expected = plant_findings(bill, admin)
                    made = timed("check", size, lambda: check_bill(operator, bill))
                    assert Counter(f.rule for f in made) == expected, Counter(f.rule for f in made)
                    if i == 0:
                        found, seconds = check_loop(bill, baseline_rows)
                        assert found == sum(expected.values()), found
                        results.append((backend, "check loop", min(baseline_rows, size), seconds))
                bill = approve_bill(admin, bill, note="bench: the planted findings stay")
                timed("pay in full", size, lambda: record_payment(admin, bill, f"SP2D-{month}", bill.due_date, bill.total))
            # April reads three months paid per member to know that nobody lapsed.
            bill = timed("bill 2025-04", size, lambda: generate_bill(operator, programme, "2025-04").bill)
            assert bill.members == size, bill.members
            if i == 0:
                rows, seconds = baseline(operator, programme, baseline_rows)
                results.append((backend, "baseline loop", rows, seconds))
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--baseline-rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f} (2 cores shared: compare before trusting a figure)")
    backends = [None] + ([os.environ["DATABASE_URL"]] if os.environ.get("DATABASE_URL") else [])
    print(f"{'backend':<10} {'step':<14} {'members':>10} {'seconds':>8} {'rows/s':>11}")
    for url in backends:
        for backend, step, rows, seconds in in_process(run, url, args.sizes, args.baseline_rows, args.seed):
            print(f"{backend:<10} {step:<14} {rows:>10,} {seconds:>8.2f} {rows / seconds:>11,.0f}")
            if step == "check" and rows == GOAL_SIZE:
                print(f"  goal: the check before approval of {GOAL_SIZE:,} members in ≤ {CHECK_SECONDS:.0f} s on {backend}: "
                      f"{'met' if seconds <= CHECK_SECONDS else 'NOT met'} ({seconds:.2f} s)")
            if step in ("bill 2025-01", "reconcile") and rows == GOAL_SIZE:
                print(f"  goal: {GOAL_SIZE:,} members {'billed' if step.startswith('bill') else 'reconciled'} in "
                      f"≤ {GOAL_SECONDS:.0f} s on {backend}: {'met' if seconds <= GOAL_SECONDS else 'NOT met'} "
                      f"({seconds:.2f} s)")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
