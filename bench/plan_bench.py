"""Time the budget optimiser of `rules.planner` on 10,000, 100,000 and 1,000,000 ranked candidates.

    uv run python bench/plan_bench.py                          # 10k, 100k and 1M
    uv run python bench/plan_bench.py --priorities uniform     # more groups for the solver
    uv run python bench/plan_bench.py --sizes 7130 --kecamatan 15 --continuing 1   # Kaur 2025
    uv run python bench/plan_bench.py --sizes 100000 --exact   # proven optimal, not within 0.1%
    uv run python bench/plan_bench.py --others 0.05            # 5% with months another payer pays

Candidates are planned for January-December 2025 at Rp16,800 a month, with the optimum's default
constraints (at least 6 consecutive months, continuing members first, kecamatan shares). The budget
grows with the count, Rp300 million per 7,130 candidates as in Kaur 2025: about 2.5 months each,
so it binds. Kecamatan: 15 up to 10,000 candidates (a regency: Kaur has 15), 50 up to 100,000 (a
few regencies), 150 above (a province's worth); their sizes differ (weights 1-4) and so does their
share of extreme poverty (20-60%), so that the shares bind too.
Priorities follow `pipeline.eligibility`'s formula for desil 1 (100, +20 extreme poverty, +15
high-risk occupation, +10 head of household, +3 per dependant up to 5), or with `--priorities
uniform` any whole number 0-150. Keys are 16-digit numbers in random order, like NIKs. A share
``--others`` of them (none by default) have months another payer pays: January-June, July-December,
March-May or the whole year, as a province or a village fund would.

Each size runs in its own spawned process (its peak memory is its own) and times the three
scenarios on the same candidates: the two fixed ones are the baseline, and the optimum's gap is
the proven one, (HiGHS's upper bound - the plan's weighted person-months) / the bound.
"""

import argparse
from collections import Counter
import os
import random
import resource
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

GOAL_SIZE, GOAL_SECONDS, GOAL_GAP = 1_000_000, 10.0, 1e-3
KAUR_CANDIDATES, KAUR_BUDGET = 7_130, 300_000_000


def kecamatan_for(size: int) -> int:
    return 15 if size <= 10_000 else 50 if size <= 100_000 else 150


def candidates(size: int, kecamatan: int, continuing: float, uniform: bool, seed: int, others: float = 0.0) -> list:
    from lindung.rules.contributions import Month
    from lindung.rules.planner import Worker

    rng = random.Random(seed)
    codes = [f"17.{i // 15 + 1:02d}.{i % 15 + 1:02d}" for i in range(kecamatan)]
    weights = [rng.randint(1, 4) for _ in codes]
    poverty = {code: rng.uniform(0.2, 0.6) for code in codes}
    paid = Month(2024, 12)

    def priority(code: str) -> int:
        if uniform:
            return rng.randint(0, 150)
        return (100 + 20 * (rng.random() < poverty[code]) + 15 * (rng.random() < 0.3)
                + 10 * (rng.random() < 0.6) + 3 * rng.randint(0, 5))

    keys = rng.sample(range(10**15, 10**16), size)
    patterns = [frozenset(Month(2025, m) for m in months)
                for months in (range(1, 7), range(7, 13), range(3, 6), range(1, 13))]
    return [Worker(str(key), priority(code), code, paid if rng.random() < continuing else None,
                   others=rng.choice(patterns) if others and rng.random() < others else frozenset())
            for key, code in zip(keys, rng.choices(codes, weights, k=size))]


def meets(s, inp, workers) -> str:
    """Whether a scenario is a plan the optimum could have chosen, and if not, why."""
    spans = {(end.year - start.year) * 12 + end.month - start.month + 1
             for start, end in s.months_per_worker.values()}
    broken = []
    if spans and min(spans) < inp.min_consecutive:
        broken.append(f"spans of {min(spans)} months")
    workers = [w for w in workers if len(w.others) < 12]  # another payer pays the whole year: not planned
    # The shares divide the workers the plan chooses: beside every continuing member the new workers, else the
    # continuing members (continuity first is on here).
    new = any(w.covered_until is None and w.key in s.months_per_worker for w in workers)
    chosen = [w for w in workers if (w.covered_until is None) == new]
    here = Counter(w.kecamatan for w in chosen if w.key in s.months_per_worker)
    if chosen and any(here[k] < n * here.total() // len(chosen) for k, n in Counter(w.kecamatan for w in chosen).items()):
        broken.append("kecamatan shares")
    if any(w.covered_until is None for w in workers if w.key in s.months_per_worker) and any(
            w.covered_until is not None for w in workers if w.key not in s.months_per_worker):
        broken.append("continuity")
    return "yes" if not broken else "no: " + ", ".join(broken)


def run(size: int, kecamatan: int, continuing: float, uniform: bool, budget: int, exact: bool,
        seed: int, others: float = 0.0) -> dict:
    """One size, in its own process: the three scenarios on the same candidates."""
    from lindung.rules import planner
    from lindung.rules.contributions import Month

    if exact:
        planner.EXACT_UP_TO, planner.TIME_LIMIT = size, 600.0
    started = time.perf_counter()
    workers = candidates(size, kecamatan, continuing, uniform, seed, others)
    made = time.perf_counter() - started
    inp = planner.PlanInput(budget, Month(2025, 1), Month(2025, 12))
    rows = []
    for scenario in (planner.everyone_while_money_lasts, planner.full_year_for_most, planner.optimum):
        start, cpu = time.perf_counter(), time.process_time()
        s = scenario(workers, inp)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        rows.append({"name": s.name, "seconds": seconds, "cpu": cpu, "people": s.people,
                     "person_months": s.person_months, "weighted": s.weighted_person_months,
                     "left": s.left, "gap": s.gap, "meets": meets(s, inp, workers), "solver": s.solver})
    return {"made": made, "priorities": len({w.priority for w in workers}), "rows": rows,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}  # Linux: KiB


def in_child(fn, *args) -> dict:
    """Run fn in a fresh spawned process: its time and memory are its own."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--kecamatan", type=int, help="kecamatan at every size (default: 15, 50 or 150 by size)")
    parser.add_argument("--continuing", type=float, default=0.25,
                        help="share of candidates paid until December 2024 (default 0.25)")
    parser.add_argument("--priorities", choices=["formula", "uniform"], default="formula")
    parser.add_argument("--budget", type=int, default=KAUR_BUDGET,
                        help=f"Rupiah per {KAUR_CANDIDATES:,} candidates, scaled with the count")
    parser.add_argument("--exact", action="store_true",
                        help="prove the optimum at every size (planner.EXACT_UP_TO lifted, 600 s per HiGHS run)")
    parser.add_argument("--others", type=float, default=0.0,
                        help="share of candidates with months another payer pays (default 0)")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()

    load = os.getloadavg()
    print(f"load average at start {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores "
          "(the machine may be shared)")
    summary = []
    for size in args.sizes:
        kecamatan = args.kecamatan or kecamatan_for(size)
        budget = args.budget * size // KAUR_CANDIDATES
        result = in_child(run, size, kecamatan, args.continuing, args.priorities == "uniform", budget,
                          args.exact, args.seed, args.others)
        print(f"\n{size:,} candidates in {kecamatan} kecamatan, {result['priorities']} priorities "
              f"({args.priorities}), {args.continuing:.0%} continuing, budget Rp{budget:,} "
              f"(made in {result['made']:.1f} s, not timed)")
        print(f"{'scenario':<10} {'seconds':>8} {'CPU s':>7} {'people':>10} {'pers-months':>12} "
              f"{'weighted':>13} {'left (Rp)':>14} {'gap':>9}  a plan the optimum may choose?")
        for r in result["rows"]:
            gap = f"{r['gap']:.5%}" if r["gap"] is not None else ""
            print(f"{r['name']:<10} {r['seconds']:>8.2f} {r['cpu']:>7.2f} {r['people']:>10,} "
                  f"{r['person_months']:>12,} {r['weighted']:>13,} {r['left']:>14,} {gap:>9}  {r['meets']}")
        best = result["rows"][-1]
        for r in result["rows"][:-1]:
            print(f"optimum against {r['name']}: {best['weighted'] / r['weighted'] - 1:+.3%} weighted "
                  f"person-months, {best['seconds'] / r['seconds']:.1f}x the time")
        print(f"solver: {best['solver']}")
        print(f"peak memory {result['peak_mb']:,.0f} MB (the process, candidates included)")
        summary.append((size, best))

    print(f"\ngoal: {GOAL_SIZE:,} candidates in <= {GOAL_SECONDS:.0f} s with a proven gap <= {GOAL_GAP:.1%}")
    for size, best in summary:
        met = best["seconds"] <= GOAL_SECONDS and best["gap"] <= GOAL_GAP
        verdict = ("met" if met else "NOT met") if size == GOAL_SIZE else "not judged at this size"
        print(f"  {size:>10,}  optimum {best['seconds']:6.2f} s, gap {best['gap']:.5%}   {verdict}")
    load = os.getloadavg()
    print(f"load average at end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
