import re
import shutil

import pytest
from django_tasks_db.management.commands.db_worker import Worker
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's chromium, never a downloaded browser; no background traffic on a closed network.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"],
    }


def log_in(page: Page, base: str, username: str) -> None:
    """Through the login page, as a person would (the users fixture gives every demo login PASSWORD)."""
    page.goto(base + "/")
    expect(page).to_have_url(re.compile(r"/akun/masuk/"))
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_test_id("total-workers")).to_be_visible()


def fill_programme(form, code: str, name: str, year: int, budget: str) -> None:
    """The new-programme form, January to December of ``year``, with ``budget`` typed as given."""
    for field, value in (("code", code), ("name", name), ("year", str(year)), ("start", f"{year}-01"),
                         ("end", f"{year}-12"), ("budget", budget)):
        form.locator(f"input[name={field}]").fill(value)


PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def open_as(browser, live_server):
    """``open_as(username, **PHONE)``: a logged-in page (on a phone-sized screen with PHONE) that accepts the
    confirmations; its context closed before the live server stops."""
    contexts = []

    def open_page(username, **device):
        contexts.append(browser.new_context(**device))
        page = contexts[-1].new_page()
        page.on("dialog", lambda dialog: dialog.accept())
        log_in(page, live_server.url, username)
        return page

    yield open_page
    for context in contexts:
        context.close()


def run_queued_jobs() -> None:
    """Every queued job run now, in this process (the live server's tests have no worker)."""
    Worker(queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False, max_tasks=None,
           worker_id="browser-test", excluded_queue_names=[]).run()
