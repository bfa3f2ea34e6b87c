"""The quarterly theme report and the annual report (the same content over a financial year).

What comes in: the four frames of ``docs/analysis-frames.md``, the theme labels
(``{theme_id: label}``, the taxonomy's fixed ids in their order), the period and parameters.
What goes out: a JSON-able ``dict``, the same data the HTML shows, in which every count has
passed through :mod:`analysis.disclosure`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from analysis.disclosure import (
    DEFAULT_K,
    NOT_SHOWN,
    WITHHELD,
    Published,
    Relation,
    check_threshold,
    is_shown,
    share,
    suppress_small_count,
)
from analysis.periods import FinancialYear, Quarter, last_complete_year, latest_30_september
from analysis.reports import actions, newer_or_longer
from analysis.reports import counts as c
from analysis.reports.common import (
    PublishedFigures,
    change_sentence,
    fmt_pct,
    listed,
    lower_first,
    pp_change,
    ranked,
    table,
)
from analysis.reports.labels import (
    CHANNELS,
    DIMENSIONS,
    EQUALITY,
    FOCUS_PURPOSES,
    LENGTH_OF_SERVICE,
    MERGED_OTHER,
    RATING_AREAS,
    RATING_LEVELS,
    THEME_BREAKDOWNS,
    category_label,
    equality_label,
    humanise,
)

REPORT_SCHEMA_VERSION = 1


@dataclass
class ReportInputs:
    """Everything a report is built from, prepared once."""

    prepared: c.Prepared
    theme_labels: dict[str, str]
    k: int
    published: Mapping[str, Published] = field(default_factory=dict)  # figures published before
    statements: Sequence[Relation] = ()  # comparisons published before (see newer_or_longer)


class PeriodCache:
    """Counts per quarter and per run of quarters, each decided once per build."""

    def __init__(self, inputs: ReportInputs) -> None:
        self.inputs = inputs
        self.quarters: dict[str, c.PeriodCounts] = {}
        self.spans: dict[str, c.PeriodCounts] = {}

    def quarter(self, q: Quarter) -> c.PeriodCounts:
        if q.label not in self.quarters:
            self.quarters[q.label] = self._freeze(c.count_quarter(
                self.inputs.prepared, q, list(self.inputs.theme_labels), self.inputs.k
            ))
        return self.quarters[q.label]

    def _freeze(self, period: c.PeriodCounts) -> c.PeriodCounts:
        """A period published before keeps the figures it was published with."""
        prefix = f"{period.label}|"
        earlier = {key: v for key, v in self.inputs.published.items() if key.startswith(prefix)}
        if earlier:
            period.frozen = earlier
        return period

    def span(self, quarters: Sequence[Quarter]) -> c.PeriodCounts:
        label = c.span_label(quarters)
        if label not in self.spans:
            for q in quarters:
                self.quarter(q)
            self.spans[label] = self._freeze(c.count_span(
                self.inputs.prepared, quarters, self.quarters, list(self.inputs.theme_labels), self.inputs.k
            ))
        return self.spans[label]

    def all_periods(self) -> list[c.PeriodCounts]:
        return [*self.quarters.values(), *self.spans.values()]


def report_window(last_quarter: Quarter) -> list[Quarter]:
    """The quarters a report ending with ``last_quarter`` reads: its trend shows eight, and
    every other table (the year before included) lies within them."""
    return last_quarter.last_n(8)


def prepare_inputs(
    responses: pd.DataFrame,
    comments: pd.DataFrame,
    theme_assignments: pd.DataFrame,
    headcounts: pd.DataFrame | None,
    theme_labels: Mapping[str, str],
    k: int,
    last_quarter: Quarter | None = None,
    published: Mapping[str, Published] | None = None,
    statements: Sequence[Relation] = (),
) -> ReportInputs:
    """Check parameters and prepare the frames; with ``last_quarter``, only the eight quarters
    ending with it are read (every table of every report lies within them). ``published``
    holds figures of earlier published reports by key: a period among them keeps them."""
    check_threshold(k)
    window = report_window(last_quarter) if last_quarter is not None else None
    return ReportInputs(c.prepare(responses, comments, theme_assignments, headcounts, window),
                        dict(theme_labels), k, dict(published or {}), tuple(statements))


def _theme_label(inputs: ReportInputs, theme_id: str) -> str:
    if theme_id in inputs.theme_labels:
        return inputs.theme_labels[theme_id]
    if theme_id.startswith(c.EMERGING_PREFIX):
        return f"Unnamed theme {theme_id.split(':', 1)[1]} (awaiting HR's review)"
    return humanise(theme_id)


def _generated_at(generated_at: dt.datetime | str | None) -> str:
    if generated_at is None:
        return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    return generated_at if isinstance(generated_at, str) else generated_at.isoformat()


# --------------------------------------------------------------------------------------------
# Public builders
# --------------------------------------------------------------------------------------------
def build_quarterly_report(
    responses: pd.DataFrame,
    comments: pd.DataFrame,
    theme_assignments: pd.DataFrame,
    headcounts: pd.DataFrame | None,
    *,
    quarter: str | Quarter,
    theme_labels: Mapping[str, str],
    k: int = DEFAULT_K,
    quotes: Sequence[Mapping[str, str]] = (),
    actions: Sequence[Mapping[str, str]] = (),
    generated_at: dt.datetime | str | None = None,
    model_version: str | None = None,
    published: Mapping[str, Published] | None = None,
    statements: Sequence[Relation] = (),
) -> dict:
    """Build the quarterly theme report for ``quarter`` (a label like ``"2025/26 Q1"``).

    ``quotes`` are ``{"theme_id", "text"}`` dicts already scrubbed and approved by HR; a quote
    is shown only when at least k people cited its theme this quarter. Returns the report as
    a JSON-able dict (see ``docs/reports.md``). ``published``: figures of reports published
    before, by key; the periods they cover keep those figures. ``statements``: the comparisons
    those reports stated (:func:`analysis.reports.common.published_statements`).
    """
    q = quarter if isinstance(quarter, Quarter) else Quarter.parse(quarter)
    inputs = prepare_inputs(responses, comments, theme_assignments, headcounts, theme_labels, k, q, published,
                            statements)
    cache = PeriodCache(inputs)
    current = cache.quarter(q)
    view = _PeriodView(
        kind="quarterly",
        label=q.label,
        current=current,
        previous=cache.quarter(q.previous()),
        previous_words="last quarter",
        last_year=cache.quarter(q.same_quarter_last_year()),
        rolling=cache.span(q.last_n(4)),
        rolling_before=cache.span(q.shift(-4).last_n(4)),
        equality=cache.span(last_complete_year(q).quarters()),
        trend=[cache.quarter(x) for x in q.last_n(8)],
        now_words="this quarter",
        last_quarter=q,
    )
    return _build(inputs, cache, view, quotes, actions, generated_at, model_version)


def build_annual_report(
    responses: pd.DataFrame,
    comments: pd.DataFrame,
    theme_assignments: pd.DataFrame,
    headcounts: pd.DataFrame | None,
    *,
    year: str | FinancialYear,
    theme_labels: Mapping[str, str],
    k: int = DEFAULT_K,
    quotes: Sequence[Mapping[str, str]] = (),
    actions: Sequence[Mapping[str, str]] = (),
    generated_at: dt.datetime | str | None = None,
    model_version: str | None = None,
    published: Mapping[str, Published] | None = None,
    statements: Sequence[Relation] = (),
) -> dict:
    """Build the annual report for a financial year (``"2025/26"``): the quarterly content
    over the whole year, compared with the year before. Its figures are sums of the
    year's quarters, published only where every quarter's figure was (see
    ``docs/disclosure.md``)."""
    fy = year if isinstance(year, FinancialYear) else FinancialYear.parse(year)
    inputs = prepare_inputs(responses, comments, theme_assignments, headcounts, theme_labels, k,
                            fy.quarters()[-1], published, statements)
    cache = PeriodCache(inputs)
    quarters = fy.quarters()
    current = cache.span(quarters)
    view = _PeriodView(
        kind="annual",
        label=fy.label,
        current=current,
        previous=cache.span(fy.previous().quarters()),
        previous_words="last year",
        last_year=None,
        rolling=current,
        rolling_before=None,
        equality=current,
        trend=[cache.quarter(x) for x in quarters[-1].last_n(8)],
        now_words="this year",
        last_quarter=quarters[-1],
    )
    return _build(inputs, cache, view, quotes, actions, generated_at, model_version)


# --------------------------------------------------------------------------------------------
# The shared body
# --------------------------------------------------------------------------------------------
@dataclass
class _PeriodView:
    kind: str
    label: str
    current: c.PeriodCounts
    previous: c.PeriodCounts
    previous_words: str
    last_year: c.PeriodCounts | None
    rolling: c.PeriodCounts
    rolling_before: c.PeriodCounts | None
    equality: c.PeriodCounts  # always a whole financial year
    trend: list[c.PeriodCounts]
    now_words: str
    last_quarter: Quarter


def _build(inputs: ReportInputs, cache: PeriodCache, view: _PeriodView,
           quotes: Sequence[Mapping[str, str]], actions: Sequence[Mapping[str, str]],
           generated_at, model_version) -> dict:
    figures = PublishedFigures(cache.all_periods(), inputs.k)
    done = _actions_section(inputs, figures, view, actions)
    sections = [
        _glance_section(inputs, figures, view, done),
        done,
        _responses_section(inputs, figures, view),
        _themes_section(inputs, figures, view),
        _trend_section(inputs, figures, view),
        _answers_section(inputs, figures, view),
        *_breakdown_sections(inputs, figures, view),
        _destinations_section(figures, view),
        _ratings_section(figures, view, inputs),
        _emerging_section(inputs, figures, view),
        _quotes_section(inputs, figures, view, quotes),
        _focus_section(inputs, figures, view),
        _survey_section(figures, view, cache),
        _equality_section(figures, view, inputs),
        _turnover_section(inputs, figures, view, cache),
        _method_section(inputs.k, view),
    ]
    # Late-registered periods (spans built by sections) join the audit record.
    for period in cache.all_periods():
        figures.add(period)
    period_words = "quarter" if view.kind == "quarterly" else "financial year"
    return {
        "schema_version": REPORT_SCHEMA_VERSION,
        "report": view.kind,
        "title": f"Why children's social workers leave: {period_words} {view.label}",
        "period": view.label,
        "parameters": {
            "k": inputs.k,
            "period": view.label,
            "previous_period": view.previous.label,
            "same_quarter_last_year": view.last_year.label if view.last_year else None,
            "rolling_12_months": view.rolling.label,
            "generated_at": _generated_at(generated_at),
            "model_version": model_version,
        },
        "sections": [s for s in sections if s is not None],
        "disclosure": {"k": inputs.k, "audit": figures.audit_data()},
    }


def _section(section_id: str, title: str, summary: str | None, tables: Sequence[dict] = (),
             **extra) -> dict:
    return {"id": section_id, "title": title, "summary": summary or _NO_SUMMARY,
            "tables": list(tables), **extra}


_NO_SUMMARY = "The figures needed for a comparison are withheld to protect individuals."


SERVICE_GROUP_LABELS = {"under_2": "Under 2 years", "2_to_5": "2 to 5 years", "5_plus": "5 years or more",
                        c.NOT_STATED: "Not stated"}


def _top_themes(inputs: ReportInputs, f: PublishedFigures, period: c.PeriodCounts) -> str | None:
    """The most cited themes of a period, from published counts only, saying which themes of
    k or more people are withheld and so cannot be placed in the order."""
    p = period.label
    n = f.get(c.k_respondents(p))
    counts = [(t, f.get(c.k_theme(p, t))) for t in _theme_ids(inputs, period)]
    shown = sorted(((t, int(x)) for t, x in counts if is_shown(x) and int(x) >= inputs.k),
                   key=lambda r: (-r[1], r[0]))
    withheld = [lower_first(_theme_label(inputs, t)) for t, x in counts if x == WITHHELD]
    if not shown:
        if withheld:
            return (f"Themes cited by {inputs.k} or more people are withheld to protect individuals and so "
                    f"not placed in any order: {', '.join(withheld)}.")
        return None
    parts = []
    for t, x in shown[:3]:
        pct = share(x, n, inputs.k)
        parts.append(f"{lower_first(_theme_label(inputs, t))} ({x} leavers"
                     + (f", {fmt_pct(float(pct))})" if is_shown(pct) else ")"))
    text = f"{'The reason' if len(parts) == 1 else 'The reasons'} most often given: {listed(parts)}."
    if withheld:
        text += (f" Also cited by {inputs.k} or more people, but withheld to protect individuals and so not "
                 f"placed in this order: {', '.join(withheld)}.")
    return text


def _glance_section(inputs: ReportInputs, f: PublishedFigures, v: _PeriodView, done: dict) -> dict:
    """The questions the Employer Standards group asks first, answered in sentences built only
    from figures the report publishes elsewhere."""
    k = inputs.k
    now = v.current
    lines = []
    n = f.get(c.k_respondents(now.label))
    if is_shown(n):
        lines.append(f"{n} leavers answered {v.now_words} ({v.label}).")
    elif n in (WITHHELD, NOT_SHOWN):
        lines.append(f"The number of leavers who answered {v.now_words} ({v.label}) is {n}, to protect a "
                     f"group of fewer than {k} people elsewhere in this report.")
    else:
        lines.append(f"Fewer than {k} leavers answered {v.now_words} ({v.label}).")
    top = _top_themes(inputs, f, now)
    lines.append(top or f"No theme can be named {v.now_words} without showing a group of fewer than {k} people.")
    if v.kind == "quarterly":
        year = _top_themes(inputs, f, v.rolling)
        lines.append(f"Over the 12 months {v.rolling.label}: {lower_first(year)}" if year else
                     f"The 12 months {v.rolling.label} cannot be ranked: some quarter's figures are hidden.")
    first = ranked([(t, f.get(c.k_theme(now.label, t))) for t in _theme_ids(inputs, now)],
                   {t: i for i, t in enumerate(inputs.theme_labels)})
    if first and is_shown(f.get(c.k_theme(now.label, first[0]))):
        t = first[0]
        this = share(f.get(c.k_theme(now.label, t)), n, k)
        for other, words in ((v.previous, v.previous_words), (v.last_year, "the same quarter last year")):
            if other is None:
                continue
            before = share(f.get(c.k_theme(other.label, t)), f.get(c.k_respondents(other.label)), k)
            sentence = change_sentence(_theme_label(inputs, t), this, before, words, v.now_words)
            if sentence and is_shown(before):
                lines.append(sentence)
    answers, service_table, statements = _service_answer(inputs, f, v, k)
    lines.extend(answers)
    lines.append(done["summary"])
    return _section("at_a_glance", "At a glance", lines[0], [service_table], paragraphs=lines,
                    statements=statements)


def _service_answer(inputs: ReportInputs, f: PublishedFigures, v: _PeriodView, k: int
                    ) -> tuple[list[str], dict, list[dict]]:
    """Is turnover in newer or longer-serving staff? Answered with shares for the last whole
    financial year (whole years never overlap), in three wide groups of length of service, and
    over the 12 months to the period's end by a comparison without counts when that is safe
    (:mod:`analysis.reports.newer_or_longer`). Returns sentences, the year's table and the
    comparisons stated, as the report's JSON records them."""
    span = v.equality
    year = last_complete_year(v.last_quarter).label
    n = f.get(c.k_respondents(span.label))
    counts = {g: f.get(c.k_service_group(span.label, g)) for g in c.SERVICE_GROUPS}
    rows = [(g, label, [counts[g], share(counts[g], n, k)]) for g, label in SERVICE_GROUP_LABELS.items()]
    tab = table("service_groups", f"Leavers by length of service, financial year {year} ({span.label})",
                "Length of service", [("count", "Leavers", "count"), ("share", "Share of leavers", "percent")], rows)
    lines: list[str] = []
    newer, longer = share(counts["under_2"], n, k), share(counts["5_plus"], n, k)
    if is_shown(newer) and is_shown(longer):
        lead = ("more were newer staff" if float(newer) > float(longer) else "more were longer-serving staff"
                if float(longer) > float(newer) else "as many were newer as longer-serving staff")
        lines.append(f"In {year}, {fmt_pct(float(newer))} of leavers had under two years' service and "
                     f"{fmt_pct(float(longer))} five years or more: {lead}.")
    statements: list[dict] = []
    rolling = v.rolling
    if not (lines and rolling.label == span.label):
        quarters = [q.label for q in v.last_quarter.last_n(4)]
        outcome = newer_or_longer.decide(rolling, quarters, k, inputs.statements)
        if outcome is not None:
            f.statements.append(newer_or_longer.relation(rolling, quarters, outcome))
            lines.append(newer_or_longer.sentence(outcome, f"Over the 12 months {rolling.label}"))
            statements.append({"id": "newer_or_longer", "quarters": quarters, "dimension": "length_of_service",
                               "newer": list(c.SERVICE_GROUPS[newer_or_longer.NEWER]),
                               "longer": list(c.SERVICE_GROUPS[newer_or_longer.LONGER]),
                               "outcome": outcome})
    if not lines:
        lines.append(f"Whether leavers in {year} were newer or longer-serving staff cannot be said without "
                     f"showing a group of fewer than {k} people.")
    return lines, tab, statements


def _responses_section(inputs: ReportInputs, f: PublishedFigures, v: _PeriodView) -> dict:
    p = v.current.label
    n = f.get(c.k_respondents(p))
    rows = [(ch, CHANNELS.get(ch, humanise(ch)), [f.get(c.k_channel(p, ch))])
            for ch in v.current.categories.get("channel", [])]
    rows.append(("total", "All exit responses", [n]))
    n_before = f.get(c.k_respondents(v.previous.label))
    if is_shown(n) and is_shown(n_before):
        diff = int(n) - int(n_before)
        trend = "the same as" if diff == 0 else ("up from" if diff > 0 else "down from")
        summary = f"There were {n} exit responses {v.now_words}, {trend} {n_before} {v.previous_words}."
    elif is_shown(n):
        summary = f"There were {n} exit responses {v.now_words}."
    elif n in (WITHHELD, NOT_SHOWN):
        # Not small: the total is hidden to protect a smaller figure elsewhere.
        summary = (f"The number of exit responses {v.now_words} is {n}, because showing it would "
                   f"reveal a group of fewer than {inputs.k} people elsewhere in this report.")
    elif n == 0:
        summary = f"There were no exit responses {v.now_words}."
    else:
        summary = f"There were fewer than {inputs.k} exit responses {v.now_words}."
    return _section(
        "responses", "Responses", summary,
        [table("responses_by_channel", "Exit responses by channel", "Channel",
               [("count", "Responses", "count")], rows,
               note="Exit questionnaires, interviews, paper forms and imported records together.")],
    )


def _theme_ids(inputs: ReportInputs, period: c.PeriodCounts) -> list[str]:
    return [t for t in period.themes]


def _themes_section(inputs: ReportInputs, f: PublishedFigures, v: _PeriodView) -> dict:
    p, prev = v.current.label, v.previous.label
    n = c.k_respondents(p)
    order = {t: i for i, t in enumerate(inputs.theme_labels)}
    ids = ranked([(t, f.get(c.k_theme(p, t))) for t in _theme_ids(inputs, v.current)], order)
    columns = [("count", "People citing", "count"), ("share", "Share of leavers", "percent"),
               ("previous", f"Share {v.previous_words}", "percent"),
               ("change_previous", f"Change on {v.previous_words}", "points")]
    if v.last_year is not None:
        columns += [("last_year", "Share same quarter last year", "percent"),
                    ("change_last_year", "Change on same quarter last year", "points")]
    if v.rolling_before is not None:
        columns += [("rolling", "Share over rolling 12 months", "percent"),
                    ("change_rolling", "Change on the 12 months before", "points")]
    rows, shares = [], {}
    for t in ids:
        now = share(f.get(c.k_theme(p, t)), f.get(n), inputs.k)
        before = share(f.get(c.k_theme(prev, t)), f.get(c.k_respondents(prev)), inputs.k)
        shares[t] = (now, before)
        values: list[object] = [f.get(c.k_theme(p, t)), now, before, pp_change(now, before)]
        if v.last_year is not None:
            ly = v.last_year.label
            last = share(f.get(c.k_theme(ly, t)), f.get(c.k_respondents(ly)), inputs.k)
            values += [last, pp_change(now, last)]
        if v.rolling_before is not None:
            r, rb = v.rolling.label, v.rolling_before.label
            roll = share(f.get(c.k_theme(r, t)), f.get(c.k_respondents(r)), inputs.k)
            roll_b = share(f.get(c.k_theme(rb, t)), f.get(c.k_respondents(rb)), inputs.k)
            values += [roll, pp_change(roll, roll_b)]
        rows.append((t, _theme_label(inputs, t), values))
    summary = None
    for t in ids:  # the most cited theme with a published share
        if is_shown(shares[t][0]) and float(shares[t][0]) > 0:
            summary = change_sentence(_theme_label(inputs, t), shares[t][0], shares[t][1],
                                      v.previous_words, v.now_words)
            break
    return _section(
        "themes", "Why people left: themes", summary,
        [table("themes_ranked", "Themes ranked by share of leavers citing them", "Theme", columns, rows,
               note="A leaver cites a theme by ticking it or by raising it in their own words. "
                    "People can cite several themes, so shares add up to more than 100%.")],
    )


def _trend_section(inputs: ReportInputs, f: PublishedFigures, v: _PeriodView) -> dict:
    quarters = [x.label for x in v.trend]
    order = {t: i for i, t in enumerate(inputs.theme_labels)}
    p = v.trend[-1].label
    top = ranked([(t, f.get(c.k_theme(p, t))) for t in _theme_ids(inputs, v.trend[-1])], order)
    rows = [("respondents", "Exit responses", [f.get(c.k_respondents(x)) for x in quarters])]
    series = []
    for t in top:
        values = [share(f.get(c.k_theme(x, t)), f.get(c.k_respondents(x)), inputs.k) for x in quarters]
        rows.append((t, _theme_label(inputs, t), values))
    for t in top[:5]:
        values = next(r[2] for r in rows if r[0] == t)
        if any(is_shown(x) for x in values):
            series.append({"id": t, "label": _theme_label(inputs, t),
                           "values": [x if is_shown(x) else None for x in values]})
    first_shown = ([(x, val) for x, val in zip(quarters, rows[1][2], strict=True) if is_shown(val)]
                   if len(rows) > 1 else [])
    summary = None
    if len(first_shown) >= 2:
        (q0, s0), (q1, s1) = first_shown[0], first_shown[-1]
        summary = (f"{rows[1][1]} was cited by {fmt_pct(float(s1))} of leavers in {q1}, "
                   f"against {fmt_pct(float(s0))} in {q0}.")
    tab = table("themes_trend", "Share of leavers citing each theme, last eight quarters", "Theme",
                [(x, x, "percent") for x in quarters], rows,
                note="The first row is a count of responses; the other rows are percentages.")
    tab["rows"][0]["unit"] = "count"
    chart = {"id": "themes_trend_chart", "type": "line", "title": "Top themes over eight quarters",
             "x_labels": quarters, "y_label": "Share of leavers (%)", "series": series,
             "table_id": "themes_trend"}
    return _section("trend", "Trend over eight quarters", summary, [tab], charts=[chart])


def _breakdown_sections(inputs: ReportInputs, f: PublishedFigures, v: _PeriodView) -> list[dict]:
    p = v.current.label
    sections = []
    order = {t: i for i, t in enumerate(inputs.theme_labels)}
    for dim in THEME_BREAKDOWNS:
        title, _ = DIMENSIONS[dim]
        columns_map = v.current.columns.get(dim, {})
        cols = [col for col in columns_map if col != c.NOT_STATED] + (
            [c.NOT_STATED] if c.NOT_STATED in columns_map else [])
        col_defs = []
        respondents = []
        for col in cols:
            members = columns_map[col]
            label = category_label(dim, col)
            if members != [col]:
                label = "Other (merged)" if col == MERGED_OTHER else label
            col_defs.append((col, label, "count"))
            key = c.k_dim(p, dim, col) if members == [col] else c.k_col(p, dim, col, members)
            respondents.append(f.get(key))
        ids = ranked([(t, f.get(c.k_theme(p, t))) for t in _theme_ids(inputs, v.current)], order)
        rows = [("respondents", "People in this group", respondents)]
        for t in ids:
            cells = [f.get(c.k_theme_by(p, dim, t, col, columns_map[col])) for col in cols]
            rows.append((t, _theme_label(inputs, t), cells))
        summary = _breakdown_summary(inputs, rows, col_defs, title)
        merged = [category_label(dim, m) for col in cols for m in columns_map[col]
                  if columns_map[col] != [col]]
        note = "People can cite several themes, so columns do not add up to the group."
        if merged:
            note += f" Groups of fewer than {inputs.k} people are merged into Other: {', '.join(merged)}."
        sections.append(_section(
            f"themes_by_{dim}", f"Themes by {title.lower()}", summary,
            [table(f"themes_by_{dim}", f"People citing each theme by {title.lower()}", "Theme",
                   col_defs, rows, note=note)],
        ))
    return sections


def _breakdown_summary(inputs: ReportInputs, rows, col_defs, title: str) -> str | None:
    respondents = rows[0][2]
    best = None
    for i, (_, label, _) in enumerate(col_defs):
        n = respondents[i]
        if not is_shown(n) or int(n) < inputs.k:
            continue
        cell = max(((r[2][i], r[1]) for r in rows[1:] if is_shown(r[2][i])), default=None,
                   key=lambda x: int(x[0]))
        if cell is None or int(cell[0]) < inputs.k:
            continue
        pct = share(cell[0], n, inputs.k)
        if best is None or int(n) > best[0]:
            best = (int(n), label, cell[1], pct)
    if best is None:
        return None
    return (f"Among the largest group by {title.lower()} ({best[1]}), the most cited theme was "
            f"{best[2]} ({fmt_pct(float(best[3]))}).")


def _one_way(f: PublishedFigures, p: str, dim: str, cats: Sequence[str], k: int):
    n = f.get(c.k_respondents(p))
    rows = []
    for cat in cats:
        count = f.get(c.k_dim(p, dim, cat))
        rows.append((cat, category_label(dim, cat), [count, share(count, n, k)]))
    return rows


def _destinations_section(f: PublishedFigures, v: _PeriodView) -> dict:
    p = v.current.label
    cats = v.current.categories.get("destination", [])
    rows = _one_way(f, p, "destination", cats, f.k)
    shown = [r for r in rows if r[0] not in (c.NOT_STATED, "prefer_not_to_say") and is_shown(r[1][1])]
    summary = None
    if shown:
        best = max(shown, key=lambda r: float(r[2][1]))
        summary = f"The most common destination was {best[1].lower()} ({fmt_pct(float(best[2][1]))} of leavers)."
    return _section("destinations", "Where leavers went", summary,
                    [table("destinations", "Destinations of leavers", "Destination",
                           [("count", "Leavers", "count"), ("share", "Share", "percent")], rows)])


def _rating_rows(f: PublishedFigures, p: str, areas: Sequence[str], population: str, k: int):
    rows, nets = [], {}
    for area in areas:
        cells = [f.get(c.k_rating(p, area, lv, population)) for lv in RATING_LEVELS]
        levels = cells[:5]
        net: float | str = WITHHELD
        if all(is_shown(x) for x in levels):
            answered = sum(int(x) for x in levels)
            if answered >= k:
                good = int(levels[3]) + int(levels[4])
                poor = int(levels[0]) + int(levels[1])
                net = round(100.0 * (good - poor) / answered, 1)
        nets[area] = net
        rows.append((area, RATING_AREAS.get(area, humanise(area)), [*cells, net]))
    return rows, nets


def _rating_columns():
    return [(lv, label, "count") for lv, label in RATING_LEVELS.items()] + [
        ("net", "Net agreement", "points")]


def _ratings_section(f: PublishedFigures, v: _PeriodView, inputs: ReportInputs) -> dict:
    p = v.current.label
    rows, nets = _rating_rows(f, p, inputs.prepared.rating_areas, "exit", inputs.k)
    shown = {a: x for a, x in nets.items() if is_shown(x)}
    summary = None
    if shown:
        worst = min(shown, key=lambda a: (shown[a], a))
        best = max(shown, key=lambda a: (shown[a], a))
        summary = (f"{RATING_AREAS.get(worst, humanise(worst))} had the lowest net agreement "
                   f"({shown[worst]:+.0f}) and {RATING_AREAS.get(best, humanise(best)).lower()} the highest "
                   f"({shown[best]:+.0f}).")
    return _section("ratings", "Ratings by employer-standard area", summary,
                    [table("ratings", "How leavers rated each area", "Area", _rating_columns(), rows,
                           note="Net agreement is the percentage rating good or very good minus "
                                "the percentage rating poor or very poor, among those who answered.")])


def _emerging_section(inputs: ReportInputs, f: PublishedFigures, v: _PeriodView) -> dict:
    p = v.current.label
    n = f.get(c.k_respondents(p))
    rows = [(t, _theme_label(inputs, t), [f.get(c.k_theme(p, t)), share(f.get(c.k_theme(p, t)), n, inputs.k)])
            for t in v.current.emerging]
    shown = [r for r in rows if is_shown(r[2][0]) and int(r[2][0]) > 0]
    if not rows:
        summary = "No emerging themes were found in comments this period."
    elif shown:
        top = max(shown, key=lambda r: int(r[2][0]))
        summary = f"The largest emerging theme, {top[1]}, was raised by {top[2][0]} leavers."
    else:
        summary = None
    # A section with nothing to count is one line saying so, not an empty table.
    tables = [table("emerging_themes", "Themes found in comments outside the taxonomy", "Theme",
                    [("count", "People", "count"), ("share", "Share of leavers", "percent")], rows)] if rows else []
    return _section("emerging", "Emerging themes", summary, tables)


def _quotes_section(inputs: ReportInputs, f: PublishedFigures, v: _PeriodView,
                    quotes: Sequence[Mapping[str, str]]) -> dict:
    p = v.current.label
    shown = []
    for quote in quotes:
        t = str(quote.get("theme_id", ""))
        count = f.get(c.k_theme(p, t)) if v.current.has(c.k_theme(p, t)) else 0
        # A quote is only shown for a theme at least k people cited this period.
        if is_shown(count) and int(count) >= inputs.k:
            shown.append({"theme_id": t, "theme": _theme_label(inputs, t), "text": str(quote.get("text", ""))})
    summary = (f"{len(shown)} approved quotes from themes cited by at least {inputs.k} people."
               if shown else f"No approved quotes from themes cited by at least {inputs.k} people.")
    return _section("quotes", "In their own words", summary, [], quotes=shown)


def _actions_section(inputs: ReportInputs, f: PublishedFigures, v: _PeriodView,
                     approved: Sequence[Mapping[str, str]]) -> dict:
    """You said, we did: HR's approved actions, under themes shown with at least k people this
    period, the one before or over the 12 months (see :mod:`analysis.reports.actions`)."""
    periods = [p for p in (v.current, v.previous, v.rolling) if p is not None]

    def cited_by_k(theme_id: str) -> bool:
        for period in periods:
            key = c.k_theme(period.label, theme_id)
            count = f.get(key) if period.has(key) else 0
            if is_shown(count) and int(count) >= inputs.k:
                return True
        return False

    shown = actions.shown_actions(approved, inputs.theme_labels, cited_by_k)
    return _section(actions.SECTION_ID, actions.TITLE, actions.summary(shown, inputs.k), [], actions=shown)


ANSWER_TITLES = {"would_have_stayed": "What would have kept them", "worked_well": "What worked well",
                 "improve": "What the council should improve"}
ANSWER_WORDS = {"would_have_stayed": "what would have kept them", "worked_well": "what worked well for them",
                "improve": "what the council should improve"}


def _answers_section(inputs: ReportInputs, f: PublishedFigures, v: _PeriodView) -> dict:
    """The other questions leavers answered in words, each counted on its own: a theme here is
    never a reason for leaving (praise of supervision is not a complaint about it)."""
    p = v.current.label
    order = {t: i for i, t in enumerate(inputs.theme_labels)}
    tables, lines = [], []
    for purpose in v.current.answer_purposes:
        answered = f.get(c.k_answered(p, purpose))
        counts = {t: f.get(c.k_answer_theme(p, purpose, t)) for t in v.current.themes
                  if v.current.has(c.k_answer_theme(p, purpose, t))}
        ids = [t for t in ranked(list(counts.items()), order) if counts[t] != 0]
        rows = [("answered", "Leavers who answered", [answered])] + [
            (t, _theme_label(inputs, t), [counts[t]]) for t in ids]
        tables.append(table(f"answers_{purpose}", ANSWER_TITLES[purpose], "Theme",
                            [("people", "People", "count")], rows))
        line = _most_raised(inputs, counts, answered, ANSWER_WORDS[purpose])
        if line:
            lines.append(line)
    if not tables:
        summary = "No leaver answered these questions in words this period."
    else:
        summary = lines[0] if lines else (f"No theme can be named as raised most often by at least {inputs.k} "
                                          "of the leavers who answered these questions.")
    return _section("other_answers", "What would have kept them, what worked, what to improve", summary, tables,
                    paragraphs=lines)


def _most_raised(inputs: ReportInputs, counts: Mapping[str, Published], answered: Published, words: str) -> str | None:
    """"Of the 23 leavers who said what would have kept them, caseload and workload was raised
    most often (9)", only when no hidden figure could be as large: every other count is shown or
    is "fewer than k" while the top is k or more."""
    shown = {t: int(x) for t, x in counts.items() if is_shown(x)}
    if not shown or not is_shown(answered):
        return None
    top = max(shown.values())
    hidden_could_match = any(not is_shown(x) and not str(x).startswith("fewer than") for x in counts.values())
    if top < inputs.k or hidden_could_match:
        return None
    first = [lower_first(_theme_label(inputs, t)) for t, x in shown.items() if x == top]
    most = f"{first[0]} was raised most often ({top})" if len(first) == 1 else \
        f"{listed(first)} were raised most often ({top} each)"
    return f"Of the {answered} leavers who said {words}, {most}."


def _focus_section(inputs: ReportInputs, f: PublishedFigures, v: _PeriodView) -> dict:
    p = v.current.label
    tables, total_shown = [], []
    for purpose in v.current.purposes:
        remarks = f.get(c.k_remarks(p, purpose))
        themes = [key.rsplit("|", 1)[1] for key in v.current.ledger.counts
                  if key.startswith(f"{p}|focus_group|{purpose}|") and not key.endswith("|remarks")]
        order = {t: i for i, t in enumerate(inputs.theme_labels)}
        ids = ranked([(t, f.get(c.k_focus_theme(p, purpose, t))) for t in themes], order)
        rows = [("remarks", "Remarks made", [remarks])] + [
            (t, _theme_label(inputs, t), [f.get(c.k_focus_theme(p, purpose, t))]) for t in ids]
        tables.append(table(f"focus_{purpose}", f"Focus groups: {FOCUS_PURPOSES.get(purpose, humanise(purpose))}",
                            "Theme", [("remarks", "Remarks", "count")], rows))
        if is_shown(remarks):
            total_shown.append(int(remarks))
    if not tables:
        summary = "No focus groups were recorded this period."
    elif total_shown:
        summary = f"Focus groups recorded {sum(total_shown)} remarks across the prompts shown."
    else:
        summary = None
    return _section("focus_groups", "Focus groups: themes by prompt", summary, tables)


def _survey_section(f: PublishedFigures, v: _PeriodView, cache: PeriodCache) -> dict | None:
    periods = v.trend[-4:] if v.kind == "annual" else [v.current]
    tables = []
    for period in periods:
        if not period.survey_areas:
            continue
        p = period.label
        n = f.get(c.k_survey_respondents(p))
        rows, _ = _rating_rows(f, p, period.survey_areas, "staff_survey", f.k)
        tables.append(table(f"staff_survey_{p}", f"Staff survey closed in {p} ({n} responses)", "Area",
                            _rating_columns(), rows))
    if not tables:
        return None
    return _section("staff_survey", "Staff survey", f"{len(tables)} staff survey(s) closed in the period.", tables)


def _equality_section(f: PublishedFigures, v: _PeriodView, inputs: ReportInputs) -> dict:
    span = v.equality
    p = span.label
    year = f"the financial year {last_complete_year(v.last_quarter).label}"
    tables = []
    for char, values in span.equality.items():
        rows = []
        for value in values:
            count = f.get(c.k_equality(p, char, value))
            rows.append((value, equality_label(char, value),
                         [count, share(count, f.get(c.k_respondents(p)), inputs.k)]))
        tables.append(table(f"equality_{char}", EQUALITY[char], EQUALITY[char],
                            [("count", "Leavers", "count"), ("share", "Share", "percent")], rows))
    n = f.get(c.k_respondents(p))
    summary = (f"Equality monitoring covers the {n} leavers of {year} ({p}): it is shown only "
               "for whole financial years, never for a quarter or an overlapping 12 months."
               if is_shown(n) else
               f"Equality monitoring covers {year} ({p}): it is shown only for whole financial "
               "years, never for a quarter or an overlapping 12 months.")
    return _section("equality", "Equality monitoring (whole financial year)", summary, tables)


# --------------------------------------------------------------------------------------------
# Turnover from headcounts
# --------------------------------------------------------------------------------------------
def _headcount_row(headcounts: pd.DataFrame, quarter: Quarter, band: str | None = None) -> pd.Series | None:
    if headcounts is None or headcounts.empty:
        return None
    hc = headcounts[headcounts["quarter"] == quarter.label]
    for col in ("role", "service_area"):
        if col in hc:
            hc = hc[hc[col].isna()]
    if "length_of_service" in hc:
        hc = hc[hc["length_of_service"].isna()] if band is None else hc[hc["length_of_service"] == band]
    elif band is not None:
        return None
    return hc.iloc[0] if len(hc) else None


def _value(row: pd.Series | None, column: str) -> float | None:
    if row is None or column not in row or pd.isna(row[column]):
        return None
    return float(row[column])


def _average_headcount(headcounts: pd.DataFrame, quarters: Sequence[Quarter], band: str | None = None) -> float | None:
    """Mean of the staff in post at the end of the quarter before the period and at the end of
    each quarter in it (those loaded)."""
    points = [_value(_headcount_row(headcounts, q, band), "headcount")
              for q in [quarters[0].previous(), *quarters]]
    points = [x for x in points if x is not None]
    return round(sum(points) / len(points), 1) if points else None


def _rate(leavers: Published, denominator: float | None) -> float | str:
    if not is_shown(leavers) or denominator is None or denominator <= 0:
        return WITHHELD if not is_shown(leavers) else "not available"
    return round(100.0 * int(leavers) / denominator, 1)


def _turnover_section(inputs: ReportInputs, f: PublishedFigures, v: _PeriodView, cache: PeriodCache) -> dict:
    hc = inputs.prepared.headcounts
    q = v.last_quarter
    period_quarters = [q] if v.kind == "quarterly" else q.financial_year.quarters()
    rolling_quarters = q.last_n(4)
    end_row = _headcount_row(hc, q)
    has_hr_leavers = not hc.empty and "leavers" in hc.columns

    def leavers_for(quarters: Sequence[Quarter], period: c.PeriodCounts) -> tuple[Published, str]:
        if has_hr_leavers:
            values = [_value(_headcount_row(hc, x), "leavers") for x in quarters]
            if all(x is not None for x in values):
                return suppress_small_count(int(sum(values)), inputs.k), "HR leaver records"
        return f.get(c.k_respondents(period.label)), "exit records"

    leavers_now, source = leavers_for(period_quarters, v.current)
    rolling = v.rolling
    leavers_12, source_12 = leavers_for(rolling_quarters, rolling)
    avg_now = _average_headcount(hc, period_quarters)
    avg_12 = _average_headcount(hc, rolling_quarters)
    census_q = latest_30_september(q)
    census_span = cache.span(census_q.last_n(4))
    f.add(census_span)
    census_leavers, _ = leavers_for(census_q.last_n(4), census_span)
    census_staff = _value(_headcount_row(hc, census_q), "headcount")
    headcount = _value(end_row, "headcount")
    vacancies = _value(end_row, "vacancies")
    agency = _value(end_row, "agency_workers")
    responses = f.get(c.k_respondents(v.current.label))
    response_rate: float | str = "not available"
    if source == "HR leaver records" and is_shown(leavers_now) and is_shown(responses) and int(leavers_now) > 0:
        response_rate = round(100.0 * int(responses) / int(leavers_now), 1)

    def plain(x: float | None) -> object:
        return "not available" if x is None else (int(x) if float(x).is_integer() else x)

    rows = [
        ("staff_in_post", f"Staff in post at the end of {q.label}", [plain(headcount)], "count"),
        ("leavers", f"Leavers in {v.label} ({source})", [leavers_now], "count"),
        ("response_rate", "Response rate (exit responses per leaver)", [response_rate], "percent"),
        ("average_headcount", f"Average headcount over {v.label}", [plain(avg_now)], "count"),
        ("cipd_rate", f"Turnover rate (CIPD) for {v.label}", [_rate(leavers_now, avg_now)], "percent"),
        ("leavers_12", f"Leavers in the 12 months {rolling.label} ({source_12})", [leavers_12], "count"),
        ("cipd_rate_12", "Turnover rate (CIPD), rolling 12 months", [_rate(leavers_12, avg_12)], "percent"),
        ("dfe_rate", f"Turnover rate (DfE), year to 30 September ({census_q.label})",
         [_rate(census_leavers, census_staff)], "percent"),
        ("vacancy_rate", "Vacancy rate",
         [plain(None) if vacancies is None or headcount is None
          else round(100 * vacancies / (vacancies + headcount), 1)],
         "percent"),
        ("agency_rate", "Agency worker rate",
         [plain(None) if agency is None or headcount is None else round(100 * agency / (agency + headcount), 1)],
         "percent"),
    ]
    turnover = table("turnover", "Turnover, vacancies and agency staff", "Measure",
                     [("value", "Value", "mixed")], [(r[0], r[1].strip(), r[2]) for r in rows],
                     note="CIPD rate: leavers in the period divided by the average headcount over it. "
                          "DfE rate: leavers in the year to 30 September divided by staff in post on "
                          "30 September. Vacancy and agency rates are shares of posts (staff in post plus "
                          "vacancies, or plus agency workers) at the end of the quarter.")
    band_rows = []
    for band, label in LENGTH_OF_SERVICE.items():
        leavers_b = f.get(c.k_dim(rolling.label, "length_of_service", band))
        avg_b = _average_headcount(hc, rolling_quarters, band)
        band_rows.append((band, label, [leavers_b, plain(avg_b), _rate(leavers_b, avg_b)]))
    by_band = table("leaver_rate_by_band", f"Leaver rates by length of service, {rolling.label}",
                    "Length of service",
                    [("leavers", "Leavers (exit records)", "count"), ("headcount", "Average headcount", "count"),
                     ("rate", "Leaver rate", "percent")], band_rows)
    cipd = rows[4][2][0]
    if is_shown(cipd):
        summary = f"The turnover rate (CIPD) for {v.label} was {fmt_pct(float(cipd))}."
    elif hc.empty:
        summary = "No headcounts were loaded, so turnover rates cannot be worked out."
    else:
        summary = None
    for r in turnover["rows"]:
        unit = next(x[3] for x in rows if x[0] == r["id"])
        r["unit"] = unit
    return _section("turnover", "Turnover", summary, [turnover, by_band])


def _method_section(k: int, v: _PeriodView) -> dict:
    text = [
        (f"To protect the people who answered, no figure in this report describes fewer than {k} people. "
        f"A count from 1 to {k - 1} is shown as \u201cfewer than {k}\u201d; a count of 0 is shown as 0."),
        ("Where a hidden count could be worked out by subtracting the other figures in a table from its "
        "total, or from another table in this report, one or more further counts are also hidden and "
        "shown as \u201cwithheld\u201d."),
        ("A percentage is shown only when both the number of people and the group it is a share of are "
        f"shown and at least {k}."),
        (f"Groups (for example a length-of-service band) with fewer than {k} people are merged into "
        "\u201cOther (merged)\u201d before themes are broken down by them."),
        ("Figures for longer periods (rolling 12 months, a financial year) are shown only when the "
        "figures for each quarter in them were shown; otherwise they read \u201cnot shown\u201d. "
        "This stops a quarter's hidden figure being worked out by comparing reports."),
        ("Equality monitoring is shown only for whole financial years, never for a single quarter or an "
        "overlapping 12 months. "
        f"Quotes are shown only for themes at least {k} people cited, after HR has removed names and "
        "other identifying details and approved them."),
        ("A leaver can cite several themes, by ticking them or in their own words, so theme shares add up "
        "to more than 100%. Turnover uses exit records as leavers unless HR leaver counts are loaded."),
    ]
    return _section("method", "How these figures are produced", text[0], [], paragraphs=text)
