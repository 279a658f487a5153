import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from lokal import format_rupiah

from lindung.accounts.cli import USER_HELP, cli_user
from lindung.core.forms import parse_rupiah
from lindung.programs import selectors, services
from lindung.programs.cli import cli_programme


def _n(value: int) -> str:
    return format_rupiah(value, symbol=False)


class Command(BaseCommand):
    help = ("`programme continue FROM_CODE --year Y --budget RP [--json]`: next year's draft programme continuing "
            "FROM_CODE: its members keep their KPJ and come first in the plan; says each one's gap before it.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        going_on = sub.add_parser("continue", help="make the programme continuing FROM_CODE in a new year")
        going_on.add_argument("from_code", metavar="FROM_CODE", help="the programme continued")
        going_on.add_argument("--year", type=int, required=True)
        going_on.add_argument("--budget", required=True, help="budget ceiling (pagu) in Rupiah, e.g. 500.000.000")
        going_on.add_argument("--json", action="store_true", help="print the new code, continuing members, "
                              "eligible newcomers, gaps and warnings as JSON")
        going_on.add_argument("--user", help=USER_HELP)

    def handle(self, action, from_code, year, budget, user, **options):
        actor, earlier = cli_user(user), cli_programme(from_code)
        try:
            amount = parse_rupiah(budget)
        except ValueError:
            raise CommandError(f"Pagu {budget!r} bukan jumlah Rupiah utuh: tulis misalnya 500000000 atau 500.000.000.")
        try:
            made = services.continue_programme(actor, earlier, year, amount)
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)])))
        figures = selectors.continuation_figures(made, selectors.regency_candidates(made))
        if options["json"]:
            self.stdout.write(json.dumps({"code": made.code, **figures}))
            return
        gap = figures["gap"]
        self.stdout.write(
            f"Program {made.code} (draf, pagu Rp{_n(made.budget)}, {made.first_month} s.d. {made.last_month}) "
            f"melanjutkan {earlier.code}: {_n(figures['continuing'])} peserta lanjutan ({_n(figures['keep_kpj'])} "
            f"tetap dengan KPJ-nya: {_n(gap['no_gap'])} tanpa jeda, {_n(gap['in_arrears'])} menunggak; "
            f"{_n(gap['lapsed'])} sudah nonaktif), {_n(figures['newcomers_eligible'])} calon baru yang layak.")
        for line in figures["warnings"]:
            self.stdout.write(f"  · {line}")
