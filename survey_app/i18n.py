"""Languages: the respondent pages in English and Welsh, for councils in Wales.

``EXITVOICE_LANGUAGES`` lists the languages offered, first the one a new visitor sees
(``cy,en`` for a council that offers Welsh first; the default ``en`` offers English alone). A
respondent's choice is kept in their session for the whole journey, and every page says which
language it is in (``<html lang>``). Interface text lives in gettext catalogues
(``survey_app/translations``, compiled at install); questionnaire text lives in each definition
(``text: {en: ..., cy: ...}``).

Staff pages (sign-in, account, HR, reports, admin) follow the signed-in person's own choice
(``User.language``, set on their account page, or with the switch on the way in if they had not
set one) where the council offers Welsh; before sign-in, the switch's choice or the council's
first language. Where it does not, they are in English.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, has_request_context, redirect, request, session, url_for
from flask_babel import Babel, get_locale
from flask_login import current_user

#: names of the languages, each written in itself, as a language switch shows them
NATIVE_NAMES = {"en": "English", "cy": "Cymraeg"}
SUPPORTED = tuple(NATIVE_NAMES)
SESSION_KEY = "language"
#: the language a signed-in person chose with the switch on the way in, for this visit only,
#: when it differs from the one saved with their account
VISIT_LANGUAGE_KEY = "staff_language_this_visit"


def languages_setting(value: str) -> tuple[str, ...]:
    """The languages of an ``EXITVOICE_LANGUAGES`` value; ValueError names an unknown one."""
    codes = tuple(dict.fromkeys(code.strip().lower() for code in value.split(",") if code.strip()))
    unknown = [c for c in codes if c not in SUPPORTED]
    if unknown or not codes:
        raise ValueError(f"EXITVOICE_LANGUAGES must list languages from {', '.join(SUPPORTED)}, "
                         f"not {value!r}")
    return codes


#: the blueprints of the staff pages, and the paths of theirs an error page may be shown on
STAFF_BLUEPRINTS = ("auth", "hr", "reports", "admin")
STAFF_PATHS = ("/hr", "/admin", "/reports", "/account", "/sign-in", "/sign-out", "/set-password")


def is_staff_page() -> bool:
    # By path as well: an unknown address under /hr can match a respondent route (/<slug>/<page>)
    # and be refused there, but it is still a staff page.
    return request.blueprint in STAFF_BLUEPRINTS or request.path.startswith(STAFF_PATHS)


def staff_languages_offered() -> bool:
    """Whether staff may choose their language: only where the council offers Welsh."""
    return "cy" in current_app.config["LANGUAGES"]


def page_language() -> str:
    """The language of the page being built (Flask-Babel's locale selector).

    Respondent pages: the respondent's choice kept in their session, else the council's first
    language. Staff pages: English unless the council offers Welsh; then, signed in, the
    language chosen with the switch on the way in if it differs from the person's saved one
    (for this visit only), else their saved language; before sign-in, the switch's choice; else
    the council's first language. Commands, outside any request, are in English."""
    if not request:
        return "en"
    offered = current_app.config["LANGUAGES"]
    if is_staff_page():
        if not staff_languages_offered():
            return "en"
        if current_user.is_authenticated:
            chosen = session.get(VISIT_LANGUAGE_KEY) or current_user.language
            return chosen if chosen in offered else offered[0]
    chosen = session.get(SESSION_KEY)
    return chosen if chosen in offered else offered[0]


def switch_choice() -> str | None:
    """The language chosen with the switch in this session, where staff may choose one."""
    chosen = session.get(SESSION_KEY)
    return chosen if staff_languages_offered() and chosen in current_app.config["LANGUAGES"] else None


def current_language() -> str:
    return str(get_locale() or "en")


def and_list(parts: list[str]) -> str:
    """Words joined as a sentence lists them in the language of the page: "a, b and c";
    in Welsh "a, b a c", or "ac" before a vowel."""
    if len(parts) < 2:
        return "".join(parts)
    last = parts[-1]
    joined = ", ".join(parts[:-1])
    if current_language() == "cy":
        return f"{joined} {'ac' if last[:1].lower() in 'aâeêiîoôuûwŵyŷ' else 'a'} {last}"
    return f"{joined} and {last}"


def init_i18n(app: Flask) -> None:
    app.config["LANGUAGES"] = languages_setting(app.config.get("LANGUAGES_SETTING", "en"))
    Babel(app, locale_selector=page_language, default_translation_directories="translations")

    @app.context_processor
    def inject_language() -> dict:
        offered = app.config["LANGUAGES"]
        here = current_language()
        if not has_request_context():
            # A template rendered by a command: no page, so no switch and no staff page.
            return {"current_language": here, "language_switch": [],
                    "staff_languages_offered": staff_languages_offered(), "staff_page": False}
        switch = []
        # Respondents, and staff before they sign in, switch here; signed-in staff choose on
        # their account page, and their choice is kept with their account.
        before_sign_in = is_staff_page() and staff_languages_offered() and not current_user.is_authenticated
        if len(offered) > 1 and (request.blueprint == "respond" or before_sign_in):
            switch = [{"code": code, "name": NATIVE_NAMES[code], "current": code == here,
                       "href": url_for("respond.language", code=code, next=request.full_path.rstrip("?"))}
                      for code in offered]
        return {"current_language": here, "language_switch": switch,
                "staff_languages_offered": staff_languages_offered(), "staff_page": is_staff_page()}


def safe_next(target: str | None) -> str:
    """A path on this site to go back to after choosing a language, never another site."""
    if not target:
        return url_for("respond.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("respond.index")
    return target


def choose_language(code: str):
    """Keep the respondent's language for the journey and return to the page they were on."""
    if code not in current_app.config["LANGUAGES"]:
        return redirect(safe_next(request.args.get("next")))
    session[SESSION_KEY] = code
    return redirect(safe_next(request.args.get("next")))
