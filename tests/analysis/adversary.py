"""A reader attacking published reports, written apart from the code that decides what to hide.

It reads only what a report prints (the tables of its JSON, never its ``disclosure`` part)
and what the questionnaire makes public (the categories of each question), and knows how
the tables are made: a total is the sum of its rows, a theme row of a cross-table adds up
over its columns, a column merged into "Other" holds every category not shown on its own, a
financial year or a run of 12 months is the sum of its quarters, a percentage is a rounded
ratio of two counts, and so on. From all of that it builds one integer program whose
unknowns are the true counts of each quarter, and for every figure a report hides
("fewer than k", "withheld", "not shown") it works out the smallest and largest value the
figure can take.

What it guarantees: every relation it uses follows from how the tables are made, so the true
counts satisfy all of them (a report contradicting the model makes the program infeasible,
which fails the test rather than passing it), and a figure it pins down really is given
away. It also attacks what no report prints on purpose: each quarter's equality answers.
What it does not claim: that no other reasoning could do better. It ignores the order of
rows in ranked tables, rates over HR's headcounts, and anything known from outside the
reports.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_array

from analysis.periods import FinancialYear, Quarter
from analysis.reports.labels import CHANNELS, DIMENSIONS, RATING_LEVELS, THEME_BREAKDOWNS

NOT_STATED = "not_stated"
_UPPER = 100_000  # no count in any test council comes near this
_SPAN = re.compile(r"(\d{4}/\d{2} Q[1-4]) to (\d{4}/\d{2} Q[1-4])")

Expr = dict[str, float]


def quarters_between(first: str, last: str) -> list[str]:
    q, end, out = Quarter.parse(first), Quarter.parse(last), []
    while q <= end:
        out.append(q.label)
        q = q.shift(1)
    return out


def quarters_of(label: str) -> list[str]:
    """The quarters a period label covers: a quarter, a financial year, or "A to B"."""
    if m := _SPAN.fullmatch(label):
        return quarters_between(*m.groups())
    if " Q" in label:
        return [Quarter.parse(label).label]
    return [q.label for q in FinancialYear.parse(label).quarters()]


@dataclass
class Hidden:
    where: str  # report period, table and cell, for messages
    marker: str
    expr: Expr


@dataclass
class Reader:
    """Everything a reader holding a set of reports knows, as linear constraints."""

    k: int
    names: dict[str, int] = field(default_factory=dict)
    rows: list[tuple[Expr, float, float]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # where each row comes from
    source: str = "questionnaire"
    hidden: list[Hidden] = field(default_factory=list)
    themes: set[str] = field(default_factory=set)
    _quarters: set[str] = field(default_factory=set)
    _made: set[tuple[str, str]] = field(default_factory=set)

    # --- unknowns and the relations the questionnaire implies ---------------------------
    def v(self, *parts: str) -> str:
        name = "|".join(parts)
        self.names.setdefault(name, len(self.names))
        return name

    def relate(self, expr: Expr, lo: float, hi: float) -> None:
        self.rows.append((expr, lo, hi))
        self.sources.append(self.source)

    def categories(self, dim: str) -> list[str]:
        return [*DIMENSIONS[dim][1], NOT_STATED]

    def quarter(self, q: str) -> None:
        """Create a quarter's unknowns with every relation that holds inside one quarter."""
        if q in self._quarters:
            return
        self._quarters.add(q)
        n = self.v(q, "N")
        self.relate({**{self.v(q, "channel", c): 1 for c in [*CHANNELS, NOT_STATED]}, n: -1}, 0, 0)
        for dim in DIMENSIONS:
            self.relate({**{self.v(q, dim, c): 1 for c in self.categories(dim)}, n: -1}, 0, 0)
        for t in sorted(self.themes):
            theme = self.v(q, "theme", t)
            self.relate({theme: 1, n: -1}, -math.inf, 0)
            for dim in THEME_BREAKDOWNS:
                cells = {self.v(q, "x", dim, t, c): 1 for c in self.categories(dim)}
                self.relate({**cells, theme: -1}, 0, 0)
                for c in self.categories(dim):
                    self.relate({self.v(q, "x", dim, t, c): 1, self.v(q, dim, c): -1}, -math.inf, 0)

    def rating_area(self, q: str, population: str, area: str) -> None:
        key = (q, f"{population}|{area}")
        if key in self._made:
            return
        self._made.add(key)
        total = self.v(q, "N") if population == "exit" else self.v(q, "survey", "N")
        self.relate({**{self.v(q, population, area, lv): 1 for lv in RATING_LEVELS}, total: -1}, 0, 0)

    def focus(self, q: str, purpose: str, theme: str) -> None:
        self.relate({self.v(q, "focus", purpose, theme): 1, self.v(q, "focus", purpose, "remarks"): -1},
                    -math.inf, 0)

    def answers(self, q: str, purpose: str, theme: str | None) -> None:
        """Who answered one of the other questions in words is among the quarter's leavers; a
        theme of those answers is among who answered (people may raise several themes)."""
        key = (q, f"answers|{purpose}|{theme}")
        if key in self._made:
            return
        self._made.add(key)
        answered = self.v(q, "answers", purpose, "answered")
        self.relate({answered: 1, self.v(q, "N"): -1}, -math.inf, 0)
        if theme is not None:
            self.relate({self.v(q, "answers", purpose, theme): 1, answered: -1}, -math.inf, 0)

    def equality(self, quarters: Sequence[str], char: str, values: Sequence[str]) -> None:
        """Equality answers per quarter: never printed for a quarter, so each quarter's count is
        also a figure the reader must not be able to work out."""
        for q in quarters:
            key = (q, f"equality|{char}")
            if key in self._made:
                continue
            self._made.add(key)
            self.quarter(q)
            cells = {self.v(q, "equality", char, x): 1 for x in values}
            self.relate({**cells, self.v(q, "N"): -1}, 0, 0)
            for x in values:
                self.hidden.append(Hidden(f"{q} equality {char}={x} (never printed)", "not shown",
                                          {self.v(q, "equality", char, x): 1}))

    # --- expressions over periods -------------------------------------------------------
    def over(self, quarters: Sequence[str], *parts: str) -> Expr:
        for q in quarters:
            self.quarter(q)
        return {self.v(q, *parts): 1 for q in quarters}

    def column(self, quarters: Sequence[str], dim: str, cats: Sequence[str], *theme: str) -> Expr:
        expr: Expr = defaultdict(float)
        for q in quarters:
            self.quarter(q)
            for c in cats:
                expr[self.v(q, "x", dim, theme[0], c) if theme else self.v(q, dim, c)] += 1
        return dict(expr)

    # --- what each printed figure says --------------------------------------------------
    def count(self, where: str, expr: Expr, value: object) -> None:
        if isinstance(value, bool):
            raise ValueError(where)
        if isinstance(value, int | float):
            self.relate(expr, float(value), float(value))
        elif isinstance(value, str) and value.startswith("fewer than"):
            self.relate(expr, 1, int(value.rsplit(" ", 1)[1]) - 1)
            self.hidden.append(Hidden(where, value, expr))
        elif value == "withheld":
            self.relate(expr, self.k, math.inf)
            self.hidden.append(Hidden(where, value, expr))
        elif value in ("not shown", "not available", None):
            self.hidden.append(Hidden(where, "not shown", expr))
        else:
            raise ValueError(f"{where}: unknown figure {value!r}")

    def percent(self, numerator: Expr, denominator: Expr, value: object) -> None:
        """A printed percentage rounded to one decimal place: |100 n - s d| <= 0.05 d."""
        if not isinstance(value, int | float) or isinstance(value, bool):
            return
        s = float(value)
        # 100 n - s d - 0.05 d <= 0 <= 100 n - s d + 0.05 d (a hair wider for float rounding)
        for sign in (-1, 1):
            expr: Expr = defaultdict(float)
            for name, c in numerator.items():
                expr[name] += 100 * c
            for name, c in denominator.items():
                expr[name] += (-s + sign * 0.0500001) * c
            if sign < 0:
                self.relate(dict(expr), -math.inf, 0)
            else:
                self.relate(dict(expr), 0, math.inf)

    # --- solving ------------------------------------------------------------------------
    def _program(self):
        n = len(self.names)
        a = lil_array((len(self.rows), n))
        lo, hi = np.empty(len(self.rows)), np.empty(len(self.rows))
        for i, (expr, low, high) in enumerate(self.rows):
            for name, c in expr.items():
                if c:
                    a[i, self.names[name]] = c
            lo[i], hi[i] = low, high
        return LinearConstraint(a.tocsr(), lo, hi), Bounds(np.zeros(n), np.full(n, _UPPER))

    def _vector(self, expr: Expr) -> np.ndarray:
        c = np.zeros(len(self.names))
        for name, coef in expr.items():
            c[self.names[name]] += coef
        return c

    def solve(self, objective: np.ndarray) -> np.ndarray:
        constraints, bounds = self._program_cache
        res = milp(objective, constraints=constraints, integrality=np.ones(len(self.names)), bounds=bounds)
        if res.status != 0:
            raise AssertionError(f"the reports contradict each other or the reader's model ({res.message})")
        return np.round(res.x)

    def attack(self, seed: int = 0) -> list[tuple[Hidden, float, float]]:
        """Every hidden figure a reader can work out: (figure, smallest, largest value)."""
        self._program_cache = self._program()
        rng = np.random.default_rng(seed)
        vectors = [self._vector(h.expr) for h in self.hidden]
        seen: list[set[float]] = [set() for _ in self.hidden]

        def note(x: np.ndarray) -> None:
            for i, vec in enumerate(vectors):
                seen[i].add(float(vec @ x))

        for _ in range(3):
            w = rng.uniform(0.5, 1.5, len(self.names))
            note(self.solve(w))
            note(self.solve(-w))
        # Push every figure not yet cleared up together, then down together, while that
        # still clears some; then one at a time. Every solution found clears what it can.
        open_ = [i for i, h in enumerate(self.hidden) if not self._cleared(h.marker, seen[i])]
        while open_:
            total = np.sum([vectors[i] for i in open_], axis=0)
            note(self.solve(-total))
            note(self.solve(total))
            still = [i for i in open_ if not self._cleared(self.hidden[i].marker, seen[i])]
            if len(still) == len(open_):
                break
            open_ = still
        found = []
        for i in open_:
            h, vec = self.hidden[i], vectors[i]
            if self._cleared(h.marker, seen[i]):
                continue
            x = self.solve(-vec)
            note(x)
            hi = float(vec @ x)
            if self._cleared(h.marker, seen[i]):
                continue
            x = self.solve(vec)
            note(x)
            lo = float(vec @ x)
            if self._given_away(h.marker, lo, hi):
                found.append((h, lo, hi))
        return found

    def _cleared(self, marker: str, values: set[float]) -> bool:
        if marker == "not shown":
            return len(values) > 1 or any(v == 0 or v >= self.k for v in values)
        return len(values) > 1

    def _given_away(self, marker: str, lo: float, hi: float) -> bool:
        if marker == "not shown":
            return lo == hi and 1 <= lo <= self.k - 1
        return lo == hi


def read(reports: Sequence[Mapping], k: int) -> Reader:
    """Build the reader's program from published reports (their tables only)."""
    reader = Reader(k)
    for report in reports:  # themes first, so each quarter gets every theme's unknowns
        for table in _tables(report):
            if table["id"] in ("themes_ranked", "emerging_themes") or table["id"].startswith("themes_by_") \
                    or table["id"] == "reasons_by_band":
                reader.themes |= {r["id"] for r in table["rows"] if r["id"] != "respondents"}
    for report in reports:
        _read_report(reader, report)
    return reader


def _tables(report: Mapping) -> list[Mapping]:
    return [t for s in report["sections"] for t in s.get("tables", [])]


def _row(table: Mapping, row_id: str) -> Mapping | None:
    return next((r for r in table["rows"] if r["id"] == row_id), None)


def _read_report(reader: Reader, report: Mapping) -> None:
    params = report["parameters"]
    kind = report["report"]
    if kind == "length_of_service":
        period = [params["period"]]
        rolling = quarters_of(params["rolling_12_months"])
    else:
        period = quarters_of(report["period"])
        rolling = quarters_of(params["rolling_12_months"])
    name = f"{kind} {report['period']}"
    for section in report["sections"]:
        for statement in section.get("statements", []):
            reader.source = f"{name}: {statement['id']}"
            _read_statement(reader, statement)
            reader.source = "questionnaire"
        for table in section.get("tables", []):
            reader.source = f"{name}: {table['id']}"
            _read_table(reader, reader.source, table, section, period, rolling, params)
            reader.source = "questionnaire"


def _read_statement(reader: Reader, statement: Mapping) -> None:
    """A sentence comparing two groups over some quarters ("more leavers had under two years'
    service than five years or more"): the difference of the two sums is at least 1, at most
    -1, or 0."""
    quarters, dim = statement["quarters"], statement["dimension"]
    expr: Expr = defaultdict(float)
    for name, c in reader.column(quarters, dim, statement["newer"]).items():
        expr[name] += c
    for name, c in reader.column(quarters, dim, statement["longer"]).items():
        expr[name] -= c
    lo, hi = {">": (1, math.inf), "<": (-math.inf, -1), "=": (0, 0)}[statement["outcome"]]
    reader.relate(dict(expr), lo, hi)


def _columns(table: Mapping, dim: str) -> dict[str, list[str]]:
    """Each column's categories; "Other" holds every category without its own column."""
    own = [c["id"] for c in table["columns"]]
    merged = "merged into Other" in (table.get("note") or "")
    out = {}
    for col in own:
        if col == "other" and merged:
            out[col] = [c for c in [*DIMENSIONS[dim][1], NOT_STATED] if c not in own or c == "other"]
        else:
            out[col] = [col]
    return out


def _read_table(reader: Reader, where: str, table: Mapping, section: Mapping, period: list[str],
                rolling: list[str], params: Mapping) -> None:
    tid = table["id"]
    cols = [c["id"] for c in table["columns"]]
    N = reader.over  # noqa: N806 - reads as the formulas in the docstring

    def cell(row: Mapping, col: str) -> object:
        return row["values"][cols.index(col)]

    if tid == "responses_by_channel":
        for row in table["rows"]:
            expr = N(period, "N") if row["id"] == "total" else N(period, "channel", row["id"])
            reader.count(f"{where} {row['id']}", expr, cell(row, "count"))
    elif tid == "themes_ranked":
        others = {"previous": params.get("previous_period"), "last_year": params.get("same_quarter_last_year"),
                  "rolling": params.get("rolling_12_months")}
        for row in table["rows"]:
            t = row["id"]
            reader.count(f"{where} {t}", N(period, "theme", t), cell(row, "count"))
            reader.percent(N(period, "theme", t), N(period, "N"), cell(row, "share"))
            for col, label in others.items():
                if col in cols and label:
                    qs = quarters_of(label)
                    reader.percent(N(qs, "theme", t), N(qs, "N"), cell(row, col))
    elif tid == "emerging_themes":
        for row in table["rows"]:
            reader.count(f"{where} {row['id']}", N(period, "theme", row["id"]), cell(row, "count"))
            reader.percent(N(period, "theme", row["id"]), N(period, "N"), cell(row, "share"))
    elif tid == "themes_trend":
        for row in table["rows"]:
            for q in cols:
                if row["id"] == "respondents":
                    reader.count(f"{where} {q}", N([q], "N"), cell(row, q))
                else:
                    reader.percent(N([q], "theme", row["id"]), N([q], "N"), cell(row, q))
    elif tid.startswith("themes_by_") or tid == "reasons_by_band":
        dim = "length_of_service" if tid == "reasons_by_band" else tid.removeprefix("themes_by_")
        qs = rolling if tid == "reasons_by_band" else period
        columns = _columns(table, dim)
        for row in table["rows"]:
            for col, cats in columns.items():
                theme = () if row["id"] == "respondents" else (row["id"],)
                reader.count(f"{where} {row['id']}/{col}", reader.column(qs, dim, cats, *theme), cell(row, col))
    elif tid == "destinations":
        for row in table["rows"]:
            expr = N(period, "destination", row["id"])
            reader.count(f"{where} {row['id']}", expr, cell(row, "count"))
            reader.percent(expr, N(period, "N"), cell(row, "share"))
    elif tid == "ratings" or tid.startswith("staff_survey_"):
        population, qs = ("exit", period) if tid == "ratings" else ("survey", [tid.removeprefix("staff_survey_")])
        for row in table["rows"]:
            for q in qs:
                reader.quarter(q)
                reader.rating_area(q, population, row["id"])
            for lv in (c for c in cols if c in RATING_LEVELS):  # "net" is a difference of shares
                reader.count(f"{where} {row['id']}/{lv}", N(qs, population, row["id"], lv), cell(row, lv))
    elif tid.startswith("focus_"):
        purpose = tid.removeprefix("focus_")
        for row in table["rows"]:
            if row["id"] != "remarks":
                for q in period:
                    reader.focus(q, purpose, row["id"])
            reader.count(f"{where} {row['id']}", N(period, "focus", purpose, row["id"]), cell(row, "remarks"))
    elif tid.startswith("answers_"):
        purpose = tid.removeprefix("answers_")
        for row in table["rows"]:
            for q in period:
                reader.quarter(q)
                reader.answers(q, purpose, None if row["id"] == "answered" else row["id"])
            reader.count(f"{where} {row['id']}", N(period, "answers", purpose, row["id"]), cell(row, "people"))
    elif tid.startswith("equality_"):
        char = tid.removeprefix("equality_")
        span = quarters_of(_SPAN.search(section["summary"]).group(0))
        reader.equality(span, char, [r["id"] for r in table["rows"]])
        for row in table["rows"]:
            expr = N(span, "equality", char, row["id"])
            reader.count(f"{where} {row['id']}", expr, cell(row, "count"))
            reader.percent(expr, N(span, "N"), cell(row, "share"))
    elif tid == "service_groups":
        year = quarters_of(_SPAN.search(table["title"]).group(0))
        groups = {"under_2": ("under_1", "1_to_2"), "2_to_5": ("2_to_5",), "5_plus": ("5_to_10", "10_plus"),
                  NOT_STATED: (NOT_STATED,)}
        for row in table["rows"]:
            expr = reader.column(year, "length_of_service", groups[row["id"]])
            reader.count(f"{where} {row['id']}", expr, cell(row, "count"))
            reader.percent(expr, N(year, "N"), cell(row, "share"))
    elif tid == "turnover":
        for row_id, qs in (("leavers", period), ("leavers_12", rolling)):
            row = _row(table, row_id)
            if row is not None and "exit records" in row["label"]:
                reader.count(f"{where} {row_id}", N(qs, "N"), row["values"][0])
    elif tid == "leaver_rate_by_band":
        for row in table["rows"]:
            reader.count(f"{where} {row['id']}", N(rolling, "length_of_service", row["id"]), cell(row, "leavers"))
    elif tid == "band_rolling_12":
        for row in table["rows"]:
            expr = N(rolling, "length_of_service", row["id"])
            reader.count(f"{where} {row['id']}", expr, cell(row, "leavers"))
            reader.percent(expr, N(rolling, "N"), cell(row, "share"))
    elif tid == "leavers_by_band":
        for row in table["rows"]:
            for q in cols:
                expr = N([q], "N") if row["id"] == "total" else N([q], "length_of_service", row["id"])
                reader.count(f"{where} {row['id']}/{q}", expr, cell(row, q))
    elif tid == "leaving_early":
        for q in cols:
            under_1 = N([q], "length_of_service", "under_1")
            reader.percent(under_1, N([q], "N"), cell(_row(table, "within_1"), q))
            newer = {**under_1, **N([q], "length_of_service", "1_to_2")}
            reader.percent(newer, N([q], "N"), cell(_row(table, "within_2"), q))
    else:
        raise AssertionError(f"the reader does not know how table {tid!r} is made: teach it before publishing it")
