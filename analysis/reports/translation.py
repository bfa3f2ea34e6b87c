"""The words of a report in the language it is built in: English (the default) or Welsh.

What comes in: a language code (``"en"`` or ``"cy"``). What goes out: a :class:`ReportWords`
that turns the English text of a report into that language through the analysis package's own
gettext catalogue (domain ``reports``, ``analysis/translations/<language>/LC_MESSAGES/reports.po``,
compiled to ``.mo`` by ``make install``). Nothing here imports Flask.

Every sentence is one translatable message with named placeholders (``{count}``, ``{period}``),
never glued from pieces, because Welsh orders words differently and mutates them. The English
edition reads the messages themselves, so building it in English changes nothing.

Only the words change with the language: the figures, the tables, which cells are hidden and the
disclosure record are decided before any word is chosen and are the same in every edition. The
published markers (``"fewer than 5"``, ``"withheld"``, ``"not shown"``, ``"not available"``)
stay in English in a report's data, where tools and checks read them, and are shown in the
edition's language by the renderers (:meth:`ReportWords.marker`).
"""

from __future__ import annotations

import datetime as dt
import gettext
import re
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path

import yaml

from analysis.disclosure.rules import fewer_than_k

LANGUAGES = ("en", "cy")
DOMAIN = "reports"
#: the ``lang`` attribute of an edition's HTML and PDF
HTML_LANG = {"en": "en-GB", "cy": "cy-GB"}

_QUARTER = re.compile(r"^(\d{4}/\d{2}) Q([1-4])$")
_SPAN = re.compile(r"^(\d{4}/\d{2} Q[1-4]) to (\d{4}/\d{2} Q[1-4])$")
_ROLLING = re.compile(r"^12 months to (\d{4}/\d{2} Q[1-4])$")


def N_(text: str) -> str:
    """Marks English text kept in a table (labels of bands, areas, ...) for extraction; the
    text is translated where it is printed."""
    return text


def translations_dir() -> Path:
    return Path(str(resources.files("analysis"))) / "translations"


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
    return language


class ReportWords:
    """The words of one edition of a report.

    ``gettext(message, **values)`` and ``ngettext(singular, plural, n, **values)`` translate and
    then fill the named placeholders; the rest put periods, lists and published markers in words.
    """

    def __init__(self, language: str = "en") -> None:
        self.language = check_language(language)
        self.html_lang = HTML_LANG[language]
        if language == "en":
            self._catalogue: gettext.NullTranslations = gettext.NullTranslations()
        else:
            mo = translations_dir() / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
            if not mo.is_file():
                raise ValueError(f"the {language} catalogue of the reports is not compiled ({mo} is missing): "
                                 "run `make install`")
            with mo.open("rb") as fh:
                self._catalogue = gettext.GNUTranslations(fh)

    @property
    def catalogue(self) -> gettext.NullTranslations:
        """The gettext catalogue itself, for the renderers' Jinja templates."""
        return self._catalogue

    def gettext(self, message: str, **values: object) -> str:
        text = self._catalogue.gettext(message)
        return text.format(**values) if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        return self._catalogue.ngettext(singular, plural, n).format(n=n, **values)

    def period(self, label: str) -> str:
        """A period label in words: "2025/26 Q1" is "2025/26 Ch1" in Welsh; runs of quarters and
        rolling 12 months likewise. Labels are ids in the report's data and never change there."""
        if m := _QUARTER.match(label):
            return self.gettext("{year} Q{number}", year=m[1], number=m[2])
        if m := _SPAN.match(label):
            return self.gettext("{first} to {last}", first=self.period(m[1]), last=self.period(m[2]))
        if m := _ROLLING.match(label):
            return self.gettext("12 months to {quarter}", quarter=self.period(m[1]))
        return label

    def listed(self, items: Sequence[str]) -> str:
        """["a", "b", "c"] -> "a, b and c" (Welsh: "a, b a c", "ac" before a vowel, and the
        aspirate mutation "a" brings: "a chyflog")."""
        if len(items) == 1:
            return items[0]
        if self.language == "cy":
            return ", ".join(items[:-1]) + " " + _welsh_and(items[-1])
        return ", ".join(items[:-1]) + " and " + items[-1]

    def date(self, day: dt.date) -> str:
        """"1 July 2025" (Welsh: "1 Gorffennaf 2025")."""
        return f"{day.day} {self.gettext(MONTHS[day.month - 1])} {day.year}"

    def marker(self, value: object) -> str:
        """A published marker ("fewer than 5", "withheld", "not shown", "not available") in words."""
        text = str(value)
        if (k := fewer_than_k(text)) is not None:
            return self.gettext("fewer than {k}", k=k)
        if text in _MARKERS:
            return self.gettext(text)
        return text


_MARKERS = (N_("withheld"), N_("not shown"), N_("not available"))
MONTHS = (N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"), N_("July"),
          N_("August"), N_("September"), N_("October"), N_("November"), N_("December"))


def provisional_title(title: str, period_end: dt.date, words: ReportWords) -> str:
    """The title of a draft whose period has not ended: "Provisional: <title> (the period ends
    on 30 June 2025)", in the edition's language."""
    return words.gettext("Provisional: {title} (the period ends on {date})", title=title,
                         date=words.date(period_end))

_ASPIRATE = {"c": "ch", "p": "ph", "t": "th"}


def _welsh_and(word: str) -> str:
    """"a" before a consonant, mutating c, p and t (c -> ch), "ac" before a vowel."""
    first = word[:1]
    if first.lower() in "aeiouwyâêîôûŵŷ" and first:
        return "ac " + word
    if first.lower() in _ASPIRATE and word[1:2].lower() not in ("h",):
        mutated = _ASPIRATE[first.lower()]
        return "a " + (mutated.capitalize() if first.isupper() else mutated) + word[1:]
    return "a " + word


def report_language(report: Mapping, language: str | None = None) -> str:
    """The language a built report is in (``parameters.language``, English when absent). A
    renderer asked for another language refuses: the report's own text is in its language,
    so a Welsh edition is built in Welsh, not rendered from an English build."""
    built = report.get("parameters", {}).get("language", "en")
    if language is not None and check_language(language) != built:
        raise ValueError(f"this report was built in {built!r}; build it with language={language!r} "
                         f"to render it in {language!r}")
    return built


def theme_labels_in(labels: Mapping[str, str], language: str) -> dict[str, str]:
    """``labels`` (theme id -> English label, in the taxonomy's order) with each taxonomy theme
    named in ``language`` (from ``analysis/taxonomy.<language>.yaml``). Other themes (a
    council's own, promoted from emerging ones) keep the label HR gave them."""
    if check_language(language) == "en":
        return dict(labels)
    names = taxonomy_labels(language)
    return {theme_id: names.get(theme_id, label) for theme_id, label in labels.items()}


def taxonomy_labels(language: str, path: str | Path | None = None) -> dict[str, str]:
    """The taxonomy themes' labels in ``language``: a mapping of theme id to label, checked to
    name only themes of the taxonomy (a misspelt id would silently fall back to English)."""
    from analysis.taxonomy import load_taxonomy

    path = Path(path) if path else Path(str(resources.files("analysis"))) / f"taxonomy.{language}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    labels = data.get("labels") if isinstance(data, dict) else None
    if not isinstance(labels, dict):
        raise ValueError(f"{path}: must hold 'labels:', a mapping of theme id to label")
    known = set(load_taxonomy().ids)
    problems = [f"{path}: '{theme_id}' is not a theme of the taxonomy" for theme_id in labels if theme_id not in known]
    problems += [f"{path}: '{theme_id}' needs a non-empty label" for theme_id, text in labels.items()
                 if not isinstance(text, str) or not text.strip()]
    if problems:
        raise ValueError("\n".join(problems))
    return {str(k): str(v).strip() for k, v in labels.items()}
