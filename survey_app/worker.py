"""Scheduled work without cron: ``flask --app wsgi worker`` runs each job when it is due.

Jobs: sending queued email (every 5 minutes), releasing the mixing pool (hourly; it only frees a
full batch, or one that has waited ``EXITVOICE_RELEASE_MAX_DAYS``), deleting expired drafts
(hourly), running the themes (daily) and removing free text past the retention age (daily; it
does nothing until a month's text falls due).

Several app servers may each run a worker: a job runs in only one of them at a time, because a
worker must first take the job's lease, a row in ``scheduled_job`` claimed with one conditional
UPDATE (atomic in both PostgreSQL and SQLite), and holds it only while the job runs, renewing it
every ``HEARTBEAT``; a lease no longer renewed (its process died) runs out after ``LEASE``. Each job's
last run, outcome and next due time are recorded there and shown to admins (Scheduled jobs).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from .audit import utcnow
from .extensions import db
from .models import ScheduledJob


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    run: Callable[[], str]  # returns a one-line summary


def _send_mail() -> str:
    from .mail import send_queued

    sent, unsent = send_queued()
    return f"sent {sent}, {unsent} still queued"


def _release() -> str:
    from .mixing import release

    count = release(minimum=current_app.config["RELEASE_BATCH"], older_than_days=current_app.config["RELEASE_MAX_DAYS"])
    return f"released {count} submissions"


def _purge_drafts() -> str:
    from .respond.drafts import purge_expired_drafts

    return f"deleted {purge_expired_drafts()} expired drafts"


THEMES = "themes run"


def _themes() -> str:
    from .themes.service import RUN_STAGES, run_themes

    # The request this run meets is withdrawn only when the run has finished, and only if no new
    # one came meanwhile: a run that fails or dies leaves it for the next attempt.
    asked = db.session.execute(sa.select(ScheduledJob.requested_at).where(ScheduledJob.name == THEMES)).scalar()
    stages = list(RUN_STAGES)

    # The stage is kept by its key, so each page can name it in its own language.
    def report(stage: str) -> None:
        _update(THEMES, progress_step=stages.index(stage) + 1, progress_steps=len(stages), progress_text=stage)

    summary = run_themes(progress=False, on_stage=report)
    if asked is not None:
        _update(THEMES, ScheduledJob.requested_at == asked, requested_at=None)
    return f"{summary.themed} of {summary.comments} comments themed"


def _update(name: str, *conditions, **values) -> None:
    """Write to a job's row (where ``conditions`` hold) on a connection of its own, so a job's
    progress is committed (and seen by the pages) without committing the job's unfinished work."""
    with db.engine.begin() as conn:
        conn.execute(sa.update(ScheduledJob).where(ScheduledJob.name == name, *conditions).values(**values))


def _retention() -> str:
    from .hr.retention import purge_free_text

    result = purge_free_text(dry_run=False)
    done = f"removed the text of {result.comments} comments from before {result.cutoff:%B %Y}"
    if result.quotes:
        done += f" and {result.quotes} quotes copied from them"
    if result.reclaimed is False:
        done += "; old copies stay in the database files until the next purge rewrites them"
    return done


JOBS = (
    Job("mail send", timedelta(minutes=5), _send_mail),
    Job("submissions release", timedelta(hours=1), _release),
    Job("drafts purge", timedelta(hours=1), _purge_drafts),
    Job(THEMES, timedelta(days=1), _themes),
    Job("retention purge", timedelta(days=1), _retention),
)
#: how long a job's lease lasts unless renewed: a worker (or app process) that dies mid-run
#: leaves the job to others once this has passed
LEASE = timedelta(minutes=10)
#: how often a running job renews its lease, so a run longer than ``LEASE`` is never taken over
HEARTBEAT = timedelta(minutes=1)
#: how long a requested run that failed waits before the worker tries it again
RETRY_AFTER = timedelta(minutes=15)


def _row(name: str) -> ScheduledJob:
    row = db.session.get(ScheduledJob, name)
    if row is None:
        db.session.add(ScheduledJob(name=name))
        try:
            db.session.commit()
        except sa.exc.IntegrityError:  # another worker made it first
            db.session.rollback()
        row = db.session.get(ScheduledJob, name)
    return row


def due(job: Job, now: datetime) -> bool:
    """Whether a job should run now: on its schedule, or at once when asked for, except that a
    requested run that just failed waits ``RETRY_AFTER`` before it is tried again."""
    row = _row(job.name)
    if row.requested_at is not None:
        failed_lately = (row.last_status == "failed" and row.last_finished is not None
                         and row.last_finished + RETRY_AFTER > now)
        if not failed_lately:
            return True
    return row.last_started is None or row.last_started + job.every <= now


def _claim(name: str, now: datetime) -> bool:
    """Take the job's lease; False if another worker holds a live one."""
    taken = db.session.execute(
        sa.update(ScheduledJob)
        .where(ScheduledJob.name == name, sa.or_(ScheduledJob.lease_until.is_(None), ScheduledJob.lease_until < now))
        .values(lease_until=now + LEASE, last_started=now)
    ).rowcount
    db.session.commit()
    return taken == 1


def _keep_lease(name: str, started: datetime) -> Callable[[], None]:
    """Renew the lease taken at ``started`` every ``HEARTBEAT`` from a thread of its own while the
    job runs; returns the function that stops it. If this process dies, the renewals stop and the
    lease runs out within ``LEASE``."""
    app = current_app._get_current_object()
    done = threading.Event()

    def beat() -> None:
        with app.app_context():
            while not done.wait(HEARTBEAT.total_seconds()):
                try:
                    _update(name, ScheduledJob.last_started == started, ScheduledJob.lease_until.is_not(None),
                            lease_until=utcnow() + LEASE)
                except sa.exc.OperationalError:  # e.g. SQLite busy with the job's own writes: next beat
                    app.logger.warning("could not renew the lease of %s; trying again", name)

    thread = threading.Thread(target=beat, name=f"lease {name}", daemon=True)
    thread.start()

    def stop() -> None:
        done.set()
        thread.join()

    return stop


def run_due(now: datetime | None = None, jobs: tuple[Job, ...] = JOBS) -> list[tuple[str, str]]:
    """Run every job that is due and not running elsewhere; returns (job, outcome) for each run."""
    now = now or utcnow()
    ran = []
    for job in jobs:
        if not due(job, now) or not _claim(job.name, now):
            continue
        stop = _keep_lease(job.name, now)
        try:
            outcome, status = job.run(), "ok"
        except Exception as exc:  # recorded and retried when next due; the worker carries on
            db.session.rollback()
            current_app.logger.exception("scheduled job %s failed", job.name)
            outcome, status = f"{type(exc).__name__}: {exc}"[:500], "failed"
        finally:
            stop()
        row = db.session.get(ScheduledJob, job.name)
        db.session.refresh(row)  # progress was written on another connection
        if row.last_started == now:
            row.last_finished, row.last_status, row.last_outcome, row.lease_until = utcnow(), status, outcome, None
            row.progress_step = row.progress_steps = row.progress_text = None
            db.session.commit()
        else:  # thought dead and taken over by another worker, whose run the row now records
            current_app.logger.warning("scheduled job %s was taken over by another worker while it ran", job.name)
        ran.append((job.name, outcome if status == "ok" else f"failed: {outcome}"))
    return ran


def request_themes_run() -> None:
    """Ask for the themes to be run again now (HR changed a theme's phrases), and start the run
    in the background unless ``THEMES_IN_BACKGROUND`` is off (then it runs before returning).

    The request is a mark on the job's row, so nothing is lost if this process stops: a run
    already under way sees it when it finishes and runs again, and ``flask worker`` treats a
    requested job as due."""
    from flask import current_app

    _row(THEMES)
    _update(THEMES, requested_at=utcnow())
    if not current_app.config.get("THEMES_IN_BACKGROUND", True):
        run_requested()
        return
    app = current_app._get_current_object()

    def work() -> None:
        with app.app_context():
            try:
                run_requested()
            finally:
                db.session.remove()

    threading.Thread(target=work, name="themes-run", daemon=True).start()


def run_requested() -> None:
    """Run the themes for as long as a run is asked for, no other process holds the job, and
    the runs succeed."""
    themes = next(job for job in JOBS if job.name == THEMES)
    while True:
        db.session.expire_all()
        if _row(THEMES).requested_at is None:
            return
        ran = run_due(jobs=(themes,))
        if not ran or ran[0][1].startswith("failed"):
            return  # another process holds the job, or the run failed: the request waits for the worker


def run_status(name: str = THEMES) -> dict:
    """Where a job stands, for a page that shows its progress: ``state`` is ``running``
    (with ``step`` of ``steps``, the ``stage``'s key and its ``text`` in English), ``waiting``
    (asked for, not yet started) or ``idle``, with the last run's end and outcome."""
    from .themes.service import RUN_STAGES

    # Only the job's row is read again: expiring the whole session would make the page that asks
    # (the theme page) read again the assignments it has shown, which a run may just have deleted.
    row = _row(name)
    db.session.refresh(row)
    running = bool(row.lease_until and row.lease_until > utcnow())
    state = "running" if running else "waiting" if row.requested_at else "idle"
    stage = row.progress_text or ""
    return {"state": state, "step": row.progress_step or 0, "steps": row.progress_steps or 0, "stage": stage,
            "text": RUN_STAGES.get(stage, stage), "last_status": row.last_status, "last_outcome": row.last_outcome,
            "last_finished": row.last_finished.isoformat() if row.last_finished else None}


def schedule() -> list[dict]:
    """Each job with its last run and when it is next due, for the admin page."""
    rows = {r.name: r for r in db.session.execute(sa.select(ScheduledJob)).scalars()}
    out = []
    for job in JOBS:
        row = rows.get(job.name)
        last = row.last_started if row else None
        out.append({"name": job.name, "every": job.every, "last_started": last,
                    "last_status": row.last_status if row else None, "last_outcome": row.last_outcome if row else None,
                    "running": bool(row and row.lease_until and row.lease_until > utcnow()),
                    "next": (last + job.every) if last else None})
    return out


def work(interval: float = 30.0, once: bool = False, echo: Callable[[str], None] = print) -> None:
    """Run due jobs now and then every ``interval`` seconds, until stopped."""
    while True:
        for name, outcome in run_due():
            echo(f"{name}: {outcome}")
        if once:
            return
        db.session.remove()
        time.sleep(interval)
