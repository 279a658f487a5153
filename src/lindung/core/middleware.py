from django.conf import settings
from django.http import JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _

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
            message = _("The file is larger than %(mb)s MB.") % {"mb": settings.LINDUNG_MAX_UPLOAD_MB}
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=413)
            return too_large(request, message)
        return get_response(request)

    return middleware
