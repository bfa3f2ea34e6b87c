"""Follow-up requests: people who asked to talk to someone. Named by nature, so kept apart.

These pages never show a request beside a response and filter only by status: nothing here can
join a request to the answers its author gave.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import audit
from ..extensions import db
from ..models import FOLLOW_UP_STATUSES, FollowUpRequest
from ..respond.views import TALK_TO
from ..submissions import clean_free_text
from . import bp
from .common import hr_only, page_of, pagination_params
from .forms import NOTE_LIMIT, STATUS_NAMES, FollowUpForm

STATUS_TAGS = {"new": "govuk-tag--blue", "contacted": "govuk-tag--yellow", "done": "govuk-tag--green",
               "declined": "govuk-tag--grey"}


@bp.route("/follow-ups")
@hr_only
def follow_ups():
    status = request.args.get("status", "")
    query = db.select(FollowUpRequest).where(FollowUpRequest.organisation_id == current_user.organisation_id)
    if status in FOLLOW_UP_STATUSES:
        query = query.where(FollowUpRequest.status == status)
    total = db.session.execute(db.select(db.func.count()).select_from(query.subquery())).scalar_one()
    page = page_of(total)
    rows = db.session.execute(
        query.order_by(FollowUpRequest.requested_on.desc(), FollowUpRequest.id).offset(page.offset).limit(page.size)
    ).scalars().all()
    return render_template("hr/follow_ups.html", rows=rows, status=status, statuses=STATUS_NAMES,
                           tags=STATUS_TAGS, talk_to=dict(TALK_TO),
                           pagination=pagination_params(page, "hr.follow_ups"))


@bp.route("/follow-ups/<request_id>", methods=["GET", "POST"])
@hr_only
def follow_up(request_id: str):
    row = db.session.get(FollowUpRequest, request_id)
    if row is None or row.organisation_id != current_user.organisation_id:
        abort(404)
    form = FollowUpForm(data={"status": row.status, "notes": row.notes})
    if form.validate_on_submit():
        row.status = form.status.data
        row.notes = clean_free_text(form.notes.data or "", NOTE_LIMIT) or None
        audit.record("updated", "follow_up", row.id, f"status {row.status}")
        db.session.commit()
        flash(_("The follow-up request has been updated."))
        return redirect(url_for("hr.follow_ups"))
    return render_template("hr/follow_up.html", row=row, form=form, talk_to=dict(TALK_TO), statuses=STATUS_NAMES,
                           tags=STATUS_TAGS), (400 if form.errors else 200)
