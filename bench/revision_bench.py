"""Time the mid-year revision of a plan (`rules.revision.revise`: APBD-P, a cut, a top-up) on 10,000, 100,000 and
1,000,000 members, beside the obvious per-member loop, in the same run.

    uv run python bench/revision_bench.py                       # 10k, 100k and 1M
    uv run python bench/revision_bench.py --sizes 100000        # a quick check

Per size, in its own spawned process: the candidates of `plan_bench.py` (same priorities, kecamatan, continuing
share), planned for January-December 2025 with a budget for about six months each (version 1, the planner's
"everyone" scenario, not timed). The APBD-P then adds three months of money for everyone (`revise`
from July with a ceiling of nine months each): timed, the three scenarios re-planned from July with who loses
and who gains cover, and the optimum's proven gap: what the revision page and the API show. Saving one
scenario then reads every member's months, rank and change (timed apart: the saved rows follow). The baseline is what a clerk's script would do: for each
member in priority order, each month from July, a month more while the money lasts (one Python step per member
and month, no kecamatan shares, no optimum).
"""

import argparse
import os
import resource
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from plan_bench import KAUR_CANDIDATES, candidates, kecamatan_for

GOAL_SIZE, GOAL_SECONDS, GOAL_GAP = 1_000_000, 10.0, 1e-3
RATE = 16_800


def run(size: int, continuing: float, seed: int) -> dict:
    from lindung.rules import planner, revision
    from lindung.rules.contributions import Month, month_range

    workers = candidates(size, kecamatan_for(size), continuing, False, seed)
    first, last, july = Month(2025, 1), Month(2025, 12), Month(2025, 7)
    v1 = planner.everyone_while_money_lasts(workers, planner.PlanInput(6 * RATE * size, first, last))
    lines = [revision.Line(w.key, v1.months_per_worker.get(w.key)) for w in workers]
    inp = revision.RevisionInput(9 * RATE * size, first, last, july, RATE)  # three of the six months left

    started, cpu = time.perf_counter(), time.process_time()
    found = revision.revise(lines, workers, inp)
    figures = [r.figures() for r in found]  # what the page and the API show
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu

    started = time.perf_counter()  # what saving the optimum as version 2 reads: every worker's months and rank
    chosen = found[-1]
    saved = sum(1 for key in chosen.order if chosen.lines[key]), len(chosen.changes)
    materialise = time.perf_counter() - started

    started = time.perf_counter()
    current = {line.key: line.span for line in lines}
    money, after = revision.money_left(lines, inp), {}
    for w in sorted(workers, key=lambda w: -w.priority):  # the loop: a month more per member while money lasts
        span = revision.fixed_span(current.get(w.key), july)
        for month in month_range(july, last):
            if money < RATE:
                break
            money, span = money - RATE, (span[0] if span else month, month)
        after[w.key] = span
    loop = time.perf_counter() - started
    assert saved == (figures[-1]["people"], figures[-1]["losing_cover"] + figures[-1]["gaining_cover"])
    return {"seconds": seconds, "cpu": cpu, "loop": loop, "v1_people": v1.people, "materialise": materialise,
            "rows": [(f["name"], f["people"], f["losing_cover"], f["gaining_cover"], f["cost"], r.replan.gap)
                     for f, r in zip(figures, found)],
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def in_child(fn, *args) -> dict:
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--continuing", type=float, default=0.25)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()
    print(f"load average at start {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores (the machine may be shared)")
    print(f"(Kaur's {KAUR_CANDIDATES:,} is the smallest real case)")
    for size in args.sizes:
        r = in_child(run, size, args.continuing, args.seed)
        print(f"\n{size:,} members, version 1 covers {r['v1_people']:,} January-June; the APBD-P adds 3 months each "
              "from July")
        print(f"revise (3 scenarios): {r['seconds']:.2f} s ({r['cpu']:.2f} s CPU), peak {r['peak_mb']:,.0f} MB; "
              f"per-member loop: {r['loop']:.2f} s")
        print(f"saving the optimum reads each member's months, rank and change: {r['materialise']:.2f} s more")
        print(f"{'scenario':<15} {'people':>10} {'losing':>8} {'gaining':>9} {'cost (Rp)':>18} {'gap':>9}")
        for name, people, losing, gaining, cost, gap in r["rows"]:
            print(f"{name:<15} {people:>10,} {losing:>8,} {gaining:>9,} {cost:>18,} "
                  f"{'' if gap is None else f'{gap:.5%}':>9}")
        if size == GOAL_SIZE:
            gap = r["rows"][-1][-1]
            met = r["seconds"] <= GOAL_SECONDS and gap is not None and gap <= GOAL_GAP
            print(f"goal: a revision of {GOAL_SIZE:,} members in ≤ {GOAL_SECONDS:.0f} s with a proven gap ≤ "
                  f"{GOAL_GAP:.1%}: {'met' if met else 'NOT met'} ({r['seconds']:.2f} s, gap {gap})")
    print(f"\nload average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
