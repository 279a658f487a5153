"""A fixed-window count of requests per key, for the public pages (the card's QR check, the status check by NIK):
every lookup counts, found or not, so the pages cannot be used to walk through cards or NIKs."""

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache


def over_limit(scope: str, key: str, limit: int, window: int) -> bool:
    """Counts one more request of ``key`` in ``scope`` and says whether it is over ``limit`` per ``window`` seconds.

    A fixed window in the shared cache (the database: every worker counts the same). The window is in the key, so
    writing the count again (with a new expiry) never stretches it."""
    entry = f"lindung.{scope}:{key}:{int(time.time()) // window}"
    count = cache.get(entry, 0) + 1
    cache.set(entry, count, window)
    return count > limit


def keyed(value: str) -> str:
    """A key for a personal value (a NIK): its HMAC, so the cache table never holds the value in clear."""
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()[:32]
