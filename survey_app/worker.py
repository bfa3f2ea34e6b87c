"""Scheduled work without cron: ``flask --app wsgi worker`` runs each job when it is due.

Jobs: sending queued email (every 5 minutes), releasing the mixing pool (hourly; it only frees a
full batch, or one that has waited ``EXITVOICE_RELEASE_MAX_DAYS``), deleting expired drafts
(hourly), running the themes (daily) and removing free text past the retention age (daily; it
does nothing until a month's text falls due).

Several app servers may each run a worker: a job runs in only one of them at a time, because a
worker must first take the job's lease, a row in ``scheduled_job`` claimed with one conditional
UPDATE (atomic in both PostgreSQL and SQLite), and holds it only while the job runs. Each job's
last run, outcome and next due time are recorded there and shown to admins (Scheduled jobs).
"""

from __future__ import annotations

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


def _themes() -> str:
    from .themes.service import run_themes

    summary = run_themes(progress=False)
    return f"{summary.themed} of {summary.comments} comments themed"


def _retention() -> str:
    from .hr.retention import purge_free_text

    result = purge_free_text(dry_run=False)
    return f"removed the text of {result.comments} comments from before {result.cutoff:%B %Y}"


JOBS = (
    Job("mail send", timedelta(minutes=5), _send_mail),
    Job("submissions release", timedelta(hours=1), _release),
    Job("drafts purge", timedelta(hours=1), _purge_drafts),
    Job("themes run", timedelta(days=1), _themes),
    Job("retention purge", timedelta(days=1), _retention),
)
#: how long a worker may hold a job before another may assume it died and take the job over
LEASE = timedelta(hours=2)


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
    row = _row(job.name)
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


def run_due(now: datetime | None = None, jobs: tuple[Job, ...] = JOBS) -> list[tuple[str, str]]:
    """Run every job that is due and not running elsewhere; returns (job, outcome) for each run."""
    now = now or utcnow()
    ran = []
    for job in jobs:
        if not due(job, now) or not _claim(job.name, now):
            continue
        try:
            outcome, status = job.run(), "ok"
        except Exception as exc:  # recorded and retried when next due; the worker carries on
            db.session.rollback()
            current_app.logger.exception("scheduled job %s failed", job.name)
            outcome, status = f"{type(exc).__name__}: {exc}"[:500], "failed"
        row = db.session.get(ScheduledJob, job.name)
        row.last_finished, row.last_status, row.last_outcome, row.lease_until = utcnow(), status, outcome, None
        db.session.commit()
        ran.append((job.name, outcome if status == "ok" else f"failed: {outcome}"))
    return ran


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
