"""The SPDCI envelope's signature (release 1.0.0's MsgSignature), without Django: Ed25519 over the header and the
message, in the release's words::

    Signature: namespace="spdci", kidId="{sender_id}|{key_id}|ed25519", algorithm="ed25519", created="1606970629",
    expires="1607030629", headers="(created) (expires) digest", signature="Base64(signature)"

What is signed (the release names the parts, not their bytes; this is Lindung's reading, the same both ways)::

    (created): 1606970629
    (expires): 1607030629
    digest: SHA-256=Base64(sha256(canonical(header) + canonical(message)))

``canonical`` is JSON with sorted keys, no spaces, UTF-8 (no message: nothing). The receiver computes it from the JSON
it received, so any change to the header or the message breaks the signature. ``key_id`` is the first 16 hex digits
of the SHA-256 of the raw public key; a public key is written as the Base64 of its 32 raw bytes.
"""

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALGORITHM = "ed25519"
NAMESPACE = "spdci"
HEADERS = "(created) (expires) digest"
# How long a signature holds, and how far the signer's clock may run ahead of ours.
LIFETIME = timedelta(minutes=10)
SKEW = timedelta(minutes=5)
# The longest life we accept, whatever the signer wrote: a signature good for a year is a request anyone who saw it
# may send again all year.
MAX_LIFETIME = timedelta(hours=1)


class BadSignature(Exception):
    """The envelope is unsigned (``code`` err.signature.missing) or its signature does not hold
    (err.signature.invalid: malformed, another key, expired, or the header or message changed)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def new_private_key() -> bytes:
    """A new Ed25519 private key, as PKCS#8 PEM."""
    return Ed25519PrivateKey.generate().private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                      serialization.NoEncryption())


def load_private_key(path: str | Path) -> Ed25519PrivateKey:
    """The Ed25519 private key in the PEM file ``path``. Raises ValueError (another kind of key, no key), OSError."""
    key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("not an Ed25519 private key")
    return key


def public_key_text(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The public key as the Base64 of its 32 raw bytes: what a peer writes in its settings."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return base64.b64encode(public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode()


def public_key_of(text: str) -> Ed25519PublicKey:
    """A public key written by ``public_key_text``. Raises ValueError."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("not Base64") from None
    if len(raw) != 32:
        raise ValueError("not the 32 bytes of an Ed25519 public key")
    return Ed25519PublicKey.from_public_bytes(raw)


def key_id(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    return hashlib.sha256(base64.b64decode(public_key_text(key))).hexdigest()[:16]


def _canonical(part: Any) -> bytes:
    return json.dumps(part, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _content(header: Mapping[str, Any], message: Any, created: int, expires: int) -> bytes:
    body = _canonical(header) + (b"" if message is None else _canonical(message))
    digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
    return f"(created): {created}\n(expires): {expires}\ndigest: SHA-256={digest}".encode()


def sign(envelope: Mapping[str, Any], key: Ed25519PrivateKey, *, sender_id: str, now: datetime,
         lifetime: timedelta = LIFETIME) -> str:
    """The signature of the envelope's header and message (if any) by ``sender_id``'s ``key``, valid from ``now``
    for ``lifetime``."""
    created = int(now.timestamp())
    expires = int((now + lifetime).timestamp())
    signed = key.sign(_content(envelope["header"], envelope.get("message"), created, expires))
    return (f'Signature: namespace="{NAMESPACE}", kidId="{sender_id}|{key_id(key)}|{ALGORITHM}", '
            f'algorithm="{ALGORITHM}", created="{created}", expires="{expires}", headers="{HEADERS}", '
            f'signature="{base64.b64encode(signed).decode()}"')


def signed(envelope: Mapping[str, Any], key: Ed25519PrivateKey | None, *, sender_id: str,
           now: datetime) -> dict[str, Any]:
    """The envelope with its signature (unchanged, signature empty, without a key)."""
    out = dict(envelope)
    out["signature"] = "" if key is None else sign(envelope, key, sender_id=sender_id, now=now)
    return out


_PARAM = re.compile(r'(\w+)="([^"]*)"')


@dataclass(frozen=True)
class Signature:
    sender_id: str
    key_id: str
    created: int
    expires: int
    value: bytes


def parse(text: str) -> Signature:
    """The parts of a signature. Raises BadSignature (missing when empty, invalid when unreadable)."""
    if not (text or "").strip():
        raise BadSignature("err.signature.missing", "The envelope is not signed.")
    params = dict(_PARAM.findall(text))
    kid = params.get("kidId", "").split("|")
    try:
        if (len(kid) != 3 or kid[2].lower() != ALGORITHM or params.get("algorithm", "").lower() != ALGORITHM
                or params.get("headers") != HEADERS):
            raise ValueError
        return Signature(kid[0], kid[1], int(params["created"]), int(params["expires"]),
                         base64.b64decode(params["signature"], validate=True))
    except (KeyError, ValueError, binascii.Error):
        raise BadSignature("err.signature.invalid", f'Not a signature of {ALGORITHM} over "{HEADERS}".') from None


def verify(envelope: Mapping[str, Any], key: Ed25519PublicKey, *, now: datetime) -> Signature:
    """Checks the envelope's signature (as received: its header and message as JSON) against the sender's public
    ``key``, at ``now``. Returns it; raises BadSignature when it is missing, unreadable, by another key, not yet
    valid, expired or valid for longer than MAX_LIFETIME, or does not hold over the header and message."""
    found = parse(str(envelope.get("signature") or ""))
    if found.key_id != key_id(key):
        raise BadSignature("err.signature.invalid", "Signed with another key than the one registered.")
    moment = int(now.timestamp())
    if found.created > moment + SKEW.total_seconds():
        raise BadSignature("err.signature.invalid", "The signature is created in the future.")
    if found.expires < moment:
        raise BadSignature("err.signature.invalid", "The signature has expired.")
    if found.expires - found.created > MAX_LIFETIME.total_seconds():
        raise BadSignature("err.signature.invalid", f"The signature is valid for longer than {MAX_LIFETIME}.")
    header = envelope.get("header")
    if not isinstance(header, Mapping):
        raise BadSignature("err.signature.invalid", "No header to verify.")
    try:
        key.verify(found.value, _content(header, envelope.get("message"), found.created, found.expires))
    except InvalidSignature:
        raise BadSignature("err.signature.invalid", "The signature does not hold over the header and message.") from None
    return found
