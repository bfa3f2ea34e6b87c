"""Two organisations in one deployment: staff of one never see or change the other's records.

Organisation A has a response, a follow-up request, an action note and staff. Staff of
organisation B, in every role, visit every page with A's record ids in the address, and post
to A's records; nothing of A appears, A's ids are 404s, and A's records stay as they were.
"""

from __future__ import annotations

import re
import uuid

import pytest
import sqlalchemy as sa

from survey_app.auth import accounts
from survey_app.extensions import db
from survey_app.models import ActionNote, FollowUpRequest, Organisation, Response, User

from .support import PASSWORD, add_exit_response, csrf_token_of, post_form, sign_in, signed_in

MARKER = "ORGAMARKER"


@pytest.fixture
def second_organisation(app):
    org = Organisation(slug=f"second-{uuid.uuid4().hex[:8]}", name="Second Council")
    db.session.add(org)
    db.session.commit()
    yield org
    db.session.rollback()
    for table in reversed(db.metadata.sorted_tables):
        if "organisation_id" in table.columns:
            db.session.execute(table.delete().where(table.c.organisation_id == org.id))
    db.session.execute(sa.delete(Organisation).where(Organisation.id == org.id))
    db.session.commit()


def _user_of(org: Organisation, role: str) -> User:
    user = accounts.create_user(f"{role}@second.example", role, PASSWORD)
    user.organisation_id = org.id
    db.session.commit()
    return user


def _organisation_a_records(client):
    response = add_exit_response(reasons_text=f"{MARKER} my manager never listened")
    follow_up = FollowUpRequest(organisation_id=response.organisation_id, talk_to="hr", name=f"{MARKER} Person",
                                contact="person@a.example", requested_on=response.period)
    db.session.add(follow_up)
    db.session.commit()
    hr_a = signed_in(client, "hr", "hr@first.example")
    post_form(client, f"/hr/responses/{response.id}", {"text": f"{MARKER} note"})
    db.session.add(ActionNote(organisation_id=response.organisation_id, response_id=response.id,
                              author_id=hr_a.id, written_at=accounts.utcnow(), text=f"{MARKER} called the team"))
    db.session.commit()
    return {"response_id": response.id, "request_id": follow_up.id, "user_id": str(hr_a.id),
            "id": response.id, "report_id": response.id, "session_id": response.id, "remark_id": response.id}


def _concrete(rule, ids: dict[str, str]) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: ids.get(m.group(1), "1"), rule.rule)


def test_staff_of_another_organisation_see_nothing_of_it(app, client, second_organisation):
    ids = _organisation_a_records(client)
    # Organisation A's own HR sees its records (so the checks below can fail).
    assert MARKER in client.get(f"/hr/responses/{ids['response_id']}").get_data(as_text=True)
    assert MARKER in client.get("/hr/follow-ups").get_data(as_text=True)
    assert ids["response_id"] in client.get("/hr/").get_data(as_text=True)
    for role in ("hr", "admin", "standards"):
        _user_of(second_organisation, role)
        other = app.test_client()
        assert sign_in(other, f"{role}@second.example").status_code == 302
        for rule in app.url_map.iter_rules():
            if rule.endpoint == "static" or "GET" not in rule.methods:
                continue
            if not rule.endpoint.startswith(("hr.", "admin.", "reports.")):
                continue
            url = _concrete(rule, ids)
            page = other.get(url)
            body = page.get_data().decode("utf-8", "replace")  # some routes send workbooks
            assert page.status_code < 500, (role, url, page.status_code)
            assert MARKER not in body, (role, url)
            assert "hr@first.example" not in body, (role, url)
            if "<" not in rule.rule:  # a list page: A's records are not even linked
                assert ids["response_id"] not in body and ids["request_id"] not in body, (role, url)
            if "<" in rule.rule and page.status_code != 403:
                assert page.status_code == 404, (role, url, page.status_code)


def test_staff_of_another_organisation_cannot_change_its_records(app, client, second_organisation):
    ids = _organisation_a_records(client)
    notes_before = db.session.execute(sa.select(sa.func.count()).select_from(ActionNote)).scalar_one()
    _user_of(second_organisation, "hr")
    other = app.test_client()
    assert sign_in(other, "hr@second.example").status_code == 302
    token = csrf_token_of(other.get("/account"))
    assert other.post(f"/hr/responses/{ids['response_id']}/reviewed",
                      data={"csrf_token": token}).status_code == 404
    assert other.post(f"/hr/responses/{ids['response_id']}/notes",
                      data={"csrf_token": token, "text": "from B"}).status_code == 404
    assert other.post(f"/hr/follow-ups/{ids['request_id']}",
                      data={"csrf_token": token, "status": "done"}).status_code == 404
    db.session.expire_all()
    assert db.session.execute(sa.select(sa.func.count()).select_from(ActionNote)).scalar_one() == notes_before
    assert db.session.get(Response, ids["response_id"]).reviewed is False
    assert db.session.get(FollowUpRequest, ids["request_id"]).status == "new"
    # And B's own queue is empty: A's response is not counted there either.
    assert MARKER not in other.get("/hr/").get_data(as_text=True)
