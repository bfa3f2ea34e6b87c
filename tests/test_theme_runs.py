"""A theme run HR asks for (by saving a theme's phrases) happens in the background, one at a
time, reports each stage while it runs, and is never lost when another run is under way."""

from __future__ import annotations

import time
from datetime import timedelta

import sqlalchemy as sa

from survey_app.audit import utcnow
from survey_app.extensions import db
from survey_app.models import Comment, ScheduledJob, ThemeAssignment
from survey_app.themes.service import RUN_STAGES, record_hr_coding, run_themes
from survey_app.worker import JOBS, RETRY_AFTER, THEMES, request_themes_run, run_due, run_status

from .support import add_exit_response, page_of, signed_in


def _themes_of(comment_id: str) -> set[str]:
    return set(db.session.execute(sa.select(ThemeAssignment.theme_id).filter_by(comment_id=comment_id)).scalars())


def test_a_run_reports_every_stage_in_order(app):
    seen = []
    add_exit_response(reasons_text="Far too much work.")
    run_themes(progress=False, on_stage=seen.append)
    assert seen == list(RUN_STAGES)


def test_saving_phrases_runs_the_themes_in_the_background_and_the_page_follows_it(client, app):
    app.config["THEMES_IN_BACKGROUND"] = True
    add_exit_response(reasons_text="The canteen queue is endless.")
    run_themes(progress=False)
    comment_id = db.session.execute(sa.select(Comment.id)).scalar_one()
    assert "environment" not in _themes_of(comment_id)
    signed_in(client, "hr")
    page = client.get("/hr/themes/environment")
    assert page_of(page).select_one("#theme-run").has_attr("hidden")  # nothing running
    current = page_of(page).find("textarea", attrs={"name": "phrases"}).get_text()
    token = page_of(page).find("input", attrs={"name": "csrf_token"})["value"]
    saved = client.post("/hr/themes/environment/phrases", data={"csrf_token": token,
                                                                "phrases": current + "\ncanteen queue*\n"})
    assert saved.status_code == 302
    states = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = client.get("/hr/theme-run").get_json()
        states.append(status["state"])
        if status["state"] == "idle" and status["last_finished"]:
            break
        time.sleep(0.05)
    assert status["state"] == "idle" and status["last_status"] == "ok", states
    assert "comments themed" in status["last_outcome"]
    db.session.expire_all()
    assert "environment" in _themes_of(comment_id)  # the new phrase was used
    row = db.session.get(ScheduledJob, THEMES)
    assert row.requested_at is None and row.lease_until is None and row.progress_step is None


def test_a_request_made_while_another_run_holds_the_job_is_kept_and_run_after_it(client, app):
    add_exit_response(reasons_text="The canteen queue is endless.")
    request_themes_run()  # runs now (the tests' setting): the job's row exists and is free
    row = db.session.get(ScheduledJob, THEMES)
    row.lease_until = utcnow() + timedelta(minutes=5)  # another process is running the themes
    row.progress_step, row.progress_steps, row.progress_text = 3, len(RUN_STAGES), "match"
    db.session.commit()
    before = row.last_finished
    request_themes_run()
    db.session.expire_all()
    row = db.session.get(ScheduledJob, THEMES)
    assert row.requested_at is not None and row.last_finished == before  # not run twice at once
    # The page shows the other run's progress, with a bar and words for those who cannot see it.
    signed_in(client, "hr")
    panel = page_of(client.get("/hr/themes/pay")).select_one("#theme-run")
    assert not panel.has_attr("hidden")
    assert panel.select_one("[role=status]").get_text(strip=True) == (
        "The themes are being run again: step 3 of 6, matching each theme's phrases and learning from HR's "
        "corrections.")
    assert panel.select_one("progress")["value"] == "3" and panel.select_one("progress")["max"] == "6"
    assert run_status()["state"] == "running"
    # The other run ends (or dies and its lease runs out): the request is still there, so the
    # next check of the scheduled jobs runs it although the daily run is not due.
    row.lease_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    themes = tuple(job for job in JOBS if job.name == THEMES)
    assert [name for name, _ in run_due(jobs=themes)] == [THEMES]
    db.session.expire_all()
    row = db.session.get(ScheduledJob, THEMES)
    assert row.requested_at is None and row.last_finished > before and row.last_status == "ok"


def test_a_run_that_fails_keeps_the_request_for_the_worker(client, app, monkeypatch):
    import survey_app.themes.service as service

    add_exit_response(reasons_text="The canteen queue is endless.")

    def broken(**_):
        raise RuntimeError("the model could not be loaded")

    monkeypatch.setattr(service, "run_themes", broken)
    request_themes_run()  # one attempt, recorded as failed; no retry loop
    row = db.session.get(ScheduledJob, THEMES)
    assert row.last_status == "failed" and "could not be loaded" in row.last_outcome
    assert row.requested_at is not None and row.lease_until is None
    monkeypatch.undo()
    themes = tuple(job for job in JOBS if job.name == THEMES)
    assert run_due(jobs=themes) == []  # not tried again at once: a broken run would loop
    later = utcnow() + RETRY_AFTER + timedelta(seconds=1)
    assert [name for name, _ in run_due(now=later, jobs=themes)] == [THEMES]  # the worker tries again later
    db.session.expire_all()
    assert db.session.get(ScheduledJob, THEMES).requested_at is None


def test_reading_the_run_status_leaves_what_the_page_has_read_as_it_was_read(app):
    # The theme page reads a theme's comments and their assignments, then the run's status, then
    # renders them. A background run deletes and rewrites the machine's assignments meanwhile; if
    # reading the status expired what the page had read, rendering read the rows again, found them
    # deleted and failed (a 500 seen once in a browser test as a run started).
    add_exit_response(reasons_text="Far too much work.")
    run_themes(progress=False)
    run_status()  # the job's row exists, as it does once any run has been asked for
    shown = db.session.execute(sa.select(ThemeAssignment).where(ThemeAssignment.source != "hr")).scalars().first()
    theme_id = shown.theme_id
    with db.engine.begin() as other:  # the background run, on a connection of its own
        other.execute(sa.delete(ThemeAssignment.__table__).where(ThemeAssignment.__table__.c.id == shown.id))
    assert run_status()["state"] == "idle"
    assert shown.theme_id == theme_id  # read as it was, not fetched again


def test_a_run_saves_when_hr_coded_a_comment_while_it_was_working(app):
    # A run reads HR's codes when it starts and saves minutes later. HR, meanwhile, confirms a theme
    # the run will also find and rejects one it will find again: the run must save, and HR's
    # decisions must stand (before, the run's row for the same comment and theme broke the unique
    # constraint and the whole run failed, then failed again at every retry while HR kept coding).
    add_exit_response(reasons_text="Far too much work and the pay is poor.")
    run_themes(progress=False)
    comment_id = db.session.execute(sa.select(Comment.id)).scalar_one()
    found = _themes_of(comment_id)
    assert {"caseload", "pay"} <= found

    def hr_codes_meanwhile(stage: str) -> None:
        if stage != "save":
            return
        with app.app_context():  # HR's request, in another worker: caseload yes, pay no
            record_hr_coding(db.session.get(Comment, comment_id), ["caseload"])
            db.session.commit()

    summary = run_themes(progress=False, on_stage=hr_codes_meanwhile)
    assert summary.comments >= 1
    db.session.expire_all()
    rows = db.session.execute(sa.select(ThemeAssignment.theme_id, ThemeAssignment.source)
                              .filter_by(comment_id=comment_id)).all()
    assert ("caseload", "hr") in rows and ("pay", "rejected") in rows
    assert len(rows) == len({theme for theme, _ in rows})  # one row per theme


def test_a_run_saves_when_a_comment_it_read_was_removed_while_it_was_working(app):
    # HR removes a focus-group remark (or a paper entry's comment) while a run works: the run
    # must save the themes of the comments that are still there, not fail on the missing one.
    add_exit_response(reasons_text="Far too much work.")
    gone = add_exit_response(reasons_text="The pay is poor.").comments[0].id

    def removed_meanwhile(stage: str) -> None:
        if stage == "save":
            with db.engine.begin() as other:  # HR's request, in another worker
                other.execute(sa.delete(Comment.__table__).where(Comment.__table__.c.id == gone))

    run_themes(progress=False, on_stage=removed_meanwhile)
    db.session.expire_all()
    assert db.session.get(Comment, gone) is None
    themed = set(db.session.execute(sa.select(ThemeAssignment.comment_id)).scalars())
    assert themed and gone not in themed
