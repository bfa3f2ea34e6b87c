"""Hostile input never makes the server fail: every route, every role, both databases.

For each route in the URL map, signed in as each role (and anonymous), the path variables and a
set of query parameters are filled with hostile values (NUL bytes, integers beyond 64 bits, dates
at the ends of the calendar, very long text, bidirectional overrides, path tricks), and every form
the route shows is posted back with the same values in each field. The answer may be a refusal,
a redirect or a validation message, but never a 5xx. The values are a fixed table so that a
failure names its request and repeats.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from .support import complete_exit_questionnaire, make_user, page_of, sign_in

HOSTILE = [
    "\x00",
    "ex\x00it",
    "2147483648",
    "99999999999999999999999",
    "-1",
    "9999-12-31",
    "0000-01-01",
    "1900/01 Q1",
    "2025/26 Q9",
    "x" * 5000,
    "\u202etxt.exe",
    "../../etc/passwd",
    "%",
    "' OR 1=1 --",
]
# The values most likely to break parsing or storage, tried in every field of every form.
FIELD_VALUES = ["\x00", "2147483648", "99999999999999999999999", "-1", "9999-12-31", "0000-01-01",
                "1900/01 Q1", "x" * 5000]
# Query parameters the pages read (filters, paging, periods, dates); unknown ones are ignored.
QUERY_NAMES = ["page", "period", "quarter", "year", "kind", "status", "theme", "channel", "role", "q",
               "date_from", "date_to", "action", "user", "next", "sort", "questionnaire", "format", "review"]
SKIP = {"static"}


def _url(rule, value: str) -> str:
    encoded = quote(value, safe="")
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", encoded, rule.rule)


def _forms(response):
    """(action, method, defaults) of each form on a page; defaults hold every field's own value."""
    out = []
    for form in page_of(response).select("form"):
        defaults: dict[str, str] = {}
        for el in form.select("input, select, textarea"):
            name = el.get("name")
            if not name or name in defaults:
                continue
            if el.name == "select":
                chosen = el.select_one("option[selected]") or el.select_one("option")
                defaults[name] = chosen.get("value", "") if chosen else ""
            elif el.name == "textarea":
                defaults[name] = el.get_text()
            elif el.get("type") in ("radio", "checkbox"):
                defaults[name] = el.get("value", "on")
            else:
                defaults[name] = el.get("value", "")
        out.append((form.get("action"), (form.get("method") or "get").lower(), defaults))
    return out


def _check(response, what: str, failures: list[str]) -> None:
    if response.status_code >= 500:
        failures.append(f"{response.status_code} {what}")


def _attack(app, client, failures: list[str]) -> None:
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP:
            continue
        for value in HOSTILE:
            url = _url(rule, value)
            query = "&".join(f"{name}={quote(value, safe='')}" for name in QUERY_NAMES)
            if "GET" in rule.methods:
                _check(client.get(url), f"GET {url[:120]}", failures)
                _check(client.get(f"{url}?{query}"), f"GET {url[:80]}?{query[:80]}", failures)
            if "POST" in rule.methods:
                _check(client.post(url, data={"x": value}), f"POST {url[:120]}", failures)
        # The route's own forms, posted back with hostile values in every field.
        concrete = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", "1", rule.rule)
        if "GET" not in rule.methods or "<" in rule.rule and rule.endpoint.startswith("respond."):
            continue
        page = client.get(concrete)
        if page.status_code != 200 or "html" not in page.content_type:
            continue
        for action, method, defaults in _forms(page):
            target = action or concrete
            # One field at a time, the others as the page filled them, so validation of the
            # other fields cannot hide what the hostile one does.
            for name in [n for n in defaults if n != "csrf_token"]:
                for value in FIELD_VALUES:
                    data = {**defaults, name: value}
                    if method == "post":
                        response = client.post(target, data=data)
                    else:
                        response = client.get(target, query_string=data)
                    _check(response, f"{method.upper()} {target} {name}={value[:20]!r}", failures)


@pytest.mark.parametrize("role", [None, "hr", "admin", "standards"])
def test_no_hostile_request_makes_the_server_fail(app, client, role):
    # Failures answer 500 as in production, so that one run lists every failing request.
    app.config["PROPAGATE_EXCEPTIONS"] = False
    complete_exit_questionnaire(app.test_client())
    if role:
        make_user(f"{role}@council.example", role)
        assert sign_in(client, f"{role}@council.example").status_code == 302
    failures: list[str] = []
    _attack(app, client, failures)
    assert not failures, "\n".join(failures[:40]) + f"\n({len(failures)} in all)"


def test_a_nul_byte_in_the_sign_in_form_is_refused_with_a_message(app, client):
    from .support import csrf_token_of

    page = client.get("/sign-in")
    response = client.post("/sign-in", data={"csrf_token": csrf_token_of(page), "email": "hr\x00@council.example",
                                             "password": "x"})
    assert response.status_code in (200, 400)


@pytest.mark.parametrize(("role", "path", "expected"), [
    (None, "/%00/", {400}),
    (None, "/ex%00it/check", {400}),
    ("admin", "/admin/users/2147483648", {404}),
    ("admin", "/admin/users/99999999999999999999", {404}),
    ("admin", "/admin/audit?date_to=9999-12-31", {200}),
    ("admin", "/admin/audit?date_from=0001-01-01&date_to=9999-12-31", {200}),
    ("hr", "/reports/?period=1900%2F01+Q1", {200, 302, 400, 404}),
])
def test_requests_that_once_failed_get_a_clear_answer(app, client, role, path, expected):
    if role:
        make_user(f"{role}@council.example", role)
        assert sign_in(client, f"{role}@council.example").status_code == 302
    response = client.get(path)
    assert response.status_code in expected, (path, response.status_code)
    if response.status_code == 400:
        assert "character we cannot accept" in page_of(response).get_text()


def test_no_anonymous_page_reads_the_definition_files_again(app, client, monkeypatch):
    # The home page, and any path a stranger types (it names a questionnaire), read and parsed
    # every shipped YAML definition at each request: cheap to ask, dear to answer.
    import yaml

    assert client.get("/").status_code == 200
    assert client.get("/not-a-questionnaire/").status_code == 404
    parsed: list[str] = []
    real = yaml.safe_load
    monkeypatch.setattr(yaml, "safe_load", lambda stream: parsed.append("yaml") or real(stream))
    for n in range(20):
        for path in (f"/made-up-{n}/", f"/made-up-{n}/your-job", f"/made-up-{n}/check"):
            assert client.get(path).status_code == 404, path
    home = client.get("/")
    assert home.status_code == 200 and "Exit questionnaire" in home.get_data(as_text=True)
    assert parsed == []


def test_the_home_page_still_adds_a_shipped_questionnaire_that_has_no_row_yet(app, client):
    # As after an upgrade that ships a new questionnaire or version: its row is made on the next
    # visit to the home page, and it is the current version.
    from survey_app.extensions import db
    from survey_app.models import Instrument

    assert client.get("/").status_code == 200
    db.session.execute(db.delete(Instrument).where(Instrument.slug == "exit"))
    db.session.commit()
    assert db.session.execute(db.select(Instrument).filter_by(slug="exit")).first() is None
    assert "Exit questionnaire" in client.get("/").get_data(as_text=True)
    assert db.session.execute(db.select(Instrument).filter_by(slug="exit", is_current=True)).scalar_one()
