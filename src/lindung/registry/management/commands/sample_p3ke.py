from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lindung.pipeline.samples import p3ke_individu, plant_defects, write_xlsx
from lindung.registry.demo import generate_workers, villages_of
from lindung.wilayah import deployment


class Command(BaseCommand):
    help = "Write a P3KE-like individual file of made-up workers, to try the import (xlsx or csv by extension)."

    def add_arguments(self, parser):
        parser.add_argument("out", type=Path)
        parser.add_argument("--rows", type=int, default=200)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--defects", action="store_true", help="plant one mistake of each kind in the first 14 rows")

    def handle(self, out, rows, seed, defects, **options):
        villages = [v for regency in deployment.regencies() for v in villages_of(regency)]
        if not villages:
            raise CommandError("Wilayah belum dimuat: jalankan `lindung demo --no-serve` dulu.")
        frame = p3ke_individu(generate_workers(villages, max(rows, 14 if defects else 1), seed, other_kecamatan=[]))
        number_cells = set()
        if defects:
            frame, number_cells, expected = plant_defects(frame)
            self.stdout.write(f"{len(expected)} kesalahan ditanam di baris 2–14.")
        if out.suffix.lower() == ".csv":
            frame.write_csv(out, separator=";")
        else:
            write_xlsx(frame, out, title_rows=["DATA P3KE INDIVIDU (CONTOH LINDUNG)"], number_cells=number_cells)
        self.stdout.write(f"{frame.height} baris ditulis ke {out}.")
