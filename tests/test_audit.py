"""Admins read who did what to which record; nobody can change or delete the log."""

from __future__ import annotations

import pytest

from survey_app import audit
from survey_app.extensions import db
from survey_app.models import AuditEvent

from .support import add_exit_response, signed_in, texts


def test_the_audit_log_lists_who_did_what_to_which_record(app, client):
    response = add_exit_response()
    hr = app.test_client()
    signed_in(hr, "hr")
    hr.get(f"/hr/responses/{response.id}")
    signed_in(client, "admin")
    page = client.get("/admin/audit", query_string={"action": "viewed"})
    assert len(texts(page, "tbody tr")) == 1
    cells = texts(page, "tbody tr td")
    assert cells[1:4] == ["hr@council.example", "viewed", f"response {response.id}"]
    assert cells[0].endswith("UTC")


def test_the_audit_log_filters_by_person_and_record(app, client):
    signed_in(client, "admin")
    other = app.test_client()
    signed_in(other, "hr")
    by_hr = texts(client.get("/admin/audit", query_string={"actor": "hr@"}), "tbody tr td:nth-of-type(2)")
    assert set(by_hr) == {"hr@council.example"}
    users = texts(client.get("/admin/audit", query_string={"record_type": "user"}), "tbody tr")
    assert len(users) == 2  # two sign-ins
    dated = client.get("/admin/audit", query_string={"date_from": "2001-01-01", "date_to": "2001-12-31"})
    assert texts(dated, "tbody tr") == []


def test_no_route_edits_or_deletes_audit_rows(app):
    for rule in app.url_map.iter_rules():
        if "audit" in rule.rule:
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule.rule


def test_the_database_layer_refuses_to_change_or_delete_an_audit_event(app):
    event = audit.record("viewed", "response", "x", actor_label="test")
    db.session.commit()
    event.action = "nothing to see"
    with pytest.raises(audit.AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, event.id))
    with pytest.raises(audit.AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    with pytest.raises(audit.AuditLogIsAppendOnly):
        db.session.execute(db.delete(AuditEvent))
    db.session.rollback()
    assert db.session.execute(db.select(AuditEvent.action)).scalars().all() == ["viewed"]
