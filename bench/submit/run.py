"""Submission benchmark: submissions per second and latency against gunicorn, with a loss check.

Usage (from the repository root, with the project's virtualenv):

    python bench/submit/run.py [--db sqlite|postgresql|both] [--clients 20] [--submissions N]
                               [--workers 3,5,2x4] [--connections kept|new] [--kill] [--no-bare]
                               [--json PATH]

See bench/submit/README.md for what is measured and how to read the table.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import re
import runpy
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
PY = sys.executable
PG_ADMIN = os.environ.get("EXITVOICE_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
SLUG = "exit"
SESSION_COOKIE = "exitvoice_session"
FORM = "application/x-www-form-urlencoded"
CSRF = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')
RETRY_FOR = 60.0  # seconds a client keeps retrying a request that failed on the connection
CONNECTION_ERRORS = (ConnectionError, http.client.HTTPException, socket.timeout, OSError)

# Valid answers for every main page of the exit questionnaire; the marker goes into reasons_text.
PAGES: list[tuple[str, dict[str, str | list[str]]]] = [
    ("your-job", {"role": "social_worker", "employment_type": "permanent", "service_area": "child_protection"}),
    ("your-time-here", {"length_of_service": "1_to_2", "years_qualified": "2_to_5"}),
    ("why-leaving", {"main_reasons": ["caseload", "supervision"], "reasons_text": "{marker}"}),
    ("what-would-change", {"would_have_stayed": "A protected caseload.", "worked_well": "My team.",
                           "improve": ""}),
    ("ratings-support", {"rating_caseload": "1", "rating_supervision": "2"}),
    ("ratings-conditions", {"rating_pay": "3"}),
    ("next-steps", {"destination": "another_council", "recommend": "maybe"}),
    ("inclusion", {"inclusion_experience": ""}),
]


def marker_text(marker: str) -> str:
    return f"My caseload was over thirty children. bench {marker}"


# --------------------------------------------------------------------------------------------
# HTTP client: one keep-alive connection per client, cookies handled by hand
# --------------------------------------------------------------------------------------------


class Http:
    """A lean HTTP/1.1 client; reconnects when the server closes (sync workers close every time)."""

    def __init__(self, port: int):
        self.port = port
        self.conn: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def send(self, method: str, path: str, body: bytes | None = None, cookie: str | None = None):
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Accept": "text/html"}
        if cookie:
            headers["Cookie"] = cookie
        if body is not None:
            headers["Content-Type"] = FORM
        try:
            self.conn.request(method, path, body=body, headers=headers)
            resp = self.conn.getresponse()
            data = resp.read()
        except BaseException:
            self.close()
            raise
        if resp.will_close:
            self.close()
        return resp, data


@dataclass
class Journey:
    """One respondent: a session cookie and the answers carrying a unique marker."""

    marker: str
    cookie: str | None = None
    csrf: str = ""
    ready: bool = False

    def take_cookie(self, resp) -> None:
        for header in resp.msg.get_all("Set-Cookie") or []:
            pair = header.split(";", 1)[0]
            name, _, value = pair.partition("=")
            if name.strip() == SESSION_COOKIE:
                self.cookie = f"{SESSION_COOKIE}={value}" if value else None


def _form(journey: Journey, data: dict) -> bytes:
    fields = [("csrf_token", journey.csrf)]
    for key, value in data.items():
        if isinstance(value, list):
            fields.extend((key, v) for v in value)
        else:
            fields.append((key, value.replace("{marker}", marker_text(journey.marker))))
    return urllib.parse.urlencode(fields).encode()


def _get_form(http: Http, journey: Journey, path: str, timings: list[float]) -> None:
    t = time.perf_counter()
    resp, data = http.send("GET", path, cookie=journey.cookie)
    timings.append(time.perf_counter() - t)
    journey.take_cookie(resp)
    match = CSRF.search(data)
    if resp.status != 200 or match is None:
        raise RuntimeError(f"GET {path}: {resp.status}")
    journey.csrf = match.group(1).decode()


def _post(http: Http, journey: Journey, path: str, data: dict, timings: list[float], expect: str) -> None:
    t = time.perf_counter()
    resp, _ = http.send("POST", path, body=_form(journey, data), cookie=journey.cookie)
    timings.append(time.perf_counter() - t)
    journey.take_cookie(resp)
    location = resp.getheader("Location", "")
    if resp.status != 302 or not location.endswith(expect):
        raise RuntimeError(f"POST {path}: {resp.status} -> {location}")


def prepare(http: Http, journey: Journey, timings: list[float], lean: bool = False) -> None:
    """Walk the journey as a person would, up to (not including) the request that sends it.

    ``lean`` skips the GETs after the first page (the session's CSRF token stays valid), to set up
    many drafts quickly; the submission measured afterwards is the same request either way.
    """
    for index, (page_id, data) in enumerate(PAGES):
        if not lean or index == 0:
            _get_form(http, journey, f"/{SLUG}/{page_id}", timings)
        following = PAGES[index + 1][0] if index + 1 < len(PAGES) else "check"
        _post(http, journey, f"/{SLUG}/{page_id}", data, timings, expect=f"/{SLUG}/{following}")
    if not lean:
        _get_form(http, journey, f"/{SLUG}/check", timings)
    _post(http, journey, f"/{SLUG}/check", {}, timings, expect=f"/{SLUG}/equality")
    if not lean:
        _get_form(http, journey, f"/{SLUG}/equality", timings)
    journey.ready = True


#: the heading of the page the app answers a draft already sent with
ALREADY_SENT = b"You have already sent your answers"


def submit(http: Http, journey: Journey) -> dict:
    """The measured request: POST the last page with action=skip; 302 to /done acknowledges it.

    A request that fails on the connection (server killed) is not acknowledged; it is retried
    until the server answers again. The retry is acknowledged (302 to /done) when the first try
    never committed; when it had committed (the draft is gone) the app answers with its "You have
    already sent your answers" page (or, before that page existed, a redirect to the start).
    """
    body = _form(journey, {"action": "skip"})
    first = time.perf_counter()
    attempts = 0
    while True:
        attempts += 1
        t = time.perf_counter()
        try:
            resp, page = http.send("POST", f"/{SLUG}/equality", body=body, cookie=journey.cookie)
        except CONNECTION_ERRORS as exc:
            if time.perf_counter() - first > RETRY_FOR:
                return {"marker": journey.marker, "outcome": "failed", "error": repr(exc), "attempts": attempts}
            time.sleep(0.05)
            continue
        end = time.perf_counter()
        location = resp.getheader("Location", "")
        if resp.status == 302 and location.endswith(f"/{SLUG}/done"):
            outcome = "acknowledged"
        elif attempts > 1 and (resp.status == 302 or (resp.status == 200 and ALREADY_SENT in page)):
            outcome = "stored_before_failure"  # an earlier try committed; the client never heard
        else:
            outcome = f"rejected {resp.status} {location}"
        return {"marker": journey.marker, "outcome": outcome, "latency": end - t, "total": end - first,
                "attempts": attempts, "end": end}


def _cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system


def client_main(index: int, port: int, markers: list[str], lean: bool, fresh: bool, acks, barrier, results) -> None:
    """One client process: prepare its journeys, wait for the others, then send them back to back
    (``fresh``: each on a new connection, as separate people's browsers would)."""
    http = Http(port)
    prep_timings: list[float] = []
    journeys = [Journey(m) for m in markers]
    prep_start = time.perf_counter()
    prep_errors = 0
    for journey in journeys:
        try:
            prepare(http, journey, prep_timings, lean)
        except Exception as exc:  # noqa: BLE001 - counted and reported, the run goes on
            prep_errors += 1
            if prep_errors <= 3:
                print(f"client {index}: preparing failed: {exc!r}", file=sys.stderr)
            http.close()
    prep_end = time.perf_counter()
    http.close()  # a fresh connection for the measured phase
    barrier.wait()
    cpu0 = _cpu_seconds()
    start = time.perf_counter()
    outcomes = []
    for journey in journeys:
        if not journey.ready:
            continue
        outcome = submit(http, journey)
        if fresh:
            http.close()
        outcomes.append(outcome)
        if outcome["outcome"] == "acknowledged":
            with acks.get_lock():
                acks.value += 1
    end = time.perf_counter()
    http.close()
    results.put({"index": index, "prep_start": prep_start, "prep_end": prep_end, "prep_requests": len(prep_timings),
                 "prep_errors": prep_errors, "prep_timings": prep_timings, "start": start, "end": end,
                 "cpu": _cpu_seconds() - cpu0, "outcomes": outcomes})


def bare_client_main(index: int, port: int, duration: float, fresh: bool, barrier, results) -> None:
    http = Http(port)
    barrier.wait()
    cpu0 = _cpu_seconds()
    start = time.perf_counter()
    latencies = []
    errors = 0
    while time.perf_counter() - start < duration:
        t = time.perf_counter()
        try:
            resp, _ = http.send("GET", "/")
        except CONNECTION_ERRORS:
            errors += 1
            continue
        if fresh:
            http.close()
        if resp.status == 200:
            latencies.append(time.perf_counter() - t)
        else:
            errors += 1
    end = time.perf_counter()
    http.close()
    results.put({"index": index, "start": start, "end": end, "latencies": latencies, "errors": errors,
                 "cpu": _cpu_seconds() - cpu0})


# --------------------------------------------------------------------------------------------
# Server, databases and CPU accounting
# --------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            kids = [int(x) for x in f.read().split()]
    except OSError:
        return []
    return kids + [g for k in kids for g in _children(k)]


def _proc_cpu(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


POSTGRES_SHARED = ("walwriter", "checkpointer", "background writer")


def _postgres_pids(database: str | None) -> list[int]:
    """This run's PostgreSQL backends (their title names the database) and the WAL/checkpoint
    processes every database shares; other databases' backends on the same server are left out."""
    if not database:
        return []
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    title = f.read().decode(errors="replace")
            except OSError:
                continue
            if title.startswith("postgres:") and (f" {database} " in title or any(
                    name in title for name in POSTGRES_SHARED)):
                pids.append(int(entry))
    return pids


def _system_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds over all cores since boot."""
    with open("/proc/stat") as f:
        values = [int(x) for x in f.readline().split()[1:]]
    tick = os.sysconf("SC_CLK_TCK")
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / tick, sum(values[:8]) / tick


class CpuMeter:
    """CPU used by the server processes, PostgreSQL and the whole machine between start and stop."""

    def __init__(self, server: Server, database: str | None = None):
        self.server = server
        self.database = database
        self.server_before_kill = 0.0

    def sample(self) -> dict[str, float]:
        busy, total = _system_cpu()
        pids = self.server.pids()
        self.pg = {p: _proc_cpu(p) for p in _postgres_pids(self.database)}
        return {"server": sum(_proc_cpu(p) for p in pids), "postgres": 0.0, "busy": busy, "total": total}

    def _worker_cpu(self) -> dict[int, float]:
        proc = self.server.proc
        return {pid: _proc_cpu(pid) for pid in _children(proc.pid)} if proc is not None else {}

    def start(self) -> None:
        self.before = self.sample()
        self.pg_before = self.pg
        self.workers_before = self._worker_cpu()

    def worker_split(self) -> list[float]:
        """CPU seconds of each worker that lived through the whole phase, busiest first: with every
        client holding one connection, how the connections fell between workers shows here."""
        now = self._worker_cpu()
        return sorted((now[pid] - cpu for pid, cpu in self.workers_before.items() if pid in now), reverse=True)

    def before_kill(self) -> None:
        """The server's processes are about to go: bank their CPU; the new ones count from birth."""
        self.server_before_kill += self.sample()["server"] - self.before["server"]
        self.before["server"] = 0.0

    def stop(self) -> dict[str, float]:
        after = self.sample()
        out = {k: after[k] - self.before[k] for k in after}
        out["server"] += self.server_before_kill
        # Backends that exist only at the end count from their start.
        out["postgres"] = sum(cpu - self.pg_before.get(pid, 0.0) for pid, cpu in self.pg.items())
        return out


class Server:
    """gunicorn with the repository's gunicorn.conf.py, in its own process group."""

    def __init__(self, app: str, cwd: Path, env: dict[str, str], port: int, log: Path, ready_path: str):
        self.app, self.cwd, self.env, self.port, self.log, self.ready_path = app, cwd, env, port, log, ready_path
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        log = open(self.log, "ab")  # noqa: SIM115 - owned by the child process
        self.proc = subprocess.Popen(
            # No control socket: its default path is shared by every gunicorn of this user.
            [PY, "-m", "gunicorn", "-c", str(REPO / "gunicorn.conf.py"), "--no-control-socket", self.app],
            cwd=self.cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        log.close()
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}; see {self.log}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", self.ready_path)
                status = conn.getresponse().status
                conn.close()
                if status == 200 and len(self.pids()) > self.workers:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer on port {self.port}; see {self.log}")

    @property
    def workers(self) -> int:
        return int(self.env["EXITVOICE_WORKERS"])

    def pids(self) -> list[int]:
        if self.proc is None:
            return []
        return [self.proc.pid, *_children(self.proc.pid)]

    def kill(self) -> None:
        """SIGKILL the master and every worker at once (the whole process group)."""
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        deadline = time.time() + 10
        while time.time() < deadline:  # workers are gone once nothing accepts on the port
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                time.sleep(0.05)
            except OSError:
                return

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


class Database:
    """A fresh database, migrated with the project's migrations, dropped afterwards."""

    def __init__(self, kind: str, workdir: Path, start_from: str | None = None):
        self.kind = kind
        self.start_from = start_from  # SQLite: a council to copy instead of starting empty
        if kind == "sqlite":
            self.path = workdir / "exitvoice.sqlite"
            self.url = f"sqlite:///{self.path}"
        else:
            self.name = f"exitvoice_bench_{uuid.uuid4().hex[:10]}"
            self.url = PG_ADMIN.rsplit("/", 1)[0] + "/" + self.name

    def create(self, env: dict[str, str]) -> None:
        if self.kind == "postgresql":
            self._admin(f'CREATE DATABASE "{self.name}"')
        elif self.start_from:
            with sqlite3.connect(self.start_from) as source, sqlite3.connect(self.path) as copy:
                source.backup(copy)
        subprocess.run([PY, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=REPO, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def release(self, env: dict[str, str]) -> None:
        """Turn every submission still waiting in the mixing pool into a response, as the daily
        job would, so that what was acknowledged can be counted."""
        subprocess.run([PY, "-m", "flask", "--app", "wsgi", "submissions", "release", "--all"], cwd=REPO, env=env,
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def drop(self) -> None:
        if self.kind == "postgresql":
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(sql)

    def stored(self) -> dict[str, int]:
        """Marker -> how many comments carry it; plus the row counts under reserved keys."""
        queries = ("SELECT text FROM comment WHERE question_key = 'reasons_text'",
                   "SELECT count(*) FROM response", "SELECT count(*) FROM draft_answers")
        if self.kind == "sqlite":
            conn = sqlite3.connect(self.path)
            rows = [conn.execute(q).fetchall() for q in queries]
            conn.close()
        else:
            import psycopg

            with psycopg.connect(self.url) as conn:
                rows = [conn.execute(q).fetchall() for q in queries]
        counts: dict[str, int] = {}
        for (text,) in rows[0]:
            if text and " bench " in text:
                marker = text.rsplit(" bench ", 1)[1]
                counts[marker] = counts.get(marker, 0) + 1
        counts["#responses"] = rows[1][0][0]
        counts["#drafts"] = rows[2][0][0]
        return counts


# --------------------------------------------------------------------------------------------
# Runs
# --------------------------------------------------------------------------------------------


#: ``--workers`` value meaning gunicorn.conf.py's own settings.
PRODUCTION = "production"


@dataclass
class Setting:
    workers: int
    threads: int = 1

    @classmethod
    def parse(cls, text: str) -> Setting:
        if text == PRODUCTION:
            # What gunicorn.conf.py starts on this machine (as the environment sets it).
            conf = runpy.run_path(str(REPO / "gunicorn.conf.py"))
            return cls(int(conf["workers"]), int(conf["threads"]))
        workers, _, threads = text.partition("x")
        return cls(int(workers), int(threads or 1))

    def __str__(self) -> str:
        return f"{self.workers} sync" if self.threads == 1 else f"{self.workers}x{self.threads} gthread"


@dataclass
class Result:
    db: str
    setting: str
    kill: bool
    clients: int
    submissions: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    acknowledged: int = 0
    found: int = 0
    lost: int = 0
    duplicates: int = 0
    in_doubt: int = 0
    retry_acknowledged: int = 0
    stored_unacknowledged: int = 0
    stored_unacknowledged_found: int = 0
    failed: int = 0
    rejected: int = 0
    prep_errors: int = 0
    responses: int = 0
    drafts_left: int = 0
    journey_rate: float = 0.0
    request_rate: float = 0.0
    prep_p95: float = 0.0
    outage: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)
    cpu_ms: dict[str, float] = field(default_factory=dict)
    background: float = 0.0

    @property
    def rate(self) -> float:
        return self.acknowledged / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        return percentile(self.latencies, q) * 1000


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def server_env(setting: Setting, port: int, database_url: str, secret: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "EXITVOICE_ENV": "production",
        "EXITVOICE_BASE_URL": "https://exitvoice.example",
        "DATABASE_URL": database_url,
        "SECRET_KEY": secret,
        "EXITVOICE_RATELIMIT": "off",  # every client comes from 127.0.0.1; the limits would stop the run
        "EXITVOICE_BIND": f"127.0.0.1:{port}",
        "EXITVOICE_WORKERS": str(setting.workers),
        "EXITVOICE_THREADS": str(setting.threads),
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    return env


def background_load(seconds: float = 2.0) -> float:
    """Per cent of the machine busy before the run starts: other work sharing these cores."""
    busy0, total0 = _system_cpu()
    time.sleep(seconds)
    busy1, total1 = _system_cpu()
    return 100 * (busy1 - busy0) / max(total1 - total0, 1e-9)


def cpu_per_item(cpu: dict[str, float], client_cpu: float, items: int) -> dict[str, float]:
    """CPU milliseconds per item, and what that allows on this many dedicated cores."""
    items = max(items, 1)
    ms = {"server": 1000 * cpu["server"] / items, "postgres": 1000 * cpu["postgres"] / items,
          "clients": 1000 * client_cpu / items}
    cores = os.cpu_count() or 1
    ms["bound_server_db"] = cores * 1000 / max(ms["server"] + ms["postgres"], 1e-9)
    ms["bound_with_clients"] = cores * 1000 / max(ms["server"] + ms["postgres"] + ms["clients"], 1e-9)
    return ms


def cpu_split(cpu: dict[str, float], client_cpu: float, seconds: float) -> dict[str, float]:
    """Share of the machine's CPU capacity during the measured phase, in per cent."""
    capacity = cpu["total"] or 1.0
    return {
        "server": 100 * cpu["server"] / capacity,
        "postgres": 100 * cpu["postgres"] / capacity,
        "clients": 100 * client_cpu / capacity,
        "other": 100 * max(0.0, cpu["busy"] - cpu["server"] - cpu["postgres"] - client_cpu) / capacity,
        "idle": 100 * (1 - cpu["busy"] / capacity),
    }


def start_clients(server: Server, database: str | None, count: int, target, args_of) -> tuple[list, mp.Queue, CpuMeter]:
    """Start ``count`` client processes, each running ``target(*args_of(index), barrier, results)``;
    once every one is ready (at the barrier), let them go together and start measuring CPU.
    Returns the processes, the queue their results come back on, and the running meter."""
    barrier = mp.Barrier(count + 1)
    results = mp.Queue()
    procs = [mp.Process(target=target, args=(*args_of(i), barrier, results)) for i in range(count)]
    for p in procs:
        p.start()
    barrier.wait()
    meter = CpuMeter(server, database)
    meter.start()
    return procs, results, meter


def run_submissions(kind: str, setting: Setting, args, kill: bool) -> Result:
    workdir = Path(tempfile.mkdtemp(prefix=f"exitvoice-bench-{kind}-"))
    port = free_port()
    db = Database(kind, workdir, args.sqlite_from if kind == "sqlite" else None)
    env = server_env(setting, port, db.url, secrets.token_hex(32))
    result = Result(db=kind, setting=str(setting), kill=kill, clients=args.clients)
    result.background = background_load()
    server = Server("wsgi:app", REPO, env, port, workdir / "gunicorn.log", f"/{SLUG}/")
    try:
        db.create(env)
        server.start()
        markers = [uuid.uuid4().hex for _ in range(args.submissions)]
        shares = [markers[i::args.clients] for i in range(args.clients)]
        acks = mp.Value("i", 0)
        lean = args.journey == "lean"
        procs, results, meter = start_clients(server, getattr(db, "name", None), args.clients, client_main,
                                              lambda i: (i, port, shares[i], lean, args.fresh, acks))
        kill_at = None
        if kill:
            # Midway: once half the submissions are acknowledged, kill everything and restart.
            while acks.value < args.submissions // 2:
                time.sleep(0.002)
            meter.before_kill()
            kill_at = time.perf_counter()
            server.kill()
            down = time.perf_counter()
            server.start()
            result.outage = time.perf_counter() - kill_at
            print(f"  killed gunicorn (SIGKILL to the process group) after {acks.value} acknowledged; "
                  f"down {down - kill_at:.2f}s, answering again after {result.outage:.2f}s", flush=True)
        reports = [results.get(timeout=600) for _ in procs]
        split = meter.worker_split()
        cpu = meter.stop()
        for p in procs:
            p.join()
        if split and sum(split) > 0:
            print(f"  workers' CPU: {', '.join(f'{s:.1f}' for s in split)} s (the busiest "
                  f"{100 * split[0] / sum(split):.0f} %)", flush=True)
        db.release(env)
        stored = db.stored()
    finally:
        server.stop()
        if not args.keep:
            db.drop()
    print(f"  server log: {server.log}", flush=True)

    start = min(r["start"] for r in reports)
    end = max(r["end"] for r in reports)
    prep_start = min(r["prep_start"] for r in reports)
    prep_end = max(r["prep_end"] for r in reports)
    outcomes = [o for r in reports for o in r["outcomes"]]
    result.seconds = end - start
    result.submissions = len(outcomes)
    result.prep_errors = sum(r["prep_errors"] for r in reports)
    acked = [o for o in outcomes if o["outcome"] == "acknowledged"]
    result.acknowledged = len(acked)
    result.latencies = [o["latency"] for o in acked]
    result.found = sum(1 for o in acked if stored.get(o["marker"], 0) > 0)
    result.lost = result.acknowledged - result.found
    result.duplicates = sum(1 for m, n in stored.items() if not m.startswith("#") and n > 1)
    retried = [o for o in outcomes if o["attempts"] > 1]
    result.in_doubt = len(retried)
    result.retry_acknowledged = sum(1 for o in retried if o["outcome"] == "acknowledged")
    unacked = [o for o in retried if o["outcome"] == "stored_before_failure"]
    result.stored_unacknowledged = len(unacked)
    result.stored_unacknowledged_found = sum(1 for o in unacked if stored.get(o["marker"], 0) > 0)
    result.failed = sum(1 for o in outcomes if o["outcome"] == "failed")
    result.rejected = sum(1 for o in outcomes if o["outcome"].startswith("rejected"))
    result.responses = stored["#responses"]
    result.drafts_left = stored["#drafts"]
    prep_requests = sum(r["prep_requests"] for r in reports)
    prep_seconds = prep_end - prep_start
    # Full journey: every request of every journey (preparation + the submission), both phases.
    result.journey_rate = result.acknowledged / (prep_seconds + result.seconds)
    result.request_rate = (prep_requests + len(outcomes)) / (prep_seconds + result.seconds)
    result.prep_p95 = percentile([t for r in reports for t in r["prep_timings"]], 95) * 1000
    result.cpu = cpu_split(cpu, sum(r["cpu"] for r in reports), result.seconds)
    result.cpu_ms = cpu_per_item(cpu, sum(r["cpu"] for r in reports), len(outcomes))
    for o in outcomes:
        if o["outcome"] not in ("acknowledged", "stored_before_failure"):
            print(f"  {o['marker']}: {o['outcome']} {o.get('error', '')}", file=sys.stderr)
    return result


def run_bare(setting: Setting, args) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="exitvoice-bench-bare-"))
    port = free_port()
    env = server_env(setting, port, "sqlite://", "unused")
    background = background_load()
    server = Server("bare_app:app", HERE, env, port, workdir / "gunicorn.log", "/")
    try:
        server.start()
        procs, results, meter = start_clients(server, None, args.clients, bare_client_main,
                                              lambda i: (i, port, args.bare_seconds, args.fresh))
        reports = [results.get(timeout=120) for _ in procs]
        cpu = meter.stop()
        for p in procs:
            p.join()
    finally:
        server.stop()
    latencies = [t for r in reports for t in r["latencies"]]
    seconds = max(r["end"] for r in reports) - min(r["start"] for r in reports)
    return {"setting": str(setting), "requests": len(latencies), "seconds": seconds,
            "rate": len(latencies) / seconds, "p50": percentile(latencies, 50) * 1000,
            "p95": percentile(latencies, 95) * 1000, "errors": sum(r["errors"] for r in reports),
            "cpu": cpu_split(cpu, sum(r["cpu"] for r in reports), seconds),
            "cpu_ms": cpu_per_item(cpu, sum(r["cpu"] for r in reports), len(latencies)), "background": background}


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def print_table(results: list[Result], bare: dict[str, dict]) -> None:
    head = (f"{'db':<10} {'run':<6} {'workers':<12} {'subs':>5} {'subs/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
            f"{'p99 ms':>7} {'acked':>6} {'found':>6} {'lost':>5} {'doubt':>6} {'ceiling':>8} {'ratio':>6}")
    print()
    print("Submissions (the request that stores a response), 20 concurrent clients unless stated")
    print(head)
    print("-" * len(head))
    for r in results:
        ceiling = bare.get(r.setting, {}).get("rate")
        ratio = f"{r.rate / ceiling:.1%}" if ceiling else "-"
        print(f"{r.db:<10} {'kill' if r.kill else 'normal':<6} {r.setting:<12} {r.submissions:>5} {r.rate:>7.0f} "
              f"{r.pct(50):>7.1f} {r.pct(95):>7.1f} {r.pct(99):>7.1f} {r.acknowledged:>6} {r.found:>6} "
              f"{r.lost:>5} {r.in_doubt:>6} {ceiling or 0:>8.0f} {ratio:>6}")
    print()
    print("doubt = submissions whose first try failed on the connection (server killed); of those, stored:")
    for r in results:
        if r.kill or r.in_doubt:
            print(f"  {r.db} {r.setting}: {r.in_doubt} in doubt: {r.retry_acknowledged} acknowledged on retry, "
                  f"{r.stored_unacknowledged} committed by the interrupted try (found "
                  f"{r.stored_unacknowledged_found}), {r.failed} never answered; responses in db {r.responses} "
                  f"(expected {r.acknowledged + r.stored_unacknowledged}), duplicate markers {r.duplicates}, "
                  f"outage {r.outage:.2f}s")
    print()
    print("Full journey (8 pages GET+POST, check GET+POST, equality GET, submit POST = 20 requests;"
          " with --journey lean: first page GET, 8 page POSTs, check POST, submit POST = 11 requests)")
    print(f"{'db':<10} {'run':<6} {'workers':<12} {'journeys/s':>10} {'requests/s':>10} {'page p95 ms':>11} "
          f"{'drafts left':>11} {'prep errors':>11}")
    for r in results:
        print(f"{r.db:<10} {'kill' if r.kill else 'normal':<6} {r.setting:<12} {r.journey_rate:>10.1f} "
              f"{r.request_rate:>10.0f} {r.prep_p95:>11.1f} {r.drafts_left:>11} {r.prep_errors:>11}")
    print()
    print("CPU during the submit phase: % of the machine (all cores), then CPU ms per submission and the")
    print("submissions/s that CPU cost allows on these cores if nothing else ran (bound), without and with")
    print("the load generator; 'before' = % of the machine busy with other work just before the run")
    print(f"{'db':<10} {'run':<6} {'workers':<12} {'before':>6} {'gunic%':>6} {'pg%':>4} {'clnt%':>5} "
          f"{'other%':>6} {'idle%':>5} {'gunic ms':>8} {'pg ms':>6} {'clnt ms':>7} {'bound':>6} {'w/clnt':>6}")
    for r in results:
        c, m = r.cpu, r.cpu_ms
        print(f"{r.db:<10} {'kill' if r.kill else 'normal':<6} {r.setting:<12} {r.background:>6.0f} "
              f"{c['server']:>6.0f} {c['postgres']:>4.0f} {c['clients']:>5.0f} {c['other']:>6.0f} {c['idle']:>5.0f} "
              f"{m['server']:>8.2f} {m['postgres']:>6.2f} {m['clients']:>7.2f} {m['bound_server_db']:>6.0f} "
              f"{m['bound_with_clients']:>6.0f}")
    if bare:
        print()
        print("Ceiling: bare Flask route (GET / returning 'ok') on the same gunicorn settings")
        print(f"{'workers':<12} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'errors':>6} {'before':>6} {'gunic%':>6} "
              f"{'clnt%':>5} {'other%':>6} {'gunic ms':>8} {'clnt ms':>7} {'bound':>6} {'w/clnt':>6}")
        for b in bare.values():
            c, m = b["cpu"], b["cpu_ms"]
            print(f"{b['setting']:<12} {b['rate']:>7.0f} {b['p50']:>7.1f} {b['p95']:>7.1f} {b['errors']:>6} "
                  f"{b['background']:>6.0f} {c['server']:>6.0f} {c['clients']:>5.0f} {c['other']:>6.0f} "
                  f"{m['server']:>8.2f} {m['clients']:>7.2f} {m['bound_server_db']:>6.0f} "
                  f"{m['bound_with_clients']:>6.0f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--sqlite-from", metavar="PATH",
                        help="SQLite: start from a copy of this council (say, one kept by bench/reports/drafting.py "
                             "--sqlite-file, with published reports whose ledgers every worker reads as it starts) "
                             "instead of an empty database")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--submissions", type=int, default=2000, help="submissions per run (default 2000)")
    parser.add_argument("--workers", default=PRODUCTION,
                        help="gunicorn settings to try, comma-separated: N sync workers, NxT gthread, or "
                             f"{PRODUCTION!r} (what gunicorn.conf.py starts here; the default)")
    parser.add_argument("--journey", choices=("full", "lean"), default="full",
                        help="full: GET and POST every page before the submission (20 requests); lean: POST "
                             "the pages without GETting them (11 requests), to set up drafts faster")
    parser.add_argument("--connections", choices=("kept", "new"), default="kept",
                        help="kept: each client sends its submissions (and bare requests) on one keep-alive "
                             "connection; new: a new connection for each, as different people's browsers would")
    parser.add_argument("--kill", action="store_true", help="also run with the server SIGKILLed midway")
    parser.add_argument("--kill-only", action="store_true", help="only the runs with the server killed")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare Flask ceiling")
    parser.add_argument("--bare-seconds", type=float, default=10.0)
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL databases")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    args.fresh = args.connections == "new"  # a new connection for each request

    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    settings = [Setting.parse(s) for s in args.workers.split(",")]
    print(f"{os.cpu_count()} CPUs; {args.clients} clients; {args.submissions} submissions per run; "
          f"{args.journey} journey; {args.connections} connections; settings: {', '.join(map(str, settings))}",
          flush=True)
    results: list[Result] = []
    bare: dict[str, dict] = {}
    for setting in settings:
        for kind in kinds:
            modes = [True] if args.kill_only else [False, True] if args.kill else [False]
            for kill in modes:
                print(f"{kind} {setting}{' kill' if kill else ''} ...", flush=True)
                r = run_submissions(kind, setting, args, kill)
                print(f"  {r.rate:.0f} subs/s p50 {r.pct(50):.1f} ms p95 {r.pct(95):.1f} ms; "
                      f"acknowledged {r.acknowledged} found {r.found} lost {r.lost}", flush=True)
                results.append(r)
        if not args.no_bare:
            print(f"bare {setting} ...", flush=True)
            bare[str(setting)] = run_bare(setting, args)
    print_table(results, bare)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {"results": [{**{k: v for k, v in r.__dict__.items() if k != "latencies"},
                                "rate": r.rate, "p50": r.pct(50), "p95": r.pct(95), "p99": r.pct(99)}
                               for r in results], "bare": bare, "connections": args.connections,
                   "journey": args.journey, "clients": args.clients}
        args.json.write_text(json.dumps(payload, indent=2))
    return 1 if any(r.lost for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
