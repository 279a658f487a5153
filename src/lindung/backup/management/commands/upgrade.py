"""`lindung upgrade`: after installing a new release, take a backup, then apply its migrations. When a migration
fails, say which command brings back the state before the upgrade, and exit non-zero."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from lindung.audit import selectors as audit
from lindung.audit.chain import Head
from lindung.backup import services
from lindung.backup.management.commands.backup import report


class Command(BaseCommand):
    help = ("Take a backup into LINDUNG_BACKUP_DIR, then apply the migrations; on failure print the command that "
            "restores that backup.")

    def handle(self, **options):
        say = self.stdout.write
        say("1/3 Mencadangkan sebelum pembaruan…")
        done = services.backup(services.archive_path(None))
        say(report(done))
        restore = f"lindung restore {done.path} --force"
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        say(f"2/3 Menerapkan {len(plan)} migrasi…" if plan else "2/3 Tidak ada migrasi baru.")
        try:
            call_command("migrate", interactive=False, verbosity=0)
        except Exception as e:
            raise CommandError(
                f"Pembaruan gagal saat migrasi: {type(e).__name__}: {e}\n"
                "Basis data mungkin setengah dimigrasi. Hentikan layanan Lindung, pasang kembali versi sebelumnya, "
                f"lalu pulihkan keadaan sebelum pembaruan dengan:\n    {restore}") from e
        say("3/3 Memeriksa rantai jejak audit…")
        head = Head.parse(done.manifest.audit_head) if done.manifest.audit_head else None
        outcome = audit.verify_chain(head)
        if outcome.broken is not None:
            raise CommandError(f"Sesudah migrasi rantai jejak audit putus di peristiwa #{outcome.broken.first}. "
                               f"Pulihkan keadaan sebelum pembaruan dengan:\n    {restore}")
        say(self.style.SUCCESS(f"Pembaruan selesai. Cadangan sebelum pembaruan: {done.path}"))
