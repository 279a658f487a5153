"""Who is asking: the address login throttling, the public check's rate limit and the logs count by."""

from django.conf import settings


def client_address(request) -> str:
    """The connecting address, or behind our proxy (LINDUNG_BEHIND_PROXY) the last X-Forwarded-For entry — the
    one the proxy added; earlier entries come from the client and could be made up."""
    if settings.LINDUNG_BEHIND_PROXY:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")
