"""Every page carries the security headers; sessions and forms are protected."""

from __future__ import annotations

import sqlalchemy as sa

from survey_app import create_app
from survey_app.config import ProductionConfig
from survey_app.extensions import db
from survey_app.models import Response

from .support import Respondent, csrf_token_of


def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/exit/your-job")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    # Same-origin only: outbound links carry no Referer, our own HTTPS form posts do (see test_https).
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


def test_pages_have_no_inline_script(client):
    from .support import page_of

    for path in ("/", "/exit/", "/exit/your-job", "/exit/check", "/privacy"):
        for script in page_of(client.get(path)).find_all("script"):
            assert script.get("src"), f"inline script on {path}"


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/exit/").headers
    secure = client.get("/exit/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_session_cookie_is_httponly_samesite_and_secure_in_production(client):
    person = Respondent(client)
    person.post_page("your-job", {"role": "social_worker"})
    cookie = client.get_cookie("exitvoice_session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    assert ProductionConfig.SESSION_COOKIE_SECURE is True


def test_production_refuses_to_start_without_a_database_and_secret(monkeypatch):
    import pytest

    monkeypatch.setenv("EXITVOICE_ENV", "production")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        create_app()


def test_sending_answers_is_rate_limited(database_url):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": True,
                      "RATELIMIT_SUBMIT": "2 per minute"})
    from survey_app.extensions import limiter

    with app.app_context():
        limiter.reset()
        client = app.test_client()
        person = Respondent(client, "follow-up")
        statuses = []
        for _ in range(3):
            form = client.get("/follow-up")
            statuses.append(client.post("/follow-up", data={"csrf_token": csrf_token_of(form)}).status_code)
        assert statuses == [400, 400, 429]
        assert person  # the journey helper is not needed further
        assert db.session.execute(sa.select(Response)).first() is None
        db.session.remove()
        db.engine.dispose()


def test_static_files_and_the_favicon_never_set_the_session_cookie(app, client):
    """A late icon or stylesheet response must not put back an older session over the one the
    next page set (its CSRF token with it): only pages set the cookie."""
    from .support import csrf_token_of, signed_in

    signed_in(client, "hr")
    before = client.get_cookie("exitvoice_session").value  # the session as the landing page left it
    form = client.get("/hr/responses/new/exit/paper")  # a page that puts a CSRF token in the session
    token = csrf_token_of(form)
    for path in ("/favicon.ico", "/static/dist/app.css"):
        stale = app.test_client()
        stale.set_cookie("exitvoice_session", before)
        response = stale.get(path)
        assert response.status_code in (200, 204), path
        assert "Set-Cookie" not in response.headers, path
    assert "Set-Cookie" in client.get("/hr/").headers  # pages still refresh it
    posted = client.post("/hr/responses/new/exit/paper", data={"csrf_token": token, "action": "continue",
                                                               "step": "0"})
    assert posted.status_code == 400  # the page's own errors, not a refused form
    assert "Your page timed out" not in posted.get_data(as_text=True)
