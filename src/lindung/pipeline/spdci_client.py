"""Lindung as a client of another Integrated Beneficiary Registry (another regency's Lindung, or any registry
answering SPDCI release 1.0.0's IBR sync search with Lindung's Beneficiary records): which of these NIKs does it
enrol, in which programme, paid by whom, for which months — for the double-cover check before a bill.

Plain urllib, no Django: ``cover_of`` says which months of another payer an Enrolment is; the caller records them
(life.services.ask_other_registries)."""

import json
import urllib.error
import urllib.request
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from lindung.rules.contributions import Month, Payer
from lindung.rules.other_cover import Cover, OtherPayer

from . import spdci, spdci_sign
from .spdci import Enrolment
from .spdci_sign import BadSignature

# NIKs asked in one message: one search request each (the standard's batch), so one round trip for many.
BATCH = 100


class IbrError(Exception):
    """The other registry could not be asked, or refused: nothing is known of the NIKs asked."""


def search_request(niks: list[str], *, sender_id: str, receiver_id: str, now: datetime) -> dict[str, Any]:
    """The IBR sync search asking for these NIKs' enrolments: one search request per NIK, all in one message."""
    message = {"transaction_id": f"lindung-{now:%Y%m%d%H%M%S%f}", "search_request": [
        {"reference_id": str(i), "timestamp": spdci.timestamp(now),
         "search_criteria": {"version": spdci.VERSION, "reg_event_type": "enrollement", "query_type": "idtype-value",
                             "query": {"type": spdci.NIK, "value": nik},
                             "pagination": {"page_size": spdci.MAX_PAGE_SIZE, "page_number": 1}}}
        for i, nik in enumerate(niks)]}
    return spdci.request("search", message, sender_id=sender_id, receiver_id=receiver_id, total_count=len(niks),
                         now=now)


class IbrClient:
    """``IbrClient("https://lindung.kab-b.go.id/api/spdci/ibr/v1.0.0", token)``: the other IBR's base URL and the
    API token it issued to us. With ``public_key`` (the registry's, as spdci_sign.public_key_text writes it) every
    answer must be signed with that key: one that is not is refused as a whole (IbrError), nothing of it used. With
    ``signing_key`` our requests are signed."""

    def __init__(self, base_url: str, token: str, *, sender_id: str = "lindung", receiver_id: str = "",
                 timeout: float = 30, public_key: str = "", signing_key: Ed25519PrivateKey | None = None):
        self.url = base_url.rstrip("/") + "/registry/sync/search"
        self.token, self.sender_id, self.receiver_id, self.timeout = token, sender_id, receiver_id, timeout
        self.public_key = spdci_sign.public_key_of(public_key) if public_key else None
        self.signing_key = signing_key

    def enrolments(self, niks: Iterable[str]) -> list[Enrolment]:
        """Every enrolment the other registry tells of these NIKs (none for a NIK it does not enrol), in the order
        asked. Raises IbrError when it cannot be asked or refuses any NIK: a partial answer would hide a payer."""
        asked = list(dict.fromkeys(n.strip() for n in niks))
        found: list[Enrolment] = []
        for start in range(0, len(asked), BATCH):
            found += self._ask(asked[start:start + BATCH])
        return found

    def _ask(self, niks: list[str]) -> list[Enrolment]:
        now = datetime.now(timezone.utc)
        body = spdci_sign.signed(search_request(niks, sender_id=self.sender_id, receiver_id=self.receiver_id, now=now),
                                 self.signing_key, sender_id=self.sender_id, now=now)
        answer = self._post(body)
        if self.public_key is not None:
            try:
                spdci_sign.verify(answer, self.public_key, now=datetime.now(timezone.utc))
            except BadSignature as e:
                raise IbrError(f"The registry's answer is not signed with its registered key ({e.code}: {e}); "
                               "nothing of it is used.") from None
        header = answer.get("header") or {}
        if header.get("status") != "succ":
            raise IbrError(f"The registry refused the search: {header.get('status_reason_message') or header}")
        found = []
        for result in answer.get("message", {}).get("search_response", []):
            if result.get("status") != "succ":
                raise IbrError(f"The registry refused a NIK: {result.get('status_reason_message', '')}")
            records = result.get("data", {}).get("reg_records", [])
            if result.get("pagination", {}).get("total_count", len(records)) > len(records):
                raise IbrError("The registry holds more enrolments of one NIK than one page.")
            try:
                found += [spdci.enrolment_of(r) for r in records]
            except (KeyError, ValueError, StopIteration, TypeError) as e:
                raise IbrError(f"A record of the registry lacks what the check needs: {e!r}") from None
        return found

    def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(self.url, data=json.dumps(body).encode(), method="POST", headers={
            "Content-Type": "application/json", "Accept": "application/json", "Authorization": f"Bearer {self.token}"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = json.load(response)
        except urllib.error.HTTPError as e:
            raise IbrError(f"The registry answered HTTP {e.code}: {e.read()[:300].decode(errors='replace')}") from None
        except (urllib.error.URLError, TimeoutError, ValueError) as e:
            raise IbrError(f"The registry could not be asked: {e}") from None
        if not isinstance(answer, dict):
            raise IbrError("The registry's answer is no SPDCI envelope.")
        return answer


# The payer of another registry's programme, by its funding source: the province and another regency both pay from
# their APBD, so a province is known by its name ("Pemprov Bengkulu"); the central budget (APBN) and any source this
# release does not name are another payer, not named.
PAYERS = {Payer.APBD.value: OtherPayer.KABUPATEN, Payer.DANA_DESA.value: OtherPayer.DANA_DESA,
          Payer.CSR.value: OtherPayer.CSR}
PROVINCE_NAMES = ("pemprov ", "pemerintah provinsi ", "provinsi ")
# A candidate of the other registry's plan is not sent to BPJS yet: nobody pays his months, and leaving them to a
# payer that may never register him would leave him unprotected.
NOT_PAYING = {"candidate"}


def payer_of(e: Enrolment) -> OtherPayer:
    """Who pays, as other cover names it: the province by the payer's name, else by the programme's funding source."""
    if f"{' '.join(e.payer_name.lower().split())} ".startswith(PROVINCE_NAMES):
        return OtherPayer.PROVINSI
    return PAYERS.get(e.payer.strip().lower(), OtherPayer.LAIN)


def cover_of(e: Enrolment) -> Cover | None:
    """The months another registry's enrolment pays, as other cover: its funded months, up to the month it ended in
    (that month is still paid, as a bill of ours pays it). None when it pays none: a candidate not sent to BPJS, or
    an enrolment that ended before its first month."""
    if e.status.strip().lower() in NOT_PAYING:
        return None
    first, last = Month.of(e.first), Month.of(e.last)
    if e.ended_on is not None:
        last = min(last, Month.of(e.ended_on))
    if last < first:
        return None
    return Cover(payer_of(e), e.payer_name.strip(), first, last)
