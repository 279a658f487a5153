"""The Content-Security-Policy holds in a real browser: every page with a chart, the card hand-over's picker and the
API docs run with no script of theirs refused, and the confirmation before an irreversible step still asks (and,
declined, changes nothing)."""

import pytest
from playwright.sync_api import expect

from lindung.programs.models import Programme
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pages_with_charts_and_the_api_docs_run_under_the_policy(open_as, live_server, funded):
    page = open_as("admin")
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    code = funded.code
    for path, drawn in (("/", ".js-plotly-plot"), (f"/program/{code}/iuran/", ".js-plotly-plot"),
                        (f"/program/{code}/iuran/serah-terima/", ".js-plotly-plot"),
                        ("/klaim/laporan/", None), ("/kartu/peringkat/", None), ("/kartu/", None),
                        ("/api/docs", ".swagger-ui .opblock")):
        response = page.goto(live_server.url + path)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        if drawn:  # the fixture has no claims and no cards: those pages draw no chart, but load their scripts
            expect(page.locator(drawn).first).to_be_visible()
    assert refused == []


def test_a_declined_confirmation_changes_nothing_and_an_accepted_one_goes_on(browser, live_server, users, funded):
    context = browser.new_context()
    page = context.new_page()
    log_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/program/{funded.code}/")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    advance = page.locator("form[data-confirm] button[type=submit]").first
    advance.click()
    page.wait_for_timeout(300)
    assert asked and "tidak dapat dibatalkan" in asked[0]
    assert Programme.objects.get(pk=funded.pk).status == funded.status
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        advance.click()
    assert Programme.objects.get(pk=funded.pk).status != funded.status
    context.close()


def test_no_irreversible_button_shows_before_the_script_that_asks(open_as, live_server, funded):
    """On a slow line a page once showed its buttons before page.js had come, and a click went through unasked."""
    page = open_as("admin")
    held = []
    page.route("**/page.js", lambda route: held.append(route))
    page.goto(f"{live_server.url}/program/{funded.code}/", wait_until="commit")
    for _ in range(200):  # at most 10 s for the browser to ask for it
        if held:
            break
        page.wait_for_timeout(50)
    assert held
    page.wait_for_timeout(300)  # the rest of the page has long arrived
    assert page.locator("form[data-confirm]").count() == 0
    held[0].continue_()
    page.unroute("**/page.js")

    asked = []
    page.once("dialog", lambda dialog: asked.append(dialog.message))  # open_as accepts it
    with page.expect_navigation():
        page.locator("form[data-confirm] button[type=submit]").first.click()
    assert asked and "tidak dapat dibatalkan" in asked[0]
