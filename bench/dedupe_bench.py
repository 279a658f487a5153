"""Time `probable_duplicates` on N synthetic incoming people against a registry of 100,000.

    uv run python bench/dedupe_bench.py --rows 1000000

One regency (17.04) of 20 kecamatan with 15 villages each, births 1950-2007. 5% of the incoming rows
repeat a registry person under the same NIK (updates, which the probabilistic step must skip) and 1%
are planted duplicates: a registry person or an earlier incoming row again, same birth date and
village, the NIK with two adjacent digits swapped (or one digit changed) and the name written another
way. Recall is the share of planted pairs found at the default threshold; precision the share of the pairs
proposed whose two records are one person (the rest would be noise in the office's review queue). A
planted copy of a registry person whose update is also in the file pairs with that update row as well:
a right pair, though not the planted one, so each record carries its `person` and precision counts
people, not planted pairs (it is also shown against the planted pairs alone).
"""

import argparse
import datetime as dt
import resource
import time

import polars as pl

from lindung.pipeline.linkage import probable_duplicates

REGISTRY_SIZE = 100_000
GIVEN = pl.Series(
    (
        "Siti Nur Sri Dewi Muhammad Ahmad Agus Budi Eko Dwi Tri Wahyu Rina Yuni Sugeng Slamet Joko Bambang"
        " Hendra Rudi Andi Indah Ratna Fitri Ani Lestari Putri Ayu Dian Rizky Fajar Arif Bayu Teguh Hadi Imam"
        " Abdul Yusuf Ismail Ibrahim Hasan Husain Ali Umar Fatimah Aisyah Khadijah Maryam Zainab Aminah Suryani"
        " Suparmi Sutini Sumarni Paijo Paiman Kasmin Darmo Karto Parman Wagiman Sukirman Tukiyem Ngatini Sarinah"
        " Rohmah Nurul Lilis"
    ).split()
)
FAMILY = pl.Series(
    (
        "Sudjono Santoso Wibowo Saputra Hidayat Setiawan Kurniawan Susanto Prasetyo Nugroho Gunawan Siregar"
        " Lubis Nasution Harahap Simanjuntak Sitompul Pratama Permana Rahayu Wati Ningsih Handayani Purnomo"
        " Hartono Suharto Sutrisno Widodo Haryanto Mulyadi Rahman Hakim Syahputra Anwar Effendi Hasibuan"
        " Daulay Tanjung Chairuddin Tjahjadi Soegiarto Hermawan Firmansyah Ramadhan Iskandar Sulaiman Hamid"
        " Yunus Latif Salim Kusuma Wijaya Utomo Suryadi Supriyadi Sugiarto Riyanto Mardiyah Jamilah Sholihah"
        " Maesaroh Komariah Kartini"
    ).split()
)
BIRTH_DAYS = pl.date_range(dt.date(1950, 1, 1), dt.date(2007, 12, 31), eager=True)


def draw(n: int, k: int, seed: int) -> pl.Series:
    """n pseudo-random integers in [0, k), the same for the same seed."""
    return (pl.int_range(n, eager=True).hash(seed) % k).cast(pl.Int64)


def two_digits(expr: pl.Expr) -> pl.Expr:
    return expr.cast(pl.Utf8).str.zfill(2)


def population(n: int) -> pl.DataFrame:
    """n distinct people; NIKs unique in the regency."""
    people = pl.DataFrame(
        {
            "given": GIVEN.gather(draw(n, len(GIVEN), 1)),
            "middle": GIVEN.gather(draw(n, len(GIVEN), 2)),
            "family": FAMILY.gather(draw(n, len(FAMILY), 3)),
            "words": draw(n, 100, 4),  # 15% one word, 55% two, 30% three
            "kec": draw(n, 20, 5) + 1,
            "vil": draw(n, 15, 6) + 2001,
            "moved": draw(n, 10, 7) == 0,  # 10% hold a NIK issued in another kecamatan
            "nik_kec": draw(n, 20, 8) + 1,
            "female": draw(n, 2, 9) == 1,
            "tanggal_lahir": BIRTH_DAYS.gather(draw(n, len(BIRTH_DAYS), 10)),
        }
    )
    dob = pl.col("tanggal_lahir")
    people = people.with_columns(
        nama=pl.when(pl.col("words") < 15)
        .then("given")
        .when(pl.col("words") < 70)
        .then(pl.concat_str("given", "family", separator=" "))
        .otherwise(pl.concat_str("given", "middle", "family", separator=" ")),
        desa=pl.format("17.04.{}.{}", two_digits(pl.col("kec")), "vil"),
        nik_head=pl.concat_str(
            pl.lit("1704"),
            two_digits(pl.when("moved").then("nik_kec").otherwise("kec")),
            two_digits(dob.dt.day() + pl.when("female").then(40).otherwise(0)),
            two_digits(dob.dt.month()),
            two_digits(dob.dt.year() % 100),
        ),
    )
    # The serial counts people sharing region, birth date and sex, from 0001.
    serial = pl.int_range(1, pl.len() + 1).over("nik_head").cast(pl.Utf8).str.zfill(4)
    people = people.select(pl.concat_str("nik_head", serial).alias("nik"), "nama", "tanggal_lahir", "desa")
    return people.with_row_index("person")  # the truth: who a record is (the linkage never reads it)


def mistype_nik(niks: pl.Series) -> pl.Series:
    """Two adjacent digits swapped; where they are equal, the first one changed instead."""
    nik, at = pl.col("nik"), pl.col("at")
    a, b = nik.str.slice(at, 1), nik.str.slice(at + 1, 1)
    bumped = ((a.cast(pl.Int64) + 1) % 10).cast(pl.Utf8)
    return (
        pl.DataFrame({"nik": niks, "at": draw(len(niks), 15, 11)})
        .select(pl.concat_str(nik.str.slice(0, at), pl.when(a == b).then(bumped).otherwise(b), a, nik.str.slice(at + 2)))
        .to_series()
    )


def rewrite_name(names: pl.Series) -> pl.Series:
    """The same name as another clerk writes it."""
    nama, kind = pl.col("nama"), pl.col("kind")
    at = pl.col("cut") % (nama.str.len_chars() - 1) + 1
    return (
        pl.DataFrame({"nama": names, "kind": draw(len(names), 6, 12), "cut": draw(len(names), 1 << 20, 13)})
        .select(
            pl.when(kind == 0)
            .then(nama.str.to_uppercase())
            .when(kind == 1)
            .then(pl.concat_str(pl.lit("H. "), nama))
            .when(kind == 2)
            .then(pl.concat_str(nama, pl.lit(", S.Pd")))
            .when(kind == 3)
            .then(nama.str.replace("u", "oe", literal=True).str.replace("j", "dj", literal=True))  # old spelling
            .when(kind == 4)
            .then(pl.concat_str(nama.str.slice(0, at), nama.str.slice(at + 1)))  # a letter left out
            .otherwise(nama)
        )
        .to_series()
    )


def synthetic(rows: int) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(incoming, registry, the planted pairs as `row, other_kind, other`)."""
    n_planted, n_updates = rows // 100, rows // 20
    n_fresh = rows - n_planted - n_updates
    people = population(REGISTRY_SIZE + n_fresh)
    registry = people.head(REGISTRY_SIZE).with_row_index("id", offset=1).cast({"id": pl.Int64})
    fresh = people.tail(n_fresh)
    updates = people.gather(draw(n_updates, REGISTRY_SIZE, 14))
    # Half the planted duplicates copy a registry person, half an earlier incoming row.
    n_from_registry = n_planted // 2
    registry_ids = draw(n_from_registry, REGISTRY_SIZE, 15) + 1
    fresh_index = pl.int_range(n_fresh, eager=True).sample(n_planted - n_from_registry, seed=16)
    originals = pl.concat([people.gather(registry_ids - 1), fresh.gather(fresh_index)])
    copies = originals.with_columns(nik=mistype_nik(originals["nik"]), nama=rewrite_name(originals["nama"]))
    incoming = pl.concat([fresh, updates, copies]).with_row_index("row", offset=2).cast({"row": pl.Int64})  # Excel rows
    copy_rows = pl.int_range(n_planted, eager=True) + 2 + n_fresh + n_updates
    # Named as probable_duplicates names them: a file pair by its smaller row, the original's.
    planted = pl.DataFrame(
        {
            "row": pl.concat([copy_rows.head(n_from_registry), fresh_index + 2]).cast(pl.Int64),
            "other_kind": ["registry"] * n_from_registry + ["file"] * (n_planted - n_from_registry),
            "other": pl.concat([registry_ids, copy_rows.tail(n_planted - n_from_registry)]).cast(pl.Utf8),
        }
    )
    return incoming, registry, planted


def same_person(pairs: pl.DataFrame, incoming: pl.DataFrame, registry: pl.DataFrame) -> int:
    """How many proposed pairs join two records of one person."""
    rows = incoming.select(pl.col("row"), "person")
    others = pl.concat(
        [
            registry.select(pl.lit("registry").alias("other_kind"), pl.col("id").cast(pl.Utf8).alias("other"),
                            "person"),
            incoming.select(pl.lit("file").alias("other_kind"), pl.col("row").cast(pl.Utf8).alias("other"),
                            "person"),
        ]
    )
    joined = pairs.join(rows, on="row").join(others, on=["other_kind", "other"], suffix="_other")
    return joined.filter(pl.col("person") == pl.col("person_other")).height


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()

    incoming, registry, planted = synthetic(args.rows)
    start, cpu_start = time.perf_counter(), time.process_time()
    pairs = probable_duplicates(incoming, registry)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start

    found = planted.join(pairs, on=["row", "other_kind", "other"], how="semi").height
    right = same_person(pairs, incoming, registry)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    print(f"rows         {args.rows:,} incoming against {registry.height:,} in the registry")
    print(f"seconds      {seconds:.2f} wall, {cpu_seconds:.2f} CPU (all threads; the machine may be shared)")
    print(f"rows/s       {args.rows / seconds:,.0f}")
    print(f"pairs found  {pairs.height:,}")
    print(f"recall       {found / planted.height:.3f} ({found:,} of {planted.height:,} planted)")
    # A pair of two distinct people is noise in the review queue; a pair of one person's two records is not.
    print(f"precision    {right / max(pairs.height, 1):.3f} ({right:,} of {pairs.height:,} pairs proposed are one "
          "person; goal ≥ 0.95 at recall ≥ 0.98)")
    print(f"             {found / max(pairs.height, 1):.3f} counting only the planted pairs as right (the figure "
          "before the bench knew who is who)")
    print(f"peak memory  {peak_mb:,.0f} MB (whole process)")


if __name__ == "__main__":
    main()
