"""Fixtures of the payments tests that a browser test shares: the plan's members paid for two months, the public
status page's today."""

from datetime import date
from types import SimpleNamespace

import pytest

from lindung.payments import public_views
from lindung.payments import services as payments
from tests.cards.conftest import registered
from tests.factories import approved_bill, run


@pytest.fixture
def members(users, planned):
    """The plan's members registered with BPJS, January and February 2025 paid in time by the regency."""
    programme = run(planned)
    found = registered(programme)
    for month, paid_on in (("2025-01", date(2025, 1, 10)), ("2025-02", date(2025, 2, 10))):
        bill = approved_bill(users, programme, month)
        payments.record_payment(users["admin"], bill, f"SP2D-{month}", paid_on, bill.total)
    return found


@pytest.fixture
def today(monkeypatch):
    """The page's today: 10 March 2025 (January and February paid, March not yet due) unless a test moves it."""
    day = SimpleNamespace(value=date(2025, 3, 10))
    monkeypatch.setattr(public_views, "timezone", SimpleNamespace(localdate=lambda: day.value))
    return day
