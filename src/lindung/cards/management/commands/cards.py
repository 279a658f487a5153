import json
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lindung.accounts.cli import USER_HELP, cli_user
from lindung.cards import selectors, services
from lindung.cards.documents import card_sheet_pdf
from lindung.cards.models import Card, PrintBatch
from lindung.programs.cli import cli_programme


class Command(BaseCommand):
    help = ("`cards print --kecamatan CODE [--programme CODE] OUT.pdf`: print the cards of a kecamatan's registered "
            "members who have none yet, as one batch (`--batch N`: an earlier run again); `cards replace NUMBER "
            "--reason lost|damaged|wrong_data OUT.pdf`: void a card and print its next version; `cards status "
            "[--json]`: per kecamatan, the cards at each stage of the hand-over and the overdue ones.")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        printing = actions.add_parser("print", help="print a kecamatan's new cards to a PDF")
        printing.add_argument("out", help="the PDF to write")
        which = printing.add_mutually_exclusive_group(required=True)
        which.add_argument("--kecamatan", help="the kecamatan's code, e.g. 17.04.05: its cards not yet printed")
        which.add_argument("--batch", type=int, help="the number of an earlier print run, to print it again")
        printing.add_argument("--programme", help="programme code (default: the one approved or running)")
        printing.add_argument("--layout", choices=PrintBatch.Layout.values, default=PrintBatch.Layout.A4,
                              help="a4: ten cards per page with cut marks; card: one per page, for a card printer")
        printing.add_argument("--user", help=USER_HELP)
        replacing = actions.add_parser("replace", help="void a card and print the member's next one")
        replacing.add_argument("number", help="the card number, KPJ-version, e.g. 25000000001-1")
        replacing.add_argument("out", help="the PDF to write")
        replacing.add_argument("--reason", required=True, choices=Card.VoidReason.values)
        replacing.add_argument("--layout", choices=PrintBatch.Layout.values, default=PrintBatch.Layout.A4)
        replacing.add_argument("--user", help=USER_HELP)
        status = actions.add_parser("status", help="cards per kecamatan and stage")
        status.add_argument("--json", action="store_true", help="print the counts as JSON")
        status.add_argument("--user", help=USER_HELP)

    def handle(self, action, user, **options):
        actor = cli_user(user)
        if action == "status":
            self._status(actor, options["json"])
            return
        out = Path(options["out"])
        if not out.parent.is_dir():
            raise CommandError(f"Folder {out.parent} tidak ada.")
        try:
            batch = self._replace(actor, options) if action == "replace" else self._batch(actor, options)
            cards = services.record_download(actor, batch)
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)])) or "Tidak diizinkan.") from None
        out.write_bytes(card_sheet_pdf(selectors.batch_cards(batch), batch.layout))
        self.stdout.write(f"Cetak kartu {batch}, Kecamatan {batch.kecamatan.name}: {cards} kartu → {out}")

    def _batch(self, actor, options) -> PrintBatch:
        programme = cli_programme(options["programme"])
        if options["batch"] is None:
            return services.print_cards(actor, programme, options["kecamatan"], options["layout"])
        batch = selectors.print_batches(actor, programme).filter(number=options["batch"]).first()
        if batch is None:
            raise CommandError(f"Batch cetak #{options['batch']} program {programme.code} tidak ada di wilayah Anda.")
        return batch

    def _replace(self, actor, options) -> PrintBatch:
        card = selectors.cards_for(actor).filter(number=options["number"]).first()
        if card is None:
            raise CommandError(f"Kartu {options['number']} tidak ada di wilayah Anda.")
        return services.replace_card(actor, card, options["reason"], options["layout"]).batch

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

