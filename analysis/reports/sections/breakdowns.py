"""Who cited what, and where leavers went: themes by group, and destinations.

What it shows: for each grouping of ``THEME_BREAKDOWNS`` (length of service, years since
qualifying, role, service area, employment type) the people in each group and how many of them
cited each theme (``themes_by_<dimension>``); and leavers' destinations with their shares
(``destinations``).

What it guarantees: every count is read through :class:`~analysis.reports.common.PublishedFigures`
and every share is :func:`analysis.disclosure.share` of two published counts of k or more. The
columns are the groups as the period's counts decided them: groups of fewer than k people are
merged into "Other (merged)" before themes are broken down by them, and the note names them. A
summary names a group's most cited theme only when the group and the count are shown and at
least k.
"""

from __future__ import annotations

from collections.abc import Sequence

from analysis.disclosure import NOT_SHOWN, WITHHELD, is_shown, share
from analysis.reports import counts as c
from analysis.reports.base import PeriodView, ReportInputs, make_section, theme_ids, theme_label
from analysis.reports.common import PublishedFigures, fmt_pct, ranked, table
from analysis.reports.labels import DIMENSIONS, MERGED_OTHER, THEME_BREAKDOWNS, category_label


def theme_sections(inputs: ReportInputs, f: PublishedFigures, v: PeriodView) -> list[dict]:
    """One ``themes_by_<dimension>`` section per grouping: people citing each theme by group."""
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
        ids = ranked([(t, f.get(c.k_theme(p, t))) for t in theme_ids(inputs, v.current)], order)
        rows = [("respondents", "People in this group", respondents)]
        for t in ids:
            cells = [f.get(c.k_theme_by(p, dim, t, col, columns_map[col])) for col in cols]
            rows.append((t, theme_label(inputs, t), cells))
        summary = _breakdown_summary(inputs, rows, col_defs, title)
        merged = [category_label(dim, m) for col in cols for m in columns_map[col]
                  if columns_map[col] != [col]]
        note = "People can cite several themes, so columns do not add up to the group."
        if merged:
            note += f" Groups of fewer than {inputs.k} people are merged into Other: {', '.join(merged)}."
        sections.append(make_section(
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


def destinations_section(f: PublishedFigures, v: PeriodView) -> dict:
    """The ``destinations`` section: where leavers went, counts and shares."""
    p = v.current.label
    cats = v.current.categories.get("destination", [])
    rows = _one_way(f, p, "destination", cats, f.k)
    stated = [r for r in rows if r[0] not in (c.NOT_STATED, "prefer_not_to_say")]
    shown = [r for r in stated if is_shown(r[2][1])]
    summary = None
    if shown:
        best = max(shown, key=lambda r: float(r[2][1]))
        summary = f"The most common destination was {best[1].lower()} ({fmt_pct(float(best[2][1]))} of leavers)."
        # A hidden count of k or more could be larger: then the claim would not be known true.
        if any(r[2][0] in (WITHHELD, NOT_SHOWN) for r in stated):
            summary = (f"Of the destinations shown, the most common was {best[1].lower()} "
                       f"({fmt_pct(float(best[2][1]))} of leavers); others are withheld to protect individuals.")
    return make_section("destinations", "Where leavers went", summary,
                        [table("destinations", "Destinations of leavers", "Destination",
                               [("count", "Leavers", "count"), ("share", "Share", "percent")], rows)])
