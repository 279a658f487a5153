"""`lindung restore ARCHIVE [--force]`: an archive of `lindung backup` back into this installation's data directory
and database, which must be empty unless --force; the archive is checked whole first, the result proven after."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lindung.backup import services
from lindung.core.templatetags.lindung import angka


class Command(BaseCommand):
    help = ("Restore an archive of `lindung backup` into an empty data directory and database (--force: replace "
            "what is there); refuses a damaged archive and proves the result: rows per table, file checksums, the "
            "audit chain and its head.")
    # Nothing may open the database before the restore decides what to do with it.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--force", action="store_true",
                            help="replace the data directory's files and the database's tables that are there")

    def handle(self, archive, force, **options):
        try:
            done = services.restore(Path(archive), force=force)
        except services.Refused as e:
            raise CommandError(str(e), returncode=2) from e
        except services.Unproven as e:
            raise CommandError(str(e), returncode=1) from e
        m = done.manifest
        self.stdout.write(f"Dipulihkan dari {archive} (cadangan {m.created}, Lindung {m.version}).")
        self.stdout.write(f"Terbukti sama dengan manifes: {angka(done.tables)} tabel dengan jumlah baris yang sama "
                          f"({angka(done.rows)} baris), {angka(done.files)} berkas dengan checksum yang sama, "
                          f"rantai jejak audit utuh sampai kepala {m.audit_head or '(kosong)'}.")
