import json
from datetime import date
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from lindung.accounts.cli import USER_HELP, cli_user
from lindung.regulation.holiday_services import add_holidays
from lindung.regulation.selectors import calendar
from lindung.rules.holidays import COLUMNS, KIND_LABELS, Holiday, Kind, read_holidays


class Command(BaseCommand):
    help = ("The holidays due dates and deadlines count (libur nasional, cuti bersama): `holidays list [--year Y] "
            "[--json]`; `holidays add DATE --kind libur|cuti_bersama --name NAME --decree DECREE`; `holidays import "
            f"FILE`, a CSV with the header {','.join(COLUMNS)} (a year's whole SKB 3 Menteri: a year with any "
            "holiday counts as having its list). Days already in the calendar are left out.")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        listing = actions.add_parser("list", help="the calendar's holidays, shipped and added")
        listing.add_argument("--year", type=int, help="only this year")
        listing.add_argument("--json", action="store_true", help="print them as JSON")
        adding = actions.add_parser("add", help="add one holiday")
        adding.add_argument("day", type=date.fromisoformat, metavar="DATE", help="YYYY-MM-DD")
        adding.add_argument("--kind", required=True, choices=[k.value for k in Kind])
        adding.add_argument("--name", required=True, help="e.g. Hari Ulang Tahun ke-80 Kemerdekaan RI")
        adding.add_argument("--decree", required=True, help="the SKB or Keppres that sets it, with its number")
        adding.add_argument("--user", help=USER_HELP)
        importing = actions.add_parser("import", help="add the holidays of a CSV file")
        importing.add_argument("file", type=Path)
        importing.add_argument("--user", help=USER_HELP)

    def handle(self, action, **options):
        if action == "list":
            self._list(options["year"], options["json"])
            return
        actor = cli_user(options["user"])
        if action == "add":
            holidays = [Holiday(options["day"], Kind(options["kind"]), options["name"], options["decree"])]
            source = "perintah holidays add"
        else:
            try:
                with options["file"].open(encoding="utf-8-sig", newline="") as lines:
                    holidays = read_holidays(lines)
            except OSError as exc:
                raise CommandError(f"Berkas {options['file']} tidak bisa dibaca: {exc.strerror}.") from None
            except ValueError as exc:
                raise CommandError(f"{options['file']}: {exc}") from None
            source = f"berkas {options['file'].name}"
        try:
            added = add_holidays(actor, holidays, source=source)
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)])) or "Tidak diizinkan.") from None
        self.stdout.write(f"{len(added)} hari libur ditambahkan, {len(holidays) - len(added)} sudah ada.")

    def _list(self, year: int | None, as_json: bool) -> None:
        found = sorted((h for h in calendar().holidays if year is None or h.day.year == year), key=lambda h: h.day)
        if as_json:
            self.stdout.write(json.dumps([{"date": h.day.isoformat(), "kind": h.kind.value, "name": h.name,
                                           "decree": h.decree} for h in found], ensure_ascii=False, indent=1))
            return
        for h in found:
            self.stdout.write(f"{h.day:%Y-%m-%d}  {KIND_LABELS[h.kind]:<14}  {h.name}  ({h.decree})")
