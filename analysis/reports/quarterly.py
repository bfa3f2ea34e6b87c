"""The quarterly theme report and the annual report (the same content over a financial year).

What comes in: the four frames of ``docs/analysis-frames.md``, the theme labels
(``{theme_id: label}``, the taxonomy's fixed ids in their order), the period and parameters.
What goes out: a JSON-able ``dict``, the same data the HTML shows, in which every count has
passed through :mod:`analysis.disclosure`.

This module holds the two builders and the list of sections in report order (:func:`_build`);
each section is built by its own module in :mod:`analysis.reports.sections`, from the pieces
shared in :mod:`analysis.reports.base`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import pandas as pd

from analysis.disclosure import DEFAULT_K, History, Published, Relation
from analysis.periods import FinancialYear, Quarter, last_complete_year
from analysis.reports.base import (
    REPORT_SCHEMA_VERSION,
    PeriodCache,
    PeriodView,
    ReportInputs,
    prepare_inputs,
    report_window,
    timestamp,
    without_gc_pauses,
)
from analysis.reports.common import PublishedFigures
from analysis.reports.sections import (
    answers,
    breakdowns,
    equality,
    exit_responses,
    glance,
    method,
    ratings,
    themes,
    turnover,
    you_said_we_did,
)

# report_window lives in analysis.reports.base; the app and its tests import it from here.
__all__ = ["build_annual_report", "build_quarterly_report", "report_window"]


@without_gc_pauses
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
    published_relations: Sequence[Relation | Mapping] | History = (),
    language: str = "en",
    shared: dict | None = None,
) -> dict:
    """Build the quarterly theme report for ``quarter`` (a label like ``"2025/26 Q1"``).

    ``quotes`` are ``{"theme_id", "text"}`` dicts already scrubbed and approved by HR; a quote
    is shown only when at least k people cited its theme this quarter. Returns the report as
    a JSON-able dict (see ``docs/reports.md``). ``published``: figures of reports published
    before, by key; the periods they cover keep those figures. ``statements``: the comparisons
    those reports stated (:func:`analysis.reports.common.published_statements`).
    ``published_relations``: every relation those reports gave their readers
    (:func:`analysis.reports.common.published_relations`), or a ``History`` made of them, so
    that nothing decided here, added to what they printed, gives away a figure they hid.
    ``language``: ``"en"`` or ``"cy"``, the edition's words (``theme_labels`` in that language too, see
    :func:`analysis.reports.translation.theme_labels_in`); the figures are the same in both.
    ``shared``: a dict kept between the builds of this report's editions, so that its figures are
    counted and decided once (see :meth:`~analysis.reports.base.PeriodCache.shared`).
    """
    q = quarter if isinstance(quarter, Quarter) else Quarter.parse(quarter)
    inputs = prepare_inputs(responses, comments, theme_assignments, headcounts, theme_labels, k, q, published,
                            statements, published_relations, language)
    w = inputs.words
    cache = PeriodCache.shared(shared, ("quarterly", q.label), inputs)
    current = cache.quarter(q)
    view = PeriodView(
        kind="quarterly",
        label=q.label,
        current=current,
        previous=cache.quarter(q.previous()),
        previous_words=w.gettext("last quarter"),
        last_year=cache.quarter(q.same_quarter_last_year()),
        rolling=cache.span(q.last_n(4)),
        rolling_before=cache.span(q.shift(-4).last_n(4)),
        equality=cache.span(last_complete_year(q).quarters()),
        trend=[cache.quarter(x) for x in q.last_n(8)],
        now_words=w.gettext("this quarter"),
        last_quarter=q,
    )
    return _build(inputs, cache, view, quotes, actions, generated_at, model_version)


@without_gc_pauses
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
    published_relations: Sequence[Relation | Mapping] | History = (),
    language: str = "en",
    shared: dict | None = None,
) -> dict:
    """Build the annual report for a financial year (``"2025/26"``): the quarterly content
    over the whole year, compared with the year before. Its figures are sums of the
    year's quarters, published only where every quarter's figure was (see
    ``docs/disclosure.md``). ``published``, ``statements``, ``published_relations``,
    ``language`` and ``shared`` as for :func:`build_quarterly_report`."""
    fy = year if isinstance(year, FinancialYear) else FinancialYear.parse(year)
    inputs = prepare_inputs(responses, comments, theme_assignments, headcounts, theme_labels, k,
                            fy.quarters()[-1], published, statements, published_relations, language)
    w = inputs.words
    cache = PeriodCache.shared(shared, ("annual", fy.label), inputs)
    quarters = fy.quarters()
    current = cache.span(quarters)
    view = PeriodView(
        kind="annual",
        label=fy.label,
        current=current,
        previous=cache.span(fy.previous().quarters()),
        previous_words=w.gettext("last year"),
        last_year=None,
        rolling=current,
        rolling_before=None,
        equality=current,
        trend=[cache.quarter(x) for x in quarters[-1].last_n(8)],
        now_words=w.gettext("this year"),
        last_quarter=quarters[-1],
    )
    return _build(inputs, cache, view, quotes, actions, generated_at, model_version)


def _build(inputs: ReportInputs, cache: PeriodCache, view: PeriodView,
           quotes: Sequence[Mapping[str, str]], actions: Sequence[Mapping[str, str]],
           generated_at, model_version) -> dict:
    figures = PublishedFigures(cache.all_periods(), inputs.k)
    # "You said, we did" is built first: "At a glance" ends with its summary.
    done = you_said_we_did.section(inputs, figures, view, actions)
    sections = [
        glance.section(inputs, figures, view, done),
        done,
        exit_responses.section(inputs, figures, view),
        themes.section(inputs, figures, view),
        themes.trend_section(inputs, figures, view),
        answers.section(inputs, figures, view),
        *breakdowns.theme_sections(inputs, figures, view),
        breakdowns.destinations_section(inputs, figures, view),
        ratings.section(figures, view, inputs),
        themes.emerging_section(inputs, figures, view),
        themes.quotes_section(inputs, figures, view, quotes),
        answers.focus_groups_section(inputs, figures, view),
        ratings.staff_survey_section(figures, view, inputs.words),
        equality.section(figures, view, inputs),
        turnover.section(inputs, figures, view, cache),
        method.section(inputs.k, inputs.words),
    ]
    # Late-registered periods (spans built by sections) join the audit record.
    for period in cache.all_periods():
        figures.add(period)
    w = inputs.words
    title = (w.gettext("Why children's social workers leave: quarter {period}", period=w.period(view.label))
             if view.kind == "quarterly" else
             w.gettext("Why children's social workers leave: financial year {period}", period=view.label))
    parameters = {
        "k": inputs.k,
        "period": view.label,
        "previous_period": view.previous.label,
        "same_quarter_last_year": view.last_year.label if view.last_year else None,
        "rolling_12_months": view.rolling.label,
        "generated_at": timestamp(generated_at),
        "model_version": model_version,
    }
    if w.language != "en":  # an English report's JSON stays as it was before editions existed
        parameters["language"] = w.language
    return {
        "schema_version": REPORT_SCHEMA_VERSION,
        "report": view.kind,
        "title": title,
        "period": view.label,
        "parameters": parameters,
        "sections": [s for s in sections if s is not None],
        "disclosure": {"k": inputs.k, "audit": figures.audit_data()},
    }
