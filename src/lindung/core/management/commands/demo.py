import hashlib
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from lokal import format_rupiah

from lindung.accounts.demo import ensure_demo_users
from lindung.accounts.models import User
from lindung.cards.demo import run_demo_cards
from lindung.claims.demo import report_demo_death, run_demo_claims
from lindung.core.management.commands.serve import ensure_port_free
from lindung.programs import demo as programmes
from lindung.registry.demo import KAUR_WORKERS, import_demo_death_list, seed_workers
from lindung.wilayah import deployment
from lindung.wilayah.services import load_deployment


class Command(BaseCommand):
    help = ("Set up the demo (migrate, regions, workers, logins) with Kaur's story from December 2024 up to today, "
            "and serve it. Idempotent.")

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="do everything but start the server")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--workers", type=int, default=KAUR_WORKERS, help="demo workers to seed")

    def handle(self, no_serve, port, host, workers, **options):
        if settings.PRODUCTION:
            raise CommandError("`lindung demo` tidak boleh dijalankan dengan LINDUNG_PRODUCTION=1.")
        today = timezone.localdate()
        if today < programmes.STORY_NEEDS:
            raise CommandError(f"Demo menceritakan Kaur sampai hari ini, dengan peristiwa sampai Oktober 2025; tanggal "
                               f"sistem {today} terlalu awal.")
        if not no_serve:
            ensure_port_free(host, port)  # before minutes of setup, not after
        # The story runs in the first regency served (Kaur by default); a province deployment loads all of them.
        regency = deployment.regencies()[0]
        say = self.stdout.write
        say("1/6 Menyiapkan basis data…")
        call_command("migrate", interactive=False, verbosity=0)
        say(f"2/6 Memuat wilayah {deployment.root()}…")
        load_deployment()
        say(f"3/6 Menyiapkan {workers} peserta demo dan login…")
        added = seed_workers(regency, workers)
        say(f"    {added} ditambahkan, {workers - added} sudah ada.")
        users = ensure_demo_users(regency, settings.LINDUNG_DEMO_PASSWORD)
        operator, admin = User.objects.get(username="operator"), User.objects.get(username="admin")
        desa = User.objects.get(username="desa")

        say("4/6 Desember 2024 (kaur-2024): satu bulan untuk semua, pendaftaran BPJS, tagihan dibayar; kartu dicetak, "
            "diserahkan bupati ke camat 19 Desember 2024, sebagian sampai ke tangan peserta…")
        december = programmes.run_year(regency, programmes.KAUR_2024, operator, admin, today)
        run_demo_cards(december, operator, admin, village_operator=desa)
        programmes.close_if_over(admin, december, today)
        say("    2025 (kaur-2025): Rp300 juta, Januari–Februari untuk semua, pesan serah terima ke mandiri…")
        year_2025 = programmes.run_demo_programme(regency, operator, admin, today)
        say("    Klaim 2025: JKM dibayar Februari 2025 (kematian tercatat), JKK di BPJS…")
        run_demo_claims(year_2025, operator=operator, admin=admin, bpjs=User.objects.get(username="bpjs"))
        status = programmes.import_demo_status_file(year_2025, operator)
        if status is not None:
            say(f"    Berkas status BPJS November 2025: {status.continuing} membayar mandiri, {status.died} meninggal…")
        deaths = import_demo_death_list(regency, operator)
        if deaths is not None:
            say(f"    Daftar kematian Dukcapil: {deaths.rows} baris, {deaths.recorded} peserta meninggal dicatat…")
        programmes.close_if_over(admin, year_2025, today)

        say(f"5/6 Tahun-tahun berikutnya sampai {today.year}: setahun penuh untuk sebanyak mungkin menurut prioritas, "
            "tagihan disetujui dan dibayar sampai bulan ini…")
        current = year_2025
        for spec in programmes.later_years(today):
            current = programmes.close_if_over(admin, programmes.run_year(regency, spec, operator, admin, today), today)
            say(f"    {current.code}: pagu {format_rupiah(spec.budget)}, {current.memberships.count()} peserta, "
                f"{current.bills.count()} tagihan dibayar, "
                + ("berjalan." if current.status == current.Status.RUNNING else "ditutup."))
        if report_demo_death(current, village_operator=desa) is not None:
            say("    Laporan desa kemarin: satu peserta meninggal, menunggu verifikasi Dinas…")

        say("6/6 Menyiapkan berkas statis…")
        collect_static()

        self.stdout.write(self.style.SUCCESS("\nLindung siap. Login demo (kata sandi untuk semua: "
                                             f"{settings.LINDUNG_DEMO_PASSWORD}):"))
        for username, role, area in users:
            self.stdout.write(f"  {username:<10} {role:<15} {area}")
        if no_serve:
            return
        call_command("serve", host=host, port=port)  # the same server, checks and shutdown as `lindung serve`


def collect_static() -> None:
    """collectstatic, unless the static files were collected from these very sources with this storage: compressing
    them takes most of a second run's time and would change nothing."""
    sources = hashlib.sha256(settings.STORAGES["staticfiles"]["BACKEND"].encode())
    for finder in get_finders():
        for path, storage in sorted(finder.list([]), key=lambda found: found[0]):
            stat = Path(storage.path(path)).stat()
            sources.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    stamp = Path(settings.STATIC_ROOT) / ".collected-from"
    if stamp.exists() and stamp.read_text() == sources.hexdigest():
        return
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(sources.hexdigest())
