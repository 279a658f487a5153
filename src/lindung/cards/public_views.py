"""The page a card's QR code opens: no login, for anyone holding the card (a clinic, an employer, the worker).

It shows only the masked name, the regency, the programme, the card number and whether the card is valid
today, decided live. A forged or unknown token gets the same plain 404, and every lookup counts against the
client's limit, so the page cannot be used to find out who is a member. The page is read by the public, not
by Lindung's users: its text is Indonesian, like the card it belongs to.
"""

from dataclasses import dataclass
from datetime import date

from django.core import signing
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from lindung.core.masking import masked_name
from lindung.core.network import client_address
from lindung.core.ratelimit import over_limit
from lindung.payments.models import PaidMonth
from lindung.payments.protection import current_membership
from lindung.payments.selectors import membership_coverage
from lindung.regulation.selectors import regulation_on
from lindung.rules.contributions import tanggal
from lindung.rules.coverage import MAX_ARREARS, State, status_on

from .models import Card
from .selectors import card_for_public
from .validity import printed
from .verification import card_number_from

# Lookups per client address and window (seconds): plenty for a clinic checking its patients, far too few
# to walk through card numbers even if one could forge tokens.
LIMIT = 30
WINDOW = 10 * 60


@dataclass(frozen=True)
class Validity:
    valid: bool
    reason: str  # why not, in plain words; empty when valid


def validity(card: Card, day: date) -> Validity:
    """Whether the card counts on ``day``: it is the member's live card and the coverage engine says he is
    covered (active, or in arrears: his rights still run)."""
    if card.status == Card.Status.VOIDED:
        replaced = " dan diganti dengan kartu baru" if card.replaced_by_id else ""
        return Validity(False, f"Kartu ini sudah dibatalkan{replaced}.")
    if card.status == Card.Status.RETURNED:
        return Validity(False, "Kartu ini dikembalikan ke kantor dan tidak diserahkan kepada peserta.")
    membership = protected_by(card, day)
    status = status_on(membership_coverage(membership), day, reg=regulation_on(day))
    match status.state:
        case State.ACTIVE | State.ARREARS:
            return Validity(True, "")
        case State.NOT_YET if day < membership.first:
            return Validity(False, f"Perlindungan baru berlaku mulai {tanggal(membership.first)}.")
        case State.NOT_YET:  # PP 44/2015 Ps 1 angka 4: a participant is someone who has paid
            return Validity(False, "Perlindungan belum berlaku: iuran pertama belum dibayar.")
        case State.LAPSED:
            assert status.lapse is not None  # LAPSED always has its day
            return Validity(False, f"Kepesertaan nonaktif sejak {tanggal(status.lapse)}: iuran tidak dibayar "
                                   f"lebih dari {MAX_ARREARS} bulan berturut-turut.")
    # Death or exit: the public learns only that it ended.
    return Validity(False, "Kepesertaan sudah berakhir.")


def protected_by(card: Card, day: date):
    """The membership the card's holder is protected by on ``day``: a KPJ is a person's for life, so a card printed in
    an earlier programme counts for the programme that pays for him now (payments.protection.current_membership);
    the card's own before he has any."""
    return current_membership(card.membership.peserta, day) or card.membership


@require_GET
@never_cache
def verify(request, token: str):
    if over_limit("cards.verify", client_address(request), LIMIT, WINDOW):
        response = render(request, "cards/verify.html", {"limited": True}, status=429)
        response["Retry-After"] = str(WINDOW)
        return response
    try:
        card = card_for_public(card_number_from(token))
    except (signing.BadSignature, Card.DoesNotExist):
        return render(request, "cards/verify.html", {}, status=404)
    today = timezone.localdate()
    membership = protected_by(card, today)
    statement = printed(membership, PaidMonth.objects.filter(membership=membership), today)
    return render(request, "cards/verify.html", {
        "number": card.number, "name": masked_name(card.membership.peserta.nama),
        "programme": membership.programme.name, "today": tanggal(today), "validity": validity(card, today),
        "paid": statement.public_lines(),
    })
