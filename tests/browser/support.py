"""What browser tests share: signing in through the sign-in page."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from werkzeug.serving import make_server

from tests.support import PASSWORD


def migrated_app(folder: Path):
    """The app on its own SQLite file in ``folder``, migrated from empty as in production."""
    from flask_migrate import upgrade

    from survey_app import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'exitvoice.sqlite'}"})
    with app.app_context():
        upgrade()
    return app


@contextmanager
def served(app) -> Iterator[str]:
    """Serve ``app`` from a background thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


def sign_in(page, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    # Wait for the answer: signing in starts a new session, and a page fetched before that
    # would carry the old session's CSRF token.
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
