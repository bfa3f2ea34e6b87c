"""Answers in progress, kept server-side apart from responses and deleted on submit or expiry.

The browser's signed session cookie holds a random draft token and a random key. The draft row
holds the answers so far (and the invitation code's hash) sealed with that key, so the database,
dead rows included, holds nothing readable once the browser has gone. Expiry times are whole
hours. Drafts expire within hours and are removed when the person sends their answers.

Save and come back later: the person is given a return code (16 characters, 80 random bits) that
only they hold. The draft moves to a row whose id and key are both derived from that code and the
app's secret key, and is kept for whole days. The code is never stored, sent or logged; nothing
links it, or the draft, to a person. Anyone who has the code can open the answers, and nobody
without it can, the database's readers included.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app, g, session

from ..extensions import db
from ..models import DraftAnswers, Instrument
from ..sealing import Unreadable, app_key, new_key, seal, unseal

# Crockford's base 32: no I, L, O or U, so a code read aloud or copied by hand survives.
RETURN_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RETURN_CODE_CHARACTERS = 16  # 80 bits
_LOOKALIKES = str.maketrans({"I": "1", "L": "1", "O": "0"})


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _expiry() -> datetime:
    """Now plus the draft lifetime, rounded up to the next whole hour."""
    at = _now() + current_app.config["DRAFT_LIFETIME"]
    return at.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)


def _saved_expiry() -> datetime:
    """Now plus the saved-draft lifetime, rounded up to the next midnight (UTC): whole days."""
    at = _now() + timedelta(days=current_app.config["SAVED_DRAFT_DAYS"])
    return at.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)


def _session_key(slug: str) -> str:
    return f"draft:{slug}"


def _key_name(slug: str) -> str:
    return f"draftkey:{slug}"


def _expiry_name(slug: str) -> str:
    return f"draftdue:{slug}"


def _saved_name(slug: str) -> str:
    return f"draftsaved:{slug}"


def _hold(slug: str, draft: DraftAnswers, key: str, data: dict[str, Any], *, saved: bool) -> None:
    """This browser now holds ``draft``: its token, its key, when it is due to be deleted and
    whether it was saved with a return code, in the signed session cookie."""
    session[_session_key(slug)] = draft.id
    session[_key_name(slug)] = key
    session.permanent = True
    _remember_expiry(slug, draft)
    if saved:
        session[_saved_name(slug)] = True
    _cache()[draft.id] = data


def _remember_expiry(slug: str, draft: DraftAnswers) -> None:
    """The browser's own cookie keeps when its draft is due to be deleted (whole hours or days),
    so that a draft gone before then can be told from one that expired."""
    value = draft.expires_at.isoformat()
    if session.get(_expiry_name(slug)) != value:
        session[_expiry_name(slug)] = value


def purge_expired_drafts() -> int:
    """Delete every draft past its expiry; returns how many went."""
    result = db.session.execute(db.delete(DraftAnswers).where(DraftAnswers.expires_at < _now()))
    db.session.commit()
    return result.rowcount or 0


def get_draft(instrument: Instrument, create: bool = False) -> DraftAnswers | None:
    """This browser's live draft for the instrument, optionally starting a new one."""
    token = session.get(_session_key(instrument.slug))
    draft = db.session.get(DraftAnswers, token) if token else None
    if draft is not None:
        # The session's identity map holds rows weakly: held here, the row is read once per
        # request however often the request asks for it.
        g.setdefault("draft_rows", {})[draft.id] = draft
    found = draft is not None
    if draft is not None and (draft.expires_at < _now() or draft.instrument_id != instrument.id
                              or _open(draft, instrument.slug) is None):
        db.session.delete(draft)
        db.session.commit()
        draft = None
    if token and draft is None:
        # This browser had answers in progress and they are gone. Gone after their expiry: they
        # were deleted, and the person is told so once, rather than shown empty answers. Gone
        # before it: the only thing that removes a live draft is sending it, so they were sent
        # (a request cut off after it stored them, whose answer never reached the browser).
        due = session.get(_expiry_name(instrument.slug))
        sent = not found and due is not None and datetime.fromisoformat(due) > _now()
        g.lost_saved = bool(session.get(_saved_name(instrument.slug)))
        forget(instrument.slug)
        g.sent_draft = sent
        g.lost_draft = not sent
    if draft is None and create:
        purge_expired_drafts()
        key = new_key()
        draft = DraftAnswers(id=secrets.token_urlsafe(32), instrument_id=instrument.id, sealed=seal(key, {}),
                             expires_at=_expiry())
        db.session.add(draft)
        db.session.commit()
        _hold(instrument.slug, draft, key, {}, saved=False)
    return draft


def _cache() -> dict[str, dict[str, Any]]:
    """Opened drafts of this request, so each is decrypted once."""
    if "open_drafts" not in g:
        g.open_drafts = {}
    return g.open_drafts


def _open(draft: DraftAnswers, slug: str) -> dict[str, Any] | None:
    cache = _cache()
    if draft.id not in cache:
        key = session.get(_key_name(slug))
        try:
            cache[draft.id] = unseal(key, draft.sealed) if key else None
        except Unreadable:
            cache[draft.id] = None
    return cache[draft.id]


def contents(draft: DraftAnswers, slug: str) -> dict[str, Any]:
    """What the draft holds: ``answers`` (by question key), ``code_hash`` and page flags."""
    return dict(_open(draft, slug) or {})


def _store(draft: DraftAnswers, slug: str, data: dict[str, Any]) -> None:
    draft.sealed = seal(session[_key_name(slug)], data)
    draft.expires_at = _saved_expiry() if data.get("saved") else _expiry()
    _remember_expiry(slug, draft)
    _cache()[draft.id] = data
    db.session.commit()


def save_page(draft: DraftAnswers, slug: str, answers: dict[str, Any]) -> None:
    """Merge one page's answers into the draft and push its expiry forward."""
    data = contents(draft, slug)
    data["answers"] = {**data.get("answers", {}), **answers}
    _store(draft, slug, data)


def mark(draft: DraftAnswers, slug: str, flag: str, value: Any = True) -> None:
    """Record something about the journey (a code entered, a page seen) in the draft."""
    data = contents(draft, slug)
    data[flag] = value
    _store(draft, slug, data)


def lost() -> bool:
    """Whether this request found that the browser's answers in progress had expired."""
    return bool(g.get("lost_draft"))


def lost_were_saved() -> bool:
    """Whether the answers this request found deleted had been saved with a return code (and so
    were kept for days, not hours)."""
    return bool(g.get("lost_saved"))


def vanished_when_sent() -> bool:
    """Whether this request found the browser's answers in progress gone before they were due to
    expire: that is, sent."""
    return bool(g.get("sent_draft"))


def deleted_at(draft: DraftAnswers) -> datetime:
    """When the draft will be deleted if nothing more is saved (UTC, naive)."""
    return draft.expires_at


def claim(draft: DraftAnswers) -> bool:
    """Delete the draft inside the caller's transaction; False if it had gone meanwhile.

    A sending deletes its draft before anything else: a second sending of the same answers (a
    double click, another tab) that read them before the first committed then waits for the first
    (PostgreSQL locks the row; SQLite has one writer), finds nothing to delete and stores nothing."""
    # A Core statement: the ORM's bulk delete would also look for the row among the session's
    # objects, and nothing reads the draft after this.
    table = DraftAnswers.__table__
    return db.session.execute(table.delete().where(table.c.id == draft.id)).rowcount == 1


def forget(instrument_slug: str) -> None:
    session.pop(_session_key(instrument_slug), None)
    session.pop(_key_name(instrument_slug), None)
    session.pop(_expiry_name(instrument_slug), None)
    session.pop(_saved_name(instrument_slug), None)


def return_code_for(draft: DraftAnswers, slug: str) -> str:
    """The return code that saving ``draft`` gives, as it is shown: four groups of four, e.g.
    ``7KQ4-M2XR-9HTD-WP3B``. 80 bits of HMAC-SHA256 under the draft's own random key (which only
    this browser holds), so it is as unguessable as a random code, and two saves of the same draft
    at once (a second click, JavaScript off) make the same code: the one whose reply the browser
    shows can show the code the other stored."""
    digest = hmac.new(session[_key_name(slug)].encode(), f"return code {draft.id}".encode(), hashlib.sha256)
    number = int.from_bytes(digest.digest()[:10], "big")
    raw = "".join(RETURN_ALPHABET[(number >> (5 * i)) & 31] for i in range(RETURN_CODE_CHARACTERS))
    return "-".join(raw[i:i + 4] for i in range(0, RETURN_CODE_CHARACTERS, 4))


def normalise_return_code(typed: str) -> str | None:
    """The code's 16 characters from what a person typed (any case, spaces or dashes, O for 0,
    I or L for 1), or None if it cannot be a return code."""
    text = "".join(ch for ch in typed.upper() if ch.isalnum()).translate(_LOOKALIKES)
    if len(text) != RETURN_CODE_CHARACTERS or any(ch not in RETURN_ALPHABET for ch in text):
        return None
    return text


def _from_code(code: str) -> tuple[str, str]:
    """(draft id, sealing key) for a normalised return code: both keyed with the app's secret, so
    the database alone cannot even test a guess."""
    secret = current_app.config["SECRET_KEY"]
    return app_key(secret, f"saved draft id {code}"), app_key(secret, f"saved draft key {code}")


def save_with_code(draft: DraftAnswers, slug: str) -> str | None:
    """Keep the draft for whole days under a new return code, and return the code. The browser
    goes on with the same answers; a code given before for these answers stops working.

    None if the draft went meanwhile and not by being saved under this code: sent from another
    tab, or past its expiry (the check page says which)."""
    data = {**contents(draft, slug), "saved": True}
    code = return_code_for(draft, slug)
    draft_id, key = _from_code(normalise_return_code(code))
    if not claim(draft):
        db.session.rollback()
        saved = db.session.get(DraftAnswers, draft_id)  # saved by the other click: same code
        if saved is None:
            return None
    else:
        saved = DraftAnswers(id=draft_id, instrument_id=draft.instrument_id, sealed=seal(key, data),
                             expires_at=_saved_expiry())
        db.session.add(saved)
        db.session.commit()
    _hold(slug, saved, key, data, saved=True)
    return code


def resume(instrument: Instrument, typed: str) -> DraftAnswers | None:
    """Open the answers saved under a return code in this browser, or None if the code is not one
    or its answers are gone. Answers this browser had in progress instead are deleted."""
    code = normalise_return_code(typed)
    if code is None:
        return None
    draft_id, key = _from_code(code)
    draft = db.session.get(DraftAnswers, draft_id)
    if draft is None or draft.expires_at < _now() or draft.instrument_id != instrument.id:
        return None
    try:
        data = unseal(key, draft.sealed)
    except Unreadable:
        return None
    current = session.get(_session_key(instrument.slug))
    if current and current != draft.id:
        db.session.execute(db.delete(DraftAnswers).where(DraftAnswers.id == current))
        db.session.commit()
    _hold(instrument.slug, draft, key, data, saved=True)
    return draft


def is_saved(draft: DraftAnswers, slug: str) -> bool:
    """Whether the answers were saved with a return code (and so are kept for days)."""
    return bool(contents(draft, slug).get("saved"))
