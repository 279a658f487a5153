import json
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lindung.accounts.cli import USER_HELP, cli_user
from lindung.cards import selectors, services
from lindung.cards.documents import card_sheet_pdf
from lindung.cards.models import PrintBatch
from lindung.programs.cli import cli_programme


class Command(BaseCommand):
    help = ("`cards print --kecamatan CODE [--programme CODE] OUT.pdf`: print the cards of a kecamatan's registered "
            "members who have none yet, as one batch; `cards status [--json]`: per kecamatan, the cards at each "
            "stage of the hand-over and the overdue ones.")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        printing = actions.add_parser("print", help="print a kecamatan's new cards to a PDF")
        printing.add_argument("out", help="the PDF to write")
        printing.add_argument("--kecamatan", required=True, help="the kecamatan's code, e.g. 17.04.05")
        printing.add_argument("--programme", help="programme code (default: the one approved or running)")
        printing.add_argument("--layout", choices=PrintBatch.Layout.values, default=PrintBatch.Layout.A4,
                              help="a4: ten cards per page with cut marks; card: one per page, for a card printer")
        printing.add_argument("--user", help=USER_HELP)
        status = actions.add_parser("status", help="cards per kecamatan and stage")
        status.add_argument("--json", action="store_true", help="print the counts as JSON")
        status.add_argument("--user", help=USER_HELP)

    def handle(self, action, user, **options):
        actor = cli_user(user)
        if action == "print":
            self._print(actor, options)
        else:
            self._status(actor, options["json"])

    def _print(self, actor, options):
        programme = cli_programme(options["programme"])
        out = Path(options["out"])
        if not out.parent.is_dir():
            raise CommandError(f"Folder {out.parent} tidak ada.")
        try:
            batch = services.print_cards(actor, programme, options["kecamatan"], options["layout"])
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)])) or "Tidak diizinkan.") from None
        out.write_bytes(card_sheet_pdf(batch.card_set.order_by("membership__peserta__desa_id",
                                                              "membership__peserta__nama", "pk"), batch.layout))
        self.stdout.write(f"Cetak kartu {programme.code} #{batch.number}, Kecamatan {batch.kecamatan.name}: "
                          f"{batch.cards} kartu → {out}")

    def _status(self, actor, as_json: bool):
        rows = selectors.status_by_kecamatan(actor, timezone.localdate())
        if as_json:
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        columns = selectors.COLUMNS
        self.stdout.write(f"{'Kecamatan':<24}" + "".join(f"{c:>11}" for c in columns))
        for r in rows:
            self.stdout.write(f"{r['name'][:23]:<24}" + "".join(f"{r[c]:>11}" for c in columns))
        if not rows:
            self.stdout.write("Belum ada kartu di wilayah Anda.")

