"""Turnover: leavers against staff in post, vacancies and agency staff.

What it shows: staff in post at the end of the quarter; leavers in the period (HR's leaver count
when loaded for every quarter, else exit records) and the response rate; the turnover rate (CIPD)
for the period and the rolling 12 months; the DfE rate for the year to 30 September; vacancy and
agency rates; and leaver rates by length of service over the rolling 12 months. The definitions
are in ``docs/reports.md``.

What it guarantees: a count of leavers from exit records is read through
:class:`~analysis.reports.common.PublishedFigures`, and HR's leaver count is suppressed below k
(:func:`analysis.disclosure.suppress_small_count`). A rate or response rate is worked out only
from a shown count, else it reads "withheld" or "not available". The year to 30 September is
counted like any run of quarters (``PeriodCache.span``) and joins the report's audit record.
Staff in post, vacancies and agency workers are HR's own totals and are printed as loaded.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis.disclosure import WITHHELD, Published, is_shown, suppress_small_count
from analysis.periods import Quarter, latest_30_september
from analysis.reports import counts as c
from analysis.reports.base import PeriodCache, PeriodView, ReportInputs, make_section
from analysis.reports.common import PublishedFigures, fmt_pct, table
from analysis.reports.labels import LENGTH_OF_SERVICE


def section(inputs: ReportInputs, f: PublishedFigures, v: PeriodView, cache: PeriodCache) -> dict:
    """The ``turnover`` section: the turnover table and leaver rates by length of service."""
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
    avg_now = average_headcount(hc, period_quarters)
    avg_12 = average_headcount(hc, rolling_quarters)
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
        avg_b = average_headcount(hc, rolling_quarters, band)
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
    return make_section("turnover", "Turnover", summary, [turnover, by_band])


def average_headcount(headcounts: pd.DataFrame, quarters: Sequence[Quarter], band: str | None = None) -> float | None:
    """Mean of the staff in post at the end of the quarter before the period and at the end of
    each quarter in it (those loaded)."""
    points = [_value(_headcount_row(headcounts, q, band), "headcount")
              for q in [quarters[0].previous(), *quarters]]
    points = [x for x in points if x is not None]
    return round(sum(points) / len(points), 1) if points else None


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


def _rate(leavers: Published, denominator: float | None) -> float | str:
    if not is_shown(leavers) or denominator is None or denominator <= 0:
        return WITHHELD if not is_shown(leavers) else "not available"
    return round(100.0 * int(leavers) / denominator, 1)
