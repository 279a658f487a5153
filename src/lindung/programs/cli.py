"""Which programme a command works on."""

from django.core.management.base import CommandError

from .models import Programme

PROGRAMME_HELP = "programme code (default: the one whose plan is approved or running)"


def cli_programme(code: str | None) -> Programme:
    """The programme named, or else the only one whose plan is approved and not yet closed."""
    found = (Programme.objects.filter(code=code) if code else
             Programme.objects.filter(status__in=[Programme.Status.APPROVED, Programme.Status.RUNNING]))[:2]
    if len(found) != 1:
        raise CommandError(f"Program {code} tidak ada." if code else
                           "Sebutkan --programme KODE: tidak tepat satu program dengan rencana yang disetujui.")
    return found[0]
