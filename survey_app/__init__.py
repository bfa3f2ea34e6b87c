"""ExitVoice web application: ``create_app`` builds and configures everything."""

from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import CONFIGS
from .extensions import csrf, db, limiter, migrate
from .security import UnstorableInput, init_security


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app. ``EXITVOICE_ENV`` picks the config class; ``test_config`` overrides it."""
    app = Flask(__name__, instance_relative_config=True)
    env = "testing" if test_config and test_config.get("TESTING") else os.environ.get("EXITVOICE_ENV", "development")
    if env not in CONFIGS:
        raise RuntimeError(f"EXITVOICE_ENV must be one of {', '.join(CONFIGS)}, not {env!r}")
    app.config.from_object(CONFIGS[env])
    if test_config:
        app.config.update(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config["ENVIRONMENT"] = env
    _complete_config(app, env)
    if app.config["DISCLOSURE_THRESHOLD"] < 3:
        raise RuntimeError("EXITVOICE_DISCLOSURE_THRESHOLD must be at least 3: smaller groups can single people out.")

    trusted = trusted_networks(app.config.get("TRUSTED_PROXIES", ""))
    if trusted:
        app.wsgi_app = TrustedProxyFix(app.wsgi_app, trusted)  # type: ignore[method-assign]

    app.jinja_loader = ChoiceLoader(
        [
            PackageLoader("survey_app"),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    from .submissions import without_bidi_controls

    # Every value a page shows loses its bidirectional controls: a right-to-left override in an
    # answer cannot make it, or the page around it, read reversed.
    app.jinja_env.finalize = without_bidi_controls
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    _queue_sqlite_writers(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent.parent / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    WTFormsHelpers(app)
    init_security(app)
    from .i18n import init_i18n

    init_i18n(app)
    from .forms import character_count_text, wtforms_errors

    # Staff pages' character counts speak the page's language too, as the respondent's do.
    app.add_template_global(character_count_text)
    # An error summary is titled in the page's language, whether or not its page gives a title.
    app.add_template_global(wtforms_errors)
    _enable_sqlite_wal(app)

    from . import (
        admin,
        auth,
        cli,
        hr,
        respond,
        tenancy,  # noqa: F401 - installs the organisation scope on every staff query
    )
    from .access import init_access, public
    from .auth.commands import users_cli
    from .hr.retention import retention_cli

    auth.init_login(app)
    init_access(app)
    app.register_blueprint(respond.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(hr.bp, url_prefix="/hr")
    app.register_blueprint(admin.bp, url_prefix="/admin")
    from .reports.views import bp as reports_bp

    app.register_blueprint(reports_bp, url_prefix="/reports")
    cli.init_app(app)
    app.cli.add_command(users_cli)
    app.cli.add_command(retention_cli)

    @app.context_processor
    def inject_names() -> dict[str, str]:
        return {"council_name": app.config["COUNCIL_NAME"], "service_name": app.config["SERVICE_NAME"]}

    @app.route("/favicon.ico")
    @public
    def favicon() -> tuple[str, int]:
        return "", 204

    for code in (key for key in ERROR_PAGES if isinstance(key, int)):
        app.register_error_handler(code, _error_page(code))
    from flask_wtf.csrf import CSRFError

    app.register_error_handler(CSRFError, _error_page("csrf"))
    app.register_error_handler(UnstorableInput, _error_page("unstorable"))
    return app


# What a person sees for each error: a title, what to do, and (where it helps) that nothing was lost.
ERROR_PAGES: dict[int | str, tuple[str, str]] = {
    400: (_l("Sorry, there is a problem with your request"), _l("Check what you entered and try again.")),
    403: (_l("You do not have permission to see this page"), _l("If you think you should, ask your administrator.")),
    404: (_l("Page not found"), _l("If you typed the web address, check it is correct.")),
    413: (_l("Your answers are too long to send"),
          _l("Shorten your written answers and try again. Nothing has been saved from this page.")),
    429: (_l("You have tried too many times"),
          _l("Wait a few minutes and try again. Nothing has been saved from this attempt.")),
    500: (_l("Sorry, there is a problem with the service"),
          _l("Try again later. Anything you had already sent is safe.")),
    "unstorable": (_l("Your request contained a character we cannot accept"),
                   _l("Text pasted from another program can carry hidden control characters. Type it again "
                      "and try once more. Nothing from this page was saved.")),
    "csrf": (_l("Your page timed out"),
             _l("For your security, forms only work for a limited time, and only from this service. "
                "Nothing from this page was saved.")),
}


def _error_page(key: int | str):
    title, message = ERROR_PAGES[key]
    status = 400 if key in ("csrf", "unstorable") else int(key)

    def handler(error: Exception):
        return render_template("errors/error.html", title=title, message=message,
                               start_again=key == "csrf"), status

    return handler


def trusted_networks(setting: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """The networks of EXITVOICE_TRUSTED_PROXIES ("10.0.0.5, 192.168.1.0/24"); ValueError names a bad one."""
    networks = []
    for part in (p.strip() for p in setting.split(",")):
        if part:
            try:
                networks.append(ipaddress.ip_network(part, strict=False))
            except ValueError:
                raise ValueError(f"EXITVOICE_TRUSTED_PROXIES: {part!r} is not an address or network") from None
    return networks


class TrustedProxyFix:
    """Believe X-Forwarded-* headers only on requests that come from a trusted proxy.

    Anyone can send those headers; believed from anywhere, they would let a client choose the
    address rate limits count it under, or the scheme and host the app thinks it serves."""

    def __init__(self, app, trusted) -> None:  # noqa: ANN001 - a WSGI app
        self.app = app
        self.trusted = trusted
        self.fixed = ProxyFix(app, x_for=1, x_proto=1, x_host=1)

    def __call__(self, environ, start_response):  # noqa: ANN001, ANN204 - WSGI
        try:
            peer = ipaddress.ip_address(environ.get("REMOTE_ADDR", ""))
        except ValueError:
            return self.app(environ, start_response)
        if any(peer in network for network in self.trusted):
            return self.fixed(environ, start_response)
        return self.app(environ, start_response)


def _complete_config(app: Flask, env: str) -> None:
    """Fill in the database URL and secret key where the environment left them out."""
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        if env == "production":
            raise RuntimeError("DATABASE_URL must be set in production (a PostgreSQL URL).")
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "exitvoice.sqlite")
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    if env == "production" and not app.config.get("BASE_URL", "").startswith("https://"):
        raise RuntimeError("EXITVOICE_BASE_URL must be set in production to the service's https:// address.")
    if not app.config.get("SECRET_KEY"):
        if env == "production":
            raise RuntimeError("SECRET_KEY must be set in production.")
        # Development: a random key kept in the instance folder, so sessions survive restarts.
        key_file = Path(app.instance_path) / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_hex(32))
            key_file.chmod(0o600)
        app.config["SECRET_KEY"] = key_file.read_text().strip()


def _queue_sqlite_writers(app: Flask) -> None:
    """SQLite: the writers of a process queue for their turn (survey_app/sqlite_writers.py), and
    no connection is pinged before use (a file cannot have gone away as a server can)."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    from .sqlite_writers import QueuedWriterConnection

    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    options["pool_pre_ping"] = False
    options["connect_args"] = {**options.get("connect_args", {}), "factory": QueuedWriterConnection}
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _enable_sqlite_wal(app: Flask) -> None:
    """SQLite: WAL so readers never block the writer, and a busy timeout instead of errors."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    from sqlalchemy import event

    from .sqlite_writers import WAIT_SECONDS

    with app.app_context():
        engine = db.engine

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):  # noqa: ANN001
            cursor = dbapi_connection.cursor()
            if app.config["SQLALCHEMY_DATABASE_URI"] not in ("sqlite://", "sqlite:///:memory:"):
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={int(WAIT_SECONDS * 1000)}")  # as long as a writer queues
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            # Deleted rows (drafts, pool) are overwritten with zeros, not left in free pages.
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.close()
