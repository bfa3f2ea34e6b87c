"""Browser tests: Debian's chromium driven by Playwright against a live app on SQLite.

Nothing is downloaded: Playwright's bundled driver talks to /usr/bin/chromium.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

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
    from flask_migrate import upgrade

    from survey_app import create_app

    url = "sqlite:///" + str(tmp_path_factory.mktemp("browser") / "exitvoice.sqlite")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
    return app


@pytest.fixture(scope="session")
def live_server(live_app) -> Iterator[str]:
    """The base URL of the app served from a background thread."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(browser):
    # bypass_csp lets the test inject axe-core; the app itself forbids inline script.
    context = browser.new_context(viewport={"width": 1024, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(5000)
    yield page
    context.close()
