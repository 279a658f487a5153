from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from lindung.accounts.cli import USER_HELP, cli_user
from lindung.enrolment import services
from lindung.enrolment.selectors import registration_workbook
from lindung.pipeline.readers import ReadError
from lindung.programs.cli import cli_programme
from lindung.registry.imports.services import file_chunks


class Command(BaseCommand):
    help = ("Enrolment with BPJS: `enrol export --programme CODE OUT.xlsx` writes the registration file of every "
            "candidate not yet sent (one sheet per kecamatan); `enrol import-kpj FILE` reads BPJS's answer.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="make and write the registration file")
        export.add_argument("out", type=Path, help="the .xlsx to write")
        kpj = sub.add_parser("import-kpj", help="read BPJS's answer: a KPJ or a rejection reason per NIK")
        kpj.add_argument("file", type=Path)
        for p in (export, kpj):
            p.add_argument("--programme", help="programme code (default: the one with an approved plan)")
            p.add_argument("--user", help=USER_HELP)

    def handle(self, action, programme, user, **options):
        actor, chosen = cli_user(user), cli_programme(programme)
        try:
            if action == "export":
                self._export(actor, chosen, options["out"])
            else:
                self._import(actor, chosen, options["file"])
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)])))

    def _export(self, actor, programme, out: Path):
        if out.suffix.lower() != ".xlsx":
            raise CommandError("Berkas pendaftaran ditulis sebagai .xlsx.")
        batches = services.submit_registration(actor, programme)
        out.write_bytes(registration_workbook(actor, programme, batches))
        self.stdout.write(f"{out}: {sum(b.members for b in batches)} peserta dalam {len(batches)} berkas kecamatan "
                          f"(#{batches[0].number}–#{batches[-1].number}), status 'dikirim ke BPJS'.")

    def _import(self, actor, programme, path: Path):
        if not path.is_file():
            raise CommandError(f"Berkas {path} tidak ada.")
        try:
            outcome = services.import_answer(actor, programme, file_chunks(path))
        except ReadError as exc:
            raise CommandError(str(exc))
        assert outcome.findings is not None  # import_answer always sets them
        for f in outcome.findings.iter_rows(named=True):
            self.stderr.write(f"baris {f['row']}, kolom {f['column']}: {f['message']}")
        if outcome.errors:
            raise CommandError(f"Tidak ada yang diubah: {outcome.errors} baris salah.")
        self.stdout.write(f"Program {programme.code}: {outcome.registered} terdaftar (KPJ), {outcome.rejected} ditolak, "
                          f"{outcome.unchanged} sudah tercatat.")
