"""The theme taxonomy: a YAML data file, validated on load.

``load_taxonomy()`` reads ``analysis/taxonomy.yaml`` (or another file a council supplies) and
returns a ``Taxonomy``. Every problem found is reported at once, each naming the file, the line,
the theme id and the reason, in a ``TaxonomyError``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

__all__ = [
    "CORE_THEME_IDS",
    "LGA_STANDARDS",
    "DEFAULT_TAXONOMY_PATH",
    "Seed",
    "Taxonomy",
    "TaxonomyError",
    "Theme",
    "load_taxonomy",
    "parse_taxonomy",
]

DEFAULT_TAXONOMY_PATH = Path(__file__).with_name("taxonomy.yaml")

#: Theme ids every taxonomy must keep: reports, imports and structured reasons refer to them.
CORE_THEME_IDS = (
    "caseload",
    "supervision",
    "management",
    "pay",
    "career",
    "training",
    "restructure",
    "valued",
    "admin",
    "environment",
    "flexibility",
    "wellbeing",
    "team",
    "job_security",
    "location",
    "personal",
    "retirement",
    "practice",
)

#: The LGA Standards for Employers of Social Workers in England, by number.
LGA_STANDARDS = {
    1: "Strong and clear social work accountability framework",
    2: "Effective workforce planning systems",
    3: "Safe workloads and case allocation",
    4: "Wellbeing",
    5: "Effective supervision",
    6: "Continuing professional development",
    7: "Professional registration",
    8: "Effective partnerships",
}

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_THEME_KEYS = {"id", "label", "description", "lga_standard", "seeds", "phrases"}
#: what a lexicon phrase may hold: lower-case words, digits, apostrophes, hyphens, "/" and "*"
_PHRASE = re.compile(r"^[a-z0-9'/*-]+( [a-z0-9'/*-]+)*$")


class TaxonomyError(ValueError):
    """A taxonomy file is not valid. ``problems`` lists each message."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid taxonomy:\n  " + "\n  ".join(problems))


@dataclass(frozen=True)
class Seed:
    """A seed phrase and the weight one match of it adds to its theme's score."""

    phrase: str
    weight: float
    explicit: bool = False  # the weight was written in the file (else it follows the phrase length)


@dataclass(frozen=True)
class Theme:
    """One taxonomy theme."""

    id: str
    label: str
    description: str
    lga_standard: int | None
    seeds: tuple[Seed, ...]
    phrases: tuple[Seed, ...] = ()

    @property
    def lga_standard_name(self) -> str | None:
        """The standard's title, or ``None``."""
        return LGA_STANDARDS.get(self.lga_standard) if self.lga_standard else None


@dataclass(frozen=True)
class Taxonomy:
    """An ordered set of themes, with a content fingerprint used in model versions."""

    version: int
    themes: tuple[Theme, ...]
    fingerprint: str
    source: str = "<memory>"

    @property
    def ids(self) -> list[str]:
        """Theme ids in file order."""
        return [t.id for t in self.themes]

    def __getitem__(self, theme_id: str) -> Theme:
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        raise KeyError(theme_id)

    def __contains__(self, theme_id: object) -> bool:
        return any(t.id == theme_id for t in self.themes)

    def to_frame(self):  # -> pandas.DataFrame
        """One row per theme: ``theme_id``, ``label``, ``description``, ``lga_standard``, ``seeds``."""
        import pandas as pd

        return pd.DataFrame(
            {
                "theme_id": [t.id for t in self.themes],
                "label": [t.label for t in self.themes],
                "description": [t.description for t in self.themes],
                "lga_standard": [t.lga_standard for t in self.themes],
                "seeds": ["; ".join(s.phrase for s in t.seeds) for t in self.themes],
                "phrases": ["; ".join(s.phrase for s in t.phrases) for t in self.themes],
            }
        )


def default_weight(phrase: str) -> float:
    """Weight of a seed without an explicit one: phrases are stronger evidence than words.

    The seed matcher recounts the words after stop words are removed ("time off" is one stem
    if "off" is a stop word) with the same rule, ``default_weight_for(n)``.
    """
    return default_weight_for(len(phrase.split()))


def default_weight_for(words: int) -> float:
    """Default weight of a seed of ``words`` meaningful words."""
    return 0.8 if words > 1 else 0.6


def load_taxonomy(path: str | Path | None = None, *, require_core: bool = True) -> Taxonomy:
    """Read and validate a taxonomy file (the shipped one when ``path`` is ``None``).

    Raises ``TaxonomyError`` listing every problem as ``file:line: theme 'id': reason``.
    """
    file = Path(path) if path is not None else DEFAULT_TAXONOMY_PATH
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise TaxonomyError([f"{file}: cannot read file: {exc.strerror or exc}"]) from exc
    return _parsed(text, str(file), require_core)


@lru_cache(maxsize=8)
def _parsed(text: str, source: str, require_core: bool) -> Taxonomy:
    """A file's taxonomy, parsed once per content: a Taxonomy is immutable, and the shipped file
    is read on every theme run, report and theme page (about 0.15 s of YAML each time)."""
    return parse_taxonomy(text, source=source, require_core=require_core)


def parse_taxonomy(text: str, *, source: str = "<string>", require_core: bool = True) -> Taxonomy:
    """Validate taxonomy YAML given as a string; see ``load_taxonomy``."""
    problems: list[str] = []
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark else source
        raise TaxonomyError([f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}"]) from exc
    if not isinstance(root, yaml.MappingNode):
        raise TaxonomyError([f"{source}:1: the file must be a mapping with 'version' and 'themes'"])

    top = {k.value: v for k, v in root.value}
    key_lines = {k.value: k.start_mark.line + 1 for k, _ in root.value}
    version = 1
    if "version" in top:
        node = top["version"]
        if not (isinstance(node, yaml.ScalarNode) and node.value.isdigit()):
            problems.append(f"{source}:{node.start_mark.line + 1}: 'version' must be a whole number")
        else:
            version = int(node.value)
    themes_node = top.get("themes")
    if not isinstance(themes_node, yaml.SequenceNode):
        line = themes_node.start_mark.line + 1 if themes_node is not None else 1
        raise TaxonomyError(problems + [f"{source}:{line}: 'themes' must be a list of themes"])

    themes: list[Theme] = []
    seen: dict[str, int] = {}
    for index, node in enumerate(themes_node.value, start=1):
        line = node.start_mark.line + 1
        theme, theme_problems = _parse_theme(node, index, source, line)
        problems.extend(theme_problems)
        if theme is None:
            continue
        if theme.id in seen:
            problems.append(f"{source}:{line}: theme '{theme.id}': duplicate id (first on line {seen[theme.id]})")
            continue
        seen[theme.id] = line
        themes.append(theme)

    if require_core:
        missing = [t for t in CORE_THEME_IDS if t not in seen]
        if missing:
            problems.append(f"{source}:{key_lines['themes']}: missing required theme id(s): " + ", ".join(missing))
    if problems:
        raise TaxonomyError(problems)
    fingerprint = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    return Taxonomy(version=version, themes=tuple(themes), fingerprint=fingerprint, source=source)


def _parse_theme(node: yaml.Node, index: int, source: str, line: int) -> tuple[Theme | None, list[str]]:
    if not isinstance(node, yaml.MappingNode):
        return None, [f"{source}:{line}: theme #{index}: must be a mapping of id, label, ..."]
    fields = {k.value: v for k, v in node.value}
    id_node = fields.get("id")
    theme_id = id_node.value if isinstance(id_node, yaml.ScalarNode) else f"#{index}"
    where = f"{source}:{line}: theme '{theme_id}'"
    problems: list[str] = []

    if id_node is None:
        problems.append(f"{where}: missing 'id'")
    elif not (isinstance(id_node, yaml.ScalarNode) and _ID.match(id_node.value)):
        problems.append(
            f"{source}:{id_node.start_mark.line + 1}: theme '{theme_id}': id must be lower case "
            "letters, digits and underscores, starting with a letter"
        )
    for key in sorted(set(fields) - _THEME_KEYS):
        problems.append(f"{source}:{fields[key].start_mark.line + 1}: theme '{theme_id}': unknown key '{key}'")
    texts: dict[str, str] = {}
    for key in ("label", "description"):
        value = fields.get(key)
        if value is None:
            problems.append(f"{where}: missing '{key}'")
        elif not isinstance(value, yaml.ScalarNode) or not value.value.strip():
            problems.append(f"{source}:{value.start_mark.line + 1}: theme '{theme_id}': '{key}' must be non-empty text")
        else:
            texts[key] = value.value.strip()

    standard: int | None = None
    std_node = fields.get("lga_standard")
    if std_node is None:
        problems.append(f"{where}: missing 'lga_standard' (a number 1-8, or null)")
    elif isinstance(std_node, yaml.ScalarNode) and std_node.tag.endswith(":null"):
        standard = None
    elif isinstance(std_node, yaml.ScalarNode) and std_node.value.isdigit() and int(std_node.value) in LGA_STANDARDS:
        standard = int(std_node.value)
    else:
        problems.append(
            f"{source}:{std_node.start_mark.line + 1}: theme '{theme_id}': 'lga_standard' must be "
            f"a number 1-8 or null, not {std_node.value if isinstance(std_node, yaml.ScalarNode) else 'a list'}"
        )

    seeds = _phrase_list(fields.get("seeds"), "seeds", where, source, theme_id, problems, required=True)
    lexicon = _phrase_list(fields.get("phrases"), "phrases", where, source, theme_id, problems, required=False)

    if problems:
        return None, problems
    return (
        Theme(
            id=theme_id,
            label=texts["label"],
            description=texts["description"],
            lga_standard=standard,
            seeds=tuple(seeds),
            phrases=tuple(lexicon),
        ),
        [],
    )


def _phrase_list(
    node: yaml.Node | None, key: str, where: str, source: str, theme_id: str, problems: list[str], *, required: bool
) -> list[Seed]:
    """A theme's ``seeds`` or ``phrases``: each a phrase or ``{phrase, weight}``, no duplicates.

    Lexicon phrases (``phrases``) are matched on the raw text, so they must be written as they
    are matched: lower-case words, single spaces, ``*`` only at the end of a word.
    """
    if node is None:
        if required:
            problems.append(f"{where}: missing '{key}'")
        return []
    if not isinstance(node, yaml.SequenceNode) or (required and not node.value):
        problems.append(
            f"{source}:{node.start_mark.line + 1}: theme '{theme_id}': '{key}' must be a "
            f"{'non-empty ' if required else ''}list"
        )
        return []
    out: list[Seed] = []
    seen: set[str] = set()
    for item in node.value:
        line = item.start_mark.line + 1
        seed, reason = _parse_seed(item)
        if seed is None:
            problems.append(f"{source}:{line}: theme '{theme_id}': {reason}")
        elif key == "phrases" and not _is_lexicon_phrase(seed.phrase):
            problems.append(
                f"{source}:{line}: theme '{theme_id}': phrase '{seed.phrase}' must be lower-case words "
                "separated by single spaces, with '*' only at the end of a word"
            )
        elif seed.phrase.casefold() in seen:
            problems.append(f"{source}:{line}: theme '{theme_id}': duplicate {key[:-1]} '{seed.phrase}'")
        else:
            seen.add(seed.phrase.casefold())
            out.append(seed)
    return out


def _is_lexicon_phrase(phrase: str) -> bool:
    return bool(_PHRASE.match(phrase)) and all("*" not in w.rstrip("*") and w.strip("*") for w in phrase.split())


#: how a phrase list written by a person marks a weak phrase (one that needs a second piece of evidence)
WEAK_MARK = "(weak)"
#: every mark a person may write for it: the English one and the Welsh "(gwan)", so that staff
#: who work in Welsh write the mark their page shows
WEAK_MARKS = (WEAK_MARK, "(gwan)")
WEAK_WEIGHT = 0.35


@dataclass(frozen=True)
class PhraseProblem:
    """One line of a phrase list that cannot be used. ``kind`` says what is wrong
    (``characters``: it holds something a phrase may not; ``duplicate``: it repeats an earlier
    line), ``line`` and ``phrase`` where. ``str()`` gives the English message, for the command
    line; the app words it in the page's language from ``kind`` and the same fields."""

    kind: str
    line: int
    phrase: str

    def __str__(self) -> str:
        return PHRASE_PROBLEMS[self.kind].format(line=self.line, phrase=self.phrase)


#: the English message of each kind of phrase problem
PHRASE_PROBLEMS = {
    "characters": "Line {line}: '{phrase}' can only hold letters, digits, apostrophes, hyphens and '/', "
                  "with '*' at the end of a word to match any ending",
    "duplicate": "Line {line}: '{phrase}' is already in the list",
}


def parse_phrase_lines(text: str) -> tuple[list[Seed], list[PhraseProblem]]:
    """A theme's phrase list as a person writes it: one phrase per line, blank lines ignored,
    ``(weak)`` (or the Welsh ``(gwan)``) after a phrase for one that needs a second piece of evidence. Capitals are
    lowered and runs of spaces closed up. Returns the phrases and a problem per bad line."""
    phrases: list[Seed] = []
    problems: list[PhraseProblem] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        phrase = " ".join(line.casefold().split())
        if not phrase:
            continue
        mark = next((m for m in WEAK_MARKS if phrase.endswith(m)), None)
        weak = mark is not None
        phrase = phrase.removesuffix(mark).strip() if mark else phrase
        if not _is_lexicon_phrase(phrase):
            problems.append(PhraseProblem("characters", number, line.strip()))
        elif phrase in seen:
            problems.append(PhraseProblem("duplicate", number, phrase))
        else:
            seen.add(phrase)
            phrases.append(Seed(phrase, WEAK_WEIGHT, explicit=True) if weak else Seed(phrase, default_weight(phrase)))
    return phrases, problems


def phrase_lines(phrases: Iterable[Seed], weak_mark: str = WEAK_MARK) -> str:
    """The phrase list written out for a person to edit (the inverse of ``parse_phrase_lines``),
    weak phrases marked with ``weak_mark`` (one of ``WEAK_MARKS``)."""
    return "\n".join(f"{p.phrase} {weak_mark}" if p.explicit and p.weight < 0.5 else p.phrase for p in phrases)


def _parse_seed(node: yaml.Node) -> tuple[Seed | None, str]:
    if isinstance(node, yaml.ScalarNode):
        phrase = node.value.strip()
        if not phrase:
            return None, "empty seed phrase"
        return Seed(phrase, default_weight(phrase)), ""
    if isinstance(node, yaml.MappingNode):
        fields = {k.value: v for k, v in node.value}
        extra = sorted(set(fields) - {"phrase", "weight"})
        if extra:
            return None, f"seed has unknown key(s): {', '.join(extra)}"
        phrase_node = fields.get("phrase")
        if not isinstance(phrase_node, yaml.ScalarNode) or not phrase_node.value.strip():
            return None, "seed needs a non-empty 'phrase'"
        phrase = phrase_node.value.strip()
        weight = default_weight(phrase)
        if "weight" in fields:
            try:
                weight = float(fields["weight"].value)
            except (TypeError, ValueError):
                return None, f"seed '{phrase}': weight must be a number"
            if not 0 < weight <= 1:
                return None, f"seed '{phrase}': weight must be in (0, 1], not {weight}"
        return Seed(phrase, weight, explicit="weight" in fields), ""
    return None, "a seed must be a phrase or {phrase: ..., weight: ...}"
