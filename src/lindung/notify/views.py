"""The outbox page: the messages to the people of the user's area (narrowed to a kecamatan or village, a kind of
message, a status), how many of each status and what they cost in SMS parts, the ones held for review with
"send anyway" and "withdraw", and the button that sends the queued ones. Phone-first and thin: the selectors
read, the services write."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts.roles import can
from lindung.core.downloads import attachment

from . import exports, selectors, services
from .models import Message

FILTERS = ("area", "topic", "status")


def _filters(data) -> dict[str, str]:
    return {name: data.get(name, "").strip() for name in FILTERS}


def _topic(topic: str) -> tuple[str, str]:
    """"selfpay:kaur-2025" -> ("selfpay", "kaur-2025")."""
    purpose, _, about = topic.partition(":")
    return purpose, about


def _back(filters: dict[str, str]):
    query = urlencode({k: v for k, v in filters.items() if v})
    return redirect(reverse("notify:outbox") + (f"?{query}" if query else ""))


def _flash(request, done: services.Sent) -> None:
    (messages.warning if done.failed or done.held else messages.success)(request, services.sent_message(done))


@login_required
def outbox(request):
    filters = _filters(request.GET)
    purpose, about = _topic(filters["topic"])
    scope = {"area": filters["area"], "purpose": purpose, "about": about}
    shown = selectors.messages_for(request.user, **scope, status=filters["status"])
    held = selectors.messages_for(request.user, **scope, status=Message.Status.HELD)
    page = Paginator(shown.select_related("peserta__desa").order_by("pk"), 50).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in filters.items() if v})
    return render(request, "notify/outbox.html", {
        **filters, "summary": selectors.summary(selectors.messages_for(request.user, **scope)),
        "areas": selectors.areas(request.user), "topics": selectors.topics(request.user),
        "statuses": Message.Status.choices, "page": page, "query": query,
        "held": held.select_related("peserta__desa").order_by("created", "pk")[:100], "held_count": held.count(),
        "reasons": selectors.withdraw_reasons(selectors.messages_for(request.user, **scope)),
        "can_send": can(request.user, "plans"),
    })


@login_required
def outbox_xlsx(request):
    """The outbox with the page's filters as xlsx (audited with the filters)."""
    filters = _filters(request.GET)
    purpose, about = _topic(filters["topic"])
    shown = selectors.messages_for(request.user, area=filters["area"], purpose=purpose, about=about,
                                   status=filters["status"])
    return attachment(exports.outbox_workbook(request.user, shown, filters), "kotak-keluar.xlsx")


@login_required
@require_POST
def send(request):
    filters = _filters(request.POST)
    purpose, about = _topic(filters["topic"])
    done = services.send_queued(request.user, purpose, about, area=filters["area"])
    _flash(request, done)
    return _back(filters)


@login_required
@require_POST
def review(request):
    filters = _filters(request.POST)
    ids = [int(pk) for pk in request.POST.getlist("message") if pk.isdigit()]
    action = request.POST.get("action", "")
    if not ids or action not in (services.REVIEW_SEND, services.REVIEW_WITHDRAW):
        messages.error(request, _("Tick the held messages to review, then choose to send or to withdraw them."))
        return _back(filters)
    done = services.review(request.user, ids, action)
    if action == services.REVIEW_WITHDRAW:
        messages.success(request, _("%(n)s held messages withdrawn.") % {"n": done.withdrawn})
    else:
        _flash(request, done)
    return _back(filters)
