"""Time the three budget scenarios of `rules.planner` on a Kaur-sized programme.

    uv run python bench/planner_bench.py
    uv run python bench/planner_bench.py --continuing 0.5 --priorities uniform --budget 600000000

7,130 workers in 15 kecamatan, planned for January-December 2025 at Rp16,800 a month. Priorities
follow `pipeline.eligibility`'s formula for desil 1 (100, +20 extreme poverty, +15 high-risk
occupation, +10 head of household, +3 per dependant up to 5), or with `--priorities uniform` any
whole number 0-150, which makes more groups for the solver. `--continuing` is the share of workers
already paid until December 2024 (all of them in Kaur).
"""

import argparse
import random
import time

from lindung.rules.contributions import Month
from lindung.rules.planner import (
    PlanInput,
    Worker,
    everyone_while_money_lasts,
    full_year_for_most,
    optimum,
)


def workers(n: int, seed: int, continuing: float, uniform: bool) -> list[Worker]:
    rng = random.Random(seed)
    kecamatan = [f"17.04.{i:02d}" for i in range(1, 16)]

    def priority() -> int:
        if uniform:
            return rng.randint(0, 150)
        return (100 + 20 * (rng.random() < 0.4) + 15 * (rng.random() < 0.3)
                + 10 * (rng.random() < 0.6) + 3 * rng.randint(0, 5))

    return [Worker(f"{i:06d}", priority(), rng.choice(kecamatan),
                   Month(2024, 12) if rng.random() < continuing else None) for i in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=7_130)
    parser.add_argument("--budget", type=int, default=300_000_000)
    parser.add_argument("--continuing", type=float, default=1.0)
    parser.add_argument("--priorities", choices=["formula", "uniform"], default="formula")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()
    people = workers(args.workers, args.seed, args.continuing, args.priorities == "uniform")
    inp = PlanInput(args.budget, Month(2025, 1), Month(2025, 12))
    print(f"{args.workers:,} workers, {len(set(w.priority for w in people))} priorities, "
          f"budget Rp{args.budget:,}, {args.continuing:.0%} continuing")
    print(f"{'scenario':<10} {'seconds':>8} {'people':>7} {'pers-months':>11} {'cost':>13} "
          f"{'left':>11} {'weighted':>10}")
    for scenario in (everyone_while_money_lasts, full_year_for_most, optimum):
        start = time.perf_counter()
        s = scenario(people, inp)
        seconds = time.perf_counter() - start
        print(f"{s.name:<10} {seconds:>8.3f} {s.people:>7,} {s.person_months:>11,} {s.cost:>13,} "
              f"{s.left:>11,} {s.weighted_person_months:>10,}")
    print(f"solver: {s.solver}")
    for warning in s.warnings:
        print(f"optimum: {warning}")


if __name__ == "__main__":
    main()
