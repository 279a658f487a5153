"""The error pages (handler400/403/404/500 in lindung.urls): in the app's layout and the user's language, with the
reason a view or service gave for the user ("Hanya Dinas yang mencetak kartu.") and a way back. An htmx request
gets the message alone, sent to the box each page keeps for it (#htmx-error in base.html, shown by
static/lindung/htmx-errors.js: htmx drops a 4xx/5xx answer by itself)."""

import re

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import Resolver404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import requires_csrf_token

ERRORS = {
    400: (_("The request could not be read"),
          _("Something in the address or the form was not as expected. Go back and try again.")),
    403: (_("Not allowed"), _("Your role or your area does not allow this.")),
    404: (_("Not found"), _("This page does not exist, or what it would show is outside your area.")),
    413: (_("The file is too large"), _("Nothing was received or changed. Send a smaller file, or split it.")),
    500: (_("Something went wrong"),
          _("The error has been recorded. Try again in a moment; if it happens again, tell the office.")),
}
# Django's own message of get_object_or_404: a model's name, not a reason for the user.
_DJANGO_404 = re.compile(r"No .+ matches the given query\.")


def reason(exception) -> str:
    """The message the view or service raised for the user, or "" when there is none or it is Django's own (a URL
    that matched nothing carries the patterns tried; get_object_or_404 names the model)."""
    if exception is None or isinstance(exception, Resolver404) or len(exception.args) != 1:
        return ""
    message = exception.args[0]
    if not isinstance(message, (str, Promise)) or _DJANGO_404.fullmatch(str(message)):
        return ""
    return str(message)


def _htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _fragment(status: int, content: str) -> HttpResponse:
    response = HttpResponse(content, status=status)
    response["HX-Retarget"] = "#htmx-error"
    response["HX-Reswap"] = "innerHTML"
    return response


def _error(request, status: int, exception=None) -> HttpResponse:
    heading, explanation = ERRORS[status]
    context = {"error_page": True, "status": status, "heading": heading, "explanation": explanation,
               "reason": reason(exception)}
    if _htmx(request):
        return _fragment(status, render_to_string("core/_error.html", context, request))
    return render(request, f"{status}.html", context, status=status)


@requires_csrf_token
def bad_request(request, exception):
    return _error(request, 400)  # Django's reasons for a 400 (a bad Host header, …) are not for the user


@requires_csrf_token
def permission_denied(request, exception):
    return _error(request, 403, exception)


def csrf_failure(request, reason=""):
    """settings.CSRF_FAILURE_VIEW: a form sent after its page grew stale (open for hours, or a new login since) —
    Django's reason ("CSRF token missing") is not for the user, what to do is."""
    return _error(request, 403, PermissionDenied(_(
        "This form is out of date: the page was open for a long time, or you logged in again since. "
        "Reload the page and send the form again.")))


def too_large(request, message: str) -> HttpResponse:
    """A request larger than the upload limit, refused before it is read (core.middleware.upload_limit)."""
    return _error(request, 413, PermissionDenied(message))


@requires_csrf_token
def page_not_found(request, exception):
    return _error(request, 404, exception)


@requires_csrf_token
def server_error(request):
    """Rendered without the request: no database, no user, no context processors — what failed may be those."""
    heading, explanation = ERRORS[500]
    context = {"status": 500, "heading": heading, "explanation": explanation}
    if _htmx(request):
        return _fragment(500, render_to_string("core/_error.html", context))
    return HttpResponse(render_to_string("500.html", context), status=500)
