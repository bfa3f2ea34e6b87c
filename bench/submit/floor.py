"""How far below the bare route any durable sending must sit: the floor under the 25 % target.

Usage (from the repository root, with the project's virtualenv):

    python bench/submit/floor.py [--db sqlite|postgresql|both] [--clients 20] [--submissions 4000]
                                 [--workers production] [--bare-seconds 10]

For each setting it serves, with gunicorn and the repository's ``gunicorn.conf.py``, one after
the other and driven by the same 20 client processes as ``run.py``:

* the bare route (``bare_app.py``: GET / answers "ok"), the ceiling ``run.py`` divides by;
* the floor (``floor_app.py``): a form post that takes a draft row by its token and stores its
  answers as a response in one committed transaction before it answers, on each database;
* the secure floor: the same with Flask-WTF's CSRF check and the signed session cookie written
  on every reply, as every form of the app has.

and prints each one's requests per second, latency, CPU per request and its ratio to the bare
route, with a loss check (every acknowledged token's answers are in the response table, once).
See bench/submit/README.md, "The floor".
"""

from __future__ import annotations

import argparse
import re
import secrets
import sqlite3
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import (  # noqa: E402 - the same server, clients' HTTP, CPU meter and bare run as run.py
    PRODUCTION,
    Database,
    Http,
    Server,
    Setting,
    _cpu_seconds,
    background_load,
    cpu_per_item,
    cpu_split,
    free_port,
    percentile,
    run_bare,
    server_env,
    start_clients,
)

CSRF = re.compile(r'value="([^"]+)"')
SCHEMA = ("CREATE TABLE floor_draft (token VARCHAR(64) PRIMARY KEY, answers TEXT NOT NULL)",
          "CREATE TABLE floor_response (id {serial} PRIMARY KEY, answers TEXT NOT NULL)")
ANSWERS = "My caseload was over thirty children. bench {token}"


class FloorDatabase(Database):
    """The two tables, with one draft row per token to send, on a fresh SQLite file or PostgreSQL
    database (named, made and dropped as ``run.py``'s are, without the app's migrations)."""

    def _connect(self):
        if self.kind == "sqlite":
            conn = sqlite3.connect(self.path)
            conn.execute("PRAGMA journal_mode=WAL")
            return conn
        import psycopg

        return psycopg.connect(self.url)

    def create_tables(self, tokens: list[str]) -> None:
        if self.kind == "postgresql":
            self._admin(f'CREATE DATABASE "{self.name}"')
        serial = "INTEGER" if self.kind == "sqlite" else "BIGSERIAL"
        mark = "?" if self.kind == "sqlite" else "%s"
        conn = self._connect()
        with conn:
            for statement in SCHEMA:
                conn.execute(statement.format(serial=serial))
            rows = [(t, ANSWERS.format(token=t)) for t in tokens]
            conn.cursor().executemany(f"INSERT INTO floor_draft (token, answers) VALUES ({mark}, {mark})", rows)
        conn.close()

    def sent(self) -> tuple[dict[str, int], int]:
        """Token -> how many responses carry its answers; and how many drafts are left."""
        conn = self._connect()
        answers = [a for (a,) in conn.execute("SELECT answers FROM floor_response").fetchall()]
        drafts = conn.execute("SELECT count(*) FROM floor_draft").fetchone()[0]
        conn.close()
        counts: dict[str, int] = {}
        for a in answers:
            token = a.rsplit(" bench ", 1)[1]
            counts[token] = counts.get(token, 0) + 1
        return counts, drafts


def floor_client(index: int, port: int, tokens: list[str], secure: bool, barrier, results) -> None:
    """Send each token once, back to back on one kept connection; 303 to /done acknowledges."""
    http = Http(port)
    cookie, csrf = None, ""
    if secure:
        resp, page = http.send("GET", "/form")
        cookie = resp.getheader("Set-Cookie", "").split(";", 1)[0]
        csrf = CSRF.search(page.decode()).group(1)
    barrier.wait()
    cpu0 = _cpu_seconds()
    start = time.perf_counter()
    acked, latencies, errors = [], [], []
    for token in tokens:
        fields = [("token", token)] + ([("csrf_token", csrf)] if secure else [])
        t = time.perf_counter()
        try:
            resp, _ = http.send("POST", "/send", body=urllib.parse.urlencode(fields).encode(), cookie=cookie)
        except OSError as exc:
            errors.append(repr(exc))
            continue
        latency = time.perf_counter() - t
        if resp.status == 303 and resp.getheader("Location", "").endswith("/done"):
            acked.append(token)
            latencies.append(latency)
            for header in resp.msg.get_all("Set-Cookie") or []:
                cookie = header.split(";", 1)[0]
        else:
            errors.append(f"{resp.status}")
    end = time.perf_counter()
    http.close()
    results.put({"start": start, "end": end, "acked": acked, "latencies": latencies, "errors": errors,
                 "cpu": _cpu_seconds() - cpu0})


def run_floor(kind: str, setting: Setting, secure: bool, args) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix=f"exitvoice-floor-{kind}-"))
    port = free_port()
    db = FloorDatabase(kind, workdir)
    env = server_env(setting, port, "sqlite://", secrets.token_hex(32))
    env.update({"FLOOR_DATABASE_URL": db.url, "FLOOR_SECURE": "1" if secure else "0"})
    background = background_load()
    tokens = [secrets.token_hex(16) for _ in range(args.submissions)]
    server = Server("floor_app:app", HERE, env, port, workdir / "gunicorn.log", "/ready")
    try:
        db.create_tables(tokens)
        server.start()
        procs, results, meter = start_clients(server, getattr(db, "name", None), args.clients, floor_client,
                                              lambda i: (i, port, tokens[i::args.clients], secure))
        reports = [results.get(timeout=600) for _ in procs]
        cpu = meter.stop()
        for p in procs:
            p.join()
        stored, drafts_left = db.sent()
    finally:
        server.stop()
        db.drop()
    acked = [t for r in reports for t in r["acked"]]
    latencies = [x for r in reports for x in r["latencies"]]
    seconds = max(r["end"] for r in reports) - min(r["start"] for r in reports)
    errors = [e for r in reports for e in r["errors"]]
    if errors:
        print(f"  {len(errors)} not acknowledged, for example {errors[:3]}", file=sys.stderr)
    return {"db": kind, "secure": secure, "setting": str(setting), "sent": len(tokens), "acked": len(acked),
            "lost": sum(1 for t in acked if stored.get(t, 0) == 0),
            "twice": sum(1 for n in stored.values() if n > 1), "drafts_left": drafts_left,
            "rate": len(acked) / seconds, "p50": percentile(latencies, 50) * 1000,
            "p95": percentile(latencies, 95) * 1000, "background": background,
            "cpu": cpu_split(cpu, sum(r["cpu"] for r in reports), seconds),
            "cpu_ms": cpu_per_item(cpu, sum(r["cpu"] for r in reports), len(tokens))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--submissions", type=int, default=4000, help="sendings per run (default 4000)")
    parser.add_argument("--workers", default=PRODUCTION)
    parser.add_argument("--bare-seconds", type=float, default=10.0)
    args = parser.parse_args(argv)
    args.fresh = False  # kept connections, as run.py's default
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    rows = []
    for text_setting in args.workers.split(","):
        setting = Setting.parse(text_setting)
        print(f"bare {setting} ...", flush=True)
        bare = run_bare(setting, args)
        print(f"  {bare['rate']:.0f} req/s, p95 {bare['p95']:.1f} ms", flush=True)
        for kind in kinds:
            for secure in (False, True):
                print(f"floor{' secure' if secure else ''} {kind} {setting} ...", flush=True)
                row = run_floor(kind, setting, secure, args)
                row["ratio"] = row["rate"] / bare["rate"]
                print(f"  {row['rate']:.0f}/s, p95 {row['p95']:.1f} ms, {row['ratio']:.1%} of the bare route; "
                      f"acknowledged {row['acked']} lost {row['lost']} stored twice {row['twice']}", flush=True)
                rows.append(row)
        rows.append({"db": "-", "secure": None, **bare, "ratio": 1.0, "acked": bare["requests"], "lost": 0,
                     "twice": 0})
    print()
    head = (f"{'route':<16} {'db':<10} {'workers':<8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'ratio':>6} "
            f"{'gunic ms':>8} {'pg ms':>6} {'clnt ms':>7} {'before':>6} {'acked':>6} {'lost':>5}")
    print(head)
    print("-" * len(head))
    for r in rows:
        route = "bare GET" if r["secure"] is None else "floor + CSRF" if r["secure"] else "floor"
        m = r["cpu_ms"]
        print(f"{route:<16} {r['db']:<10} {r['setting']:<8} {r['rate']:>7.0f} {r['p50']:>7.1f} {r['p95']:>7.1f} "
              f"{r['ratio']:>6.1%} {m['server']:>8.2f} {m['postgres']:>6.2f} {m['clients']:>7.2f} "
              f"{r['background']:>6.0f} {r['acked']:>6} {r['lost']:>5}")
    return 1 if any(r["lost"] or r["twice"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
