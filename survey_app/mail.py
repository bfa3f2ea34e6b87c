"""Email: messages wait in an outbox and are sent by ``flask mail send``, never inside a request.

What causes a message (a follow-up request) writes it to ``outbox_message`` in its own
transaction, so nobody waits for, or fails because of, the mail server, and a message the
server refuses stays queued for the next run. Backends (``EXITVOICE_MAIL_BACKEND``):

- ``log``: writes the message to the app log, and keeps the last 50 in the app's memory
  (``app.extensions["logged_mail"]``) as a development inbox;
- ``smtp``: the council's relay (``EXITVOICE_SMTP_HOST``, ``_PORT``, ``_TLS`` = starttls, ssl or
  none, ``_USER``, ``_PASSWORD``; sender ``EXITVOICE_MAIL_FROM``);
- ``notify``: GOV.UK Notify through its official client (``EXITVOICE_NOTIFY_API_KEY``, one
  template per kind of message, ``EXITVOICE_NOTIFY_TEMPLATE_<KIND>``).
"""

from __future__ import annotations

import smtplib
import ssl
from datetime import date
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app

from .config import MAIL_KINDS
from .extensions import db
from .models import OutboxMessage, SealedText

LOGGED_MAIL_KEPT = 50
KINDS = MAIL_KINDS  # each with its own Notify template: EXITVOICE_NOTIFY_TEMPLATE_<KIND>, upper case


class MailError(RuntimeError):
    """The mail backend could not send a message (it stays queued)."""


def queue(organisation_id: int, to: str, subject: str, body: str, *, kind: str = "other",
          forget_recipient: bool = False) -> OutboxMessage:
    """Add a message to the outbox in the caller's transaction (the caller commits).

    A message's body is erased once it is sent or given up (it may hold a set-password link or an
    invitation code); with ``forget_recipient`` its address is erased too."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of email {kind!r}")
    message = OutboxMessage(organisation_id=organisation_id, to_address=to, subject=subject, body=body,
                            status="queued", attempts=0, queued_on=date.today(), forget_recipient=forget_recipient,
                            kind=kind)
    db.session.add(message)
    return message


def _email(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email.set_content(message.body)
    return email


def _send_smtp(email: EmailMessage) -> None:
    config = current_app.config
    mode = config["SMTP_TLS"]
    try:
        if mode == "ssl":
            server: smtplib.SMTP = smtplib.SMTP_SSL(config["SMTP_HOST"], config["SMTP_PORT"], timeout=20,
                                                    context=ssl.create_default_context())
        else:
            server = smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=20)
        with server:
            if mode == "starttls":
                server.starttls(context=ssl.create_default_context())
            if config["SMTP_USER"]:
                server.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
            server.send_message(email)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"{type(exc).__name__}: {exc}") from None


def _send_notify(message: OutboxMessage) -> None:
    """Send through GOV.UK Notify with the official client and the template for the message's
    kind; the template shows ``((subject))`` and ``((body))`` (docs/hr-guide.md, Email)."""
    from notifications_python_client.errors import APIError
    from notifications_python_client.notifications import NotificationsAPIClient
    from requests import RequestException

    config = current_app.config
    template = config["NOTIFY_TEMPLATES"].get(message.kind) or config["NOTIFY_TEMPLATES"].get("other")
    if not config["NOTIFY_API_KEY"] or not template:
        raise MailError(f"GOV.UK Notify needs EXITVOICE_NOTIFY_API_KEY and a template for {message.kind!r} "
                        f"(EXITVOICE_NOTIFY_TEMPLATE_{message.kind.upper()} or _OTHER)")
    try:
        client = NotificationsAPIClient(config["NOTIFY_API_KEY"], base_url=config["NOTIFY_BASE_URL"], timeout=20)
        client.send_email_notification(email_address=message.to_address, template_id=template,
                                       personalisation={"subject": message.subject, "body": message.body},
                                       reference=message.id)
    except (APIError, RequestException, AssertionError) as exc:
        raise MailError(f"GOV.UK Notify: {type(exc).__name__}: {exc}") from None


def deliver(message: OutboxMessage) -> None:
    """Send one message through the configured backend, or raise MailError."""
    backend = current_app.config["MAIL_BACKEND"]
    email = _email(message)
    if backend == "log":
        current_app.logger.info("email to %s: %s\n%s", message.to_address, message.subject, message.body)
        # The development inbox: the last messages "sent", as their recipients would read them.
        recent = current_app.extensions.setdefault("logged_mail", [])
        recent.append((message.to_address, message.subject, message.body))
        del recent[:-LOGGED_MAIL_KEPT]
    elif backend == "smtp":
        _send_smtp(email)
    elif backend == "notify":
        _send_notify(message)
    else:
        raise MailError(f"unknown mail backend {backend!r}: use log, smtp or notify")


def seal_plain_rows() -> int:
    """Seal, in place, the addresses and bodies of outbox rows written before they were stored
    sealed (migration 0018 left such rows as they were). Every sending run does this first, so
    after the first run following the upgrade a database reader finds no address, link or code
    in a live outbox row. Returns how many rows were sealed."""
    table = OutboxMessage.__table__
    prefix = SealedText.PREFIX + "%"
    # Read the stored text as it is, not through SealedText: only plain values are rewritten,
    # and a value already sealed is never sealed twice.
    to_address, body = sa.type_coerce(table.c.to_address, sa.Text), sa.type_coerce(table.c.body, sa.Text)
    plain = db.session.execute(sa.select(table.c.id, to_address, body)
                               .where(sa.or_(to_address.not_like(prefix), body.not_like(prefix)))).all()
    for message_id, to_address, body in plain:
        values = {name: value for name, value in (("to_address", to_address), ("body", body))
                  if not value.startswith(SealedText.PREFIX)}
        db.session.execute(table.update().where(table.c.id == message_id).values(**values))
    db.session.commit()
    return len(plain)


def send_queued(limit: int = 200) -> tuple[int, int]:
    """Send queued messages, each in its own transaction, after sealing any row still stored
    plain. Returns (sent, still unsent)."""
    seal_plain_rows()
    ids = db.session.execute(db.select(OutboxMessage.id).where(OutboxMessage.status == "queued")
                             .limit(limit)).scalars().all()
    sent = unsent = 0
    for message_id in ids:
        message = db.session.get(OutboxMessage, message_id)
        if SealedText.UNREADABLE in (message.to_address, message.body):
            # Sealed under an earlier SECRET_KEY: never sent to the placeholder, never erased or
            # given up on; it goes out once the key it was sealed with is back.
            message.last_error = ("Cannot be opened with the current SECRET_KEY (it was queued under an "
                                  "earlier one): restore that key to send it.")
            db.session.commit()
            unsent += 1
            continue
        message.attempts += 1
        try:
            deliver(message)
        except MailError as exc:
            message.last_error = str(exc)[:2000]
            if message.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
                message.status = "failed"
                _erase(message)
            unsent += 1
        else:
            message.status, message.sent_on, message.last_error = "sent", date.today(), None
            _erase(message)
            sent += 1
        db.session.commit()
    return sent, unsent


ERASED = "(erased once sent)"


def _erase(message: OutboxMessage) -> None:
    """Nothing that was only for the recipient outlives the sending: not the link or code in the
    body, and for an invitation not the address either."""
    message.body = ERASED
    if message.forget_recipient:
        message.to_address = ERASED


def service_link(path: str) -> str:
    """An absolute link on the configured address of the service (never a request's Host)."""
    return (current_app.config["BASE_URL"] or "http://localhost:5000") + path
