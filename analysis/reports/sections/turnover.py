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
from analysis.reports.translation import N_

HR_RECORDS, EXIT_RECORDS = N_("HR leaver records"), N_("exit records")


def section(inputs: ReportInputs, f: PublishedFigures, v: PeriodView, cache: PeriodCache) -> dict:
    """The ``turnover`` section: the turnover table and leaver rates by length of service."""
    w = inputs.words
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
                return suppress_small_count(int(sum(values)), inputs.k), HR_RECORDS
        return f.get(c.k_respondents(period.label)), EXIT_RECORDS

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
    if source == HR_RECORDS and is_shown(leavers_now) and is_shown(responses) and int(leavers_now) > 0:
        response_rate = round(100.0 * int(responses) / int(leavers_now), 1)

    def plain(x: float | None) -> object:
        return "not available" if x is None else (int(x) if float(x).is_integer() else x)

    period, rolling_words = w.period(v.label), w.period(rolling.label)
    rows = [
        ("staff_in_post", w.gettext("Staff in post at the end of {quarter}", quarter=w.period(q.label)),
         [plain(headcount)], "count"),
        ("leavers", w.gettext("Leavers in {period} ({source})", period=period, source=w.gettext(source)),
         [leavers_now], "count"),
        ("response_rate", w.gettext("Response rate (exit responses per leaver)"), [response_rate], "percent"),
        ("average_headcount", w.gettext("Average headcount over {period}", period=period), [plain(avg_now)], "count"),
        ("cipd_rate", w.gettext("Turnover rate (CIPD) for {period}", period=period), [_rate(leavers_now, avg_now)],
         "percent"),
        ("leavers_12", w.gettext("Leavers in the 12 months {rolling} ({source})", rolling=rolling_words,
                                 source=w.gettext(source_12)), [leavers_12], "count"),
        ("cipd_rate_12", w.gettext("Turnover rate (CIPD), rolling 12 months"), [_rate(leavers_12, avg_12)], "percent"),
        ("dfe_rate", w.gettext("Turnover rate (DfE), year to 30 September ({quarter})",
                               quarter=w.period(census_q.label)),
         [_rate(census_leavers, census_staff)], "percent"),
        ("vacancy_rate", w.gettext("Vacancy rate"),
         [plain(None) if vacancies is None or headcount is None
          else round(100 * vacancies / (vacancies + headcount), 1)],
         "percent"),
        ("agency_rate", w.gettext("Agency worker rate"),
         [plain(None) if agency is None or headcount is None else round(100 * agency / (agency + headcount), 1)],
         "percent"),
    ]
    turnover = table("turnover", w.gettext("Turnover, vacancies and agency staff"), w.gettext("Measure"),
                     [("value", w.gettext("Value"), "mixed")], [(r[0], r[1].strip(), r[2]) for r in rows],
                     note=w.gettext("CIPD rate: leavers in the period divided by the average headcount over it. "
                                    "DfE rate: leavers in the year to 30 September divided by staff in post on "
                                    "30 September. Vacancy and agency rates are shares of posts (staff in post plus "
                                    "vacancies, or plus agency workers) at the end of the quarter."))
    band_rows = []
    for band, label in LENGTH_OF_SERVICE.items():
        leavers_b = f.get(c.k_dim(rolling.label, "length_of_service", band))
        avg_b = average_headcount(hc, rolling_quarters, band)
        band_rows.append((band, w.gettext(label), [leavers_b, plain(avg_b), _rate(leavers_b, avg_b)]))
    by_band = table("leaver_rate_by_band", w.gettext("Leaver rates by length of service, {rolling}",
                                                     rolling=rolling_words),
                    w.gettext("Length of service"),
                    [("leavers", w.gettext("Leavers (exit records)"), "count"),
                     ("headcount", w.gettext("Average headcount"), "count"),
                     ("rate", w.gettext("Leaver rate"), "percent")], band_rows)
    cipd = rows[4][2][0]
    if is_shown(cipd):
        summary = w.gettext("The turnover rate (CIPD) for {period} was {rate}.", period=period,
                            rate=fmt_pct(float(cipd)))
    elif hc.empty:
        summary = w.gettext("No headcounts were loaded, so turnover rates cannot be worked out.")
    else:
        summary = None
    for r in turnover["rows"]:
        unit = next(x[3] for x in rows if x[0] == r["id"])
        r["unit"] = unit
    return make_section("turnover", w.gettext("Turnover"), summary, [turnover, by_band], words=w)


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
