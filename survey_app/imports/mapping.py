"""Mapping files: how the columns of a council's spreadsheet become answers to a questionnaire.

A mapping is YAML a council writes. It is checked against the questionnaire when loaded and every
mistake is reported with the file name, the line and the reason. The format is described in
``docs/import.md``. Scalars are read as text (``TRUE``, ``yes`` and ``01`` stay as written) so
that values match the spreadsheet's cells exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..instruments import Definition, Question
from .readers import normalise_cell, normalise_header

BAND_LIKE = re.compile(r"^\d+\s*[-\u2013]\s*\d+")
DEFAULT_CHOSEN = ("TRUE", "Yes", "Y", "1", "X")
DEFAULT_NOT_CHOSEN = ("FALSE", "No", "N", "0", "-")
DEFAULT_PERIOD_FORMATS = ("%d/%m/%Y", "%m/%Y", "%Y-%m", "%b %Y", "%B %Y", "%Y")


class MappingError(ValueError):
    """A mapping file that cannot be used, with the file, line and reason."""


class _Located(dict):
    """A YAML mapping that remembers its own line and each key's line."""

    line: int = 0
    key_lines: dict[str, int]


class _TextLoader(yaml.SafeLoader):
    """SafeLoader that keeps every scalar as text, except ``null``/``~``/empty."""


_TextLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag == "tag:yaml.org,2002:null"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> _Located:
    loader.flatten_mapping(node)
    result = _Located()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        key = "" if key is None else str(key)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


_TextLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _fold(value: str) -> str:
    return normalise_cell(value).casefold()


@dataclass(frozen=True)
class RowRule:
    """Rows whose ``column`` holds one of ``values`` or starts with one of ``starts_with``."""

    column: str
    values: frozenset[str] = frozenset()
    starts_with: tuple[str, ...] = ()
    line: int = 0

    def matches(self, cell: str) -> bool:
        """Whether a cell (white space already folded) satisfies the rule."""
        folded = cell.casefold()
        return folded in self.values or any(folded.startswith(p) for p in self.starts_with)


@dataclass(frozen=True)
class ValueColumn:
    """One column to one question, through a value map."""

    question: Question
    column: str
    values: dict[str, str]  # folded source value -> choice value
    not_stated: frozenset[str]
    unmapped: str  # "error" or "not_stated"
    otherwise: str | None
    required: bool
    bands: bool  # the values are bands, so dates in the column are spreadsheet damage
    line: int


@dataclass(frozen=True)
class YearsColumn:
    """Length of service from a start year and an end year (or date) column."""

    question: Question
    start: str
    end: str
    not_stated: frozenset[str]
    required: bool
    line: int


@dataclass(frozen=True)
class CheckboxGroup:
    """A multiple-choice question spread over one column per option."""

    question: Question
    columns: dict[str, str | None]  # source column -> choice (None: shown, maps to no choice)
    chosen: frozenset[str]
    not_chosen: frozenset[str]
    not_answered: frozenset[str]
    also_choose: tuple[tuple[RowRule, str], ...]
    line: int


@dataclass(frozen=True)
class TextColumn:
    """A free-text column to a free-text question (a comment with that question's purpose)."""

    question: Question
    column: str
    not_stated: frozenset[str]
    line: int


@dataclass(frozen=True)
class PeriodRule:
    """Where the month of leaving comes from, and what a year on its own means."""

    column: str
    formats: tuple[str, ...]
    year_only_month: int
    not_stated: frozenset[str]
    missing: str  # "error" or "skip"
    line: int


Answer = ValueColumn | YearsColumn | CheckboxGroup | TextColumn


@dataclass(frozen=True)
class Mapping:
    source: str
    period: PeriodRule
    answers: tuple[Answer, ...]
    keep_rows: tuple[RowRule, ...] = ()
    skip_rows: tuple[RowRule, ...] = ()
    id_column: str | None = None
    header_row: int = 1
    column_lines: dict[str, int] = field(default_factory=dict)

    def columns(self) -> dict[str, int]:
        """Every source column the mapping names, with the line that names it."""
        return dict(self.column_lines)


class _Checker:
    def __init__(self, source: str, definition: Definition):
        self.source = source
        self.definition = definition
        self.column_lines: dict[str, int] = {}

    def fail(self, line: int, reason: str) -> MappingError:
        return MappingError(f"{self.source}, line {line}: {reason}")

    def line_of(self, node: Any, key: str | None = None, default: int = 1) -> int:
        if isinstance(node, _Located):
            if key is not None and key in node.key_lines:
                return node.key_lines[key]
            return node.line
        return default

    def mapping(self, node: Any, line: int, what: str, allowed: set[str]) -> _Located:
        if not isinstance(node, _Located):
            raise self.fail(line, f"{what} must be a mapping")
        unknown = sorted(set(node) - allowed)
        if unknown:
            raise self.fail(
                self.line_of(node, unknown[0]),
                f"{what}: unknown setting {unknown[0]!r}; expected one of {', '.join(sorted(allowed))}",
            )
        return node

    def text(self, node: _Located, key: str, what: str, required: bool = True) -> str | None:
        value = node.get(key)
        if value is None:
            if required:
                raise self.fail(node.line, f"{what} needs '{key}'")
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(self.line_of(node, key), f"{what}: '{key}' must be text")
        return value

    def texts(self, node: _Located, key: str, what: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
        value = node.get(key, None)
        if value is None:
            return default
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str | type(None)) for v in value):
            raise self.fail(self.line_of(node, key), f"{what}: '{key}' must be a list of values")
        return tuple("" if v is None else v for v in value)

    def whole(self, node: _Located, key: str, what: str, default: int, low: int, high: int) -> int:
        value = node.get(key)
        if value is None:
            return default
        if not isinstance(value, str) or not value.strip().isdigit() or not low <= int(value) <= high:
            raise self.fail(self.line_of(node, key), f"{what}: '{key}' must be a whole number from {low} to {high}")
        return int(value)

    def column(self, name: str, line: int) -> str:
        folded = normalise_header(name)
        self.column_lines.setdefault(folded, line)
        return folded

    def question(self, node: _Located, what: str) -> Question:
        key = node.get("question")
        comment = node.get("comment")
        if key is not None and comment is not None:
            raise self.fail(node.line, f"{what}: give 'question' or 'comment', not both")
        if comment is not None:
            wanted = f"comment.{comment}"
            for q in self.definition.questions:
                if q.role == wanted:
                    return q
            purposes = sorted(q.purpose for q in self.definition.questions if q.purpose)
            raise self.fail(
                self.line_of(node, "comment"),
                f"{what}: no free-text question has the purpose {comment!r}; purposes: {', '.join(purposes)}",
            )
        if not isinstance(key, str):
            raise self.fail(node.line, f"{what} needs 'question' (a question key) or 'comment' (a purpose)")
        try:
            return self.definition.question(key)
        except KeyError:
            raise self.fail(
                self.line_of(node, "question"),
                f"{what}: {key!r} is not a question of {self.definition.slug}; "
                f"keys: {', '.join(q.key for q in self.definition.questions)}",
            ) from None

    def choice(self, question: Question, value: str, line: int, what: str) -> str:
        offered = [v for v, _ in question.choices()]
        if value not in offered:
            raise self.fail(
                line, f"{what}: {value!r} is not an answer to {question.key}; answers: {', '.join(offered)}"
            )
        return value

    def rule(self, node: Any, line: int, what: str) -> RowRule:
        node = self.mapping(node, line, what, {"column", "values", "starts_with"})
        column = self.column(self.text(node, "column", what) or "", self.line_of(node, "column"))
        values = self.texts(node, "values", what)
        prefixes = self.texts(node, "starts_with", what)
        if not values and not prefixes:
            raise self.fail(node.line, f"{what} needs 'values' or 'starts_with'")
        return RowRule(column, frozenset(_fold(v) for v in values), tuple(_fold(p) for p in prefixes), node.line)

    def rules(self, root: _Located, key: str) -> tuple[RowRule, ...]:
        node = root.get(key)
        if node is None:
            return ()
        if not isinstance(node, list):
            raise self.fail(self.line_of(root, key), f"'{key}' must be a list of rules")
        line = self.line_of(root, key)
        return tuple(self.rule(item, self.line_of(item, default=line), f"{key} rule") for item in node)


def parse_mapping(data: Any, source: str, definition: Definition) -> Mapping:
    """Check a decoded mapping against ``definition`` and build a Mapping, or raise MappingError."""
    check = _Checker(source, definition)
    root = check.mapping(
        data,
        1,
        "the mapping",
        {"instrument", "header_row", "id_column", "not_stated", "keep_rows", "skip_rows", "period", "answers"},
    )
    instrument = root.get("instrument")
    if instrument is not None and instrument != definition.slug:
        raise check.fail(
            check.line_of(root, "instrument"),
            f"this mapping is for the {instrument!r} questionnaire, not {definition.slug!r}",
        )
    header_row = check.whole(root, "header_row", "the mapping", 1, 1, 1000)
    file_not_stated = frozenset(_fold(v) for v in check.texts(root, "not_stated", "the mapping", ("",)) + ("",))
    id_column = root.get("id_column")
    if id_column is not None:
        id_column = check.column(check.text(root, "id_column", "the mapping") or "", check.line_of(root, "id_column"))

    def not_stated_of(node: _Located, what: str) -> frozenset[str]:
        if "not_stated" not in node:
            return file_not_stated
        return frozenset(_fold(v) for v in check.texts(node, "not_stated", what) + ("",))

    # Every mistake in the period and the answers is reported at once, not one per attempt.
    mistakes: list[MappingError] = []
    period = None
    try:
        period = _period_rule(check, root, not_stated_of)
    except MappingError as exc:
        mistakes.append(exc)

    raw_answers = root.get("answers")
    if not isinstance(raw_answers, list) or not raw_answers:
        mistakes.append(check.fail(check.line_of(root, "answers"), "'answers' must be a non-empty list"))
        raw_answers = []
    answers: list[Answer] = []
    seen: dict[str, int] = {}
    for item in raw_answers:
        try:
            answers.append(_answer(check, item, root, seen, not_stated_of))
        except MappingError as exc:
            mistakes.append(exc)
    if definition.key_for_role("leaving_month") in seen:
        mistakes.append(check.fail(seen[definition.key_for_role("leaving_month") or ""],
                                   "the month of leaving comes from 'period'; do not map it again"))
    if mistakes:
        raise MappingError(summarise([str(m) for m in mistakes]))
    return Mapping(
        source=source,
        period=period,
        answers=tuple(answers),
        keep_rows=check.rules(root, "keep_rows"),
        skip_rows=check.rules(root, "skip_rows"),
        id_column=id_column,
        header_row=header_row,
        column_lines=check.column_lines,
    )


#: How many problems a message lists before it summarises the rest.
MAX_LISTED = 20


def summarise(problems: list[str], limit: int = MAX_LISTED) -> str:
    """The first ``limit`` problems, one a line, then how many more there are."""
    shown = problems[:limit]
    more = len(problems) - len(shown)
    return "\n".join(shown + ([f"... and {more} more like these"] if more else []))


def _period_rule(check: _Checker, root: _Located, not_stated_of) -> PeriodRule:
    if "period" not in root:
        raise check.fail(1, "the mapping needs 'period': the column that gives the month of leaving")
    period_line = check.line_of(root, "period")
    pnode = check.mapping(
        root["period"], period_line, "period", {"column", "formats", "year_only_month", "not_stated", "missing"}
    )
    missing = pnode.get("missing", "error")
    if missing not in ("error", "skip"):
        raise check.fail(check.line_of(pnode, "missing"), "period: 'missing' must be error or skip")
    formats = check.texts(pnode, "formats", "period", DEFAULT_PERIOD_FORMATS)
    for fmt in formats:
        if "%Y" not in fmt:
            raise check.fail(check.line_of(pnode, "formats"), f"period: format {fmt!r} has no %Y (a four-digit year)")
    return PeriodRule(
        column=check.column(check.text(pnode, "column", "period") or "", check.line_of(pnode, "column")),
        formats=formats,
        year_only_month=check.whole(pnode, "year_only_month", "period", 7, 1, 12),
        not_stated=not_stated_of(pnode, "period"),
        missing=missing,
        line=pnode.line,
    )


def _answer(check: _Checker, item: Any, root: _Located, seen: dict[str, int], not_stated_of) -> Answer:
    """One entry of 'answers', checked; ``seen`` records the question keys already filled."""
    line = check.line_of(item, default=check.line_of(root, "answers"))
    if not isinstance(item, _Located):
        raise check.fail(line, "each entry of 'answers' must be a mapping")
    what = "answer"
    if "checkboxes" in item:
        answer: Answer = _checkbox_group(check, item, line, not_stated_of)
    elif "years_between" in item:
        answer = _years_column(check, item, line, not_stated_of)
    else:
        question = check.question(item, what)
        if question.type == "free_text":
            node = check.mapping(item, line, what, {"column", "question", "comment", "not_stated"})
            column = check.column(check.text(node, "column", what) or "", check.line_of(node, "column"))
            answer = TextColumn(question, column, not_stated_of(node, what), line)
        else:
            answer = _value_column(check, item, line, question, not_stated_of)
    key = answer.question.key
    if key in seen:
        raise check.fail(line, f"question {key} is already filled from the entry on line {seen[key]}")
    seen[key] = line
    return answer


def _value_column(check: _Checker, item: _Located, line: int, question: Question, not_stated_of) -> ValueColumn:
    what = f"answer {question.key}"
    node = check.mapping(
        item, line, what, {"column", "question", "values", "unmapped", "otherwise", "not_stated", "required"}
    )
    if question.type == "multiple_choice":
        raise check.fail(line, f"{what}: a multiple-choice question is filled from 'checkboxes'")
    column = check.column(check.text(node, "column", what) or "", check.line_of(node, "column"))
    # Without a value map, a cell may hold an answer's value or its label.
    values = {_fold(v): v for v, _ in question.choices()}
    values.update({_fold(label): v for v, label in question.choices()})
    raw_map = node.get("values")
    band_keys = False
    if raw_map is not None:
        if not isinstance(raw_map, _Located):
            raise check.fail(check.line_of(node, "values"), f"{what}: 'values' must map source values to answers")
        for source_value, target in raw_map.items():
            where = raw_map.key_lines.get(source_value, raw_map.line)
            if not isinstance(target, str):
                raise check.fail(where, f"{what}: the answer for {source_value!r} must be text")
            values[_fold(source_value)] = check.choice(question, target, where, what)
            band_keys = band_keys or bool(BAND_LIKE.match(source_value))
    unmapped = node.get("unmapped", "error")
    if unmapped not in ("error", "not_stated"):
        raise check.fail(check.line_of(node, "unmapped"), f"{what}: 'unmapped' must be error or not_stated")
    otherwise = node.get("otherwise")
    if otherwise is not None:
        if "unmapped" in node:
            raise check.fail(check.line_of(node, "otherwise"), f"{what}: give 'unmapped' or 'otherwise', not both")
        otherwise = check.choice(question, str(otherwise), check.line_of(node, "otherwise"), what)
    required = node.get("required", "false")
    if required not in ("true", "false"):
        raise check.fail(check.line_of(node, "required"), f"{what}: 'required' must be true or false")
    return ValueColumn(
        question=question,
        column=column,
        values=values,
        not_stated=not_stated_of(node, what),
        unmapped=unmapped,
        otherwise=otherwise,
        required=required == "true",
        bands=band_keys or question.type == "service_band",
        line=line,
    )


def _years_column(check: _Checker, item: _Located, line: int, not_stated_of) -> YearsColumn:
    question = check.question(item, "answer")
    what = f"answer {question.key}"
    node = check.mapping(item, line, what, {"question", "years_between", "not_stated", "required"})
    if question.type != "service_band":
        raise check.fail(line, f"{what}: 'years_between' fills a length-of-service question only")
    years = check.mapping(node["years_between"], check.line_of(node, "years_between"), what, {"start", "end"})
    start = check.column(check.text(years, "start", what) or "", check.line_of(years, "start"))
    end = check.column(check.text(years, "end", what) or "", check.line_of(years, "end"))
    required = node.get("required", "false")
    if required not in ("true", "false"):
        raise check.fail(check.line_of(node, "required"), f"{what}: 'required' must be true or false")
    return YearsColumn(question, start, end, not_stated_of(node, what), required == "true", line)


def _checkbox_group(check: _Checker, item: _Located, line: int, not_stated_of) -> CheckboxGroup:
    question = check.question(item, "answer")
    what = f"answer {question.key}"
    node = check.mapping(
        item, line, what, {"question", "checkboxes", "chosen", "not_chosen", "not_answered", "also_choose"}
    )
    if question.type != "multiple_choice":
        raise check.fail(line, f"{what}: 'checkboxes' fill a multiple-choice question only")
    boxes = node["checkboxes"]
    if not isinstance(boxes, _Located) or not boxes:
        raise check.fail(check.line_of(node, "checkboxes"), f"{what}: 'checkboxes' must map columns to answers")
    columns: dict[str, str | None] = {}
    for name, target in boxes.items():
        where = boxes.key_lines.get(name, boxes.line)
        column = check.column(name, where)
        columns[column] = None if target is None else check.choice(question, str(target), where, what)
    chosen = frozenset(_fold(v) for v in check.texts(node, "chosen", what, DEFAULT_CHOSEN))
    not_chosen = frozenset(_fold(v) for v in check.texts(node, "not_chosen", what, DEFAULT_NOT_CHOSEN))
    not_answered = frozenset(_fold(v) for v in check.texts(node, "not_answered", what, ("",)))
    overlap = (chosen & not_chosen) | (chosen & not_answered) | (not_chosen & not_answered)
    if overlap:
        raise check.fail(line, f"{what}: {sorted(overlap)[0]!r} cannot mean two things")
    also: list[tuple[RowRule, str]] = []
    raw_also = node.get("also_choose") or []
    if not isinstance(raw_also, list):
        raise check.fail(check.line_of(node, "also_choose"), f"{what}: 'also_choose' must be a list")
    for entry in raw_also:
        where = check.line_of(entry, default=check.line_of(node, "also_choose"))
        if not isinstance(entry, _Located) or "choice" not in entry:
            raise check.fail(where, f"{what}: each 'also_choose' entry needs a 'choice' and a row rule")
        target = check.choice(question, str(entry["choice"]), entry.key_lines.get("choice", where), what)
        rule_node = _Located({k: v for k, v in entry.items() if k != "choice"})
        rule_node.line, rule_node.key_lines = entry.line, entry.key_lines
        also.append((check.rule(rule_node, where, f"{what}: also_choose"), target))
    return CheckboxGroup(question, columns, chosen, not_chosen, not_answered, tuple(also), line)


def load_mapping(path: Path, definition: Definition) -> Mapping:
    """Read and check a mapping file for ``definition``."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(f"{path.name}: cannot be read ({exc.__class__.__name__})") from None
    try:
        data = yaml.load(text, Loader=_TextLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark else ""
        raise MappingError(f"{path.name}{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    return parse_mapping(data, path.name, definition)
