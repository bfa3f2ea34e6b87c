"""Browser tests: Debian's chromium, driven by Playwright, against the app served on SQLite.

Nothing is downloaded: Playwright's own driver launches /usr/bin/chromium. Fixtures:
``live_server`` (base URL), ``browser_page`` (a fresh Playwright page) and ``make_staff_user``
(creates an account in the served database).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest

from tests.browser.support import migrated_app, served

CHROMIUM = os.environ.get("EXITVOICE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
            # One worker runs all browser tests: they share one server and one browser.
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """The app on its own SQLite file, migrated from empty as in production."""
    return migrated_app(tmp_path_factory.mktemp("browser"))


@pytest.fixture(scope="session")
def live_server(live_app) -> Iterator[str]:
    """Base URL of the app served by a background thread for the whole session."""
    with served(live_app) as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("EXITVOICE_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is not installed and EXITVOICE_REQUIRE_BROWSER is set")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def browser_page(browser):
    # bypass_csp lets the test inject axe-core; the app itself allows no inline script.
    context = browser.new_context(viewport={"width": 1024, "height": 900}, bypass_csp=True, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10000)
    yield page
    context.close()


@pytest.fixture
def make_staff_user(live_app) -> Callable[..., str]:
    """Create an account in the served database; returns its email. Emails must be unique per session."""

    def create(email: str, role: str = "hr", password: str = "correct horse battery staple",
               totp_secret: str | None = None) -> str:
        from survey_app.auth import accounts
        from survey_app.extensions import db

        with live_app.app_context():
            user = accounts.create_user(email, role, password)
            user.totp_secret = totp_secret
            db.session.commit()
            return user.email

    return create
