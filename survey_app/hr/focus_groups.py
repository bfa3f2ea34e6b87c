"""Focus groups: record a session, then type or paste its remarks, one per line, per prompt.

Each remark becomes a Comment with the prompt's purpose, tied to the session and not to any
response. Participants are counted, never named. Remarks can be edited or removed until HR closes
the session.
"""

from __future__ import annotations

import re

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from analysis.language import detect_language

from .. import audit
from ..confirm import ask, confirmed
from ..extensions import db
from ..i18n import current_language
from ..instruments import Definition
from ..models import Comment, FocusGroupSession
from ..questionnaires import current_instrument, definition_of
from ..submissions import clean_free_text, month_start
from . import bp
from .common import choices_for_role, hr_only, page_of, pagination_params
from .forms import FocusGroupForm, RemarkForm, remarks_form_class

FOCUS_GROUP_SLUG = "focus-group"
# A bullet or dash typed or pasted at the start of a line is not part of the remark.
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u2013\u2014]|\d+[.)])\s+")


def split_remarks(text: str, limit: int) -> list[str]:
    """One remark per non-empty line, cleaned as any free text is, without list bullets."""
    remarks = []
    # Only real line breaks separate remarks; Unicode line separators, NEL and RS do not.
    for line in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        cleaned = clean_free_text(_BULLET.sub("", line), limit)
        if cleaned:
            remarks.append(cleaned)
    return remarks


def _prompts_definition() -> tuple:
    instrument = current_instrument(FOCUS_GROUP_SLUG)
    if instrument is None:
        abort(404)
    return instrument, definition_of(instrument).localised(current_language())


def _session_or_404(session_id: str) -> FocusGroupSession:
    row = db.session.get(FocusGroupSession, session_id)
    if row is None or row.organisation_id != current_user.organisation_id:
        abort(404)
    return row


@bp.route("/focus-groups")
@hr_only
def focus_groups():
    total = db.session.execute(db.select(db.func.count()).select_from(FocusGroupSession)
                               .where(FocusGroupSession.organisation_id == current_user.organisation_id)).scalar_one()
    page = page_of(total)
    rows = db.session.execute(
        db.select(FocusGroupSession).where(FocusGroupSession.organisation_id == current_user.organisation_id)
        .order_by(FocusGroupSession.held_on.desc(), FocusGroupSession.id).offset(page.offset).limit(page.size)
    ).scalars().all()
    counts = dict(db.session.execute(
        db.select(Comment.focus_group_id, db.func.count()).where(Comment.focus_group_id.in_([r.id for r in rows]))
        .group_by(Comment.focus_group_id)
    ).all()) if rows else {}
    return render_template("hr/focus_groups.html", rows=rows, counts=counts,
                           pagination=pagination_params(page, "hr.focus_groups"))


@bp.route("/focus-groups/new", methods=["GET", "POST"])
@hr_only
def focus_group_new():
    instrument, definition = _prompts_definition()
    form = FocusGroupForm()
    form.service_areas.choices = choices_for_role("service_area", current_language())
    form.prompts.choices = [(q.key, q.text) for q in definition.questions]
    if request.method == "GET":
        form.prompts.data = [q.key for q in definition.questions]
    if form.validate_on_submit():
        offered = {k for k, _ in form.service_areas.choices}
        chosen = set(form.prompts.data)
        session_row = FocusGroupSession(
            organisation_id=current_user.organisation_id,
            instrument_id=instrument.id,
            held_on=form.held_on.data,
            facilitator=clean_free_text(form.facilitator.data, 200),
            participants=form.participants.data,
            service_areas=[k for k, _ in form.service_areas.choices if k in set(form.service_areas.data) & offered],
            prompts=[q.key for q in definition.questions if q.key in chosen],
            closed=False,
        )
        if not session_row.prompts:
            form.prompts.errors = [_("Select at least one prompt")]
        else:
            db.session.add(session_row)
            db.session.flush()
            audit.record("created", "focus_group", session_row.id)
            db.session.commit()
            flash(_("The session has been recorded. Now enter its remarks."))
            return redirect(url_for("hr.focus_group", session_id=session_row.id))
    return render_template("hr/focus_group_new.html", form=form), (400 if form.errors else 200)


def _remarks_by_prompt(row: FocusGroupSession) -> dict[str, list[Comment]]:
    grouped: dict[str, list[Comment]] = {key: [] for key in row.prompts}
    remarks = db.session.execute(
        db.select(Comment).where(Comment.focus_group_id == row.id).order_by(Comment.question_key, Comment.id)
    ).scalars()
    for remark in remarks:
        grouped.setdefault(remark.question_key, []).append(remark)
    return grouped


def _render_session(row: FocusGroupSession, definition: Definition, form, status: int = 200):
    areas = dict(choices_for_role("service_area", current_language()))
    return render_template("hr/focus_group.html", session_row=row, definition=definition, form=form,
                           remarks=_remarks_by_prompt(row), areas=[areas.get(a, a) for a in row.service_areas],
                           close_form=RemarkForm(formdata=None)), status


@bp.route("/focus-groups/<session_id>", methods=["GET", "POST"])
@hr_only
def focus_group(session_id: str):
    row = _session_or_404(session_id)
    definition = definition_of(row.instrument).localised(current_language())
    form = remarks_form_class(definition, row.prompts)()
    if request.method == "POST":
        if row.closed:
            flash(_("This session is closed: its remarks can no longer be changed."))
            return redirect(url_for("hr.focus_group", session_id=row.id))
        if form.validate_on_submit():
            added = 0
            for key in row.prompts:
                question = definition.question(key)
                for text in split_remarks(form[key].data, question.max_length):
                    db.session.add(Comment(organisation_id=row.organisation_id, focus_group_id=row.id,
                                           question_key=key, purpose=question.purpose or "other",
                                           period=month_start(row.held_on), text=text,
                                           language=detect_language(text)))
                    added += 1
            if added:
                audit.record("remarks_added", "focus_group", row.id, f"{added} remarks")
            db.session.commit()
            flash(ngettext("%(num)d remark added.", "%(num)d remarks added.", added) if added
                  else _("No remarks were entered."))
            return redirect(url_for("hr.focus_group", session_id=row.id))
        return _render_session(row, definition, form, 400)
    return _render_session(row, definition, form)


@bp.route("/focus-groups/<session_id>/close", methods=["POST"])
@hr_only
def focus_group_close(session_id: str):
    row = _session_or_404(session_id)
    RemarkForm()  # CSRF is checked globally
    if not row.closed and not confirmed():
        return ask(_("Close this focus group session?"),
                   _("Once closed, its remarks can no longer be added to, changed or removed. This cannot be undone."),
                   _("Yes, close the session"), url_for("hr.focus_group", session_id=row.id))
    if not row.closed:
        row.closed = True
        audit.record("closed", "focus_group", row.id)
        db.session.commit()
    flash(_("The session is closed. Its remarks are kept and can no longer be changed."))
    return redirect(url_for("hr.focus_group", session_id=row.id))


def _remark_or_404(row: FocusGroupSession, remark_id: str) -> Comment:
    remark = db.session.get(Comment, remark_id)
    if remark is None or remark.focus_group_id != row.id:
        abort(404)
    return remark


@bp.route("/focus-groups/<session_id>/remarks/<remark_id>", methods=["GET", "POST"])
@hr_only
def focus_group_remark(session_id: str, remark_id: str):
    row = _session_or_404(session_id)
    remark = _remark_or_404(row, remark_id)
    if row.closed:
        flash(_("This session is closed: its remarks can no longer be changed."))
        return redirect(url_for("hr.focus_group", session_id=row.id))
    definition = definition_of(row.instrument).localised(current_language())
    question = definition.question(remark.question_key)
    form = RemarkForm(data={"text": remark.text})
    if form.validate_on_submit():
        if request.form.get("action") == "remove":
            db.session.delete(remark)
            audit.record("remark_removed", "focus_group", row.id, f"remark {remark.id}")
            flash(_("The remark has been removed."))
        else:
            remark.text = clean_free_text(form.text.data, question.max_length)
            audit.record("remark_edited", "focus_group", row.id, f"remark {remark.id}")
            flash(_("The remark has been changed."))
        db.session.commit()
        return redirect(url_for("hr.focus_group", session_id=row.id))
    if request.method == "POST" and request.form.get("action") == "remove" and not form.errors.get("csrf_token"):
        db.session.delete(remark)
        audit.record("remark_removed", "focus_group", row.id, f"remark {remark.id}")
        db.session.commit()
        flash(_("The remark has been removed."))
        return redirect(url_for("hr.focus_group", session_id=row.id))
    return render_template("hr/focus_group_remark.html", session_row=row, remark=remark, question=question,
                           form=form), (400 if form.errors else 200)
