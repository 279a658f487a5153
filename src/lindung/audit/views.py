from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from . import labels, selectors


class EventFilter(forms.Form):
    actor = forms.CharField(label=_("User"), required=False, max_length=150)
    target_type = forms.CharField(label=_("Object type"), required=False, max_length=40)
    target_id = forms.CharField(label=_("Object key"), required=False, max_length=40)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


@login_required
def event_list(request):
    form = EventFilter(request.GET or None)
    # Keep every filter that is valid: a mistyped date must not widen the list to everyone's events.
    form.is_valid()
    filters = getattr(form, "cleaned_data", {})
    events = selectors.events_for(request.user, **{k: v for k, v in filters.items() if v})
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    # The auditor reads actions, objects and months in words; the filters still take the stored codes.
    names = labels.targets_in_words(page.object_list)
    rows = [(e, labels.action_label(e.action), labels.target_in_words(e, names), labels.summary_in_words(e.summary))
            for e in page.object_list]
    types = [(code, labels.target_type_label(code)) for code in selectors.target_types() if code]
    return render(
        request,
        "audit/event_list.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode(), "target_types": types,
         "head": selectors.chain_head()},
    )
