"""The single code path that turns answers into a stored Response and its Comments.

Online forms, paper forms entered by HR, interview notes, imports and demo data all come through
``shape_response``, which validates them and shapes the rows to store (``store_response`` adds
one Response to the session; imports insert many at once)
so that every record is cleaned, validated and shaped the same way.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

from analysis.language import detect_language

from .extensions import db
from .instruments import Definition
from .models import CHANNELS, Comment, Instrument, Response, default_organisation, random_id

# Control characters nobody means to store. Zero-width joiner and non-joiner (U+200D, U+200C) are
# not among them: they hold emoji together and spell Persian and Indic words correctly.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x84\x86-\x9f\u200b\u200e\u200f\ufeff]")
# Separators that mean a line break or a space in other systems: kept as one space, so a remark
# pasted with them stays one remark and its words stay apart.
_SEPARATORS = re.compile(r"[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
#: Bidirectional controls: stored as typed, removed on display (``without_bidi_controls``) so that
#: no text can show reversed or make the text around it read in another order.
BIDI_CONTROLS = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
_ROLE_COLUMNS = ("role", "service_area", "length_of_service", "employment_type")


def clean_free_text(text: str, limit: int | None = None) -> str:
    """Text as typed, made safe to store: NFC, no control characters, line breaks folded.

    Never cut: limits are checked on what the person typed, before this runs, and refused with a
    message there. Normalising may lengthen a few scripts (NFC decomposes some Devanagari letters),
    so an answer within its limit can come out longer; it is kept whole. ``limit`` is accepted for
    callers' clarity and not applied.
    """
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _SEPARATORS.sub(" ", text)
    return _CONTROL.sub("", text).strip()


def sending_token(given: str | None) -> str:
    """The random token a form carries from when it is shown to when it is sent: ``given`` when it
    is a well-formed token, else a new one. Its digest (``sending_digest``) is stored with what the
    form stores, in a unique column, so the same form sent twice (a double click without
    JavaScript, or the back button and send again) is stored once."""
    return given if given and re.fullmatch(r"[A-Za-z0-9_-]{32}", given) else secrets.token_urlsafe(24)


def sending_digest(purpose: str, token: str) -> str:
    return hashlib.sha256(f"{purpose} {token}".encode()).hexdigest()


def typed_length(text: str) -> int:
    """How many characters a person typed: a line break is one, however the browser sent it."""
    return len(text.replace("\r\n", "\n"))


def without_bidi_controls(value: object) -> object:
    """``value`` with bidirectional controls removed, if it is text (used on every page)."""
    if not isinstance(value, str) or not BIDI_CONTROLS.search(value):
        return value
    # Keep the type: markup built by a template stays markup, plain text stays text to escape.
    return type(value)(BIDI_CONTROLS.sub("", value))


@dataclass(frozen=True)
class AnswerProblem:
    """Why one answer does not fit its question: ``kind`` (``unknown_question``, ``required``,
    ``not_text``, ``too_long``, ``not_month``, ``not_offered``) and its ``details``. ``str()`` is
    the English reason imports and logs show; a page words each kind in its own language."""

    kind: str
    details: dict = field(default_factory=dict)

    MESSAGES: ClassVar[dict[str, str]] = {
        "unknown_question": "not a question in this questionnaire",
        "required": "an answer is required",
        "not_text": "must be text",
        "too_long": "longer than {limit} characters",
        "not_month": "must be a month as YYYY-MM",
        "not_offered": "not an offered answer: {values}",
    }

    def __str__(self) -> str:
        return self.MESSAGES[self.kind].format(**self.details)


class AnswerError(ValueError):
    """Answers that do not fit the questionnaire; ``problems`` maps question keys to reasons."""

    def __init__(self, problems: dict[str, AnswerProblem]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


@dataclass
class CleanAnswers:
    structured: dict[str, Any]
    comments: list[tuple[str, str, str]]  # (question key, purpose, text)


def clean_answers(definition: Definition, raw: dict[str, Any], today: date | None = None,
                  require: bool = True) -> CleanAnswers:
    """Check every answer against its question; raise AnswerError listing every problem."""
    problems: dict[str, AnswerProblem] = {}
    structured: dict[str, Any] = {}
    comments: list[tuple[str, str, str]] = []
    unknown = sorted(set(raw) - {q.key for q in definition.questions})
    for key in unknown:
        problems[key] = AnswerProblem("unknown_question")
    for q in definition.questions:
        value = raw.get(q.key)
        if value in (None, "", []):
            if require and q.required:
                problems[q.key] = AnswerProblem("required")
            continue
        if q.type == "free_text":
            if not isinstance(value, str):
                problems[q.key] = AnswerProblem("not_text")
                continue
            if typed_length(value) > q.max_length:
                problems[q.key] = AnswerProblem("too_long", {"limit": q.max_length})
                continue
            text = clean_free_text(value, q.max_length)
            if text:
                comments.append((q.key, q.purpose or "other", text))
            continue
        offered = {v for v, _ in q.choices(today)}
        if q.type == "month":
            # Any real month is accepted from HR and imports; the form offers a recent range.
            if not isinstance(value, str) or not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
                problems[q.key] = AnswerProblem("not_month")
                continue
            structured[q.key] = value
            continue
        if q.type == "multiple_choice":
            values = value if isinstance(value, list) else [value]
            bad = [v for v in values if v not in offered]
            if bad:
                problems[q.key] = AnswerProblem("not_offered", {"values": ", ".join(map(str, bad))})
                continue
            structured[q.key] = [v for v, _ in q.choices() if v in set(values)]
            continue
        if value not in offered:
            problems[q.key] = AnswerProblem("not_offered", {"values": str(value)})
            continue
        structured[q.key] = int(value) if q.type == "likert" else value
    if problems:
        raise AnswerError(problems)
    return CleanAnswers(structured, comments)


def month_start(d: date) -> date:
    return date(d.year, d.month, 1)


def response_period(definition: Definition, answers: dict[str, Any], today: date) -> date:
    """The month a response belongs to: the month of leaving when given, else this month."""
    key = definition.key_for_role("leaving_month")
    if key and answers.get(key):
        year, month = answers[key].split("-")
        return date(int(year), int(month), 1)
    return month_start(today)


@dataclass
class ShapedResponse:
    """The column values of one Response and of its Comments, ready to store."""

    values: dict[str, Any]
    comments: list[dict[str, Any]]


def shape_response(
    instrument: Instrument,
    definition: Definition,
    raw_answers: dict[str, Any],
    *,
    channel: str = "online",
    today: date | None = None,
    period: date | None = None,
    period_estimated: bool = False,
    fingerprint: str | None = None,
    require: bool = True,
) -> ShapedResponse:
    """Validate answers and shape the Response and Comment rows they become (nothing is stored).

    ``require=False`` accepts records that leave required questions unanswered: historical
    records were collected on other forms and often lack what ours asks for.
    """
    if channel not in CHANNELS:
        raise ValueError(f"channel must be one of {', '.join(CHANNELS)}")
    today = today or date.today()
    clean = clean_answers(definition, raw_answers, today, require=require)
    org_id = instrument.organisation_id or default_organisation().id
    the_period = month_start(period) if period else response_period(definition, clean.structured, today)
    by_role = {q.role: clean.structured.get(q.key) for q in definition.questions if q.role in _ROLE_COLUMNS}
    response_id = random_id()
    values = {
        "id": response_id,
        "organisation_id": org_id,
        "instrument_id": instrument.id,
        "instrument_slug": instrument.slug,
        "instrument_version": instrument.version,
        "channel": channel,
        "period": the_period,
        "period_estimated": period_estimated,
        "answers": clean.structured,
        "source_fingerprint": fingerprint,
        "reviewed": False,
        **{col: by_role.get(col) for col in _ROLE_COLUMNS},
    }
    comments = [
        {"id": random_id(), "organisation_id": org_id, "response_id": response_id, "question_key": key,
         "purpose": purpose, "period": the_period, "text": text, "language": detect_language(text)}
        for key, purpose, text in clean.comments
    ]
    return ShapedResponse(values, comments)


def insert_shaped(shaped: list[ShapedResponse]) -> None:
    """Add shaped responses and their comments to the caller's transaction as two Core inserts,
    in the order given (the rows are already shaped: the ORM's unit of work has nothing to add)."""
    if not shaped:
        return
    db.session.execute(Response.__table__.insert(), [one.values for one in shaped])
    comments = [comment for one in shaped for comment in one.comments]
    if comments:
        db.session.execute(Comment.__table__.insert(), comments)


def store_response(
    instrument: Instrument,
    definition: Definition,
    raw_answers: dict[str, Any],
    *,
    channel: str = "online",
    today: date | None = None,
    period: date | None = None,
    period_estimated: bool = False,
    fingerprint: str | None = None,
) -> Response:
    """Validate and add one Response with its Comments to the session (the caller commits)."""
    shaped = shape_response(
        instrument,
        definition,
        raw_answers,
        channel=channel,
        today=today,
        period=period,
        period_estimated=period_estimated,
        fingerprint=fingerprint,
    )
    response = Response(**shaped.values)
    for comment in shaped.comments:
        response.comments.append(Comment(**comment))
    db.session.add(response)
    return response
