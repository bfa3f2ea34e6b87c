"""SQLite: writers take turns in a queue of their own, not in SQLite's sleeps.

SQLite lets one connection write at a time. A connection that finds the write lock taken waits in
SQLite's busy handler, which sleeps 1, 2, 5, 10, 15, 20 ms and longer between tries, however soon
the lock comes free. Under a burst of sendings those sleeps, not work, set how long a sending
takes: the submission benchmark found the machine over a third idle while requests waited.

So a connection takes its turn just before the statement that begins its write transaction
(Python's ``sqlite3`` begins one before the first INSERT, UPDATE, DELETE or REPLACE), and gives it
back when the transaction ends. A turn is two locks: one shared by the threads of the process, so
that a writer who finishes wakes the next at once, and an advisory lock on a file beside the
database (``<database>-writers``) for the processes (gunicorn's workers), asked for every quarter
of a millisecond. Reading never takes a turn (WAL: readers never wait).

A thread that already has the turn through one connection and writes through another is let
through (SQLite's busy handler then decides, as without the queue), and a writer that has waited
as long as SQLite's busy timeout goes on without its turn rather than waiting for ever.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time

#: The statements Python's sqlite3 begins a transaction before (CPython 3.11, ``is_dml``).
_BEGINS_WRITE = ("INSERT", "UPDATE", "DELETE", "REPLACE")
#: How long a writer queues before going on without its turn, in seconds; also SQLite's busy
#: timeout on the app's connections (``_enable_sqlite_wal``), so both give up alike.
WAIT_SECONDS = 10.0
#: How often a process waiting for another process's writer asks again, in seconds.
POLL_SECONDS = 0.00025


class _Turns:
    """The writers' turn for one database file: a lock the threads of this process queue for,
    which the thread holding it may take again (through another connection) and which any thread
    may give back (a connection can be closed elsewhere), then the file lock between processes."""

    def __init__(self, path: str | None) -> None:
        self._changed = threading.Condition()
        self._owner: int | None = None
        self._holds = 0
        self._path = path
        self._file: tuple[int, int] | None = None  # (process id, descriptor): a fork opens its own
        self._file_locked = False

    def _descriptor(self) -> int:
        if self._file is None or self._file[0] != os.getpid():
            self._file = (os.getpid(), os.open(f"{self._path}-writers", os.O_RDWR | os.O_CREAT, 0o600))
        return self._file[1]

    def _lock_file(self, deadline: float) -> bool:
        descriptor = self._descriptor()
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(POLL_SECONDS)

    def take(self, timeout: float) -> bool:
        me = threading.get_ident()
        deadline = time.monotonic() + timeout
        with self._changed:
            if not self._changed.wait_for(lambda: self._holds == 0 or self._owner == me, timeout):
                return False
            self._owner = me
            self._holds += 1
            if self._holds > 1 or self._path is None:
                return True
        # First hold in this process: queue behind the other processes' writers. The other
        # threads of the process wait on the condition meanwhile, as ``_holds`` is already 1.
        self._file_locked = self._lock_file(deadline)
        return True

    def give_back(self) -> None:
        with self._changed:
            self._holds -= 1
            if self._holds == 0:
                if self._file_locked:
                    fcntl.flock(self._descriptor(), fcntl.LOCK_UN)
                    self._file_locked = False
                self._owner = None
                self._changed.notify()

    @property
    def held(self) -> int:
        return self._holds


_TURNS: dict[str, _Turns] = {}
_TURNS_MADE = threading.Lock()


def turns_for(database: str) -> _Turns:
    """The turns of one database, as ``sqlite3.connect`` names it. A file's writers queue across
    processes; an in-memory database or a URI (``file:...``) queues this process's threads only."""
    name = os.fsdecode(database)
    across_processes = name not in ("", ":memory:") and not name.startswith("file:")
    key = os.path.abspath(name) if across_processes else name
    with _TURNS_MADE:
        if key not in _TURNS:
            _TURNS[key] = _Turns(key if across_processes else None)
        return _TURNS[key]


def _begins_write(sql: str) -> bool:
    return sql.lstrip()[:7].upper().startswith(_BEGINS_WRITE)


class QueuedWriterCursor(sqlite3.Cursor):
    """A cursor whose connection takes its turn before a statement that begins a write."""

    def execute(self, sql, parameters=(), /):  # noqa: ANN001, ANN201 - the DB-API signature
        self.connection.before_statement(sql)
        return super().execute(sql, parameters)

    def executemany(self, sql, seq_of_parameters, /):  # noqa: ANN001, ANN201
        self.connection.before_statement(sql)
        return super().executemany(sql, seq_of_parameters)


class QueuedWriterConnection(sqlite3.Connection):
    """``sqlite3.connect(..., factory=QueuedWriterConnection)``: writers take turns (module doc)."""

    _has_turn = False

    def __init__(self, database, *args, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(database, *args, **kwargs)
        self._turns = turns_for(database)

    def cursor(self, factory=QueuedWriterCursor):  # noqa: ANN001, ANN201
        return super().cursor(factory)

    # The connection's own shortcuts make a plain cursor in C, so they go through ours here.
    def execute(self, sql, parameters=(), /):  # noqa: ANN001, ANN201
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql, seq_of_parameters, /):  # noqa: ANN001, ANN201
        return self.cursor().executemany(sql, seq_of_parameters)

    def before_statement(self, sql: str) -> None:
        if self._has_turn and not self.in_transaction:
            self._end_turn()  # the transaction ended by a statement (COMMIT, a script), not a call
        if not self._has_turn and not self.in_transaction and _begins_write(sql):
            self._has_turn = self._turns.take(WAIT_SECONDS)

    def _end_turn(self) -> None:
        if self._has_turn:
            self._has_turn = False
            self._turns.give_back()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._end_turn()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._end_turn()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._end_turn()
