"""What every report is built from, and the shape of one section.

- :class:`ReportInputs` and :func:`prepare_inputs`: the frames prepared once, with the threshold k
  checked and, for a report, only the eight quarters it can show read (:func:`report_window`).
- :class:`PeriodCache`: each quarter's and each run of quarters' counts, decided once per build
  (:mod:`analysis.reports.counts`). A period published before keeps the figures it was published
  with, so two versions of one quarter can never be subtracted.
- :class:`PeriodView`: the periods one report compares and the words it uses for them.
- :func:`make_section`: a section as the report's JSON holds it.

The report sections themselves are in :mod:`analysis.reports.sections`, one module each.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from analysis.disclosure import History, Published, Relation, check_threshold
from analysis.periods import Quarter
from analysis.reports import counts as c
from analysis.reports.labels import humanise
from analysis.reports.translation import ReportWords

REPORT_SCHEMA_VERSION = 1


def without_gc_pauses(build: Callable[..., dict]) -> Callable[..., dict]:
    """Run a report builder with Python's cyclic garbage collector paused.

    A build allocates hundreds of thousands of small objects and keeps most of them until it
    returns, so the collector would scan the growing heap again and again for cycles it cannot
    free (about a sixth of a draft's time, more in a web process with a large heap). It is
    switched back on as the build returns, however it returns, and collects then as usual."""
    @functools.wraps(build)
    def wrapper(*args, **kwargs) -> dict:
        if not gc.isenabled():
            return build(*args, **kwargs)
        gc.disable()
        try:
            return build(*args, **kwargs)
        finally:
            gc.enable()

    return wrapper


@dataclass
class ReportInputs:
    """Everything a report is built from, prepared once."""

    prepared: c.Prepared
    theme_labels: dict[str, str]
    k: int
    published: Mapping[str, Published] = field(default_factory=dict)  # figures published before
    statements: Sequence[Relation] = ()  # comparisons published before (see newer_or_longer)
    history: History | None = None  # figures and relations of reports published before
    words: ReportWords = field(default_factory=ReportWords)  # the edition's language


class PeriodCache:
    """Counts per quarter and per run of quarters, each decided once per build."""

    def __init__(self, inputs: ReportInputs) -> None:
        self.inputs = inputs
        self.quarters: dict[str, c.PeriodCounts] = {}
        self.spans: dict[str, c.PeriodCounts] = {}
        self._published_by_period: dict[str, dict[str, Published]] | None = None

    def _published_for(self, label: str) -> dict[str, Published]:
        """The figures published before for the period ``label`` (their keys begin ``label|``),
        grouped by period once per build: with ten years of reports published there are tens of
        thousands, which every period looked up would otherwise scan again."""
        if self._published_by_period is None:
            grouped: dict[str, dict[str, Published]] = {}
            for key, value in self.inputs.published.items():
                period, bar, _ = key.partition("|")
                if bar:
                    grouped.setdefault(period, {})[key] = value
            self._published_by_period = grouped
        return self._published_by_period.get(label, {})

    def quarter(self, q: Quarter) -> c.PeriodCounts:
        if q.label not in self.quarters:
            self.quarters[q.label] = self._freeze(c.count_quarter(
                self.inputs.prepared, q, list(self.inputs.theme_labels), self.inputs.k
            ))
        return self.quarters[q.label]

    def _freeze(self, period: c.PeriodCounts) -> c.PeriodCounts:
        """A period published before keeps the figures it was published with."""
        earlier = self._published_for(period.label)
        if earlier:
            period.frozen = dict(earlier)
        return period

    def span(self, quarters: Sequence[Quarter]) -> c.PeriodCounts:
        label = c.span_label(quarters)
        if label not in self.spans:
            for q in quarters:
                self.quarter(q)
            # A span published before keeps its figures (``_freeze``): nothing is decided for it.
            decided = not self._published_for(label)
            self.spans[label] = self._freeze(c.count_span(
                self.inputs.prepared, quarters, self.quarters, list(self.inputs.theme_labels), self.inputs.k,
                self.inputs.history if decided else None,
            ))
        return self.spans[label]

    def all_periods(self) -> list[c.PeriodCounts]:
        return [*self.quarters.values(), *self.spans.values()]

    @classmethod
    def shared(cls, shared: dict | None, report: tuple, inputs: ReportInputs) -> PeriodCache:
        """The counts of ``report`` (its kind and period) for a build in ``inputs``' language.

        ``shared`` is a dict the caller keeps between builds of the same report in different
        languages: the first build counts and decides every figure, the next ones take those
        counts with their own words, since the figures are the same in every language (a Welsh
        edition then costs its words, not a second audit). None: counts of this build alone."""
        if shared is None:
            return cls(inputs)
        found = shared.setdefault("counts", {}).get(report)
        if found is None:
            if shared["counts"]:
                raise ValueError("a shared cache holds the counts of one report only")
            found = shared["counts"][report] = cls(inputs)
        found.inputs = inputs
        return found


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
    published_relations: Sequence[Relation | Mapping] | History = (),
    language: str = "en",
) -> ReportInputs:
    """Check parameters and prepare the frames; with ``last_quarter``, only the eight quarters
    ending with it are read (every table of every report lies within them). ``published``
    holds figures of earlier published reports by key: a period among them keeps them.
    ``published_relations``: the relations those reports gave their readers
    (:func:`analysis.reports.common.published_relations`), or a :class:`History` already made of
    them and ``published`` (one kept for many drafts); figures decided here are chosen so
    that, with them, no hidden figure of those reports can be worked out either. ``language``
    is the edition's (``"en"`` or ``"cy"``): it changes words, never figures."""
    check_threshold(k)
    words = ReportWords(language)
    window = report_window(last_quarter) if last_quarter is not None else None
    if isinstance(published_relations, History):
        history = published_relations if published_relations.relations else None
    else:
        history = History(published or {}, published_relations) if published_relations else None
    return ReportInputs(c.prepare(responses, comments, theme_assignments, headcounts, window),
                        dict(theme_labels), k, dict(published or {}), tuple(statements), history, words)


@dataclass
class PeriodView:
    """The periods one report reads, and the words it uses for them.

    ``previous`` is the period before (``previous_words``: "last quarter" or "last year");
    ``last_year`` the same quarter a year before and ``rolling_before`` the 12 months before
    ``rolling`` (quarterly only); ``equality`` the last whole financial year; ``trend`` the
    eight quarters to ``last_quarter``."""

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


def make_section(section_id: str, title: str, summary: str | None, tables: Sequence[dict] = (),
                 *, words: ReportWords, **extra) -> dict:
    """A section of the report's JSON; with no ``summary``, a sentence saying the figures are
    withheld. ``extra`` adds keys such as ``paragraphs``, ``charts``, ``quotes``."""
    no_summary = words.gettext("The figures needed for a comparison are withheld to protect individuals.")
    if "charts" in extra:
        extra["charts"] = drawable(extra["charts"])
    return {"id": section_id, "title": title, "summary": summary or no_summary,
            "tables": list(tables), **extra}


def drawable(charts: Sequence[dict]) -> list[dict]:
    """``charts`` without what would draw nothing: a series whose every point is withheld, a
    stacked bar series of zeros (bars of no height, named in the legend), and a chart left with
    no series or with nothing above zero. An empty chart says nothing the table beside it does
    not, and a legend naming lines that are not there misleads."""
    def points(series: dict) -> list[float]:
        return [float(v) for v in series["values"] if v is not None]

    kept = []
    for chart in charts:
        stacked = chart["type"] == "stacked_bar"
        series = [s for s in chart["series"] if points(s) and (not stacked or any(points(s)))]
        if any(any(points(s)) for s in series):
            kept.append({**chart, "series": series})
    return kept


def theme_label(inputs: ReportInputs, theme_id: str) -> str:
    """The words printed for a theme: HR's label, else "Unnamed theme N (awaiting HR's review)"
    for an emerging theme, else the id in words."""
    if theme_id in inputs.theme_labels:
        return inputs.theme_labels[theme_id]
    if theme_id.startswith(c.EMERGING_PREFIX):
        return inputs.words.gettext("Unnamed theme {number} (awaiting HR's review)",
                                    number=theme_id.split(":", 1)[1])
    return humanise(theme_id, inputs.words)


def theme_ids(inputs: ReportInputs, period: c.PeriodCounts) -> list[str]:
    """The themes counted in ``period``, in the order its counts hold them."""
    return [t for t in period.themes]


def timestamp(generated_at: dt.datetime | str | None) -> str:
    """``generated_at`` as an ISO 8601 string; None means now (UTC, whole seconds)."""
    if generated_at is None:
        return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    return generated_at if isinstance(generated_at, str) else generated_at.isoformat()
