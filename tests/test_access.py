"""Every route declares who may use it; anything undeclared is refused.

Anonymous people reach only respondent pages, static files and sign-in; a standards reader and an
admin never reach an individual answer.
"""

from __future__ import annotations

import re

import pytest
from flask import Blueprint

from survey_app import create_app
from survey_app.access import PUBLIC, rule_for
from survey_app.extensions import db

from .support import complete_exit_questionnaire, signed_in

# Endpoints anyone may use: the respondent journey, static files, signing in and setting a password.
EXPECTED_PUBLIC = {
    "static", "favicon",
    "respond.index", "respond.privacy", "respond.accessibility", "respond.start", "respond.code",
    "respond.page", "respond.check", "respond.save", "respond.resume", "respond.done", "respond.follow_up",
    "respond.follow_up_done", "respond.language",
    "auth.sign_in", "auth.two_factor", "auth.sign_out", "auth.set_password",
}


def _concrete(rule, values: dict[str, str]) -> str:
    """A URL for a rule with every variable filled in."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: values.get(m.group(1), "1"), rule.rule)


def test_every_route_declares_an_access_rule(app):
    missing = [rule.endpoint for rule in app.url_map.iter_rules() if rule_for(app, rule.endpoint) is None]
    assert missing == []


def test_only_respondent_pages_static_files_and_sign_in_are_public(app):
    public = {rule.endpoint for rule in app.url_map.iter_rules() if rule_for(app, rule.endpoint) == PUBLIC}
    assert public == EXPECTED_PUBLIC


def test_a_route_without_a_rule_is_refused(database_url):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    forgotten = Blueprint("forgotten", __name__)

    @forgotten.route("/forgotten")
    def undeclared():
        return "individual answers"

    app.register_blueprint(forgotten)
    with app.app_context():
        response = app.test_client().get("/forgotten")
        db.engine.dispose()
    assert response.status_code == 403
    assert "individual answers" not in response.get_data(as_text=True)


def _staff_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule_for(app, rule.endpoint) != PUBLIC]


def test_anonymous_visitors_are_sent_to_sign_in_from_every_staff_route(app, client):
    for rule in _staff_rules(app):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(_concrete(rule, {}), method=method)
            assert response.status_code == 302, (rule.rule, method)
            assert response.headers["Location"].startswith("/sign-in"), (rule.rule, method)


@pytest.mark.parametrize("role", ["standards", "admin"])
def test_only_hr_reaches_hr_pages_and_exports(app, client, role):
    complete_exit_questionnaire(client)
    signed_in(client, role)
    from survey_app.models import Response

    response_id = db.session.execute(db.select(Response.id)).scalar_one()
    hr_rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("hr.")]
    assert any(r.endpoint == "hr.export" for r in hr_rules)
    for rule in hr_rules:
        url = _concrete(rule, {"response_id": response_id, "slug": "exit", "channel": "paper"})
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            assert response.status_code == 403, (role, rule.rule, method)
            assert "Social worker" not in response.get_data(as_text=True)


def test_a_standards_reader_gets_403_on_every_admin_route(app, client):
    signed_in(client, "standards")
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin."):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                assert client.open(_concrete(rule, {}), method=method).status_code == 403, (rule.rule, method)


def test_hr_cannot_use_admin_pages(app, client):
    signed_in(client, "hr")
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/audit").status_code == 403


def test_hr_reaches_its_workspace(client):
    signed_in(client, "hr")
    assert client.get("/hr/").status_code == 200
    assert client.get("/hr/export").status_code == 200
