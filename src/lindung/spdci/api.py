"""The SPDCI APIs of release 1.0.0 (the Social Protection Digital Convergence Initiative's standard), each with its
OpenAPI docs: Lindung as an Integrated Beneficiary Registry (IBR: who is enrolled, the enrolments changed since a
moment) and as a social registry (the worker register). Mounted at /api/spdci/ibr/v1.0.0/ and
/api/spdci/social/v1.0.0/, the operations at the paths the standard's yaml names.

Callers authenticate with a Lindung API token (Bearer), so they see what the token's user may see (accounts.scoping).
With LINDUNG_SPDCI_SIGNING_KEY every answer's envelope is signed (pipeline.spdci_sign), its public key served at
``/keys``; a caller whose token's user has a key in LINDUNG_SPDCI_CALLER_KEYS must sign its requests with it (HTTP 401
otherwise). Every search is audited."""

import json
import uuid
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, ValidationError

from lindung.api.auth import TokenAuth
from lindung.life import services as life
from lindung.pipeline import spdci
from lindung.pipeline.spdci import Rejected, Unanswerable
from lindung.pipeline.spdci_sign import BadSignature, signed, verify

from . import keys, selectors
from .services import record_search


class Header(Schema):
    """MsgHeader_V1.0.0."""
    version: str = spdci.VERSION
    message_id: str
    message_ts: str
    action: str
    sender_id: str
    sender_uri: str = ""
    receiver_id: str = ""
    total_count: int
    is_msg_encrypted: bool = False
    meta: Any = None


class Envelope(Schema):
    """A request: the signature (verified when the caller has a registered key), the header and the message
    (SearchRequest or EnrolledRequest of the standard)."""
    signature: str = ""
    header: Header
    message: dict[str, Any]


class NotifyHeader(Header):
    """MsgCallbackHeader_V1.0.0 of a push (action notify): its status says nothing to the receiver."""
    status: str = "rcvd"
    total_count: int = 0


class NotifyEnvelope(Envelope):
    """A push: the signature, a callback header and the EnrollmentUpdatesRequest."""
    header: NotifyHeader


class CallbackHeader(Schema):
    """MsgCallbackHeader_V1.0.0."""
    version: str
    message_id: str
    message_ts: str
    action: str
    status: str
    status_reason_code: str | None = None
    status_reason_message: str | None = None
    total_count: int
    completed_count: int
    sender_id: str
    receiver_id: str
    is_msg_encrypted: bool


class Answer(Schema):
    """An answer: the header says whether the message was answered (succ) or refused (rjct, with its reason);
    the message is the standard's SearchResponse or EnrolledResponse."""
    signature: str
    header: CallbackHeader
    message: dict[str, Any] | None = None


class ErrorOut(Schema):
    code: str
    message: str


class HttpErrors(Schema):
    """HttpErrorResponse: what never reached the envelope (no token, a body that is no envelope)."""
    errors: list[ErrorOut]


ANSWERS: dict[int, type[Schema]] = {200: Answer, 400: Answer | HttpErrors, 401: HttpErrors}  # type: ignore[dict-item]
PUSH_ANSWERS: dict[int, type[Schema]] = {**ANSWERS, 403: HttpErrors}


def _api(namespace: str, title: str, description: str) -> NinjaAPI:
    api = NinjaAPI(title=title, version=spdci.VERSION, description=description, auth=TokenAuth(),
                   urls_namespace=namespace)

    @api.exception_handler(AuthenticationError)
    def _unauthorized(request, exc):
        return JsonResponse(spdci.http_errors("err.request.unauthorized", "A Lindung API token (Bearer)."), status=401)

    @api.exception_handler(BadSignature)
    def _unsigned(request, exc):
        return JsonResponse(spdci.http_errors(exc.code, str(exc)), status=401)

    @api.exception_handler(PermissionDenied)
    def _forbidden(request, exc):
        return JsonResponse(spdci.http_errors("err.request.forbidden", str(exc)), status=403)

    @api.exception_handler(ValidationError)
    def _bad(request, exc):
        # Where the body is wrong, never what it holds (it may hold NIKs).
        where = sorted({".".join(str(p) for p in e.get("loc", ()) if p != "body") for e in exc.errors})
        return JsonResponse(spdci.http_errors("err.request.bad", "Not an SPDCI envelope: " + ", ".join(where)),
                            status=400)

    @api.get("/keys", auth=None, url_name="keys", operation_id="get_signing_keys", tags=["Keys"])
    def signing_keys(request):
        """The public key this registry signs its answers with (Ed25519, Base64 of its 32 raw bytes) and its
        kidId, as the signatures name it; none when it does not sign."""
        return {"keys": keys.published()}

    return api


def _send(envelope: dict[str, Any], status: int = 200) -> JsonResponse:
    """An answer's envelope, signed when this registry has a signing key."""
    return JsonResponse(signed(envelope, keys.signing_key(), sender_id=settings.LINDUNG_SPDCI_ID,
                               now=timezone.now()), status=status)


def _check_signature(request: HttpRequest) -> None:
    """When the token's user has a registered public key, the envelope as sent must be signed with it and not
    expired. Raises BadSignature (answered HTTP 401)."""
    key = keys.caller_key(request.user)
    if key is not None:
        verify(json.loads(request.body), key, now=timezone.now())


ibr = _api("spdci_ibr", "Lindung IBR (SPDCI 1.0.0)",
           "Integrated Beneficiary Registry of SPDCI release 1.0.0: who is enrolled in the regency's BPJS "
           "Ketenagakerjaan programmes (JKK+JKM), since and until when, and the months paid with their payer.")
social = _api("spdci_social", "Lindung social registry (SPDCI 1.0.0)",
              "Social registry search of SPDCI release 1.0.0 over the worker register: NIK, name, sex, birth date, "
              "village, occupation and DTSEN decile (no address, phone or family card).")

# One message's answer: (the SearchResponse or EnrolledResponse, requests asked, requests completed, records).
Answered = tuple[dict[str, Any], int, int, int]


def _answer(request: HttpRequest, envelope: Envelope, operation: str,
            answer: Callable[[Any, Mapping[str, Any], datetime], Answered]) -> JsonResponse:
    _check_signature(request)
    header = envelope.header.dict()
    now = timezone.now()
    sender = settings.LINDUNG_SPDCI_ID
    try:
        spdci.check_header(header, "search")
        message, asked, completed, records = answer(request.user, envelope.message, now)
    except Rejected as refused:
        return _send(spdci.reply(header, None, sender_id=sender, now=now, reason=refused), status=400)
    record_search(request.user, operation, header["sender_id"], asked, records)
    return _send(spdci.reply(header, message, sender_id=sender, now=now, completed=completed))


def _requests(message: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    found = message.get("search_request")
    if not isinstance(found, list) or not found or not all(isinstance(r, Mapping) for r in found):
        raise Rejected("err.request.bad", "message.search_request: a list of search requests.")
    if len(found) > spdci.MAX_PAGE_SIZE:
        raise Rejected("rjct.total_count.limit_exceeded", f"At most {spdci.MAX_PAGE_SIZE} search requests a message.")
    return found


def _search(find: Callable[[Any, list[spdci.Condition]], Any], records: Callable[[list], list[dict[str, Any]]]):
    """A sync search: each of the batch's requests answered (its page of records) or refused on its own."""

    def answer(user, message: Mapping[str, Any], now: datetime) -> Answered:
        results, found = [], 0
        for item in _requests(message):
            # reg_event_type is not read: every search here is of the registry's current records.
            criteria = item.get("search_criteria")
            criteria = criteria if isinstance(criteria, Mapping) else {}
            try:
                conditions = spdci.conditions(str(criteria.get("query_type", "")), criteria.get("query"))
                asked = spdci.page(criteria.get("pagination"))
                rows = find(user, conditions)
                total = rows.count()
                page = records(list(rows[asked.offset:asked.offset + asked.size]))
            except Unanswerable as refused:
                results.append(spdci.search_refused(item, refused, now=now))
                continue
            found += len(page)
            results.append(spdci.search_result(item, page, asked, total, now=now))
        return ({"transaction_id": str(message.get("transaction_id") or ""), "correlation_id": uuid.uuid4().hex,
                 "search_response": results}, len(results), len(results), found)

    return answer


def _today() -> date:
    return timezone.localdate()


_enrolment_search = _search(lambda user, conditions: selectors.enrolments(user, conditions, _today()),
                            lambda rows: [spdci.beneficiary(e) for e in selectors.as_enrolments(rows)])
_register_search = _search(selectors.workers, lambda rows: [spdci.member(w) for w in selectors.as_workers(rows)])


def _enrolled(user, message: Mapping[str, Any], now: datetime) -> Answered:
    """EnrolledRequest → EnrolledResponse: per NIK asked, enrolled yes or no, and (an extension) his enrolments."""
    criteria = message.get("enrolled_criteria")
    if not isinstance(criteria, Mapping):
        raise Rejected("err.request.bad", "message.enrolled_criteria: the enrolled query.")
    try:
        conditions = spdci.conditions(str(criteria.get("query_type", "")), criteria.get("query"))
        niks = spdci.niks_of(conditions)
        if not niks or len(niks) > spdci.MAX_PAGE_SIZE:
            raise Unanswerable("rjct.search_criteria.invalid", f"Ask for 1 to {spdci.MAX_PAGE_SIZE} NIKs.")
        rows = list(selectors.enrolments(user, conditions, _today()))
    except Unanswerable as refused:
        raise Rejected(refused.code, str(refused)) from None
    by_nik: dict[str, list[dict[str, Any]]] = {}
    for e in selectors.as_enrolments(rows):
        by_nik.setdefault(e.nik, []).append(spdci.beneficiary(e))
    answers = [{"reference_id": str(i), "timestamp": spdci.timestamp(now), "status": "succ",
                "enrolled_status": "yes" if by_nik.get(nik) else "no",
                "data": {"version": spdci.VERSION, "reg_records": by_nik.get(nik, [])}}
               for i, nik in enumerate(niks, start=1)]
    return ({"transaction_id": str(message.get("transaction_id") or ""), "correlation_id": uuid.uuid4().hex,
             "enrolled_response": answers}, len(niks), len(niks), len(rows))


@ibr.post("/registry/sync/enrolled", response=ANSWERS, url_name="enrolled", operation_id="post_reg_enrolled",
          tags=["Sync"])
def enrolled(request, envelope: Envelope):
    """The programmes a person is enrolled in: ``enrolled_criteria.query`` names NIKs (``{"attribute_name":
    "person_identifier", "operator": "eq", "attribute_value": NIK}``, ``{"person_identifier": {"in": [...]}}`` or
    ``idtype-value``). Each answer says yes or no, with his enrolments (funded months, payer, months paid)."""
    return _answer(request, envelope, "ibr-enrolled", _enrolled)


@ibr.post("/registry/sync/search", response=ANSWERS, url_name="search", operation_id="post_reg_sync_search",
          tags=["Sync"])
def enrolment_search(request, envelope: Envelope):
    """Enrolments (Beneficiary records) by NIK (``idtype-value`` ``{"type": "NIK", "value": …}``) or by
    conditions joined by "and": ``last_update`` ge/gt an ISO moment (the enrolment updates since then: changed or a
    month paid), ``programme_identifier`` eq a programme's code. Paged (``page_size`` up to 1000)."""
    return _answer(request, envelope, "ibr-search", _enrolment_search)


@social.post("/registry/sync/search", response=ANSWERS, url_name="search", operation_id="post_reg_sync_search",
             tags=["Sync"])
def register_search(request, envelope: Envelope):
    """Workers of the register (Member records) by NIK or by conditions joined by "and": ``sub_region_code`` eq a
    region code, ``poverty_score`` (the DTSEN decile) lt/le/eq/ge/gt, ``sex`` eq male/female, ``last_update`` or
    ``registration_date`` ge/gt an ISO moment. Paged (``page_size`` up to 1000)."""
    return _answer(request, envelope, "social-search", _register_search)


@ibr.post("/registry/sync/enrollment/updates", response=PUSH_ANSWERS, url_name="enrollment_updates",
          operation_id="post_reg_enrollments_updates", tags=["Sync"])
def enrollment_updates(request, envelope: NotifyEnvelope):
    """Another payer's system (another Lindung, a village fund's, a company's CSR) tells which people it enrols and
    for which months (header action ``notify``; ``message.enrolled_updates.beneficiaries``: Beneficiary records as
    this IBR's search answers them — NIK, ``programme_identifier.programme`` with ``funding_source`` and
    ``payer_name``, ``enrolment_date`` and ``enrolment_end_date``). Each person of the register of the token's area
    is recorded as other cover: his months are left to that payer. Each beneficiary is answered in order:
    ``succ`` (recorded), or ``rjct`` with ``not_found`` (not on the register of your area) or ``invalid`` and why.
    The same push twice records once. Only a token of the Admin or Operator Dinas may push (403 otherwise)."""
    _check_signature(request)
    user, header, now = request.user, envelope.header.dict(), timezone.now()
    if getattr(getattr(user, "role", None), "name", None) not in life.OFFICE:
        raise PermissionDenied(_("Only a token of the Admin or Operator Dinas may push enrolments: they are recorded "
                                 "as other cover."))
    try:
        spdci.check_header(header, *spdci.UPDATE_ACTIONS)
        records = spdci.pushed_beneficiaries(envelope.message)
    except Rejected as refused:
        return _send(spdci.reply(header, None, sender_id=settings.LINDUNG_SPDCI_ID, now=now, reason=refused,
                                 action="on-notify"), status=400)
    told: list[spdci.Enrolment | str] = []
    for i, record in enumerate(records, start=1):
        try:
            told.append(spdci.enrolment_of(record))
        except (KeyError, ValueError, TypeError, StopIteration, AttributeError) as e:
            told.append(_("Beneficiary %(n)s: its NIK, programme, enrolment_date and enrolment_end_date are needed "
                          "(%(error)s).") % {"n": i, "error": f"{type(e).__name__} {str(e)[:80]}"})
    answers = life.record_pushed_enrolments(user, str(header["sender_id"]), told)
    results = [spdci.update_result(i, "succ" if a.status == life.Pushed.RECORDED else "rjct",
                                   f"{a.status}: {a.message}", now=now) for i, a in enumerate(answers, start=1)]
    message = {"transaction_id": str(envelope.message.get("transaction_id") or ""),
               "correlation_id": uuid.uuid4().hex, "enrolled_response": results}
    return _send(spdci.reply(header, message, sender_id=settings.LINDUNG_SPDCI_ID, now=now, completed=len(results),
                             action="on-notify"))
