"""Figures counted over every member are kept (core.kept) until something changes: a second view counts nothing
again, a change recorded by a service or a new day counts again, and each area and role has its own."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lindung.audit.models import Event
from lindung.audit.services import record_event
from lindung.core.kept import forget, kept_dir
from lindung.life import services as life
from tests.conftest import PASSWORD
from tests.core.dashboard_world import DAY, build, on_day


@pytest.fixture
def world(users):
    return build(users)


def _home(client, user, day: date = DAY) -> tuple[str, list[str]]:
    """The home page and the SQL it ran."""
    client.force_login(user)
    with on_day(day), CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("home")).content.decode()
    return page, [q["sql"] for q in queries.captured_queries]


def _figure(page: str, testid: str) -> str:
    return page.split(f'data-testid="{testid}"><div class="n">')[1].split("<")[0]


def _counted(sql: list[str]) -> bool:
    """Whether the protection and the cards were counted (not read from what was kept)."""
    return (any("payments_protection" in q and "GROUP BY" in q for q in sql)
            and any("cards_card" in q and "COUNT(" in q for q in sql))


def test_a_second_view_reads_the_kept_figures(client, world, users):
    first, sql = _home(client, users["pimpinan"])
    assert _counted(sql)
    again, sql = _home(client, users["pimpinan"])
    assert not _counted(sql)
    assert [_figure(again, t) for t in ("fig-aktif", "fig-berakhir", "fig-cards-overdue")] == \
        [_figure(first, t) for t in ("fig-aktif", "fig-berakhir", "fig-cards-overdue")] == ["2", "1", "1"]
    assert any(kept_dir().iterdir())


def test_a_change_recorded_by_a_service_shows_on_the_next_view(client, world, users):
    page, _ = _home(client, users["pimpinan"])
    assert (_figure(page, "fig-aktif"), _figure(page, "fig-berakhir")) == ("2", "1")
    # Ahmad (protected, every month paid) dies: the office records it, his membership ends.
    life.record_death(users["admin"], world["people"]["Ahmad Lunas"], died_on=DAY - timedelta(days=2), source="typed")
    page, sql = _home(client, users["pimpinan"])
    assert _counted(sql)
    assert (_figure(page, "fig-aktif"), _figure(page, "fig-berakhir")) == ("1", "2")


def test_a_login_or_a_download_changes_nothing_kept(client, world, users):
    _home(client, users["pimpinan"])
    client.logout()
    client.post(reverse("accounts:login"), {"username": "admin", "password": PASSWORD})  # recorded: auth.login
    record_event(users["admin"], "registry.register_downloaded", target="programme:1", summary="Register diunduh.")
    assert list(Event.objects.order_by("-seq").values_list("action", flat=True)[:2]) == [
        "registry.register_downloaded", "auth.login"]
    _, sql = _home(client, users["pimpinan"])
    assert not _counted(sql)


def test_each_area_and_each_day_has_its_own_figures(client, world, users):
    office, _ = _home(client, users["pimpinan"])
    camat, sql = _home(client, users["camat"])
    assert _counted(sql)  # not the office's figures
    assert (_figure(office, "fig-menunggak"), _figure(camat, "fig-menunggak")) == ("2", "1")
    # The next day is counted again: a state changes with the date.
    _, sql = _home(client, users["pimpinan"], DAY + timedelta(days=1))
    assert _counted(sql)


def test_a_new_start_of_the_server_counts_again(client, world, users):
    """`lindung serve` forgets what was kept: a new version may count otherwise, and its migrations wrote no event."""
    _home(client, users["pimpinan"])
    forget()
    _, sql = _home(client, users["pimpinan"])
    assert _counted(sql)


def test_a_figure_that_cannot_be_kept_is_still_shown(client, world, users, settings):
    """A kept folder the server may not write (made by another user, a full disk): the page counts and answers."""
    blocker = kept_dir().parent / "not-a-folder"
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("a file where the folder should be")
    settings.CACHES = {**settings.CACHES, "kept": {**settings.CACHES["kept"], "LOCATION": blocker / "kept"}}
    for _ in range(2):
        page, sql = _home(client, users["pimpinan"])
        assert _counted(sql) and _figure(page, "fig-aktif") == "2"
