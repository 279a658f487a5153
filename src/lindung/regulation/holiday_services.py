"""Adding holidays to the calendar: the Admin Dinas adds a revision of the SKB 3 Menteri or next year's list."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lindung.accounts.roles import require
from lindung.audit.services import record_event
from lindung.rules.holidays import Holiday

from .models import AddedHoliday
from .selectors import calendar


def add_holidays(user, holidays: list[Holiday], *, source: str) -> list[Holiday]:
    """Add the holidays the calendar does not have yet (a day of the same kind already in it is left out) and
    return those added; ``source`` says where they came from (a file, the command line) for the audit trail."""
    require(user, "approves", _("Only the Admin Dinas may add holidays."))
    if not holidays:
        raise ValidationError(_("No holiday to add."))
    with transaction.atomic():
        known = {(h.day, h.kind) for h in calendar().holidays}
        new = []
        for h in holidays:
            if (h.day, h.kind) not in known:
                known.add((h.day, h.kind))
                new.append(h)
        AddedHoliday.objects.bulk_create(AddedHoliday(day=h.day, kind=h.kind, name=h.name, decree=h.decree,
                                                      added_by=user) for h in new)
        if new:
            days = sorted(h.day for h in new)
            record_event(user, "regulation.holidays_added",
                         summary=f"{len(new)} hari libur ditambahkan ({days[0]} s.d. {days[-1]}) dari {source}.")
    return new
