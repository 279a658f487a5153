from django.core.management.base import BaseCommand, CommandError

from lindung.registry.demo import KAUR_WORKERS, seed_workers
from lindung.wilayah import deployment


class Command(BaseCommand):
    help = "Add deterministic demo workers to the regency (idempotent for the same --workers and --seed)."

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=KAUR_WORKERS)
        parser.add_argument("--seed", type=int, default=2024)
        parser.add_argument("--regency", help="one of the regencies served (default: the first)")

    def handle(self, workers, seed, regency, **options):
        if workers < 0:
            raise CommandError("--workers harus 0 atau lebih.")
        try:
            added = seed_workers(regency or deployment.regencies()[0], workers, seed)
        except ValueError as exc:
            raise CommandError(str(exc))
        self.stdout.write(f"{added} peserta demo ditambahkan ({workers - added} sudah ada).")
