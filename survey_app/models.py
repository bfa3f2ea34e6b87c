"""Database models.

Privacy rules live in the shape of these tables (see docs/privacy.md):
- respondent-facing rows (responses, comments, follow-up requests) have random UUID keys, and on
  SQLite they are ``WITHOUT ROWID`` tables, so neither keys nor hidden row ids reveal the order in
  which people submitted;
- a response stores its period as a month (the first day of that month), never a timestamp;
- invitation codes are stored hashed and carry no link to the response they unlocked;
- follow-up requests share no key or time with any response.
"""

from __future__ import annotations

import base64
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from sqlalchemy.types import TypeDecorator

from .extensions import db
from .instruments import definition_digest
from .sealing import Unreadable, app_key, seal, unseal

DEFAULT_ORGANISATION_SLUG = "default"
# Respondent rows are kept without SQLite's hidden sequential rowid.
NO_ROWID = {"sqlite_with_rowid": False}

CHANNELS = ("online", "paper", "interview", "imported")
INSTRUMENT_KINDS = ("exit", "staff_survey", "focus_group")


def random_id() -> str:
    """A random UUID4 string: carries no order and no time."""
    return str(uuid.uuid4())


ROLES = ("admin", "hr", "standards")
ROLE_NAMES = {"admin": "Admin", "hr": "HR", "standards": "Employer Standards group"}
FOLLOW_UP_STATUSES = ("new", "contacted", "done", "declined")


class Organisation(db.Model):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # Admin setting: every account must use a second factor (TOTP) before it can do anything.
    require_two_factor: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # When the retention purge last ran, shown to HR beside the next purge date.
    last_purge_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class Instrument(db.Model):
    """One version of a questionnaire definition (exit, staff survey or focus-group prompts)."""

    __tablename__ = "instrument"
    __table_args__ = (UniqueConstraint("organisation_id", "slug", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    slug: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    # Loaded only when read: a request finds the parsed definition by its digest (definition_of).
    definition: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    definition_digest: Mapped[str | None] = mapped_column(String(64))
    requires_code: Mapped[bool] = mapped_column(Boolean, default=False)
    # The version new respondents get; older versions stay for the responses that answered them.
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    # Survey window (staff surveys); open-ended when empty.
    opens_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    closes_on: Mapped[date | None] = mapped_column(Date, nullable=True)

    @validates("definition")
    def _name_definition(self, _key: str, value: dict[str, Any]) -> dict[str, Any]:
        """Whatever sets a definition sets its digest with it."""
        self.definition_digest = definition_digest(value)
        return value


class Response(db.Model):
    """One submitted questionnaire. Anonymous: no IP, user agent, time of day, session or code."""

    __tablename__ = "response"
    __table_args__ = NO_ROWID

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=random_id)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instrument.id"), index=True)
    instrument_slug: Mapped[str] = mapped_column(String(64))
    instrument_version: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(16))
    # First day of the month the response belongs to (month of leaving for exit questionnaires).
    period: Mapped[date] = mapped_column(Date, index=True)
    period_estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    # Structured answers keyed by question key (free text lives in Comment rows).
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Copies of the answers reports and the HR queue filter on, by report role.
    role: Mapped[str | None] = mapped_column(String(64), index=True)
    service_area: Mapped[str | None] = mapped_column(String(64), index=True)
    length_of_service: Mapped[str | None] = mapped_column(String(32), index=True)
    employment_type: Mapped[str | None] = mapped_column(String(32))
    reviewed: Mapped[bool] = mapped_column(Boolean, default=False)
    # A digest for idempotence: of the source row for an import (never the source's own identifiers),
    # of the random token an HR entry carried from its first page for paper and interview entry.
    source_fingerprint: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)

    instrument: Mapped[Instrument] = relationship()
    comments: Mapped[list[Comment]] = relationship(
        back_populates="response", cascade="all, delete-orphan", order_by="Comment.question_key"
    )


class Comment(db.Model):
    """One free-text answer (or focus-group remark), kept as typed for HR."""

    __tablename__ = "comment"
    __table_args__ = NO_ROWID

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=random_id)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    response_id: Mapped[str | None] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), index=True, nullable=True
    )
    # Set for focus-group remarks (which belong to no response).
    focus_group_id: Mapped[str | None] = mapped_column(
        ForeignKey("focus_group_session.id", ondelete="CASCADE"), index=True, nullable=True
    )
    question_key: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(String(32), index=True)
    period: Mapped[date] = mapped_column(Date, index=True)
    # Emptied by the retention purge; the row (and its themes) stay for trends.
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    # "cy" or "en" as detected when stored (analysis.language); Welsh comments go to HR to theme.
    language: Mapped[str | None] = mapped_column(String(2), nullable=True)

    response: Mapped[Response | None] = relationship(back_populates="comments")
    focus_group: Mapped[FocusGroupSession | None] = relationship(back_populates="remarks")


class InvitationCode(db.Model):
    """A single-use code that unlocks an instrument. Stored hashed; never linked to a response."""

    __tablename__ = "invitation_code"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    instrument_slug: Mapped[str] = mapped_column(String(64))
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    batch: Mapped[str] = mapped_column(String(64))
    used: Mapped[bool] = mapped_column(Boolean, default=False)
    expires_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class SealedText(TypeDecorator):
    """Text stored sealed (AES-GCM) with a key derived from the app's ``SECRET_KEY``: whoever reads
    the database files, dead row versions included, but not the secret, reads nothing of it. The
    app reads and writes plain strings. Rows written before sealing are read as they are; a row
    sealed under another secret reads as ``UNREADABLE``."""

    impl = Text
    cache_ok = True
    PREFIX = "sealed:"
    UNREADABLE = "(unreadable: sealed under another secret key)"

    def __init__(self, purpose: str) -> None:
        super().__init__()
        self.purpose = purpose

    def _key(self) -> str:
        from flask import current_app

        return app_key(current_app.config["SECRET_KEY"], self.purpose)

    def process_bind_param(self, value: str | None, dialect) -> str | None:
        if value is None:
            return None
        return self.PREFIX + base64.b64encode(seal(self._key(), value)).decode("ascii")

    def process_result_value(self, value: str | None, dialect) -> str | None:
        if value is None or not value.startswith(self.PREFIX):
            return value
        try:
            return unseal(self._key(), base64.b64decode(value[len(self.PREFIX):]))
        except (Unreadable, ValueError):
            return self.UNREADABLE


class OutboxMessage(db.Model):
    """An email waiting to be sent, or sent. Written in the transaction of what caused it and
    sent later by ``flask mail send``, never inside a respondent's request. No message carries
    an answer or a respondent's name; the day is enough to show how long one has waited."""

    __tablename__ = "outbox_message"
    __table_args__ = NO_ROWID

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=random_id)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    # Sealed: an invitation's address and the code or link in a body are for the recipient only,
    # and an erased value's dead row version on disk holds nothing readable either.
    to_address: Mapped[str] = mapped_column(SealedText("outbox address"))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(SealedText("outbox body"))
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)  # queued | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    queued_on: Mapped[date] = mapped_column(Date)
    sent_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # Survey invitations: the address is erased once the message is sent or given up, so no list
    # of who was invited survives the sending (see survey_app/hr/invitations.py).
    forget_recipient: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # What the message is (mail.KINDS): GOV.UK Notify sends each kind with its own template.
    kind: Mapped[str] = mapped_column(String(32), default="other", server_default="other")


class FollowUpRequest(db.Model):
    """A leaver's request to talk to someone. Named by nature; shares nothing with responses."""

    __tablename__ = "follow_up_request"
    __table_args__ = NO_ROWID

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=random_id)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    talk_to: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    contact: Mapped[str] = mapped_column(String(300))
    best_time: Mapped[str | None] = mapped_column(String(300), nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="new")
    # A day is enough for HR to act on; responses carry only a month, so the two cannot be joined.
    requested_on: Mapped[date] = mapped_column(Date)
    # HR's own notes on the conversation (who called, what was agreed).
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Digest of a random token the request form carried, so that the same form sent twice (a
    # double click without JavaScript, or back and send again) is one request. The token is made
    # when the form is shown and kept nowhere else: it links the request to nothing.
    sending: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)


class DraftAnswers(db.Model):
    """Answers in progress, kept apart from responses and deleted on submit or expiry.

    ``sealed`` holds the answers so far (and the invitation code's hash, if one was entered),
    encrypted with a key only the respondent's browser holds: a deleted draft left on disk cannot
    be read. ``expires_at`` is whole hours, so it gives no exact time of activity.
    """

    __tablename__ = "draft_answers"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instrument.id", ondelete="CASCADE"))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class PendingSubmission(db.Model):
    """A sent questionnaire waiting in the mixing pool, sealed with a key derived from the app's
    secret. Pending submissions become responses in batches, in random order, in a transaction of
    their own (``survey_app.mixing``), so nothing in the database pairs a response with the moment
    or the transaction it was sent in."""

    __tablename__ = "submission_pool"
    __table_args__ = NO_ROWID

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=random_id)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    # The day it was sent: lets a scheduled release free submissions that waited too long.
    received_on: Mapped[date] = mapped_column(Date)


THEME_SOURCES = ("seed", "model", "hr", "rejected")


class ThemeAssignment(db.Model):
    """A theme given to a comment: by the seeds, the trained model, or HR (who can also reject one).

    HR's rows (``hr`` and ``rejected``) are kept across runs and train the next model; the
    machine's rows are replaced by each run.
    """

    __tablename__ = "theme_assignment"
    __table_args__ = (UniqueConstraint("comment_id", "theme_id"), NO_ROWID)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=random_id)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    comment_id: Mapped[str] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), index=True)
    theme_id: Mapped[str] = mapped_column(String(80), index=True)
    score: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(16))
    # The words or seed phrases that drove the assignment, so HR can see why.
    terms: Mapped[str] = mapped_column(Text, default="")
    model_version: Mapped[str] = mapped_column(String(120))

    comment: Mapped[Comment] = relationship()


class ThemeRunRecord(db.Model):
    """One run of the theme pipeline: what it covered, and the state later runs build on."""

    __tablename__ = "theme_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    model_version: Mapped[str] = mapped_column(String(120))
    ran_at: Mapped[datetime] = mapped_column(DateTime)
    comments: Mapped[int] = mapped_column(Integer)
    themed: Mapped[int] = mapped_column(Integer)
    coded: Mapped[int] = mapped_column(Integer)
    emerging: Mapped[int] = mapped_column(Integer)
    # The emerging clusters (centroids and vocabulary), so the next run keeps their ids stable.
    emerging_state: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


class EmergingTheme(db.Model):
    """A cluster of comments no taxonomy theme explains, for HR to merge, promote or dismiss."""

    __tablename__ = "emerging_theme"
    __table_args__ = (UniqueConstraint("organisation_id", "theme_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    theme_id: Mapped[str] = mapped_column(String(80))
    label: Mapped[str] = mapped_column(String(300))
    terms: Mapped[list[str]] = mapped_column(JSON, default=list)
    size: Mapped[int] = mapped_column(Integer, default=0)
    # open | merged | promoted | dismissed
    status: Mapped[str] = mapped_column(String(16), default="open")
    # For merged or promoted clusters: the taxonomy theme they became part of.
    became: Mapped[str | None] = mapped_column(String(80), nullable=True)
    last_seen_run_id: Mapped[int | None] = mapped_column(ForeignKey("theme_run.id"), nullable=True)


class CustomTheme(db.Model):
    """A theme HR added to the taxonomy by promoting an emerging theme."""

    __tablename__ = "custom_theme"
    __table_args__ = (UniqueConstraint("organisation_id", "theme_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    theme_id: Mapped[str] = mapped_column(String(80))
    label: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    seed_phrases: Mapped[list[str]] = mapped_column(JSON, default=list)


class ThemeLexicon(db.Model):
    """One saved version of HR's phrase list for a theme; the newest replaces the shipped one.

    Versions are kept, never edited, so the phrases behind any past theme run can be told."""

    __tablename__ = "theme_lexicon"
    __table_args__ = (UniqueConstraint("organisation_id", "theme_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    theme_id: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer)
    # [{"phrase": "over worked", "weight": null | 0.35}, ...]
    phrases: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    saved_at: Mapped[datetime] = mapped_column(DateTime)
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)


class ScheduledJob(db.Model):
    """A job ``flask worker`` runs on a schedule: its last run, and the lease that lets only one
    worker run it at a time (``survey_app/worker.py``)."""

    __tablename__ = "scheduled_job"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_started: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    last_finished: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    last_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    last_outcome: Mapped[str | None] = mapped_column(Text, nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # Asked to run now (HR saved a theme's phrases): due at once, whatever the schedule.
    requested_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # While it runs: the step it has reached, of how many, and the stage's key (each page names it).
    progress_step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    progress_steps: Mapped[int | None] = mapped_column(Integer, nullable=True)
    progress_text: Mapped[str | None] = mapped_column(String(200), nullable=True)


class Headcount(db.Model):
    """Staff in post at the end of a financial quarter, whole or by role, service area or band.

    An empty breakdown column means "all". Reports use these for turnover, vacancy and agency rates.
    """

    __tablename__ = "headcount"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    quarter: Mapped[str] = mapped_column(String(16), index=True)
    role: Mapped[str | None] = mapped_column(String(64), nullable=True)
    service_area: Mapped[str | None] = mapped_column(String(64), nullable=True)
    length_of_service: Mapped[str | None] = mapped_column(String(32), nullable=True)
    headcount: Mapped[int] = mapped_column(Integer)
    fte: Mapped[float] = mapped_column(Float)
    vacancies: Mapped[int | None] = mapped_column(Integer, nullable=True)
    agency_workers: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # HR's own count of leavers in the quarter (all leavers, not only those who answered).
    leavers: Mapped[int | None] = mapped_column(Integer, nullable=True)


REPORT_KINDS = ("quarterly", "annual", "length_of_service")


class Report(db.Model):
    """A generated report: a draft HR reviews, or a published, immutable snapshot.

    ``data`` is the whole report as the analysis package built it (every figure already through
    disclosure control), with its parameters: threshold, period and model version. New data makes
    a new draft; nothing ever changes a published report.
    """

    __tablename__ = "report"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=random_id)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(16), index=True)
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    threshold: Mapped[int] = mapped_column(Integer)
    model_version: Mapped[str | None] = mapped_column(String(120), nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The report in the council's other languages ({"cy": data}), built with ``data`` from the same
    # answers and figures; empty where only English is offered or for reports made before.
    # SQL NULL where only English is offered (not the JSON value null, which SQLAlchemy writes by default).
    editions: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(200))
    published_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    published_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    without_quotes: Mapped[bool] = mapped_column(Boolean, default=False)

    quotes: Mapped[list[ReportQuote]] = relationship(back_populates="report", cascade="all, delete-orphan",
                                                     order_by="ReportQuote.theme_id")
    actions: Mapped[list[ReportAction]] = relationship(back_populates="report", cascade="all, delete-orphan",
                                                       order_by="ReportAction.id")


class ReportQuote(db.Model):
    """A scrubbed comment offered as a quote for a draft report; shown only once HR approves it."""

    __tablename__ = "report_quote"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    theme_id: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)
    approved: Mapped[bool] = mapped_column(Boolean, default=False)

    report: Mapped[Report] = relationship(back_populates="quotes")


class ReportAction(db.Model):
    """An action note offered for a draft report's "You said, we did", in the words HR approves
    for publication (scrubbed of names first); shown only once approved."""

    __tablename__ = "report_action"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    note_id: Mapped[str | None] = mapped_column(ForeignKey("action_note.id", ondelete="SET NULL"), nullable=True)
    theme_id: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)
    approved: Mapped[bool] = mapped_column(Boolean, default=False)

    report: Mapped[Report] = relationship(back_populates="actions")


class ReportFile(db.Model):
    """A published report in one format, rendered once when it was published and served as it is:
    every download of a published report is the same file, and none waits for a PDF to be laid out."""

    __tablename__ = "report_file"
    __table_args__ = (UniqueConstraint("report_id", "format"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    format: Mapped[str] = mapped_column(String(8))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class FocusGroupSession(db.Model):
    """One focus group as HR recorded it. Participants are counted, never named."""

    __tablename__ = "focus_group_session"
    __table_args__ = NO_ROWID

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=random_id)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instrument.id"))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    facilitator: Mapped[str] = mapped_column(String(200))
    participants: Mapped[int] = mapped_column(Integer)
    service_areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Keys of the focus-group prompts used in this session, in the instrument's order.
    prompts: Mapped[list[str]] = mapped_column(JSON, default=list)
    closed: Mapped[bool] = mapped_column(Boolean, default=False)

    instrument: Mapped[Instrument] = relationship()
    remarks: Mapped[list[Comment]] = relationship(back_populates="focus_group", cascade="all, delete-orphan")


class User(db.Model):
    """A member of staff who signs in: HR, admin or the Employer Standards group."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    # argon2id; empty until the person sets a password from their invitation link.
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    totp_secret: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # The last TOTP time step accepted, so a code cannot be used twice.
    totp_last_step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    failed_signins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # An HR role given by an admin (invited, changed to HR or re-enabled) reads no answer until a
    # different HR user confirms it: an admin cannot make themselves a reader of answers.
    hr_unconfirmed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Part of every session's identity: changing it signs the person out everywhere.
    session_token: Mapped[str] = mapped_column(String(64))
    # A one-time link to set a password (invitation or reset), stored hashed.
    invite_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    invite_expires_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_signed_in_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # The language of the staff pages this person chose ("cy" or "en"), used only where the
    # council offers Welsh; empty until they choose, when the council's first language applies.
    language: Mapped[str | None] = mapped_column(String(2), nullable=True)

    # Flask-Login protocol.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return not self.disabled

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"


class StaffSession(db.Model):
    """A signed-in staff session, held server-side so that signing out ends it for good: the
    browser's cookie names it by a random value, stored here only as a SHA-256 digest (a reader of
    the database cannot take a session over). Signing out deletes the row; a copied cookie then
    works no more."""

    __tablename__ = "staff_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ActionNote(db.Model):
    """What HR did about an issue raised in one response, and who did it."""

    __tablename__ = "action_note"
    __table_args__ = NO_ROWID

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=random_id)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    response_id: Mapped[str] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    written_at: Mapped[datetime] = mapped_column(DateTime)
    text: Mapped[str] = mapped_column(Text)
    # The taxonomy theme the action addresses, if one: such a note may be offered, in words HR
    # approves, for a report's "You said, we did".
    theme_id: Mapped[str | None] = mapped_column(String(80), nullable=True)

    author: Mapped[User | None] = relationship()


class AuditEvent(db.Model):
    """Who did what to which record, and when. Append-only: the app never edits or deletes one."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    # The email is copied so the record still reads correctly if the account changes.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True, index=True)
    actor: Mapped[str] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(64), index=True)
    record_type: Mapped[str] = mapped_column(String(64), index=True)
    record_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)


def default_organisation() -> Organisation:
    """The organisation of the work at hand: in a staff request, the signed-in user's own (so
    whatever HR writes lands in their organisation); elsewhere (respondent pages, commands), the
    deployment's default organisation."""
    from .tenancy import signed_in_organisation_id

    own = signed_in_organisation_id()
    if own is not None:
        org = db.session.get(Organisation, own)
        if org is not None:
            return org
    org = db.session.execute(
        db.select(Organisation).filter_by(slug=DEFAULT_ORGANISATION_SLUG)
    ).scalar_one_or_none()
    if org is None:
        raise RuntimeError("No default organisation: run 'flask --app wsgi db upgrade' first.")
    return org
