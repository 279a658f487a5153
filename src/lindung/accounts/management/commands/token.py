from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from lindung.accounts.models import User
from lindung.accounts.services import issue_token


class Command(BaseCommand):
    help = "Issue an API token for a user and print it (it is shown only once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="CLI")
        parser.add_argument("--days", type=int, help="how many days it works (default LINDUNG_TOKEN_DAYS, at most 366)")

    def handle(self, username, name, days, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Pengguna {username!r} tidak ada.")
        try:
            self.stdout.write(issue_token(user, name, days))
        except ValidationError as refusal:
            raise CommandError(" ".join(refusal.messages)) from None
