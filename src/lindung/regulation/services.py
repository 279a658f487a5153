"""Changing a regulation setting: the Admin Dinas only, from today or later, audited with the old and new value."""

import json
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.accounts.roles import can
from lindung.audit.services import record_event
from lindung.enrolment.models import Membership
from lindung.payments import protection
from lindung.rules.regulation import DEFAULT

from .models import SettingChange
from .selectors import regulation_on


# The settings payments.Protection is stored with: a change rebuilds it, so it holds from the day it is made.
STORED = frozenset({"cover_starts", "lapse_day"})


def change_setting(user, name: str, value, effective_from: date, reason: str) -> SettingChange:
    """Set ``name`` to ``value`` for every date from ``effective_from``. Raises PermissionDenied for any role but
    the Admin Dinas, ValidationError for a past date, an unknown setting or a value of the wrong kind."""
    if not can(user, "approves"):
        raise PermissionDenied
    today = timezone.localdate()
    if effective_from < today:
        raise ValidationError(_("A change holds from today or later: it never rewrites what was decided before."))
    if name in STORED and effective_from != today:
        raise ValidationError(_("This setting changes every member's stored protection: it holds from today."))
    try:
        new = DEFAULT.with_values({name: value})
    except (ValueError, TypeError) as bad:
        raise ValidationError(str(bad)) from None
    stored = new.as_dict()[name]
    with transaction.atomic():
        before = regulation_on(effective_from).as_dict()[name]
        change = SettingChange.objects.create(name=name, value=stored, effective_from=effective_from,
                                              reason=reason.strip(), changed_by=user)
        record_event(user, "regulation.setting_changed", target=f"setting:{name}",
                     summary=f"{name}: {json.dumps(before)} -> {json.dumps(stored)} "
                             f"from {effective_from.isoformat()} ({reason.strip()})")
        if name in STORED:
            protection.refresh(Membership.objects.all(), regulation_on(today))
    return change
