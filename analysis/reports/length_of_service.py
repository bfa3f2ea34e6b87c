"""The length-of-service report: are we losing newer or longer-serving staff?

What comes in: the frames, theme labels, the last quarter and parameters. What goes out: a
JSON-able dict with leavers by service band over eight quarters, the share leaving within one
and within two years, reasons by band over the rolling 12 months, and one sentence answering
the question, by leaver rates where headcounts per band exist, else by shares of leavers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import pandas as pd

from analysis.disclosure import DEFAULT_K, WITHHELD, History, Published, Relation, is_shown, share
from analysis.periods import Quarter
from analysis.reports import counts as c
from analysis.reports.base import (
    REPORT_SCHEMA_VERSION,
    PeriodCache,
    make_section,
    prepare_inputs,
    theme_label,
    timestamp,
    without_gc_pauses,
)
from analysis.reports.common import SEVERAL_THEMES, PublishedFigures, fmt_pct, ranked, table
from analysis.reports.labels import LENGTH_OF_SERVICE, MERGED_OTHER, category_label
from analysis.reports.sections import method, turnover
from analysis.reports.translation import ReportWords

NEWER = ("under_1", "1_to_2")
LONGER = ("2_to_5", "5_to_10", "10_plus")
DIM = "length_of_service"


def _sum_shown(values: list) -> int | str:
    return sum(int(x) for x in values) if all(is_shown(x) for x in values) else WITHHELD


@without_gc_pauses
def build_length_of_service_report(
    responses: pd.DataFrame,
    comments: pd.DataFrame,
    theme_assignments: pd.DataFrame,
    headcounts: pd.DataFrame | None,
    *,
    quarter: str | Quarter,
    theme_labels: Mapping[str, str],
    k: int = DEFAULT_K,
    generated_at: dt.datetime | str | None = None,
    model_version: str | None = None,
    published: Mapping[str, Published] | None = None,
    published_relations: Sequence[Relation | Mapping] | History = (),
    language: str = "en",
    shared: dict | None = None,
) -> dict:
    """Build the length-of-service report for the eight quarters ending with ``quarter``;
    ``published``, ``published_relations``, ``language`` and ``shared`` as for
    :func:`~analysis.reports.build_quarterly_report`."""
    q = quarter if isinstance(quarter, Quarter) else Quarter.parse(quarter)
    inputs = prepare_inputs(responses, comments, theme_assignments, headcounts, theme_labels, k, q, published,
                            published_relations=published_relations, language=language)
    w = inputs.words
    cache = PeriodCache.shared(shared, ("length_of_service", q.label), inputs)
    quarters = q.last_n(8)
    for x in quarters:  # every quarter decided first, oldest first, as the tables list them
        cache.quarter(x)
    rolling = cache.span(q.last_n(4))
    f = PublishedFigures(cache.all_periods(), k)
    bands = list(LENGTH_OF_SERVICE) + [c.NOT_STATED]

    # Leavers by band, eight quarters.
    rows = []
    for band in bands:
        rows.append((band, category_label(DIM, band, w), [f.get(c.k_dim(x.label, DIM, band)) for x in quarters]))
    totals = [f.get(c.k_respondents(x.label)) for x in quarters]
    rows.append(("total", w.gettext("All leavers"), totals))
    within_1 = [share(f.get(c.k_dim(x.label, DIM, "under_1")), n, k) for x, n in zip(quarters, totals, strict=True)]
    within_2 = [share(_sum_shown([f.get(c.k_dim(x.label, DIM, b)) for b in NEWER]), n, k)
                for x, n in zip(quarters, totals, strict=True)]
    by_band = table("leavers_by_band", w.gettext("Leavers by length of service, last eight quarters"),
                    w.gettext("Length of service"), [(x.label, w.period(x.label), "count") for x in quarters], rows)
    shares_table = table("leaving_early", w.gettext("Share of leavers who leave within one and within two years"),
                         w.gettext("Measure"), [(x.label, w.period(x.label), "percent") for x in quarters],
                         [("within_1", w.gettext("Within one year"), within_1),
                          ("within_2", w.gettext("Within two years"), within_2)])
    chart = {"id": "leavers_by_band_chart", "type": "stacked_bar", "title": w.gettext("Leavers by length of service"),
             "x_labels": [w.period(x.label) for x in quarters], "y_label": w.gettext("Leavers"),
             "series": [{"id": r[0], "label": r[1], "values": [v if is_shown(v) else None for v in r[2]]}
                        for r in rows[:-1]], "table_id": "leavers_by_band"}

    # Rolling 12 months: shares and rates per band.
    r = rolling.label
    n12 = f.get(c.k_respondents(r))
    band_12 = {b: f.get(c.k_dim(r, DIM, b)) for b in bands}
    hc = inputs.prepared.headcounts
    avg = {b: turnover.average_headcount(hc, q.last_n(4), b) for b in LENGTH_OF_SERVICE}
    rate_rows = []
    for b in LENGTH_OF_SERVICE:
        rate: float | str = "not available"
        if avg[b]:
            rate = round(100 * int(band_12[b]) / avg[b], 1) if is_shown(band_12[b]) else WITHHELD
        rate_rows.append((b, w.gettext(LENGTH_OF_SERVICE[b]), [band_12[b], share(band_12[b], n12, k), rate]))
    rolling_table = table("band_rolling_12", w.gettext("Leavers by length of service, {rolling}", rolling=w.period(r)),
                          w.gettext("Length of service"),
                          [("leavers", w.gettext("Leavers"), "count"),
                           ("share", w.gettext("Share of leavers"), "percent"),
                           ("rate", w.gettext("Leaver rate (per 100 staff in the band)"), "percent")], rate_rows)
    answer = _answer(band_12, n12, avg, k, w.period(r), w)

    # Reasons by band, rolling 12 months (merged columns as decided for the period).
    columns = rolling.columns.get(DIM, {})
    cols = [col for col in columns if col != c.NOT_STATED] + ([c.NOT_STATED] if c.NOT_STATED in columns else [])
    col_defs = [(col, w.gettext("Other (merged)") if columns[col] != [col] and col == MERGED_OTHER
                 else category_label(DIM, col, w), "count") for col in cols]
    respondents = [f.get(c.k_dim(r, DIM, col) if columns[col] == [col] else c.k_col(r, DIM, col, columns[col]))
                   for col in cols]
    order = {t: i for i, t in enumerate(inputs.theme_labels)}
    ids = ranked([(t, f.get(c.k_theme(r, t))) for t in rolling.themes], order)
    reason_rows = [("respondents", w.gettext("People in this group"), respondents)] + [
        (t, theme_label(inputs, t), [f.get(c.k_theme_by(r, DIM, t, col, columns[col])) for col in cols]) for t in ids]
    reasons = table("reasons_by_band", w.gettext("Themes cited by length of service, {rolling}", rolling=w.period(r)),
                    w.gettext("Theme"), col_defs, reason_rows,
                    note=w.gettext(SEVERAL_THEMES))
    reason_summary = None
    if cols and is_shown(respondents[0]):
        top = max(((row[2][0], row[1]) for row in reason_rows[1:] if is_shown(row[2][0])),
                  key=lambda x: int(x[0]), default=None)
        if top and int(top[0]) >= k:
            reason_summary = w.gettext(
                "Among leavers with {band} of service, the most cited theme was {theme} ({share}).",
                band=col_defs[0][1].lower(), theme=top[1],
                share=fmt_pct(float(share(top[0], respondents[0], k)))) \
                if is_shown(share(top[0], respondents[0], k)) else None

    last_within_2 = within_2[-1]
    trend_summary = (w.gettext("{share} of leavers in {quarter} left within two years of joining.",
                               share=fmt_pct(float(last_within_2)), quarter=w.period(q.label))
                     if is_shown(last_within_2) else None)
    sections = [
        make_section("answer", w.gettext("Is turnover in newer or longer-serving staff?"), answer, [rolling_table],
                     words=w),
        make_section("leavers_by_band", w.gettext("Leavers by length of service"), trend_summary,
                     [by_band, shares_table], charts=[chart], words=w),
        make_section("reasons_by_band", w.gettext("Reasons by length of service"), reason_summary, [reasons], words=w),
        method.section(k, w),
    ]
    for period in cache.all_periods():
        f.add(period)
    parameters = {"k": k, "period": q.label, "quarters": [x.label for x in quarters],
                  "rolling_12_months": r, "generated_at": timestamp(generated_at),
                  "model_version": model_version}
    if w.language != "en":  # an English report's JSON stays as it was before editions existed
        parameters["language"] = w.language
    return {
        "schema_version": REPORT_SCHEMA_VERSION,
        "report": "length_of_service",
        "title": w.gettext("Length of service of leavers: eight quarters to {quarter}", quarter=w.period(q.label)),
        "period": q.label,
        "parameters": parameters,
        "sections": sections,
        "disclosure": {"k": k, "audit": f.audit_data()},
    }


def _answer(band_12: dict, n12, avg: dict, k: int, period: str, w: ReportWords) -> str:
    """One sentence, from published figures only, saying which group leaves more (``period``
    is already in words)."""
    newer = _sum_shown([band_12[b] for b in NEWER])
    longer = _sum_shown([band_12[b] for b in LONGER])
    if all(avg[b] for b in LENGTH_OF_SERVICE) and is_shown(newer) and is_shown(longer):
        hc_new = sum(avg[b] for b in NEWER)
        hc_long = sum(avg[b] for b in LONGER)
        rate_new, rate_long = 100 * int(newer) / hc_new, 100 * int(longer) / hc_long
        values = {"period": period, "newer": fmt_pct(round(rate_new, 1)), "longer": fmt_pct(round(rate_long, 1))}
        if rate_new > rate_long:
            return w.gettext("Turnover is higher among newer staff: over {period}, {newer} of staff with under two "
                             "years' service left, against {longer} of those with two years or more (by leaver rates "
                             "against average headcount in each band).", **values)
        return w.gettext("Turnover is higher among longer-serving staff: over {period}, {newer} of staff with under "
                         "two years' service left, against {longer} of those with two years or more (by leaver rates "
                         "against average headcount in each band).", **values)
    new_share = share(newer, n12, k)
    why = (w.gettext("headcounts by length of service are not loaded") if not all(avg[b] for b in LENGTH_OF_SERVICE)
           else w.gettext("some band counts are withheld, so rates cannot be compared"))
    if is_shown(new_share):
        if float(new_share) > 50:
            return w.gettext("Most leavers over {period} were newer staff: {share} had under two years' service "
                             "(by share of leavers; {why}).", period=period, share=fmt_pct(float(new_share)), why=why)
        return w.gettext("Most leavers over {period} were longer-serving staff: {share} had two years' service or "
                         "more (by share of leavers; {why}).", period=period,
                         share=fmt_pct(round(100 - float(new_share), 1)), why=why)
    return w.gettext("The figures needed to answer this are withheld to protect individuals.")
