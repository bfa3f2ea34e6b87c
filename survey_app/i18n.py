"""Languages: the respondent pages in English and Welsh, for councils in Wales.

``EXITVOICE_LANGUAGES`` lists the languages offered, first the one a new visitor sees
(``cy,en`` for a council that offers Welsh first; the default ``en`` offers English alone). A
respondent's choice is kept in their session for the whole journey, and every page says which
language it is in (``<html lang>``). Interface text lives in gettext catalogues
(``survey_app/translations``, compiled at install); questionnaire text lives in each definition
(``text: {en: ..., cy: ...}``). Staff pages are in English.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, redirect, request, session, url_for
from flask_babel import Babel, get_locale

#: names of the languages, each written in itself, as a language switch shows them
NATIVE_NAMES = {"en": "English", "cy": "Cymraeg"}
SUPPORTED = tuple(NATIVE_NAMES)
SESSION_KEY = "language"


def languages_setting(value: str) -> tuple[str, ...]:
    """The languages of an ``EXITVOICE_LANGUAGES`` value; ValueError names an unknown one."""
    codes = tuple(dict.fromkeys(code.strip().lower() for code in value.split(",") if code.strip()))
    unknown = [c for c in codes if c not in SUPPORTED]
    if unknown or not codes:
        raise ValueError(f"EXITVOICE_LANGUAGES must list languages from {', '.join(SUPPORTED)}, "
                         f"not {value!r}")
    return codes


def respondent_language() -> str:
    """The language of the page being built: the respondent's choice, else the council's first
    language; always English on staff pages and in commands."""
    offered = current_app.config["LANGUAGES"]
    if not request or request.blueprint not in ("respond", None) or request.path.startswith(("/hr", "/admin")):
        return "en"
    chosen = session.get(SESSION_KEY)
    return chosen if chosen in offered else offered[0]


def current_language() -> str:
    return str(get_locale() or "en")


def init_i18n(app: Flask) -> None:
    app.config["LANGUAGES"] = languages_setting(app.config.get("LANGUAGES_SETTING", "en"))
    Babel(app, locale_selector=respondent_language, default_translation_directories="translations")

    @app.context_processor
    def inject_language() -> dict:
        offered = app.config["LANGUAGES"]
        here = current_language()
        switch = []
        if len(offered) > 1 and request.blueprint == "respond":
            switch = [{"code": code, "name": NATIVE_NAMES[code], "current": code == here,
                       "href": url_for("respond.language", code=code, next=request.full_path.rstrip("?"))}
                      for code in offered]
        return {"current_language": here, "language_switch": switch}


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
