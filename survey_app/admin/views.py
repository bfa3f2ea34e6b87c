"""Users, settings, survey windows and the audit log (read-only: no route edits or deletes it)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import audit, mail
from ..access import roles_required
from ..auth import accounts
from ..auth.views import role_names
from ..confirm import ask, confirmed
from ..extensions import db
from ..hr.common import page_of, pagination_params
from ..i18n import current_language
from ..models import ROLE_NAMES, AuditEvent, Instrument, Organisation, User
from ..questionnaires import definition_of
from ..respond.views import _closed_message
from . import bp
from .forms import AuditFilterForm, InviteForm, RoleForm, SettingsForm, SurveyWindowForm

admin_only = roles_required("admin")


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.organisation_id != current_user.organisation_id:
        abort(404)
    return user


def _link(token: str) -> str:
    """The set-password link for a token, on the configured address of the service: a request's
    Host header is whatever the sender wrote, so it never decides where a link points."""
    base = current_app.config["BASE_URL"] or "http://localhost:5000"
    return base + url_for("auth.set_password", token=token)


def _email_link(user: User, token: str, invited: bool) -> None:
    """Queue the set-password link to the person's own address: the admin never sees it, so
    an admin cannot use an account they create or reset."""
    days = current_app.config["INVITATION_DAYS"]
    what = "You have been given an ExitVoice account" if invited else "Your ExitVoice sign-in has been reset"
    mail.queue(user.organisation_id, user.email,
               "Set your ExitVoice password" if invited else "Reset your ExitVoice sign-in",
               f"{what} ({ROLE_NAMES[user.role]}).\n\n"
               f"Set your password with this link. It works once and expires in {days} days:\n{_link(token)}\n\n"
               "If you did not expect this email, ignore it and tell your IT service desk.\n",
               kind="account_link")


def _send_now_if_logging() -> None:
    """In development (the log backend) there is no relay to wait for: write the email now."""
    if current_app.config["MAIL_BACKEND"] == "log":
        mail.send_queued()


@bp.route("/users")
@admin_only
def users():
    rows = db.session.execute(
        db.select(User).where(User.organisation_id == current_user.organisation_id).order_by(User.email)
    ).scalars().all()
    return render_template("admin/users.html", rows=rows, now=accounts.utcnow())


@bp.route("/users/invite", methods=["GET", "POST"])
@admin_only
def user_invite():
    form = InviteForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(form.email.data, form.role.data)
        except accounts.AccountError as exc:
            form.email.errors = [str(exc)]
        else:
            token = accounts.issue_password_link(user)
            user.hr_unconfirmed = user.role == "hr"
            db.session.flush()
            audit.record("invited", "user", str(user.id), f"{user.email} as {user.role}")
            if user.hr_unconfirmed:
                audit.record("hr_access_requested", "user", str(user.id), "waits for confirmation by HR")
            _email_link(user, token, invited=True)
            db.session.commit()
            _send_now_if_logging()
            return render_template("admin/user_link.html", user=user, invited=True)
    return render_template("admin/user_invite.html", form=form), (400 if form.errors else 200)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_only
def user(user_id: int):
    user = _user_or_404(user_id)
    form = RoleForm(data={"role": user.role})
    is_self = user.id == current_user.id
    if request.method == "POST":
        action = request.form.get("action")
        if is_self and action in ("role", "disable", "reset"):
            flash(_("You cannot change your own role, disable or reset your own account. Ask another admin."))
            return redirect(url_for("admin.user", user_id=user.id))
        if action == "role" and form.validate_on_submit():
            old = user.role
            user.role = form.role.data
            user.session_token = accounts.new_session_token()  # new rights start with a new sign-in
            audit.record("role_changed", "user", str(user.id), f"{old} to {user.role}")
            if user.role == "hr" and old != "hr":
                user.hr_unconfirmed = True
                audit.record("hr_access_requested", "user", str(user.id), "waits for confirmation by HR")
            db.session.commit()
            flash(_("%(email)s is now %(role)s.", email=user.email, role=role_names()[user.role]))
            return redirect(url_for("admin.user", user_id=user.id))
        if action in ("disable", "enable"):  # the CSRF token is checked for every POST
            user.disabled = action == "disable"
            user.session_token = accounts.new_session_token()
            audit.record("disabled" if user.disabled else "enabled", "user", str(user.id))
            if not user.disabled and user.role == "hr":
                user.hr_unconfirmed = True
                audit.record("hr_access_requested", "user", str(user.id), "re-enabled: waits for confirmation by HR")
            db.session.commit()
            flash(_("%(email)s is disabled and signed out everywhere.", email=user.email) if user.disabled
                  else _("%(email)s is enabled.", email=user.email))
            return redirect(url_for("admin.user", user_id=user.id))
        if action == "reset":
            token = accounts.reset_sign_in(user)
            audit.record("sign_in_reset", "user", str(user.id), "password and security code cleared")
            _email_link(user, token, invited=False)
            db.session.commit()
            _send_now_if_logging()
            return render_template("admin/user_link.html", user=user, invited=False)
    return render_template("admin/user.html", user=user, form=form, is_self=is_self,
                           locked=accounts.is_locked(user)), (400 if form.errors else 200)


@bp.route("/settings", methods=["GET", "POST"])
@admin_only
def settings():
    org = db.session.get(Organisation, current_user.organisation_id)
    form = SettingsForm(data={"require_two_factor": org.require_two_factor})
    if form.validate_on_submit():
        org.require_two_factor = bool(form.require_two_factor.data)
        audit.record("settings_changed", "organisation", str(org.id),
                     f"security code {'required' if org.require_two_factor else 'optional'}")
        db.session.commit()
        flash(_("Settings saved."))
        return redirect(url_for("admin.settings"))
    without = db.session.execute(
        db.select(db.func.count()).select_from(User)
        .where(User.organisation_id == org.id, User.totp_secret.is_(None), User.disabled.is_(False))
    ).scalar_one()
    return render_template("admin/settings.html", form=form, without=without)


@bp.route("/surveys")
@admin_only
def surveys():
    rows = db.session.execute(
        db.select(Instrument).where(Instrument.organisation_id == current_user.organisation_id,
                                    Instrument.is_current.is_(True), Instrument.kind != "focus_group")
        .order_by(Instrument.title)
    ).scalars().all()
    today = date.today()
    return render_template("admin/surveys.html", rows=rows, closed={r.id: _closed_message(r, today) for r in rows},
                           titles=_titles(rows))


def _titles(rows: list[Instrument]) -> dict[int, str]:
    """Each questionnaire's title in the language of the page (the stored title is English)."""
    return {r.id: definition_of(r).localised(current_language()).title for r in rows}


@bp.route("/surveys/<int:instrument_id>", methods=["GET", "POST"])
@admin_only
def survey(instrument_id: int):
    row = db.session.get(Instrument, instrument_id)
    if row is None or row.organisation_id != current_user.organisation_id or row.kind == "focus_group":
        abort(404)
    form = SurveyWindowForm(data={"opens_on": row.opens_on, "closes_on": row.closes_on})
    if form.validate_on_submit():
        today = date.today()
        action = request.form.get("action")
        if action == "close_now" and not confirmed():
            title = definition_of(row).localised(current_language()).title
            return ask(_("Close %(survey)s now?", survey=title),
                       _("Nobody will be able to start or send answers until you open it again. Answers in "
                         "progress cannot be sent."), _("Yes, close it now"),
                       url_for("admin.survey", instrument_id=row.id))
        if action == "close_now":
            row.closes_on = today - timedelta(days=1)
            if row.opens_on and row.opens_on > row.closes_on:
                row.opens_on = None
        elif action == "open_now":
            row.opens_on, row.closes_on = today, (form.closes_on.data if form.closes_on.data
                                                  and form.closes_on.data >= today else None)
        else:
            row.opens_on, row.closes_on = form.opens_on.data, form.closes_on.data
        window = f"{row.opens_on or 'open start'} to {row.closes_on or 'open end'}"
        audit.record("window_changed", "instrument", str(row.id), f"{row.slug}: {window}")
        db.session.commit()
        message = _closed_message(row, today)
        title = _titles([row])[row.id]
        flash(_("%(survey)s is closed to respondents.", survey=title) + " " + message if message
              else _("%(survey)s is open to respondents.", survey=title))
        return redirect(url_for("admin.surveys"))
    return render_template("admin/survey.html", row=row, form=form, title=_titles([row])[row.id],
                           closed=_closed_message(row, date.today())), (400 if form.errors else 200)


@bp.route("/audit")
@admin_only
def audit_log():
    form = AuditFilterForm(request.args)
    org_id = current_user.organisation_id
    actions = db.session.execute(db.select(AuditEvent.action).where(AuditEvent.organisation_id == org_id)
                                 .distinct().order_by(AuditEvent.action)).scalars().all()
    types = db.session.execute(db.select(AuditEvent.record_type).where(AuditEvent.organisation_id == org_id)
                               .distinct().order_by(AuditEvent.record_type)).scalars().all()
    # The log's own words (actions, records, details) are kept in English, as recorded.
    form.action.choices = [("", _("All"))] + [(a, a.replace("_", " ")) for a in actions]
    form.record_type.choices = [("", _("All"))] + [(t, t.replace("_", " ")) for t in types]
    query = db.select(AuditEvent).where(AuditEvent.organisation_id == org_id)
    form.validate()
    if form.actor.data:
        query = query.where(AuditEvent.actor.contains(form.actor.data.strip().lower()))
    if form.action.data:
        query = query.where(AuditEvent.action == form.action.data)
    if form.record_type.data:
        query = query.where(AuditEvent.record_type == form.record_type.data)
    if form.date_from.data and not form.date_from.errors:
        query = query.where(AuditEvent.occurred_at >= datetime.combine(form.date_from.data, datetime.min.time()))
    if form.date_to.data and not form.date_to.errors:
        query = query.where(AuditEvent.occurred_at < datetime.combine(form.date_to.data + timedelta(days=1),
                                                                      datetime.min.time()))
    total = db.session.execute(db.select(db.func.count()).select_from(query.subquery())).scalar_one()
    page = page_of(total)
    rows = db.session.execute(
        query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()).offset(page.offset).limit(page.size)
    ).scalars().all()
    return render_template("admin/audit.html", form=form, rows=rows, total=total,
                           pagination=pagination_params(page, "admin.audit_log"))


@bp.route("/jobs")
@admin_only
def jobs():
    """The scheduled jobs ``flask worker`` runs: last run, outcome and when each is next due."""
    from ..worker import schedule

    return render_template("admin/jobs.html", jobs=schedule())
