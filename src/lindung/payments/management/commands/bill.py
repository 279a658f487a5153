import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from lokal import format_rupiah

from lindung.accounts.cli import USER_HELP, cli_user
from lindung.payments.services import generate_bill
from lindung.programs.cli import cli_programme


class Command(BaseCommand):
    help = ("`bill 2025-01 --programme CODE [--json]`: generate the programme's bill for the month, or add the "
            "members missing from its draft (nobody is billed twice).")

    def add_arguments(self, parser):
        parser.add_argument("month", help="the contribution month, YYYY-MM")
        parser.add_argument("--programme", required=True, help="programme code")
        parser.add_argument("--json", action="store_true", help="print members, total, due_date, bill and status as JSON")
        parser.add_argument("--user", help=USER_HELP)

    def handle(self, month, programme, user, **options):
        actor = cli_user(user)
        chosen = cli_programme(programme)
        try:
            bill = generate_bill(actor, chosen, month).bill
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)])))
        if options["json"]:
            self.stdout.write(json.dumps({"bill": bill.pk, "members": bill.members, "total": bill.total,
                                         "due_date": bill.due_date.isoformat(), "status": bill.status}))
        else:
            self.stdout.write(f"Tagihan #{bill.pk} {bill}: {bill.members} peserta, {format_rupiah(bill.total)}, "
                              f"jatuh tempo {bill.due_date:%d-%m-%Y} (status {bill.status}).")
