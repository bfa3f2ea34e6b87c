"""Why people left: the themes ranked, their trend, emerging themes and leavers' own words.

What it shows: the people citing each theme and their share of leavers, against the period before,
the same quarter last year and the rolling 12 months against the 12 before (``themes``); each
theme's share over eight quarters, as a table and a line chart of the top five (``trend``); themes
found in comments outside the taxonomy (``emerging``); and quotes HR approved (``quotes``).

What it guarantees: every count is read through :class:`~analysis.reports.common.PublishedFigures`
and every share is :func:`analysis.disclosure.share` of two published counts of k or more. Themes
are ranked by published counts only, hidden ones last in the taxonomy's order
(:func:`~analysis.reports.common.ranked`), so the order hints at no hidden value. The chart plots
the table's published shares and nothing else. An emerging theme is named only by a label passed
in, else "Unnamed theme N". A quote is shown only for a theme that at least k people cited in the period.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from analysis.disclosure import is_shown, share
from analysis.reports import counts as c
from analysis.reports.base import PeriodView, ReportInputs, make_section, theme_ids, theme_label
from analysis.reports.common import PublishedFigures, change_sentence, fmt_pct, pp_change, ranked, table


def section(inputs: ReportInputs, f: PublishedFigures, v: PeriodView) -> dict:
    """The ``themes`` section: every theme ranked by its published count, with shares and changes."""
    w = inputs.words
    p, prev = v.current.label, v.previous.label
    n = c.k_respondents(p)
    order = {t: i for i, t in enumerate(inputs.theme_labels)}
    ids = ranked([(t, f.get(c.k_theme(p, t))) for t in theme_ids(inputs, v.current)], order)
    columns = [("count", w.gettext("People citing"), "count"), ("share", w.gettext("Share of leavers"), "percent"),
               ("previous", w.gettext("Share {before}", before=v.previous_words), "percent"),
               ("change_previous", w.gettext("Change on {before}", before=v.previous_words), "points")]
    if v.last_year is not None:
        columns += [("last_year", w.gettext("Share same quarter last year"), "percent"),
                    ("change_last_year", w.gettext("Change on same quarter last year"), "points")]
    if v.rolling_before is not None:
        columns += [("rolling", w.gettext("Share over rolling 12 months"), "percent"),
                    ("change_rolling", w.gettext("Change on the 12 months before"), "points")]
    rows, shares = [], {}
    for t in ids:
        now = share(f.get(c.k_theme(p, t)), f.get(n), inputs.k)
        before = share(f.get(c.k_theme(prev, t)), f.get(c.k_respondents(prev)), inputs.k)
        shares[t] = (now, before)
        values: list[object] = [f.get(c.k_theme(p, t)), now, before, pp_change(now, before)]
        if v.last_year is not None:
            ly = v.last_year.label
            last = share(f.get(c.k_theme(ly, t)), f.get(c.k_respondents(ly)), inputs.k)
            values += [last, pp_change(now, last)]
        if v.rolling_before is not None:
            r, rb = v.rolling.label, v.rolling_before.label
            roll = share(f.get(c.k_theme(r, t)), f.get(c.k_respondents(r)), inputs.k)
            roll_b = share(f.get(c.k_theme(rb, t)), f.get(c.k_respondents(rb)), inputs.k)
            values += [roll, pp_change(roll, roll_b)]
        rows.append((t, theme_label(inputs, t), values))
    summary = None
    for t in ids:  # the most cited theme with a published share
        if is_shown(shares[t][0]) and float(shares[t][0]) > 0:
            summary = change_sentence(theme_label(inputs, t), shares[t][0], shares[t][1],
                                      v.previous_words, v.now_words, w)
            break
    return make_section(
        "themes", w.gettext("Why people left: themes"), summary,
        [table("themes_ranked", w.gettext("Themes ranked by share of leavers citing them"), w.gettext("Theme"),
               columns, rows,
               note=w.gettext("A leaver cites a theme by ticking it or by raising it in their own words. "
                              "People can cite several themes, so shares add up to more than 100%."))],
        words=w,
    )


def trend_section(inputs: ReportInputs, f: PublishedFigures, v: PeriodView) -> dict:
    """The ``trend`` section: responses and theme shares over eight quarters, table and chart."""
    w = inputs.words
    quarters = [x.label for x in v.trend]
    order = {t: i for i, t in enumerate(inputs.theme_labels)}
    p = v.trend[-1].label
    top = ranked([(t, f.get(c.k_theme(p, t))) for t in theme_ids(inputs, v.trend[-1])], order)
    rows = [("respondents", w.gettext("Exit responses"), [f.get(c.k_respondents(x)) for x in quarters])]
    series = []
    for t in top:
        values = [share(f.get(c.k_theme(x, t)), f.get(c.k_respondents(x)), inputs.k) for x in quarters]
        rows.append((t, theme_label(inputs, t), values))
    for t in top[:5]:
        values = next(r[2] for r in rows if r[0] == t)
        if any(is_shown(x) for x in values):
            series.append({"id": t, "label": theme_label(inputs, t),
                           "values": [x if is_shown(x) else None for x in values]})
    first_shown = ([(x, val) for x, val in zip(quarters, rows[1][2], strict=True) if is_shown(val)]
                   if len(rows) > 1 else [])
    summary = None
    if len(first_shown) >= 2:
        (q0, s0), (q1, s1) = first_shown[0], first_shown[-1]
        summary = w.gettext("{theme} was cited by {last_share} of leavers in {last}, against {first_share} in {first}.",
                            theme=rows[1][1], last_share=fmt_pct(float(s1)), last=w.period(q1),
                            first_share=fmt_pct(float(s0)), first=w.period(q0))
    tab = table("themes_trend", w.gettext("Share of leavers citing each theme, last eight quarters"),
                w.gettext("Theme"), [(x, w.period(x), "percent") for x in quarters], rows,
                note=w.gettext("The first row is a count of responses; the other rows are percentages."))
    tab["rows"][0]["unit"] = "count"
    chart = {"id": "themes_trend_chart", "type": "line", "title": w.gettext("Top themes over eight quarters"),
             "x_labels": [w.period(x) for x in quarters], "y_label": w.gettext("Share of leavers (%)"),
             "series": series, "table_id": "themes_trend"}
    return make_section("trend", w.gettext("Trend over eight quarters"), summary, [tab], charts=[chart], words=w)


def emerging_section(inputs: ReportInputs, f: PublishedFigures, v: PeriodView) -> dict:
    """The ``emerging`` section: themes found in comments outside the taxonomy."""
    w = inputs.words
    p = v.current.label
    n = f.get(c.k_respondents(p))
    rows = [(t, theme_label(inputs, t), [f.get(c.k_theme(p, t)), share(f.get(c.k_theme(p, t)), n, inputs.k)])
            for t in v.current.emerging]
    shown = [r for r in rows if is_shown(r[2][0]) and int(r[2][0]) > 0]
    if not rows:
        summary = w.gettext("No emerging themes were found in comments this period.")
    elif shown:
        top = max(shown, key=lambda r: int(r[2][0]))
        summary = w.gettext("The largest emerging theme, {theme}, was raised by {n} leavers.", theme=top[1],
                            n=top[2][0])
    else:
        summary = None
    # A section with nothing to count is one line saying so, not an empty table.
    tables = [table("emerging_themes", w.gettext("Themes found in comments outside the taxonomy"),
                    w.gettext("Theme"), [("count", w.gettext("People"), "count"),
                                         ("share", w.gettext("Share of leavers"), "percent")], rows)] if rows else []
    return make_section("emerging", w.gettext("Emerging themes"), summary, tables, words=w)


def quotes_section(inputs: ReportInputs, f: PublishedFigures, v: PeriodView,
                   quotes: Sequence[Mapping[str, str]]) -> dict:
    """The ``quotes`` section: approved ``quotes`` whose theme at least k people cited."""
    w = inputs.words
    p = v.current.label
    shown = []
    for quote in quotes:
        t = str(quote.get("theme_id", ""))
        count = f.get(c.k_theme(p, t)) if v.current.has(c.k_theme(p, t)) else 0
        # A quote is only shown for a theme at least k people cited this period.
        if is_shown(count) and int(count) >= inputs.k:
            shown.append({"theme_id": t, "theme": theme_label(inputs, t), "text": str(quote.get("text", ""))})
    summary = (w.ngettext("{n} approved quotes from themes cited by at least {k} people.",
                          "{n} approved quotes from themes cited by at least {k} people.", len(shown), k=inputs.k)
               if shown else w.gettext("No approved quotes from themes cited by at least {k} people.", k=inputs.k))
    # The quotes themselves stay in the language they were written in.
    return make_section("quotes", w.gettext("In their own words"), summary, [], quotes=shown, words=w)
