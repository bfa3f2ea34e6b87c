"""Profile the submit request in one process (no gunicorn, no network): where does its time go?

    python bench/submit/profile_submit.py [--db sqlite|postgresql] [-n 200] [--pages]

Prepares n journeys through the Flask test client, then runs their submissions under cProfile
and prints the most expensive functions (cumulative). ``--pages`` profiles the page requests
of the journey instead.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import secrets
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))

from run import PAGES, PG_ADMIN, SLUG, Database, marker_text  # noqa: E402


def _token(body: bytes) -> str:
    from run import CSRF

    return CSRF.search(body).group(1).decode()


def _data(data: dict, marker: str, token: str) -> dict:
    out: dict = {"csrf_token": token}
    for key, value in data.items():
        out[key] = value if isinstance(value, list) else value.replace("{marker}", marker_text(marker))
    return out


def prepare(client, marker: str, profile_pages: cProfile.Profile | None = None) -> str:
    if profile_pages:
        profile_pages.enable()
    for page_id, data in PAGES:
        token = _token(client.get(f"/{SLUG}/{page_id}").data)
        assert client.post(f"/{SLUG}/{page_id}", data=_data(data, marker, token)).status_code == 302
    token = _token(client.get(f"/{SLUG}/check").data)
    assert client.post(f"/{SLUG}/check", data={"csrf_token": token}).status_code == 302
    token = _token(client.get(f"/{SLUG}/equality").data)
    if profile_pages:
        profile_pages.disable()
    return token


def _send(client, token: str) -> None:
    response = client.post(f"/{SLUG}/equality", data={"csrf_token": token, "action": "skip"})
    assert response.status_code == 302 and response.location.endswith("/done"), response.status_code


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--pages", action="store_true")
    parser.add_argument("--top", type=int, default=35)
    args = parser.parse_args()

    db = Database(args.db, Path(tempfile.mkdtemp(prefix="exitvoice-profile-")))
    env = {**os.environ, "EXITVOICE_ENV": "production", "EXITVOICE_BASE_URL": "https://exitvoice.example",
           "DATABASE_URL": db.url, "SECRET_KEY": secrets.token_hex(16),
           "EXITVOICE_RATELIMIT": "off"}
    db.create(env)
    os.environ.update(env)
    try:
        from survey_app import create_app

        app = create_app()
        clients = []
        profile = cProfile.Profile()
        for _ in range(args.n):
            client = app.test_client()
            token = prepare(client, uuid.uuid4().hex, profile if args.pages else None)
            clients.append((client, token))
        if args.pages:
            cpu = time.process_time()
            for _ in range(20):
                prepare(app.test_client(), uuid.uuid4().hex)
            cpu = time.process_time() - cpu
            print(f"journey before the submission (19 requests): {1000 * cpu / 20:.1f} ms CPU, "
                  f"{1000 * cpu / 20 / 19:.2f} ms per request")
        if not args.pages:
            half = len(clients) // 2
            # First half without the profiler: CPU time per submission (not wall time, which other
            # processes on the machine would inflate).
            cpu = time.process_time()
            for client, token in clients[:half]:
                _send(client, token)
            cpu = time.process_time() - cpu
            print(f"{half} submissions: {1000 * cpu / half:.2f} ms CPU each (one process, test client)")
            profile.enable()
            for client, token in clients[half:]:
                _send(client, token)
            profile.disable()
        stats = pstats.Stats(profile)
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)
        from survey_app.extensions import db as sqla

        with app.app_context():
            sqla.engine.dispose()
    finally:
        db.drop()
    print(f"(database: {args.db}; {PG_ADMIN if args.db == 'postgresql' else db.url})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
