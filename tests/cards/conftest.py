"""Cards of Kaur Selatan's registered members, and a hand-over step as the tests take it."""

import pytest
from django.utils import timezone

from lindung.cards import services
from lindung.cards.models import Card, PrintBatch
from lindung.enrolment.models import Membership
from lindung.payments.protection import refresh
from tests.conftest import KAUR_SELATAN

S = Card.Status
PARTIES = {"giver_name": "Rina Operator", "giver_role": "Operator Dinas", "receiver_name": "Darmawan",
           "receiver_role": "Camat Kaur Selatan", "place": "Kantor Dinas, Bintuhan"}


def registered(programme) -> list[Membership]:
    """BPJS registered everyone of the plan: each has a KPJ."""
    members = list(programme.memberships.order_by("pk"))
    for i, m in enumerate(members):
        Membership.objects.filter(pk=m.pk).update(status=Membership.Status.ACTIVE, kpj=f"{25_000_000_001 + i}")
    refresh(Membership.objects.all())  # as enrolment.services.import_answer would
    return list(programme.memberships.select_related("peserta").order_by("pk"))


@pytest.fixture
def members(planned):
    return registered(planned)


@pytest.fixture
def batch(users, planned, members) -> PrintBatch:
    return services.print_cards(users["operator"], planned, KAUR_SELATAN)


def move(user, cards, to, **extra):
    return services.hand_over(user, cards, to, **{**PARTIES, "happened_on": timezone.localdate(), **extra})


def to_camat(users, batch):
    cards = list(batch.card_set.all())
    move(users["operator"], cards, S.AT_DINAS)
    move(users["operator"], cards, S.AT_CAMAT)
    return list(batch.card_set.select_related("membership__peserta"))
