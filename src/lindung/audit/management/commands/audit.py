"""`lindung audit`: the audit trail's hash chain (audit.chain).

    lindung audit verify                          # the whole chain; its head when intact, else the first broken link
    lindung audit verify --head 1234:3f9ac2d1e0b4a7c9   # and against a head printed earlier (the regent's PDF, …)
    lindung audit head                            # the head to keep: number of events and the last seal, in full

Exit status 1 when the chain is broken.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lindung.audit import selectors
from lindung.audit.chain import Break, Fault, Head

FAULTS = {
    Fault.MODIFIED: "diubah: isinya tidak cocok lagi dengan segelnya",
    Fault.RESEALED: "diubah lalu disegel ulang: peristiwa sesudahnya tersambung ke segel yang lain",
    Fault.DELETED: "hilang (dihapus): peristiwa sesudahnya tersambung ke peristiwa yang tidak ada lagi",
    Fault.INSERTED: "disisipkan: peristiwa sesudahnya tersambung ke peristiwa sebelumnya",
    Fault.CUT: "hilang dari ujung rantai (dipotong): kepala yang dicetak sebelumnya lebih panjang",
    Fault.REWRITTEN: "segelnya lain dari kepala yang dicetak sebelumnya: rantai sampai peristiwa ini ditulis ulang",
}
EMPTY = "Rantai jejak audit kosong: belum ada peristiwa."


def _events(broken: Break) -> str:
    return f"peristiwa #{broken.first}" if broken.first == broken.last else f"peristiwa #{broken.first}–#{broken.last}"


def _when(broken: Break) -> str:
    if broken.at is None:
        return ""
    which = {Fault.DELETED: "peristiwa sesudahnya ", Fault.CUT: "peristiwa terakhir "}.get(broken.fault, "")
    return f" ({which}{timezone.localtime(broken.at).isoformat(timespec='seconds')})"


class Command(BaseCommand):
    help = ("`audit verify [--head N:SEAL]`: check the audit trail's hash chain and name its first broken link "
            "(exit status 1), or print its head; `audit head`: print the head (events and last seal) to keep.")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        verify = actions.add_parser("verify", help="check the whole chain")
        verify.add_argument("--head", help="a head printed earlier, NUMBER:SEAL (8 hex digits or more): "
                                           "its event must still be there with that seal")
        actions.add_parser("head", help="print the chain head: NUMBER:SEAL")

    def handle(self, action, **options):
        if action == "head":
            head = selectors.chain_head()
            self.stdout.write(f"{head.seq}:{head.hash}" if head else EMPTY)
            return
        try:
            earlier = Head.parse(options["head"]) if options["head"] else None
        except ValueError:
            raise CommandError(f"Kepala rantai {options['head']!r} tidak terbaca: tulis NOMOR:SEGEL, "
                               "mis. 1234:3f9ac2d1e0b4a7c9.") from None
        outcome = selectors.verify_chain(earlier)
        if outcome.broken is not None:
            broken = outcome.broken
            raise CommandError(f"Rantai jejak audit putus: {_events(broken)}{_when(broken)} {FAULTS[broken.fault]}.",
                               returncode=1)
        if outcome.head is None:
            self.stdout.write(EMPTY)
            return
        self.stdout.write(f"Rantai jejak audit utuh: {outcome.head.seq} peristiwa"
                          + (f", termasuk kepala {earlier}" if earlier else "") + ".")
        self.stdout.write(f"Kepala rantai: {outcome.head.seq}:{outcome.head.hash}")
