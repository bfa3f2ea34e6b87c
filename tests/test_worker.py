"""Scheduled work: ``flask worker`` runs each job when due, one worker at a time, and records it."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import sqlalchemy as sa

from survey_app.audit import utcnow
from survey_app.extensions import db
from survey_app.mail import queue
from survey_app.models import OutboxMessage, ScheduledJob
from survey_app.worker import JOBS, LEASE, Job, run_due

from .support import page_of, signed_in

NOW = datetime(2026, 12, 4, 9, 0)


def test_each_job_runs_when_due_and_not_before(app):
    queue(1, "hr-team@council.example", "A follow-up conversation was requested", "Sign in to see it.")
    db.session.commit()
    ran = dict(run_due(NOW))
    assert set(ran) == {job.name for job in JOBS}
    assert ran["mail send"] == "sent 1, 0 still queued"
    assert db.session.execute(sa.select(OutboxMessage.status)).scalar_one() == "sent"
    assert run_due(NOW + timedelta(minutes=1)) == []  # nothing is due a minute later
    assert [name for name, _ in run_due(NOW + timedelta(minutes=5))] == ["mail send"]
    later = [name for name, _ in run_due(NOW + timedelta(days=1, minutes=5))]
    assert sorted(later) == sorted(job.name for job in JOBS)


def test_a_job_held_by_another_worker_is_not_run_twice(app):
    calls = []
    job = Job("test job", timedelta(minutes=5), lambda: calls.append(1) or "done")
    db.session.add(ScheduledJob(name="test job", last_started=NOW, lease_until=NOW + LEASE))
    db.session.commit()
    assert run_due(NOW, (job,)) == [] and calls == []  # another worker holds it
    assert run_due(NOW + LEASE - timedelta(seconds=1), (job,)) == [] and calls == []
    # A lease left by a worker that died (no longer renewed) runs out, and the job runs again.
    assert run_due(NOW + LEASE + timedelta(seconds=1), (job,)) == [("test job", "done")] and calls == [1]
    row = db.session.get(ScheduledJob, "test job")
    assert row.lease_until is None and row.last_status == "ok"


def test_a_failing_job_is_recorded_and_the_others_still_run(app):
    def broken() -> str:
        raise RuntimeError("relay refused")

    jobs = (Job("broken", timedelta(minutes=5), broken), Job("fine", timedelta(minutes=5), lambda: "ok"))
    assert run_due(NOW, jobs) == [("broken", "failed: RuntimeError: relay refused"), ("fine", "ok")]
    row = db.session.get(ScheduledJob, "broken")
    assert row.last_status == "failed" and row.lease_until is None


def test_admins_see_each_jobs_last_and_next_run(client, app):
    run_due(NOW)
    signed_in(client, "admin")
    page = page_of(client.get("/admin/jobs"))
    rows = {tr.th.get_text(strip=True): [td.get_text(" ", strip=True) for td in tr.select("td")]
            for tr in page.select("tbody tr")}
    assert rows["mail send"][1] == "4 December 2026 09:00"
    assert rows["mail send"][3] == "4 December 2026 09:05"
    assert rows["themes run"][3] == "5 December 2026 09:00"
    hr = app.test_client()
    signed_in(hr, "hr")
    assert hr.get("/admin/jobs").status_code == 403


def test_the_worker_command_runs_once(runner, app):
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0 and "mail send: sent 0, 0 still queued" in result.output


def test_a_long_job_keeps_renewing_its_lease_so_no_other_worker_takes_it_over(app, monkeypatch):
    from survey_app import worker

    monkeypatch.setattr(worker, "HEARTBEAT", timedelta(milliseconds=50))
    seen = []

    def lease() -> datetime:
        with db.engine.connect() as conn:  # what another worker reads while this one runs
            return conn.execute(sa.select(ScheduledJob.lease_until).where(ScheduledJob.name == "slow job")).scalar()

    def slow() -> str:
        seen.append(lease())
        time.sleep(0.5)
        seen.append(lease())
        return "done"

    started = utcnow()
    assert run_due(started, (Job("slow job", timedelta(hours=1), slow),)) == [("slow job", "done")]
    first, later = seen
    assert first == started + LEASE  # taken when the run began
    assert later > first  # renewed while it ran
    assert db.session.get(ScheduledJob, "slow job").lease_until is None  # and given up at the end


def test_a_lease_taken_over_by_another_worker_is_not_renewed_by_the_first(app, monkeypatch):
    from survey_app import worker

    monkeypatch.setattr(worker, "HEARTBEAT", timedelta(milliseconds=50))
    other = utcnow() + timedelta(hours=3)

    def overtaken() -> str:
        # Another worker took the job over (this one was thought dead): its lease must stand.
        with db.engine.begin() as conn:
            conn.execute(sa.update(ScheduledJob).where(ScheduledJob.name == "job").values(
                last_started=other, lease_until=other + LEASE))
        time.sleep(0.3)
        with db.engine.connect() as conn:
            assert conn.execute(sa.select(ScheduledJob.lease_until).where(
                ScheduledJob.name == "job")).scalar() == other + LEASE
        return "done"

    assert run_due(utcnow(), (Job("job", timedelta(hours=1), overtaken),)) == [("job", "done")]
    # Finishing, the first worker leaves the job to the one that took it over.
    row = db.session.get(ScheduledJob, "job")
    assert row.lease_until == other + LEASE and row.last_started == other
