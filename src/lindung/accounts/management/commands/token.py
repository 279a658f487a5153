from django.core.management.base import BaseCommand, CommandError

from lindung.accounts.models import User
from lindung.accounts.services import issue_token


class Command(BaseCommand):
    help = "Issue an API token for a user and print it (it is shown only once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="CLI")

    def handle(self, username, name, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Pengguna {username!r} tidak ada.")
        self.stdout.write(issue_token(user, name))
