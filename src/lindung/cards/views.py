"""Pages of the card cycle: the user's cards with a bulk hand-over form, one card (delivered with the ID check, or
returned), finding a card by a photo of its QR, one hand-over with its minutes, and the league table of the
kecamatans. Phone-first: camat and village operators use them on a small screen. Thin: the forms check the
input, services write, selectors read."""

from pathlib import Path
from urllib.parse import urlparse

import zxingcpp
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from PIL import Image, UnidentifiedImageError

from lindung.accounts.roles import CAMAT, OPERATOR_DESA, can
from lindung.core.downloads import attachment, on_record
from lindung.core.kept import kept
from lindung.core.paging import CountedPaginator

from . import selectors, services, validity
from .minutes import minutes_pdf as render_minutes
from .models import Card, Handover
from .printing_views import ReplaceForm
from .verification import card_number_from

S = Card.Status


class HandoverForm(forms.Form):
    to_status = forms.ChoiceField(label=gettext_lazy("Hand over to"), choices=[
        (S.AT_DINAS, gettext_lazy("The office (received from the printer)")),
        (S.AT_CAMAT, gettext_lazy("The kecamatan (camat)")),
        (S.AT_VILLAGE, gettext_lazy("The village")),
        (S.DELIVERED, gettext_lazy("The worker (delivered)")),
        (S.RETURNED, gettext_lazy("Back to the office (returned)")),
    ])
    reason = forms.ChoiceField(label=gettext_lazy("Reason, when returned"), required=False,
                               choices=[("", "—"), *Card.ReturnReason.choices])
    giver_name = forms.CharField(label=gettext_lazy("Handed over by (name)"), max_length=120)
    giver_role = forms.CharField(label=gettext_lazy("Their position"), max_length=120)
    receiver_name = forms.CharField(label=gettext_lazy("Received by (name)"), max_length=120)
    receiver_role = forms.CharField(label=gettext_lazy("Their position"), max_length=120)
    place = forms.CharField(label=gettext_lazy("Place"), max_length=120)
    happened_on = forms.DateField(label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    id_checked = forms.BooleanField(label=gettext_lazy("The recipient's identity card (KTP) was checked"), required=False)
    evidence = forms.FileField(label=gettext_lazy("Evidence: a photo or the signed minutes (optional)"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["happened_on"].initial = timezone.localdate()
        # The step the user's role usually records comes first: the camat hands on to villages.
        role = getattr(getattr(user, "role", None), "name", None)
        self.fields["to_status"].initial = {CAMAT.name: S.AT_VILLAGE, OPERATOR_DESA.name: S.DELIVERED}.get(role)


class ToVillageForm(forms.Form):
    """The last screen of a camat's hand-over to one village: who, where and when (the cards and the step are fixed)."""

    giver_name = HandoverForm.base_fields["giver_name"]
    giver_role = HandoverForm.base_fields["giver_role"]
    receiver_name = forms.CharField(label=gettext_lazy("Received by (name)"), max_length=120,
                                    widget=forms.TextInput(attrs={"autocomplete": "off"}))
    receiver_role = HandoverForm.base_fields["receiver_role"]
    place = HandoverForm.base_fields["place"]
    happened_on = HandoverForm.base_fields["happened_on"]
    evidence = HandoverForm.base_fields["evidence"]


def records(user, *levels) -> bool:
    """Whether the user's role records a hand-over of cards out of one of ``levels`` (all levels when none are
    given): read-only roles (Pimpinan, auditor, BPJS officer) see no hand-over or delivery form at all."""
    role = getattr(getattr(user, "role", None), "name", None)
    return any(role in services.RECORDED_BY.get(level, ()) for level in (levels or services.RECORDED_BY))


class DeliverForm(forms.Form):
    """One card into the worker's hands (the ID checked), or back to the office with a reason."""

    outcome = forms.ChoiceField(label=gettext_lazy("What happened"), widget=forms.RadioSelect, initial=S.DELIVERED,
                                choices=[(S.DELIVERED, gettext_lazy("Delivered to the worker")),
                                         (S.RETURNED, gettext_lazy("Returned to the office"))])
    reason = forms.ChoiceField(label=gettext_lazy("Reason, when returned"), required=False,
                               choices=[("", "—"), *Card.ReturnReason.choices])
    id_checked = forms.BooleanField(label=gettext_lazy("KTP checked against the card"), required=False)
    giver_name = forms.CharField(label=gettext_lazy("Handed over by (name)"), max_length=120)
    giver_role = forms.CharField(label=gettext_lazy("Their position"), max_length=120)
    place = forms.CharField(label=gettext_lazy("Place"), max_length=120)
    happened_on = forms.DateField(label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    evidence = forms.FileField(label=gettext_lazy("Evidence: a photo (optional)"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("outcome") == S.DELIVERED and not data.get("id_checked"):
            self.add_error("id_checked", _("Check the recipient's KTP before handing over the card."))
        if data.get("outcome") == S.RETURNED and not data.get("reason"):
            self.add_error("reason", _("Say why the card goes back."))
        return data


# A 50 MP phone photo is 50 million pixels; a 13,000 x 13,000 PNG of a few KB would decode into a gigabyte.
PHOTO_MAX_PIXELS = 60_000_000


class ScanForm(forms.Form):
    photo = forms.ImageField(label=gettext_lazy("A photo of the card's QR code"), widget=forms.ClearableFileInput(
        attrs={"accept": "image/*", "capture": "environment"}))

    def clean_photo(self):
        photo = self.cleaned_data["photo"]
        width, height = photo.image.size  # from the header: nothing is decoded yet
        if width * height > PHOTO_MAX_PIXELS:
            raise ValidationError(_("The photo is %(width)s × %(height)s pixels, too large: take it with the phone's "
                                    "camera.") % {"width": width, "height": height})
        return photo


def _list(request, form=None, status=200, scan=None, extra=None):
    status_filter, q, desa = request.GET.get("status", ""), request.GET.get("q", ""), request.GET.get("desa", "")
    today = timezone.localdate()
    # The camat's first screen of a hand-over to one village: the villages whose cards he holds, at the top. Their
    # walk of his cards also counts his live and overdue cards (selectors.villages_holding).
    held = (kept("villages_holding", request.user, today, compute=lambda: selectors.villages_holding(request.user, today))
            if records(request.user, S.AT_CAMAT) else None)
    if held is None:
        overdue_count, live = kept("card_counts", request.user, today, compute=lambda: (
            selectors.overdue_count(request.user, today), selectors.card_list(request.user).count()))
    else:
        overdue_count, live = sum(v["overdue"] for v in held), sum(v["live"] for v in held)
    if status_filter or q or desa:
        count = selectors.card_list(request.user, status=status_filter, area=desa, q=q).count()
    else:
        count = live
    cards = selectors.card_list(request.user, status=status_filter, area=desa, q=q, paged=True)
    page = CountedPaginator(cards, 100, count).get_page(request.GET.get("page"))
    page.object_list = selectors.with_protection_today(page.object_list, today)
    return render(request, "cards/list.html", {
        "page": page, "statuses": S.choices, "today": today,
        "status": status_filter, "q": q, "desa": desa, "villages": selectors.villages_with_cards(request.user),
        "form": form or HandoverForm(user=request.user), "scan": scan or ScanForm(),
        "overdue": selectors.with_protection_today(selectors.oldest_overdue(request.user, today, 50), today),
        "overdue_count": overdue_count,
        "handovers": selectors.handovers_for(request.user)[:20], "can_print": can(request.user, "plans"),
        "can_hand_over": records(request.user),
        "to_villages": [v for v in held if v["cards"]] if held else [],
        **(extra or {}),
    }, status=status)


@login_required
def card_list(request):
    return _list(request)


@login_required
@require_POST
def hand_over(request):
    if not records(request.user):
        raise PermissionDenied
    form = HandoverForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        return _list(request, form, status=400)
    data = form.cleaned_data
    try:
        done = services.hand_over(request.user, request.POST.getlist("card"), data["to_status"],
                                  giver_name=data["giver_name"], giver_role=data["giver_role"],
                                  receiver_name=data["receiver_name"], receiver_role=data["receiver_role"],
                                  place=data["place"], happened_on=data["happened_on"], evidence=data["evidence"],
                                  reason=data["reason"] if data["to_status"] == S.RETURNED else "",
                                  id_checked=data["id_checked"])
    except (ValidationError, PermissionDenied) as refused:
        form.add_error(None, refused.messages[0] if isinstance(refused, ValidationError) else
                       str(refused) or _("Your role does not record this hand-over."))
        return _list(request, form, status=400)
    messages.success(request, _("Hand-over %(number)s recorded: %(n)s cards.") % {"number": done.number,
                                                                                 "n": done.moves.count()})
    return redirect("cards:handover", number=done.number)


def _card(request, number: str) -> Card:
    found = selectors.cards_for(request.user).filter(number=number).first()
    if found is None:
        raise Http404
    return found


@login_required
def card(request, number: str, form=None, status=200):
    found = _card(request, number)
    if form is None:
        form = DeliverForm(initial={"giver_name": request.user.get_full_name(), "happened_on": timezone.localdate(),
                                    "giver_role": request.user.role.label if request.user.role else "",
                                    "place": found.membership.peserta.desa.name})
    today = timezone.localdate()
    return render(request, "cards/card.html", {
        "card": selectors.with_protection_today([found], today)[0], "today": today, "form": form,
        "can_deliver": found.status == S.AT_VILLAGE and records(request.user, S.AT_VILLAGE),
        # What the village operator compares with the worker's KTP before handing the card over.
        "nik_last4": found.membership.peserta.nik[-4:],
        "can_replace": can(request.user, "plans") and found.status != S.VOIDED, "replace_form": ReplaceForm(),
        "moves": found.moves.select_related("handover").order_by("-handover__happened_on", "-pk"),
        "statement": validity.printed_for([found.membership], today)[found.membership_id].lines(),  # as on a card
    }, status=status)


@login_required
@require_POST
def deliver(request, number: str):
    if not records(request.user, S.AT_VILLAGE):
        raise PermissionDenied
    found = _card(request, number)
    form = DeliverForm(request.POST, request.FILES)
    if not form.is_valid():
        return card(request, number, form, status=400)
    data = form.cleaned_data
    returned = data["outcome"] == S.RETURNED
    try:
        done = services.hand_over(
            request.user, [found], data["outcome"], giver_name=data["giver_name"], giver_role=data["giver_role"],
            receiver_name="Dinas Tenaga Kerja" if returned else found.membership.peserta.nama,
            receiver_role="Dinas Tenaga Kerja" if returned else "Peserta", place=data["place"],
            happened_on=data["happened_on"], evidence=data["evidence"], reason=data["reason"] if returned else "",
            id_checked=data["id_checked"] and not returned)
    except (ValidationError, PermissionDenied) as refused:
        form.add_error(None, refused.messages[0] if isinstance(refused, ValidationError) else
                       str(refused) or _("Your role does not record this hand-over."))
        return card(request, number, form, status=400)
    messages.success(request, _("Card %(number)s: %(status)s (hand-over %(handover)s).") % {
        "number": found.number, "status": Card.Status(done.to_status).label, "handover": done.number})
    return redirect("cards:card", number=found.number)


def _village_for_camat(request, code: str):
    if not records(request.user, S.AT_CAMAT):
        raise PermissionDenied
    found = selectors.village(request.user, code)
    if found is None:
        raise Http404
    return found


@login_required
def to_village(request, code: str):
    """Screen 2 of a camat's hand-over to one village: the village's cards he holds, with select-all and a running
    count (screen 1 is the village chooser at the top of the card list, screen 3 the confirmation)."""
    village = _village_for_camat(request, code)
    return render(request, "cards/to_village.html", {
        "village": village, "kecamatan": village.parent, "cards": selectors.village_cards(request.user, code)})


@login_required
@require_POST
def to_village_confirm(request, code: str):
    """Screen 3: the cards ticked, and who hands them over (the camat himself, prefilled), to whom, where and when;
    recorded by the one hand-over service (services.hand_over), then the hand-over's minutes."""
    village = _village_for_camat(request, code)
    ids = [i for i in request.POST.getlist("card") if i.isdigit()]
    chosen = list(selectors.village_cards(request.user, code).filter(pk__in=ids))
    if not chosen:
        messages.error(request, _("Tick at least one card to hand over."))
        return redirect("cards:to_village", code=code)
    kecamatan = village.parent
    if "record" in request.POST:
        form = ToVillageForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                done = services.hand_over(request.user, ids, S.AT_VILLAGE, giver_name=data["giver_name"],
                                          giver_role=data["giver_role"], receiver_name=data["receiver_name"],
                                          receiver_role=data["receiver_role"], place=data["place"],
                                          happened_on=data["happened_on"], evidence=data["evidence"])
            except (ValidationError, PermissionDenied) as refused:
                form.add_error(None, refused.messages[0] if isinstance(refused, ValidationError) else
                               str(refused) or _("Your role does not record this hand-over."))
            else:
                messages.success(request, _("Hand-over %(number)s recorded: %(n)s cards.") % {
                    "number": done.number, "n": done.moves.count()})
                return redirect("cards:handover", number=done.number)
    else:
        role = request.user.role.label if request.user.role else ""
        form = ToVillageForm(initial={
            "giver_name": request.user.get_full_name() or request.user.username,
            "giver_role": f"{role} {kecamatan.name}" if kecamatan else role,
            "receiver_role": _("Village head of %(village)s") % {"village": village.name},
            "place": _("Kecamatan office, %(kecamatan)s") % {"kecamatan": kecamatan.name} if kecamatan else "",
            "happened_on": timezone.localdate()})
    return render(request, "cards/to_village_confirm.html", {
        "village": village, "kecamatan": kecamatan, "cards": chosen, "form": form},
        status=400 if form.is_bound else 200)


def _qr_card_number(photo) -> str | None:
    """The card number in the QR of a photo: the QR holds the public link /v/<token>/ with a signed token."""
    try:
        image = Image.open(photo)
        image.draft("RGB", (2000, 2000))  # a JPEG decodes straight at a half, a quarter or an eighth of its size
        image.load()
    except (UnidentifiedImageError, OSError):
        return None
    image.thumbnail((2000, 2000))  # a phone's 12 MP photo decodes as well and much faster smaller
    for found in zxingcpp.read_barcodes(image):
        try:
            match = resolve(urlparse(found.text.strip()).path)
        except Resolver404:
            continue
        if match.url_name == "card_verify":
            try:
                return card_number_from(match.kwargs["token"])
            except signing.BadSignature:
                continue
    return None


@login_required
@require_POST
def scan(request):
    form = ScanForm(request.POST, request.FILES)
    if not form.is_valid():
        return _list(request, scan=form, status=400)
    number = _qr_card_number(form.cleaned_data["photo"])
    found = number and selectors.cards_for(request.user).filter(number=number).first()
    if not found:
        form.add_error("photo", _("No card of your area found in this photo: take it again, closer and sharp, "
                                  "or search by name or KPJ."))
        return _list(request, scan=form, status=404)
    return redirect("cards:card", number=found.number)


def _handover(request, number: str) -> Handover:
    try:
        return selectors.handover(request.user, number)
    except Handover.DoesNotExist:
        raise Http404 from None


@login_required
def handover(request, number: str):
    found = _handover(request, number)
    return render(request, "cards/handover.html", {"handover": found, "rows": selectors.minutes_rows(found)})


@login_required
def minutes_pdf(request, number: str):
    found = _handover(request, number)
    return on_record(request.user, attachment(render_minutes(found), f"berita-acara-{found.number}.pdf"),
                     "cards.minutes_downloaded", target=f"handover:{found.pk}",
                     summary=f"Berita acara serah terima {found.number} diunduh.")


@login_required
def evidence(request, number: str):
    found = _handover(request, number)
    if not found.evidence:
        raise Http404
    assert found.evidence.name is not None  # a file is stored
    # Always a download: whatever was uploaded is never rendered in the page's origin.
    return on_record(request.user, FileResponse(found.evidence.open("rb"), as_attachment=True,
                                                filename=f"bukti-{found.number}{Path(found.evidence.name).suffix}"),
                     "cards.evidence_downloaded", target=f"handover:{found.pk}",
                     summary=f"Bukti serah terima {found.number} diunduh.")


@login_required
def league(request):
    table = selectors.league_table(request.user, timezone.localdate())
    chart = {"title": _("Cards held per kecamatan"), "traces": [
        {"type": "bar", "name": _("Held, in time"), "x": [r.name for r in table], "y": [r.held - r.overdue for r in table]},
        {"type": "bar", "name": _("Overdue"), "x": [r.name for r in table], "y": [r.overdue for r in table]},
    ]} if table else {"traces": []}
    return render(request, "cards/league.html", {"table": table, "chart": chart})
