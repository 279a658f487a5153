"""This registry's SPDCI signing key (settings.LINDUNG_SPDCI_SIGNING_KEY) and its callers' public keys
(settings.LINDUNG_SPDCI_CALLER_KEYS); the signing itself is pipeline.spdci_sign's."""

from functools import lru_cache

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from lindung.pipeline.spdci_sign import key_id, load_private_key, public_key_of, public_key_text


@lru_cache(maxsize=4)
def _load(path: str) -> Ed25519PrivateKey:
    try:
        return load_private_key(path)
    except (OSError, ValueError, TypeError) as e:
        raise ImproperlyConfigured(f"LINDUNG_SPDCI_SIGNING_KEY: {path} is no Ed25519 private key in PEM ({e}).") from None


def signing_key() -> Ed25519PrivateKey | None:
    """The key every SPDCI answer and request of this registry is signed with; None when none is set."""
    path = settings.LINDUNG_SPDCI_SIGNING_KEY
    return _load(str(path)) if path else None


def published() -> list[dict[str, str]]:
    """The public key others verify our signatures with, as /keys serves it (none without a signing key)."""
    key = signing_key()
    if key is None:
        return []
    return [{"kid": f"{settings.LINDUNG_SPDCI_ID}|{key_id(key)}|ed25519", "algorithm": "ed25519",
             "public_key": public_key_text(key)}]


def caller_key(user) -> Ed25519PublicKey | None:
    """The public key the requests made with ``user``'s token must be signed with; None when its caller does not
    sign."""
    text = settings.LINDUNG_SPDCI_CALLER_KEYS.get(getattr(user, "username", ""), "")
    return public_key_of(text) if text else None
