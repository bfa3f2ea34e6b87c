"""Staff-survey invitations by email: one code per address, and the list forgotten once sent.

HR pastes or uploads the addresses of the staff to invite. Each address is sent one invitation
code, in its own email, through the outbox; the code is stored only as a hash, and the address
only in its outbox message, which erases it once the message is sent (``mail.py``). So after the
sending nothing joins a person to a code, and only the number of invitations is kept: the
response rate is the share of a batch's codes that have been used.

A reminder goes to everyone on the list HR gives again, because the service cannot know who has
answered; it carries no code (that would let someone answer twice) and says so.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from .. import audit, mail
from ..codes import issue_codes
from ..extensions import db
from ..i18n import current_language
from ..models import Instrument, InvitationCode, default_organisation
from ..questionnaires import definition_of
from . import bp
from .common import hr_only

MAX_ADDRESSES = 5000
_ADDRESS = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\"]+$")


def parse_addresses(text: str) -> tuple[list[str], list[str]]:
    """Addresses from pasted text or an uploaded file (one per line, or separated by commas or
    semicolons; a CSV's header word "email" is skipped), lower-cased and without repeats; and
    a message per entry that is not an address."""
    addresses: dict[str, None] = {}
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        for entry in re.split(r"[,;\t]", line):
            entry = entry.strip().strip('"').strip()
            if not entry or entry.lower() in ("email", "email address", "address"):
                continue
            if _ADDRESS.match(entry):
                addresses.setdefault(entry.lower())
            else:
                problems.append(_("Line %(number)s: '%(entry)s' is not an email address", number=number,
                                  entry=entry[:80]))
    return list(addresses), problems


def _surveys() -> list[Instrument]:
    return db.session.execute(
        sa.select(Instrument).where(Instrument.organisation_id == default_organisation().id,
                                    Instrument.is_current.is_(True), Instrument.requires_code.is_(True))
        .order_by(Instrument.title)
    ).scalars().all()


def batch_rates(organisation_id: int) -> list[dict]:
    """Per invitation batch: survey, invitations sent, codes used, and the share used."""
    rows = db.session.execute(
        sa.select(InvitationCode.instrument_slug, InvitationCode.batch, sa.func.count(),
                  sa.func.sum(sa.case((InvitationCode.used.is_(True), 1), else_=0)))
        .where(InvitationCode.organisation_id == organisation_id)
        .group_by(InvitationCode.instrument_slug, InvitationCode.batch)
        .order_by(InvitationCode.batch.desc())
    ).all()
    return [{"slug": slug, "batch": batch, "sent": sent, "used": int(used or 0),
             "rate": (int(used or 0) / sent) if sent else 0.0} for slug, batch, sent, used in rows]


def _text_of_request() -> str:
    upload = request.files.get("file")
    text = request.form.get("addresses", "")
    if upload and upload.filename:
        try:
            text += "\n" + upload.read(2_000_000).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValueError(_("The file must be a CSV or text file saved as UTF-8")) from None
    return text


def _render(errors: list[str] | None = None, status: int = 200):
    org = default_organisation()
    # Each survey by its title in the language of the page (the stored title is English).
    titles = {i.slug: definition_of(i).localised(current_language()).title for i in _surveys()}
    return render_template("hr/invitations.html", surveys=_surveys(), batches=batch_rates(org.id),
                           titles=titles, errors=errors or [], mail_backend=current_app.config["MAIL_BACKEND"],
                           default_expiry=(date.today() + timedelta(days=28)).isoformat()), status


@bp.route("/invitations", methods=["GET"])
@hr_only
def invitations():
    return _render()


@bp.route("/invitations", methods=["POST"])
@hr_only
def invitations_send():
    action = request.form.get("action")
    if action not in ("invite", "remind"):
        abort(400)
    surveys = {i.slug: i for i in _surveys()}
    survey = surveys.get(request.form.get("survey", ""))
    errors = []
    if survey is None:
        errors.append(_("Select the survey to invite people to"))
    try:
        addresses, problems = parse_addresses(_text_of_request())
    except ValueError as exc:
        addresses, problems = [], [str(exc)]
    errors += problems
    if not addresses and not problems:
        errors.append(_("Enter or upload at least one email address"))
    if len(addresses) > MAX_ADDRESSES:
        errors.append(_("Send at most %(limit)s invitations at a time", limit=f"{MAX_ADDRESSES:,}"))
    expires = None
    if action == "invite" and request.form.get("expires_on"):
        try:
            expires = date.fromisoformat(request.form["expires_on"])
        except ValueError:
            errors.append(_("Enter the closing date as a date, for example 2027-01-31"))
        else:
            if expires < date.today():
                errors.append(_("The closing date must be today or later"))
    if errors:
        return _render(errors, 400)
    org = default_organisation()
    link = mail.service_link(url_for("respond.start", slug=survey.slug))
    if action == "invite":
        batch = f"{date.today().isoformat()} email {len(batch_rates(org.id)) + 1}"
        codes = issue_codes(survey.slug, len(addresses), batch, expires_on=expires, commit=False)
        for address, code in zip(addresses, codes, strict=True):
            mail.queue(org.id, address, f"{survey.title}: your invitation",
                       f"You are invited to answer the {survey.title}.\n\n"
                       f"Go to {link} and enter this code when asked: {code}\n\n"
                       "The code lets you answer once. It is not stored with your answers and nothing "
                       "links it to you: your answers go to HR only, never to your line manager.\n"
                       + (f"\nThe survey closes on {expires:%-d %B %Y}.\n" if expires else ""),
                       kind="survey_invitation", forget_recipient=True)
        summary = f"{len(addresses)} invitations to {survey.slug}, batch {batch}"
        flash(ngettext("%(num)d invitation is queued, with its own code. The list of addresses has not been "
                       "kept: each address is erased from the outbox once its email is sent.",
                       "%(num)d invitations are queued, one code each. The list of addresses has not been "
                       "kept: each address is erased from the outbox once its email is sent.", len(addresses)))
    else:
        for address in addresses:
            mail.queue(org.id, address, f"{survey.title}: a reminder",
                       f"A reminder that the {survey.title} is open: {link}\n\n"
                       "If you have already answered, thank you, and please ignore this email: the survey "
                       "cannot tell who has answered, so everyone invited gets this reminder.\n\n"
                       "Use the code from your invitation email. If you have lost it, ask HR for a new one.\n",
                       kind="survey_reminder", forget_recipient=True)
        summary = f"{len(addresses)} reminders for {survey.slug}"
        flash(ngettext("%(num)d reminder is queued. The list of addresses has not been kept.",
                       "%(num)d reminders are queued. The list of addresses has not been kept.", len(addresses)))
    audit.record("invitations_sent" if action == "invite" else "reminders_sent", "instrument", survey.slug,
                 detail=summary, actor=current_user._get_current_object())
    db.session.commit()
    return redirect(url_for("hr.invitations"))
