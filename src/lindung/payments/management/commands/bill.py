import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from lokal import format_rupiah

from lindung.accounts.cli import USER_HELP, cli_user
from lindung.payments.models import Bill
from lindung.payments.selectors import check_summary
from lindung.payments.services import check_bill_asking_others, exclude_findings, generate_bill
from lindung.programs.cli import cli_programme
from lindung.rules.bill_check import Rule
from lindung.rules.contributions import Month

CHECK = "check"
RULE_VALUES = [r.value for r in Rule]


class Command(BaseCommand):
    help = ("`bill 2025-01 --programme CODE [--json]`: generate the programme's bill for the month, or add the "
            "members missing from its draft (nobody is billed twice). "
            "`bill check CODE 2025-01 [--json] [--exclude RULE ...] [--reason TEXT]`: the check before the draft "
            "bill is approved (who died, moved, was 65 or older when registered, earns a wage, is paid by another "
            "payer or programme, is a probable duplicate or has no KPJ), after asking the other registries "
            "(LINDUNG_OTHER_REGISTRIES) which members they pay, each rule's findings open, taken off the "
            "bill and kept on it; --exclude takes the members of the open findings of those rules off the bill, "
            "with --reason. Rules: " + ", ".join(RULE_VALUES) + ".")

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # options may stand between `check`, CODE and YYYY-MM: plain argparse would take them as extra arguments
        parser.parse_args = parser.parse_intermixed_args
        return parser

    def add_arguments(self, parser):
        parser.add_argument("month", help="the contribution month, YYYY-MM; or `check` followed by CODE YYYY-MM")
        parser.add_argument("check_args", nargs="*", metavar="CODE YYYY-MM",
                            help="with `check`: the programme's code and the bill's month")
        parser.add_argument("--programme", help="programme code (required to generate a bill)")
        parser.add_argument("--json", action="store_true",
                            help="print members, total, due_date, bill and status as JSON; with `check`: bill, month, "
                                 "status, members, findings {rule: count}, open, excluded, kept, and other_registries "
                                 "(asked, recorded, withdrawn, not_asked {name: why}, messages) when the check asked any")
        parser.add_argument("--exclude", action="extend", nargs="+", default=[], metavar="RULE",
                            help="with `check`: take the members of these rules' open findings off the bill")
        parser.add_argument("--reason", default="", help="with --exclude: why they leave the bill (required)")
        parser.add_argument("--user", help=USER_HELP)

    def handle(self, month, check_args, programme, user, **options):
        if month == CHECK:
            return self.check_bill(check_args, programme, user, options)
        if check_args:
            raise CommandError(f"Argumen tidak dikenal: {' '.join(check_args)}. Untuk memeriksa tagihan: "
                               "`bill check KODE TTTT-BB`.")
        if options["exclude"] or options["reason"]:
            raise CommandError("--exclude dan --reason hanya untuk `bill check KODE TTTT-BB`.")
        if not programme:
            raise CommandError("Sebutkan --programme KODE: program yang ditagih.")
        actor = cli_user(user)
        chosen = cli_programme(programme)
        try:
            bill = generate_bill(actor, chosen, month).bill
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(_words(exc))
        if options["json"]:
            self.stdout.write(json.dumps({"bill": bill.pk, "members": bill.members, "total": bill.total,
                                         "due_date": bill.due_date.isoformat(), "status": bill.status}))
        else:
            self.stdout.write(f"Tagihan #{bill.pk} {bill}: {bill.members} peserta, {format_rupiah(bill.total)}, "
                              f"jatuh tempo {bill.due_date:%d-%m-%Y} (status {bill.status}).")

    def check_bill(self, check_args, programme, user, options):
        if len(check_args) == 2 and not programme:
            code, month = check_args
        elif len(check_args) == 1 and programme:
            code, month = programme, check_args[0]
        else:
            raise CommandError("Tulis `bill check KODE TTTT-BB`, misalnya `bill check kaur-2025 2025-01`.")
        rules, reason = options["exclude"], options["reason"].strip()
        unknown = [r for r in rules if r not in RULE_VALUES]
        if unknown:
            raise CommandError(f"Aturan tidak dikenal: {', '.join(unknown)}. Pilih dari: "
                               f"{', '.join(RULE_VALUES)}.")
        if rules and not reason:
            raise CommandError("Tulis alasan mengeluarkan peserta dari tagihan: --reason TEKS.")
        if reason and not rules:
            raise CommandError("--reason dipakai bersama --exclude ATURAN.")
        actor = cli_user(user)
        chosen = cli_programme(code)
        try:
            day = Month.parse(month).first_day
        except ValueError as exc:
            raise CommandError(str(exc))
        bill = Bill.objects.select_related("programme").filter(programme=chosen, month=day).first()
        if bill is None:
            raise CommandError(f"Tagihan {chosen.code} bulan {month} belum dibuat: buat dulu dengan "
                               f"`bill {month} --programme {chosen.code}`.")
        excluded, asked = 0, None
        try:
            if bill.status == Bill.Status.DRAFT or rules:  # an approved bill's check is read as it was left
                asked = check_bill_asking_others(actor, bill).registries
            if rules:
                excluded = exclude_findings(actor, bill, reason, rules=rules)
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(_words(exc))
        bill.refresh_from_db()
        summary = check_summary(actor, bill)
        counts = {name: sum(getattr(r, name) for r in summary) for name in ("open", "excluded", "kept")}
        if options["json"]:
            self.stdout.write(json.dumps({
                "bill": bill.pk, "month": f"{bill.month:%Y-%m}", "status": bill.status, "members": bill.members,
                "findings": {r.rule.value: r.open + r.excluded + r.kept for r in summary if r.open + r.excluded + r.kept},
                **counts,
                **({"other_registries": {"asked": asked.asked, "recorded": asked.recorded, "withdrawn": asked.withdrawn,
                                         "not_asked": asked.errors, "messages": asked.messages}}
                   if asked and (asked.asked or asked.errors) else {})}))
            return
        lines = [(f"Pemeriksaan tagihan #{bill.pk} {bill} (status {bill.get_status_display()}): {bill.members} peserta ditagih, "
                  f"{format_rupiah(bill.total)}.")]
        if asked is not None:
            lines += [m for m in (asked.answered, *asked.messages) if m]
        if excluded:
            lines.append(f"{excluded} peserta dikeluarkan dari tagihan. Alasan: {reason}")
        width = max(len(r.title) for r in summary)
        lines += [(f"  {r.title:<{width}}  {r.open} terbuka, {r.excluded} dikeluarkan, {r.kept} tetap dibayar"
                   f"  ({r.rule.value})") for r in summary]
        if counts["open"]:
            lines.append(f"{counts['open']} temuan terbuka: keluarkan dengan `--exclude ATURAN --reason ALASAN`, "
                         "atau penyetuju menulis alasan mereka tetap dibayar.")
        elif not any(counts.values()):
            lines.append("Tidak ada temuan.")
        self.stdout.write("\n".join(lines))


def _words(exc) -> str:
    return " ".join(getattr(exc, "messages", None) or [str(exc)])
