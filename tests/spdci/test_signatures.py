"""The envelope's signature (MsgSignature, Ed25519 over the header and the message): signed and verified both ways,
refused when tampered with, expired, by another key or missing; our answers signed with LINDUNG_SPDCI_SIGNING_KEY
and its public key served; a caller with a registered key refused (401) when it does not sign; the client refusing
a live Lindung's answer not signed with the key it was given."""

from datetime import datetime, timedelta, timezone
from io import StringIO

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from django.test import Client

from lindung.accounts.services import issue_token
from lindung.life import services as life
from lindung.pipeline import spdci
from lindung.pipeline.spdci_client import IbrClient, IbrError
from lindung.pipeline.spdci_sign import (BadSignature, key_id, load_private_key, new_private_key, public_key_of,
                                         public_key_text, sign, signed, verify)
from tests.factories import bearer

from . import standard

NOW = datetime(2025, 3, 1, 8, tzinfo=timezone.utc)
IBR = "/api/spdci/ibr/v1.0.0"
SEARCH = "/registry/sync/search"


def envelope() -> dict:
    return spdci.request("search", {"transaction_id": "t-1", "search_request": [{"reference_id": "1",
                         "timestamp": spdci.timestamp(NOW), "search_criteria": {
                             "query_type": "idtype-value", "query": {"type": "NIK", "value": "1704055709800011"}}}]},
                         sender_id="lindung.17.05", receiver_id="lindung.17.04", total_count=1, now=NOW)


def refused(body: dict, key, now: datetime = NOW) -> str:
    with pytest.raises(BadSignature) as e:
        verify(body, key.public_key(), now=now)
    return e.value.code


def test_a_signature_is_the_releases_and_holds_over_header_and_message():
    key = Ed25519PrivateKey.generate()
    body = signed(envelope(), key, sender_id="lindung.17.05", now=NOW)
    assert body["signature"].startswith('Signature: namespace="spdci", kidId="lindung.17.05|')
    assert f'|{key_id(key)}|ed25519", algorithm="ed25519", created="{int(NOW.timestamp())}"' in body["signature"]
    assert 'headers="(created) (expires) digest", signature="' in body["signature"]
    assert standard.errors(standard.request_schema("ibr", SEARCH), body) == []
    assert verify(body, key.public_key(), now=NOW + timedelta(minutes=9)).sender_id == "lindung.17.05"
    # as received: key order and spacing of the JSON do not matter, its content does
    assert verify({"message": body["message"], "header": dict(reversed(body["header"].items())),
                   "signature": body["signature"]}, public_key_of(public_key_text(key)), now=NOW)


def test_a_tampered_expired_foreign_or_missing_signature_is_refused():
    key = Ed25519PrivateKey.generate()
    body = signed(envelope(), key, sender_id="lindung.17.05", now=NOW)
    tampered = {**body, "message": {**body["message"], "transaction_id": "t-2"}}
    assert refused(tampered, key) == "err.signature.invalid"
    assert refused({**body, "header": {**body["header"], "sender_id": "lain"}}, key) == "err.signature.invalid"
    assert refused(body, key, NOW + timedelta(minutes=11)) == "err.signature.invalid"  # expired
    assert refused(body, key, NOW - timedelta(minutes=6)) == "err.signature.invalid"  # created in the future
    assert refused(body, Ed25519PrivateKey.generate()) == "err.signature.invalid"  # another key
    # another key that claims the registered key's id
    forged = signed(envelope(), Ed25519PrivateKey.generate(), sender_id="lindung.17.05", now=NOW)
    own_id = forged["signature"].split("|")[1]
    assert refused({**forged, "signature": forged["signature"].replace(own_id, key_id(key))}, key) == \
        "err.signature.invalid"
    assert refused({**body, "signature": ""}, key) == "err.signature.missing"
    assert refused({**body, "signature": standard.sample("ibr-processflow2req.json")["signature"]}, key) == \
        "err.signature.invalid"
    # signed with a long life it still expires then
    late = {**envelope(), "signature": sign(envelope(), key, sender_id="x", now=NOW, lifetime=timedelta(hours=1))}
    assert refused(late, key, NOW + timedelta(hours=2)) == "err.signature.invalid"
    # signed for longer than we accept: refused even while it runs (it could be sent again all that time)
    forever = {**envelope(), "signature": sign(envelope(), key, sender_id="x", now=NOW, lifetime=timedelta(days=365))}
    assert refused(forever, key, NOW) == "err.signature.invalid"


@pytest.fixture
def key_file(tmp_path):
    path = tmp_path / "spdci.pem"
    path.write_bytes(new_private_key())
    return path


def test_the_command_writes_a_key_once_and_prints_its_public_key(tmp_path):
    path, out = tmp_path / "kunci.pem", StringIO()
    call_command("spdci-key", str(path), stdout=out, stderr=StringIO())
    assert public_key_text(load_private_key(path)) == out.getvalue().strip()
    assert path.stat().st_mode & 0o077 == 0
    with pytest.raises(CommandError, match="sudah ada"):
        call_command("spdci-key", str(path), stdout=StringIO(), stderr=StringIO())
    again = StringIO()
    call_command("spdci-key", str(path), "--show", stdout=again, stderr=StringIO())
    assert again.getvalue() == out.getvalue()


def test_every_answer_is_signed_with_the_key_served_at_keys(users, settings, key_file):
    assert Client().get(IBR + "/keys").json() == {"keys": []}
    settings.LINDUNG_SPDCI_SIGNING_KEY = str(key_file)
    served = Client().get(IBR + "/keys").json()["keys"]
    key = public_key_of(served[0]["public_key"])
    assert served == Client().get("/api/spdci/social/v1.0.0/keys").json()["keys"]
    assert served[0]["kid"] == f"lindung.17.04|{key_id(key)}|ed25519"
    token = issue_token(users["admin"])
    answered = Client().post(IBR + SEARCH, envelope(), content_type="application/json", **bearer(token))
    refusal = {**envelope(), "header": {**envelope()["header"], "action": "notify"}}
    rejected = Client().post(IBR + SEARCH, refusal, content_type="application/json", **bearer(token))
    assert (answered.status_code, rejected.status_code) == (200, 400)
    for response in (answered, rejected):
        assert verify(response.json(), key, now=datetime.now(timezone.utc)).sender_id == "lindung.17.04"
        assert standard.errors(standard.response_schema("ibr", SEARCH), response.json()) == []


def test_a_caller_with_a_registered_key_must_sign_with_it(users, settings):
    theirs = Ed25519PrivateKey.generate()
    settings.LINDUNG_SPDCI_CALLER_KEYS = {"auditor": public_key_text(theirs)}
    token, now = issue_token(users["auditor"]), datetime.now(timezone.utc)

    def ask(body, url=IBR + SEARCH):
        return Client().post(url, body, content_type="application/json", **bearer(token))

    assert ask(signed(envelope(), theirs, sender_id="lindung.17.05", now=now)).status_code == 200
    for body, code in ((envelope(), "err.signature.missing"),
                       (signed(envelope(), Ed25519PrivateKey.generate(), sender_id="lindung.17.05", now=now),
                        "err.signature.invalid"),
                       (signed(envelope(), theirs, sender_id="lindung.17.05", now=now - timedelta(hours=1)),
                        "err.signature.invalid")):
        response = ask(body)
        assert response.status_code == 401
        assert standard.errors(standard.http_error_schema("ibr"), response.json()) == []
        assert response.json()["errors"][0]["code"] == code
    tampered = signed(envelope(), theirs, sender_id="lindung.17.05", now=now)
    tampered["message"]["search_request"][0]["search_criteria"]["query"]["value"] = "1704051203820012"
    assert ask(tampered).status_code == 401
    # the push too; another user's token (no key registered) needs none
    push = spdci.enrolment_updates([], sender_id="x", receiver_id="y", now=now)
    assert ask(push, IBR + "/registry/sync/enrollment/updates").status_code == 401
    assert Client().post(IBR + SEARCH, envelope(), content_type="application/json",
                         **bearer(issue_token(users["admin"]))).status_code == 200


def test_the_client_refuses_a_live_lindungs_answer_not_signed_with_its_key(live_server, users, funded, settings,
                                                                         key_file):
    settings.LINDUNG_SPDCI_SIGNING_KEY = str(key_file)
    url, token = live_server.url + IBR, issue_token(users["auditor"])
    niks = list(funded.memberships.values_list("peserta__nik", flat=True))
    its_key = public_key_text(load_private_key(key_file))
    assert {e.programme for e in IbrClient(url, token, public_key=its_key).enrolments(niks)} == {funded.code}
    wrong = public_key_text(Ed25519PrivateKey.generate())
    with pytest.raises(IbrError, match="err.signature.invalid"):
        IbrClient(url, token, public_key=wrong).enrolments(niks)

    settings.LINDUNG_OTHER_REGISTRIES = [("Kab. Kaur", url, token, wrong)]
    asked = life.ask_other_registries(users["operator"], funded, "2025-02")
    assert (asked.asked, list(asked.errors)) == ([], ["Kab. Kaur"])
    assert asked.messages[0].startswith("Registri Kab. Kaur tidak dapat ditanya (The registry's answer is not signed")

    settings.LINDUNG_SPDCI_SIGNING_KEY = ""  # it stopped signing
    with pytest.raises(IbrError, match="err.signature.missing"):
        IbrClient(url, token, public_key=its_key).enrolments(niks)
