"""Turn a table and a mapping into validated responses, then write them all or none.

``plan_import`` reads every row, applies the mapping and validates each record through
``shape_response`` (the same shaping every response goes through), collecting every problem
with its row, column and value. Nothing touches the database until ``write_import``, which adds
the new records in chunks inside one transaction.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..instruments import SERVICE_BANDS, Definition
from ..models import Instrument, Organisation, Response
from ..submissions import AnswerError, ShapedResponse, insert_shaped, shape_response
from .damage import band_turned_into_date, id_in_scientific_notation
from .mapping import CheckboxGroup, Mapping, PeriodRule, TextColumn, ValueColumn, YearsColumn
from .readers import Table, normalise_cell, normalise_header

CHUNK = 1000
HEADER_SEARCH_ROWS = 30
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2})?)?$")


class ImportRefused(Exception):
    """The file as a whole cannot be imported (missing columns, shifted header, a clash)."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell (or row) of the source file."""

    row: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column!r}" if self.column else "")
        return f"{where}, value {self.value!r}: {self.reason}"


@dataclass
class PreparedRow:
    row: int
    shaped: ShapedResponse
    fingerprint: str


@dataclass
class ImportPlan:
    """What an import would do: records ready to write, rows skipped, rows with problems."""

    header: list[str]
    rows_read: int = 0
    prepared: list[PreparedRow] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    problems: dict[int, list[Problem]] = field(default_factory=dict)
    cells: dict[int, list[str]] = field(default_factory=dict)  # source cells of rejected rows
    already_present: set[str] = field(default_factory=set)

    @property
    def new(self) -> list[PreparedRow]:
        return [p for p in self.prepared if p.fingerprint not in self.already_present]

    @property
    def all_problems(self) -> list[Problem]:
        return [p for row in sorted(self.problems) for p in self.problems[row]]


def service_band_for_years(years: int) -> str:
    """The band for a number of completed years of service."""
    if years < 1:
        return "under_1"
    if years < 2:
        return "1_to_2"
    if years < 5:
        return "2_to_5"
    if years < 10:
        return "5_to_10"
    return "10_plus"


assert {service_band_for_years(y) for y in (0, 1, 2, 5, 10)} == {v for v, _ in SERVICE_BANDS}


def parse_period(cell: str, rule: PeriodRule, today: date) -> tuple[date, bool]:
    """(first of the month, estimated?) for a period cell; raise ValueError with a reason."""
    match = _ISO.match(cell)
    if match:
        found, estimated = date(int(match.group(1)), int(match.group(2)), 1), False
    else:
        for fmt in rule.formats:
            try:
                parsed = datetime.strptime(cell, fmt)  # noqa: DTZ007 - only the month is kept
            except ValueError:
                continue
            estimated = not any(d in fmt for d in ("%m", "%b", "%B"))
            month = rule.year_only_month if estimated else parsed.month
            found = date(parsed.year, month, 1)
            break
        else:
            raise ValueError(f"not a date in any of the formats {', '.join(rule.formats)}")
    if found.year < 1950:
        raise ValueError("a year before 1950")
    if found > date(today.year, today.month, 1) and not estimated:
        raise ValueError("a month in the future")
    if estimated and found.year > today.year:
        raise ValueError("a year in the future")
    if estimated and found > today:
        found = date(today.year, today.month, 1)  # this year, estimated: no later than now
    return found, estimated


def _year_of(cell: str) -> int | None:
    years = _YEAR.findall(cell)
    return int(years[0]) if len(years) == 1 else None


def fingerprint_of(organisation_slug: str, shaped: ShapedResponse, occurrence: int) -> str:
    """SHA-256 of what the record says once mapped (never the source's own ids).

    The k-th identical record in one file (k > 1) gets ``#k`` added, so genuinely identical rows are
    all kept and a second import of the same file still matches every one of them.
    """
    values = shaped.values
    payload = json.dumps(
        [
            organisation_slug,
            values["instrument_slug"],
            values["period"].isoformat(),
            bool(values["period_estimated"]),
            values["answers"],
            sorted((c["question_key"], c["text"]) for c in shaped.comments),
        ],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    if occurrence > 1:
        payload += f"#{occurrence}"
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class _RowMapper:
    """Applies a mapping to one row of cells; collects problems instead of stopping at the first."""

    def __init__(self, mapping: Mapping, index: dict[str, int], names: dict[str, str], today: date):
        self.mapping = mapping
        self.index = index
        self.names = names  # folded column -> header as written
        self.today = today
        # What a checkbox cell may hold to mean "chosen" besides the chosen values: the option's name.
        self.box_names: dict[tuple[str, str], frozenset[str]] = {}
        for answer in mapping.answers:
            if isinstance(answer, CheckboxGroup):
                for column, choice in answer.columns.items():
                    names = {column}
                    if choice is not None:
                        names |= {choice.casefold(), answer.question.label_for(choice).casefold()}
                    self.box_names[(answer.question.key, column)] = frozenset(names)

        self.used = [(column, index[column]) for column in mapping.columns()]
        # Source files repeat the same few dates thousands of times: parse each once.
        self.periods: dict[str, tuple[date, bool] | str] = {}

    def period_of(self, value: str) -> tuple[date, bool] | str:
        """(month, estimated) for a period cell, or the reason it is not one."""
        found = self.periods.get(value)
        if found is None:
            try:
                found = parse_period(value, self.mapping.period, self.today)
            except ValueError as exc:
                found = str(exc)
            self.periods[value] = found
        return found

    def map(self, row: int, cells: list[str]) -> tuple[dict, date | None, bool, list[Problem], str | None]:
        """(raw answers, period, estimated, problems, skip reason) for one row."""
        problems: list[Problem] = []
        width = len(cells)
        cell = {column: normalise_cell(cells[i]) if i < width else "" for column, i in self.used}

        def problem(column: str, value: str, reason: str) -> None:
            problems.append(Problem(row, self.names.get(column, column), value, reason))

        for rule in self.mapping.skip_rows:
            if rule.matches(cell[rule.column]):
                return {}, None, False, [], f"skip_rows rule on line {rule.line}"
        if self.mapping.keep_rows and not any(r.matches(cell[r.column]) for r in self.mapping.keep_rows):
            return {}, None, False, [], "not matched by keep_rows"

        period: date | None = None
        estimated = False
        prule = self.mapping.period
        value = cell[prule.column]
        if value.casefold() in prule.not_stated:
            if prule.missing == "skip":
                return {}, None, False, [], "no month of leaving"
            problem(prule.column, value, "no month of leaving, and the mapping says this is an error")
        else:
            found = self.period_of(value)
            if isinstance(found, str):
                problem(prule.column, value, found)
            else:
                period, estimated = found

        raw: dict = {}
        for answer in self.mapping.answers:
            key = answer.question.key
            if isinstance(answer, ValueColumn):
                value = cell[answer.column]
                folded = value.casefold()
                if folded in answer.values:
                    raw[key] = answer.values[folded]
                elif folded in answer.not_stated:
                    if answer.required:
                        problem(answer.column, value, "an answer is required")
                elif answer.bands and (damage := band_turned_into_date(value)):
                    problem(answer.column, value, damage)
                elif answer.otherwise is not None:
                    raw[key] = answer.otherwise
                elif answer.unmapped == "not_stated":
                    pass
                else:
                    problem(answer.column, value, f"not in the value map for {key}")
            elif isinstance(answer, YearsColumn):
                start, end = cell[answer.start], cell[answer.end]
                if start.casefold() in answer.not_stated or end.casefold() in answer.not_stated:
                    if answer.required:
                        problem(answer.start, start, "a start and an end are required")
                    continue
                start_year, end_year = _year_of(start), _year_of(end)
                for column, text, year in ((answer.start, start, start_year), (answer.end, end, end_year)):
                    if year is None:
                        problem(column, text, band_turned_into_date(text) or "not a year")
                if start_year is None or end_year is None:
                    continue
                if end_year < start_year:
                    problem(answer.start, start, f"starts after it ends ({end_year})")
                    continue
                raw[key] = service_band_for_years(end_year - start_year)
            elif isinstance(answer, CheckboxGroup):
                chosen: list[str] = []
                answered = False
                for column, choice in answer.columns.items():
                    value = cell[column]
                    folded = value.casefold()
                    if folded in answer.chosen or (folded and folded in self.box_names[(key, column)]):
                        answered = True
                        if choice is not None and choice not in chosen:
                            chosen.append(choice)
                    elif folded in answer.not_chosen:
                        answered = True
                    elif folded not in answer.not_answered:
                        problem(column, value, "not a checkbox value (chosen, not chosen or blank)")
                for rule, choice in answer.also_choose:
                    if rule.matches(cell[rule.column]) and choice not in chosen:
                        answered = True
                        chosen.append(choice)
                if answered and chosen:
                    raw[key] = chosen
            elif isinstance(answer, TextColumn):
                value = cells[self.index[answer.column]] if self.index[answer.column] < len(cells) else ""
                if normalise_cell(value).casefold() not in answer.not_stated:
                    raw[key] = value
        return raw, period, estimated, problems, None


def _locate_header(table: Table, mapping: Mapping) -> tuple[int, list[str]]:
    """The header row as written; refuse with an explanation when the mapped columns are not in it."""
    wanted = mapping.columns()
    by_number = dict(table.rows)
    header = by_number.get(mapping.header_row)
    if header is None:
        raise ImportRefused(f"the file has no row {mapping.header_row} to read the header from")
    present = {normalise_header(h) for h in header}
    missing = [c for c in wanted if c not in present]
    if not missing:
        return mapping.header_row, header
    for number, cells in table.rows[:HEADER_SEARCH_ROWS]:
        if number != mapping.header_row and set(wanted) <= {normalise_header(c) for c in cells}:
            raise ImportRefused(
                f"the header is on row {number}, not row {mapping.header_row}: the header row has shifted "
                f"(rows above it were added or removed). Remove the rows above the header, or set "
                f"'header_row: {number}' in the mapping"
            )
    listed = _some([f"{c!r} (mapping line {wanted[c]})" for c in missing])
    names = [repr(_short(normalise_cell(h))) for h in header if h.strip()]
    raise ImportRefused(
        f"columns named in the mapping are not in the header on row {mapping.header_row}: {listed}. "
        f"The header has: {_some(names)}"
    )


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _some(items: list[str], limit: int = 20) -> str:
    """A list in a message: the first ``limit`` items, then how many more (a garbled header can
    hold thousands of characters, which would bury the message)."""
    more = len(items) - limit
    return ", ".join(items[:limit]) + (f" and {more} more" if more > 0 else "")


def plan_import(
    table: Table,
    mapping: Mapping,
    definition: Definition,
    instrument: Instrument,
    *,
    today: date | None = None,
) -> ImportPlan:
    """Map and validate every row; find which records the database already holds."""
    today = today or date.today()
    header_number, header = _locate_header(table, mapping)
    index: dict[str, int] = {}
    names: dict[str, str] = {}
    for i, name in enumerate(header):
        folded = normalise_header(name)
        if folded in mapping.columns() and folded in index:
            raise ImportRefused(f"the header names the column {normalise_cell(name)!r} twice")
        index.setdefault(folded, i)
        names.setdefault(folded, normalise_cell(name))
    mapper = _RowMapper(mapping, index, names, today)
    key_to_column = {}
    for answer in mapping.answers:
        if isinstance(answer, YearsColumn):
            key_to_column[answer.question.key] = names[answer.start]
        elif isinstance(answer, CheckboxGroup):
            key_to_column[answer.question.key] = ", ".join(names[c] for c in answer.columns)
        else:
            key_to_column[answer.question.key] = names[answer.column]
    organisation = db.session.get(Organisation, instrument.organisation_id)
    org_slug = organisation.slug if organisation else ""

    plan = ImportPlan(header=header)
    occurrences: Counter[str] = Counter()
    ids: dict[str, list[int]] = defaultdict(list)
    width = len(header)

    def reject(row: int, cells: list[str], found: list[Problem]) -> None:
        plan.problems.setdefault(row, []).extend(found)
        plan.cells[row] = cells

    for number, cells in table.rows:
        if number <= header_number or not any(c.strip() for c in cells):
            continue
        plan.rows_read += 1
        # The row's shape first: a shifted row could otherwise land in a skip rule by accident
        # and vanish without a word.
        shape = _shape_problem(number, cells, width, csv_file=table.encoding is not None)
        if shape:
            reject(number, cells, [shape])
            continue
        raw, period, estimated, problems, skip = mapper.map(number, cells)
        if skip:
            plan.skipped[skip] += 1
            continue
        if mapping.id_column is not None:
            i = index[mapping.id_column]
            ids[normalise_cell(cells[i]) if i < len(cells) else ""].append(number)
        if problems:
            reject(number, cells, problems)
            continue
        try:
            shaped = shape_response(
                instrument, definition, raw, channel="imported", today=today, period=period,
                period_estimated=estimated, require=False,
            )
        except AnswerError as exc:
            reject(number, cells, [
                Problem(number, key_to_column.get(key, key), str(raw.get(key, "")), str(reason))
                for key, reason in exc.problems.items()
            ])
            continue
        base = fingerprint_of(org_slug, shaped, 1)
        occurrences[base] += 1
        fingerprint = base if occurrences[base] == 1 else fingerprint_of(org_slug, shaped, occurrences[base])
        shaped.values["source_fingerprint"] = fingerprint
        plan.prepared.append(PreparedRow(number, shaped, fingerprint))

    if mapping.id_column is not None:
        _check_ids(plan, ids, names[mapping.id_column], {n: c for n, c in table.rows})
    if plan.problems:
        bad = set(plan.problems)
        plan.prepared = [p for p in plan.prepared if p.row not in bad]
    plan.already_present = existing_fingerprints([p.fingerprint for p in plan.prepared])
    return plan


def _shape_problem(number: int, cells: list[str], width: int, csv_file: bool) -> Problem | None:
    """A row longer than the header (a cell inserted, the row shifted) or, in a CSV file, shorter
    (cut off mid-row, or a cell missing). Spreadsheets leave trailing empty cells out of XLSX rows,
    so a short XLSX row is normal."""
    if len(cells) > width and any(c.strip() for c in cells[width:]):
        extra = next(c for c in cells[width:] if c.strip())
        return Problem(number, "", extra, f"the row has {len(cells)} cells where the header has {width}: a cell was "
                                          "inserted or the row has shifted")
    if csv_file and len(cells) < width:
        last = cells[-1] if cells else ""
        return Problem(number, "", last, f"the row has {len(cells)} cells where the header has {width}: the file "
                                         "may be cut off here, or a cell is missing")
    return None


def _check_ids(plan: ImportPlan, ids: dict[str, list[int]], column: str, cells: dict[int, list[str]]) -> None:
    """Ids a spreadsheet cut to scientific notation, and ids shared by several rows."""
    for value, rows in ids.items():
        if not value:
            continue
        if id_in_scientific_notation(value):
            reason = "an id shown in scientific notation: the spreadsheet kept only its first digits"
            if len(rows) > 1:
                reason += f", and rows {', '.join(map(str, rows))} now share it"
            reason += "; export the file again with the id column formatted as text"
        elif len(rows) > 1:
            reason = f"the same id is on rows {', '.join(map(str, rows))}: a record entered twice?"
        else:
            continue
        for row in rows:
            plan.problems.setdefault(row, []).append(Problem(row, column, value, reason))
            plan.cells[row] = cells[row]


def existing_fingerprints(fingerprints: list[str]) -> set[str]:
    """Which of ``fingerprints`` the database already holds."""
    found: set[str] = set()
    for start in range(0, len(fingerprints), CHUNK):
        chunk = fingerprints[start : start + CHUNK]
        query = db.select(Response.source_fingerprint).where(Response.source_fingerprint.in_(chunk))
        found.update(db.session.execute(query).scalars())
    return found


def write_import(plan: ImportPlan) -> int:
    """Add every new record in one transaction, in chunks; return how many were written."""
    new = plan.new
    try:
        for start in range(0, len(new), CHUNK):
            chunk = new[start : start + CHUNK]
            insert_shaped([p.shaped for p in chunk])
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ImportRefused(
            "some of these records were written by another import at the same time; nothing was written "
            "by this one. Run it again: records already present are recognised and not added twice"
        ) from None
    return len(new)


def write_rejects(path: Path, plan: ImportPlan) -> int:
    """Write the rejected rows, as they were in the source, with their row number and reasons."""
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow(["source_row", "reasons", *plan.header])
        for row in sorted(plan.problems):
            reasons = "; ".join(
                (f"column {p.column!r}, " if p.column else "") + f"value {p.value!r}: {p.reason}"
                for p in plan.problems[row]
            )
            writer.writerow([row, reasons, *plan.cells[row]])
    return len(plan.problems)
