from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from lokal import format_rupiah

from lindung.accounts.cli import USER_HELP, cli_user
from lindung.payments.models import Bill
from lindung.payments.services import record_payment


class Command(BaseCommand):
    help = "`pay --bill ID --sp2d NO --amount RP --date YYYY-MM-DD`: record a payment order (SP2D) against an approved bill."

    def add_arguments(self, parser):
        parser.add_argument("--bill", type=int, required=True, help="the bill's number (id)")
        parser.add_argument("--sp2d", required=True, help="SP2D number")
        parser.add_argument("--amount", type=int, required=True, help="amount in whole Rupiah")
        parser.add_argument("--date", required=True, help="the SP2D's date, YYYY-MM-DD")
        parser.add_argument("--user", help=USER_HELP)

    def handle(self, bill, sp2d, amount, date: str, user, **options):
        actor = cli_user(user)
        found = Bill.objects.filter(pk=bill).first()
        if found is None:
            raise CommandError(f"Tagihan #{bill} tidak ada.")
        try:
            paid_on = _date(date)
            done = record_payment(actor, found, sp2d, paid_on, amount)
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)])))
        found.refresh_from_db()
        self.stdout.write(f"SP2D {sp2d}: {format_rupiah(amount)} untuk tagihan {found}, {done.lines_paid} peserta lunas "
                          f"(status {found.status}).")
        if done.late:
            self.stdout.write(f"Terlambat: dibayar setelah jatuh tempo {found.due_date:%d-%m-%Y}; "
                              f"{len(done.in_arrears)} peserta sempat menunggak.")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(_("Write the date as YYYY-MM-DD, e.g. 2025-01-20, not %(text)s.") % {"text": repr(text)})
