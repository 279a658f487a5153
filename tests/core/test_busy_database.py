"""A request that finds SQLite's write lock taken for longer than the connection waits: tried again, or a 503."""

from django.db import OperationalError
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import ResolverMatch

from lindung.core.middleware import BusyDatabaseMiddleware


def busy_then(answers: list):
    """A view that raises or answers each item of ``answers`` in turn."""
    def view(request):
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer
    return view


def request_to(method: str, view):
    request = getattr(RequestFactory(), method)("/peserta/")
    request.resolver_match = ResolverMatch(view, (), {})
    return request


def test_a_safe_request_is_tried_again_once(monkeypatch):
    monkeypatch.setattr(BusyDatabaseMiddleware, "PAUSE", 0)
    view = busy_then([HttpResponse("ok")])
    middleware = BusyDatabaseMiddleware(lambda request: HttpResponse())
    response = middleware.process_exception(request_to("get", view), OperationalError("database is locked"))
    assert response.status_code == 200 and response.content == b"ok"


def test_still_busy_or_a_write_is_a_503_with_retry_after_not_a_500(monkeypatch):
    monkeypatch.setattr(BusyDatabaseMiddleware, "PAUSE", 0)
    middleware = BusyDatabaseMiddleware(lambda request: HttpResponse())
    locked = OperationalError("database is locked")
    for request in (request_to("get", busy_then([OperationalError("database is locked")])),
                    request_to("post", busy_then([HttpResponse("never run")]))):
        response = middleware.process_exception(request, locked)
        assert response.status_code == 503 and response["Retry-After"] == "5"
    assert middleware.process_exception(request_to("get", busy_then([])), OperationalError("no such table")) is None
