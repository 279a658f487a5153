"""Time `lindung match` (pipeline.matching) on a synthetic register against a membership list, per engine.

    uv run python bench/match_bench.py                      # 100,000 and 1,000,000 register people, DuckDB
    uv run python bench/match_bench.py --sizes 100000
    uv run python bench/match_bench.py --engine duckdb,spark --master 'local[2]'   # both (uv sync --extra spark)

The register is import_bench's P3KE individual file of Kaur (NIKs consistent with sex, birth date and kecamatan,
about 5% planted defects that the import refuses, 1% outside the age window) written as Parquet, as a DTSEN
extract comes. The membership list (Parquet: NIK, Nama, Tanggal Lahir, No. KPJ) holds 10% of the register's
people; 5% of those members carry a mistyped NIK (two adjacent digits swapped, or one changed: dedupe_bench's
typo) and a third of those their name written another way (dedupe_bench's). Each size and engine runs in its own
spawned process, so its peak memory (ru_maxrss) is its own; generating the files is not timed. Spark's JVM is a
process of its own: its peak resident memory (VmHWM) is shown apart, as `JVM MB` (Spark's Python workers, which
score the names, are not counted).

Timed, step by step, as the command runs them: starting the engine (Spark's session; nothing for DuckDB), reading
the members, reading and checking the register (readers.read_file + validate.validate), the match (exact join and
splink on the engine, summary) and writing the Parquet partitions. Recall is the share of planted mistyped members
(whose register row is valid) found as `probable` with the right register person; precision the share of `probable`
answers that name the right member. With more than one engine, each person's outcome on the others is compared with
the first's: `differ` counts the people whose status, KPJ, member or agreement differ, or whose probability differs
by more than 1e-9.
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dedupe_bench import mistype_nik, rewrite_name  # noqa: E402
from import_bench import context, in_child, p3ke_file, population  # noqa: E402

MEMBER_SHARE = 10  # 1 in 10 register people is a member
MISTYPED_SHARE = 20  # 1 in 20 members carries a mistyped NIK


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def generate(n: int, seed: int, folder: str) -> dict:
    people = population(n, seed)
    frame, _ = p3ke_file(people, seed)
    frame.write_parquet(Path(folder) / "register.parquet")
    members = people.sample(n // MEMBER_SHARE, seed=seed, shuffle=True).with_columns(true_nik=pl.col("nik"))
    typo = pl.int_range(pl.len()) % MISTYPED_SHARE == 0
    renamed = pl.int_range(pl.len()) % (3 * MISTYPED_SHARE) == 0
    members = members.with_columns(
        mistyped=typo,
        nik=pl.when(typo).then(mistype_nik(members["nik"])).otherwise("nik"),
        nama=pl.when(renamed).then(rewrite_name(members["nama"].str.to_titlecase())).otherwise("nama"),
    )
    members.select(
        pl.col("nik").alias("NIK"), pl.col("nama").alias("Nama"),
        pl.col("born").dt.strftime("%d-%m-%Y").alias("Tanggal Lahir"),
        pl.format("24{}", pl.int_range(pl.len()).cast(pl.Utf8).str.zfill(9)).alias("No. KPJ"),
    ).write_parquet(Path(folder) / "members.parquet")
    members.select("true_nik", "mistyped", (pl.int_range(pl.len()) + 2).alias("member_row")).write_parquet(
        Path(folder) / "truth.parquet")
    return {"members": members.height, "mistyped": int(members["mistyped"].sum())}


def jvm_peak_mb() -> float:
    """The peak resident memory of this process's Spark JVM (Linux's VmHWM), while it runs."""
    from pyspark import SparkContext

    status = Path(f"/proc/{SparkContext._gateway.proc.pid}/status").read_text()
    return next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")) / 1024


def run(folder: str, engine: str, master: str) -> dict:
    from lindung.pipeline import matching

    times: dict[str, float] = {}
    start, cpu = time.perf_counter(), time.process_time()
    t = start

    def lap(name: str, t0: float) -> float:
        now = time.perf_counter()
        times[name] = now - t0
        return now

    out = Path(folder) / f"out_{engine}"
    with matching.engine(engine, master=master) as running:
        t = lap("start engine", t)
        members = matching.read_members(Path(folder) / "members.parquet")
        t = lap("read members", t)
        register = matching.read_register(Path(folder) / "register.parquet",
                                          context(registered=frozenset(members.frame["nik"].drop_nulls())))
        t = lap("read + validate register", t)
        result = matching.match(register, members, engine=running)
        t = lap("match (exact, splink, summary)", t)
        matching.write_partitions(result.people, out)
        lap("write partitions", t)
        jvm_mb = jvm_peak_mb() if engine == "spark" else 0.0
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    result.people.write_parquet(Path(folder) / f"people_{engine}.parquet")

    truth = pl.read_parquet(Path(folder) / "truth.parquet")
    probable = result.people.filter(pl.col("status") == "probable").join(truth, on="member_row", how="left")
    right = probable.filter(pl.col("nik") == pl.col("true_nik"))
    # A planted member whose register row the import refuses (a planted defect) cannot be found: not counted.
    valid = result.people.filter(pl.col("status") != "invalid").select(pl.col("nik").alias("true_nik"))
    planted = truth.filter("mistyped").join(valid, on="true_nik", how="semi")
    counts = dict(result.people["status"].value_counts().iter_rows())
    return {"rows": result.people.height, "seconds": seconds, "cpu": cpu, "peak_mb": peak_mb(), "jvm_mb": jvm_mb,
            "times": times, "counts": counts, "matching_seconds": result.seconds,
            "recall": right.filter(pl.col("mistyped")).height / max(planted.height, 1),
            "precision": right.height / max(probable.height, 1), "probable": probable.height,
            "partitions": len(list(out.iterdir()))}


def differ(folder: str, first: str, other: str) -> int:
    """The people whose outcome on `other` is not the one on `first`."""
    a, b = (pl.read_parquet(Path(folder) / f"people_{engine}.parquet") for engine in (first, other))  # in row order
    same = (a["probability"] - b["probability"]).abs().fill_null(0) <= 1e-9  # on both or neither: as the status
    for column in ["row", "status", "kpj", "member_nik", "member_row", "agree"]:
        same &= a[column].eq_missing(b[column])
    return int((~same).sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--engine", default="duckdb", help="engines to time, comma-separated: duckdb,spark")
    parser.add_argument("--master", default="local[2]", help="Spark's master")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    engines = args.engine.split(",")
    load = os.getloadavg()
    print(f"load average at start  {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")
    print(f"{'register':>10} {'members':>8} {'engine':>7} {'seconds':>8} {'CPU s':>7} {'rows/s':>9} {'peak MB':>8} "
          f"{'JVM MB':>7} {'exact':>7} {'probable':>8} {'not_cov.':>9} {'invalid':>8} {'recall':>7} {'precision':>9} "
          f"{'differ':>6}")
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as folder:
            made = in_child(generate, n, args.seed, folder)
            for engine in engines:
                r = in_child(run, folder, engine, args.master)
                different = "" if engine == engines[0] else f"{in_child(differ, folder, engines[0], engine):,}"
                c = r["counts"]
                print(f"{r['rows']:>10,} {made['members']:>8,} {engine:>7} {r['seconds']:>8.2f} {r['cpu']:>7.2f} "
                      f"{r['rows'] / r['seconds']:>9,.0f} {r['peak_mb']:>8,.0f} {r['jvm_mb']:>7,.0f} "
                      f"{c.get('exact', 0):>7,} {c.get('probable', 0):>8,} {c.get('not_covered', 0):>9,} "
                      f"{c.get('invalid', 0):>8,} {r['recall']:>7.3f} {r['precision']:>9.3f} {different:>6}")
                steps = ", ".join(f"{k} {v:.2f}" for k, v in r["times"].items())
                inner = ", ".join(f"{k} {v:.2f}" for k, v in r["matching_seconds"].items())
                print(f"{'':>10} steps (s): {steps}; inside the match: {inner}; {made['mistyped']:,} mistyped "
                      f"planted, {r['partitions']} partition(s)")
    load = os.getloadavg()
    print(f"load average at end    {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
