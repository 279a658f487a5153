"""IbrClient asks a running Lindung (pytest-django's live server: our own IBR) over HTTP, as regency B's check
before its bill will ask regency A's."""

from datetime import date

import pytest

from lindung.accounts.services import issue_token
from lindung.pipeline.spdci import PaidMonth
from lindung.pipeline.spdci_client import IbrClient, IbrError
from lindung.registry.models import Peserta
from tests.conftest import BANDAR_BINTUHAN, make_peserta

IBR = "/api/spdci/ibr/v1.0.0"


def test_the_client_learns_which_months_the_other_regency_pays(live_server, users, funded):
    member = Peserta.objects.get(nama="Ahmad Nelayan")
    stranger = make_peserta(BANDAR_BINTUHAN, "Rina Takterdaftar", sex="P", serial=14)
    client = IbrClient(live_server.url + IBR, issue_token(users["bpjs"]), sender_id="lindung.17.01")
    [told] = client.enrolments([stranger.nik, member.nik, member.nik])
    assert (told.nik, told.programme, told.payer, told.payer_name) == (member.nik, funded.code, "apbd", "Pemkab Kaur")
    assert (told.first, told.last, told.ended_on) == (date(2025, 1, 1), date(2025, 2, 1), None)
    assert told.paid == (PaidMonth(date(2025, 1, 1), "apbd", date(2025, 1, 13)),
                         PaidMonth(date(2025, 2, 1), "apbd", date(2025, 2, 12)))
    assert client.enrolments([]) == []


def test_the_client_says_when_the_registry_cannot_be_asked(live_server, users):
    with pytest.raises(IbrError, match="HTTP 401"):
        IbrClient(live_server.url + IBR, "lnd_salah").enrolments(["1704055709800011"])
    with pytest.raises(IbrError, match="could not be asked"):
        IbrClient("http://127.0.0.1:9" + IBR, "lnd_salah", timeout=5).enrolments(["1704055709800011"])
