"""`lindung dashboard`: the regent's figures for the user's area (core.dashboard), as on his home page.

    lindung dashboard --user pimpinan              # a few lines to read
    lindung dashboard --json --user pimpinan       # one JSON object: protected_today, in_arrears, lapsed, ended,
                                                   # not_yet_covered, budget{…}, cards{…}, claims{…},
                                                   # lapse_next_30/60/90
    lindung dashboard --json --user camat --day 2026-12-31
"""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from lokal import format_rupiah

from lindung.accounts.cli import USER_HELP, cli_user
from lindung.accounts.scoping import area_code
from lindung.core.dashboard import dashboard


def _n(count: int) -> str:
    return f"{count:,}".replace(",", ".")


class Command(BaseCommand):
    help = "The regent's figures: who is protected today, the year's budget, cards, claims, the lapse cliff."

    def add_arguments(self, parser):
        parser.add_argument("--user", help=USER_HELP)
        parser.add_argument("--json", action="store_true", help="one JSON object with the figures")
        parser.add_argument("--day", help="the day the figures are true on, YYYY-MM-DD (default: today)")

    def handle(self, *args, **options):
        user = cli_user(options["user"])
        if area_code(user) is None:
            raise CommandError(f"Pengguna {user.username!r} tidak punya wilayah: tidak ada angka yang boleh "
                               "dilihatnya.")
        try:
            day = date.fromisoformat(options["day"]) if options["day"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"Tanggal harus TTTT-BB-HH, bukan {options['day']!r}.") from exc
        found = dashboard(user, day)
        figures = found.as_json()
        if options["json"]:
            self.stdout.write(json.dumps(figures, ensure_ascii=False))
            return
        b, c, k = figures["budget"], figures["cards"], figures["claims"]
        self.stdout.write("\n".join([
            f"Keadaan pada {day:%Y-%m-%d}, wilayah {found.area} (orang, menurut kepesertaan yang berlaku):",
            f"  terlindungi hari ini {_n(figures['protected_today'])}, menunggak {_n(figures['in_arrears'])}, "
            f"nonaktif {_n(figures['lapsed'])}, berakhir {_n(figures['ended'])}, "
            f"belum terlindungi (iuran pertama belum dibayar) {_n(figures['not_yet_covered'])}",
            f"  kehilangan perlindungan dalam 30/60/90 hari: {_n(figures['lapse_next_30'])} / "
            f"{_n(figures['lapse_next_60'])} / {_n(figures['lapse_next_90'])}",
            f"Anggaran {day.year}: pagu {format_rupiah(b['ceiling'])}, terikat {format_rupiah(b['committed'])}, "
            f"dibayar {format_rupiah(b['paid'])}, sisa {format_rupiah(b['remaining'])}",
            f"Kartu: di Dinas {_n(c['office'])}, di camat {_n(c['camat'])}, di desa {_n(c['village'])}, "
            f"diterima {_n(c['delivered'])}, tertahan terlalu lama {_n(c['overdue'])}",
            f"Klaim: dilaporkan {_n(k['reported'])}, dibayar {_n(k['paid'])} ({format_rupiah(k['paid_rupiah'])}), "
            f"median {k['median_days'] if k['median_days'] is not None else '-'} hari sampai dibayar",
        ]))
