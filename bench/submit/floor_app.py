"""The floor: the least any sending can do that stores its answers before it answers.

One form post (``POST /send``, field ``token``) takes a saved draft row by its token and stores
its answers as a response, in one transaction that commits before the reply (``303 /done``), as
ExitVoice's own sending must: nothing acknowledged may be lost. No ORM, no validation, no
sealing, no mixing pool, no templates. It is served by the same gunicorn settings as the app and
the bare route, against the same database, and driven by the same clients (``floor.py``).

``FLOOR_SECURE=1`` adds what every Flask form the app serves must also do: a CSRF token checked
by Flask-WTF against the signed session cookie, and that cookie written again on the reply (the
app notes what the browser has sent in it). It is the floor for a sending with the security
the app needs, still with nothing of the app's own.

Environment: ``FLOOR_DATABASE_URL`` (``sqlite:///path`` or ``postgresql+psycopg://...``) and
``SECRET_KEY``. The tables are made by ``floor.py`` before the server starts.
"""

from __future__ import annotations

import os

from flask import Flask, abort, redirect, request, session
from sqlalchemy import create_engine, event, text

# The app's driver for PostgreSQL (psycopg 3), whichever way the URL names it.
URL = os.environ["FLOOR_DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1)
SECURE = os.environ.get("FLOOR_SECURE") == "1"

engine = create_engine(URL)
if URL.startswith("sqlite"):

    @event.listens_for(engine, "connect")
    def _pragmas(connection, _record) -> None:  # noqa: ANN001 - SQLAlchemy's hook
        """As the app sets SQLite: write-ahead log, no fsync per commit, wait for the writer."""
        connection.isolation_level = None  # transactions begin where ``_immediate`` says
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _immediate(connection) -> None:  # noqa: ANN001 - SQLAlchemy's hook
        """Take the write lock at the start, so two writers never deadlock upgrading a read."""
        connection.exec_driver_sql("BEGIN IMMEDIATE")


app = Flask(__name__)
app.secret_key = os.environ["SECRET_KEY"]
app.config["SESSION_COOKIE_NAME"] = "exitvoice_session"

if SECURE:
    from flask_wtf.csrf import CSRFProtect, generate_csrf

    CSRFProtect(app)

    @app.get("/form")
    def form() -> str:
        """Where a client takes its CSRF token (the app's pages carry it in a hidden field)."""
        return f'<input name="csrf_token" value="{generate_csrf()}">'


@app.get("/ready")
def ready() -> str:
    return "ok"


@app.post("/send")
def send():
    with engine.begin() as conn:
        row = conn.execute(text("DELETE FROM floor_draft WHERE token = :token RETURNING answers"),
                           {"token": request.form.get("token", "")}).first()
        if row is None:
            abort(409)
        conn.execute(text("INSERT INTO floor_response (answers) VALUES (:answers)"), {"answers": row.answers})
    if SECURE:
        session["sent"] = session.get("sent", 0) + 1
    return redirect("/done", 303)
