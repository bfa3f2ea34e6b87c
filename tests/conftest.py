"""Fixtures shared by the app tests: the same suite runs on SQLite and on PostgreSQL.

Each test session migrates a fresh database of each kind from empty with Alembic (so the
migrations are exercised on both) and every test starts from empty tables. PostgreSQL tests skip
with a message when no server answers, unless ``EXITVOICE_REQUIRE_POSTGRES=1`` (CI), where a
missing server fails the run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

PG_ADMIN_URL = os.environ.get("EXITVOICE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REQUIRE_PG = os.environ.get("EXITVOICE_REQUIRE_POSTGRES") == "1"


def _postgres_database() -> Iterator[str]:
    try:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            name = f"exitvoice_test_{uuid.uuid4().hex[:12]}"
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any connection failure means "no server"
        message = f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc.__class__.__name__}"
        if REQUIRE_PG:
            pytest.fail(message + " (EXITVOICE_REQUIRE_POSTGRES=1)")
        pytest.skip(message)
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _postgres_answers() -> bool:
    engine = create_engine(PG_ADMIN_URL)
    try:
        with engine.connect():
            return True
    except Exception:  # noqa: BLE001 - any failure means "no server"
        return False
    finally:
        engine.dispose()


def pytest_collection_modifyitems(config, items):
    """Tests marked ``one_database`` run on one database, not both: PostgreSQL, production's, or
    SQLite where no PostgreSQL server answers (and none is required). For tests whose subject is
    what a report says or how a page reads, where each run on the second database cost as much as
    the first and tested the same code; the database layer, the loaders and one report's path from
    draft to published are still tested on both."""
    marked = [item for item in items if item.get_closest_marker("one_database") is not None
              and "database_url" in getattr(getattr(item, "callspec", None), "params", {})]
    if not marked:
        return
    keep = "postgresql" if REQUIRE_PG or _postgres_answers() else "sqlite"
    dropped = {id(item) for item in marked if item.callspec.params["database_url"] != keep}
    config.hook.pytest_deselected(items=[item for item in items if id(item) in dropped])
    items[:] = [item for item in items if id(item) not in dropped]


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory) -> Iterator[str]:
    """A database migrated from empty to the newest revision."""
    if request.param == "sqlite":
        url = "sqlite:///" + str(tmp_path_factory.mktemp("db") / "exitvoice.sqlite")
        _migrate(url)
        yield url
    else:
        for url in _postgres_database():
            _migrate(url)
            yield url


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    from survey_app import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        from survey_app.extensions import db

        db.engine.dispose()


KEEP_TABLES = {"alembic_version", "organisation"}


class IsolatedClient(FlaskClient):
    """A test client whose every request gets its own app context, as in production.

    The ``app`` fixture keeps an app context open so tests can query the database; without this,
    requests would share that context (and its ``g``, where the CSRF token is cached).
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        # The request wrote through its own session: let the test's session read afresh.
        from survey_app.extensions import db

        db.session.expire_all()
        return response


@pytest.fixture
def app(database_url):
    from survey_app import create_app
    from survey_app.extensions import db

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.rollback()
        db.session.remove()
        # Empty every table except the default organisation, children first.
        for table in reversed(db.metadata.sorted_tables):
            if table.name not in KEEP_TABLES:
                db.session.execute(table.delete())
        # The organisation row stays; its settings go back to their defaults.
        organisation = db.metadata.tables["organisation"]
        db.session.execute(organisation.update().values(require_two_factor=False, last_purge_on=None))
        db.session.commit()
        db.engine.dispose()
        # Published reports were deleted behind the app's back: it must read them afresh.
        from survey_app.reports.service import forget_published_ledgers

        forget_published_ledgers()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class _Inbox:
    """What an in-process SMTP server received: aiosmtpd envelopes, in order."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(envelope)
        return "250 Message accepted"


@pytest.fixture
def smtp_server():
    """A real SMTP server on a free local port: (controller, inbox)."""
    from aiosmtpd.controller import Controller

    from .support import free_port

    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


@pytest.fixture()
def welsh_first(app):
    """The council offers Welsh first, then English (``EXITVOICE_LANGUAGES=cy,en``)."""
    app.config["LANGUAGES"] = ("cy", "en")
    yield app
    app.config["LANGUAGES"] = ("en",)
