"""Who runs a command that writes: every write is someone's, on the command line too."""

import os

from django.core.management.base import CommandError

from .models import User

USER_HELP = "who does it: a username (default: $LINDUNG_USER)"


def cli_user(username: str | None) -> User:
    username = username or os.environ.get("LINDUNG_USER")
    if not username:
        raise CommandError("Sebutkan siapa yang menjalankan perintah ini: --user NAMA atau LINDUNG_USER=NAMA.")
    found = User.objects.filter(username=username, is_active=True).first()
    if found is None:
        raise CommandError(f"Pengguna {username!r} tidak ada atau tidak aktif.")
    return found
