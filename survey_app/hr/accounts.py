"""HR confirms HR: an HR role an admin gives starts only when a different HR user confirms it.

Admins manage accounts but never read answers. Without this step an admin could invite an HR
account to an address of their own and read everything; with it, reading answers always needs
somebody who already reads them. Both the request (by the admin) and the confirmation are in the
audit log.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import audit
from ..auth.forms import ConfirmForm
from ..extensions import db
from ..models import User
from . import bp
from .common import hr_only


def _waiting() -> list[User]:
    return db.session.execute(
        db.select(User).where(User.organisation_id == current_user.organisation_id, User.role == "hr",
                              User.hr_unconfirmed.is_(True), User.disabled.is_(False)).order_by(User.email)
    ).scalars().all()


@bp.route("/accounts", methods=["GET"])
@hr_only
def hr_accounts():
    return render_template("hr/accounts.html", waiting=_waiting(), form=ConfirmForm())


@bp.route("/accounts/<int:user_id>/confirm", methods=["POST"])
@hr_only
def hr_account_confirm(user_id: int):
    form = ConfirmForm()
    user = db.session.get(User, user_id)
    if user is None or user.organisation_id != current_user.organisation_id or user.role != "hr" \
            or not user.hr_unconfirmed:
        abort(404)
    if user.id == current_user.id:
        abort(403)  # unreachable while unconfirmed users are kept out, and refused regardless
    if form.validate_on_submit():
        user.hr_unconfirmed = False
        audit.record("hr_access_confirmed", "user", str(user.id), f"{user.email} confirmed by HR")
        db.session.commit()
        flash(_("%(email)s can now use HR pages.", email=user.email))
    return redirect(url_for("hr.hr_accounts"))
