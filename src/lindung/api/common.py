"""What the apps' API routers share: the programme a path names, a checked choice, an answer outside the schema."""

from ninja.errors import HttpError

from lindung.programs import selectors as programs
from lindung.programs.models import Programme


class Refused(Exception):
    """Answer ``status`` with ``body`` instead of the endpoint's schema (e.g. 422 with every finding of a file);
    lindung.api.api renders it."""

    def __init__(self, status: int, body: dict):
        super().__init__(body.get("detail", ""))
        self.status, self.body = status, body


def programme_or_404(request, code: str) -> Programme:
    """The programme with this code, among those the caller may see (404 otherwise)."""
    return programs.programme_of(request.user, code)


def one_of(value: str, allowed, name: str) -> str:
    """``value`` if empty or among ``allowed``; else 422 naming the parameter and its choices."""
    if value and value not in allowed:
        raise HttpError(422, f"{name}: {', '.join(allowed)}.")
    return value
