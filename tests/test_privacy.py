"""Anonymous means the database cannot tie answers to a person: shown here, not promised."""

from __future__ import annotations

import logging
import uuid

import sqlalchemy as sa

from survey_app.codes import hash_code, issue_codes
from survey_app.extensions import db
from survey_app.models import Comment, FollowUpRequest, InvitationCode, Response
from survey_app.security import DropClientAddress

from .support import EXIT_ANSWERS, Respondent, complete_exit_questionnaire, csrf_token_of

RESPONDENT_TABLES = ("response", "comment")
IDENTIFYING_WORDS = ("ip", "addr", "agent", "session", "code", "token", "created", "updated", "time", "user")


def _columns(table: str) -> list[sa.Column]:
    return list(db.metadata.tables[table].columns)


def _all_stored_text(tables=RESPONDENT_TABLES) -> str:
    parts = []
    for table in tables:
        for row in db.session.execute(sa.select(db.metadata.tables[table])).mappings():
            parts.extend(str(v) for v in row.values())
    return " ".join(parts)


def test_response_tables_have_no_column_for_who_or_when(app):
    for table in RESPONDENT_TABLES:
        for column in _columns(table):
            assert not isinstance(column.type, sa.DateTime), f"{table}.{column.name} stores a time of day"
            words = column.name.split("_")
            assert not any(w in IDENTIFYING_WORDS for w in words), f"{table}.{column.name} looks identifying"


def test_a_stored_response_holds_no_address_browser_time_or_session(client):
    client.environ_base.update({"REMOTE_ADDR": "203.0.113.77", "HTTP_USER_AGENT": "DistinctiveBrowser/9.9"})
    complete_exit_questionnaire(client)
    session_cookie = client.get_cookie("exitvoice_session")
    stored = db.session.execute(sa.select(Response)).scalar_one()
    assert stored.period.day == 1  # a month, nothing finer
    for comment in stored.comments:
        assert comment.period == stored.period
    everything = _all_stored_text()
    assert "203.0.113.77" not in everything
    assert "DistinctiveBrowser" not in everything
    if session_cookie is not None:
        assert session_cookie.value not in everything


def test_responses_sent_one_after_another_cannot_be_ordered_by_their_keys(client, app):
    sent_order = []
    for n in range(12):
        marker = f"marker {n:02d}"
        answers = dict(EXIT_ANSWERS)
        answers["why-leaving"] = {**EXIT_ANSWERS["why-leaving"], "reasons_text": marker}
        complete_exit_questionnaire(client, answers=answers)
        sent_order.append(marker)
    rows = db.session.execute(
        sa.select(Response.id, Comment.text).join(Comment).where(Comment.question_key == "reasons_text")
    ).all()
    for response_id, _ in rows:
        assert uuid.UUID(response_id).version == 4  # random, not time-based
    by_key = [text for _, text in sorted(rows)]
    assert sorted(by_key) == sent_order
    assert by_key != sent_order  # 1 chance in 12! of a false failure
    if db.engine.dialect.name == "sqlite":
        # No hidden sequential rowid either.
        for table in ("response", "comment", "follow_up_request"):
            sql = db.session.execute(sa.text("SELECT sql FROM sqlite_master WHERE name = :t"), {"t": table}).scalar()
            assert "WITHOUT ROWID" in sql.upper(), table


def test_an_invitation_code_is_spent_but_not_linked_to_the_response(client, app):
    [code] = issue_codes("staff-survey", 1, batch="test")
    person = Respondent(client, "staff-survey")
    assert person.enter_code(code).status_code == 302
    person.post_page("about-you", {"role": "social_worker", "length_of_service": "2_to_5"})
    person.post_page("your-work", {"caseload": "2"})
    response = person.post_check()
    assert response.headers["Location"].endswith("/staff-survey/done")
    stored = db.session.execute(sa.select(Response)).scalar_one()
    row = db.session.execute(sa.select(InvitationCode)).scalar_one()
    assert row.used is True
    everything = _all_stored_text()
    assert code not in everything and hash_code(code) not in everything
    # Nothing in the code table can point at a response.
    assert not [fk for fk in db.metadata.tables["invitation_code"].foreign_keys if fk.column.table.name == "response"]
    assert stored.id not in _all_stored_text(("invitation_code",))


def test_a_follow_up_request_shares_no_key_or_time_with_any_response(client, app):
    complete_exit_questionnaire(client)
    form = client.get("/follow-up")
    client.post("/follow-up", data={"csrf_token": csrf_token_of(form), "talk_to": "other_manager",
                                    "name": "Sam Leaver", "contact": "sam@example.org"})
    request = db.session.execute(sa.select(FollowUpRequest)).scalar_one()
    response = db.session.execute(sa.select(Response)).scalar_one()
    table = db.metadata.tables["follow_up_request"]
    assert not table.foreign_keys or all(fk.column.table.name == "organisation" for fk in table.foreign_keys)
    assert not [c for c in table.columns if isinstance(c.type, sa.DateTime)]
    assert response.id not in _all_stored_text(("follow_up_request",))
    assert request.id not in _all_stored_text()
    assert "Sam Leaver" not in _all_stored_text()


def test_development_server_logs_carry_no_client_address():
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '%s - - [%s] "%s" %s -',
                               ("198.51.100.4", "23/Nov/2026 10:00:00", "POST /exit/check HTTP/1.1", "302"), None)
    DropClientAddress().filter(record)
    assert "198.51.100.4" not in record.getMessage()
    assert "POST /exit/check" in record.getMessage()


def test_gunicorn_access_log_carries_no_client_address_or_time():
    import runpy
    from pathlib import Path

    settings = runpy.run_path(str(Path(__file__).parent.parent / "gunicorn.conf.py"))
    assert "%(h)s" not in settings["access_log_format"]
    assert "%(t)s" not in settings["access_log_format"]
