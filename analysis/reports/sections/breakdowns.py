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
from analysis.reports.common import SEVERAL_THEMES, PublishedFigures, fmt_pct, ranked, table
from analysis.reports.labels import DIMENSIONS, MERGED_OTHER, THEME_BREAKDOWNS, category_label
from analysis.reports.translation import N_, ReportWords


def theme_sections(inputs: ReportInputs, f: PublishedFigures, v: PeriodView) -> list[dict]:
    """One ``themes_by_<dimension>`` section per grouping: people citing each theme by group."""
    w = inputs.words
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
            label = category_label(dim, col, w)
            if members != [col]:
                label = w.gettext("Other (merged)") if col == MERGED_OTHER else label
            col_defs.append((col, label, "count"))
            key = c.k_dim(p, dim, col) if members == [col] else c.k_col(p, dim, col, members)
            respondents.append(f.get(key))
        ids = ranked([(t, f.get(c.k_theme(p, t))) for t in theme_ids(inputs, v.current)], order)
        rows = [("respondents", w.gettext("People in this group"), respondents)]
        for t in ids:
            cells = [f.get(c.k_theme_by(p, dim, t, col, columns_map[col])) for col in cols]
            rows.append((t, theme_label(inputs, t), cells))
        summary = _breakdown_summary(inputs, rows, col_defs, dim)
        merged = [category_label(dim, m, w) for col in cols for m in columns_map[col]
                  if columns_map[col] != [col]]
        note = w.gettext(SEVERAL_THEMES)
        if merged:
            note += " " + w.gettext("Groups of fewer than {k} people are merged into Other: {groups}.",
                                    k=inputs.k, groups=", ".join(merged))
        sections.append(make_section(
            f"themes_by_{dim}", w.gettext(BREAKDOWN_TITLES[dim]), summary,
            [table(f"themes_by_{dim}", w.gettext(BREAKDOWN_TABLE_TITLES[dim]), w.gettext("Theme"),
                   col_defs, rows, note=note, list_zeros=True)],
            words=w,
        ))
    return sections


# Whole titles per grouping (Welsh cannot put a grouping's name into one frame sentence).
BREAKDOWN_TITLES = {
    "length_of_service": N_("Themes by length of service"),
    "post_qualifying_experience": N_("Themes by years since qualifying"),
    "role": N_("Themes by role"),
    "service_area": N_("Themes by service area"),
    "employment_type": N_("Themes by employment type"),
}
BREAKDOWN_TABLE_TITLES = {
    "length_of_service": N_("People citing each theme by length of service"),
    "post_qualifying_experience": N_("People citing each theme by years since qualifying"),
    "role": N_("People citing each theme by role"),
    "service_area": N_("People citing each theme by service area"),
    "employment_type": N_("People citing each theme by employment type"),
}
BREAKDOWN_SUMMARIES = {
    "length_of_service": N_("Among the largest group by length of service ({group}), the most cited theme was "
                            "{theme} ({share})."),
    "post_qualifying_experience": N_("Among the largest group by years since qualifying ({group}), the most cited "
                                     "theme was {theme} ({share})."),
    "role": N_("Among the largest group by role ({group}), the most cited theme was {theme} ({share})."),
    "service_area": N_("Among the largest group by service area ({group}), the most cited theme was "
                       "{theme} ({share})."),
    "employment_type": N_("Among the largest group by employment type ({group}), the most cited theme was "
                          "{theme} ({share})."),
}


def _breakdown_summary(inputs: ReportInputs, rows, col_defs, dim: str) -> str | None:
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
    return inputs.words.gettext(BREAKDOWN_SUMMARIES[dim], group=best[1], theme=best[2],
                                share=fmt_pct(float(best[3])))


def _one_way(f: PublishedFigures, p: str, dim: str, cats: Sequence[str], k: int, w: ReportWords):
    n = f.get(c.k_respondents(p))
    rows = []
    for cat in cats:
        count = f.get(c.k_dim(p, dim, cat))
        rows.append((cat, category_label(dim, cat, w), [count, share(count, n, k)]))
    return rows


def destinations_section(inputs: ReportInputs, f: PublishedFigures, v: PeriodView) -> dict:
    """The ``destinations`` section: where leavers went, counts and shares."""
    w = inputs.words
    p = v.current.label
    cats = v.current.categories.get("destination", [])
    rows = _one_way(f, p, "destination", cats, f.k, w)
    stated = [r for r in rows if r[0] not in (c.NOT_STATED, "prefer_not_to_say")]
    shown = [r for r in stated if is_shown(r[2][1])]
    summary = None
    if shown:
        best = max(shown, key=lambda r: float(r[2][1]))
        values = {"destination": best[1].lower(), "share": fmt_pct(float(best[2][1]))}
        summary = w.gettext("The most common destination was {destination} ({share} of leavers).", **values)
        # A hidden count of k or more could be larger: then the claim would not be known true.
        if any(r[2][0] in (WITHHELD, NOT_SHOWN) for r in stated):
            summary = w.gettext("Of the destinations shown, the most common was {destination} "
                                "({share} of leavers); others are withheld to protect individuals.", **values)
    return make_section("destinations", w.gettext("Where leavers went"), summary,
                        [table("destinations", w.gettext("Destinations of leavers"), w.gettext("Destination"),
                               [("count", w.gettext("Leavers"), "count"), ("share", w.gettext("Share"), "percent")],
                               rows)],
                        words=w)
