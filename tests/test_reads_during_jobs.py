"""HR's pages stay whole while a background job saves its work.

A theme run (in the background worker, or in another web worker) replaces the machine's theme
assignments, adds an emerging theme and records the run, all in one transaction; the retention
purge removes the text of old comments. A page reads in several statements, and on SQLite in
Python's default mode and on PostgreSQL's read committed each statement sees what was committed
before it began, so a page can read part of its data from before the job and part from after.
These tests let each job commit between every two statements of each page that shows themes or
comments, one position at a time, and require a page (200) every time: such a page once answered
500 when what it had read was read again after a run had deleted it.

The jobs here are written in SQL on a connection of their own, as another process would commit
them, so that they share neither the page's session nor the code the pages read with.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest
import sqlalchemy as sa
from flask import current_app

from survey_app.extensions import db
from survey_app.models import (
    Comment,
    EmergingTheme,
    FocusGroupSession,
    Response,
    ThemeAssignment,
    ThemeRunRecord,
    default_organisation,
)
from survey_app.themes.service import run_themes

from .support import add_exit_response, csrf_token_of, post_form, signed_in

ASSIGNMENT = ThemeAssignment.__table__
KEPT_FROM_HR = ("hr", "rejected")

REASONS = [
    "Far too much work and the caseload kept growing.",
    "My manager never had time for supervision.",
    "The pay is lower than the agency rate next door.",
    "Too much travel between offices and no flexible working.",
    "The restructure left nobody sure of their job.",
    "Caseload was unmanageable; supervision was cancelled every month.",
]


def _another_run(connection: sa.Connection, number: int) -> str:
    """Commit what a theme run's save stage commits: every machine assignment replaced (half of them
    moved to a new emerging theme), the new emerging theme, the run's record. Returns its id."""
    organisation_id = connection.execute(sa.select(ThemeRunRecord.organisation_id).limit(1)).scalar_one()
    machine = connection.execute(sa.select(ASSIGNMENT).where(ASSIGNMENT.c.source.notin_(KEPT_FROM_HR))
                                 .order_by(ASSIGNMENT.c.comment_id, ASSIGNMENT.c.theme_id)).mappings().all()
    connection.execute(sa.delete(ASSIGNMENT).where(ASSIGNMENT.c.source.notin_(KEPT_FROM_HR)))
    run_id = connection.execute(sa.insert(ThemeRunRecord.__table__).values(
        organisation_id=organisation_id, model_version=f"race-{number}", ran_at=datetime(2026, 1, 1),
        comments=len(machine), themed=len(machine), coded=0, emerging=1)).inserted_primary_key[0]
    theme_id = f"emerging:{900 + number}"
    connection.execute(sa.insert(EmergingTheme.__table__).values(
        organisation_id=organisation_id, theme_id=theme_id, label=f"travel / offices {number}",
        terms=["travel", "offices"], size=len(machine), status="open", last_seen_run_id=run_id))
    rows = {}
    for index, row in enumerate(machine):
        moved = theme_id if index % 2 else row["theme_id"]
        rows[(row["comment_id"], moved)] = {**row, "id": str(uuid.uuid4()), "theme_id": moved,
                                            "model_version": f"race-{number}"}
    if rows:
        connection.execute(sa.insert(ASSIGNMENT), list(rows.values()))
    return theme_id


def _purge_text(connection: sa.Connection, number: int) -> None:
    """Commit what the retention purge commits when every comment has passed its date: no text."""
    connection.execute(sa.update(Comment.__table__).values(text=None))


def _release(connection: sa.Connection, number: int) -> None:
    """Commit what a release of held submissions commits: a new response with its comments, stored
    by another worker (its own app context, session and connection)."""
    with current_app.app_context():
        add_exit_response(reasons_text=f"Released while the page was read ({number}).")


WRITERS = {"theme run": _another_run, "retention purge": _purge_text, "release": _release}


class RunBetweenStatements:
    """Counts the statements the app sends and, before statement ``at``, commits ``write`` on a
    connection of its own."""

    def __init__(self, write) -> None:  # noqa: ANN001
        self.write = write
        self.at: int | None = None
        self.seen = 0
        self.runs = 0
        self.fired = False
        self.writing = False
        self.changing = False

    def __call__(self, conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        if self.writing:
            return
        self.seen += 1
        # Once the request has changed something, until it commits, it holds SQLite's write lock or
        # PostgreSQL's row locks: another process's commit would wait for it (here, for ever).
        waits = self.changing
        self.changing |= statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        if self.at is None or self.fired or self.seen <= self.at or waits:
            return
        self.fired = True
        self.writing = True
        try:
            self.runs += 1
            with db.engine.begin() as other:
                self.write(other, self.runs)
        finally:
            self.writing = False

    def committed(self, conn) -> None:  # noqa: ANN001
        self.changing = False

    def arm(self, at: int | None) -> None:
        self.at, self.seen, self.fired, self.changing = at, 0, False, False

    def __enter__(self) -> RunBetweenStatements:
        sa.event.listen(db.engine, "before_cursor_execute", self)
        sa.event.listen(db.engine, "commit", self.committed)
        sa.event.listen(db.engine, "rollback", self.committed)
        return self

    def __exit__(self, *exc) -> None:  # noqa: ANN002
        sa.event.remove(db.engine, "before_cursor_execute", self)
        sa.event.remove(db.engine, "commit", self.committed)
        sa.event.remove(db.engine, "rollback", self.committed)


@pytest.fixture
def themed(app, client):
    signed_in(client, "hr")
    for text in REASONS:
        add_exit_response(reasons_text=text, role="team_manager" if "manager" in text else "social_worker")
    recorded = post_form(client, "/hr/focus-groups/new", {
        "held_on": ["27", "3", "2026"], "facilitator": "A. Facilitator", "participants": "9",
        "service_areas": ["assessment"], "prompts": ["stay", "improve"]})
    assert recorded.status_code == 302
    session_id = db.session.execute(sa.select(FocusGroupSession.id)).scalar_one()
    post_form(client, f"/hr/focus-groups/{session_id}",
              {"stay": "Smaller caseloads\nRegular supervision", "improve": "Less travel between offices"})
    run_themes(progress=False)
    comment = db.session.execute(sa.select(Comment).order_by(Comment.id).limit(1)).scalar_one()
    db.session.execute(sa.delete(ThemeAssignment).filter_by(comment_id=comment.id, theme_id="pay"))
    db.session.add(ThemeAssignment(organisation_id=default_organisation().id, comment_id=comment.id,
                                   theme_id="pay", score=1.0, source="hr", model_version="hr"))
    db.session.commit()
    with db.engine.begin() as connection:
        emerging = _another_run(connection, 0)
    response_id = db.session.execute(sa.select(Response.id).order_by(Response.id).limit(1)).scalar_one()
    texts = dict(db.session.execute(sa.select(Comment.id, Comment.text)).all())
    assert len(texts) == len(REASONS) + 3
    return {"response_id": response_id, "emerging": emerging, "session_id": session_id, "texts": texts}


def _restore_text(texts: dict[str, str]) -> None:
    with db.engine.begin() as connection:
        for comment_id, text in texts.items():
            connection.execute(sa.update(Comment.__table__).where(Comment.__table__.c.id == comment_id)
                               .values(text=text))


PAGES = [
    "/hr/",
    "/hr/?theme={emerging}",
    "/hr/responses/{response_id}",
    "/hr/overview",
    "/hr/themes",
    "/hr/themes/caseload",
    "/hr/theme-run",
    "/hr/focus-groups/{session_id}",
    "/hr/export?dataset=responses&file_format=csv",
    "/hr/export?dataset=comments&file_format=csv",
]


@pytest.mark.parametrize("page", PAGES)
def test_a_page_is_whole_when_a_job_commits_between_any_two_of_its_statements(app, client, themed, page):
    url = page.format(**themed)
    fetch = client.get
    if url.startswith("/hr/export?"):  # a download: the export form sent back
        path, query = url.split("?")
        data = dict(pair.split("=") for pair in query.split("&"))
        data["csrf_token"] = csrf_token_of(client.get(path))

        def fetch(_url):  # noqa: ANN001, ANN202
            return client.post(path, data=data)
    failures = []
    for writer, write in WRITERS.items():
        with RunBetweenStatements(write) as spy:
            assert fetch(url).status_code == 200
            statements = spy.seen
            assert statements >= 3  # the page reads in several statements, so the race is there to test
            for at in range(statements):
                spy.arm(at)
                try:
                    status = fetch(url).status_code
                except Exception as exc:  # noqa: BLE001 - TESTING lets the page's exception reach here
                    status = f"{exc.__class__.__name__}: {exc}"[:300]
                spy.arm(None)
                if status != 200:
                    failures.append((writer, at, status))
                _restore_text(themed["texts"])
            assert spy.runs > 0
    assert failures == []


@pytest.mark.parametrize("writer", ["theme run", "release"])
def test_hr_coding_a_comment_lands_whole_when_a_job_commits_between_any_two_of_its_statements(
        app, client, themed, writer):
    comment_id = db.session.execute(sa.select(Comment.id).where(Comment.response_id.is_not(None))
                                    .order_by(Comment.id.desc()).limit(1)).scalar_one()
    page = client.get(f"/hr/responses/{db.session.get(Comment, comment_id).response_id}")
    token = csrf_token_of(page)
    chosen = ["caseload", "pay"]

    def found_by_the_machine() -> None:  # each try starts from themes HR has not seen
        spy.arm(None)
        with db.engine.begin() as connection:
            connection.execute(sa.delete(ASSIGNMENT).where(ASSIGNMENT.c.comment_id == comment_id))
            connection.execute(sa.insert(ASSIGNMENT), [
                {"id": str(uuid.uuid4()), "organisation_id": default_organisation().id, "comment_id": comment_id,
                 "theme_id": theme, "score": 0.5, "source": "model", "terms": "", "model_version": "m"}
                for theme in ("caseload", "supervision", "management")])

    failures = []
    with RunBetweenStatements(WRITERS[writer]) as spy:
        found_by_the_machine()
        client.post(f"/hr/comments/{comment_id}/themes", data={"csrf_token": token, "themes": chosen})
        statements = spy.seen
        for at in range(statements):
            found_by_the_machine()
            spy.arm(at)
            try:
                status = client.post(f"/hr/comments/{comment_id}/themes",
                                     data={"csrf_token": token, "themes": chosen}).status_code
            except Exception as exc:  # noqa: BLE001 - TESTING lets the page's exception reach here
                status = f"{exc.__class__.__name__}: {exc}"[:300]
            spy.arm(None)
            db.session.expire_all()
            rows = db.session.execute(sa.select(ThemeAssignment.theme_id, ThemeAssignment.source)
                                      .filter_by(comment_id=comment_id)).all()
            decided = {theme: source for theme, source in rows if not theme.startswith("emerging:")}
            wanted = {theme: "hr" if theme in chosen else "rejected" for theme in decided}
            if status != 302 or decided != wanted or set(chosen) - set(decided) or len(rows) != len(set(rows)):
                failures.append((at, status, sorted(rows)))
        assert spy.runs > 0
    assert failures == []


# Promoting is merging after one write (the new theme), once nothing else can commit: merging
# stands for it here.
DECISIONS = {"merge": {"action": "merge", "into": "team", "confirm": "yes"}, "dismiss": {"action": "dismiss"}}


@pytest.mark.parametrize("decision", list(DECISIONS))
def test_hr_deciding_on_an_emerging_theme_lands_whole_when_a_run_commits_between_any_two_of_its_statements(
        app, client, themed, decision):
    # The run the spy commits replaces every machine row (half of them under a new emerging theme)
    # and finds the theme HR is deciding on again, in more comments, while HR's merge or dismissal
    # reads the theme and its members: none of its comments may be left under it.
    emerging = themed["emerging"]
    token = csrf_token_of(client.get("/hr/themes"))
    tables = [ASSIGNMENT, EmergingTheme.__table__, ThemeRunRecord.__table__]
    with db.engine.connect() as connection:
        before = {table.name: [dict(row) for row in connection.execute(sa.select(table)).mappings()]
                  for table in tables}

    def as_before() -> None:  # each try starts from the same themes, the emerging one open
        with db.engine.begin() as connection:
            for table in tables:
                connection.execute(sa.delete(table))
            for table in reversed(tables):
                if before[table.name]:
                    connection.execute(sa.insert(table), before[table.name])

    def decide():  # noqa: ANN202
        return client.post(f"/hr/themes/{emerging}/decide", data={"csrf_token": token, **DECISIONS[decision]})

    def run_finding_more(connection: sa.Connection, number: int) -> None:
        """A run that finds the same cluster again (its id carried over) with more comments in it.
        A run that saves after HR's decision follows it (``tests/test_themes_app.py``): then it
        adds nothing to the theme."""
        _another_run(connection, number)
        status = connection.execute(sa.select(EmergingTheme.status).where(
            EmergingTheme.theme_id == emerging)).scalar_one()
        if status != "open":
            return
        members = sa.select(ASSIGNMENT.c.comment_id).where(ASSIGNMENT.c.theme_id == emerging)
        others = connection.execute(sa.select(Comment.id).where(Comment.id.notin_(members))).scalars().all()
        connection.execute(sa.insert(ASSIGNMENT), [
            {"id": str(uuid.uuid4()), "organisation_id": default_organisation().id, "comment_id": comment_id,
             "theme_id": emerging, "score": 1.0, "source": "model", "terms": "", "model_version": f"race-{number}"}
            for comment_id in others])

    failures = []
    with RunBetweenStatements(run_finding_more) as spy:
        assert decide().status_code == 302
        statements = spy.seen
        assert statements >= 3
        for at in range(statements):
            spy.arm(None)
            as_before()
            spy.arm(at)
            try:
                status = decide().status_code
            except Exception as exc:  # noqa: BLE001 - TESTING lets the page's exception reach here
                status = f"{exc.__class__.__name__}: {exc}"[:300]
            spy.arm(None)
            db.session.expire_all()
            theme = db.session.execute(sa.select(EmergingTheme).filter_by(theme_id=emerging)).scalar_one()
            left = db.session.execute(sa.select(sa.func.count()).select_from(ThemeAssignment)
                                      .filter_by(theme_id=emerging)).scalar_one()
            rows = db.session.execute(sa.select(ThemeAssignment.comment_id, ThemeAssignment.theme_id)).all()
            wanted = {"merge": "merged", "dismiss": "dismissed"}[decision]
            if status != 302 or theme.status != wanted or left or len(rows) != len(set(rows)):
                failures.append((at, status, theme.status, left))
        assert spy.runs > 0
    as_before()
    assert failures == []
