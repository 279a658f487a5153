"""Contract tests of the SPDCI release 1.0.0 APIs: our requests and answers validate against the standard's schemas
(read from ../shared/spdci, see standard.py), the standard's samples validate but for their known defects and are
answered, errors are said as the standard says them, and every search keeps to the token's area and is audited."""

from datetime import date, datetime, timedelta, timezone

import pytest
from django.test import Client

from lindung.accounts.services import issue_token
from lindung.audit.models import Event
from lindung.enrolment.models import Membership
from lindung.pipeline import spdci
from lindung.pipeline.spdci_client import search_request
from lindung.registry.models import Peserta
from tests.conftest import BANDAR_BINTUHAN, KINAL_VILLAGE, make_peserta
from tests.factories import bearer

from . import standard

IBR = "/api/spdci/ibr/v1.0.0"
SOCIAL = "/api/spdci/social/v1.0.0"
ENROLLED, SEARCH = "/registry/sync/enrolled", "/registry/sync/search"
NOW = datetime(2025, 3, 1, 8, tzinfo=timezone.utc)


def post(client, url: str, body, token: str | None):
    return client.post(url, body, content_type="application/json", **(bearer(token) if token else {}))


def assert_answer_valid(api: str, path: str, response) -> dict:
    body = response.json()
    if response.status_code in (200, 400) and "header" in body:
        assert standard.errors(standard.response_schema(api, path), body) == []
        # The envelope's header is also the registry core's callback header.
        assert standard.errors(standard.schema("core", "components", "schemas", "MsgCallbackHeader_V1.0.0"),
                               body["header"]) == []
    else:
        assert standard.errors(standard.http_error_schema(api), body) == []
    return body


def enrolled_request(*niks: str, **query) -> dict:
    query = query or {"person_identifier": {"in": list(niks)} if len(niks) > 1 else {"eq": niks[0]}}
    return spdci.request("search", {"transaction_id": "t-1", "enrolled_criteria": {
        "query_type": "expression", "response_entity": "Member", "query": query}},
        sender_id="lindung.17.01", receiver_id="lindung.17.04", total_count=1, now=NOW)


def search(*criteria: dict) -> dict:
    return spdci.request("search", {"transaction_id": "t-2", "search_request": [
        {"reference_id": str(i), "timestamp": spdci.timestamp(NOW), "search_criteria": {"version": "1.0.0", **c}}
        for i, c in enumerate(criteria)]}, sender_id="lindung.17.01", receiver_id="lindung.17.04",
        total_count=len(criteria), now=NOW)


def since(moment: str) -> dict:
    return {"query_type": "predicate", "query": [
        {"seq_num": 1, "expression1": {"attribute_name": "last_update", "operator": "ge", "attribute_value": moment}}]}


# The standard's files.

def test_the_release_is_1_0_0_under_the_apache_licence():
    docs, _registry, dangling = standard.loaded()
    assert all(name.endswith("_v1.0.0.yaml") for name in standard.FILES.values())
    # The social registry's file lost its info.version into the description's last line (an indentation slip).
    versions = {api: d["info"].get("version") or d["info"]["description"].rsplit("version:", 1)[-1].strip()
                for api, d in docs.items()}
    assert versions == {"ibr": "1.0.0", "social": "1.0.0", "core": "1.0.0"}
    assert "Apache License" in (standard.SPDCI / "LICENSE.md").read_text()
    assert dangling == standard.DANGLING, "the release's references changed: check DANGLING"


def test_our_requests_validate():
    assert standard.errors(standard.request_schema("ibr", ENROLLED), enrolled_request("1704055709800011")) == []
    assert standard.errors(standard.request_schema("ibr", ENROLLED), enrolled_request(
        attribute_name="person_identifier", operator="eq", attribute_value="1704055709800011")) == []
    asked = search_request(["1704055709800011", "1704051203820012"], sender_id="lindung.17.01",
                           receiver_id="lindung.17.04", now=NOW)
    assert standard.errors(standard.request_schema("ibr", SEARCH), asked) == []
    for body in (search(since("2025-01-01")), search({"query_type": "idtype-value",
                                                      "query": {"type": "NIK", "value": "1704055709800011"}})):
        assert standard.errors(standard.request_schema("ibr", SEARCH), body) == []
        assert standard.errors(standard.request_schema("social", SEARCH), body) == []


# The samples: which operation each shows, and their departures from their own schemas.
SERVED = {
    "ibr-processflow2": ("ibr", ENROLLED),
    "ibr-processflow3a": ("ibr", SEARCH),
    "ibr-processflow4": ("ibr", SEARCH),
    **{f"social-processflow{n}": ("social", SEARCH) for n in ("1-1", "1-2", "1-3", "2", "3a", "4")},
}
# Process flow 1 pushes enrolments into an IBR (SP system to IBR, action "register", receipt_information): answered
# by /registry/sync/enrollment/updates (test_enrolment_updates.py), though it departs from that operation's schema in
# its header and message keys. The other IBR files are empty placeholders in the release.
NOT_SERVED = {"ibr-processflow1"}
PLACEHOLDERS = {"ibr-processflow3", "ibr-processflow3b", "ibr-processflow3c", "ibr-processflow3d", "ibr-processflow5"}


def sample_defect(where: str, keyword: str, what: str) -> str | None:
    """The name of a known departure of the release's samples from its schemas, None for any other error."""
    field = where.rsplit("/", 1)[-1]
    if what.startswith(("'' ", "None is not")):
        return "empty or null where a field is absent"  # meta, consent, locale, status_reason_code, condition, …
    if field in ("total_count", "completed_count") and "is not of type" in what:
        return "counts as strings"
    if field == "locale":
        return "locale not ISO 639-3 (EN/GB)"
    if field in ("reg_event_type", "response_entity") and "is not one of" in what:
        return "event type or entity outside the enum (REGISTER, SEARCH, Beneficiary, Household, member)"
    if field == "query" and keyword == "oneOf":
        return "a NoSql query matches two oneOf branches of the release's query"
    if where == "header/action" and "'search'" in what:
        return "an answer's action 'search' where the release says 'on-search'"
    if where == "message" and "'enrolled_response' is a required property" in what:
        return "the enrolled answer shaped as a search answer"
    return None


def sample_names(kind: str) -> list[str]:
    return sorted(f.name for f in standard.SAMPLES.glob(f"*{kind}.json"))


def test_every_sample_is_known():
    flows = {n.removesuffix("req.json") for n in sample_names("req")}
    assert flows == set(SERVED) | NOT_SERVED | PLACEHOLDERS
    for flow in PLACEHOLDERS:
        assert standard.sample(flow + "req.json") == {"signature": "", "headers": "", "message": ""}


@pytest.mark.parametrize("flow", sorted(SERVED))
def test_the_samples_validate_but_for_their_known_defects(flow):
    api, path = SERVED[flow]
    found = standard.errors(standard.request_schema(api, path), standard.sample(flow + "req.json"))
    answer = standard.sample(flow + "res.json")
    found += standard.errors(standard.response_schema(api, path), answer)
    assert [e for e in found if sample_defect(*e) is None] == []


@pytest.mark.parametrize("flow", sorted(SERVED))
def test_the_samples_are_answered(users, flow):
    api, path = SERVED[flow]
    token = issue_token(users["admin"])
    response = post(Client(), (IBR if api == "ibr" else SOCIAL) + path, standard.sample(flow + "req.json"), token)
    assert response.status_code == 200, response.content
    body = assert_answer_valid(api, path, response)
    assert body["header"]["status"] == "succ" and body["header"]["version"] == "1.0.0"
    assert body["header"]["receiver_id"] == standard.sample(flow + "req.json")["header"]["sender_id"]
    results = body["message"].get("search_response") or body["message"]["enrolled_response"]
    assert len(results) == 1
    # Each search is answered, or refused with the standard's reason where it asks what the register does not
    # hold (household size, marital status, a "less than" on sex).
    assert results[0]["status"] == "succ" or results[0]["status_reason_code"] == "rjct.search_criteria.invalid"


def test_the_register_sample_is_refused_as_another_action(users):
    response = post(Client(), IBR + SEARCH, standard.sample("ibr-processflow1req.json"), issue_token(users["admin"]))
    assert response.status_code == 400
    body = assert_answer_valid("ibr", SEARCH, response)
    assert body["header"]["status"] == "rjct" and body["header"]["status_reason_code"] == "rjct.action.invalid"


# Answers from a regency's data.

@pytest.fixture
def ibr(users, funded):
    """The funded Kaur programme (January and February 2025 paid) and an office token."""
    return Client(), issue_token(users["admin"]), funded


def test_enrolled_answers_the_months_this_regency_pays(ibr):
    client, token, programme = ibr
    member = programme.memberships.select_related("peserta").order_by("pk").first().peserta
    stranger = make_peserta(BANDAR_BINTUHAN, "Rina Takterdaftar", sex="P", serial=14)
    response = post(client, IBR + ENROLLED, enrolled_request(member.nik, stranger.nik), token)
    body = assert_answer_valid("ibr", ENROLLED, response)
    first, second = body["message"]["enrolled_response"]
    assert (first["enrolled_status"], second["enrolled_status"]) == ("yes", "no")
    assert second["data"]["reg_records"] == []
    [record] = first["data"]["reg_records"]
    told = spdci.enrolment_of(record)
    assert (told.nik, told.programme, told.payer, told.payer_name) == (member.nik, programme.code, "apbd", "Pemkab Kaur")
    assert (told.first, told.last, told.status) == (date(2025, 1, 1), date(2025, 2, 1), "active")
    assert [(p.month, p.payer) for p in told.paid] == [(date(2025, 1, 1), "apbd"), (date(2025, 2, 1), "apbd")]
    assert body["header"]["total_count"] == 1 and body["header"]["sender_id"] == "lindung.17.04"


def test_the_enrolment_updates_since_a_moment_page_by_page(ibr):
    client, token, programme = ibr
    members = programme.memberships.count()
    assert members >= 3
    yesterday = (datetime.now(timezone.utc) - timedelta(days=1)).isoformat()
    asked = search({**since(yesterday), "pagination": {"page_size": 2, "page_number": 1}},
                   {**since(yesterday), "pagination": {"page_size": 2, "page_number": 2}},
                   since((datetime.now(timezone.utc) + timedelta(days=1)).isoformat()))
    body = assert_answer_valid("ibr", SEARCH, post(client, IBR + SEARCH, asked, token))
    one, two, none = body["message"]["search_response"]
    assert one["pagination"] == {"page_size": 2, "page_number": 1, "total_count": members}
    niks = [r["member"]["member_identifier"][0]["identifier_value"] for r in one["data"]["reg_records"] +
            two["data"]["reg_records"]]
    assert len(niks) == min(members, 4) and niks == sorted(niks)
    assert none["data"]["reg_records"] == [] and none["pagination"]["total_count"] == 0
    # A month paid since is an update though the membership did not change.
    Membership.objects.update(updated=datetime(2025, 1, 1, tzinfo=timezone.utc))
    body = post(client, IBR + SEARCH, search(since("2025-02-01")), token).json()
    assert body["message"]["search_response"][0]["pagination"]["total_count"] == members
    body = post(client, IBR + SEARCH, search(since("2025-03-01")), token).json()
    assert body["message"]["search_response"][0]["pagination"]["total_count"] == 0


@pytest.mark.parametrize("criteria, reason", [
    ({"query_type": "idtype-value", "query": {"type": "NIK", "value": "1"}, "pagination": {"page_size": 0}},
     "rjct.pagination.invalid"),
    ({"query_type": "idtype-value", "query": {"type": "NIK", "value": "1"}, "pagination": {"page_size": 5000}},
     "rjct.pagination.invalid"),
    ({"query_type": "predicate", "query": [{"expression1": {"attribute_name": "alamat", "operator": "eq",
                                                            "attribute_value": "x"}}]}, "rjct.search_criteria.invalid"),
    ({"query_type": "predicate", "query": [{"expression1": {"attribute_name": "nik", "operator": "eq",
                                                            "attribute_value": "1"}, "condition": "or",
                                            "expression2": {"attribute_name": "nik", "operator": "eq",
                                                            "attribute_value": "2"}}]}, "rjct.search_criteria.invalid"),
    ({"query_type": "predicate", "query": [{"expression1": {"attribute_name": "last_update", "operator": "ge",
                                                            "attribute_value": "kemarin"}}]}, "rjct.search_criteria.invalid"),
])
def test_a_search_it_cannot_answer_is_refused_with_the_standards_reason(users, criteria, reason):
    body = assert_answer_valid("ibr", SEARCH, post(Client(), IBR + SEARCH, search(criteria),
                                                   issue_token(users["admin"])))
    [result] = body["message"]["search_response"]
    assert (result["status"], result["status_reason_code"]) == ("rjct", reason)
    assert body["header"]["status"] == "succ" and body["header"]["completed_count"] == 1


def test_errors_in_the_envelope(users):
    client, token = Client(), issue_token(users["admin"])
    asked = search(since("2025-01-01"))
    # No token, a wrong one: HTTP 401 with the standard's error code.
    for wrong in (None, "lnd_salah"):
        response = post(client, SOCIAL + SEARCH, asked, wrong)
        assert response.status_code == 401
        assert assert_answer_valid("social", SEARCH, response)["errors"][0]["code"] == "err.request.unauthorized"
    # No envelope: HTTP 400, err.request.bad, saying where (never echoing the body).
    response = post(client, IBR + ENROLLED, {"header": {"action": "search"}, "message": "1704055709800011"}, token)
    assert response.status_code == 400 and "1704055709800011" not in response.content.decode()
    assert assert_answer_valid("ibr", ENROLLED, response)["errors"][0]["code"] == "err.request.bad"
    # Another release, another action, an encrypted message: the header refuses, with the reason.
    for change, reason in [({"version": "2.0.0"}, "rjct.version.invalid"), ({"action": "subscribe"}, "rjct.action.invalid"),
                           ({"is_msg_encrypted": True}, None)]:
        response = post(client, SOCIAL + SEARCH, {**asked, "header": {**asked["header"], **change}}, token)
        assert response.status_code == 400
        header = assert_answer_valid("social", SEARCH, response)["header"]
        assert header["status"] == "rjct" and header.get("status_reason_code") == reason
    assert "err.encryption.invalid" in header["status_reason_message"]
    # An enrolled query naming nobody.
    response = post(client, IBR + ENROLLED, enrolled_request(programme_identifier={"eq": "kaur-2025"}), token)
    assert response.status_code == 400
    assert "rjct.search_criteria.invalid" in assert_answer_valid("ibr", ENROLLED, response)["header"]["status_reason_message"]


# The area of the token.

def test_a_camats_token_finds_his_kecamatans_people_only(users, funded):
    client, token = Client(), issue_token(users["camat"])
    inside = Peserta.objects.get(nama="Ahmad Nelayan")
    outside = Peserta.objects.get(nama="Joko Nelayan")  # Kinal: another kecamatan
    assert Membership.objects.filter(peserta=outside).exists()
    body = post(client, IBR + ENROLLED, enrolled_request(inside.nik, outside.nik), token).json()
    assert [a["enrolled_status"] for a in body["message"]["enrolled_response"]] == ["yes", "no"]
    for url in (IBR + SEARCH, SOCIAL + SEARCH):
        body = post(client, url, search({"query_type": "idtype-value", "query": {"type": "NIK", "value": outside.nik}},
                                        since("2000-01-01")), token).content.decode()
        assert outside.nik not in body and outside.nama not in body and inside.nik in body
    kinal = {"query_type": "predicate", "query": [{"expression1": {"attribute_name": "sub_region_code", "operator": "eq",
                                                                   "attribute_value": KINAL_VILLAGE[:8]}}]}
    body = post(client, SOCIAL + SEARCH, search(kinal), token).json()
    assert body["message"]["search_response"][0]["pagination"]["total_count"] == 0


def test_the_bpjs_officer_finds_members_never_the_register(users, funded):
    client, token = Client(), issue_token(users["bpjs"])
    never = make_peserta(BANDAR_BINTUHAN, "Rina Takterdaftar", sex="P", serial=14)
    body = post(client, SOCIAL + SEARCH, search(since("2000-01-01"), {
        "query_type": "idtype-value", "query": {"type": "NIK", "value": never.nik}}), token).content.decode()
    assert never.nik not in body and never.nama not in body
    assert Peserta.objects.get(nama="Ahmad Nelayan").nik in body


def test_the_social_registry_answers_workers_without_address_or_phone(users, funded):
    Peserta.objects.update(telepon="081234567890", alamat="Jalan Rahasia 1", no_kk="1704050101990099")
    client, token = Client(), issue_token(users["admin"])
    poorest = {"query_type": "expression", "query": {"type": "ns:org:QueryType:NoSql", "value": {"expression": {
        "collection": "Member", "query": {"$and": [{"poverty_score": {"$lt": 2}}, {"sex": {"$eq": "female"}}]}}}}}
    response = post(client, SOCIAL + SEARCH, search(poorest), token)
    body = assert_answer_valid("social", SEARCH, response)
    names = {r["demographic_info"]["name"]["given_name"] for r in body["message"]["search_response"][0]["data"]["reg_records"]}
    assert names == set(Peserta.objects.filter(jenis_kelamin="P", desil__lt=2).values_list("nama", flat=True))
    assert names and not {"081234567890", "Jalan Rahasia 1", "1704050101990099"} & set(response.content.decode().split('"'))


def test_every_search_is_audited_without_a_nik(ibr):
    client, token, programme = ibr
    member = programme.memberships.select_related("peserta").first().peserta
    before = Event.objects.count()
    post(client, IBR + ENROLLED, enrolled_request(member.nik), token)
    post(client, IBR + SEARCH, search(since("2025-01-01")), token)
    post(client, SOCIAL + SEARCH, search(since("2025-01-01")), token)
    events = list(Event.objects.order_by("seq")[before:])
    assert [(e.action, e.target_id) for e in events] == [("spdci.searched", "ibr-enrolled"),
                                                         ("spdci.searched", "ibr-search"),
                                                         ("spdci.searched", "social-search")]
    assert all(member.nik not in e.summary and member.nama not in e.summary for e in events)
    assert "lindung.17.01" in events[0].summary


def test_each_api_has_its_openapi_docs(client, db):
    for base, title in [(IBR, "IBR"), (SOCIAL, "social registry")]:
        schema = client.get(base + "/openapi.json").json()
        assert title in schema["info"]["title"] and schema["info"]["version"] == "1.0.0"
        assert base + SEARCH in schema["paths"]
        assert client.get(base + "/docs").status_code == 200
    assert IBR + ENROLLED in client.get(IBR + "/openapi.json").json()["paths"]
