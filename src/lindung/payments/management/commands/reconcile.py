import json
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from lokal import format_rupiah

from lindung.accounts.cli import USER_HELP, cli_user
from lindung.payments import selectors
from lindung.payments.models import Bill
from lindung.payments.services import InvoiceRefused, reconcile
from lindung.pipeline.readers import ReadError
from lindung.rules.contributions import Month


class Command(BaseCommand):
    help = ("`reconcile FILE --month 2025-01 [--programme CODE] [--json]`: compare the month's bill with BPJS's "
            "invoice or payment report (xlsx or csv) and list the differences.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="BPJS's invoice or payment report, xlsx or csv")
        parser.add_argument("--month", required=True, help="the contribution month, YYYY-MM")
        parser.add_argument("--programme", help="programme code (needed when several programmes billed the month)")
        parser.add_argument("--json", action="store_true",
                            help="print matched, amount_differs, only_ours, only_theirs, totals and the differences")
        parser.add_argument("--user", help=USER_HELP)

    def handle(self, file, month, programme, user, **options):
        actor = cli_user(user)
        bill = _bill(month, programme)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Berkas {file} tidak ada.")
        try:
            done = reconcile(actor, bill, path.name, path.read_bytes())
        except InvoiceRefused as exc:
            for f in exc.findings:
                self.stderr.write(f"baris {f['row']}, kolom {f['column']}: {f['message']}")
            raise CommandError(exc.messages[0])
        except ReadError as exc:
            raise CommandError(str(exc))
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)])))
        if options["json"]:
            found = selectors.differences(actor, done).values("kind", "nik", "kpj", "nama", "ours", "theirs")
            self.stdout.write(json.dumps({
                "reconciliation": done.pk, "bill": bill.pk, "rows": done.rows, "matched": done.matched,
                "amount_differs": done.amount_differs, "only_ours": done.only_ours, "only_theirs": done.only_theirs,
                "ours_total": done.ours_total, "theirs_total": done.theirs_total, "differences": list(found)}))
            return
        self.stdout.write(f"Tagihan {bill} dibandingkan dengan {path.name} ({done.rows} baris): {done.matched} cocok, "
                          f"{done.amount_differs} jumlah berbeda, {done.only_ours} hanya di tagihan kita, "
                          f"{done.only_theirs} hanya di BPJS. Total kita {format_rupiah(done.ours_total)}, "
                          f"BPJS {format_rupiah(done.theirs_total)}.")


def _bill(month: str, programme: str | None) -> Bill:
    try:
        day = Month.parse(month).first_day
    except ValueError as exc:
        raise CommandError(str(exc))
    bills = Bill.objects.filter(month=day).select_related("programme")
    if programme:
        bills = bills.filter(programme__code=programme)
    found = list(bills[:2])
    if not found:
        raise CommandError(f"Tidak ada tagihan bulan {month}" + (f" untuk program {programme}." if programme else "."))
    if len(found) > 1:
        codes = ", ".join(bills.values_list("programme__code", flat=True))
        raise CommandError(f"Beberapa program punya tagihan bulan {month} ({codes}): sebutkan --programme KODE.")
    return found[0]
