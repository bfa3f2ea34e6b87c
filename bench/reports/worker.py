"""Time report drafts as HR meets them: through gunicorn, in a web worker started as production starts it.

Usage: python bench/reports/worker.py --sqlite-file PATH | --pg-template NAME
                                      [--drafts 4] [--setups lazy imports ledgers]

``drafting.py`` times ``create_draft`` in one process that has already imported everything a draft
needs. A web worker may not have: its first draft would also import the analysis libraries and
read every published report into its ledger. ``gunicorn.conf.py`` does both before: the master
imports the libraries before forking (``EXITVOICE_PRELOAD_ANALYSIS``), and each worker reads the
ledgers in the background when it starts (``EXITVOICE_READ_LEDGERS_AT_START``).

This bench starts gunicorn with the repository's ``gunicorn.conf.py``, production settings and one
sync worker, serving HTTPS with a certificate made for the run, on a copy of a council kept by
``drafting.py --sqlite-file PATH`` (with ``--published 40``: ten years of quarterly reports), or
on PostgreSQL on a copy of a database kept by ``drafting.py --database postgresql --pg-template``. It
signs in an HR user (timing the sign-in and HR's overview it leads to), waits until the worker
has read the ledgers (when it does), drafts the last whole quarter's report ``--drafts`` times
through ``POST /reports/new`` and prints each draft's time (the first is the worker's first),
with the worker's resident and proportional memory (RSS, PSS) when it started, before the first
draft and after the last. Setups, each a separate gunicorn: ``lazy`` (both
left to the first draft), ``imports`` (the libraries imported by the master only), ``ledgers``
(both, as ``gunicorn.conf.py`` does by default). Target: every draft under 2 s.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import ssl
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import date
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.reports.drafting import _copy_sqlite, _database, pg_database_exists  # noqa: E402

TARGET_S = 2.0
#: setup: (EXITVOICE_PRELOAD_ANALYSIS, EXITVOICE_READ_LEDGERS_AT_START)
SETUPS = {"lazy": ("0", "0"), "imports": ("1", "0"), "ledgers": ("1", "1")}
READ_LINE = re.compile(r"Read the ledgers of (\d+) published reports in ([\d.]+) s")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """The draft is timed to the answer of its POST, not the draft page it redirects to."""

    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        return None


def _memory(pid: int) -> tuple[float, float]:
    """A process's resident and proportional set sizes, in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:])
    return tuple(int(fields[name].split()[0]) / 1024 for name in ("Rss", "Pss"))


def _workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page)
    return found.group(1)


def _run(url: str, setup: str, drafts: int, folder: Path) -> dict:
    from analysis.periods import Quarter
    from survey_app import create_app
    from survey_app.extensions import db
    from tests.browser.support import gunicorn_over_tls
    from tests.support import PASSWORD, make_user

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        make_user("bench-worker-hr@council.example", "hr")
        db.engine.dispose()
    quarter = Quarter.of(date.today()).previous()
    os.environ["EXITVOICE_PRELOAD_ANALYSIS"], os.environ["EXITVOICE_READ_LEDGERS_AT_START"] = SETUPS[setup]
    with gunicorn_over_tls(url, folder, workers=1, threads=1) as base:
        master = int((folder / "gunicorn.pid").read_text())
        context = ssl.create_default_context(cafile=str(folder / "cert.pem"))
        cookies = CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context),
                                              urllib.request.HTTPCookieProcessor(cookies))
        no_redirect = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context),
                                                  urllib.request.HTTPCookieProcessor(cookies), _NoRedirect)
        (worker,) = _workers(master)
        started = _memory(worker)
        form = browser.open(f"{base}/sign-in").read().decode()
        t0 = time.perf_counter()
        browser.open(urllib.request.Request(f"{base}/sign-in", data=urlencode(
            {"csrf_token": _csrf(form), "email": "bench-worker-hr@council.example", "password": PASSWORD}).encode(),
            headers={"Referer": f"{base}/sign-in"})).read()
        signing_in = time.perf_counter() - t0  # the sign-in and the overview it leads to
        read = None
        if setup == "ledgers":
            for _ in range(600):
                read = READ_LINE.search((folder / "gunicorn.log").read_text())
                if read:
                    break
                time.sleep(0.1)
            else:
                raise RuntimeError("the worker did not read the ledgers within a minute")
        before = _memory(worker)
        seconds = []
        for _ in range(drafts):
            page = browser.open(f"{base}/reports/").read().decode()
            request = urllib.request.Request(f"{base}/reports/new", data=urlencode(
                {"csrf_token": _csrf(page), "kind": "quarterly", "period_quarterly": quarter.label}).encode(),
                headers={"Referer": f"{base}/reports/"})
            t0 = time.perf_counter()
            try:
                no_redirect.open(request).read()
                raise RuntimeError("the draft did not redirect to its page")
            except urllib.error.HTTPError as answer:
                if answer.code != 302 or "/reports/" not in answer.headers.get("Location", ""):
                    raise
                if "error=" in answer.headers["Location"]:
                    raise RuntimeError(answer.headers["Location"]) from None
            seconds.append(time.perf_counter() - t0)
        after = _memory(worker)
        master_memory = _memory(master)
    read = read and (int(read.group(1)), float(read.group(2)))
    return {"setup": setup, "read": read, "seconds": seconds, "signing_in": signing_in, "started": started,
            "before": before, "after": after, "master": master_memory, "quarter": quarter.label}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    council = parser.add_mutually_exclusive_group(required=True)
    council.add_argument("--sqlite-file", metavar="PATH",
                         help="a council kept by drafting.py --sqlite-file (it is copied, never changed)")
    council.add_argument("--pg-template", metavar="NAME",
                         help="a PostgreSQL council kept by drafting.py --database postgresql --pg-template NAME "
                              "(copied, never changed)")
    parser.add_argument("--drafts", type=int, default=4)
    parser.add_argument("--setups", nargs="+", default=list(SETUPS), choices=list(SETUPS))
    args = parser.parse_args()
    if args.sqlite_file and not os.path.exists(args.sqlite_file):
        parser.error(f"{args.sqlite_file} does not exist: make it with drafting.py --published 40 --sqlite-file PATH")
    if args.pg_template and not pg_database_exists(args.pg_template):
        parser.error(f"no database {args.pg_template}: make it with drafting.py --database postgresql --published 40 "
                     f"--pg-template NAME")
    print(f"cpus={os.cpu_count()} council={args.sqlite_file or args.pg_template}; gunicorn, one sync worker, HTTPS, "
          f"production settings")
    for setup in args.setups:
        folder = Path(tempfile.mkdtemp(prefix="exitvoice-worker-bench-"))
        url, drop = _database("postgresql" if args.pg_template else "sqlite", str(folder), args.pg_template)
        try:
            if args.sqlite_file:
                _copy_sqlite(args.sqlite_file, url.removeprefix("sqlite:///"))
            result = _run(url, setup, args.drafts, folder)
        finally:
            drop()
            shutil.rmtree(folder, ignore_errors=True)
        first, rest = result["seconds"][0], result["seconds"][1:]
        verdict = "ok" if max(result["seconds"]) <= TARGET_S else "OVER"
        read = f" (read {result['read'][0]} reports at start in {result['read'][1]:.1f} s)" if result["read"] else ""
        then = ", ".join(f"{s:.2f}" for s in rest)
        print(f"{setup}{read}: draft {result['quarter']}: first {first:.2f} s, then {then} s "
              f"({verdict}, target {TARGET_S:g} s)")
        print(f"  signing in and HR's overview: {result['signing_in']:.2f} s")
        print(f"  worker RSS/PSS when it started {result['started'][0]:.0f}/{result['started'][1]:.0f} MB, "
              f"before the first draft {result['before'][0]:.0f}/{result['before'][1]:.0f} MB, "
              f"after the last {result['after'][0]:.0f}/{result['after'][1]:.0f} MB; "
              f"master {result['master'][0]:.0f}/{result['master'][1]:.0f} MB")


if __name__ == "__main__":
    main()
