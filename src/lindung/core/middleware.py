import time

from django.conf import settings
from django.db import OperationalError
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext


class LanguageMiddleware(LocaleMiddleware):
    """Bahasa Indonesia unless the user chose English with the switch.

    The browser's Accept-Language is ignored: many phones in Indonesia are set to English, and the
    office works in Indonesian.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def _locked(exc: Exception) -> bool:
    return isinstance(exc, OperationalError) and "database is locked" in str(exc)


class BusyDatabaseMiddleware:
    """SQLite lets one writer in at a time; another waits for the connection's timeout (settings: 20 s), then fails
    with "database is locked". A safe request (GET, HEAD) that failed so runs its view once more after a short pause;
    a request that still finds the database busy is answered 503 with Retry-After, in words, never a 500."""

    PAUSE = 0.5  # seconds before the second try

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not _locked(exception):
            return None
        match = request.resolver_match
        if request.method in ("GET", "HEAD") and match is not None:
            time.sleep(self.PAUSE)
            try:
                return match.func(request, *match.args, **match.kwargs)
            except OperationalError as again:
                if not _locked(again):
                    raise
        response = HttpResponse(gettext("The database is busy with a large job. Try again in a moment."),
                                status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = "5"
        return response
