"""Answers in progress, kept server-side apart from responses and deleted on submit or expiry.

The browser holds only a random draft token in its signed session cookie. Drafts live in their own
table, expire within hours and are removed when the person submits.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from flask import current_app, session
from sqlalchemy.orm.attributes import flag_modified

from ..extensions import db
from ..models import DraftAnswers, Instrument


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _session_key(slug: str) -> str:
    return f"draft:{slug}"


def purge_expired_drafts() -> int:
    """Delete every draft past its expiry; returns how many went."""
    result = db.session.execute(db.delete(DraftAnswers).where(DraftAnswers.expires_at < _now()))
    db.session.commit()
    return result.rowcount or 0


def get_draft(instrument: Instrument, create: bool = False) -> DraftAnswers | None:
    """This browser's live draft for the instrument, optionally starting a new one."""
    token = session.get(_session_key(instrument.slug))
    draft = db.session.get(DraftAnswers, token) if token else None
    if draft is not None and (draft.expires_at < _now() or draft.instrument_id != instrument.id):
        db.session.delete(draft)
        db.session.commit()
        draft = None
    if draft is None and create:
        purge_expired_drafts()
        draft = DraftAnswers(
            id=secrets.token_urlsafe(32),
            instrument_id=instrument.id,
            data={},
            expires_at=_now() + current_app.config["DRAFT_LIFETIME"],
        )
        db.session.add(draft)
        db.session.commit()
        session[_session_key(instrument.slug)] = draft.id
        session.permanent = True
    return draft


def save_page(draft: DraftAnswers, answers: dict[str, Any]) -> None:
    """Merge one page's answers into the draft and push its expiry forward."""
    data = dict(draft.data or {})
    data.setdefault("answers", {}).update(answers)
    draft.data = data
    flag_modified(draft, "data")
    draft.expires_at = _now() + current_app.config["DRAFT_LIFETIME"]
    db.session.commit()


def mark(draft: DraftAnswers, flag: str, value: Any = True) -> None:
    data = dict(draft.data or {})
    data[flag] = value
    draft.data = data
    flag_modified(draft, "data")
    db.session.commit()


def forget(instrument_slug: str) -> None:
    session.pop(_session_key(instrument_slug), None)
