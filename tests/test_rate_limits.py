"""Rate limits stop floods, not colleagues, and count the real client, whatever headers it sends."""

from __future__ import annotations

import os
import uuid

import pytest

from survey_app import create_app

from .support import csrf_token_of

REDIS_URL = os.environ.get("EXITVOICE_TEST_REDIS", "redis://127.0.0.1:6379")


def _follow_up_statuses(app, count: int, headers: dict | None = None, remote: str = "198.51.100.20") -> list[int]:
    from survey_app.extensions import db, limiter

    with app.app_context():
        limiter.reset()
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = remote
        statuses = []
        for n in range(count):
            form = client.get("/follow-up")
            extra = {key: value.format(n=n) for key, value in (headers or {}).items()}
            statuses.append(client.post("/follow-up", data={"csrf_token": csrf_token_of(form), "talk_to": "hr",
                                                            "name": f"Person {n}", "contact": f"p{n}@example.org"},
                                        headers=extra).status_code)
        db.session.remove()
        db.engine.dispose()
    return statuses


def test_a_team_behind_one_address_gets_through_and_a_flood_does_not(database_url):
    # The production default: a team of 60 sending within a minute from one council address.
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": True})
    statuses = _follow_up_statuses(app, 62)
    assert statuses[:60] == [302] * 60
    assert statuses[60:] == [429, 429]


def test_forwarded_headers_from_an_untrusted_client_do_not_change_its_address(database_url):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": True,
                      "RATELIMIT_SUBMIT": "3 per minute", "TRUSTED_PROXIES": "10.0.0.5"})
    spoofed = {"X-Forwarded-For": "203.0.113.{n}"}
    # A client claiming a new address each time is still one client.
    assert _follow_up_statuses(app, 4, spoofed, remote="198.51.100.20") == [302, 302, 302, 429]
    # Through the trusted proxy, each forwarded address counts on its own.
    assert _follow_up_statuses(app, 4, spoofed, remote="10.0.0.5") == [302, 302, 302, 302]


def test_a_bad_trusted_proxy_setting_is_refused_at_start_up():
    with pytest.raises(ValueError, match="not an address or network"):
        create_app({"TESTING": True, "TRUSTED_PROXIES": "10.0.0.5, proxy.council.example"})


def test_limits_are_shared_through_redis(database_url):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError as exc:
        if os.environ.get("EXITVOICE_REQUIRE_POSTGRES"):
            pytest.fail(f"Redis not reachable at {REDIS_URL}: {exc}")
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    prefix = f"exitvoice-test-{uuid.uuid4().hex[:8]}"
    settings = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": True,
                "RATELIMIT_SUBMIT": "3 per minute", "RATELIMIT_STORAGE_URI": REDIS_URL,
                "RATELIMIT_KEY_PREFIX": prefix}
    # Two app instances (two servers) share one count.
    first, second = create_app(settings), create_app(settings)
    assert _follow_up_statuses(first, 2) == [302, 302]
    from survey_app.extensions import db

    with second.app_context():
        client = second.test_client()
        client.environ_base["REMOTE_ADDR"] = "198.51.100.20"
        form = client.get("/follow-up")
        data = {"csrf_token": csrf_token_of(form), "talk_to": "hr", "name": "P", "contact": "p@example.org"}
        assert client.post("/follow-up", data=data).status_code == 302
        form = client.get("/follow-up")
        data["csrf_token"] = csrf_token_of(form)
        assert client.post("/follow-up", data=data).status_code == 429
        db.session.remove()
        db.engine.dispose()
