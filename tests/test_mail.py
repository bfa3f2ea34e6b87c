"""Email goes out through an outbox: a follow-up request tells HR's mailbox, later, by SMTP."""

from __future__ import annotations

import logging
import socket
from email import message_from_bytes
from email.policy import default

import pytest
from aiosmtpd.controller import Controller

from survey_app.extensions import db
from survey_app.mail import send_queued
from survey_app.models import FollowUpRequest, OutboxMessage

from .support import post_form


class _Inbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(envelope)
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


def _ask(client):
    return post_form(client, "/follow-up", {"talk_to": "hr", "name": "Sam Taylor",
                                            "contact": "sam.taylor@example.org", "best_time": "Mornings"})


def test_a_follow_up_request_is_answered_at_once_and_hr_is_emailed_later(app, client, smtp_server):
    controller, inbox = smtp_server
    app.config.update(HR_MAILBOX="hr-team@council.example", MAIL_BACKEND="smtp", SMTP_TLS="none",
                      SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port, BASE_URL="https://exitvoice.council.example")
    response = _ask(client)
    assert response.status_code == 302
    assert inbox.messages == []  # nothing is sent inside the leaver's request
    queued = db.session.execute(db.select(OutboxMessage)).scalar_one()
    assert (queued.status, queued.to_address) == ("queued", "hr-team@council.example")

    assert send_queued() == (1, 0)
    (envelope,) = inbox.messages
    assert envelope.rcpt_tos == ["hr-team@council.example"]
    parsed = message_from_bytes(envelope.content, policy=default)
    assert parsed["Subject"] == "A follow-up conversation was requested"
    text = parsed.as_string() + parsed.get_content()
    assert "https://exitvoice.council.example/hr/follow-ups" in text
    for private in ("Sam", "Taylor", "sam.taylor", "Mornings"):
        assert private not in text
    db.session.refresh(queued)
    assert queued.status == "sent" and queued.sent_on is not None
    assert send_queued() == (0, 0)  # sent once only


def test_a_mail_server_that_is_down_loses_nothing(app, client):
    app.config.update(HR_MAILBOX="hr-team@council.example", MAIL_BACKEND="smtp", SMTP_TLS="none",
                      SMTP_HOST="127.0.0.1", SMTP_PORT=_free_port(), MAIL_MAX_ATTEMPTS=2)
    assert _ask(client).status_code == 302  # the leaver is not affected
    assert db.session.execute(db.select(FollowUpRequest)).scalar_one().name == "Sam Taylor"
    assert send_queued() == (0, 1)
    message = db.session.execute(db.select(OutboxMessage)).scalar_one()
    assert (message.status, message.attempts) == ("queued", 1)
    assert "ConnectionRefusedError" in message.last_error
    assert send_queued() == (0, 1)
    db.session.refresh(message)
    assert (message.status, message.attempts) == ("failed", 2)  # kept, for the operator to see


def test_without_a_mailbox_nothing_is_queued_and_the_log_backend_writes_to_the_log(app, client, runner):
    app.config["HR_MAILBOX"] = ""
    _ask(client)
    assert db.session.execute(db.select(OutboxMessage)).first() is None
    app.config["HR_MAILBOX"] = "hr-team@council.example"
    _ask(client)
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.INFO)
    handler.emit = records.append
    app.logger.addHandler(handler)
    level, disabled = app.logger.level, app.logger.disabled
    app.logger.setLevel(logging.INFO)
    app.logger.disabled = False  # Alembic's logging setup, run in-process by the tests, disables it
    try:
        result = runner.invoke(args=["mail", "send"])
    finally:
        app.logger.removeHandler(handler)
        app.logger.setLevel(level)
        app.logger.disabled = disabled
    assert "Sent 1 message(s)" in result.output
    assert any("A follow-up conversation was requested" in r.getMessage() for r in records)


def test_a_sent_message_leaves_no_link_in_the_outbox_for_a_database_reader(app):
    """The attacker reads the outbox table after sending: no set-password link is left to take."""
    from survey_app.extensions import db
    from survey_app.mail import ERASED, queue, send_queued
    from survey_app.models import OutboxMessage

    queue(1, "sam@council.example", "Set your ExitVoice password",
          "Set your password: https://exitvoice.example/set-password/SECRET-TOKEN\n")
    db.session.commit()
    assert send_queued() == (1, 0)
    row = db.session.execute(db.select(OutboxMessage)).scalar_one()
    assert row.status == "sent" and row.body == ERASED and "SECRET-TOKEN" not in str(row.__dict__)
    assert row.to_address == "sam@council.example"  # an account email is not a secret; an invitee's is
