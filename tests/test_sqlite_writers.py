"""SQLite writers of one process take turns in Python rather than in SQLite's busy handler."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from survey_app import create_app
from survey_app.extensions import db
from survey_app.sqlite_writers import QueuedWriterConnection, turns_for


def _connect(path, busy_ms: int = 0) -> sqlite3.Connection:
    conn = sqlite3.connect(path, factory=QueuedWriterConnection, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    # No busy handler: without the queue a second writer fails at once with "database is locked".
    conn.execute(f"PRAGMA busy_timeout={busy_ms}")
    return conn


@pytest.fixture()
def path(tmp_path):
    path = tmp_path / "writers.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (x INTEGER)")
    conn.commit()
    conn.close()
    yield path
    assert turns_for(str(path)).held == 0, "a test left a writer's turn taken"


def _write_in_a_thread(conn: sqlite3.Connection, value: int):
    """Insert ``value`` and commit in a thread of its own; (thread, done, outcome)."""
    outcome: dict[str, object] = {}
    started, done = threading.Event(), threading.Event()

    def write() -> None:
        started.set()
        try:
            conn.execute(f"INSERT INTO t VALUES ({value})")
            conn.commit()
            outcome["ok"] = True
        except sqlite3.OperationalError as exc:
            outcome["error"] = str(exc)
        done.set()

    thread = threading.Thread(target=write)
    thread.start()
    started.wait()
    return thread, done, outcome


def test_a_second_writer_waits_for_its_turn_instead_of_failing(path):
    first, second = _connect(path), _connect(path)
    first.execute("INSERT INTO t VALUES (1)")  # first holds SQLite's write lock, uncommitted
    thread, done, outcome = _write_in_a_thread(second, 2)
    assert not done.wait(0.3), f"the second writer did not wait for the first: {outcome}"
    first.commit()
    assert done.wait(5)
    thread.join()
    assert outcome == {"ok": True}
    assert sorted(x for (x,) in first.execute("SELECT x FROM t")) == [1, 2]
    first.close()
    second.close()


def test_the_turn_is_given_back_by_rollback_close_and_a_statement_that_ends_the_transaction(path):
    a, b = _connect(path), _connect(path)
    a.execute("INSERT INTO t VALUES (1)")
    assert turns_for(str(path)).held == 1
    a.rollback()
    assert turns_for(str(path)).held == 0
    a.execute("UPDATE t SET x = 2")
    a.close()
    assert turns_for(str(path)).held == 0
    b.execute("DELETE FROM t")
    b.execute("COMMIT")  # ended by a statement: the next statement notices and gives the turn back
    b.execute("SELECT count(*) FROM t").fetchone()
    assert turns_for(str(path)).held == 0
    # Reading never takes a turn.
    b.execute("SELECT x FROM t").fetchall()
    assert turns_for(str(path)).held == 0
    b.close()


def test_one_thread_writing_through_two_connections_is_not_stopped_by_the_queue(path):
    a, b = _connect(path), _connect(path)
    a.execute("INSERT INTO t VALUES (1)")
    # The same thread's second writer is let through, and SQLite refuses it as it would without
    # the queue (no busy handler here), rather than the thread waiting for itself.
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        b.execute("INSERT INTO t VALUES (2)")
    b.rollback()
    a.commit()
    a.close()
    b.close()


CHILD = """
import sys
from survey_app.sqlite_writers import QueuedWriterConnection
import sqlite3
conn = sqlite3.connect(sys.argv[1], factory=QueuedWriterConnection)
conn.execute("PRAGMA busy_timeout=0")
conn.execute("INSERT INTO t VALUES (7)")
print("writing", flush=True)
sys.stdin.readline()
conn.commit()
print("committed", flush=True)
"""


def test_a_writer_in_another_process_is_waited_for(path):
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[1])
    try:
        assert child.stdout.readline().strip() == "writing"
        conn = _connect(path)
        thread, done, outcome = _write_in_a_thread(conn, 8)
        assert not done.wait(0.3), f"the writer did not wait for the other process: {outcome}"
        child.stdin.write("go\n")
        child.stdin.flush()
        assert child.stdout.readline().strip() == "committed"
        assert done.wait(5)
        thread.join()
        assert outcome == {"ok": True}
        assert sorted(x for (x,) in conn.execute("SELECT x FROM t")) == [7, 8]
        conn.close()
    finally:
        child.stdin.close()
        child.wait(10)


def test_the_app_queues_its_sqlite_writers(tmp_path):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'app.sqlite'}"})
    with app.app_context():
        raw = db.engine.raw_connection()
        try:
            assert isinstance(raw.driver_connection, QueuedWriterConnection)
        finally:
            raw.close()
        assert db.engine.pool._pre_ping is False
        db.engine.dispose()
