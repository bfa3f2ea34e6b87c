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
from analysis.reports.base import PeriodCache, PeriodView, ReportInputs, make_section
from analysis.reports.common import PublishedFigures, table
from analysis.reports.labels import RATING_AREAS, RATING_LEVELS, humanise


def section(f: PublishedFigures, v: PeriodView, inputs: ReportInputs) -> dict:
    """The ``ratings`` section: leavers' ratings of each area, with net agreement."""
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
    return make_section("ratings", "Ratings by employer-standard area", summary,
                        [table("ratings", "How leavers rated each area", "Area", _rating_columns(), rows,
                               note="Net agreement is the percentage rating good or very good minus "
                                    "the percentage rating poor or very poor, among those who answered.")])


def staff_survey_section(f: PublishedFigures, v: PeriodView, cache: PeriodCache) -> dict | None:
    """The ``staff_survey`` section: one ratings table per staff survey closed in the period (each
    quarter of the year in an annual report); None when there was none."""
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
    return make_section("staff_survey", "Staff survey", f"{len(tables)} staff survey(s) closed in the period.", tables)


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
