import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lindung.pipeline.spdci_sign import key_id, load_private_key, new_private_key, public_key_text


class Command(BaseCommand):
    help = ("Tulis kunci penandatangan SPDCI (Ed25519, PEM) baru ke PATH dan cetak kunci publiknya, atau dengan "
            "--show cetak kunci publik dari kunci yang ada. Setel LINDUNG_SPDCI_SIGNING_KEY=PATH; registri lain "
            "menulis kunci publik itu di LINDUNG_OTHER_REGISTRIES atau LINDUNG_SPDCI_CALLER_KEYS mereka.")

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--show", action="store_true", help="cetak kunci publik dari kunci yang sudah ada")

    def handle(self, path, show, **options):
        target = Path(path)
        if not show:
            if target.exists():
                raise CommandError(f"{target} sudah ada: kunci lama tidak ditimpa (pakai --show untuk kunci publiknya).")
            # Readable by its owner only, from the moment it exists.
            descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as out:
                out.write(new_private_key())
        try:
            key = load_private_key(target)
        except (OSError, ValueError, TypeError) as e:
            raise CommandError(f"{target} bukan kunci privat Ed25519 dalam PEM ({e}).") from None
        self.stdout.write(public_key_text(key))
        self.stderr.write(f"id kunci {key_id(key)}; kunci publik di atas untuk registri lain.")
