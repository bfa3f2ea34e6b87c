"""The mixing pool: sent questionnaires become responses in batches, in random order.

Whoever can read the database files (dead rows, transaction ids, physical row order) must not be
able to order responses, pair one with the invitation code it used or the follow-up request sent
after it, or time it finer than the day. Writing a response in the request that sends it would
give all of that away: the row's insert transaction id (PostgreSQL ``xmin``) orders responses and
equals that of the code marked used and the draft deleted in the same transaction.

So sending (``hold``) writes only a sealed row to ``submission_pool``, in the transaction that
spends the code and deletes the draft; that is the moment the person is told their answers are
safe, and the row survives any crash from then on. ``release`` later opens every waiting row
and, in one transaction of its own, stores them as responses in a random order and deletes them:
all responses of a batch share one transaction id, their physical order is shuffled, and the
deleted pool rows are sealed with a key derived from ``SECRET_KEY``, which the database does not
hold. A batch is released once ``RELEASE_BATCH`` submissions wait (each sending counts the pool
just before it writes, and if a batch is due releases it after its commit, in a transaction of
its own), and ``flask --app wsgi submissions release`` (scheduled daily) releases whatever has
waited ``RELEASE_MAX_DAYS`` days.

What a database reader can still learn: which sent questionnaires (and so which codes) went into
which released batch, that is, a group of at least ``RELEASE_BATCH`` responses, unless a batch
was released early by the daily job because it waited too long. The argument and its limits are
in docs/privacy.md.
"""

from __future__ import annotations

import logging
import secrets
import threading
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from .extensions import db
from .instruments import Definition
from .models import Instrument, PendingSubmission, random_id
from .questionnaires import definition_of
from .sealing import Unreadable, app_key, seal, unseal
from .submissions import insert_shaped, shape_response

log = logging.getLogger(__name__)
_PURPOSE = "submission pool"
_POOL = PendingSubmission.__table__


def _key() -> str:
    return app_key(current_app.config["SECRET_KEY"], _PURPOSE)


def sealed(instrument: Instrument, definition: Definition, answers: dict[str, Any], *, channel: str = "online",
           today: date | None = None) -> dict[str, Any]:
    """Check ``answers`` (AnswerError if they are not valid) and seal them into the values of a pool
    row, without touching the database. Nothing about the respondent is kept: only the answers,
    the questionnaire and the day, inside the sealed bytes."""
    today = today or date.today()
    shape_response(instrument, definition, answers, channel=channel, today=today)
    payload = {"instrument_id": instrument.id, "answers": answers, "channel": channel, "day": today.isoformat()}
    return {"id": random_id(), "organisation_id": instrument.organisation_id, "sealed": seal(_key(), payload),
            "received_on": today}


def add(row: dict[str, Any]) -> None:
    """Add a row ``sealed`` made to the pool, in the caller's transaction."""
    db.session.execute(_POOL.insert(), [row])  # Core: the ORM has nothing to add to one plain row


def waiting() -> int:
    """How many sent questionnaires wait in the pool."""
    return db.session.execute(db.select(db.func.count()).select_from(PendingSubmission)).scalar_one()


def due(adding: int = 0) -> bool:
    """Whether a batch waits (at least ``RELEASE_BATCH`` submissions) once ``adding`` more are in.
    A sending asks just before it writes, counting itself, so the common answer (no) costs no
    transaction, connection check-out or round trip of its own, and no time in SQLite's one write
    turn. A count that is out of date by then only starts a release that finds too few, or leaves
    the batch to the next sending."""
    batch = current_app.config["RELEASE_BATCH"]
    if adding >= batch:
        return True
    return db.session.execute(_COUNT_UP_TO, {"most": batch - adding}).scalar_one() + adding >= batch


#: How many rows wait in the pool, counting no further than ``most``: built once, as every
#: sending runs it.
_COUNT_UP_TO = sa.select(sa.func.count()).select_from(
    sa.select(_POOL.c.id).limit(sa.bindparam("most", type_=sa.Integer)).subquery())


#: Held while a thread of this process releases after a sending: the others leave it to that one.
_RELEASING = threading.Lock()


def release_if_ready() -> int:
    """Release the pool if at least ``RELEASE_BATCH`` submissions wait, once a sending's count
    (``due``) has found them; returns how many became responses. The rows are not counted again:
    reading them shows whether enough are still there. Never raises: the submissions are already
    safe in the pool, and a failure here is logged and retried by the next sending or the
    scheduled release. While another thread of this process is releasing, returns 0 at once: that
    release takes what waits, and reading and opening the same rows twice would be wasted (a
    release in another process may still overlap; ``release`` keeps that from storing anything
    twice)."""
    if not _RELEASING.acquire(blocking=False):
        return 0
    try:
        return release(minimum=current_app.config["RELEASE_BATCH"], count_first=False)
    except Exception:  # noqa: BLE001 - the respondent's answers are already stored; never fail them
        db.session.rollback()
        log.exception("releasing the submission pool failed; the submissions stay in the pool")
        return 0
    finally:
        _RELEASING.release()


def release(minimum: int = 1, older_than_days: int | None = None, today: date | None = None,
            count_first: bool = True) -> int:
    """Store waiting submissions as responses, in random order, in one transaction; returns how many.

    Nothing happens unless at least ``minimum`` wait, or (``older_than_days``) the oldest has
    waited that many days. Rows this app's key cannot open (the secret key changed) stay in the
    pool and are logged, never dropped. ``count_first=False`` skips the count that saves reading
    the rows when too few wait, for a caller that has just counted them.
    """
    if older_than_days is None and count_first and waiting() < minimum:
        # Too few wait: counting them is cheaper than reading and opening them. A release that
        # starts on a stale count finds out below.
        db.session.rollback()
        return 0
    query = db.select(PendingSubmission.id, PendingSubmission.sealed, PendingSubmission.received_on)
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)  # two releases never take the same rows
    rows = db.session.execute(query).all()
    overdue = older_than_days is not None and any(
        row.received_on <= (today or date.today()) - timedelta(days=older_than_days) for row in rows)
    if not rows or (len(rows) < minimum and not overdue):
        db.session.rollback()
        return 0
    key = _key()
    opened = []
    for row in rows:
        try:
            opened.append((row, unseal(key, row.sealed)))
        except Unreadable:
            log.error("a pending submission cannot be opened with the current secret key; it stays in the pool")
    secrets.SystemRandom().shuffle(opened)
    instruments: dict[int, tuple[Instrument, Definition]] = {}
    shaped = []
    for _row, payload in opened:
        if payload["instrument_id"] not in instruments:
            instrument = db.session.get(Instrument, payload["instrument_id"])
            instruments[payload["instrument_id"]] = (instrument, definition_of(instrument))
        instrument, definition = instruments[payload["instrument_id"]]
        shaped.append(shape_response(instrument, definition, payload["answers"], channel=payload["channel"],
                                     today=date.fromisoformat(payload["day"])))
    # The first write, so the only part that holds SQLite's one write lock (the work above does
    # not). SQLite has no row locks, and Python's sqlite3 reads outside a transaction until it
    # writes, so another release may have read the same rows and stored them meanwhile: then
    # fewer are left to delete than were read, and this release stores nothing.
    ids = [row.id for row, _ in opened]
    deleted = db.session.execute(sa.delete(PendingSubmission).where(PendingSubmission.id.in_(ids))).rowcount
    if deleted != len(ids):
        db.session.rollback()
        return 0
    # Inserted in the shuffled order, so the physical order of the rows is random too.
    insert_shaped(shaped)
    db.session.commit()
    return len(opened)
