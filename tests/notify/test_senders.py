"""The outbox's senders: a failing gateway leaves the message failed with its error, never sent twice."""

from datetime import date

import pytest

from lindung.notify.models import Message
from lindung.notify.services import send_queued
from tests.conftest import BANDAR_BINTUHAN, make_peserta


class Broken:
    def send(self, message):
        raise RuntimeError("gateway tidak menjawab")


@pytest.fixture
def queued(users):
    peserta = make_peserta(BANDAR_BINTUHAN, "Siti Penerima", sex="P", born=date(1985, 1, 2), serial=71)
    return Message.objects.create(peserta=peserta, purpose="uji", about="x", phone="0812", text="Halo")


def test_a_failing_sender_marks_the_message_failed_with_its_error(users, queued, settings):
    settings.LINDUNG_MESSAGE_SENDER = "tests.notify.test_senders.Broken"
    done = send_queued(users["operator"], "uji", "x")
    queued.refresh_from_db()
    assert (done.sent, done.failed, queued.status, queued.error) == (0, 1, "failed", "gateway tidak menjawab")
    assert send_queued(users["operator"], "uji", "x").failed == 0  # a failed message waits for a person


def test_the_village_operator_sends_nothing_outside_the_office(users, queued):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        send_queued(users["desa"])
