"""Time the regent's figures (`core.dashboard`, `payments.protection.protection_counts`) for 100,000 and
1,000,000 people against the plain loop that runs the coverage engine member by member.

    uv run python bench/dashboard_bench.py                            # 100k and 1M on SQLite
    uv run python bench/dashboard_bench.py --sizes 100000             # a quick check
    DATABASE_URL=postgres://… uv run python bench/dashboard_bench.py  # SQLite, then PostgreSQL

Each backend runs in its own spawned process with a fresh database (billing_bench's in_process and setup). Per
size, N people spread over Kaur's villages, written with plain INSERTs (not timed), with realistic histories on
3 December 2026:

- everyone a member of kaur-2025, funded January-February 2025 and paid on time; 8% then paid some months
  themselves (mandiri, some late, some with a gap), so most lapsed on 1 June 2025;
- 70% also members of kaur-2026 (registered January 2026): 80% of these paid January-November on time by the
  regency, 6% paid late (each month 40-75 days after its first day), 6% stopped after June or July (lapsed by
  November), 4% paid December ahead, 2% died during 2026 (ended_on), 2% paid in the first months only;
- a few candidates without a KPJ (not registered: not counted);
- a card for every kaur-2026 member, most delivered, some held since September, and a death claim for 0.3% of them.

Timed, each three times up to 100,000 people and once above (the best reported): the protection counts alone
(`protection_counts`, two grouped queries), the whole page's figures (`dashboard`: the counts, the year's budget, cards,
claims), and the first page of the lapse cliff's list (a fetch of 50 rows, without the paginator's count). The
baseline, in the same run: for `--baseline-people` (5,000) people, the plain loop — each person's current
membership, its payments read (`membership_coverage`, a query per member) and `coverage.status_on` — extrapolated
linearly to N; its counts are checked against `with_protection` on the same people.

Not timed with the page: the stored protection (`payments.Protection`) the services keep as they write; here it is
rebuilt once from the INSERTed rows (`protection.refresh` of every membership), and that time is printed too.
"""

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from billing_bench import in_process, setup  # noqa: E402

KAUR = "17.04"
DAY = date(2026, 12, 3)
GOALS = {100_000: 0.3, 1_000_000: 1.0}
CHUNK = 50_000


def insert_rows(model, rows, template=None) -> int:
    """executemany INSERT of the dicts (column -> value) ``rows`` yields over ``template``'s other column values,
    in chunks: the rows of a million people never sit in memory at once."""
    from django.db import connection, transaction

    base = {}
    if template is not None:
        base = {f.column: f.get_db_prep_save(f.pre_save(template, True), connection)
                for f in model._meta.concrete_fields}
    q = connection.ops.quote_name
    n, chunk, columns, sql = 0, [], None, None
    with transaction.atomic(), connection.cursor() as cursor:
        for row in rows:
            if columns is None:
                columns = list({**base, **row})
                sql = (f"INSERT INTO {q(model._meta.db_table)} ({', '.join(q(c) for c in columns)}) "
                       f"VALUES ({', '.join(['%s'] * len(columns))})")
            full = {**base, **row}
            chunk.append([full[c] for c in columns])
            if len(chunk) == CHUNK:
                cursor.executemany(sql, chunk)
                n, chunk = n + len(chunk), []
        if chunk:
            cursor.executemany(sql, chunk)
            n += len(chunk)
    return n


def months(year: int, first: int, last: int):
    return [date(year, m, 1) for m in range(first, last + 1)]


def populate(size: int, seed: int) -> dict:
    """The people, two programmes, memberships and paid months; returns row counts."""
    from django.db import connection

    from lindung.cards.models import Card
    from lindung.claims.models import Claim
    from lindung.core.db import refresh_statistics
    from lindung.enrolment.models import Membership
    from lindung.payments.models import PaidMonth
    from lindung.programs.models import Programme
    from lindung.registry.models import Pekerjaan, Peserta
    from lindung.wilayah.models import Wilayah

    rng = random.Random(seed)
    villages = list(Wilayah.objects.filter(level=4).values_list("code", flat=True))
    job = Pekerjaan.objects.values_list("pk", flat=True).first()
    now = datetime.now(timezone.utc)
    niks = rng.sample(range(10**15, 10**16), size)
    person = Peserta(nik="0" * 16, nama="Peserta Uji", jenis_kelamin="L", tanggal_lahir=date(1980, 1, 1),
                     desa_id=villages[0], pekerjaan_1_id=job, desil=1, created=now, updated=now)
    insert_rows(Peserta, ({"id": i + 1, "nik": str(nik), "desa_id": rng.choice(villages)}
                          for i, nik in enumerate(niks)), person)
    p2025 = Programme.objects.create(code="kaur-2025", name="Kaur 2025", year=2025, start=date(2025, 1, 1),
                                     end=date(2025, 12, 1), budget=300_000_000, status=Programme.Status.CLOSED)
    p2026 = Programme.objects.create(code="kaur-2026", name="Kaur 2026", year=2026, start=date(2026, 1, 1),
                                     end=date(2026, 12, 1), budget=size * 12 * 16_800, status=Programme.Status.RUNNING)
    m_columns = ["id", "programme_id", "peserta_id", "status", "kpj", "rejection_reason", "first", "last", "ended_on",
                 "end_kind", "updated"]
    paid_columns = ["membership_id", "peserta_id", "month", "payer", "paid_on"]
    adapt = connection.ops.adapt_datefield_value
    adapt_now = connection.ops.adapt_datetimefield_value(now)

    def write(memberships, paid):
        insert_rows(Membership, ({c: adapt(v) if isinstance(v, date) and not isinstance(v, datetime) else v
                                  for c, v in zip(m_columns, row, strict=True)} for row in memberships))
        insert_rows(PaidMonth, ({c: adapt(v) if isinstance(v, date) else v
                                 for c, v in zip(paid_columns, row, strict=True)} for row in paid))
    memberships, paid = [], []
    kinds = {}
    for person in range(1, size + 1):
        # 2025: everyone, Jan-Feb paid on 10 Jan / 12 Feb; some then paid themselves.
        mid = person
        memberships.append((mid, p2025.pk, person, "active", f"{25_000_000_000 + person}", "", date(2025, 1, 1),
                            date(2025, 2, 1), None, "", adapt_now))
        paid += [(mid, person, date(2025, 1, 1), "apbd", date(2025, 1, 10)),
                 (mid, person, date(2025, 2, 1), "apbd", date(2025, 2, 12))]
        r = rng.random()
        if r < 0.08:
            last = rng.randint(3, 12)
            for month in months(2025, 3, last):
                if rng.random() < 0.1:
                    continue  # a gap
                late = rng.choice([5, 10, 20, 45, 80])
                paid.append((mid, person, month, "mandiri", month + timedelta(days=late)))
        # 2026: 70% again.
        if rng.random() < 0.7:
            mid = size + person
            r = rng.random()
            ended = None
            if r < 0.80:
                kind, paid_months, late = "on_time", months(2026, 1, 11), (8, 20)
            elif r < 0.86:
                kind, paid_months, late = "late", months(2026, 1, 10), (40, 75)
            elif r < 0.92:
                kind, paid_months, late = "stopped", months(2026, 1, rng.choice([6, 7])), (8, 20)
            elif r < 0.96:
                kind, paid_months, late = "ahead", months(2026, 1, 12), (8, 20)
            elif r < 0.98:
                kind, paid_months, late = "died", months(2026, 1, 11), (8, 20)
                ended = date(2026, rng.randint(2, 11), rng.randint(1, 28))
                paid_months = [m for m in paid_months if m <= ended]
            else:
                kind, paid_months, late = "first_months", months(2026, 1, rng.randint(1, 3)), (8, 20)
            kinds[kind] = kinds.get(kind, 0) + 1
            memberships.append((mid, p2026.pk, person, "active", f"{26_000_000_000 + person}", "", date(2026, 1, 1),
                                date(2026, 12, 1), ended, "meninggal" if ended else "", adapt_now))
            for month in paid_months:
                on = month + timedelta(days=rng.randint(*late))
                if kind == "ahead" and month.month == 12:
                    on = date(2026, 11, 20)
                paid.append((mid, person, month, "apbd", min(on, DAY)))
        elif rng.random() < 0.01:  # a candidate BPJS has not registered: not counted
            memberships.append((2 * size + person, p2026.pk, person, "candidate", "", "", date(2026, 1, 1),
                                date(2026, 12, 1), None, "", adapt_now))
        if len(paid) >= CHUNK:
            write(memberships, paid)
            memberships, paid = [], []
    write(memberships, paid)
    cards, claims = cards_and_claims(rng, p2026, now)
    refresh_statistics(10**6, Peserta, Membership, PaidMonth, Card, Claim)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"memberships": Membership.objects.count(), "paid months": PaidMonth.objects.count(), "cards": cards,
            "claims": claims, **kinds}


def cards_and_claims(rng, programme, now) -> tuple[int, int]:
    """A card for every kaur-2026 member (70% delivered, 15% at the village, 10% at the camat, 5% at the office,
    some held since September) and a claim for 0.3% of them (half paid): the page counts both."""
    from lindung.accounts.models import User
    from lindung.cards.models import Card, PrintBatch
    from lindung.claims.models import Claim
    from lindung.enrolment.models import Membership

    admin = User.objects.get(username="admin")
    batch = PrintBatch.objects.create(programme=programme, kecamatan_id=KAUR + ".01", number=1, cards=0,
                                      created_by=admin)
    members = list(Membership.objects.filter(programme=programme, status="active").values_list("pk", flat=True))
    places = [("delivered", 0.70), ("at_village", 0.85), ("at_camat", 0.95), ("at_dinas", 1.0)]
    held = [now - timedelta(days=90), now - timedelta(days=10)]

    def card(i, pk):
        roll = rng.random()
        return {"id": i + 1, "membership_id": pk, "number": f"K{pk}",
                "status": next(s for s, top in places if roll < top), "since": rng.choice(held)}
    cards = insert_rows(Card, (card(i, pk) for i, pk in enumerate(members)), Card(batch=batch, since=now))
    template = Claim(kind="jkm", event_date=date(2026, 6, 1), event_place="Kebun", cause="-", reporter_name="Keluarga",
                     reporter_relationship="istri", reported_by=admin, reported_on=date(2026, 6, 3),
                     claim_due=date(2028, 6, 1), membership_id=members[0])
    claimed = rng.sample(members, len(members) * 3 // 1000)
    claims = insert_rows(Claim, ({"id": i + 1, "membership_id": pk, "number": f"KLM-2026-{i:06d}",
                                  **({"status": "paid", "paid_on": date(2026, 7, 1), "paid_amount": 42_000_000}
                                     if i % 2 else {})} for i, pk in enumerate(claimed)), template)
    return cards, claims


def best_of(n: int, fn):
    times, found = [], None
    for _ in range(n):
        started = time.perf_counter()
        found = fn()
        times.append(time.perf_counter() - started)
    return found, min(times)


def plain_loop(people: int):
    """Each person's current membership and the engine on its payments, one query per member: the counts."""
    from collections import Counter

    from lindung.enrolment.models import Membership
    from lindung.payments.protection import registered
    from lindung.payments.selectors import membership_coverage
    from lindung.rules.coverage import State, lapses_on, status_on

    current = {}
    for m in (Membership.objects.filter(registered(), peserta_id__lte=people, first__lte=DAY)
              .order_by("first", "pk").iterator(chunk_size=2000)):
        current[m.peserta_id] = m
    counts = Counter()
    for m in current.values():
        engine = membership_coverage(m)
        status = status_on(engine, DAY)
        counts[status.state.value] += 1
        lapse = lapses_on(engine)
        if status.state in (State.ACTIVE, State.ARREARS) and lapse is not None:
            for n in (30, 60, 90):
                counts[f"next{n}"] += lapse <= DAY + timedelta(days=n)
    return counts


def run(database_url: str | None, sizes: list[int], baseline_people: int, seed: int) -> list[tuple]:
    with tempfile.TemporaryDirectory(prefix="lindung-dashboard-bench-") as data_dir:
        setup(database_url, data_dir)
        from collections import Counter

        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from lindung.accounts.demo import ensure_demo_users
        from lindung.accounts.models import User
        from lindung.core.dashboard import AT_RISK, dashboard, protection_list
        from lindung.enrolment.models import Membership
        from lindung.core.db import refresh_statistics
        from lindung.payments.models import Protection
        from lindung.payments.protection import current_memberships, protection_counts, refresh, with_protection
        from lindung.wilayah.services import load_regency

        load_regency(KAUR)
        ensure_demo_users(KAUR, "bench-lindung-2026")
        admin = User.objects.get(username="pimpinan")
        backend, results = connection.vendor, []
        for size in sizes:
            from lindung.enrolment.models import Membership as M
            from lindung.payments.models import PaidMonth
            from lindung.programs.models import Programme
            from lindung.registry.models import Peserta

            from lindung.cards.models import Card, PrintBatch
            from lindung.claims.models import Claim

            Claim.objects.all().delete()
            Card.objects.all().delete()
            PrintBatch.objects.all().delete()
            Protection.objects.all().delete()
            PaidMonth.objects.all().delete()
            M.objects.all().delete()
            Programme.objects.all().delete()
            Peserta.objects.all().delete()
            started = time.perf_counter()
            rows = populate(size, seed)
            print(f"[{backend}] {size:,} people written in {time.perf_counter() - started:.0f} s: {rows}", flush=True)
            _, seconds = best_of(1, lambda: refresh(Membership.objects.all()))
            results.append((backend, "stored rebuilt", size, seconds,
                            f"{rows['memberships']:,} memberships from their paid months (once, after the INSERTs)"))
            refresh_statistics(10**6, Protection)
            tries = 3 if size <= 100_000 else 1  # a million people's figures take seconds: once
            counts, seconds = best_of(tries, lambda: protection_counts(admin, DAY))
            t = counts.total
            results.append((backend, "protection counts", size, seconds,
                            f"aktif {t.aktif:,} menunggak {t.menunggak:,} nonaktif {t.nonaktif:,} berakhir "
                            f"{t.berakhir:,} cliff {t.lapse_next}"))
            with CaptureQueriesContext(connection) as queries:
                _, seconds = best_of(1, lambda: dashboard(admin, DAY))
            results.append((backend, "whole page", size, seconds, f"{len(queries)} queries"))
            _, seconds = best_of(tries, lambda: list(protection_list(admin, DAY, state=AT_RISK, within_days=90)[:50]))
            results.append((backend, "cliff list p.1", size, seconds, ""))
            people = min(baseline_people, size)
            loop, seconds = best_of(1, lambda: plain_loop(people))
            same = Counter()
            for m in with_protection(current_memberships(DAY, Membership.objects.filter(peserta_id__lte=people)), DAY):
                same[m.protection_state] += 1
                if m.protection_state in ("aktif", "menunggak") and m.protection_lapse is not None:
                    for n in (30, 60, 90):
                        same[f"next{n}"] += m.protection_lapse <= DAY + timedelta(days=n)
            assert +loop == +same, (loop, same)
            results.append((backend, "plain loop", people, seconds,
                            f"same counts; x{size / people:,.0f} = {seconds * size / people:,.1f} s for {size:,}"))
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--baseline-people", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--backends", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"],
                        help="PostgreSQL runs when DATABASE_URL is set")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f} (2 cores shared: compare before trusting a figure)")
    backends = ([None] if "sqlite" in args.backends else []) + (
        [os.environ["DATABASE_URL"]] if os.environ.get("DATABASE_URL") and "postgresql" in args.backends else [])
    print(f"{'backend':<10} {'step':<18} {'people':>10} {'seconds':>8}  notes")
    for url in backends:
        for backend, step, people, seconds, note in in_process(run, url, args.sizes, args.baseline_people, args.seed):
            print(f"{backend:<10} {step:<18} {people:>10,} {seconds:>8.3f}  {note}")
            if step == "protection counts" and people in GOALS:
                goal = GOALS[people]
                print(f"  goal: {people:,} people's counts in ≤ {goal:g} s on {backend}: "
                      f"{'met' if seconds <= goal else 'NOT met'} ({seconds:.3f} s)")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
