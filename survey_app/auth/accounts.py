"""Staff accounts: passwords (argon2id), invitation and reset links, locks, second factor."""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import UTC, datetime, timedelta

import pyotp
import qrcode
import qrcode.image.svg
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app
from flask_babel import gettext

from ..extensions import db
from ..models import ROLES, StaffSession, User, default_organisation

MIN_PASSWORD_LENGTH = 12


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(time_cost=config["PASSWORD_HASH_TIME_COST"], memory_cost=config["PASSWORD_HASH_MEMORY_KIB"])


def _dummy_hash() -> str:
    """Verified against when the email is unknown, so both cases take the same time."""
    key = "exitvoice.dummy_password_hash"
    if key not in current_app.extensions:
        current_app.extensions[key] = _hasher().hash(secrets.token_hex(16))
    return current_app.extensions[key]


class AccountError(ValueError):
    """A request about an account that cannot be met, with a message a person can act on."""


def utcnow() -> datetime:
    """Now, in UTC, without a timezone (as stored)."""
    return datetime.now(UTC).replace(tzinfo=None)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"A password must be at least {MIN_PASSWORD_LENGTH} characters long")
    return _hasher().hash(password)


def password_matches(user: User | None, password: str) -> bool:
    """Check a password; spends the same work whether or not there is a user or a hash."""
    stored = user.password_hash if user is not None and user.password_hash else None
    try:
        return _hasher().verify(stored or _dummy_hash(), password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def start_session(user: User) -> str:
    """Record a new signed-in session for ``user``; returns the value the browser's session holds."""
    value = secrets.token_urlsafe(32)
    # Sessions outlive no working day: older rows of the user (never signed out) are dropped.
    db.session.execute(db.delete(StaffSession).where(StaffSession.user_id == user.id,
                                                     StaffSession.created_at < utcnow() - timedelta(days=1)))
    db.session.add(StaffSession(id=_token_digest(value), user_id=user.id, created_at=utcnow()))
    return value


def session_is_live(user: User, value: str | None) -> bool:
    """Whether the browser's session value names a session of ``user`` not yet signed out."""
    if not value:
        return False
    row = db.session.get(StaffSession, _token_digest(value))
    return row is not None and row.user_id == user.id


def end_session(value: str | None) -> None:
    """Sign out one session: its row goes, so its cookie (or any copy) stops working."""
    if value:
        db.session.execute(db.delete(StaffSession).where(StaffSession.id == _token_digest(value)))


def end_sessions(user: User) -> None:
    """Sign out every session of ``user``."""
    db.session.execute(db.delete(StaffSession).where(StaffSession.user_id == user.id))


def find_user(email: str) -> User | None:
    return db.session.execute(db.select(User).filter_by(email=normalise_email(email))).scalar_one_or_none()


def create_user(email: str, role: str, password: str | None = None) -> User:
    """Add an account (the caller commits). Without a password, issue an invitation link next."""
    email = normalise_email(email)
    if role not in ROLES:
        raise AccountError(f"Role must be one of {', '.join(ROLES)}")
    if "@" not in email or len(email) > 320:
        raise AccountError(gettext("Enter an email address in the correct format, like name@example.org"))
    if find_user(email) is not None:
        raise AccountError(gettext("There is already an account with this email address"))
    user = User(
        organisation_id=default_organisation().id,
        email=email,
        role=role,
        password_hash=hash_password(password) if password else None,
        failed_signins=0,
        disabled=False,
        session_token=new_session_token(),
        created_at=utcnow(),
    )
    db.session.add(user)
    return user


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_password_link(user: User) -> str:
    """A one-time token to set a password; only its hash is kept. Signs the user out everywhere."""
    token = secrets.token_urlsafe(32)
    user.invite_token_hash = _token_digest(token)
    user.invite_expires_at = utcnow() + timedelta(days=current_app.config["INVITATION_DAYS"])
    user.session_token = new_session_token()
    return token


def reset_sign_in(user: User) -> str:
    """Clear the password and second factor and return a new set-password token."""
    user.password_hash = None
    user.totp_secret = None
    user.totp_last_step = None
    user.failed_signins = 0
    user.locked_until = None
    return issue_password_link(user)


def user_for_password_link(token: str) -> User | None:
    user = db.session.execute(
        db.select(User).filter_by(invite_token_hash=_token_digest(token))
    ).scalar_one_or_none()
    if user is None or user.disabled or user.invite_expires_at is None or user.invite_expires_at < utcnow():
        return None
    return user


def set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.invite_token_hash = None
    user.invite_expires_at = None
    user.failed_signins = 0
    user.locked_until = None
    user.session_token = new_session_token()


def is_locked(user: User | None) -> bool:
    """Whether the account is in a throttling pause: passwords alone are not even checked."""
    return bool(user is not None and user.locked_until and user.locked_until > utcnow())


def throttle_delay(failures: int) -> timedelta:
    """The pause after ``failures`` failed attempts in a row: none for the first
    SIGNIN_MAX_FAILURES, then 30 seconds doubling each time, never more than SIGNIN_LOCK_MINUTES."""
    free = current_app.config["SIGNIN_MAX_FAILURES"]
    if failures < free:
        return timedelta(0)
    cap = timedelta(minutes=current_app.config["SIGNIN_LOCK_MINUTES"])
    return min(timedelta(seconds=30 * 2 ** min(failures - free, 20)), cap)


def note_failure(user: User | None) -> bool:
    """Count a failed attempt and pause the account for its throttle delay; True when this
    failure started the throttling (for the audit log). Brute force then gets a few attempts an
    hour, while the owner can still sign in with password and security code together."""
    if user is None:
        return False
    user.failed_signins = (user.failed_signins or 0) + 1
    delay = throttle_delay(user.failed_signins)
    if delay:
        user.locked_until = utcnow() + delay
    return user.failed_signins == current_app.config["SIGNIN_MAX_FAILURES"]


# Second factor (TOTP, RFC 6238: 6 digits, 30-second steps).

def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=current_app.config["SERVICE_NAME"])


def totp_qr_data_uri(uri: str) -> str:
    """The provisioning URI as an SVG QR code in a data URI (no script, allowed by the CSP)."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode("ascii")


def totp_step(secret: str, code: str, at: datetime | None = None) -> int | None:
    """The time step a code belongs to (allowing one step of clock drift), or None if wrong."""
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    moment = (at or datetime.now(UTC)).replace(tzinfo=UTC)
    for drift in (0, -1, 1):
        when = moment + timedelta(seconds=30 * drift)
        if secrets.compare_digest(totp.at(when), code):
            return totp.timecode(when)
    return None


def accept_totp(user: User, code: str, at: datetime | None = None) -> bool:
    """Accept a code once: a code already used (or an older one) is refused."""
    if not user.totp_secret:
        return False
    step = totp_step(user.totp_secret, code, at)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    user.totp_last_step = step
    return True
