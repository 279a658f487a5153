"""The signed token in a card's QR code, and the public link it makes.

The token is the card number and an HMAC of it (``django.core.signing``, a salt of its own, so no other
signed value of Lindung is a valid token): ``25000000001-1.<43 URL-safe characters>``. Nobody can make a
token for another number without the key, so the public page cannot be used to guess members.

No expiry: whether the card is valid is decided live on every lookup (voided, returned, coverage today), so
a single card is revoked by voiding it. The key is SECRET_KEY (LINDUNG_SECRET_KEY) alone, deliberately
without SECRET_KEY_FALLBACKS: rotating the key revokes every printed QR code at once (the way to disown
tokens made with a leaked key), and the cards must then be reprinted to verify again.
"""

from urllib.parse import urljoin

from django.conf import settings
from django.core import signing
from django.http import HttpRequest
from django.urls import reverse

SALT = "lindung.cards.verification"


def _signer() -> signing.Signer:
    # "." cannot occur in the base64 signature; every character of the token is URL-safe as it is.
    return signing.Signer(key=settings.SECRET_KEY, fallback_keys=[], salt=SALT, sep=".")


def token_for(card_number: str) -> str:
    return _signer().sign(card_number)


def card_number_from(token: str) -> str:
    """The card number the token was made for; signing.BadSignature if it was not made with our key."""
    return _signer().unsign(token)


def verification_url(request_or_base: HttpRequest | str, card) -> str:
    """The public verification link of ``card`` (anything with a ``number``): absolute, on the request's
    host, or on a base URL such as settings.LINDUNG_PUBLIC_URL (what the QR codes carry)."""
    path = reverse("card_verify", kwargs={"token": token_for(card.number)})
    if isinstance(request_or_base, HttpRequest):
        return request_or_base.build_absolute_uri(path)
    return urljoin(request_or_base.rstrip("/") + "/", path.lstrip("/"))
