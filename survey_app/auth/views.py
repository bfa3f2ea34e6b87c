"""Sign in, second factor, sign out (here or everywhere), account, set a password."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    g,
    has_request_context,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from markupsafe import Markup

from .. import audit
from ..access import LAST_SEEN_KEY, SESSION_ID_KEY, before_two_factor, public, roles_required
from ..extensions import db, limiter, login_manager
from ..i18n import NATIVE_NAMES, SESSION_KEY, VISIT_LANGUAGE_KEY, staff_languages_offered, switch_choice
from ..models import ROLES, Organisation, User
from . import accounts
from .forms import CodeForm, ConfirmForm, LanguageForm, ReplaceCodeForm, SetPasswordForm, SignInForm

bp = Blueprint("auth", __name__)

# One answer for every failed sign-in, so it never tells whether an email has an account.
SIGN_IN_REFUSED = _l("The email address or password is not right, or attempts on this account are paused for a "
                     "while after too many tries. If you use an authenticator app, enter its code as well to "
                     "sign in now; otherwise try again in a few minutes, or ask an admin.")
CODE_REFUSED = _l("The security code is not right or has already been used. Enter the newest code.")
PENDING_KEY = "pending_sign_in"
PENDING_AT_KEY = "pending_sign_in_at"
PENDING_MINUTES = 5
SETUP_SECRET_KEY = "totp_setup_secret"  # noqa: S105 - a session key name, not a secret


def init_login(app: Flask) -> None:
    """Bind Flask-Login: sessions name the user and their session token, checked every request."""
    login_manager.init_app(app)
    login_manager.session_protection = "basic"
    login_manager.login_view = "auth.sign_in"

    @login_manager.user_loader
    def load_user(value: str) -> User | None:
        user = user_named_by(value)
        # A session signed out on its own stops working, even through a copy of its cookie.
        if user is None or not accounts.session_is_live(user, session.get(SESSION_ID_KEY)):
            return None
        return user

    @app.context_processor
    def staff_navigation() -> dict[str, Any]:
        # A template rendered by a command has nobody signed in and no page to navigate from.
        if not has_request_context() or not current_user.is_authenticated:
            return {"role_names": role_names()}
        # Worked out once a request: every form field a page renders through the GOV.UK macros
        # is a template of its own, and each would run this again (with its count query).
        if "navigation_items" not in g:
            g.navigation_items = navigation_for(current_user.role, request.endpoint or "")
        return {"role_names": role_names(), "navigation_items": g.navigation_items}


def user_named_by(value: str) -> User | None:
    """The user a session names (``id:session_token``), unless disabled or signed out everywhere."""
    user_id, _, token = value.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.disabled or user.session_token != token:
        return None
    return user


def navigation_for(role: str, endpoint: str) -> list[dict[str, Any]]:
    """Service navigation items for a signed-in user's role; the current section is marked."""
    items: list[tuple[str, str, tuple[str, ...]]] = []
    if role == "hr":
        items += [(_("Overview"), "hr.overview", ("hr.overview",)),
                  (_("Responses"), "hr.queue", ("hr.queue", "hr.response", "hr.paper", "hr.retention")),
                  (_("Focus groups"), "hr.focus_groups", ("hr.focus_group",)),
                  (_("Follow-ups"), "hr.follow_ups", ("hr.follow_up",)),
                  (_("Export"), "hr.export", ("hr.export",)),
                  (_("Themes"), "hr.emerging_themes", ("hr.emerging_theme", "hr.theme_")),
                  (_("Reports"), "reports.index", ("reports.",)),
                  (_("Invitations"), "hr.invitations", ("hr.invitations",)),
                  (_("Headcounts"), "hr.headcounts", ("hr.headcount",)),
                  (_("HR accounts"), "hr.hr_accounts", ("hr.hr_account",))]
    if role == "standards":
        items += [(_("Reports"), "reports.index", ("reports.",))]
    if role == "admin":
        items += [(_("Users"), "admin.users", ("admin.user",)), (_("Surveys"), "admin.surveys", ("admin.survey",)),
                  (_("Settings"), "admin.settings", ("admin.settings",)),
                  (_("Audit log"), "admin.audit_log", ("admin.audit",)),
                  (_("Scheduled jobs"), "admin.jobs", ("admin.jobs",))]
    items += [(_("Your account"), "auth.account", ("auth.account", "auth.two_factor_setup")),
              (_("Sign out"), "auth.sign_out", ("auth.sign_out",))]
    out = [{"text": text, "href": url_for(target), "active": endpoint.startswith(prefixes), "endpoint": target}
           for text, target, prefixes in items]
    if role == "hr":
        # New follow-up requests are counted where HR looks every day, so none waits unseen.
        from ..models import FollowUpRequest

        new = db.session.execute(db.select(db.func.count()).select_from(FollowUpRequest)
                                 .where(FollowUpRequest.status == "new")).scalar_one()
        if new:
            for item in out:
                if item["endpoint"] == "hr.follow_ups":
                    item["text"] = _("Follow-ups (%(count)s new)", count=new)
    return out


def role_names() -> dict[str, str]:
    """The name of each role, in the language of the page."""
    return {"hr": _("HR"), "admin": _("Admin"), "standards": _("Employer Standards group")}


def home_for(user: User) -> str:
    return {"hr": url_for("hr.overview"), "admin": url_for("admin.users"),
            "standards": url_for("reports.index")}.get(user.role, url_for("auth.account"))


def _fresh_session(keep_language: bool = False) -> None:
    """Forget everything in the session, including the CSRF token already made for this request;
    with ``keep_language``, all but the language chosen with the switch (on the way to signing
    in: the person asked for it, and it is only ever one of the council's languages)."""
    chosen = switch_choice() if keep_language else None
    session.clear()
    g.pop("csrf_token", None)
    if chosen:
        session[SESSION_KEY] = chosen


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: no scheme, no host, no '//' tricks."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def _complete_sign_in(user: User) -> Any:
    """Start a fresh session for the user: nothing from before sign-in carries over but the
    language chosen with the switch. Someone who has never saved a language gets that choice
    saved as theirs; someone who has reads this visit in it, and keeps their saved language."""
    next_url = _safe_next(session.get("next_after_sign_in"))
    _fresh_session(keep_language=True)
    chosen = switch_choice()
    login_user(user)
    session[SESSION_ID_KEY] = accounts.start_session(user)
    session[LAST_SEEN_KEY] = accounts.utcnow().timestamp()
    user.failed_signins = 0
    user.locked_until = None
    user.last_signed_in_at = accounts.utcnow()
    saved = chosen is not None and user.language is None
    if saved:
        user.language = chosen
    elif chosen is not None and chosen != user.language:
        session[VISIT_LANGUAGE_KEY] = chosen
    audit.record("signed_in", "user", str(user.id), actor=user)
    db.session.commit()
    if saved:
        with force_locale(chosen):
            flash(_("Your language is set to English.") if chosen == "en"
                  else _("Your language is set to Welsh (Cymraeg)."))
    return redirect(next_url or home_for(user))


def _signin_limit() -> str:
    return current_app.config["RATELIMIT_SIGNIN"]


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(_signin_limit, methods=["POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = SignInForm()
    refused = False
    if request.method == "GET" and request.args.get("next"):
        session["next_after_sign_in"] = _safe_next(request.args["next"])
    if form.validate_on_submit():
        user = accounts.find_user(form.email.data)
        locked = accounts.is_locked(user)
        if locked and user.totp_secret and form.code.data:
            # Throttled, but both factors at once: a stranger repeating wrong passwords cannot
            # keep the owner out, and guessing both together is hopeless.
            if accounts.password_matches(user, form.password.data) and not user.disabled \
                    and accounts.accept_totp(user, form.code.data):
                return _complete_sign_in(user)
            db.session.commit()
            return _sign_in_page(form, refused=True)
        matched = accounts.password_matches(user, form.password.data)
        if matched and not locked and user is not None and not user.disabled:
            if user.totp_secret:
                keep_next = session.get("next_after_sign_in")
                _fresh_session(keep_language=True)
                session[PENDING_KEY] = user.get_id()
                session[PENDING_AT_KEY] = accounts.utcnow().timestamp()
                if keep_next:
                    session["next_after_sign_in"] = keep_next
                db.session.commit()
                return redirect(url_for("auth.two_factor"))
            return _complete_sign_in(user)
        if not locked and accounts.note_failure(user):
            audit.record("locked", "user", str(user.id), "too many failed sign-ins: attempts now slowed", actor=user)
        db.session.commit()
        refused = True
    return _sign_in_page(form, refused)


def _sign_in_page(form: SignInForm, refused: bool):
    idle = session.pop("signed_out_idle", False)
    return render_template("auth/sign_in.html", form=form, refused=refused, idle=idle,
                           sign_in_refused=SIGN_IN_REFUSED), (400 if refused else 200)


def _pending_user() -> User | None:
    value = session.get(PENDING_KEY)
    started = session.get(PENDING_AT_KEY)
    if not value or started is None:
        return None
    if accounts.utcnow().timestamp() - started > PENDING_MINUTES * 60:
        return None
    return user_named_by(value)  # the same account checks as every session


@bp.route("/sign-in/security-code", methods=["GET", "POST"])
@public
@limiter.limit(_signin_limit, methods=["POST"])
def two_factor():
    user = _pending_user()
    if user is None:
        session.pop(PENDING_KEY, None)
        return redirect(url_for("auth.sign_in"))
    form = CodeForm()
    refused = False
    if form.validate_on_submit():
        if not accounts.is_locked(user) and accounts.accept_totp(user, form.code.data):
            return _complete_sign_in(user)
        if not accounts.is_locked(user) and accounts.note_failure(user):
            audit.record("locked", "user", str(user.id), "too many wrong security codes", actor=user)
        db.session.commit()
        refused = True
    return (render_template("auth/two_factor.html", form=form, refused=refused, code_refused=CODE_REFUSED),
            400 if refused else 200)


@bp.route("/sign-out", methods=["GET", "POST"])
@public
def sign_out():
    form = ConfirmForm()
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in"))
    if form.validate_on_submit():
        everywhere = request.form.get("everywhere") == "1"
        user = current_user._get_current_object()
        if everywhere:
            user.session_token = accounts.new_session_token()
            accounts.end_sessions(user)
            audit.record("signed_out_everywhere", "user", str(user.id), actor=user)
        else:
            accounts.end_session(session.get(SESSION_ID_KEY))
        db.session.commit()
        logout_user()
        _fresh_session()
        flash(_("You have signed out everywhere.") if everywhere else _("You have signed out."))
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/sign_out.html", form=form)


@bp.route("/account")
@roles_required(*ROLES)
@before_two_factor
def account():
    return _account_page(LanguageForm(current_app.config["LANGUAGES"], language=current_user.language))


def _account_page(language_form: LanguageForm, status: int = 200):
    org = db.session.get(Organisation, current_user.organisation_id)
    visit = session.get(VISIT_LANGUAGE_KEY)
    # The language chosen for this visit only, named in itself (and marked so), if not the saved one.
    named = Markup('<span lang="{}">{}</span>').format(visit, NATIVE_NAMES[visit]) \
        if visit in NATIVE_NAMES and visit != current_user.language else None
    return render_template("auth/account.html", form=ConfirmForm(), language_form=language_form,
                           required=bool(org and org.require_two_factor), visit_language=named), status


@bp.route("/account/language", methods=["POST"])
@roles_required(*ROLES)
@before_two_factor
def account_language():
    """A signed-in person chooses the language of their own staff pages (only where Welsh is offered)."""
    if not staff_languages_offered():
        abort(404)
    form = LanguageForm(current_app.config["LANGUAGES"])
    if not form.validate_on_submit():
        return _account_page(form, 400)
    user = current_user._get_current_object()
    user.language = form.language.data
    db.session.commit()
    session.pop(VISIT_LANGUAGE_KEY, None)  # the saved language now holds for this visit too
    with force_locale(user.language):
        flash(_("Your language is set to English.") if user.language == "en"
              else _("Your language is set to Welsh (Cymraeg)."))
    return redirect(url_for("auth.account"))


@bp.route("/account/security-code", methods=["GET", "POST"])
@roles_required(*ROLES)
@before_two_factor
def two_factor_setup():
    user = current_user._get_current_object()
    replacing = bool(user.totp_secret)
    form = ReplaceCodeForm() if replacing else CodeForm()
    if request.method == "GET" or SETUP_SECRET_KEY not in session:
        session[SETUP_SECRET_KEY] = accounts.new_totp_secret()
    secret = session[SETUP_SECRET_KEY]
    refused = False
    if form.validate_on_submit():
        step = accounts.totp_step(secret, form.code.data)
        if replacing and not accounts.accept_totp(user, form.current_code.data):
            form.current_code.errors.append(_("The code from the app you use now is not right"))
            db.session.commit()  # a code tried is spent, right or wrong
        elif step is not None:
            user.totp_secret = secret
            user.totp_last_step = step
            session.pop(SETUP_SECRET_KEY, None)
            audit.record("two_factor_set_up", "user", str(user.id))
            db.session.commit()
            flash(_("Your authenticator app is set up. You will be asked for a code each time you sign in."))
            return redirect(url_for("auth.account"))
        refused = True
    org = db.session.get(Organisation, user.organisation_id)
    uri = accounts.totp_uri(secret, user.email)
    grouped = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
    return render_template("auth/two_factor_setup.html", form=form, refused=refused, qr=accounts.totp_qr_data_uri(uri),
                           key=grouped, required=bool(org and org.require_two_factor),
                           replacing=replacing), (400 if refused or form.errors else 200)


@bp.route("/set-password/<token>", methods=["GET", "POST"])
@public
@limiter.limit(_signin_limit, methods=["POST"])
def set_password(token: str):
    user = accounts.user_for_password_link(token)
    if user is None:
        return render_template("auth/link_expired.html"), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        accounts.set_password(user, form.password.data)
        audit.record("password_set", "user", str(user.id), actor=user)
        db.session.commit()
        if current_user.is_authenticated:
            logout_user()
        _fresh_session(keep_language=True)
        flash(_("Your password is set. Sign in with it now."))
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/set_password.html", form=form, email=user.email,
                           days=int(timedelta(days=current_app.config["INVITATION_DAYS"]).days)), \
        (400 if form.errors else 200)
