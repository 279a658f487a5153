import json
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from lokal import format_rupiah

from lindung.accounts.cli import USER_HELP, cli_user
from lindung.selfpay import selectors
from lindung.selfpay import services
from lindung.pipeline.readers import ReadError
from lindung.programs.cli import cli_programme
from lindung.rules.contributions import tanggal


class Command(BaseCommand):
    help = ("`selfpay --programme CODE [--json] [--status-file FILE] [--prepare-messages] [--send] [--user U]`: "
            "when each member's funded months end, what he would pay himself and when he lapses if nobody pays; "
            "optionally read BPJS's status file first, queue the notices and send them.")

    def add_arguments(self, parser):
        parser.add_argument("--programme", required=True, help="programme code")
        parser.add_argument("--json", action="store_true", help="print the figures and every member as JSON")
        parser.add_argument("--status-file", help="BPJS's member status file (xlsx/csv) to read first")
        parser.add_argument("--prepare-messages", action="store_true", help="queue a text to every member with a phone")
        parser.add_argument("--send", action="store_true", help="hand the queued texts to the configured sender")
        parser.add_argument("--user", help=USER_HELP)

    def handle(self, programme, user, status_file, prepare_messages, send, **options):
        actor = cli_user(user)
        chosen = cli_programme(programme)
        queued = sent = None
        try:
            if status_file:
                self._status(actor, chosen, Path(status_file), quiet=options["json"])
            if prepare_messages:
                queued = services.prepare_messages(actor, chosen)
            if send:
                sent = services.send_messages(actor, chosen)
        except PermissionDenied as exc:
            raise CommandError(str(exc))
        found = selectors.self_pay_list(actor, chosen)
        if options["json"]:
            self.stdout.write(json.dumps(self._figures(found, queued, sent), ensure_ascii=False))
            return
        self.stdout.write(f"Serah terima program {chosen.code}: {len(found.members)} peserta.")
        for day, n in found.by_lapse_date:
            self.stdout.write(f"  nonaktif {tanggal(day)} bila tidak dibayar: {n} peserta")
        for amount, n in sorted(found.self_pay.items()):
            self.stdout.write(f"  iuran mandiri {format_rupiah(amount)}/bulan: {n} peserta")
        for v in found.villages:
            self.stdout.write(f"  {v.kecamatan} / {v.name}: {v.members} peserta, {v.with_phone} bertelepon, "
                              f"{v.paying} bayar mandiri, {v.lapsed} nonaktif")
        if queued is not None:
            self.stdout.write(f"{queued} pesan ditambahkan ke antrean.")
        if sent is not None:
            self.stdout.write(f"{sent.sent} pesan terkirim, {sent.failed} gagal, {sent.withdrawn} ditarik, "
                              f"{sent.rewritten} ditulis ulang, {sent.held} ditahan untuk ditinjau.")

    def _status(self, actor, programme, path: Path, *, quiet: bool):
        if not path.is_file():
            raise CommandError(f"Berkas {path} tidak ada.")
        try:
            outcome = services.import_status(actor, programme, path.name, path.read_bytes())
        except ReadError as exc:
            raise CommandError(str(exc))
        if outcome.errors:
            assert outcome.findings is not None  # the errors are among them
            lines = [f"  baris {f['row']}, kolom {f['column']}: {f['message']}" for f in outcome.findings.rows(named=True)]
            raise CommandError("Tidak ada yang diubah: ada baris yang salah.\n" + "\n".join(lines))
        if not quiet:
            self.stdout.write(f"Status BPJS: {outcome.continuing} bayar mandiri, {outcome.stopped} tidak, "
                              f"{outcome.months_added} bulan iuran mandiri dicatat.")

    @staticmethod
    def _figures(found, queued, sent) -> dict:
        return {
            "members": len(found.members),
            "by_lapse_date": {day.isoformat(): n for day, n in found.by_lapse_date},
            "first_unfunded_month": {str(m): n for m, n in sorted(found.first_unfunded.items())},
            "monthly_self_pay": {str(amount): n for amount, n in sorted(found.self_pay.items())},
            "messages_queued": queued,
            "messages_sent": sent.sent if sent else None,
            "messages_failed": sent.failed if sent else None,
            "messages_withdrawn": sent.withdrawn if sent else None,
            "messages_held": sent.held if sent else None,
            "villages": [{"desa": v.code, "name": v.name, "members": v.members, "with_phone": v.with_phone,
                          "paying": v.paying, "lapsed": v.lapsed} for v in found.villages],
            "list": [{"kpj": m.kpj, "nama": m.nama, "desa": m.desa_code, "first_unfunded": str(m.first_unfunded),
                      "lapse_date": m.lapse.isoformat(), "self_pay": m.self_pay, "arrears": m.arrears,
                      "state": str(m.state)} for m in found.members],
        }
