"""Another registry's enrolments as other cover (life.services.ask_other_registries): which payer and months an
enrolment is, recorded once, withdrawn when the registry no longer tells it, never an enrolment of our own
programmes; and the check before the bill (page, API, command) asking the registries first and naming the one that
could not be asked. The other registry is a small SPDCI IBR stub on loopback (tests/spdci/test_two_lindungs.py
runs a real second Lindung)."""

import json
import threading
from datetime import date, datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client

from lindung.accounts.services import issue_token
from lindung.audit.models import Event
from lindung.life import services as life
from lindung.life.models import OtherCover
from lindung.payments import services
from lindung.pipeline import spdci
from lindung.pipeline.spdci import Enrolment
from lindung.pipeline.spdci_client import IbrClient, cover_of
from lindung.pipeline.spdci_sign import public_key_text, signed
from lindung.rules.bill_check import Rule
from lindung.rules.contributions import Month
from lindung.rules.other_cover import Cover, OtherPayer
from lindung.settings import other_registries
from tests.conftest import plan_programme
from tests.factories import bearer, bill_url, messages_of, run

TOKEN = "lnd_dari-seluma"
DOWN = "http://127.0.0.1:9/api/spdci/ibr/v1.0.0"  # nothing listens on the discard port


def told(nik: str, programme: str = "seluma-2025", *, payer: str = "apbd", payer_name: str = "Pemkab Seluma",
         first: date = date(2025, 1, 1), last: date = date(2025, 12, 1), ended_on: date | None = None,
         status: str = "active") -> Enrolment:
    return Enrolment(nik=nik, programme=programme, programme_name="Perlindungan Pekerja Rentan Seluma",
                     status=status, protection="aktif", payer=payer, payer_name=payer_name, first=first, last=last,
                     ended_on=ended_on, paid=())


def test_an_enrolment_is_cover_of_its_payer_for_its_funded_months_up_to_its_end():
    nik = "1705010101800001"
    assert cover_of(told(nik)) == Cover(OtherPayer.KABUPATEN, "Pemkab Seluma", Month(2025, 1), Month(2025, 12))
    assert cover_of(told(nik, payer_name="Pemprov Bengkulu")).payer == OtherPayer.PROVINSI
    assert cover_of(told(nik, payer="dana_desa", payer_name="Desa Air Petai")).payer == OtherPayer.DANA_DESA
    assert cover_of(told(nik, payer="csr", payer_name="PT Agricinal")).payer == OtherPayer.CSR
    assert cover_of(told(nik, payer="apbn", payer_name="Kemnaker")).payer == OtherPayer.LAIN
    # the month it ended in is still paid (as our bill pays a member's last month); none after
    assert cover_of(told(nik, ended_on=date(2025, 3, 10))).last == Month(2025, 3)
    assert cover_of(told(nik, first=date(2025, 4, 1), ended_on=date(2025, 3, 31))) is None
    # a candidate of its plan is not sent to BPJS yet: nobody pays his months
    assert cover_of(told(nik, status="candidate")) is None


def test_the_setting_names_each_registry_its_url_and_token_and_never_shows_a_token_in_its_errors():
    assert other_registries("") == []
    assert other_registries(" Kab. Kaur = https://kaur.example/api/spdci/ibr/v1.0.0  lnd_a ,\n"
                            "Kab. Seluma=http://127.0.0.1:8001/api/spdci/ibr/v1.0.0 lnd_b\n") == [
        ("Kab. Kaur", "https://kaur.example/api/spdci/ibr/v1.0.0", "lnd_a", ""),
        ("Kab. Seluma", "http://127.0.0.1:8001/api/spdci/ibr/v1.0.0", "lnd_b", "")]
    for wrong in ("https://kaur.example lnd_rahasia", "Kaur=https://kaur.example", "Kaur=kaur.example lnd_rahasia",
                  "Kaur=https://kaur.example lnd_rahasia lagi"):
        with pytest.raises(ImproperlyConfigured, match="NAME=URL TOKEN") as refused:
            other_registries(wrong)
        assert "rahasia" not in str(refused.value)
    with pytest.raises(ImproperlyConfigured, match="twice"):
        other_registries("Kaur=https://a t1, Kaur=https://b t2")
    # The registry's public key, when given, is checked when read
    key = public_key_text(Ed25519PrivateKey.generate())
    assert other_registries(f"Kaur=https://a t1 {key}") == [("Kaur", "https://a", "t1", key)]
    with pytest.raises(ImproperlyConfigured, match="NAME=URL TOKEN"):
        other_registries(f"Kaur=https://a t1 {key[:-4]}")


class Registry(ThreadingHTTPServer):
    """Another regency's IBR: answers release 1.0.0's sync search with ``told`` (NIK -> enrolments), for TOKEN."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Answer)
        self.told: dict[str, list[Enrolment]] = {}
        self.key: Ed25519PrivateKey | None = None  # signs its answers with it, when set
        self.url = f"http://127.0.0.1:{self.server_address[1]}/api/spdci/ibr/v1.0.0"


class Answer(BaseHTTPRequestHandler):
    server: Registry

    def do_POST(self):
        asked = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            return self._send(401, spdci.http_errors("err.request.unauthorized", "Token salah."))
        now = datetime.now(timezone.utc)
        results = []
        for item in asked["message"]["search_request"]:
            records = [spdci.beneficiary(e) for e in self.server.told.get(item["search_criteria"]["query"]["value"], [])]
            results.append(spdci.search_result(item, records, spdci.Page(100, 1), len(records), now=now))
        self._send(200, signed(spdci.reply(asked["header"], {"transaction_id": "t", "search_response": results},
                                           sender_id="lindung.17.05", now=now),
                               self.server.key, sender_id="lindung.17.05", now=now))

    def _send(self, status: int, body: dict):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def seluma():
    registry = Registry()
    threading.Thread(target=registry.serve_forever, daemon=True).start()
    yield registry
    registry.shutdown()
    registry.server_close()


@pytest.fixture
def draft(users):
    """Five members of Kaur 2025, active with their KPJ, and January 2025's draft bill: nothing to find."""
    programme = run(plan_programme(users))
    return services.generate_bill(users["operator"], programme, "2025-01").bill


def members(bill) -> list:
    return [line.peserta for line in bill.lines.order_by("peserta__nik").select_related("peserta")]


def covers(peserta) -> list[tuple]:
    return list(OtherCover.objects.filter(peserta=peserta, withdrawn_at__isnull=True).order_by("first").values_list(
        "payer", "payer_name", "first", "last", "source", "evidence"))


def test_what_another_registry_pays_is_recorded_once_and_withdrawn_when_it_no_longer_says_so(users, draft, seluma,
                                                                                          settings):
    settings.LINDUNG_OTHER_REGISTRIES = [("Kab. Seluma", seluma.url, TOKEN), ("Kab. Mukomuko", DOWN, "lnd_x")]
    paid, by_province, candidate, ours = members(draft)[:4]
    seluma.told = {paid.nik: [told(paid.nik)],
                   by_province.nik: [told(by_province.nik, "bengkulu-2025", payer_name="Pemprov Bengkulu",
                                          first=date(2025, 1, 1), last=date(2025, 6, 1))],
                   candidate.nik: [told(candidate.nik, status="candidate")],
                   # a registry pointing here by mistake tells our own programme: never cover of another payer
                   ours.nik: [told(ours.nik, draft.programme.code, payer_name="Pemkab Kaur")]}

    asked = life.ask_other_registries(users["operator"], draft.programme, "2025-01")
    assert (asked.asked, asked.recorded, asked.withdrawn, list(asked.errors)) == (["Kab. Seluma"], 2, 0,
                                                                                  ["Kab. Mukomuko"])
    assert "could not be asked" in asked.errors["Kab. Mukomuko"]
    assert asked.messages == [f"Registri Kab. Mukomuko tidak dapat ditanya ({asked.errors['Kab. Mukomuko']}); "
                              "pemberi iuran lain dari registri itu belum diperiksa."]
    assert covers(paid) == [("kabupaten", "Pemkab Seluma", date(2025, 1, 1), date(2025, 12, 1), "registry",
                             "Registri Kab. Seluma: program seluma-2025 (Perlindungan Pekerja Rentan Seluma)")]
    assert covers(by_province)[0][:4] == ("provinsi", "Pemprov Bengkulu", date(2025, 1, 1), date(2025, 6, 1))
    assert covers(candidate) == covers(ours) == []
    assert Event.objects.filter(action="life.other_registries_asked", summary__contains="tidak dapat ditanya: "
                                "Kab. Mukomuko").exists()

    again = life.ask_other_registries(users["operator"], draft.programme, "2025-01")
    assert (again.recorded, again.withdrawn) == (0, 0)
    assert OtherCover.objects.count() == 2

    # He moved to Kaur: Seluma ended his enrolment in March. Its earlier answer is withdrawn, with the reason.
    seluma.told[paid.nik] = [told(paid.nik, ended_on=date(2025, 3, 10))]
    moved = life.ask_other_registries(users["operator"], draft.programme, "2025-01")
    assert (moved.recorded, moved.withdrawn) == (1, 1)
    assert [c[2:4] for c in covers(paid)] == [(date(2025, 1, 1), date(2025, 3, 1))]
    assert "tidak lagi menyebut" in OtherCover.objects.get(peserta=paid, withdrawn_at__isnull=False).withdrawal_reason


def test_the_check_before_the_bill_asks_first_and_says_which_registry_could_not_be_asked(users, draft, seluma,
                                                                                         settings):
    settings.LINDUNG_OTHER_REGISTRIES = [("Kab. Seluma", seluma.url, TOKEN), ("Kab. Mukomuko", DOWN, "lnd_x")]
    paid = members(draft)[0]
    seluma.told = {paid.nik: [told(paid.nik)]}
    auth = bearer(issue_token(users["operator"]))

    answer = Client().post("/api/programmes/kaur-2025/bills/2025-01/check", {}, content_type="application/json",
                           **auth).json()
    assert [(f["nik"], f["rule"]) for f in answer["findings"]] == [(paid.nik, Rule.OTHER_PAYER)]
    assert "Pemkab Seluma" in answer["findings"][0]["evidence"]
    registries = answer["other_registries"]
    assert (registries["asked"], registries["recorded"], list(registries["not_asked"])) == (
        ["Kab. Seluma"], 1, ["Kab. Mukomuko"])
    assert registries["messages"][0].startswith("Registri Kab. Mukomuko tidak dapat ditanya (")
    assert Event.objects.filter(action="payments.bill_checked", summary__contains="registri tidak dapat ditanya, "
                                "pemberi iurannya belum diperiksa: Kab. Mukomuko").exists()
    read = Client().get("/api/programmes/kaur-2025/bills/2025-01/check", **auth).json()
    assert read["other_registries"] is None and read["findings"] == answer["findings"]

    browser = Client()
    browser.force_login(users["operator"])
    said = messages_of(browser.post(bill_url("check", draft.programme, "2025-01"), follow=True))
    assert said[0].startswith("Registri Kab. Mukomuko tidak dapat ditanya (")
    assert said[1] == "Registri lain ditanya (Kab. Seluma): 0 pemberi iuran lain dicatat, 0 ditarik."

    out = StringIO()
    call_command("bill", "check", "kaur-2025", "2025-01", "--user", "operator", stdout=out)
    assert "Registri lain ditanya (Kab. Seluma): 0 pemberi iuran lain dicatat, 0 ditarik." in out.getvalue()
    assert "Registri Kab. Mukomuko tidak dapat ditanya (" in out.getvalue()
    assert "pemberi iuran lain dari registri itu belum diperiksa." in out.getvalue()
    out = StringIO()
    call_command("bill", "check", "kaur-2025", "2025-01", "--json", "--user", "operator", stdout=out)
    printed = json.loads(out.getvalue())
    assert (printed["findings"], list(printed["other_registries"]["not_asked"])) == ({"other_payer": 1},
                                                                                     ["Kab. Mukomuko"])


def test_a_registry_pointing_at_this_very_lindung_adds_nothing(live_server, users, funded, settings):
    settings.LINDUNG_OTHER_REGISTRIES = [("Sendiri", live_server.url + "/api/spdci/ibr/v1.0.0",
                                          issue_token(users["auditor"]))]
    url, token = settings.LINDUNG_OTHER_REGISTRIES[0][1:]
    niks = funded.memberships.values_list("peserta__nik", flat=True)
    assert {e.programme for e in IbrClient(url, token).enrolments(niks)} == {funded.code}  # it does tell them
    asked = life.ask_other_registries(users["operator"], funded, "2025-02")
    assert (asked.asked, asked.recorded, asked.errors) == (["Sendiri"], 0, {})
    assert not OtherCover.objects.exists()


def test_an_answer_not_signed_with_the_registrys_key_is_no_answer_and_nothing_of_it_is_recorded(users, draft, seluma,
                                                                                                settings):
    theirs, another = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    settings.LINDUNG_OTHER_REGISTRIES = [("Kab. Seluma", seluma.url, TOKEN, public_key_text(theirs))]
    paid = members(draft)[0]
    seluma.told = {paid.nik: [told(paid.nik)]}
    for key, code in ((None, "err.signature.missing"), (another, "err.signature.invalid")):
        seluma.key = key
        asked = life.ask_other_registries(users["operator"], draft.programme, "2025-01")
        assert (asked.asked, asked.recorded, list(asked.errors)) == ([], 0, ["Kab. Seluma"])
        assert code in asked.errors["Kab. Seluma"] and "nothing of it is used" in asked.errors["Kab. Seluma"]
        assert asked.messages[0].startswith("Registri Kab. Seluma tidak dapat ditanya (")
        assert covers(paid) == []
    seluma.key = theirs
    asked = life.ask_other_registries(users["operator"], draft.programme, "2025-01")
    assert (asked.asked, asked.recorded, asked.errors) == (["Kab. Seluma"], 1, {})
