"""HR checks and corrects themes: per comment on the response page, and emerging themes."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for

from .. import audit
from ..extensions import db
from ..models import Comment, EmergingTheme, ThemeAssignment, ThemeRunRecord, default_organisation
from ..reports.service import scrubber
from ..themes.service import (
    merge_emerging,
    organisation_taxonomy,
    promote_emerging,
    record_hr_coding,
    theme_labels,
)
from . import bp
from .common import hr_only

SOURCE_NAMES = {"seed": "seed phrases", "model": "trained model", "hr": "confirmed by HR", "rejected": "rejected by HR"}


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
                                    "source": row.source, "source_name": SOURCE_NAMES.get(row.source, row.source),
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
    flash("Themes saved. They will train the next theme run.")
    if comment.response_id:
        return redirect(url_for("hr.response", response_id=comment.response_id, _anchor=f"comment-{comment.id}"))
    return redirect(url_for("hr.emerging_themes"))


@bp.route("/themes")
@hr_only
def emerging_themes():
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
    return render_template("hr/themes.html", last_run=last_run, themes=themes, examples=examples,
                           taxonomy=taxonomy_choices(), error=request.args.get("error"))


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
    try:
        if action == "merge":
            count = merge_emerging(org_id, theme_id, request.form.get("into", ""))
            message = f"Merged {row.label} into {request.form.get('into')}: {count} comments coded."
        elif action == "promote":
            seeds = [p.strip() for p in request.form.get("seeds", "").split(",") if p.strip()]
            label = request.form.get("label", "").strip()
            if not label:
                raise ValueError("Enter a name for the new theme")
            custom = promote_emerging(org_id, theme_id, request.form.get("new_id", "").strip(), label, seeds)
            message = f"Added the theme {custom.label} to the taxonomy."
        elif action == "dismiss":
            row.status = "dismissed"
            message = f"Dismissed {row.label}."
        else:
            abort(400)
    except ValueError as exc:
        db.session.rollback()
        return redirect(url_for("hr.emerging_themes", error=str(exc), _anchor=theme_id.replace(":", "-")))
    audit.record(f"emerging_theme_{action}", "theme", theme_id, detail=message)
    db.session.commit()
    flash(message)
    return redirect(url_for("hr.emerging_themes"))
