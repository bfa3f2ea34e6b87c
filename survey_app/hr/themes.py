"""HR checks and corrects themes: per comment on the response page, and emerging themes."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import audit
from ..confirm import ask, confirmed
from ..extensions import db
from ..i18n import current_language
from ..models import (
    Comment,
    EmergingTheme,
    ThemeAssignment,
    ThemeLexicon,
    ThemeRunRecord,
    User,
    default_organisation,
)
from ..questionnaires import definition_of
from ..reports.service import scrubber
from ..themes.service import (
    LexiconError,
    dismiss_emerging,
    latest_lexicons,
    merge_emerging,
    organisation_taxonomy,
    phrase_statistics,
    promote_emerging,
    record_hr_coding,
    save_lexicon,
    theme_comments,
    theme_labels,
)
from . import bp
from .common import hr_only

#: where a comment's theme came from, as the response page and a theme's page name it
SOURCE_NAMES = {"seed": _l("seed phrases"), "model": _l("trained model"), "hr": _l("confirmed by HR"),
                "rejected": _l("rejected by HR")}
#: each stage of a theme run (``themes.service.RUN_STAGES``) as a theme's page names it while it runs
RUN_STAGE_NAMES = {
    "read": _l("reading the written answers"),
    "prepare": _l("preparing the text"),
    "match": _l("matching each theme's phrases and learning from HR's corrections"),
    "emerging": _l("looking for emerging themes"),
    "sentiment": _l("scoring the tone of each answer"),
    "save": _l("saving the themes"),
}
#: why a phrase list cannot be saved, by ``LexiconError.kind`` (``lines`` is worded per line, below)
LEXICON_ERRORS = {
    "empty": _l("Enter at least one phrase. A theme with no phrases is only found by HR and the model"),
    "unchanged": _l("The phrase list has not changed"),
    "unknown_theme": _l("There is no theme called %(theme)s"),
}
#: what is wrong with one line of a phrase list, by ``analysis.taxonomy.PhraseProblem.kind``
PHRASE_PROBLEMS = {
    "characters": _l("Line %(line)s: '%(phrase)s' can only hold letters, digits, apostrophes, hyphens and '/', "
                     "with '*' at the end of a word to match any ending"),
    "duplicate": _l("Line %(line)s: '%(phrase)s' is already in the list"),
}


def lexicon_error_messages(error: LexiconError) -> list[str]:
    """A phrase list's problems in the page's language (the analysis words them in English)."""
    if error.kind == "lines":
        return [str(PHRASE_PROBLEMS[p.kind]) % {"line": p.line, "phrase": p.phrase} if p.kind in PHRASE_PROBLEMS
                else str(p) for p in error.problems]
    return [str(LEXICON_ERRORS[error.kind]) % {"theme": error.theme} if error.kind in LEXICON_ERRORS else str(error)]


def comment_themes(comments: list[Comment]) -> dict[str, list[dict]]:
    """For each comment: its themes (label, source, score, why), HR's rejected ones last."""
    if not comments:
        return {}
    labels = theme_labels(comments[0].organisation_id)
    rows = db.session.execute(sa.select(ThemeAssignment).where(
        ThemeAssignment.comment_id.in_([c.id for c in comments])).order_by(ThemeAssignment.score.desc())).scalars()
    out: dict[str, list[dict]] = {c.id: [] for c in comments}
    for row in rows:
        out[row.comment_id].append({"id": row.theme_id, "label": labels.get(row.theme_id, row.theme_id),
                                    "source": row.source,
                                    "source_name": SOURCE_NAMES.get(row.source, row.source),
                                    "score": row.score, "terms": row.terms})
    for themes in out.values():
        themes.sort(key=lambda t: t["source"] == "rejected")
    return out


def taxonomy_choices() -> list[tuple[str, str]]:
    return [(t.id, t.label) for t in organisation_taxonomy(default_organisation().id).themes]


@bp.route("/comments/<comment_id>/themes", methods=["POST"])
@hr_only
def comment_themes_save(comment_id: str):
    comment = db.session.get(Comment, comment_id) or abort(404)
    chosen = request.form.getlist("themes")
    known = {theme_id for theme_id, _ in taxonomy_choices()}
    if any(theme not in known for theme in chosen):
        abort(400)
    record_hr_coding(comment, chosen)
    audit.record("coded_themes", "comment", comment.id, detail=", ".join(chosen) or "no theme applies")
    db.session.commit()
    flash(_("Themes saved. They will train the next theme run."))
    if comment.response_id:
        return redirect(url_for("hr.response", response_id=comment.response_id, _anchor=f"comment-{comment.id}"))
    return redirect(url_for("hr.emerging_themes"))


@bp.route("/themes")
@hr_only
def emerging_themes():
    return _themes_page(request.args.get("error"))


def _themes_page(error: str | None = None, draft: dict | None = None, status: int = 200):
    """The themes page; ``draft`` is what HR typed into one emerging theme's form, kept after an error."""
    org = default_organisation()
    last_run = db.session.execute(sa.select(ThemeRunRecord).filter_by(organisation_id=org.id)
                                  .order_by(ThemeRunRecord.id.desc()).limit(1)).scalar()
    themes = db.session.execute(sa.select(EmergingTheme).filter_by(organisation_id=org.id)
                                .order_by(EmergingTheme.status, EmergingTheme.size.desc())).scalars().all()
    scrub = scrubber()
    examples: dict[str, list[str]] = {}
    for theme in themes:
        texts = db.session.execute(
            sa.select(Comment.text).join(ThemeAssignment, ThemeAssignment.comment_id == Comment.id)
            .where(ThemeAssignment.theme_id == theme.theme_id, Comment.text.is_not(None))
            .order_by(Comment.text).limit(3)).scalars()
        examples[theme.theme_id] = [scrub.scrub(t) for t in texts]
    counts = dict(db.session.execute(
        sa.select(ThemeAssignment.theme_id, sa.func.count()).where(
            ThemeAssignment.organisation_id == org.id, ThemeAssignment.source != "rejected")
        .group_by(ThemeAssignment.theme_id)).all())
    checked = dict(db.session.execute(
        sa.select(ThemeAssignment.theme_id, sa.func.count()).where(
            ThemeAssignment.organisation_id == org.id, ThemeAssignment.source == "hr")
        .group_by(ThemeAssignment.theme_id)).all())
    return render_template("hr/themes.html", last_run=last_run, themes=themes, examples=examples,
                           statuses={"open": _("Open"), "merged": _("Merged"), "promoted": _("Added to the taxonomy"),
                                     "dismissed": _("Dismissed")},
                           taxonomy=taxonomy_choices(), error=error, draft=draft or {},
                           counts=counts, checked=checked), status


def _emerging_or_404(theme_id: str) -> EmergingTheme:
    row = db.session.execute(sa.select(EmergingTheme).filter_by(
        organisation_id=default_organisation().id, theme_id=theme_id)).scalar_one_or_none()
    if row is None or row.status != "open":
        abort(404)
    return row


@bp.route("/themes/<path:theme_id>/decide", methods=["POST"])
@hr_only
def emerging_theme_decide(theme_id: str):
    row = _emerging_or_404(theme_id)
    org_id = row.organisation_id
    action = request.form.get("action")
    if action == "merge" and not confirmed():
        into = request.form.get("into", "")
        label = dict(taxonomy_choices()).get(into)
        if label is None:
            return _themes_page(_("Unknown theme: %(theme)s", theme=into), {"theme_id": theme_id}, 400)
        return ask(_("Merge “%(theme)s” into %(into)s?", theme=row.label, into=label),
                   _("Its %(count)s comments will be coded as %(into)s, as if you had checked each one, and the "
                     "emerging theme will close. To undo it you would recode the comments one by one.",
                     count=row.size, into=label),
                   _("Yes, merge into %(into)s", into=label), url_for("hr.emerging_themes"))
    try:
        if action == "merge":
            count = merge_emerging(org_id, theme_id, request.form.get("into", ""))
            label, into = row.label, request.form.get("into")

            def describe() -> str:
                return _("Merged %(theme)s into %(into)s: %(count)s comments coded.", theme=label, into=into,
                         count=count)
        elif action == "promote":
            seeds = [p.strip() for p in request.form.get("seeds", "").split(",") if p.strip()]
            label = request.form.get("label", "").strip()
            if not label:
                raise ValueError(_("Enter a name for the new theme"))
            custom = promote_emerging(org_id, theme_id, request.form.get("new_id", "").strip(), label, seeds)

            def describe() -> str:
                return _("Added the theme %(theme)s to the taxonomy.", theme=custom.label)
        elif action == "dismiss":
            dismiss_emerging(org_id, theme_id)
            label = row.label

            def describe() -> str:
                return _("Dismissed %(theme)s.", theme=label)
        else:
            abort(400)
    except ValueError as exc:
        db.session.rollback()
        typed = {"theme_id": theme_id, **{k: request.form.get(k, "") for k in ("label", "new_id", "seeds", "into")}}
        return _themes_page(str(exc), typed, 400)
    with force_locale("en"):  # the audit log is kept in one language
        audit.record(f"emerging_theme_{action}", "theme", theme_id, detail=describe())
    db.session.commit()
    flash(describe())
    return redirect(url_for("hr.emerging_themes"))


def _theme_or_404(theme_id: str):
    taxonomy = organisation_taxonomy(default_organisation().id)
    if theme_id not in taxonomy:
        abort(404)
    return taxonomy[theme_id]


def _comment_titles(comments: list[Comment]) -> dict[str, str]:
    """Each comment's question, in the page's language, from the questionnaire it answered (or
    the focus group's); the question's key where the questionnaire no longer has it."""
    titles = {}
    for comment in comments:
        source = comment.response or comment.focus_group
        try:
            titles[comment.id] = definition_of(source.instrument).localised(current_language()).question(
                comment.question_key).text
        except (AttributeError, KeyError):
            titles[comment.id] = comment.question_key.replace("_", " ")
    return titles


@bp.route("/themes/<theme_id>", methods=["GET"])
@hr_only
def theme_page(theme_id: str, errors: list[str] | None = None, draft: str | None = None):
    """One taxonomy theme: what drives it (its phrases, with how often HR agreed with each
    phrase's hits), the editable phrase list and its versions, and its comments to work through."""
    from analysis.taxonomy import phrase_lines

    theme = _theme_or_404(theme_id)
    org = default_organisation()
    stats = phrase_statistics(org.id, theme_id)
    comments, total = theme_comments(org.id, theme_id)
    versions = db.session.execute(
        sa.select(ThemeLexicon).filter_by(organisation_id=org.id, theme_id=theme_id)
        .order_by(ThemeLexicon.version.desc()).limit(10)).scalars().all()
    authors = {u.id: u.email for u in db.session.execute(
        sa.select(User).where(User.id.in_([v.saved_by_id for v in versions if v.saved_by_id]))).scalars()}
    from ..worker import run_status

    shown = [comment for comment, _assignment in comments]
    return render_template(
        "hr/theme.html", theme=theme, run=run_status(), phrases=[s for s in stats if s.kind == "phrase"],
        seeds=[s for s in stats if s.kind == "seed"], comments=comments, total=total,
        comment_themes=comment_themes(shown), comment_titles=_comment_titles(shown), versions=versions,
        authors=authors, edited=theme_id in latest_lexicons(org.id), errors=errors or [],
        draft=draft if draft is not None else phrase_lines(theme.phrases, weak_mark=_("(weak)")),
        source_names=SOURCE_NAMES,
        stage_names={key: str(name) for key, name in RUN_STAGE_NAMES.items()},
    ), (400 if errors else 200)


@bp.route("/themes/<theme_id>/phrases", methods=["POST"])
@hr_only
def theme_phrases_save(theme_id: str):
    """Save HR's phrase list as a new version (audited), then re-run the themes with it."""
    _theme_or_404(theme_id)
    text = request.form.get("phrases", "")
    org = default_organisation()
    try:
        change = save_lexicon(org.id, theme_id, text, current_user.id)[1]
    except LexiconError as error:
        db.session.rollback()
        return theme_page(theme_id, errors=lexicon_error_messages(error), draft=text)
    audit.record("edited_theme_phrases", "theme", theme_id, detail=change.summary)
    db.session.commit()
    from ..worker import request_themes_run

    request_themes_run()
    changes = "; ".join(part for part in (
        _("added %(phrases)s", phrases=", ".join(change.added)) if change.added else "",
        _("removed %(phrases)s", phrases=", ".join(change.removed)) if change.removed else "",
    ) if part) or _("changed weights")
    flash(_("Phrases saved (version %(version)s: %(changes)s). The themes are being run again with them: this "
            "page shows how far the run has got.", version=change.version, changes=changes))
    return redirect(url_for("hr.theme_page", theme_id=theme_id))


@bp.route("/theme-run")
@hr_only
def theme_run_status():
    """Where the latest theme run stands, as JSON, for the progress shown on a theme's page; once
    a run has ended well, with how many comments the latest run themed (``themed`` of ``comments``)."""
    from ..worker import run_status

    status = run_status()
    last = db.session.execute(sa.select(ThemeRunRecord).filter_by(organisation_id=default_organisation().id)
                              .order_by(ThemeRunRecord.id.desc()).limit(1)).scalar()
    if status["last_status"] == "ok" and last is not None:
        status.update(themed=last.themed, comments=last.comments)
    return status


@bp.route("/themes/<theme_id>/comments/<comment_id>", methods=["POST"])
@hr_only
def theme_comment_decide(theme_id: str, comment_id: str):
    """Confirm or reject one theme on one comment, from the theme's page."""
    theme = _theme_or_404(theme_id)
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.organisation_id != default_organisation().id:
        abort(404)
    action = request.form.get("action")
    if action not in ("confirm", "reject"):
        abort(400)
    current = {a.theme_id for a in db.session.execute(sa.select(ThemeAssignment).filter_by(
        comment_id=comment.id)).scalars() if a.source in ("seed", "model", "hr") and ":" not in a.theme_id}
    chosen = current | {theme_id} if action == "confirm" else current - {theme_id}
    record_hr_coding(comment, sorted(chosen))
    audit.record("coded_themes", "comment", comment.id, detail=", ".join(sorted(chosen)) or "no theme applies")
    db.session.commit()
    flash(_("Confirmed %(theme)s on this comment.", theme=theme.label) if action == "confirm"
          else _("Removed %(theme)s from this comment.", theme=theme.label))
    return redirect(url_for("hr.theme_page", theme_id=theme_id, _anchor="comments"))
