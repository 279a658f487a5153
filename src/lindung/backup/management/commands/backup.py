"""`lindung backup [OUT] [--keep N]`: one archive of the database, the data directory's files and a manifest.

    lindung backup                  # LINDUNG_BACKUP_DIR/lindung-YYYYmmdd-HHMMSS.tar.gz
    lindung backup /mnt/usb/        # the same name in that directory
    lindung backup salinan.tar.gz   # that file
    lindung backup --keep 14        # then only the newest 14 lindung-*.tar.gz of the directory stay (the timer's)
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format

from lindung.backup import services
from lindung.core.templatetags.lindung import angka


class Command(BaseCommand):
    help = ("Write one archive of the database, the uploaded and generated files and a manifest (checksums, rows "
            "per table, the audit chain's head); --keep N then deletes all but the newest N archives beside it.")

    def add_arguments(self, parser):
        parser.add_argument("out", nargs="?", help="a directory or a file name; default LINDUNG_BACKUP_DIR")
        parser.add_argument("--keep", type=int, help="keep only the newest N lindung-*.tar.gz in that directory")

    def handle(self, out, keep, **options):
        if keep is not None and keep < 1:
            raise CommandError("--keep harus 1 atau lebih.")
        done = services.backup(services.archive_path(out), keep)
        self.stdout.write(report(done))
        for old in done.pruned:
            self.stdout.write(f"Cadangan lama dihapus (--keep {keep}): {Path(old).name}")


def report(done: services.Backup) -> str:
    m = done.manifest
    return (f"Cadangan ditulis: {done.path} ({filesizeformat(done.path.stat().st_size)}).\n"
            f"  Basis data {m.engine}: {angka(len(m.tables))} tabel, {angka(sum(m.tables.values()))} baris, "
            f"disalin dalam {number_format(done.copy_seconds, 1)} detik sementara pengguna tetap bekerja.\n"
            f"  Berkas: {angka(len(m.files))}. Kepala rantai jejak audit: {m.audit_head or 'kosong'}.")
