"""Staff-survey invitations by email: one code per address, the list forgotten once sent,
reminders without codes, and the response rate per batch."""

from __future__ import annotations

import io
import re

import sqlalchemy as sa

from survey_app.extensions import db
from survey_app.mail import ERASED, send_queued
from survey_app.models import AuditEvent, InvitationCode, OutboxMessage
from survey_app.questionnaires import sync_shipped_instruments

from .support import Respondent, page_of, signed_in, texts

ADDRESSES = "ann@council.example\nBob@Council.example, cai@council.example\nann@council.example\n"


def _post(client, **data):
    page = client.get("/hr/invitations")
    token = page_of(page).find("input", attrs={"name": "csrf_token"})["value"]
    return client.post("/hr/invitations", data={"csrf_token": token, "survey": "staff-survey", **data},
                       content_type="multipart/form-data")


def _outbox():
    # Addresses are stored sealed, so the database cannot sort them: sort what the app reads.
    return sorted(db.session.execute(sa.select(OutboxMessage)).scalars().all(), key=lambda m: m.to_address)


def test_each_address_gets_its_own_working_code_once(client, app):
    sync_shipped_instruments()
    signed_in(client, "hr")
    sent = _post(client, action="invite", addresses=ADDRESSES, expires_on="")
    assert sent.status_code == 302
    messages = _outbox()
    assert [m.to_address for m in messages] == ["ann@council.example", "bob@council.example", "cai@council.example"]
    codes = [re.search(r"code when asked: (\S+)", m.body).group(1) for m in messages]
    assert len(set(codes)) == 3
    assert all(m.forget_recipient for m in messages)
    assert db.session.execute(sa.select(sa.func.count()).select_from(InvitationCode)).scalar_one() == 3
    # A code in an email lets its reader into the survey.
    reader = app.test_client()
    entered = Respondent(reader, "staff-survey").enter_code(codes[1])
    assert entered.status_code == 302 and "/staff-survey/" in entered.headers["Location"]
    event = db.session.execute(sa.select(AuditEvent).filter_by(action="invitations_sent")).scalar_one()
    assert "3 invitations" in event.detail and "council.example" not in event.detail


def test_once_sent_nothing_joins_a_person_to_a_code(client, app):
    sync_shipped_instruments()
    signed_in(client, "hr")
    _post(client, action="invite", addresses=ADDRESSES, expires_on="")
    bodies = [m.body for m in _outbox()]
    assert send_queued() == (3, 0)
    db.session.expire_all()
    for message in _outbox():
        assert message.status == "sent" and message.to_address == ERASED and message.body == ERASED
    # The attacker: every table dumped as text holds none of the addresses or codes.
    codes = [re.search(r"code when asked: (\S+)", b).group(1) for b in bodies]
    dump = " ".join(str(row) for table in db.metadata.sorted_tables
                    for row in db.session.execute(sa.select(table)).all())
    for secret in ["ann@council.example", "bob@council.example", "cai@council.example", *codes]:
        assert secret not in dump


def test_the_page_shows_each_batchs_response_rate(client, app):
    sync_shipped_instruments()
    signed_in(client, "hr")
    _post(client, action="invite", addresses=ADDRESSES, expires_on="")
    code = re.search(r"code when asked: (\S+)", _outbox()[0].body).group(1)
    from survey_app.codes import hash_code, spend_code

    assert spend_code(hash_code(code))
    db.session.commit()
    rows = [texts_of_row for texts_of_row in (
        [c.get_text(strip=True) for c in tr.select("th, td")]
        for tr in page_of(client.get("/hr/invitations")).select("main table tbody tr"))]
    assert len(rows) == 1 and rows[0][1:] == ["Social work health check", "3", "1", "33%"]


def test_a_reminder_goes_to_everyone_listed_and_carries_no_code(client, app):
    sync_shipped_instruments()
    signed_in(client, "hr")
    upload = (io.BytesIO(b"email\nann@council.example\ndee@council.example\n"), "staff.csv")
    reminded = _post(client, action="remind", addresses="", file=upload)
    assert reminded.status_code == 302
    messages = _outbox()
    assert [m.to_address for m in messages] == ["ann@council.example", "dee@council.example"]
    assert all("code when asked" not in m.body and "already answered" in m.body for m in messages)
    assert db.session.execute(sa.select(sa.func.count()).select_from(InvitationCode)).scalar_one() == 0


def test_a_bad_address_is_named_and_nothing_is_sent(client, app):
    sync_shipped_instruments()
    signed_in(client, "hr")
    refused = _post(client, action="invite", addresses="ann@council.example\nnot an address\n", expires_on="")
    assert refused.status_code == 400
    assert "Line 2: 'not an address' is not an email address" in " ".join(texts(refused, ".govuk-error-summary li"))
    assert _outbox() == []
    assert db.session.execute(sa.select(sa.func.count()).select_from(InvitationCode)).scalar_one() == 0
    empty = _post(client, action="invite", addresses="  ", expires_on="")
    assert empty.status_code == 400 and "at least one email address" in empty.get_data(as_text=True)
    past = _post(client, action="invite", addresses="ann@council.example", expires_on="2001-01-01")
    assert past.status_code == 400 and _outbox() == []


def test_invitations_are_for_hr_only(client, app):
    assert client.get("/hr/invitations").status_code in (302, 401)
    for role in ("admin", "standards"):
        other = app.test_client()
        signed_in(other, role)
        assert other.get("/hr/invitations").status_code == 403
