"""The demo's hand-over notices of kaur-2025 say the members lapse on 1 June 2025 unless they pay; eighteen months
later they must not be sent as they are: sending withdraws every one with the reason, sends none (issue 14: 5,738
SMS waiting in the outbox, each of 254 characters)."""

from datetime import date

import pytest

from lindung.audit.models import Event
from lindung.notify.models import Message
from lindung.selfpay import services as selfpay_services
from lindung.programs.demo import run_demo_programme
from lindung.registry.demo import KAUR_WORKERS, seed_workers
from lindung.rules import sms

pytestmark = pytest.mark.slow

OLD_TEXT = ("Yth. {nama}: iuran BPJS Ketenagakerjaan Anda (KPJ {kpj}) dibayar Pemkab Kaur s.d. Februari 2025. Agar "
            "tetap terlindungi, bayar mandiri Rp16.800/bulan mulai Maret 2025. Bila tidak dibayar, kepesertaan "
            "berakhir 1 Juni 2025. Info: kantor desa.")


def test_the_demo_notices_of_1_june_2025_are_withdrawn_when_sent_in_december_2026(users, settings, tmp_path):
    settings.LINDUNG_OUTBOX_FILE = tmp_path / "outbox.jsonl"
    seed_workers("17.04", KAUR_WORKERS, 2024)
    programme = run_demo_programme("17.04", users["operator"], users["admin"])
    notices = Message.objects.filter(purpose="selfpay", about=programme.code)
    with_phone = programme.memberships.exclude(peserta__telepon="").count()
    assert notices.count() == with_phone > 5_000
    # As an earlier demo queued them: the old text, no facts recorded, two SMS each.
    kpj = dict(programme.memberships.values_list("peserta_id", "kpj"))
    old = list(notices.select_related("peserta"))
    for message in old:
        message.text, message.facts = OLD_TEXT.format(nama=message.peserta.nama, kpj=kpj[message.peserta_id]), {}
        assert sms.parts(message.text).parts == 2
    Message.objects.bulk_update(old, ["text", "facts"], batch_size=2000)
    queued = notices.filter(status=Message.Status.QUEUED).count()

    done = selfpay_services.send_messages(users["operator"], programme, today=date(2026, 12, 3))

    assert (done.sent, done.rewritten, done.held) == (0, 0, 0)
    assert done.withdrawn == queued and done.reasons.get("lapsed", 0) == queued - done.reasons.get("died", 0)
    reasons = set(notices.filter(status=Message.Status.WITHDRAWN).values_list("error", flat=True))
    assert ("Tanggal nonaktif 1 Juni 2025 sudah lewat: peserta sudah nonaktif, pesan ini tidak benar lagi "
            "(perlu pesan lain).") in reasons
    assert not notices.filter(status__in=[Message.Status.QUEUED, Message.Status.SENT]).exists()
    assert not settings.LINDUNG_OUTBOX_FILE.exists() or settings.LINDUNG_OUTBOX_FILE.read_text() == ""
    assert "tanggal nonaktif lewat" in Event.objects.get(action="notify.withdrawn").summary
