"""The public status check by NIK (/cek-status/): no login, for workers and their heirs, who often do not know they
are covered. NIK and date of birth → the masked name, protected today or not, and what to do.

An unknown NIK, a wrong date of birth and a person never registered get the same page after the same work, so the
page cannot tell whether someone is in the register; the answer never echoes the NIK. Every lookup counts against
the client's address and against the NIK, and is audited. No JavaScript: it works on a basic phone's browser."""

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from lindung.core.network import client_address
from lindung.core.ratelimit import keyed, over_limit

from .public_forms import StatusForm
from .public_selectors import claim_help, public_status
from .public_services import record_status_check

# Lookups per client address and window (seconds): a village operator helping a queue of workers from one phone
# (or many phones behind one mobile operator's address) gets through; walking through the register does not.
LIMIT = 30
WINDOW = 10 * 60
# Lookups per NIK and window: a family trying a few dates of birth, not a search for one.
NIK_LIMIT = 5
NIK_WINDOW = 60 * 60

TEMPLATE = "payments/public_status.html"


def _page(request, status: int = 200, **context):
    office = {"name": settings.LINDUNG_OFFICE_NAME, "address": settings.LINDUNG_OFFICE_ADDRESS,
              "hours": settings.LINDUNG_OFFICE_HOURS}
    return render(request, TEMPLATE, {"office": office, **context}, status=status)


@require_http_methods(["GET", "POST"])
@never_cache
def status(request):
    if request.method == "GET":
        return _page(request, form=StatusForm())
    if over_limit("payments.status", client_address(request), LIMIT, WINDOW):
        response = _page(request, status=429, limited=True)
        response["Retry-After"] = str(WINDOW)
        return response
    form = StatusForm(request.POST)
    if not form.is_valid():  # refused before anything about people is read
        return _page(request, form=form)
    if over_limit("payments.status.nik", keyed(form.cleaned_data["nik"]), NIK_LIMIT, NIK_WINDOW):
        response = _page(request, status=429, limited=True)
        response["Retry-After"] = str(NIK_WINDOW)
        return response
    today = timezone.localdate()
    answer = public_status(form.cleaned_data["nik"], form.cleaned_data["born"], today)
    record_status_check(answer.membership_id if answer else None)
    # A blank form: the answer never shows the NIK or date of birth asked, so every "not found" is the same page.
    return _page(request, form=StatusForm(), asked=True, answer=answer, today=today,
                 help=claim_help(today) if answer else None)
