"""Questionnaire definitions: YAML files shipped in ``definitions/``, validated on load.

A definition is data a council can change. Loading one checks every question and fails with the
file name, the question key and the reason, so a broken edit never reaches respondents.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DEFINITIONS_DIR = Path(__file__).parent / "definitions"

QUESTION_TYPES = (
    "single_choice",
    "multiple_choice",
    "likert",
    "free_text",
    "month",
    "service_band",
)
KINDS = ("exit", "staff_survey", "focus_group")
COMMENT_PURPOSES = ("reasons", "would_have_stayed", "worked_well", "improve", "inclusion", "other")
SIMPLE_ROLES = (
    "length_of_service",
    "post_qualifying_experience",
    "role",
    "service_area",
    "employment_type",
    "leaving_reasons",
    "destination",
    "leaving_month",
    "recommend",
    "consider_returning",
)
EQUALITY_CHARACTERISTICS = (
    "age",
    "disability",
    "sex",
    "gender_identity",
    "sexual_orientation",
    "ethnicity",
    "religion",
    "marital_status",
    "pregnancy_maternity",
)
SERVICE_BANDS = (
    ("under_1", "Less than 1 year"),
    ("1_to_2", "1 year to less than 2 years"),
    ("2_to_5", "2 years to less than 5 years"),
    ("5_to_10", "5 years to less than 10 years"),
    ("10_plus", "10 years or more"),
)
LIKERT_SCALES: dict[str, tuple[tuple[str, str], ...]] = {
    "quality": (
        ("5", "Very good"),
        ("4", "Good"),
        ("3", "Neither good nor poor"),
        ("2", "Poor"),
        ("1", "Very poor"),
    ),
    "agreement": (
        ("5", "Strongly agree"),
        ("4", "Agree"),
        ("3", "Neither agree nor disagree"),
        ("2", "Disagree"),
        ("1", "Strongly disagree"),
    ),
}
#: Languages a definition may carry text in; English is required, the others optional per text.
TEXT_LANGUAGES = ("en", "cy")
# The built-in answer labels in Welsh (values are the same in every language, so answers count
# together). To be checked by a Welsh speaker before use: see docs/welsh.md.
BUILT_IN_LABELS: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {
    "cy": {
        "service_band": (
            ("under_1", "Llai nag 1 flwyddyn"),
            ("1_to_2", "1 flwyddyn i lai na 2 flynedd"),
            ("2_to_5", "2 flynedd i lai na 5 mlynedd"),
            ("5_to_10", "5 mlynedd i lai na 10 mlynedd"),
            ("10_plus", "10 mlynedd neu fwy"),
        ),
        "quality": (
            ("5", "Da iawn"),
            ("4", "Da"),
            ("3", "Ddim yn dda nac yn wael"),
            ("2", "Gwael"),
            ("1", "Gwael iawn"),
        ),
        "agreement": (
            ("5", "Cytuno'n gryf"),
            ("4", "Cytuno"),
            ("3", "Ddim yn cytuno nac yn anghytuno"),
            ("2", "Anghytuno"),
            ("1", "Anghytuno'n gryf"),
        ),
    }
}
MONTH_NAMES = {
    "cy": ("Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf", "Awst", "Medi", "Hydref",
           "Tachwedd", "Rhagfyr"),
}
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
DEFAULT_TEXT_LIMIT = 3000


class DefinitionError(ValueError):
    """A questionnaire file that cannot be used, with where and why."""


@dataclass(frozen=True)
class Question:
    key: str
    type: str
    text: str
    hint: str = ""
    required: bool = False
    options: tuple[tuple[str, str], ...] = ()
    max_length: int = DEFAULT_TEXT_LIMIT
    role: str | None = None
    scale: str | None = None
    inline: bool = False
    language: str = "en"  # of the built-in labels (length of service, ratings, months)

    @property
    def purpose(self) -> str | None:
        """For a free-text question with a ``comment.<purpose>`` role, that purpose."""
        if self.role and self.role.startswith("comment."):
            return self.role.split(".", 1)[1]
        return None

    def choices(self, today: date | None = None) -> tuple[tuple[str, str], ...]:
        """The (value, label) pairs offered, for every question type with fixed answers."""
        built_in = BUILT_IN_LABELS.get(self.language, {})
        if self.type == "service_band":
            return built_in.get("service_band", SERVICE_BANDS)
        if self.type == "likert":
            return built_in.get(self.scale or "quality", LIKERT_SCALES[self.scale or "quality"])
        if self.type == "month":
            return month_choices(today or date.today(), language=self.language)
        return self.options

    def label_for(self, value: str) -> str:
        return dict(self.choices()).get(value, value)


@dataclass(frozen=True)
class Page:
    id: str
    title: str
    questions: tuple[Question, ...]
    intro: str = ""
    # Optional pages (equality monitoring) come after check-your-answers and may be skipped whole.
    after_check: bool = False


@dataclass(frozen=True)
class Definition:
    slug: str
    version: int
    kind: str
    title: str
    pages: tuple[Page, ...]
    requires_code: bool = False
    description: str = ""
    source: str = "<memory>"
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    # language -> {text path -> text}: the definition's text in languages other than English
    translations: dict[str, dict[str, str]] = field(default_factory=dict, compare=False, repr=False)
    texts: tuple[str, ...] = field(default=(), compare=False, repr=False)  # every text path, in order
    language: str = "en"

    def missing_translations(self, language: str) -> list[str]:
        """The text paths (``page your-job title``, ``question role option asye`` ...) that have
        no text in ``language``."""
        if language == "en":
            return []
        have = self.translations.get(language, {})
        return [path for path in self.texts if path not in have]

    def localised(self, language: str) -> Definition:
        """This definition with its text in ``language`` where given (English elsewhere) and its
        built-in labels in that language. Keys, values and roles are unchanged, so answers given
        in any language are stored and counted alike."""
        if language == self.language or (language == "en" and not self.translations):
            return self
        words = self.translations.get(language, {})

        def say(path: str, english: str) -> str:
            return words.get(path, english)

        pages = tuple(
            replace(
                page,
                title=say(f"page {page.id} title", page.title),
                intro=say(f"page {page.id} intro", page.intro),
                questions=tuple(
                    replace(
                        q,
                        text=say(f"question {q.key} text", q.text),
                        hint=say(f"question {q.key} hint", q.hint),
                        options=tuple((v, say(f"question {q.key} option {v}", label)) for v, label in q.options),
                        language=language,
                    )
                    for q in page.questions
                ),
            )
            for page in self.pages
        )
        return replace(self, title=say("title", self.title), description=say("description", self.description),
                       pages=pages, language=language)

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for page in self.pages for q in page.questions)

    def question(self, key: str) -> Question:
        for q in self.questions:
            if q.key == key:
                return q
        raise KeyError(key)

    def page(self, page_id: str) -> Page:
        for p in self.pages:
            if p.id == page_id:
                return p
        raise KeyError(page_id)

    @property
    def main_pages(self) -> tuple[Page, ...]:
        return tuple(p for p in self.pages if not p.after_check)

    @property
    def after_check_pages(self) -> tuple[Page, ...]:
        return tuple(p for p in self.pages if p.after_check)

    def key_for_role(self, role: str) -> str | None:
        for q in self.questions:
            if q.role == role:
                return q.key
        return None


def every_version(definitions: list[Definition]) -> Definition:
    """One definition holding every question of every version of a questionnaire: the newest
    version's pages, titles and wording, each page followed by the questions older versions asked
    on it and the newest does not, then pages only older versions had. Used where a response must
    be shown or exported without telling which version it answered."""
    ordered = sorted(definitions, key=lambda d: -d.version)
    newest = ordered[0]
    pages: dict[str, Page] = {}
    seen: set[str] = set()
    for definition in ordered:
        for page in definition.pages:
            added = tuple(q for q in page.questions if q.key not in seen)
            seen.update(q.key for q in added)
            if page.id in pages:
                pages[page.id] = replace(pages[page.id], questions=pages[page.id].questions + added)
            else:
                pages[page.id] = replace(page, questions=added)
    translations: dict[str, dict[str, str]] = {}
    for definition in reversed(ordered):  # the newest wording wins
        for language, words in definition.translations.items():
            translations.setdefault(language, {}).update(words)
    texts = tuple(dict.fromkeys(path for d in ordered for path in d.texts))
    return replace(newest, pages=tuple(pages.values()), translations=translations, texts=texts,
                   source=", ".join(d.source for d in ordered))


def month_choices(today: date, back: int = 24, ahead: int = 3, language: str = "en") -> tuple[tuple[str, str], ...]:
    """Months from ``ahead`` months in the future back to ``back`` months ago, newest first."""
    out = []
    names = MONTH_NAMES.get(language)
    index = today.year * 12 + today.month - 1
    for i in range(index + ahead, index - back - 1, -1):
        year, month = divmod(i, 12)
        d = date(year, month + 1, 1)
        out.append((d.strftime("%Y-%m"), f"{names[month]} {year}" if names else d.strftime("%B %Y")))
    return tuple(out)


def _valid_role(role: str, qtype: str, theme_ids: frozenset[str], options: tuple) -> str | None:
    """Return the reason a report role does not fit the question, or None when it does."""
    if role in SIMPLE_ROLES:
        if role == "leaving_reasons":
            if qtype != "multiple_choice":
                return "role leaving_reasons needs a multiple_choice question"
            unknown = [v for v, _ in options if v not in theme_ids and v != "other"]
            if unknown:
                return f"leaving_reasons options must be theme ids; unknown: {', '.join(unknown)}"
        if role in ("length_of_service", "post_qualifying_experience") and qtype != "service_band":
            return f"role {role} needs a service_band question"
        if role == "leaving_month" and qtype != "month":
            return "role leaving_month needs a month question"
        return None
    prefix, _, rest = role.partition(".")
    if prefix == "rating" and rest and KEY_PATTERN.match(rest):
        return None if qtype == "likert" else "a rating.<area> role needs a likert question"
    if prefix == "comment":
        if rest not in COMMENT_PURPOSES:
            return f"comment purpose must be one of {', '.join(COMMENT_PURPOSES)}"
        return None if qtype == "free_text" else "a comment.<purpose> role needs a free_text question"
    if prefix == "equality":
        if rest not in EQUALITY_CHARACTERISTICS:
            return f"equality characteristic must be one of {', '.join(EQUALITY_CHARACTERISTICS)}"
        return None
    return f"unknown report role {role!r}"


def parse_definition(data: Any, source: str, theme_ids: frozenset[str]) -> Definition:
    """Validate a decoded YAML mapping and build a Definition, or raise DefinitionError.

    Any text (title, description, page title and intro, question text and hint, option label)
    may be plain text (English) or a mapping by language, ``{en: ..., cy: ...}``, English required.
    """

    def fail(reason: str, key: str | None = None) -> DefinitionError:
        where = f"{source}: question {key!r}: " if key else f"{source}: "
        return DefinitionError(where + reason)

    translations: dict[str, dict[str, str]] = {}
    texts: list[str] = []

    def text(value: Any, path: str, key: str | None = None) -> str:
        """The English of a text, recording its other languages under ``path``."""
        if isinstance(value, dict):
            unknown = sorted(set(value) - set(TEXT_LANGUAGES))
            if unknown:
                raise fail(f"{path}: unknown language(s) {', '.join(map(str, unknown))}; "
                           f"use {', '.join(TEXT_LANGUAGES)}", key)
            if not value.get("en"):
                raise fail(f"{path}: the English text (en) is missing", key)
            for language, words in value.items():
                if language != "en" and words:
                    translations.setdefault(language, {})[path] = str(words)
            english = str(value["en"])
        else:
            english = "" if value is None else str(value)
        if english:
            texts.append(path)
        return english

    if not isinstance(data, dict):
        raise fail("the file must hold a mapping with slug, version, kind, title and pages")
    for name in ("slug", "version", "kind", "title", "pages"):
        if name not in data:
            raise fail(f"missing '{name}'")
    if data["kind"] not in KINDS:
        raise fail(f"kind must be one of {', '.join(KINDS)}, not {data['kind']!r}")
    if not isinstance(data["version"], int) or data["version"] < 1:
        raise fail("version must be a whole number from 1")
    if not isinstance(data["pages"], list) or not data["pages"]:
        raise fail("pages must be a non-empty list")

    seen_keys: set[str] = set()
    seen_roles: set[str] = set()
    pages = []
    for page_no, raw_page in enumerate(data["pages"], start=1):
        if not isinstance(raw_page, dict) or "id" not in raw_page or "questions" not in raw_page:
            raise fail(f"page {page_no} needs an id and a list of questions")
        questions = []
        for raw_q in raw_page["questions"] or []:
            if not isinstance(raw_q, dict):
                raise fail(f"page {raw_page['id']!r} has a question that is not a mapping")
            key = raw_q.get("key")
            if not isinstance(key, str) or not KEY_PATTERN.match(key):
                raise fail(f"page {raw_page['id']!r}: question key {key!r} must be lower_snake_case")
            if key in seen_keys:
                raise fail("the key is used twice", key)
            seen_keys.add(key)
            qtype = raw_q.get("type")
            if qtype not in QUESTION_TYPES:
                raise fail(f"type must be one of {', '.join(QUESTION_TYPES)}, not {qtype!r}", key)
            if not raw_q.get("text"):
                raise fail("the question has no text", key)
            question_text = text(raw_q["text"], f"question {key} text", key)
            question_hint = text(raw_q.get("hint", ""), f"question {key} hint", key)
            options: tuple[tuple[str, str], ...] = ()
            if qtype in ("single_choice", "multiple_choice"):
                raw_opts = raw_q.get("options")
                if not isinstance(raw_opts, list) or len(raw_opts) < 2:
                    raise fail("a choice question needs at least two options", key)
                opts = []
                for opt in raw_opts:
                    if not isinstance(opt, dict) or "value" not in opt or "label" not in opt:
                        raise fail("each option needs a value and a label", key)
                    value = str(opt["value"])
                    opts.append((value, text(opt["label"], f"question {key} option {value}", key)))
                values = [v for v, _ in opts]
                if len(set(values)) != len(values):
                    raise fail("two options share a value", key)
                options = tuple(opts)
            elif "options" in raw_q:
                raise fail(f"a {qtype} question takes no options", key)
            scale = raw_q.get("scale")
            if qtype == "likert":
                scale = scale or "quality"
                if scale not in LIKERT_SCALES:
                    raise fail(f"scale must be one of {', '.join(LIKERT_SCALES)}", key)
            max_length = raw_q.get("max_length", DEFAULT_TEXT_LIMIT)
            if qtype == "free_text" and (not isinstance(max_length, int) or not 1 <= max_length <= 20000):
                raise fail("max_length must be a whole number from 1 to 20000", key)
            role = raw_q.get("role")
            if role is not None:
                reason = _valid_role(str(role), qtype, theme_ids, options)
                if reason:
                    raise fail(reason, key)
                if role in seen_roles and not str(role).startswith("comment."):
                    raise fail(f"role {role} is already given to another question", key)
                seen_roles.add(role)
            questions.append(
                Question(
                    key=key,
                    type=qtype,
                    text=question_text,
                    hint=question_hint,
                    required=bool(raw_q.get("required", False)),
                    options=options,
                    max_length=max_length,
                    role=role,
                    scale=scale,
                    inline=bool(raw_q.get("inline", False)),
                )
            )
        if not questions:
            raise fail(f"page {raw_page['id']!r} has no questions")
        page_id = str(raw_page["id"])
        pages.append(
            Page(
                id=page_id,
                title=text(raw_page.get("title", ""), f"page {page_id} title"),
                intro=text(raw_page.get("intro", ""), f"page {page_id} intro"),
                questions=tuple(questions),
                after_check=bool(raw_page.get("after_check", False)),
            )
        )
    page_ids = [p.id for p in pages]
    if len(set(page_ids)) != len(page_ids):
        raise fail("two pages share an id")
    title = text(data["title"], "title")
    description = text(data.get("description", ""), "description")
    return Definition(
        slug=str(data["slug"]),
        version=data["version"],
        kind=data["kind"],
        title=title,
        description=description,
        translations=translations,
        texts=tuple(texts),
        requires_code=bool(data.get("requires_code", False)),
        pages=tuple(pages),
        source=source,
        raw=data,
    )


def load_definition(path: Path, theme_ids: frozenset[str] | None = None) -> Definition:
    """Read and validate one YAML definition file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DefinitionError(f"{path.name}: not valid YAML: {exc}") from exc
    return parse_definition(data, path.name, theme_ids if theme_ids is not None else known_theme_ids())


def shipped_definitions() -> list[Definition]:
    """Every definition shipped with the package, validated."""
    return [load_definition(p) for p in sorted(DEFINITIONS_DIR.glob("*.yaml"))]


@lru_cache(maxsize=1)
def shipped_versions() -> frozenset[tuple[str, int]]:
    """(slug, version) of every shipped definition. The files do not change while the app runs,
    and no request may cost a reading of every definition file: not the home page, not a
    questionnaire that does not exist (any path a stranger types)."""
    return frozenset((d.slug, d.version) for d in shipped_definitions())


def definition_digest(data: Any) -> str:
    """SHA-256 of a definition's JSON, written the same way whatever order its keys came in: the
    name an Instrument row's definition is known by, so a parse of it can be reused without
    reading the definition again (``survey_app.questionnaires.definition_of``)."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


@lru_cache(maxsize=1)
def known_theme_ids() -> frozenset[str]:
    """Theme ids a structured reason may map to: the stable ids of ``analysis/taxonomy.yaml``."""
    from analysis.taxonomy import load_taxonomy

    return frozenset(load_taxonomy().ids)
