import time

from django.conf import settings
from django.db import OperationalError
from django.http import HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext

from .error_views import too_large
from .uploads import max_upload_bytes


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


# Scripts only from our own files: an injected <script> or onclick="…" does not run. Styles may be inline (Plotly
# and htmx write them; a style cannot run code). Nothing is framed, nothing posts elsewhere.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:",
    "font-src 'self' data:", "connect-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'",
    "frame-ancestors 'none'",
])


def content_security_policy(get_response):
    def middleware(request):
        response = get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response

    return middleware


def upload_limit(get_response):
    """A request larger than the upload limit is refused from its Content-Length before a byte of it is read or
    kept on disk, on every path (pages, the API); the services check the size again as they read."""
    def middleware(request):
        length = request.META.get("CONTENT_LENGTH") or ""
        # A form's other fields come with the file: a megabyte of slack.
        if length.isdigit() and int(length) > max_upload_bytes() + 1024 * 1024:
            message = gettext("The file is larger than %(mb)s MB.") % {"mb": settings.LINDUNG_MAX_UPLOAD_MB}
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=413)
            return too_large(request, message)
        return get_response(request)

    return middleware


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
