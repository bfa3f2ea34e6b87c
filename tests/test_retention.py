"""The purge removes free text past the retention age and nothing else, and says what it did."""

from __future__ import annotations

from datetime import date

from survey_app.extensions import db
from survey_app.models import AuditEvent, Comment, FocusGroupSession, Organisation, Response
from survey_app.periods import add_months
from survey_app.questionnaires import current_instrument

from .support import add_exit_response


def _texts() -> dict[str, str | None]:
    return {c.id: c.text for c in db.session.execute(db.select(Comment)).scalars()}


def test_the_purge_removes_exactly_the_free_text_past_the_age(app):
    this_month = date.today().replace(day=1)
    cutoff = add_months(this_month, -36)
    old = add_exit_response(add_months(cutoff, -1), reasons_text="old reason", worked_well="old team")
    edge = add_exit_response(cutoff, reasons_text="exactly 36 months ago")
    new = add_exit_response(this_month, reasons_text="recent reason")
    instrument = current_instrument("focus-group")
    session = FocusGroupSession(organisation_id=old.organisation_id, instrument_id=instrument.id,
                                held_on=add_months(cutoff, -2), facilitator="F", participants=6,
                                service_areas=[], prompts=["stay"], closed=True)
    db.session.add(session)
    db.session.flush()
    db.session.add(Comment(organisation_id=old.organisation_id, focus_group_id=session.id, question_key="stay",
                           purpose="would_have_stayed", period=add_months(cutoff, -2), text="old remark"))
    db.session.commit()
    before = _texts()
    old_ids = {c.id for c in old.comments} | {c.id for c in session.remarks}
    answers_before = {r.id: dict(r.answers) for r in db.session.execute(db.select(Response)).scalars()}

    dry = app.test_cli_runner().invoke(args=["retention", "purge", "--dry-run"])
    assert "Would remove the text of 3 comments" in dry.output
    db.session.expire_all()
    assert _texts() == before

    result = app.test_cli_runner().invoke(args=["retention", "purge"])
    assert result.exit_code == 0 and "Removed the text of 3 comments" in result.output
    db.session.expire_all()
    after = _texts()
    assert set(after) == set(before)  # rows (and their theme links) stay
    assert {k for k, v in after.items() if v is None} == old_ids
    assert {k: v for k, v in after.items() if k not in old_ids} == {k: v for k, v in before.items()
                                                                    if k not in old_ids}
    assert {r.id: r.answers for r in db.session.execute(db.select(Response)).scalars()} == answers_before
    assert db.session.get(Response, edge.id).comments[0].text == "exactly 36 months ago"
    assert db.session.get(Response, new.id).comments[0].text == "recent reason"
    event = db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "purged")).scalar_one()
    assert event.actor == "retention purge" and "3 comments" in event.detail
    assert db.session.execute(db.select(Organisation.last_purge_on)).scalar_one() == date.today()


def test_the_retention_age_is_configurable(app):
    add_exit_response(add_months(date.today(), -13), reasons_text="a year and a month ago")
    app.config["RETENTION_MONTHS"] = 12
    result = app.test_cli_runner().invoke(args=["retention", "purge"])
    assert "Removed the text of 1 comments" in result.output
    assert db.session.execute(db.select(Comment.text)).scalar_one() is None


# Old enough to purge: six comments one taxonomy theme explains (so a draft offers quotes), and
# 24 no theme explains, in two clusters (so the theme run finds emerging themes and keeps their
# state).
OLD_CASELOAD = [f"My caseload went past {n} children and nobody listened." for n in range(25, 31)]
OLD_UNEXPLAINED = [f"The allotment garden {d}." for d in (
    "plots were sold", "shed was locked", "vegetable beds went", "compost heap moved", "tomatoes were pulled",
    "greenhouse shut", "apple trees cut", "seed swap ended", "garden club folded", "hedges were grubbed",
    "pond was drained", "bees were moved")] + [f"The staff choir {d}." for d in (
    "rehearsal stopped", "concert was cancelled", "singing group folded", "music sessions ended",
    "choir practice moved", "choir leader left", "carol concert vanished", "songs were dropped",
    "choir room shut", "choir funding went", "hymn sheets went", "solo parts were cut")]
RECENT = "A recent answer the purge must leave: supervision was cancelled every fortnight."


def _every_value_a_reader_can_decode() -> list[str]:
    """Every value of every table, as the database's reader would read it knowing the formats:
    text as it is, JSON as text, and binary values opened as they were written (joblib and
    pickle, zlib) where they can be; what cannot be opened is kept as its bytes."""
    import io
    import json
    import pickle
    import zlib

    import joblib

    out = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(table.select()).all():
            for value in row:
                if isinstance(value, (dict, list)):
                    out.append(json.dumps(value, ensure_ascii=False))
                elif isinstance(value, (bytes, memoryview)):
                    raw = bytes(value)
                    out.append(raw.decode("latin-1"))
                    for opener in (lambda b: pickle.dumps(joblib.load(io.BytesIO(b))), zlib.decompress):
                        try:
                            out.append(opener(raw).decode("latin-1"))
                        except Exception:  # noqa: BLE001, S112 - not in that format
                            continue
                elif value is not None:
                    out.append(str(value))
    return out


def test_purged_text_is_gone_from_every_copy_and_from_the_database_files(app, runner):
    """Written as a reader of the database after a purge: the comments' text, the examples a theme
    run kept of them, the quotes a draft report offered and approved, and the dead row versions
    the purge leaves behind. None may still hold a purged word; recent text stays."""
    from analysis.periods import Quarter
    from survey_app.models import Report
    from survey_app.reports.service import create_draft, set_approved_quotes
    from survey_app.themes.service import run_themes

    from .test_database_reader import _raw_database_bytes

    cutoff = add_months(date.today().replace(day=1), -36)
    old_month = add_months(cutoff, -4)
    for text in OLD_CASELOAD + OLD_UNEXPLAINED:
        add_exit_response(old_month, reasons_text=text)
    add_exit_response(date.today(), reasons_text=RECENT)
    run_themes(progress=False)
    draft = create_draft("quarterly", str(Quarter.of(old_month)), "hr@council.example")
    assert draft.quotes and any(q.text in OLD_CASELOAD for q in draft.quotes)
    set_approved_quotes(draft, {draft.quotes[0].id})
    db.session.expire_all()
    purged = OLD_CASELOAD + OLD_UNEXPLAINED
    # Before the purge the reader finds the old words in more than the comments: that is what
    # this test would catch if a copy were left.
    before = "\n".join(_every_value_a_reader_can_decode())
    assert sum(before.count(text) for text in purged) > len(purged)

    result = runner.invoke(args=["retention", "purge"])
    assert result.exit_code == 0, result.output
    assert f"Removed the text of {len(purged)} comments" in result.output
    db.session.expire_all()

    decoded = "\n".join(_every_value_a_reader_can_decode())
    assert RECENT in decoded
    assert [text for text in purged if text in decoded] == []
    raw = _raw_database_bytes()
    assert RECENT.encode() in raw
    assert [text for text in purged if text.encode() in raw] == []
    # The draft is still there, rebuilt without the quotes it can no longer show.
    report = db.session.get(Report, draft.id)
    assert report.status == "draft" and report.quotes == []


def test_a_purge_that_cannot_rewrite_the_tables_now_still_removes_the_text_and_says_so(app, runner, monkeypatch):
    """A long transaction holds the comments table (PostgreSQL), or another reader keeps the
    write-ahead log from being emptied (SQLite): the text is removed and committed all the same,
    and the purge says its old copies wait for the next rewrite."""
    import sqlalchemy as sa

    from survey_app.hr import retention

    add_exit_response(add_months(date.today(), -40), reasons_text="Held marker: an old answer.")
    monkeypatch.setattr(retention, "RECLAIM_LOCK_WAIT_MS", 200)
    other = sa.create_engine(db.engine.url)
    with other.connect() as reader:
        if db.engine.dialect.name == "sqlite":
            reader.execute(sa.text("BEGIN"))  # Python's sqlite3 would not begin before a read
        assert reader.execute(sa.text("SELECT count(*) FROM comment")).scalar_one() == 1  # holds a lock / a snapshot
        result = runner.invoke(args=["retention", "purge"])
        reader.rollback()
    other.dispose()
    assert result.exit_code == 0, result.output
    assert "Removed the text of 1 comments" in result.output
    assert "could not be rewritten now" in result.output
    db.session.expire_all()
    assert db.session.execute(db.select(Comment.text)).scalar_one() is None
