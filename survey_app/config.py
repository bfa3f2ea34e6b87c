"""Configuration classes, chosen by ``EXITVOICE_ENV`` (``development``, ``production``, ``testing``).

Settings a council changes come from environment variables; the defaults keep ``make run``
working with no server: a SQLite file in the Flask instance folder.
"""

from __future__ import annotations

import os
from datetime import timedelta


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be a whole number, not {value!r}") from exc


#: The kinds of email the service sends; with GOV.UK Notify each has its own template.
MAIL_KINDS = ("follow_up_requested", "account_link", "survey_invitation", "survey_reminder", "other")

class Config:
    """Settings shared by every environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    COUNCIL_NAME = os.environ.get("EXITVOICE_COUNCIL_NAME", "Your council")
    # Languages of the respondent pages, the first shown to a new visitor: "en", or "cy,en" for a
    # council in Wales offering Welsh first (survey_app/i18n.py).
    LANGUAGES_SETTING = os.environ.get("EXITVOICE_LANGUAGES", "en")
    # The Government Security Classification marking printed on every page of every report.
    PROTECTIVE_MARKING = os.environ.get("EXITVOICE_PROTECTIVE_MARKING", "OFFICIAL-SENSITIVE")
    # Where people reach the service, e.g. https://exitvoice.council.gov.uk: links sent to staff
    # are built from it, never from the Host a request claims (required in production).
    BASE_URL = os.environ.get("EXITVOICE_BASE_URL", "").rstrip("/")
    SERVICE_NAME = "ExitVoice"
    # Largest request body accepted; the longest form (several long free-text answers) is far below.
    MAX_CONTENT_LENGTH = _env_int("EXITVOICE_MAX_CONTENT_LENGTH", 256 * 1024)
    # Answers in progress are kept server-side for at most this long.
    DRAFT_LIFETIME = timedelta(hours=_env_int("EXITVOICE_DRAFT_HOURS", 4))
    # Answers saved with a return code ("save and come back later") are kept this many whole days
    # after they were last saved.
    SAVED_DRAFT_DAYS = _env_int("EXITVOICE_SAVED_DRAFT_DAYS", 7)
    # Sent questionnaires become responses in batches of at least this many (survey_app.mixing);
    # 'flask submissions release', run daily, frees any that waited RELEASE_MAX_DAYS.
    RELEASE_BATCH = _env_int("EXITVOICE_RELEASE_BATCH", 5)
    RELEASE_MAX_DAYS = _env_int("EXITVOICE_RELEASE_MAX_DAYS", 7)
    # Saving a theme's phrases re-runs the themes in a background thread of the app (its page
    # shows the progress); off, the save waits for the run.
    THEMES_IN_BACKGROUND = True
    PERMANENT_SESSION_LIFETIME = DRAFT_LIFETIME
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "exitvoice_session"
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session, which is short
    # Over HTTPS a form post must come from a page of this site (its Referer); the referrer policy
    # in security.py lets browsers send it to us and to nobody else.
    WTF_CSRF_SSL_STRICT = True
    # Rate limits (Flask-Limiter syntax). Storage: memory per process unless a shared store is set.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = os.environ.get("EXITVOICE_RATELIMIT", "on") != "off"
    # Per client address. A council's staff often share one address (NAT): a whole team sending a
    # staff survey within minutes must get through, while a flood of thousands an hour does not.
    RATELIMIT_SUBMIT = os.environ.get("EXITVOICE_RATELIMIT_SUBMIT", "600 per hour;60 per minute")
    RATELIMIT_FORM = os.environ.get("EXITVOICE_RATELIMIT_FORM", "300 per hour")
    RATELIMIT_HEADERS_ENABLED = True
    # Staff sign-in: a temporary lock after repeated failures, an idle timeout, and a rate limit.
    SIGNIN_MAX_FAILURES = _env_int("EXITVOICE_SIGNIN_MAX_FAILURES", 5)
    SIGNIN_LOCK_MINUTES = _env_int("EXITVOICE_SIGNIN_LOCK_MINUTES", 15)
    IDLE_TIMEOUT_MINUTES = _env_int("EXITVOICE_IDLE_TIMEOUT_MINUTES", 30)
    RATELIMIT_SIGNIN = os.environ.get("EXITVOICE_RATELIMIT_SIGNIN", "10 per minute;60 per hour")
    # Argon2id cost for staff passwords (the argon2-cffi defaults: RFC 9106 low-memory profile).
    PASSWORD_HASH_TIME_COST = _env_int("EXITVOICE_PASSWORD_HASH_TIME_COST", 3)
    PASSWORD_HASH_MEMORY_KIB = _env_int("EXITVOICE_PASSWORD_HASH_MEMORY_KIB", 65536)
    # How long an invitation or password-reset link stays usable.
    INVITATION_DAYS = _env_int("EXITVOICE_INVITATION_DAYS", 7)
    # Free text older than this many months is removed by 'flask retention purge'.
    RETENTION_MONTHS = _env_int("EXITVOICE_RETENTION_MONTHS", 36)
    # Imported workbooks are refused before parsing beyond these (a zip can hide a huge sheet).
    IMPORT_MAX_UNCOMPRESSED_MB = _env_int("EXITVOICE_IMPORT_MAX_UNCOMPRESSED_MB", 200)
    IMPORT_MAX_ROWS = _env_int("EXITVOICE_IMPORT_MAX_ROWS", 200_000)
    # Rows per page in HR lists.
    PAGE_SIZE = _env_int("EXITVOICE_PAGE_SIZE", 25)
    # Minimum group size for any published figure (statistical disclosure control).
    DISCLOSURE_THRESHOLD = _env_int("EXITVOICE_DISCLOSURE_THRESHOLD", 5)
    # Trust one proxy hop for the scheme (HTTPS detection); client addresses are never used.
    # Reverse proxies whose X-Forwarded-For/-Proto/-Host headers are believed: addresses or networks,
    # comma-separated. A request from anywhere else is taken as it arrived, whatever it claims.
    TRUSTED_PROXIES = os.environ.get("EXITVOICE_TRUSTED_PROXIES", "127.0.0.1,::1")
    # Email (survey_app/mail.py): "log" writes each message to the log; "smtp" sends through the
    # council's relay. Messages wait in an outbox and go out with 'flask mail send'.
    MAIL_BACKEND = os.environ.get("EXITVOICE_MAIL_BACKEND", "log")
    MAIL_FROM = os.environ.get("EXITVOICE_MAIL_FROM", "exitvoice@localhost")
    SMTP_HOST = os.environ.get("EXITVOICE_SMTP_HOST", "localhost")
    SMTP_PORT = _env_int("EXITVOICE_SMTP_PORT", 587)
    SMTP_TLS = os.environ.get("EXITVOICE_SMTP_TLS", "starttls")  # starttls | ssl | none
    SMTP_USER = os.environ.get("EXITVOICE_SMTP_USER", "")
    SMTP_PASSWORD = os.environ.get("EXITVOICE_SMTP_PASSWORD", "")
    # HR's shared mailbox: told when a follow-up conversation is requested (no name, no answers).
    HR_MAILBOX = os.environ.get("EXITVOICE_HR_MAILBOX", "")
    # GOV.UK Notify (EXITVOICE_MAIL_BACKEND=notify): the API key and one template id per kind of
    # message (survey_app/mail.py KINDS), e.g. EXITVOICE_NOTIFY_TEMPLATE_SURVEY_INVITATION.
    NOTIFY_API_KEY = os.environ.get("EXITVOICE_NOTIFY_API_KEY", "")
    NOTIFY_BASE_URL = os.environ.get("EXITVOICE_NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
    NOTIFY_TEMPLATES = {
        kind: os.environ[f"EXITVOICE_NOTIFY_TEMPLATE_{kind.upper()}"]
        for kind in MAIL_KINDS
        if os.environ.get(f"EXITVOICE_NOTIFY_TEMPLATE_{kind.upper()}")
    }
    # A message still unsent after this many tries is marked failed (and kept).
    MAIL_MAX_ATTEMPTS = _env_int("EXITVOICE_MAIL_MAX_ATTEMPTS", 10)


class DevelopmentConfig(Config):
    """``make run``: SQLite in the instance folder, a local secret, cookies over plain HTTP, and
    each sent questionnaire visible to HR at once (no mixing batch to wait for)."""

    SESSION_COOKIE_SECURE = False
    RELEASE_BATCH = _env_int("EXITVOICE_RELEASE_BATCH", 1)


class ProductionConfig(Config):
    """Production: ``DATABASE_URL`` (PostgreSQL) and ``SECRET_KEY`` are required."""


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret-key"  # noqa: S105 - tests only
    SESSION_COOKIE_SECURE = False
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    RATELIMIT_ENABLED = False
    # Most tests look for the response they sent; the mixing tests set their own batch size.
    RELEASE_BATCH = 1
    # Most tests look at the themes right after a phrase edit; one runs them in the background.
    THEMES_IN_BACKGROUND = False
    # Cheap hashing keeps the suite fast; the algorithm and code path are the same.
    PASSWORD_HASH_TIME_COST = 1
    PASSWORD_HASH_MEMORY_KIB = 1024


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestingConfig,
}
