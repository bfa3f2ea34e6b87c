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
