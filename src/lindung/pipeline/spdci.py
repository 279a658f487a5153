"""SPDCI release 1.0.0 messages, without Django: the envelope (signature, header, message), the queries Lindung
answers, and the records it answers with (an IBR Beneficiary per membership, a social-registry Member per worker).

SPDCI is the Social Protection Digital Convergence Initiative's standard (spdci/standards, Apache 2.0); release
1.0.0 is named in every header Lindung writes and required of every header it reads. The envelopes are written
with an empty signature; spdci_sign signs them (when this registry has a key) and verifies a peer's.
"""

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

VERSION = "1.0.0"
# A search request's page when it names none, and the most one page may hold.
PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
# The identifier a record's NIK is given under; asked under any of IDENTIFIERS.
NIK = "NIK"
IDENTIFIERS = {"nik", "uin", "nid", "national_id", "nationalid", "person_identifier", "member_identifier",
               "identifier"}


# MsgHeaderStatusReasonCode: the reasons a header may give for refusing a whole message.
HEADER_REASONS = {"rjct.version.invalid", "rjct.message_id.duplicate", "rjct.message_ts.invalid", "rjct.action.invalid",
                  "rjct.action.not_supported", "rjct.total_count.invalid", "rjct.total_count.limit_exceeded",
                  "rjct.errors.too_many"}


class Rejected(Exception):
    """The whole message is refused: ``code`` is the standard's header status reason (``rjct.…``) or error
    (``err.…``)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


class Unanswerable(Exception):
    """One search request of a batch is refused: ``code`` is the standard's search status reason code."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def check_header(header: Mapping[str, Any], action: str, *also: str) -> None:
    """Refuse a header of another release, another action (than ``action`` or ``also``) or an encrypted message
    (Lindung holds no key)."""
    if str(header.get("version") or VERSION) != VERSION:
        raise Rejected("rjct.version.invalid", f"SPDCI version {VERSION} only.")
    if header.get("action") not in (action, *also):
        raise Rejected("rjct.action.invalid", f"The action here is {action!r}.")
    if header.get("is_msg_encrypted"):
        raise Rejected("err.encryption.invalid", "Encrypted messages are not supported: send them in clear over TLS.")


def timestamp(now: datetime) -> str:
    return now.isoformat(timespec="milliseconds")


def request(action: str, message: Mapping[str, Any], *, sender_id: str, receiver_id: str, total_count: int,
            now: datetime) -> dict[str, Any]:
    """A request envelope (MsgHeader_V1.0.0), its signature empty (spdci_sign.signed signs it)."""
    return {"signature": "", "header": {
        "version": VERSION, "message_id": str(uuid.uuid4()), "message_ts": timestamp(now), "action": action,
        "sender_id": sender_id, "receiver_id": receiver_id, "total_count": total_count, "is_msg_encrypted": False,
    }, "message": dict(message)}


def reply(asked: Mapping[str, Any], message: Mapping[str, Any] | None, *, sender_id: str, now: datetime,
          status: str = "succ", completed: int | None = None, reason: Rejected | None = None,
          action: str = "on-search") -> dict[str, Any]:
    """The answer's envelope (MsgCallbackHeader_V1.0.0) to a request with header ``asked``; without a message when
    the request was refused with ``reason``."""
    header: dict[str, Any] = {
        "version": VERSION, "message_id": str(uuid.uuid4()), "message_ts": timestamp(now), "action": action,
        "status": "rjct" if reason else status, "total_count": _count(asked.get("total_count")),
        "completed_count": 0 if reason else (completed if completed is not None else _count(asked.get("total_count"))),
        "sender_id": sender_id, "receiver_id": str(asked.get("sender_id") or ""), "is_msg_encrypted": False,
    }
    if reason is not None:
        # Only MsgHeaderStatusReasonCode's codes go in the code; any other (err.…) is said in the message text.
        if reason.code in HEADER_REASONS:
            header["status_reason_code"] = reason.code
        header["status_reason_message"] = f"{reason.code}: {reason}"[:999]
    envelope: dict[str, Any] = {"signature": "", "header": header}
    if message is not None:
        envelope["message"] = dict(message)
    return envelope


def _count(value: object) -> int:
    # The standard's samples send total_count as a string ("1"): read leniently, written as the integer it is.
    try:
        return int(str(value))
    except ValueError:
        return 0


def http_errors(code: str, message: str) -> dict[str, Any]:
    """The standard's HttpErrorResponse body, for what never reached the envelope (no token, no JSON)."""
    return {"errors": [{"code": code, "message": message[:999]}]}


# Queries: every form the standard and its samples use, read into conditions joined by "and".

@dataclass(frozen=True)
class Condition:
    attribute: str  # as asked, lower case
    operator: str  # eq, in, lt, le, gt, ge
    value: Any


OPERATORS = {"eq", "in", "lt", "le", "gt", "ge"}


def conditions(query_type: str, query: Any) -> list[Condition]:
    """A query of any form the release shows: ``idtype-value`` ({type, value}), a predicate list
    ([{expression1, condition, expression2}]), one expression ({attribute_name, operator, attribute_value}),
    attributes with operators ({person_identifier: {eq: …}}) or a NoSql expression ({type, value: {expression:
    {query: {$and: [{attr: {$lt: 5}}]}}}}). Only "and" joins conditions. Raises Unanswerable."""
    if isinstance(query, Mapping) and query_type == "idtype-value" and "type" in query:
        return [_condition(query["type"], "eq", query.get("value"))]
    if isinstance(query, Mapping) and isinstance(query.get("value"), Mapping) and "expression" in query["value"]:
        expression = query["value"]["expression"]
        parts = expression.get("query", {}) if isinstance(expression, Mapping) else {}
        return [c for part in _all_of(parts) for name, ops in part.items() for c in _operators(name, ops, "$")]
    if isinstance(query, Mapping) and "attribute_name" in query:
        return [_expression(query)]
    if isinstance(query, Sequence) and not isinstance(query, str):
        found = []
        for predicate in query:
            if not isinstance(predicate, Mapping) or str(predicate.get("condition") or "and").lower() != "and":
                raise Unanswerable("rjct.search_criteria.invalid", "Only conditions joined by 'and' are answered.")
            found += [_expression(e) for name, e in predicate.items() if name.startswith("expression") and e]
        return found
    if isinstance(query, Mapping) and query:
        return [c for name, ops in query.items() for c in _operators(name, ops, "")]
    raise Unanswerable("rjct.search_criteria.invalid", "The query is empty or of an unknown form.")


def _all_of(query: Any) -> list[Mapping[str, Any]]:
    if isinstance(query, Mapping) and set(query) == {"$and"} and isinstance(query["$and"], Sequence):
        return [p for p in query["$and"] if isinstance(p, Mapping)]
    if isinstance(query, Mapping) and not any(k.startswith("$") for k in query):
        return [query]
    raise Unanswerable("rjct.search_criteria.invalid", "Only conditions joined by $and are answered.")


def _operators(name: str, ops: Any, prefix: str) -> list[Condition]:
    if not isinstance(ops, Mapping):
        return [_condition(name, "eq", ops)]
    return [_condition(name, op.removeprefix(prefix), value) for op, value in ops.items()]


def _expression(e: Any) -> Condition:
    if not isinstance(e, Mapping):
        raise Unanswerable("rjct.search_criteria.invalid", "An expression is {attribute_name, operator, attribute_value}.")
    return _condition(e.get("attribute_name"), e.get("operator"), e.get("attribute_value"))


def _condition(name: Any, operator: Any, value: Any) -> Condition:
    if not isinstance(name, str) or not name or operator not in OPERATORS or value in (None, ""):
        raise Unanswerable("rjct.search_criteria.invalid", f"Cannot read the condition on {name!r}.")
    return Condition(name.lower(), str(operator), value)


def niks_of(found: Sequence[Condition]) -> list[str] | None:
    """The NIKs the conditions ask for (each NIK once, in the order asked), None if they ask for none."""
    asked = [c for c in found if c.attribute in IDENTIFIERS]
    if not asked:
        return None
    niks: list[str] = []
    for c in asked:
        values = c.value if c.operator == "in" and isinstance(c.value, Sequence) and not isinstance(c.value, str) else [c.value]
        if c.operator not in ("eq", "in"):
            raise Unanswerable("rjct.search_criteria.invalid", "A NIK is asked with eq or in.")
        niks += [str(v).strip() for v in values if str(v).strip() not in niks]
    return niks


def since(c: Condition) -> datetime:
    """The moment a "changed since" condition (ge/gt) names: an ISO date or date and time."""
    if c.operator not in ("ge", "gt"):
        raise Unanswerable("rjct.search_criteria.invalid", f"{c.attribute} is asked with ge or gt.")
    try:
        return datetime.fromisoformat(str(c.value))
    except ValueError:
        raise Unanswerable("rjct.search_criteria.invalid", f"{c.attribute}: an ISO 8601 date or timestamp.") from None


@dataclass(frozen=True)
class Page:
    size: int
    number: int  # from 1, as the standard counts

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


def page(pagination: Any) -> Page:
    """The page asked for (PAGE_SIZE rows of page 1 when none). Raises Unanswerable (rjct.pagination.invalid)."""
    if not pagination:
        return Page(PAGE_SIZE, 1)
    try:
        size, number = int(pagination["page_size"]), int(pagination.get("page_number") or 1)
    except (KeyError, TypeError, ValueError):
        raise Unanswerable("rjct.pagination.invalid", "page_size (and page_number, from 1) as numbers.") from None
    if not 1 <= size <= MAX_PAGE_SIZE or number < 1:
        raise Unanswerable("rjct.pagination.invalid", f"page_size from 1 to {MAX_PAGE_SIZE}, page_number from 1.")
    return Page(size, number)


def search_result(item: Mapping[str, Any], records: list[dict[str, Any]], asked: Page, total: int, *,
                  now: datetime) -> dict[str, Any]:
    """One answered search request of a batch (SearchResponse.search_response[])."""
    return {"reference_id": str(item.get("reference_id") or ""), "timestamp": timestamp(now), "status": "succ",
            "data": {"version": VERSION, "reg_records": records},
            "pagination": {"page_size": asked.size, "page_number": asked.number, "total_count": total}}


def search_refused(item: Mapping[str, Any], refused: Unanswerable, *, now: datetime) -> dict[str, Any]:
    return {"reference_id": str(item.get("reference_id") or ""), "timestamp": timestamp(now), "status": "rjct",
            "status_reason_code": refused.code, "status_reason_message": str(refused)[:999]}


# The records.

@dataclass(frozen=True)
class PaidMonth:
    month: date  # its first day
    payer: str  # a rules.contributions.Payer: who paid it (the programme's funding source, or mandiri)
    paid_on: date


@dataclass(frozen=True)
class Enrolment:
    """A person's membership in a programme, as one IBR tells another: enough to know which months it pays."""
    nik: str
    programme: str  # the programme's code
    programme_name: str
    status: str  # the membership's workflow status (candidate … active)
    protection: str  # the coverage engine's state today (aktif, menunggak, nonaktif, berakhir, belum_terdaftar)
    payer: str  # the programme's funding source (apbd, apbn, dana_desa, csr)
    payer_name: str  # who pays: this regency ("Pemkab Kaur")
    first: date  # first funded month (its first day)
    last: date  # last funded month
    ended_on: date | None  # died or left
    paid: tuple[PaidMonth, ...]


# What Lindung's contribution is, in the Beneficiary's benefit words.
BENEFIT = {"benefit_type": "Contribution", "benefit_value": "BPJS Ketenagakerjaan JKK+JKM",
           "benefit_frequency": "Monthly"}


def beneficiary(e: Enrolment) -> dict[str, Any]:
    """An IBR Beneficiary record of the membership. The funded months' end, the payer, the protection and the
    payer of each paid month are extension attributes (the standard allows them): the standard has no word for
    them."""
    return {
        "@type": "Beneficiary",
        "member": {"member_identifier": [{"identifier_type": NIK, "identifier_value": e.nik}]},
        "programme_identifier": {
            "programme": {"programme_identifier": e.programme, "programme_name": e.programme_name,
                          "funding_source": e.payer, "payer_name": e.payer_name},
            "enrolment_date": e.first.isoformat(), "enrolment_end_date": e.last.isoformat(),
            "enrolment_status": e.status, "protection_status": e.protection,
            "status_change_date": e.ended_on.isoformat() if e.ended_on else "",
            "benefits": [{**BENEFIT, "benefit_date": p.month.isoformat(), "payer": p.payer,
                          "paid_on": p.paid_on.isoformat()} for p in e.paid],
        },
    }


def enrolment_of(record: Mapping[str, Any]) -> Enrolment:
    """The Enrolment a ``beneficiary`` record tells (another Lindung's, or another payer's system pushing its
    enrolments): the person's NIK under any identifier type of IDENTIFIERS, dates as ISO dates or timestamps, the
    funded months' end required, paid months read where told as Lindung tells them. Raises KeyError, ValueError,
    TypeError or StopIteration on a record that lacks what the double-cover check needs."""
    nik = next(i["identifier_value"] for i in record["member"]["member_identifier"]
               if str(i["identifier_type"]).lower() in IDENTIFIERS)
    enrolled = record["programme_identifier"]
    programme = enrolled["programme"]
    ended = enrolled.get("status_change_date") or ""
    benefits = enrolled.get("benefits")
    return Enrolment(
        nik=str(nik).strip(), programme=str(programme["programme_identifier"]),
        programme_name=str(programme.get("programme_name", "")), status=str(enrolled.get("enrolment_status", "")),
        protection=str(enrolled.get("protection_status", "")), payer=str(programme.get("funding_source", "")),
        payer_name=str(programme.get("payer_name", "")), first=_day(enrolled["enrolment_date"]),
        last=_day(enrolled["enrolment_end_date"]), ended_on=_day(ended) if ended else None,
        paid=tuple(PaidMonth(_day(b["benefit_date"]), str(b.get("payer", "")), _day(b["paid_on"]))
                   for b in (benefits if isinstance(benefits, list) else [])
                   if isinstance(b, Mapping) and "paid_on" in b))


def _day(value: Any) -> date:
    """An ISO date, or the date of an ISO timestamp ("2024-04-12T00:00"). Raises ValueError, TypeError."""
    return datetime.fromisoformat(str(value)).date()


# Enrolment updates pushed to the IBR (/registry/sync/enrollment/updates, action "notify"): another payer's system
# tells which people it enrols for which months. Release 1.0.0's sample of process flow 1 sends the same beneficiaries
# as "receipt_information" under action "register": read too.
UPDATE_ACTIONS = ("notify", "register")


def enrolment_updates(enrolments: Sequence[Enrolment], *, sender_id: str, receiver_id: str,
                      now: datetime) -> dict[str, Any]:
    """The push of these enrolments to another IBR: the envelope (its header a MsgCallbackHeader_V1.0.0 of action
    "notify", as the release's operation has it) and an EnrollmentUpdatesRequest of their Beneficiary records."""
    envelope = request("notify", {"transaction_id": f"lindung-{now:%Y%m%d%H%M%S%f}",
                                  "enrolled_updates": {"beneficiaries": [beneficiary(e) for e in enrolments]}},
                       sender_id=sender_id, receiver_id=receiver_id, total_count=len(enrolments), now=now)
    envelope["header"].update(status="rcvd", completed_count=0)
    return envelope


def pushed_beneficiaries(message: Mapping[str, Any]) -> list[Any]:
    """The beneficiary records of an EnrollmentUpdatesRequest (each checked by ``enrolment_of`` on its own).
    Raises Rejected when the message holds none, or more than MAX_PAGE_SIZE."""
    updates = message.get("enrolled_updates", message.get("receipt_information"))
    found = updates.get("beneficiaries") if isinstance(updates, Mapping) else None
    if not isinstance(found, list) or not found:
        raise Rejected("err.request.bad", "message.enrolled_updates.beneficiaries: a list of Beneficiary records.")
    if len(found) > MAX_PAGE_SIZE:
        raise Rejected("rjct.total_count.limit_exceeded", f"At most {MAX_PAGE_SIZE} beneficiaries a message.")
    return found


def update_result(reference: int, status: str, message: str, *, now: datetime) -> dict[str, Any]:
    """One beneficiary's answer (EnrollmentUpdatesResponse.enrolled_response[]): succ, or rjct and why."""
    return {"reference_id": str(reference), "timestamp": timestamp(now), "status": status,
            "status_reason_message": message[:999]}


@dataclass(frozen=True)
class Worker:
    """A worker of the register, as the social registry tells him: no address, phone or family card."""
    nik: str
    name: str
    sex: str  # L or P
    birth_date: date
    desa: str  # the village's Kemendagri code
    occupation: str
    desil: int | None  # DTSEN welfare decile: 1 the poorest tenth
    extreme_poverty: bool
    registered: datetime
    updated: datetime


SEXES = {"L": "male", "P": "female"}


def member(w: Worker) -> dict[str, Any]:
    """A social-registry Member record of the worker; the decile is the poverty score the standard names."""
    identifier = [{"identifier_type": NIK, "identifier_value": w.nik}]
    return {
        "@type": "Member", "member_identifier": identifier,
        "demographic_info": {"identifier": identifier, "name": {"given_name": w.name}, "sex": SEXES.get(w.sex, ""),
                             "birth_date": w.birth_date.isoformat(), "sub_region_code": w.desa},
        "occupation": w.occupation, "poverty_score": w.desil, "poverty_score_type": "DTSEN desil",
        "additional_attributes": [{"extreme_poverty": w.extreme_poverty}],
        "registration_date": w.registered.isoformat(), "last_update": w.updated.isoformat(),
    }
