"""Time HR's report work in the app on a council of 60 leavers a quarter with 10 years of history.

Usage: python bench/reports/drafting.py [--database sqlite|postgresql] [--per-quarter 60] [--years 10]
                                        [--published N] [--sqlite-file PATH] [--pg-template NAME]

It migrates a fresh database (a temporary SQLite file, or a new database on the PostgreSQL server
of ``EXITVOICE_BENCH_PG_URL``, default ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``),
seeds the demo questionnaire answers for ``years`` years, runs the themes, with ``--published N``
publishes the quarterly reports of the N quarters before the last whole one (so every draft reads
back and checks against their figures), then times (medians of five runs, and the first draft of
each kind in a process that has not read the published reports yet): drafting the last
whole quarter's report (``create_draft``: loading the data it reads, building and auditing the
report, offering quotes and actions), drafting the last whole financial year's, publishing the
quarter (every format rendered once and stored), and downloading each stored format through the
app as a signed-in HR user. Targets: drafting under 2 s, every download under 300 ms.

``--sqlite-file PATH`` keeps a copy of the seeded SQLite council (answers, themes, published
reports) in PATH, and when PATH exists starts from a copy of it instead of seeding (publishing 40
quarters takes minutes), so a change can be timed again on the same council. The timed drafts
and publication are made on the copy: PATH stays as it was. ``--pg-template NAME`` does the same
on PostgreSQL with a database NAME on the same server (copied with ``CREATE DATABASE ... TEMPLATE``).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))

TARGETS = {"draft": 2.0, "download": 0.3}


def _copy_sqlite(source: str, target: str) -> None:
    """A consistent copy of a SQLite database (its write-ahead log included)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def _pg_admin():  # noqa: ANN202
    from sqlalchemy import create_engine

    admin_url = os.environ.get("EXITVOICE_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    return admin_url, create_engine(admin_url, isolation_level="AUTOCOMMIT")


def pg_database_exists(name: str) -> bool:
    from sqlalchemy import text

    _, admin = _pg_admin()
    with admin.connect() as conn:
        return conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first() is not None


def pg_copy(source: str, target: str) -> None:
    """Make the PostgreSQL database ``target`` a copy of ``source`` (nobody may be connected to it)."""
    from sqlalchemy import text

    _, admin = _pg_admin()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{target}" TEMPLATE "{source}"'))


def _database(kind: str, folder: str, template: str | None = None) -> tuple[str, callable]:
    """A new database to run on and a function that drops it; on PostgreSQL a copy of
    ``template`` where that database exists."""
    if kind == "sqlite":
        return "sqlite:///" + os.path.join(folder, "bench.sqlite"), lambda: None
    from sqlalchemy import text

    admin_url, admin = _pg_admin()
    name = f"exitvoice_bench_{uuid.uuid4().hex[:10]}"
    if template and pg_database_exists(template):
        pg_copy(template, name)
    else:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    return admin_url.rsplit("/", 1)[0] + "/" + name, drop


def _timed(fn, runs: int = 5) -> tuple[float, object, float]:
    """Median of ``runs`` calls, the last result, and the first call's time (the first draft in a
    process also reads every published report; later ones read only reports published since)."""
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result, times[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--per-quarter", type=int, default=60)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--published", type=int, default=0, metavar="N",
                        help="first publish the quarterly reports of the N quarters before the one drafted, "
                             "so every draft reads back and checks against their figures")
    parser.add_argument("--sqlite-file", metavar="PATH",
                        help="keep the seeded SQLite council here, and start from a copy of it when it exists")
    parser.add_argument("--pg-template", metavar="NAME",
                        help="on PostgreSQL, keep the seeded council as database NAME, and start from a copy "
                             "of it when it exists")
    args = parser.parse_args()

    from flask_migrate import upgrade

    from analysis.periods import Quarter, last_complete_year
    from survey_app import create_app
    from survey_app.demo import seed_demo
    from survey_app.extensions import db
    from survey_app.reports.service import FORMATS, create_draft, forget_published_ledgers, publish
    from survey_app.themes.service import run_themes
    from tests.support import signed_in

    today = date.today()
    quarter = Quarter.of(today).previous()
    year = last_complete_year(quarter)
    with tempfile.TemporaryDirectory() as folder:
        url, drop = _database(args.database, folder, args.pg_template)
        kept = args.database == "sqlite" and args.sqlite_file
        if kept and os.path.exists(args.sqlite_file):
            _copy_sqlite(args.sqlite_file, url.removeprefix("sqlite:///"))
        try:
            app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
            with app.app_context():
                upgrade(directory=os.path.join(os.path.dirname(__file__), "..", "..", "migrations"))
                from survey_app.models import Report, Response

                reused = db.session.query(Response).count() > 0
                seeded = themed = history_s = 0.0
                if not reused:
                    t0 = time.perf_counter()
                    # The demo spreads its answers over the eight quarters up to ``today``: one call
                    # per two years of history.
                    for block in range(0, args.years, 2):
                        end = quarter.shift(-4 * block).end
                        seed_demo(args.per_quarter * 8, seed=block + 1, today=min(end, today))
                    seeded = time.perf_counter() - t0
                    t0 = time.perf_counter()
                    run_themes(progress=False)
                    themed = time.perf_counter() - t0
                    t0 = time.perf_counter()
                    for earlier in quarter.previous().last_n(args.published) if args.published else ():
                        publish(create_draft("quarterly", earlier.label, created_by="bench"),
                                published_by="bench", without_quotes=True)
                    history_s = time.perf_counter() - t0
                    db.session.commit()
                    if kept:
                        _copy_sqlite(url.removeprefix("sqlite:///"), args.sqlite_file)
                    if args.database == "postgresql" and args.pg_template:
                        db.session.remove()
                        db.engine.dispose()
                        pg_copy(url.rsplit("/", 1)[1], args.pg_template)
                responses = db.session.query(Response).count()
                published = db.session.query(Report).filter(Report.status == "published").count()
                if os.environ.get("EXITVOICE_BENCH_PROFILE"):
                    import cProfile

                    cProfile.runctx("create_draft('quarterly', quarter.label, created_by='bench')", globals(),
                                    locals(), sort=os.environ.get("EXITVOICE_BENCH_PROFILE"))
                if reused:
                    # As after seeding: the modules a draft needs imported, so that the first draft
                    # below is timed as one in a process that has not read the ledger, not one
                    # that also imports the analysis package.
                    create_draft("quarterly", quarter.label, created_by="bench")
                forget_published_ledgers()  # as in a process that has not drafted yet
                draft_s, report, draft_first = _timed(
                    lambda: create_draft("quarterly", quarter.label, created_by="bench"))
                forget_published_ledgers()
                annual_s, _, annual_first = _timed(lambda: create_draft("annual", year.label, created_by="bench"))
                t0 = time.perf_counter()
                publish(report, published_by="bench", without_quotes=True)
                publish_s = time.perf_counter() - t0
                client = app.test_client()
                signed_in(client, "hr", email="bench-hr@council.example")
                downloads = {}
                for fmt in FORMATS:
                    path = f"/reports/{report.id}/download/{fmt}"
                    seconds, response, _ = _timed(lambda path=path: client.get(path), runs=5)
                    assert response.status_code == 200, (fmt, response.status_code)
                    downloads[fmt] = (seconds, len(response.data))
        finally:
            drop()

    print(f"database={args.database} cpus={os.cpu_count()} responses={responses} "
          f"({args.per_quarter} a quarter, {args.years} years); seeding {seeded:.1f} s, themes {themed:.1f} s")
    if reused:
        print(f"started from a copy of {args.sqlite_file or args.pg_template} ({published} reports published)")
    elif args.published:
        print(f"published first: {args.published} quarterly reports before {quarter.label} ({history_s:.1f} s)")
    for name, median, first in ((f"quarterly {quarter.label}", draft_s, draft_first),
                                (f"annual {year.label}", annual_s, annual_first)):
        print(f"draft {name}: {median:.2f} s median, first in the process {first:.2f} s "
              f"({'ok' if max(median, first) <= TARGETS['draft'] else 'OVER'}, target {TARGETS['draft']:g} s)")
    print(f"publish (render and store every format): {publish_s:.2f} s")
    for fmt, (seconds, size) in downloads.items():
        verdict = "ok" if seconds <= TARGETS["download"] else "OVER"
        print(f"download {fmt}: {1000 * seconds:.0f} ms, {size // 1024} KB ({verdict}, target 300 ms)")


if __name__ == "__main__":
    main()
