"""Invitation codes: single use, stored only as a hash, never linked to what they unlocked."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date

from flask_babel import gettext as _

from .extensions import db
from .models import InvitationCode, default_organisation

# No 0/O, 1/I/L, 5/S or 2/Z: codes are read off paper and typed.
ALPHABET = "ABCDEFGHJKMNPQRTUVWXY346789"
GROUPS, GROUP_LENGTH = 3, 4


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def hash_code(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode("ascii", "ignore")).hexdigest()


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LENGTH))
    return "-".join(raw[i : i + GROUP_LENGTH] for i in range(0, len(raw), GROUP_LENGTH))


def issue_codes(instrument_slug: str, count: int, batch: str, expires_on: date | None = None,
                commit: bool = True) -> list[str]:
    """Create ``count`` codes; only their hashes are stored, so the list returned is the only copy.

    ``commit=False`` leaves the commit to the caller (to queue the codes' emails in the same
    transaction, so no code exists that was never sent)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    org = default_organisation()
    codes = []
    while len(codes) < count:
        code = new_code()
        if code in codes:
            continue
        codes.append(code)
        db.session.add(
            InvitationCode(organisation_id=org.id, instrument_slug=instrument_slug, code_hash=hash_code(code),
                           batch=batch, expires_on=expires_on)
        )
    if commit:
        db.session.commit()
    return codes


def check_code(instrument_slug: str, code: str, today: date | None = None) -> tuple[str | None, str | None]:
    """Return (hash, None) for a usable code, or (None, a message for the person)."""
    if not normalise_code(code):
        return None, _("Enter your invitation code")
    digest = hash_code(code)
    row = db.session.execute(
        db.select(InvitationCode).filter_by(code_hash=digest, instrument_slug=instrument_slug)
    ).scalar_one_or_none()
    if row is None:
        return None, _("The invitation code is not recognised. Check it and try again")
    if row.used:
        return None, _("This invitation code has already been used")
    if row.expires_on and row.expires_on < (today or date.today()):
        return None, _("This invitation code has expired")
    return digest, None


def spend_code(code_hash: str) -> bool:
    """Mark a code used inside the caller's transaction; False if it was used meanwhile."""
    result = db.session.execute(
        db.update(InvitationCode)
        .where(InvitationCode.code_hash == code_hash, InvitationCode.used.is_(False))
        .values(used=True)
    )
    return result.rowcount == 1
