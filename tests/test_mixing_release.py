"""Two releases of the submission pool at once store each submission once, on both databases.

Found by the submission benchmark: with the server killed mid-load on SQLite, 757 submissions
were stored twice, because two workers read the same pool rows before either wrote.
"""

from __future__ import annotations

import sqlite3
import threading

import pytest
import sqlalchemy as sa

from survey_app import mixing
from survey_app.extensions import db
from survey_app.models import PendingSubmission, Response
from survey_app.questionnaires import current_instrument, definition_of

WAITING = 6


def _fill_pool() -> None:
    instrument = current_instrument("exit")
    definition = definition_of(instrument)
    for n in range(WAITING):
        mixing.add(mixing.sealed(instrument, definition, {"role": "social_worker", "length_of_service": "2_to_5",
                                                          "reasons_text": f"Pool marker {n}"}))
    db.session.commit()


def test_a_release_running_while_another_has_read_the_pool_stores_nothing_twice(app, monkeypatch):
    _fill_pool()
    other: dict[str, object] = {}

    def second_release() -> None:
        with app.app_context():
            try:
                other["released"] = mixing.release()
            except Exception as exc:  # noqa: BLE001 - reported below
                other["error"] = exc
                db.session.rollback()

    real = mixing.secrets.SystemRandom

    class ReadThenRace:
        """After the first release has read the pool, a second one runs in another thread and is
        given a second to finish before the first goes on writing."""

        def shuffle(self, items):
            if "thread" not in other:  # the first release only: the second shuffles as usual
                thread = threading.Thread(target=second_release)
                other["thread"] = thread
                thread.start()
                thread.join(timeout=1.0)
            real().shuffle(items)

    monkeypatch.setattr(mixing.secrets, "SystemRandom", ReadThenRace)
    first = mixing.release()
    monkeypatch.setattr(mixing.secrets, "SystemRandom", real)
    other["thread"].join(timeout=30)
    assert not other["thread"].is_alive()
    assert "error" not in other, other.get("error")
    db.session.expire_all()
    stored = db.session.execute(sa.select(Response)).scalars().all()
    markers = sorted(c.text for r in stored for c in r.comments if c.text)
    assert markers == [f"Pool marker {n}" for n in range(WAITING)]  # each once
    assert first + int(other.get("released", 0)) == WAITING
    assert db.session.execute(sa.select(sa.func.count()).select_from(PendingSubmission)).scalar_one() == 0


def test_a_sending_with_too_few_waiting_does_not_queue_behind_another_writer(app, database_url):
    # After every sending the pool is checked for a batch. With too few waiting that check must
    # not take SQLite's single write lock: it did, so each sending queued behind any other writer
    # (another sending, a release) and, with a writer holding the lock, waited out the busy
    # timeout and logged a failed release.
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's single write lock; PostgreSQL locks rows and skips locked ones")
    _fill_pool()
    other = sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=0)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        assert mixing.release(minimum=WAITING + 1) == 0
    finally:
        other.rollback()
        other.close()
    assert mixing.waiting() == WAITING
    assert mixing.release(minimum=WAITING) == WAITING
    assert db.session.execute(sa.select(sa.func.count()).select_from(Response)).scalar_one() == WAITING
