"""Security headers, privacy-preserving logging and input no database can store, for every request."""

from __future__ import annotations

import logging
import re

from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


REFERRER_POLICY = "same-origin"


def set_security_headers(response: Response) -> Response:
    """Add the headers every page carries; answers are never cached by browsers or proxies."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    # same-origin: links to other sites carry no Referer, while our own form posts do. Over HTTPS
    # Flask-WTF refuses a POST whose Referer is missing or foreign (strict CSRF check), and with
    # no-referrer browsers also send "Origin: null", so every secure form would fail.
    headers["Referrer-Policy"] = REFERRER_POLICY
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if not request.path.startswith("/static/"):
        headers["Cache-Control"] = "no-store"
    return response


_LEADING_ADDRESS = re.compile(r"^\S+ - - ")


class DropClientAddress(logging.Filter):
    """Remove the client address werkzeug's development server puts at the start of its log lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _LEADING_ADDRESS.match(message):
            record.msg = _LEADING_ADDRESS.sub("- - - ", message)
            record.args = ()
        return True


class UnstorableInput(BadRequest):
    """A request carrying a NUL character: no database column can hold it, and no person types it."""


def refuse_unstorable_input() -> None:
    """Refuse, before any view runs, a request whose address, query or form holds a NUL byte.

    PostgreSQL text cannot contain NUL, so such a value would otherwise fail deep inside a query;
    here it gets a clear 400 and nothing is read or written."""
    values = [request.path, *request.args.keys(), *request.args.values()]
    if request.method == "POST" and request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        values += [*request.form.keys(), *request.form.values(), *(f.filename or "" for f in request.files.values())]
    if any("\x00" in value for value in values):
        raise UnstorableInput()


class BoundedIntegerConverter(IntegerConverter):
    """``<int:...>`` route values that fit a database integer column; bigger ones are a 404,
    never an out-of-range error from PostgreSQL."""

    def __init__(self, url_map, *args, **kwargs) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


#: Endpoints whose responses never carry a session cookie.
NO_SESSION_COOKIE = frozenset({"static", "favicon"})


class PageSessionInterface(SecureCookieSessionInterface):
    """Signed-cookie sessions, written only by pages, never by static files or the favicon.

    A browser may still be fetching the last page's icon or stylesheet when it asks for the next
    page. Had that late response set the session cookie, it would put back the session as it was
    before the new page, losing what the page added (the CSRF token of its form: the form would
    then be refused as timed out, seen in the browser tests under load).
    """

    def should_set_cookie(self, app: Flask, session) -> bool:
        if request.endpoint in NO_SESSION_COOKIE:
            return False
        return super().should_set_cookie(app, session)


def init_security(app: Flask) -> None:
    app.session_interface = PageSessionInterface()
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.before_request(refuse_unstorable_input)
    app.after_request(set_security_headers)
    logging.getLogger("werkzeug").addFilter(DropClientAddress())
