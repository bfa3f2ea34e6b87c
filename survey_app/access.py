"""Who may use which route. Deny by default: a route with no declared rule is refused.

Every view function declares its rule with one of the decorators below, placed directly under
``@bp.route``:

- ``@public``: anyone, signed in or not (respondent pages, sign-in);
- ``@roles_required("hr", "admin")``: a signed-in user holding one of the roles.

``check_access`` runs before every request. It looks up the rule on the view function of the
matched endpoint; a view without one gets 403, so forgetting a rule fails closed. See
``docs/access.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from flask import Flask, abort, current_app, g, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user

from .models import ROLES

View = TypeVar("View", bound=Callable[..., Any])

PUBLIC = "public"
RULE_ATTRIBUTE = "access_rule"
# A view marked with this may be used while a mandatory second factor is still being set up.
BEFORE_TWO_FACTOR_ATTRIBUTE = "access_before_two_factor"
# Endpoints whose view functions belong to Flask itself and cannot carry an attribute.
PUBLIC_ENDPOINTS = frozenset({"static"})
LAST_SEEN_KEY = "last_seen"
# The signed-in session's own value; the server keeps its digest (StaffSession) until sign-out.
SESSION_ID_KEY = "staff_session"


def public(view: View) -> View:
    """Anyone may use this route, signed in or not."""
    setattr(view, RULE_ATTRIBUTE, PUBLIC)
    return view


def roles_required(*roles: str) -> Callable[[View], View]:
    """Only a signed-in, enabled user with one of ``roles`` may use this route."""
    unknown = set(roles) - set(ROLES)
    if not roles or unknown:
        raise ValueError(f"roles_required needs roles from {ROLES}, not {sorted(unknown) or 'none'}")

    def decorate(view: View) -> View:
        setattr(view, RULE_ATTRIBUTE, frozenset(roles))
        return view

    return decorate


def before_two_factor(view: View) -> View:
    """Let a signed-in user reach this route before setting up a mandatory second factor."""
    setattr(view, BEFORE_TWO_FACTOR_ATTRIBUTE, True)
    return view


def rule_for(app: Flask, endpoint: str) -> str | frozenset[str] | None:
    """The declared rule of an endpoint: ``"public"``, a set of roles, or None (refused)."""
    if endpoint in PUBLIC_ENDPOINTS or endpoint.endswith(".static"):
        return PUBLIC
    view = app.view_functions.get(endpoint)
    return getattr(view, RULE_ATTRIBUTE, None)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def check_access() -> Any:
    """``before_request``: enforce the idle timeout, then the matched route's rule."""
    # ``g`` lives as long as the app context; when one outlives a request (as under a test
    # client), the previous request's user and CSRF token must not carry over.
    g.pop("_login_user", None)
    g.pop("csrf_token", None)
    if request.endpoint is None:  # no route matched: the 404 handler answers
        return None
    if current_user.is_authenticated:
        idle = timedelta(minutes=current_app.config["IDLE_TIMEOUT_MINUTES"])
        last_seen = session.get(LAST_SEEN_KEY)
        now = _now()
        if last_seen is not None and now - datetime.fromtimestamp(last_seen, UTC).replace(tzinfo=None) > idle:
            logout_user()
            session.clear()
            g.pop("csrf_token", None)
            session["signed_out_idle"] = True
        else:
            session[LAST_SEEN_KEY] = now.replace(tzinfo=UTC).timestamp()
    rule = rule_for(current_app, request.endpoint)
    if rule is None:
        current_app.logger.warning("Refused %s: the route declares no access rule", request.endpoint)
        abort(403)
    if rule == PUBLIC:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in", next=request.full_path if request.method == "GET" else None))
    if current_user.role not in rule:
        abort(403)
    view = current_app.view_functions[request.endpoint]
    if current_user.role == "hr" and current_user.hr_unconfirmed \
            and not getattr(view, BEFORE_TWO_FACTOR_ATTRIBUTE, False):
        # HR access given by an admin starts only when another HR user confirms it; until then
        # only the person's own account pages open.
        return render_template("auth/hr_unconfirmed.html"), 403
    if not getattr(view, BEFORE_TWO_FACTOR_ATTRIBUTE, False) and _needs_two_factor_setup():
        return redirect(url_for("auth.two_factor_setup"))
    return None


def _needs_two_factor_setup() -> bool:
    from .models import Organisation

    if current_user.totp_secret:
        return False
    from .extensions import db

    org = db.session.get(Organisation, current_user.organisation_id)
    return bool(org and org.require_two_factor)


def init_access(app: Flask) -> None:
    """Install the check that every request passes through (403 pages come from create_app)."""
    # First of all request checks: refuse before CSRF, rate limits or the view see the request.
    app.before_request_funcs.setdefault(None, []).insert(0, check_access)
