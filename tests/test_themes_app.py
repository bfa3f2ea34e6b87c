"""Themes in the app: a run themes stored comments; HR's codings survive runs and train the model."""

from __future__ import annotations

import json

import sqlalchemy as sa

from survey_app.extensions import db
from survey_app.models import Comment, EmergingTheme, ThemeAssignment, ThemeRunRecord
from survey_app.questionnaires import current_instrument, definition_of
from survey_app.submissions import store_response
from survey_app.themes.service import merge_emerging, promote_emerging, record_hr_coding, run_themes

from .support import csrf_token_of, signed_in


def _submit(client, reasons: str) -> None:
    """Store an exit questionnaire through the app's submission path (the web journey is tested elsewhere)."""
    instrument = current_instrument("exit")
    store_response(instrument, definition_of(instrument),
                   {"role": "social_worker", "length_of_service": "2_to_5", "reasons_text": reasons})
    db.session.commit()


def _themes_of(text: str) -> dict[str, str]:
    comment_id = db.session.execute(sa.select(Comment.id).where(Comment.text == text)).scalar_one()
    rows = db.session.execute(sa.select(ThemeAssignment).filter_by(comment_id=comment_id)).scalars()
    return {r.theme_id: r.source for r in rows}


def test_a_run_themes_stored_comments_and_records_why(client, runner):
    _submit(client, "My caseload was far too high and I never had supervision.")
    _submit(client, "The pay is better at the neighbouring council with a market supplement.")
    result = runner.invoke(args=["themes", "run"])
    assert result.exit_code == 0, result.output
    assert "Themed 2 of 2 comments" in result.output
    first = _themes_of("My caseload was far too high and I never had supervision.")
    assert {"caseload", "supervision"} <= set(first)
    assert "pay" in _themes_of("The pay is better at the neighbouring council with a market supplement.")
    row = db.session.execute(sa.select(ThemeAssignment).filter_by(theme_id="caseload")).scalar_one()
    assert 0 < row.score <= 1 and row.terms and row.model_version.startswith("themes-")
    assert db.session.execute(sa.select(ThemeRunRecord)).scalar_one().comments == 2


def test_hr_codings_outrank_the_model_and_survive_the_next_run(client, app):
    text = "My caseload was far too high and I never had supervision."
    _submit(client, text)
    run_themes(progress=False)
    comment = db.session.execute(sa.select(Comment).where(Comment.text == text)).scalar_one()
    record_hr_coding(comment, ["caseload", "wellbeing"])  # supervision rejected, wellbeing added
    db.session.commit()
    run_themes(progress=False)
    themes = _themes_of(text)
    assert themes["caseload"] == "hr" and themes["wellbeing"] == "hr"
    assert themes["supervision"] == "rejected"


def test_a_purged_comment_keeps_its_themes(client, app):
    text = "The restructure moved my whole team without consultation."
    _submit(client, text)
    run_themes(progress=False)
    before = _themes_of(text)
    comment = db.session.execute(sa.select(Comment).where(Comment.text == text)).scalar_one()
    comment.text = None
    db.session.commit()
    run_themes(progress=False)
    after = {r.theme_id for r in db.session.execute(sa.select(ThemeAssignment).filter_by(
        comment_id=comment.id)).scalars()}
    assert "restructure" in before and after == set(before)


# Emerging themes need at least 20 comments that no taxonomy theme explains, in clusters of 5+.
GARDEN = [f"The allotment garden {d}" for d in (
    "plots were sold", "shed was locked", "vegetable beds went", "compost heap moved", "tomatoes were pulled",
    "greenhouse shut", "apple trees cut", "seed swap ended", "garden club folded", "hedges were grubbed",
    "pond was drained", "bees were moved")]
CHOIR = [f"The staff choir {detail}" for detail in (
    "rehearsal stopped", "concert was cancelled", "singing group folded", "music sessions ended",
    "choir practice moved", "choir leader left", "carol concert vanished", "songs were dropped",
    "choir room shut", "choir funding went", "hymn sheets went", "solo parts were cut")]


def _choir_cluster(client) -> str:
    for text in GARDEN + CHOIR + ["My caseload was unmanageable.", "Supervision was always cancelled."]:
        _submit(client, text)
    run_themes(progress=False)
    first = {row.theme_id: set(row.terms) for row in db.session.execute(sa.select(EmergingTheme)).scalars()}
    run_themes(progress=False)
    second = {row.theme_id: set(row.terms) for row in db.session.execute(sa.select(EmergingTheme)).scalars()}
    assert first and first == second  # same data, same ids and labels
    return next(t for t, terms in second.items() if any("choir" in term for term in terms))


def _members(emerging_id: str) -> list[str]:
    return db.session.execute(sa.select(ThemeAssignment.comment_id).filter_by(theme_id=emerging_id)).scalars().all()


def test_hr_can_merge_an_emerging_theme_into_a_taxonomy_theme(client, app):
    choir = _choir_cluster(client)
    members = _members(choir)
    merged = merge_emerging(1, choir, "team")
    db.session.commit()
    assert merged == len(members) >= 5
    for comment_id in members:
        assert db.session.execute(sa.select(ThemeAssignment.source).filter_by(
            comment_id=comment_id, theme_id="team")).scalar_one() == "hr"
    row = db.session.execute(sa.select(EmergingTheme).filter_by(theme_id=choir)).scalar_one()
    assert (row.status, row.became) == ("merged", "team")
    assert _members(choir) == []  # counted once, under the theme HR chose


def test_hr_can_promote_an_emerging_theme_into_the_taxonomy(client, app):
    choir = _choir_cluster(client)
    members = _members(choir)
    custom = promote_emerging(1, choir, "staff_choir", "The staff choir", ["choir", "staff choir"])
    db.session.commit()
    assert custom.theme_id == "staff_choir"
    assert {db.session.execute(sa.select(ThemeAssignment.source).filter_by(
        comment_id=c, theme_id="staff_choir")).scalar_one() for c in members} == {"hr"}
    row = db.session.execute(sa.select(EmergingTheme).filter_by(theme_id=choir)).scalar_one()
    assert (row.status, row.became) == ("promoted", "staff_choir")
    assert _members(choir) == []  # not listed twice in the next report
    # The next run knows the new theme and finds it from its seed terms in new comments.
    _submit(client, "Nobody asked about the staff choir")
    run_themes(progress=False)
    assert "staff_choir" in _themes_of("Nobody asked about the staff choir")


# More of the choir, after HR has decided what it is: a later run finds the same cluster.
MORE_CHOIR = [f"The staff choir {detail}" for detail in (
    "christmas show stopped", "choir trip was cancelled", "singing lessons ended", "choir outfits went",
    "choir budget cut", "choir tour dropped", "choir evenings ended", "choir concert moved", "choir songbooks went",
    "choir singers left", "choir rehearsals shortened", "choir recital cancelled")]


def _again_with_more_choir(client, choir: str) -> set[str]:
    for text in MORE_CHOIR:
        _submit(client, text)
    run_themes(progress=False)
    assert db.session.execute(sa.select(EmergingTheme.last_seen_run_id).filter_by(theme_id=choir)).scalar_one() \
        == db.session.execute(sa.select(sa.func.max(ThemeRunRecord.id))).scalar_one()  # the same cluster, found
    return {c for c in db.session.execute(sa.select(Comment.id).where(Comment.text.in_(MORE_CHOIR))).scalars()}


def test_a_later_run_puts_new_comments_of_a_merged_theme_under_the_theme_hr_chose(client, app):
    choir = _choir_cluster(client)
    label = db.session.execute(sa.select(EmergingTheme.label).filter_by(theme_id=choir)).scalar_one()
    merge_emerging(1, choir, "team")
    db.session.commit()
    new = _again_with_more_choir(client, choir)
    assert _members(choir) == []  # not counted under a theme HR has closed ("awaiting HR's review")
    found = db.session.execute(sa.select(ThemeAssignment).where(
        ThemeAssignment.comment_id.in_(new), ThemeAssignment.theme_id == "team")).scalars().all()
    assert len(found) >= 5 and {a.source for a in found} == {"model"}  # the machine's, for HR to check
    row = db.session.execute(sa.select(EmergingTheme).filter_by(theme_id=choir)).scalar_one()
    assert (row.status, row.became, row.label) == ("merged", "team", label)


def test_a_dismissed_theme_counts_no_comments_now_or_after_the_next_run(client, app):
    choir = _choir_cluster(client)
    signed_in(client, "hr")
    page = client.get("/hr/themes")
    assert client.post(f"/hr/themes/{choir}/decide", data={"csrf_token": csrf_token_of(page),
                                                           "action": "dismiss"}).status_code == 302
    assert _members(choir) == []
    new = _again_with_more_choir(client, choir)
    assert _members(choir) == [] and new
    assert db.session.execute(sa.select(EmergingTheme.status).filter_by(theme_id=choir)).scalar_one() == "dismissed"


def test_a_new_cluster_is_not_given_the_id_of_a_theme_hr_decided_on_before(client, app):
    # A theme an earlier run found and HR dismissed, which the last run did not find again: a new
    # cluster must not take its id, and with it HR's decision.
    db.session.add(EmergingTheme(organisation_id=1, theme_id="emerging:1", label="no cons", terms=["con"],
                                 size=6, status="dismissed"))
    db.session.commit()
    choir = _choir_cluster(client)
    assert choir != "emerging:1" and _members(choir)
    assert db.session.execute(sa.select(EmergingTheme.status).filter_by(theme_id=choir)).scalar_one() == "open"


def test_a_merged_theme_a_run_missed_keeps_hr_s_decision_when_it_comes_back(client, app):
    # HR merged the choir into "team"; the next run did not find the choir cluster (stood for here
    # by a run whose state holds only the other cluster); the run after finds it again, with new
    # comments. It is the same theme, so HR's decision stands: new members under "team", not a
    # new theme awaiting review.
    from analysis.themes.emerging import EmergingThemes

    choir = _choir_cluster(client)
    merge_emerging(1, choir, "team")
    db.session.commit()
    last = db.session.execute(sa.select(ThemeRunRecord).order_by(ThemeRunRecord.id.desc()).limit(1)).scalar_one()
    state = EmergingThemes.from_stored(last.emerging_state)
    others = [t for t in state.themes["theme_id"] if t != choir]
    missed = ThemeRunRecord(organisation_id=1, model_version=last.model_version, ran_at=last.ran_at,
                            comments=last.comments, themed=last.themed, coded=last.coded, emerging=len(others),
                            emerging_state=state.only(others).stored())
    db.session.add(missed)
    db.session.flush()
    for row in db.session.execute(sa.select(EmergingTheme).where(EmergingTheme.theme_id.in_(others))).scalars():
        row.last_seen_run_id = missed.id
    db.session.commit()
    open_before = set(db.session.execute(sa.select(EmergingTheme.theme_id).filter_by(status="open")).scalars())

    new = _again_with_more_choir(client, choir)
    assert set(db.session.execute(sa.select(EmergingTheme.theme_id).filter_by(status="open")).scalars()) \
        == open_before  # no new theme for HR to decide on again
    assert _members(choir) == []
    found = db.session.execute(sa.select(ThemeAssignment.comment_id).where(
        ThemeAssignment.comment_id.in_(new), ThemeAssignment.theme_id == "team")).scalars().all()
    assert len(found) >= 5


def test_a_report_never_names_a_theme_hr_has_not_named(client, app):
    # An emerging theme's label is made from respondents' own words ("choir / rehearsal").
    from datetime import date

    from analysis.periods import Quarter
    from survey_app.reports.service import create_draft

    choir = _choir_cluster(client)
    label = db.session.execute(sa.select(EmergingTheme.label).filter_by(theme_id=choir)).scalar_one()
    quarter = Quarter.of(date.today()).label
    draft = create_draft("quarterly", quarter, created_by="hr@example.org")
    emerging = next(s for s in draft.data["sections"] if s["id"] == "emerging")
    names = [row["label"] for t in emerging["tables"] for row in t["rows"]]
    assert names and all("awaiting HR's review" in name for name in names)
    text = json.dumps(draft.data).lower()
    assert label.lower() not in text and "choir" not in text
    # Once HR names it, by promoting it into the taxonomy, the report uses HR's name.
    promote_emerging(1, choir, "staff_choir", "The staff choir", ["choir", "staff choir"])
    db.session.commit()
    named = create_draft("quarterly", quarter, created_by="hr@example.org")
    assert "The staff choir" in json.dumps(named.data)


def test_praise_in_the_reasons_answer_is_not_a_reason_but_stays_a_theme_of_what_worked_well(client, app):
    praise = "My supervisor was brilliant and always made time for me."
    reasons = f"{praise} The caseload was far too high."
    instrument = current_instrument("exit")
    store_response(instrument, definition_of(instrument),
                   {"role": "social_worker", "length_of_service": "2_to_5", "reasons_text": reasons,
                    "worked_well": praise})
    db.session.commit()
    run_themes(progress=False)
    assert set(_themes_of(reasons)) == {"caseload"}
    assert set(_themes_of(praise)) == {"supervision"}
