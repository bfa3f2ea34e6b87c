"""How leavers, and staff in staff surveys, rated each employer-standard area.

What it shows: for each area, how many rated it at each of five levels, how many did not answer,
and the net agreement (the percentage rating good or very good minus the percentage rating poor
or very poor, among those who answered), for exit responses (``ratings``) and for each staff
survey that closed in the period (``staff_survey``, left out when there was none).

What it guarantees: every count is read through :class:`~analysis.reports.common.PublishedFigures`.
Net agreement is worked out only when all five level counts are published and at least k people
answered; otherwise it reads "withheld".
"""

from __future__ import annotations

from collections.abc import Sequence

from analysis.disclosure import WITHHELD, is_shown
from analysis.reports import counts as c
from analysis.reports.base import PeriodView, ReportInputs, make_section
from analysis.reports.common import PublishedFigures, table
from analysis.reports.labels import RATING_AREAS, RATING_LEVELS, humanise
from analysis.reports.translation import ReportWords


def section(f: PublishedFigures, v: PeriodView, inputs: ReportInputs) -> dict:
    """The ``ratings`` section: leavers' ratings of each area, with net agreement."""
    w = inputs.words
    p = v.current.label
    rows, nets = _rating_rows(f, p, inputs.prepared.rating_areas, "exit", inputs.k, w)
    shown = {a: x for a, x in nets.items() if is_shown(x)}
    summary = None
    if shown:
        worst = min(shown, key=lambda a: (shown[a], a))
        best = max(shown, key=lambda a: (shown[a], a))
        summary = w.gettext("{worst} had the lowest net agreement ({worst_net}) and {best} the highest ({best_net}).",
                            worst=_area(worst, w), worst_net=f"{shown[worst]:+.0f}",
                            best=_area(best, w).lower(), best_net=f"{shown[best]:+.0f}")
    return make_section("ratings", w.gettext("Ratings by employer-standard area"), summary,
                        [table("ratings", w.gettext("How leavers rated each area"), w.gettext("Area"),
                               _rating_columns(w), rows,
                               note=w.gettext("Net agreement is the percentage rating good or very good minus "
                                              "the percentage rating poor or very poor, among those who answered."))],
                        words=w)


def _area(area: str, w: ReportWords) -> str:
    return w.gettext(RATING_AREAS[area]) if area in RATING_AREAS else humanise(area, w)


def staff_survey_section(f: PublishedFigures, v: PeriodView, w: ReportWords) -> dict | None:
    """The ``staff_survey`` section: one ratings table per staff survey closed in the period (each
    quarter of the year in an annual report); None when there was none."""
    periods = v.trend[-4:] if v.kind == "annual" else [v.current]
    tables = []
    for period in periods:
        if not period.survey_areas:
            continue
        p = period.label
        n = f.get(c.k_survey_respondents(p))
        rows, _ = _rating_rows(f, p, period.survey_areas, "staff_survey", f.k, w)
        tables.append(table(f"staff_survey_{p}",
                            w.gettext("Staff survey closed in {period} ({n} responses)", period=w.period(p),
                                      n=w.marker(n)),
                            w.gettext("Area"), _rating_columns(w), rows))
    if not tables:
        return None
    return make_section("staff_survey", w.gettext("Staff survey"),
                        w.ngettext("{n} staff survey(s) closed in the period.",
                                   "{n} staff survey(s) closed in the period.", len(tables)), tables, words=w)


def _rating_rows(f: PublishedFigures, p: str, areas: Sequence[str], population: str, k: int, w: ReportWords):
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
        rows.append((area, _area(area, w), [*cells, net]))
    return rows, nets


def _rating_columns(w: ReportWords):
    return [(lv, w.gettext(label), "count") for lv, label in RATING_LEVELS.items()] + [
        ("net", w.gettext("Net agreement"), "points")]
