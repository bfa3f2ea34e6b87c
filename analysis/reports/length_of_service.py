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

from analysis.disclosure import DEFAULT_K, WITHHELD, Published, Relation, is_shown, share
from analysis.periods import Quarter
from analysis.reports import counts as c
from analysis.reports.base import (
    REPORT_SCHEMA_VERSION,
    PeriodCache,
    PeriodView,
    make_section,
    prepare_inputs,
    theme_label,
    timestamp,
)
from analysis.reports.common import PublishedFigures, fmt_pct, ranked, table
from analysis.reports.labels import LENGTH_OF_SERVICE, MERGED_OTHER, category_label
from analysis.reports.sections import method, turnover

NEWER = ("under_1", "1_to_2")
LONGER = ("2_to_5", "5_to_10", "10_plus")
DIM = "length_of_service"


def _sum_shown(values: list) -> int | str:
    return sum(int(x) for x in values) if all(is_shown(x) for x in values) else WITHHELD


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
    published_relations: Sequence[Relation | Mapping] = (),
) -> dict:
    """Build the length-of-service report for the eight quarters ending with ``quarter``;
    ``published`` and ``published_relations`` as for
    :func:`~analysis.reports.build_quarterly_report`."""
    q = quarter if isinstance(quarter, Quarter) else Quarter.parse(quarter)
    inputs = prepare_inputs(responses, comments, theme_assignments, headcounts, theme_labels, k, q, published,
                            published_relations=published_relations)
    cache = PeriodCache(inputs)
    quarters = q.last_n(8)
    per_q = [cache.quarter(x) for x in quarters]
    rolling = cache.span(q.last_n(4))
    f = PublishedFigures(cache.all_periods(), k)
    bands = list(LENGTH_OF_SERVICE) + [c.NOT_STATED]

    # Leavers by band, eight quarters.
    rows = []
    for band in bands:
        rows.append((band, category_label(DIM, band), [f.get(c.k_dim(x.label, DIM, band)) for x in quarters]))
    totals = [f.get(c.k_respondents(x.label)) for x in quarters]
    rows.append(("total", "All leavers", totals))
    within_1 = [share(f.get(c.k_dim(x.label, DIM, "under_1")), n, k) for x, n in zip(quarters, totals, strict=True)]
    within_2 = [share(_sum_shown([f.get(c.k_dim(x.label, DIM, b)) for b in NEWER]), n, k)
                for x, n in zip(quarters, totals, strict=True)]
    by_band = table("leavers_by_band", "Leavers by length of service, last eight quarters", "Length of service",
                    [(x.label, x.label, "count") for x in quarters], rows)
    shares_table = table("leaving_early", "Share of leavers who leave within one and within two years",
                         "Measure", [(x.label, x.label, "percent") for x in quarters],
                         [("within_1", "Within one year", within_1), ("within_2", "Within two years", within_2)])
    chart = {"id": "leavers_by_band_chart", "type": "stacked_bar", "title": "Leavers by length of service",
             "x_labels": [x.label for x in quarters], "y_label": "Leavers",
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
        rate_rows.append((b, LENGTH_OF_SERVICE[b], [band_12[b], share(band_12[b], n12, k), rate]))
    rolling_table = table("band_rolling_12", f"Leavers by length of service, {r}", "Length of service",
                          [("leavers", "Leavers", "count"), ("share", "Share of leavers", "percent"),
                           ("rate", "Leaver rate (per 100 staff in the band)", "percent")], rate_rows)
    answer = _answer(band_12, n12, avg, k, r)

    # Reasons by band, rolling 12 months (merged columns as decided for the period).
    columns = rolling.columns.get(DIM, {})
    cols = [col for col in columns if col != c.NOT_STATED] + ([c.NOT_STATED] if c.NOT_STATED in columns else [])
    col_defs = [(col, "Other (merged)" if columns[col] != [col] and col == MERGED_OTHER else category_label(DIM, col),
                 "count") for col in cols]
    respondents = [f.get(c.k_dim(r, DIM, col) if columns[col] == [col] else c.k_col(r, DIM, col, columns[col]))
                   for col in cols]
    order = {t: i for i, t in enumerate(inputs.theme_labels)}
    ids = ranked([(t, f.get(c.k_theme(r, t))) for t in rolling.themes], order)
    reason_rows = [("respondents", "People in this group", respondents)] + [
        (t, theme_label(inputs, t), [f.get(c.k_theme_by(r, DIM, t, col, columns[col])) for col in cols]) for t in ids]
    reasons = table("reasons_by_band", f"Themes cited by length of service, {r}", "Theme", col_defs, reason_rows,
                    note="People can cite several themes, so columns do not add up to the group.")
    reason_summary = None
    if cols and is_shown(respondents[0]):
        top = max(((row[2][0], row[1]) for row in reason_rows[1:] if is_shown(row[2][0])),
                  key=lambda x: int(x[0]), default=None)
        if top and int(top[0]) >= k:
            reason_summary = (f"Among leavers with {col_defs[0][1].lower()} of service, the most cited theme "
                              f"was {top[1]} ({fmt_pct(float(share(top[0], respondents[0], k)))}).") \
                if is_shown(share(top[0], respondents[0], k)) else None

    last_within_2 = within_2[-1]
    trend_summary = (f"{fmt_pct(float(last_within_2))} of leavers in {q.label} left within two years of joining."
                     if is_shown(last_within_2) else None)
    view = PeriodView("length_of_service", q.label, per_q[-1], per_q[-2], "last quarter", None, rolling,
                      None, rolling, per_q, "this quarter", q)
    sections = [
        make_section("answer", "Is turnover in newer or longer-serving staff?", answer, [rolling_table]),
        make_section("leavers_by_band", "Leavers by length of service", trend_summary, [by_band, shares_table],
                     charts=[chart]),
        make_section("reasons_by_band", "Reasons by length of service", reason_summary, [reasons]),
        method.section(k, view),
    ]
    for period in cache.all_periods():
        f.add(period)
    return {
        "schema_version": REPORT_SCHEMA_VERSION,
        "report": "length_of_service",
        "title": f"Length of service of leavers: eight quarters to {q.label}",
        "period": q.label,
        "parameters": {"k": k, "period": q.label, "quarters": [x.label for x in quarters],
                       "rolling_12_months": r, "generated_at": timestamp(generated_at),
                       "model_version": model_version},
        "sections": sections,
        "disclosure": {"k": k, "audit": f.audit_data()},
    }


def _answer(band_12: dict, n12, avg: dict, k: int, period: str) -> str:
    """One sentence, from published figures only, saying which group leaves more."""
    newer = _sum_shown([band_12[b] for b in NEWER])
    longer = _sum_shown([band_12[b] for b in LONGER])
    if all(avg[b] for b in LENGTH_OF_SERVICE) and is_shown(newer) and is_shown(longer):
        hc_new = sum(avg[b] for b in NEWER)
        hc_long = sum(avg[b] for b in LONGER)
        rate_new, rate_long = 100 * int(newer) / hc_new, 100 * int(longer) / hc_long
        who = "newer" if rate_new > rate_long else "longer-serving"
        return (f"Turnover is higher among {who} staff: over {period}, {fmt_pct(round(rate_new, 1))} of staff "
                f"with under two years' service left, against {fmt_pct(round(rate_long, 1))} of those with two "
                f"years or more (by leaver rates against average headcount in each band).")
    new_share = share(newer, n12, k)
    why = ("headcounts by length of service are not loaded" if not all(avg[b] for b in LENGTH_OF_SERVICE)
           else "some band counts are withheld, so rates cannot be compared")
    if is_shown(new_share):
        if float(new_share) > 50:
            lead = (f"Most leavers over {period} were newer staff: "
                    f"{fmt_pct(float(new_share))} had under two years' service")
        else:
            lead = (f"Most leavers over {period} were longer-serving staff: "
                    f"{fmt_pct(round(100 - float(new_share), 1))} had two years' service or more")
        return f"{lead} (by share of leavers; {why})."
    return ("The figures needed to answer this are withheld to protect individuals.")
