"""Respondent pages. Anonymous: nothing here reads or stores who the person is."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovTextInput
from sqlalchemy.exc import IntegrityError
from wtforms import RadioField, StringField
from wtforms.validators import InputRequired, Length, Optional

from .. import mail, mixing
from ..access import public
from ..codes import check_code, spend_code
from ..extensions import db, limiter
from ..forms import answer_text, answers_from_form, field_params, page_form_class
from ..i18n import choose_language, current_language
from ..instruments import Definition, Page
from ..models import FollowUpRequest, Instrument, default_organisation
from ..questionnaires import current_instrument, definition_of, sync_when_shipped_changed
from ..submissions import AnswerError, clean_free_text, sending_digest, sending_token
from . import drafts

bp = Blueprint("respond", __name__)

RETENTION_MONTHS_DEFAULT = 36


def _form_limit() -> str:
    return current_app.config["RATELIMIT_FORM"]


def _submit_limit() -> str:
    return current_app.config["RATELIMIT_SUBMIT"]


@bp.app_context_processor
def _respondent_context() -> dict[str, Any]:
    return {
        "threshold": current_app.config["DISCLOSURE_THRESHOLD"],
        "retention_months": current_app.config.get("RETENTION_MONTHS", RETENTION_MONTHS_DEFAULT),
        "field_params": field_params,
    }


def _load(slug: str) -> tuple[Instrument, Definition]:
    """The current instrument and its definition in the respondent's language."""
    instrument = current_instrument(slug)
    if instrument is None or instrument.kind == "focus_group":
        abort(404)
    return instrument, definition_of(instrument).localised(current_language())


def _closed_message(instrument: Instrument, today: date) -> str | None:
    if instrument.opens_on and today < instrument.opens_on:
        return _("It opens on %(date)s.", date=format_date(instrument.opens_on, "d MMMM y"))
    if instrument.closes_on and today > instrument.closes_on:
        return _("It closed on %(date)s.", date=format_date(instrument.closes_on, "d MMMM y"))
    return None


SENT_KEY = "sent"  # questionnaires this browser has sent answers to in this session (slugs only)


def _guard(instrument: Instrument, definition: Definition, need_code: bool = True):
    """A response to send instead of the page (closed survey, missing code, answers already
    sent from this browser and nothing new started), or None."""
    message = _closed_message(instrument, date.today())
    if message:
        return render_template("respond/closed.html", definition=definition, message=message), 403
    if need_code and drafts.get_draft(instrument) is None and (
            instrument.slug in session.get(SENT_KEY, []) or drafts.vanished_when_sent()):
        return render_template("respond/already_sent.html", definition=definition), 200
    if need_code and drafts.get_draft(instrument) is None and drafts.lost():
        hours = int(current_app.config["DRAFT_LIFETIME"].total_seconds() // 3600)
        return render_template("respond/expired.html", definition=definition, hours=hours,
                               saved_days=current_app.config["SAVED_DRAFT_DAYS"] if drafts.lost_were_saved()
                               else None), 200
    if need_code and instrument.requires_code:
        draft = drafts.get_draft(instrument)
        if draft is None or not drafts.contents(draft, instrument.slug).get("code_hash"):
            return redirect(url_for("respond.code", slug=instrument.slug))
    return None


def _answers(instrument: Instrument) -> dict[str, Any]:
    draft = drafts.get_draft(instrument)
    return dict(drafts.contents(draft, instrument.slug).get("answers", {})) if draft else {}


@bp.route("/")
@public
def index():
    sync_when_shipped_changed()
    rows = db.session.execute(
        db.select(Instrument).filter(Instrument.is_current.is_(True), Instrument.kind != "focus_group")
        .order_by(Instrument.kind, Instrument.title)
    ).scalars()
    today = date.today()
    language = current_language()
    instruments = [{"slug": row.slug, "title": definition_of(row).localised(language).title}
                   for row in rows if _closed_message(row, today) is None]
    return render_template("respond/index.html", instruments=instruments)


@bp.route("/language/<code>")
@public
def language(code: str):
    """Change the language of the journey (the switch at the top of every respondent page)."""
    return choose_language(code)


@bp.route("/privacy")
@public
def privacy():
    hours = int(current_app.config["DRAFT_LIFETIME"].total_seconds() // 3600)
    return render_template("respond/privacy.html", draft_hours=hours)


@bp.route("/accessibility")
@public
def accessibility():
    return render_template("respond/accessibility.html")


@bp.route("/<slug>/")
@public
def start(slug: str):
    instrument, definition = _load(slug)
    if request.args.get("again"):  # a new set of answers after sending one from this browser
        session[SENT_KEY] = [s for s in session.get(SENT_KEY, []) if s != slug]
    blocked = _guard(instrument, definition, need_code=False)
    if blocked:
        return blocked
    first = definition.main_pages[0].id
    start_url = (url_for("respond.code", slug=slug) if instrument.requires_code
                 else url_for("respond.page", slug=slug, page_id=first))
    minutes = max(5, round(len(definition.questions) * 0.5 / 5) * 5)
    return render_template("respond/start.html", definition=definition, start_url=start_url, minutes=minutes)


@bp.route("/<slug>/code", methods=["GET", "POST"])
@public
@limiter.limit(_form_limit, methods=["POST"])
def code(slug: str):
    instrument, definition = _load(slug)
    if not instrument.requires_code:
        return redirect(url_for("respond.page", slug=slug, page_id=definition.main_pages[0].id))
    blocked = _guard(instrument, definition, need_code=False)
    if blocked:
        return blocked
    error, value = None, ""
    if request.method == "POST":
        value = request.form.get("code", "")[:40]
        digest, error = check_code(slug, value)
        if digest:
            draft = drafts.get_draft(instrument, create=True)
            drafts.mark(draft, slug, "code_hash", digest)
            return redirect(url_for("respond.page", slug=slug, page_id=definition.main_pages[0].id))
    status = 400 if error else 200
    return render_template("respond/code.html", slug=slug, error=error, value=value), status


def _neighbours(definition: Definition, page: Page) -> tuple[str, str]:
    """(back URL, next URL) for a page in the journey."""
    slug = definition.slug
    if page.after_check:
        return url_for("respond.check", slug=slug), ""
    pages = definition.main_pages
    index = [p.id for p in pages].index(page.id)
    if index == 0:
        back = url_for("respond.start", slug=slug)
    else:
        back = url_for("respond.page", slug=slug, page_id=pages[index - 1].id)
    forward = (url_for("respond.page", slug=slug, page_id=pages[index + 1].id) if index + 1 < len(pages)
               else url_for("respond.check", slug=slug))
    return back, forward


@bp.route("/<slug>/<page_id>", methods=["GET", "POST"])
@public
@limiter.limit(_form_limit, methods=["POST"])
def page(slug: str, page_id: str):
    instrument, definition = _load(slug)
    try:
        the_page = definition.page(page_id)
    except KeyError:
        abort(404)
    blocked = _guard(instrument, definition)
    if blocked:
        return blocked
    back, forward = _neighbours(definition, the_page)
    changing = request.args.get("change") == "1"
    if changing:
        back = url_for("respond.check", slug=slug)
    if request.method == "POST" and the_page.after_check and request.form.get("action") == "skip":
        # Sending without the optional questions needs neither their form nor the saved answers.
        return _submit(instrument, definition, skip_after_check=True)
    form_class = page_form_class(the_page, date.today())
    if request.method == "POST":
        form = form_class()
        if form.validate():
            draft = drafts.get_draft(instrument, create=True)
            drafts.save_page(draft, slug, answers_from_form(the_page.questions, form))
            if the_page.after_check:
                return _submit(instrument, definition)
            if request.form.get("action") == "save":
                return redirect(url_for("respond.save", slug=slug))
            return redirect(url_for("respond.check", slug=slug) if changing else forward)
        status = 400
    else:
        saved = _answers(instrument)
        form = form_class(data={q.key: saved.get(q.key) for q in the_page.questions})
        status = 200
    steps = definition.main_pages
    step = (_("page %(number)s of %(pages)s", number=[p.id for p in steps].index(page_id) + 1, pages=len(steps))
            if not the_page.after_check else _("optional"))
    return render_template("respond/page.html", definition=definition, page=the_page, form=form,
                           back_url=back, step=step), status


def _missing_required(definition: Definition, answers: dict[str, Any]) -> list[dict[str, str]]:
    errors = []
    for page in definition.main_pages:
        for q in page.questions:
            if q.required and answers.get(q.key) in (None, "", []):
                errors.append({"text": _("Answer ‘%(question)s’", question=q.text),
                               "href": url_for("respond.page", slug=definition.slug, page_id=page.id, change=1)})
    return errors


@bp.route("/<slug>/check", methods=["GET", "POST"])
@public
@limiter.limit(_submit_limit, methods=["POST"])
def check(slug: str):
    instrument, definition = _load(slug)
    blocked = _guard(instrument, definition)
    if blocked:
        return blocked
    answers = _answers(instrument)
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        errors = _missing_required(definition, answers)
        if not errors:
            if definition.after_check_pages:
                return redirect(url_for("respond.page", slug=slug, page_id=definition.after_check_pages[0].id))
            return _submit(instrument, definition)
    sections = []
    for page in definition.main_pages:
        rows = []
        for q in page.questions:
            change = url_for("respond.page", slug=slug, page_id=page.id, change=1)
            rows.append({
                "key": {"text": q.text},
                "value": {"text": answer_text(q, answers.get(q.key), _("Not answered"))},
                "actions": {"items": [{"href": change, "text": _("Change"), "visuallyHiddenText": q.text}]},
            })
        sections.append({"title": page.title, "rows": rows})
    back = url_for("respond.page", slug=slug, page_id=definition.main_pages[-1].id)
    draft = drafts.get_draft(instrument)
    deleted_at = None
    if draft is not None:
        local = drafts.deleted_at(draft).replace(tzinfo=UTC).astimezone(ZoneInfo("Europe/London"))
        today = datetime.now(UTC).astimezone(ZoneInfo("Europe/London")).date()
        deleted_at = local.strftime("%H:%M") if local.date() == today else \
            f"{format_date(local.date(), 'd MMMM')} {local.strftime('%H:%M')}"
    return render_template("respond/check.html", sections=sections, errors=errors, back_url=back,
                           has_more=bool(definition.after_check_pages), deleted_at=deleted_at,
                           slug=slug), \
        (400 if errors else 200)


@bp.route("/<slug>/save", methods=["GET", "POST"])
@public
@limiter.limit(_form_limit, methods=["POST"])
def save(slug: str):
    """Save and come back later: a return code the person keeps, no account, nothing about them."""
    instrument, definition = _load(slug)
    blocked = _guard(instrument, definition)
    if blocked:
        return blocked
    draft = drafts.get_draft(instrument)
    if draft is None:  # nothing answered yet: nothing to save
        return redirect(url_for("respond.start", slug=slug))
    days = current_app.config["SAVED_DRAFT_DAYS"]
    if request.method == "POST":
        code = drafts.save_with_code(draft, slug)
        if code is None:  # sent from another tab meanwhile, or past its expiry: the check page says
            return redirect(url_for("respond.check", slug=slug))
        # Shown once, in this response only: never in a URL, a log or an email.
        return render_template("respond/saved.html", definition=definition, code=code, days=days,
                               resume_link=mail.service_link(url_for("respond.resume", slug=slug)))
    return render_template("respond/save.html", definition=definition, days=days,
                           saved_before=drafts.is_saved(draft, slug))


@bp.route("/<slug>/resume", methods=["GET", "POST"])
@public
@limiter.limit(_form_limit, methods=["POST"])
def resume(slug: str):
    """Go on with answers saved under a return code, in this browser."""
    instrument, definition = _load(slug)
    blocked = _guard(instrument, definition, need_code=False)
    if blocked:
        return blocked
    error, value = None, ""
    if request.method == "POST":
        value = request.form.get("code", "")[:40]
        if not value.strip():
            error = _("Enter your return code")
        elif drafts.normalise_return_code(value) is None:
            error = _("Enter the return code as it was shown to you: 16 letters and numbers, "
                      "for example 7KQ4-M2XR-9HTD-WP3B")
        elif drafts.resume(instrument, value) is None:
            error = _("No saved answers match this return code. Check the code. Saved answers are deleted "
                      "%(days)s days after they were last saved.", days=current_app.config["SAVED_DRAFT_DAYS"])
        else:
            session[SENT_KEY] = [s for s in session.get(SENT_KEY, []) if s != slug]
            return redirect(url_for("respond.check", slug=slug))
    return render_template("respond/resume.html", definition=definition, error=error, value=value), \
        (400 if error else 200)


def _submit(instrument: Instrument, definition: Definition, skip_after_check: bool = False):
    """Send the draft in one transaction: draft deleted, answers sealed into the mixing pool, code
    spent, or nothing. Once that commits the answers are safe; they become a response when the
    pool is released (``survey_app.mixing``), in a transaction of its own."""
    # Read before committing: the commit expires the row and reading it again costs a query.
    slug = instrument.slug
    draft = drafts.get_draft(instrument)
    if draft is None:
        return redirect(url_for("respond.start", slug=instrument.slug))
    held = drafts.contents(draft, slug)
    answers = dict(held.get("answers", {}))
    if skip_after_check:
        for page in definition.after_check_pages:
            for q in page.questions:
                answers.pop(q.key, None)
    missing = _missing_required(definition, answers)
    if missing:
        return redirect(url_for("respond.check", slug=instrument.slug))
    try:
        # Checked and sealed before the first write: on SQLite, writers take turns from their
        # first write to their commit, so the turn is kept short. Stored from the English
        # definition: keys and values are the same in every language.
        row = mixing.sealed(instrument, definition_of(instrument), answers, channel="online")
        release = mixing.due(adding=1)
        if not drafts.claim(draft):
            # Sent by another request meanwhile (or past its expiry and purged): the check page
            # says which, as it does to a browser that sends again after its reply was lost.
            db.session.rollback()
            return redirect(url_for("respond.check", slug=slug))
        mixing.add(row)
        if held.get("code_hash") and not spend_code(held["code_hash"]):
            db.session.rollback()
            drafts.forget(slug)
            return render_template("respond/code.html", slug=slug,
                                   error=_("This invitation code has already been used"), value=""), 400
        db.session.commit()
    except AnswerError:
        db.session.rollback()
        return redirect(url_for("respond.check", slug=instrument.slug))
    drafts.forget(slug)
    session[SENT_KEY] = sorted(set(session.get(SENT_KEY, [])) | {slug})
    if release:
        mixing.release_if_ready()
    return redirect(url_for("respond.done", slug=slug))


@bp.route("/<slug>/done")
@public
def done(slug: str):
    instrument, definition = _load(slug)
    return render_template("respond/done.html", kind=definition.kind)


TALK_TO = [
    ("hr", _l("Someone in HR")),
    ("other_manager", _l("A manager who is not my line manager")),
    ("senior_manager", _l("A senior manager")),
]


class FollowUpForm(FlaskForm):
    talk_to = RadioField(_l("Who would you like to talk to?"), choices=TALK_TO, widget=GovRadioInput(),
                         validators=[InputRequired(message=_l("Select who you would like to talk to"))])
    name = StringField(_l("Your name"), widget=GovTextInput(),
                       validators=[InputRequired(message=_l("Enter your name")),
                                   Length(max=200, message=_l("Your name must be 200 characters or fewer"))])
    contact = StringField(_l("How should we contact you?"), widget=GovTextInput(),
                          validators=[InputRequired(message=_l("Enter an email address or phone number")),
                                      Length(max=300, message=_l("Contact details must be 300 characters or fewer"))])
    best_time = StringField(_l("When is a good time to contact you? (optional)"), widget=GovTextInput(),
                            validators=[Optional(),
                                        Length(max=300, message=_l("This must be 300 characters or fewer"))])


@bp.route("/follow-up", methods=["GET", "POST"])
@public
@limiter.limit(_submit_limit, methods=["POST"])
def follow_up():
    form = FollowUpForm()
    # Made when the form is shown and sent back with it: the same form sent twice is one request.
    sending = sending_token(request.form.get("sending"))
    if form.validate_on_submit():
        digest = sending_digest("follow-up", sending)
        db.session.add(
            FollowUpRequest(
                organisation_id=default_organisation().id,
                talk_to=form.talk_to.data,
                name=clean_free_text(form.name.data, 200),
                contact=clean_free_text(form.contact.data, 300),
                best_time=clean_free_text(form.best_time.data or "", 300) or None,
                requested_on=date.today(),
                sending=digest,
            )
        )
        try:
            db.session.flush()
        except IntegrityError:
            # Sent before (or at this moment, by a second click): that request stands, and HR
            # hears of it once.
            db.session.rollback()
            if db.session.execute(db.select(FollowUpRequest.id).filter_by(sending=digest)).scalar() is None:
                raise
            return redirect(url_for("respond.follow_up_done"))
        if current_app.config["HR_MAILBOX"]:
            # Queued with the request, sent later by 'flask mail send': the leaver never waits
            # for the mail server. It names nobody and carries nothing the leaver wrote.
            mail.queue(default_organisation().id, current_app.config["HR_MAILBOX"],
                       "A follow-up conversation was requested",
                       "A leaver has asked for a follow-up conversation.\n\n"
                       f"Sign in to see who to contact and how: {mail.service_link(url_for('hr.follow_ups'))}\n",
                       kind="follow_up_requested")
        db.session.commit()
        return redirect(url_for("respond.follow_up_done"))
    return render_template("respond/follow_up.html", form=form, sending=sending), (400 if form.errors else 200)


@bp.route("/follow-up/done")
@public
def follow_up_done():
    return render_template("respond/follow_up_done.html")
