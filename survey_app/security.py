"""Security headers and privacy-preserving logging, applied to every response."""

from __future__ import annotations

import logging
import re

from flask import Flask, Response, request

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


def init_security(app: Flask) -> None:
    app.after_request(set_security_headers)
    logging.getLogger("werkzeug").addFilter(DropClientAddress())
