"""The SPDCI release 1.0.0 specifications as JSON schemas, read from ../shared/spdci beside the repository (the
standard's files are reference data, not the project's: they are never copied in).

The three yaml files are registered together (``urn:spdci:<file>``), so a reference resolves in whichever file holds
it; release 1.0.0's files only refer within themselves. A reference the release leaves pointing nowhere is named
in DANGLING and replaced by an empty schema (anything), so the rest of the file can still be checked."""

import json
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT4

SPDCI = Path(__file__).resolve().parents[3] / "shared" / "spdci"
FILES = {"ibr": "ibr_api_v1.0.0.yaml", "social": "social_api_v1.0.0.yaml", "core": "registry_core_api_v1.0.0.yaml"}
SAMPLES = SPDCI / "samples"

# The release's references to nothing (file, reference): the copies of the search query point into a
# /registry/search request whose query has no such part (no allOf in the value, no expression1 in that branch);
# the social registry's txn on-status example into a response that has no reg_records there.
_SEARCH = "#/paths/~1registry~1search/post/requestBody/content/application~1json/schema/properties/message/oneOf/0" \
          "/properties/search_request/items/properties/search_criteria/properties/query/oneOf/"
DANGLING = {
    ("ibr", _SEARCH + "1/properties/value/allOf/1"),
    ("ibr", _SEARCH + "2/items/properties/expression1"),
    ("social", _SEARCH + "1/properties/value/allOf/1"),
    ("social", _SEARCH + "2/items/properties/expression1"),
    ("social", "#/paths/~1registry~1txn~1on-status/post/requestBody/content/application~1json/schema/properties"
               "/message/oneOf/0/properties/txnstatus_response/example/properties/search_response/items/properties"
               "/data/properties/reg_records/items"),
}


def uri(api: str) -> str:
    return f"urn:spdci:{FILES[api]}"


def _refs(node: Any):
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


@cache
def loaded() -> tuple[dict[str, Any], Registry, frozenset]:
    """The specifications by api, their registry, and the dangling references found (and emptied)."""
    docs = {api: yaml.safe_load((SPDCI / name).read_text()) for api, name in FILES.items()}
    registry = Registry().with_resources([(uri(api), Resource(doc, DRAFT4)) for api, doc in docs.items()])
    dangling = set()
    for api, doc in docs.items():
        resolver = registry.resolver(base_uri=uri(api))
        for node in _refs(doc):
            try:
                resolver.lookup(node["$ref"])
            except Unresolvable:
                dangling.add((api, node.pop("$ref")))
    registry = Registry().with_resources([(uri(api), Resource(doc, DRAFT4)) for api, doc in docs.items()])
    return docs, registry, frozenset(dangling)


def _pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def schema(api: str, *parts: str) -> dict[str, Any]:
    """A reference to the schema at ``parts`` of the api's file, e.g. ("components", "schemas", "SearchRequest")."""
    return {"$ref": f"{uri(api)}#/{_pointer(*parts)}"}


def request_schema(api: str, path: str) -> dict[str, Any]:
    return schema(api, "paths", path, "post", "requestBody", "content", "application/json", "schema")


def response_schema(api: str, path: str) -> dict[str, Any]:
    """The operation's default (answered) response. Where the release puts a bare schema in place of a response
    (/registry/sync/enrolled: EnrolledResponse), that schema is the envelope's message, under a callback header."""
    docs, _registry, _dangling = loaded()
    default = docs[api]["paths"][path]["post"]["responses"]["default"]
    if "content" in default:
        return schema(api, "paths", path, "post", "responses", "default", "content", "application/json", "schema")
    return {"type": "object", "required": ["header"], "properties": {
        "signature": schema(api, "components", "schemas", "MsgSignature"),
        "header": schema(api, "components", "schemas", "MsgCallbackHeader_V1.0.0"),
        "message": {"$ref": default["$ref"].replace("#", uri(api) + "#", 1)}}}


def http_error_schema(api: str) -> dict[str, Any]:
    return schema(api, "components", "responses", "HttpErrorResponse", "content", "application/json", "schema")


def errors(against: dict[str, Any], instance: Any) -> list[tuple[str, str, str]]:
    """(where, schema keyword, what) of every leaf error of ``instance`` against the schema ``against``: inside a oneOf, the
    errors of the branch that got furthest."""
    _docs, registry, _dangling = loaded()
    found = []
    for e in Draft4Validator(against, registry=registry).iter_errors(instance):
        found += _leaves(e)
    return sorted(set(found))


def _leaves(e) -> list[tuple[str, str, str]]:
    if not e.context:
        return [("/".join(str(p) for p in e.absolute_path), str(e.validator), e.message[:200])]
    # The branch whose errors lie deepest is the one meant (SearchRequest, not EncryptedMessage).
    branches: dict[int, list] = {}
    for c in e.context:
        branches.setdefault(c.schema_path[0], []).append(c)
    best = max(branches.values(), key=lambda cs: max(len(c.absolute_path) for c in cs))
    return [leaf for c in best for leaf in _leaves(c)]


def sample(name: str) -> Any:
    return json.loads((SAMPLES / name).read_text())
