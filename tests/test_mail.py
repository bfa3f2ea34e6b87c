"""Email goes out through an outbox: a follow-up request tells HR's mailbox, later, by SMTP."""

from __future__ import annotations

import logging
from datetime import date
from email import message_from_bytes
from email.policy import default

import pytest

from survey_app.extensions import db
from survey_app.mail import send_queued
from survey_app.models import FollowUpRequest, OutboxMessage

from .support import first_change_waits_for, free_port, page_of, post_form


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


def _ready_to_ask(client):
    """The follow-up form as the browser holds it, filled in: its hidden fields and the answers."""
    page = page_of(client.get("/follow-up"))
    hidden = {el["name"]: el["value"] for el in page.select("form input[type=hidden]")}
    assert hidden.keys() == {"csrf_token", "sending"}
    return {**hidden, "talk_to": "hr", "name": "Sam Taylor", "contact": "sam.taylor@example.org"}


def _stored_once():
    assert db.session.execute(db.select(FollowUpRequest)).scalar_one().name == "Sam Taylor"
    assert db.session.execute(db.select(OutboxMessage)).scalar_one().kind == "follow_up_requested"


def test_one_follow_up_form_sent_twice_is_one_request_and_one_email(app, client):
    # Without JavaScript nothing stops a second click of "Send request", and the back button
    # brings the sent form back: both times the leaver is told the request was sent.
    app.config.update(HR_MAILBOX="hr-team@council.example")
    filled = _ready_to_ask(client)
    first, again = client.post("/follow-up", data=filled), client.post("/follow-up", data=filled)
    assert first.headers["Location"] == again.headers["Location"] == "/follow-up/done"
    _stored_once()
    # Another form, filled in alike, is another request (asked again, on purpose).
    assert client.post("/follow-up", data=_ready_to_ask(client)).status_code == 302
    assert db.session.execute(db.select(db.func.count()).select_from(FollowUpRequest)).scalar_one() == 2


def test_two_sendings_of_one_follow_up_form_at_once_store_it_once(app, client):
    # The second reads nothing stored yet and inserts while the first commits: the unique digest
    # refuses it, and the leaver sees the same "request sent" page.
    app.config.update(HR_MAILBOX="hr-team@council.example")
    filled = _ready_to_ask(client)
    with first_change_waits_for(lambda: client.post("/follow-up", data=filled)) as first:
        second = client.post("/follow-up", data=filled)
    assert first[0].headers["Location"] == second.headers["Location"] == "/follow-up/done"
    _stored_once()


def test_a_mail_server_that_is_down_loses_nothing(app, client):
    app.config.update(HR_MAILBOX="hr-team@council.example", MAIL_BACKEND="smtp", SMTP_TLS="none",
                      SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), MAIL_MAX_ATTEMPTS=2)
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
    level = app.logger.level
    app.logger.setLevel(logging.INFO)
    try:
        result = runner.invoke(args=["mail", "send"])
    finally:
        app.logger.removeHandler(handler)
        app.logger.setLevel(level)
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


# -- GOV.UK Notify, against a local fake of its HTTP API ------------------------------------
class _FakeNotify:
    """Just enough of GOV.UK Notify's API: POST /v2/notifications/email with a signed JWT."""

    def __init__(self, service_id: str, secret: str) -> None:
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        import jwt

        self.received: list[dict] = []
        self.fail_with: int | None = None
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep the test output quiet
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's hook name
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                try:
                    claims = jwt.decode(token, secret, algorithms=["HS256"])
                except jwt.PyJWTError:
                    return self._reply(403, {"errors": [{"error": "AuthError", "message": "Invalid token"}]})
                if claims.get("iss") != service_id or self.path != "/v2/notifications/email":
                    return self._reply(403, {"errors": [{"error": "AuthError", "message": "Wrong service"}]})
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if fake.fail_with:
                    return self._reply(fake.fail_with, {"status_code": fake.fail_with, "errors": [
                        {"error": "BadRequestError", "message": "Can't send to this recipient"}]})
                fake.received.append(body)
                self._reply(201, {"id": "0b5a1e2c-0000-4000-8000-000000000001", "reference": body.get("reference"),
                                  "content": {"subject": "s", "body": "b"}, "template": {"id": body["template_id"]}})

            def _reply(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture()
def notify(app):
    import uuid

    service_id, secret = str(uuid.uuid4()), str(uuid.uuid4())
    fake = _FakeNotify(service_id, secret)
    templates = {"follow_up_requested": str(uuid.uuid4()), "other": str(uuid.uuid4())}
    app.config.update(MAIL_BACKEND="notify", NOTIFY_API_KEY=f"exitvoice_test-{service_id}-{secret}",
                      NOTIFY_BASE_URL=fake.url, NOTIFY_TEMPLATES=templates, HR_MAILBOX="hr-team@council.example")
    yield fake, templates
    fake.server.shutdown()


def test_notify_sends_each_kind_with_its_template_through_the_official_client(client, app, notify):
    fake, templates = notify
    post_form(client, "/follow-up", {"talk_to": "hr", "name": "Sam Leaver", "contact": "sam@example.org"})
    assert fake.received == []  # nothing is sent inside the leaver's request
    assert send_queued() == (1, 0)
    [sent] = fake.received
    assert sent["email_address"] == "hr-team@council.example"
    assert sent["template_id"] == templates["follow_up_requested"]
    assert sent["personalisation"]["subject"] == "A follow-up conversation was requested"
    assert "Sam" not in str(sent)  # no name, no contact, no answer
    row = db.session.execute(db.select(OutboxMessage)).scalar_one()
    assert row.status == "sent" and sent["reference"] == row.id


def test_notify_refusing_a_message_leaves_it_queued_with_the_reason(client, app, notify):
    fake, _ = notify
    fake.fail_with = 400
    post_form(client, "/follow-up", {"talk_to": "hr", "name": "Sam Leaver", "contact": "sam@example.org"})
    assert send_queued() == (0, 1)
    row = db.session.execute(db.select(OutboxMessage)).scalar_one()
    assert row.status == "queued" and "Can't send to this recipient" in row.last_error
    fake.fail_with = None
    assert send_queued() == (1, 0)


def test_notify_without_a_template_for_the_kind_says_which_setting_is_missing(client, app, notify):
    app.config["NOTIFY_TEMPLATES"] = {}
    post_form(client, "/follow-up", {"talk_to": "hr", "name": "Sam Leaver", "contact": "sam@example.org"})
    assert send_queued() == (0, 1)
    error = db.session.execute(db.select(OutboxMessage.last_error)).scalar_one()
    assert "EXITVOICE_NOTIFY_TEMPLATE_FOLLOW_UP_REQUESTED" in error


def test_a_message_sealed_under_an_earlier_secret_is_kept_not_sent_to_nowhere(app, smtp_server):
    # After SECRET_KEY is changed, a queued message's address and body cannot be opened. It must
    # not be "sent" to the placeholder text, nor erased: it waits, saying why, and goes out once
    # the key it was sealed with is back.
    import sqlalchemy as sa

    from survey_app.mail import queue

    controller, inbox = smtp_server
    app.config.update(MAIL_BACKEND="smtp", SMTP_TLS="none", SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port)
    queue(1, "colleague@council.example", "You have been invited", "Set your password: https://x/set/abc")
    db.session.commit()
    stored = sa.text("SELECT to_address, body FROM outbox_message")
    raw = tuple(db.session.execute(stored).one())
    old_key = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "a-new-secret-key-after-rotation"
    db.session.expire_all()
    assert send_queued() == (0, 1)
    assert inbox.messages == []
    message = db.session.execute(db.select(OutboxMessage)).scalar_one()
    assert message.status == "queued" and "SECRET_KEY" in message.last_error
    assert tuple(db.session.execute(stored).one()) == raw  # still sealed as it was, not rewritten
    app.config["SECRET_KEY"] = old_key
    db.session.expire_all()
    assert send_queued() == (1, 0)
    assert [envelope.rcpt_tos for envelope in inbox.messages] == [["colleague@council.example"]]


def test_rows_queued_before_sealing_are_sealed_by_the_next_sending_run(app):
    # A database reader after the first sending run: a row written plain before the outbox was
    # sealed (as migration 0018 left it) holds no address or link any more, and it is still sent
    # to the right person.
    import sqlalchemy as sa

    from survey_app.mail import seal_plain_rows

    app.config.update(MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=1)  # nothing listens: stays queued
    insert = sa.text("INSERT INTO outbox_message (id, organisation_id, to_address, subject, body, status, attempts,"
                     " queued_on, forget_recipient, kind) VALUES (:id, 1, :to, 'Invitation', :body, 'queued', 0,"
                     " :day, :forget, 'other')")
    db.session.execute(insert, {"id": "plain-1", "to": "invitee@council.example", "forget": True,
                                "body": "Your link: https://x/set-password/PLAIN-TOKEN", "day": date.today()})
    db.session.commit()
    stored = sa.text("SELECT to_address, body FROM outbox_message WHERE id = 'plain-1'")
    assert "PLAIN-TOKEN" in db.session.execute(stored).one()[1]

    assert send_queued() == (0, 1)
    raw = db.session.execute(stored).one()
    assert all(v.startswith("sealed:") for v in raw)
    assert "invitee" not in "".join(raw) and "PLAIN-TOKEN" not in "".join(raw)
    db.session.expire_all()
    message = db.session.get(OutboxMessage, "plain-1")
    assert (message.to_address, message.body) == ("invitee@council.example",
                                                  "Your link: https://x/set-password/PLAIN-TOKEN")
    assert seal_plain_rows() == 0  # nothing sealed twice
    assert tuple(db.session.execute(stored).one()) == tuple(raw)

    app.config["MAIL_BACKEND"] = "log"
    assert send_queued() == (1, 0)
    assert app.extensions["logged_mail"][-1][0] == "invitee@council.example"
