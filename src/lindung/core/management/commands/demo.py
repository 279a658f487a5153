from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from lindung.accounts.demo import ensure_demo_users
from lindung.accounts.models import User
from lindung.cards.demo import run_demo_cards
from lindung.claims.demo import run_demo_claims
from lindung.programs.demo import run_demo_programme
from lindung.registry.demo import KAUR_WORKERS, seed_workers
from lindung.wilayah.services import load_regency


class Command(BaseCommand):
    help = "Set up the demo programme (migrate, regions, workers, logins) and serve it. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="do everything but start the server")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--workers", type=int, default=KAUR_WORKERS, help="demo workers to seed")

    def handle(self, no_serve, port, host, workers, **options):
        if settings.PRODUCTION:
            raise CommandError("`lindung demo` tidak boleh dijalankan dengan LINDUNG_PRODUCTION=1.")
        regency = settings.LINDUNG_REGENCY
        self.stdout.write("1/4 Menyiapkan basis data…")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"2/4 Memuat wilayah {regency}…")
        load_regency(regency)
        self.stdout.write(f"3/4 Menyiapkan {workers} peserta demo…")
        added = seed_workers(regency, workers)
        self.stdout.write(f"    {added} ditambahkan, {workers - added} sudah ada.")
        users = ensure_demo_users(regency, settings.LINDUNG_DEMO_PASSWORD)
        self.stdout.write("    Program 2025: rencana, pendaftaran BPJS, tagihan Januari–Februari dibayar…")
        operator, admin = User.objects.get(username="operator"), User.objects.get(username="admin")
        programme = run_demo_programme(regency, operator, admin)
        self.stdout.write("    Kartu peserta: dicetak Desember 2024, diserahkan bupati ke camat 19 Desember 2024…")
        run_demo_cards(programme, operator, admin)
        self.stdout.write("    Klaim: JKM dibayar Februari 2025, JKK di BPJS, satu laporan desa kemarin…")
        run_demo_claims(programme, operator=operator, admin=admin, bpjs=User.objects.get(username="bpjs"),
                        village_operator=User.objects.get(username="desa"))
        self.stdout.write("4/4 Menyiapkan berkas statis…")
        call_command("collectstatic", interactive=False, verbosity=0)

        self.stdout.write(self.style.SUCCESS("\nLindung siap. Login demo (kata sandi untuk semua: "
                                             f"{settings.LINDUNG_DEMO_PASSWORD}):"))
        for username, role, area in users:
            self.stdout.write(f"  {username:<10} {role:<15} {area}")
        if no_serve:
            return
        call_command("serve", host=host, port=port)
