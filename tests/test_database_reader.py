"""Anonymity against someone who can read the database files, written as that reader.

The reader has every table, the transaction ids PostgreSQL stores on each row version (``xmin``,
``xmax``), the physical position of rows (``ctid``) and the raw pages, dead row versions included
(``pageinspect``); on SQLite, the database file and its write-ahead log. The reader does not have
the app's secret key or any respondent's cookie. These tests look for what the reader could use
and do not rely on the code that defends against it.
"""

from __future__ import annotations

import datetime
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa

from survey_app.codes import issue_codes
from survey_app.extensions import db

from .support import EXIT_ANSWERS, Respondent, complete_exit_questionnaire, csrf_token_of

BATCH = 5


def _marked(n: int) -> dict:
    answers = {page: dict(values) for page, values in EXIT_ANSWERS.items()}
    answers["why-leaving"]["reasons_text"] = f"Leaver marker {n:02d}: the caseload never came down."
    return answers


def _follow_up(client, n: int) -> None:
    form = client.get("/follow-up")
    response = client.post("/follow-up", data={"csrf_token": csrf_token_of(form), "talk_to": "hr",
                                               "name": f"Named Person {n:02d}", "contact": f"person{n}@example.org"})
    assert response.status_code == 302


def _staff_survey_with_code(client, code: str) -> None:
    person = Respondent(client, "staff-survey")
    assert person.enter_code(code).status_code == 302
    person.post_page("about-you", {"role": "social_worker", "length_of_service": "2_to_5"})
    person.post_page("your-work", {"caseload": "2"})
    assert person.post_check().headers["Location"].endswith("/staff-survey/done")


def _raw_database_bytes() -> bytes:
    """Every byte the reader can get at: each table's pages (PostgreSQL) or the files (SQLite)."""
    if db.engine.dialect.name == "sqlite":
        path = Path(db.engine.url.database)
        return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
    with db.engine.connect() as conn:
        conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pageinspect"))
        conn.commit()
        chunks = []
        tables = conn.execute(sa.text(
            "SELECT c.oid::regclass::text, pg_relation_size(c.oid) / current_setting('block_size')::int "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 't')")).all()
        toast = conn.execute(sa.text(
            "SELECT t.oid::regclass::text, pg_relation_size(t.oid) / current_setting('block_size')::int "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_class t ON t.oid = c.reltoastrelid "
            "WHERE n.nspname = 'public'")).all()
        for name, blocks in [*tables, *toast]:
            for block in range(blocks):
                chunks.append(bytes(conn.execute(sa.text("SELECT get_raw_page(:t, :b)"),
                                                 {"t": name, "b": block}).scalar_one()))
        return b"".join(chunks)


def test_answers_waiting_to_be_released_leave_nothing_readable_on_disk(app, client):
    """Drafts are deleted and the pool is sealed: before release, no marker is anywhere on disk,
    dead row versions and free pages included."""
    app.config["RELEASE_BATCH"] = BATCH
    for n in range(BATCH - 1):
        complete_exit_questionnaire(app.test_client(), answers=_marked(n))
    assert db.session.execute(sa.text("SELECT count(*) FROM response")).scalar_one() == 0
    assert db.session.execute(sa.text("SELECT count(*) FROM submission_pool")).scalar_one() == BATCH - 1
    db.session.commit()
    if db.engine.dialect.name == "sqlite":
        db.session.execute(sa.text("PRAGMA wal_checkpoint(FULL)"))
    raw = _raw_database_bytes()
    assert len(raw) > 10_000
    for n in range(BATCH - 1):
        assert f"Leaver marker {n:02d}".encode() not in raw
    assert b"caseload never came down" not in raw


def test_a_draft_in_progress_is_unreadable_without_the_browser_and_gives_no_exact_time(app, client):
    person = Respondent(client, "exit")
    person.post_page("why-leaving", {"main_reasons": ["pay"], "reasons_text": "Draft marker: the pay was low."})
    sealed, expires_at = db.session.execute(sa.text("SELECT sealed, expires_at FROM draft_answers")).one()
    assert b"Draft marker" not in bytes(sealed) and b"pay" not in bytes(sealed)
    expires = expires_at if not isinstance(expires_at, str) else datetime.datetime.fromisoformat(
        expires_at)
    assert (expires.minute, expires.second, expires.microsecond) == (0, 0, 0)
    # The answers come back for the browser that holds the key.
    assert "Draft marker" in person.get("why-leaving").get_data(as_text=True)
    # A browser with the draft's token but not its key gets an empty form, not the answers.
    with client.session_transaction() as session:
        session["draftkey:exit"] = "A" * 43 + "="
    assert "Draft marker" not in person.get("why-leaving").get_data(as_text=True)


def _renderings(code: str) -> list[bytes]:
    """Every form a return code could be kept in by a careless store or log: as shown, bare, lower
    case, and the first 80 bits of each common unkeyed digest of those, as hex and as raw bytes."""
    import hashlib

    forms = {code, code.replace("-", ""), code.lower(), code.replace("-", "").lower()}
    out = [form.encode() for form in forms]
    for form in forms:
        for name in ("md5", "sha1", "sha256", "sha512", "blake2b"):
            digest = hashlib.new(name, form.encode())
            # A prefix is enough to test a guess: 80 bits of each, as hex and as bytes.
            out += [digest.hexdigest()[:20].encode(), digest.digest()[:10]]
    return out


def test_a_return_code_cannot_be_found_or_worked_out_from_the_database_or_the_logs(app, client, caplog):
    """Save and come back later, as the reader of the database and the app's log sees it: two people
    save with a return code, one carries on from another device, changes an answer and sends, the
    other's answers still wait. Neither code, in any plain form or plain digest, is on disk (dead
    row versions included) or in the log, and neither person's words are."""
    from .test_save_and_return import _resume, _save

    caplog.set_level("DEBUG")
    app.config["RELEASE_BATCH"] = 1
    codes = []
    for n in range(2):
        person = Respondent(app.test_client(), "exit")
        person.post_page("why-leaving", {"main_reasons": ["pay"],
                                         "reasons_text": f"Saved marker {n}: the pay was low."})
        codes.append(_save(person))
    later = app.test_client()
    assert _resume(later, codes[0]).status_code == 302
    person = Respondent(later, "exit")
    person.post_page("why-leaving", {"main_reasons": ["pay"], "reasons_text": "Saved marker 0: changed."})
    assert person.post_check().status_code == 302
    assert person.post_page("equality", {"action": "skip"}).headers["Location"].endswith("/exit/done")
    db.session.commit()
    if db.engine.dialect.name == "sqlite":
        db.session.execute(sa.text("PRAGMA wal_checkpoint(FULL)"))
    # The one sent is a response now; the other waits, sealed.
    assert db.session.execute(sa.text("SELECT count(*) FROM response")).scalar_one() == 1
    assert db.session.execute(sa.text("SELECT count(*) FROM draft_answers")).scalar_one() == 1
    raw = _raw_database_bytes()
    logged = "\n".join(record.getMessage() for record in caplog.records).encode()
    assert len(raw) > 10_000
    for code in codes:
        for form in _renderings(code):
            assert form not in raw, (code, form)
            assert form not in logged, (code, form)
    # Only the sent answer's words are readable (its comment; the reader does see what was sent);
    # the first wording and the waiting person's words are nowhere, live or dead.
    assert b"Saved marker 0: changed." in raw
    assert b"Saved marker 0: the pay" not in raw and b"Saved marker 1" not in raw
    assert b"Saved marker" not in logged


def test_transaction_ids_order_nothing_and_pair_nothing(app, client, database_url):
    """20 questionnaires, 10 unlocked by invitation codes from two batches and 10 each followed by
    a named follow-up request: responses come out in batches that share one transaction id, and
    no response shares a transaction with a code, a follow-up request or a draft."""
    if not database_url.startswith("postgresql"):
        pytest.skip("transaction ids are PostgreSQL's")
    app.config["RELEASE_BATCH"] = BATCH
    codes = issue_codes("staff-survey", 5, batch="team-a") + issue_codes("staff-survey", 5, batch="team-b")
    for n in range(10):
        person = app.test_client()
        complete_exit_questionnaire(person, answers=_marked(n))
        _follow_up(person, n)
        _staff_survey_with_code(app.test_client(), codes[n])
    db.session.commit()

    def xmins(table: str) -> list[int]:
        return [int(x) for x in db.session.execute(sa.text(f"SELECT xmin::text FROM {table}")).scalars()]  # noqa: S608

    responses = xmins("response")
    assert len(responses) == 20
    batches = Counter(responses)
    # Every response was written in a transaction holding at least BATCH of them: xmin orders
    # batches, never the responses inside one.
    assert min(batches.values()) >= BATCH, batches
    assert set(responses).isdisjoint(xmins("invitation_code"))
    assert set(responses).isdisjoint(xmins("follow_up_request"))
    # Nothing waits or lingers: the pool is empty and its rows are gone with the drafts.
    assert db.session.execute(sa.text("SELECT count(*) FROM submission_pool")).scalar_one() == 0
    assert db.session.execute(sa.text("SELECT count(*) FROM draft_answers")).scalar_one() == 0
    # Dead row versions (deleted drafts and pool rows, old code rows) hold no answer and no name
    # of a follow-up request beside an answer.
    raw = _raw_database_bytes()
    pool_and_drafts = []
    for table in ("submission_pool", "draft_answers"):
        blocks = db.session.execute(sa.text(
            f"SELECT pg_relation_size('{table}') / current_setting('block_size')::int")).scalar_one()  # noqa: S608
        for block in range(blocks):
            pool_and_drafts += [bytes(r) for r in db.session.execute(sa.text(
                "SELECT t_data FROM heap_page_items(get_raw_page(:t, :b)) WHERE t_data IS NOT NULL"),
                {"t": table, "b": block}).scalars()]
    assert pool_and_drafts  # dead versions are there to read (until vacuum) ...
    assert not any(b"marker" in row or b"caseload" in row for row in pool_and_drafts)  # ... and say nothing
    assert raw.count(b"Leaver marker") == 10  # only the live comments, once each


def test_waiting_submissions_are_released_by_the_daily_job_only_when_overdue_and_never_lost(app, client, runner):
    app.config["RELEASE_BATCH"] = BATCH
    for n in range(2):
        complete_exit_questionnaire(app.test_client(), answers=_marked(n))
    count = "SELECT count(*) FROM response"
    result = runner.invoke(args=["submissions", "release"])
    assert "Released 0 of 2" in result.output
    assert db.session.execute(sa.text(count)).scalar_one() == 0
    # A week later the daily job frees them, even though the batch is not full.
    db.session.execute(sa.text("UPDATE submission_pool SET received_on = :d"),
                       {"d": datetime.date.today() - datetime.timedelta(days=8)})
    db.session.commit()
    result = runner.invoke(args=["submissions", "release"])
    assert "Released 2 of 2" in result.output
    texts = db.session.execute(sa.text("SELECT text FROM comment WHERE question_key = 'reasons_text'")).scalars()
    assert sorted(t[:16] for t in texts) == ["Leaver marker 00", "Leaver marker 01"]
    assert db.session.execute(sa.text("SELECT count(*) FROM submission_pool")).scalar_one() == 0


def test_a_submission_sealed_under_another_key_is_kept_not_dropped(app, client, runner):
    app.config["RELEASE_BATCH"] = BATCH
    complete_exit_questionnaire(app.test_client(), answers=_marked(1))
    app.config["SECRET_KEY"] = "a-different-secret-key"
    result = runner.invoke(args=["submissions", "release", "--all"])
    assert "Released 0 of 1" in result.output
    assert db.session.execute(sa.text("SELECT count(*) FROM submission_pool")).scalar_one() == 1


def test_invitation_emails_leave_no_address_or_code_on_disk_before_or_after_sending(app, client):
    """Staff-survey invitations hold an address and a code each until sent, then are erased: the
    reader finds neither in the tables, nor in the dead row versions the erasing leaves behind."""
    from survey_app.mail import send_queued
    from survey_app.questionnaires import sync_shipped_instruments

    from .support import page_of, signed_in

    sync_shipped_instruments()
    signed_in(client, "hr")
    addresses = [f"invitee.marker{n:02d}@council.example" for n in range(3)]
    page = client.get("/hr/invitations")
    token = page_of(page).find("input", attrs={"name": "csrf_token"})["value"]
    sent = client.post("/hr/invitations", data={"csrf_token": token, "survey": "staff-survey", "action": "invite",
                                                "addresses": "\n".join(addresses)},
                       content_type="multipart/form-data")
    assert sent.status_code == 302
    from survey_app.models import OutboxMessage

    codes = [m.body.split("enter this code when asked: ", 1)[1].split()[0]
             for m in db.session.execute(sa.select(OutboxMessage)).scalars()]
    assert len(codes) == 3

    def readable() -> list[bytes]:
        db.session.commit()
        if db.engine.dialect.name == "sqlite":
            db.session.execute(sa.text("PRAGMA wal_checkpoint(FULL)"))
        raw = _raw_database_bytes()
        return [s for s in [b"invitee.marker", *(c.encode() for c in codes)] if s in raw]

    assert readable() == []  # queued: sealed
    app.config.update(MAIL_BACKEND="log")
    assert send_queued() == (3, 0)
    assert readable() == []  # sent and erased: the dead versions are sealed too
