from django import template
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import format_html

register = template.Library()


@register.filter
def rupiah(value) -> str:
    """Integer Rupiah as Indonesians write it: Rp16.800 (whatever the page language)."""
    if value in (None, ""):
        return ""
    amount = int(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(amount):,}".replace(",", ".")


@register.filter
def angka(value) -> str:
    """A count with the page language's thousands separator: 7.130 in Indonesian, 7,130 in English."""
    if value in (None, ""):
        return ""
    return number_format(value, force_grouping=True)


@register.filter
def percent_of(part, whole) -> int:
    return round(100 * part / whole) if whole else 0


@register.simple_tag(takes_context=True)
def protection(context, membership) -> str:
    """A member's protection today as the coverage engine says it, from payments.protection's annotations."""
    from lindung.payments.selectors import status_of

    status = status_of(membership, context.get("today") or timezone.localdate())
    return format_html('<span class="status {}" title="{}" data-testid="protection">{}</span>', status.state.value,
                       status.explanation, status.label)
