"""At a glance: the questions the Employer Standards group asks first, answered in sentences.

What it shows: how many leavers answered; the reasons most often given this period and over the
12 months to its end; the top theme's change on the period before and on the same quarter last
year; whether leavers were newer or longer-serving staff; and the line from "You said, we did".

What it guarantees: every sentence is built from figures the report publishes (each count is read
through :class:`~analysis.reports.common.PublishedFigures`). Themes are placed in order only by
their published counts of k or more; a theme of k or more that is withheld is named as not placed,
never ranked. A change is stated only when both shares are published. "Newer or longer-serving?"
is answered with shares over the last whole financial year, from the three wide length-of-service
groups of the table this section carries, and over the 12 months to the period's end by a
comparison without counts only when :mod:`analysis.reports.newer_or_longer` finds every possible
answer safe; that comparison joins the report's audit record as a relation (``f.statements``).
"""

from __future__ import annotations

from analysis.disclosure import NOT_SHOWN, WITHHELD, is_shown, share
from analysis.periods import last_complete_year
from analysis.reports import counts as c
from analysis.reports import newer_or_longer
from analysis.reports.base import PeriodView, ReportInputs, make_section, theme_ids, theme_label
from analysis.reports.common import PublishedFigures, change_sentence, fmt_pct, listed, lower_first, ranked, table
from analysis.reports.translation import N_, ReportWords

SERVICE_GROUP_LABELS = {"under_2": N_("Under 2 years"), "2_to_5": N_("2 to 5 years"), "5_plus": N_("5 years or more"),
                        c.NOT_STATED: N_("Not stated")}


def section(inputs: ReportInputs, f: PublishedFigures, v: PeriodView, done: dict) -> dict:
    """The questions the Employer Standards group asks first, answered in sentences built only
    from figures the report publishes elsewhere."""
    k = inputs.k
    w = inputs.words
    now = v.current
    lines = []
    n = f.get(c.k_respondents(now.label))
    when = {"now": v.now_words, "period": w.period(v.label)}
    if is_shown(n):
        lines.append(w.ngettext("{n} leavers answered {now} ({period}).", "{n} leavers answered {now} ({period}).",
                                int(n), **when))
    elif n in (WITHHELD, NOT_SHOWN):
        lines.append(w.gettext("The number of leavers who answered {now} ({period}) is {marker}, to protect a "
                               "group of fewer than {k} people elsewhere in this report.",
                               marker=w.marker(n), k=k, **when))
    else:
        lines.append(w.gettext("Fewer than {k} leavers answered {now} ({period}).", k=k, **when))
    top = _top_themes(inputs, f, now)
    lines.append(top or w.gettext("No theme can be named {now} without showing a group of fewer than {k} people.",
                                  now=v.now_words, k=k))
    if v.kind == "quarterly":
        year = _top_themes(inputs, f, v.rolling)
        rolling = w.period(v.rolling.label)
        lines.append(w.gettext("Over the 12 months {rolling}: {ranking}", rolling=rolling, ranking=lower_first(year))
                     if year else
                     w.gettext("The 12 months {rolling} cannot be ranked: some quarter's figures are hidden.",
                               rolling=rolling))
    first = ranked([(t, f.get(c.k_theme(now.label, t))) for t in theme_ids(inputs, now)],
                   {t: i for i, t in enumerate(inputs.theme_labels)})
    if first and is_shown(f.get(c.k_theme(now.label, first[0]))):
        t = first[0]
        this = share(f.get(c.k_theme(now.label, t)), n, k)
        for other, words in ((v.previous, v.previous_words), (v.last_year, w.gettext("the same quarter last year"))):
            if other is None:
                continue
            before = share(f.get(c.k_theme(other.label, t)), f.get(c.k_respondents(other.label)), k)
            sentence = change_sentence(theme_label(inputs, t), this, before, words, v.now_words, w)
            if sentence and is_shown(before):
                lines.append(sentence)
    answers, service_table, statements = _service_answer(inputs, f, v, k)
    lines.extend(answers)
    lines.append(done["summary"])
    return make_section("at_a_glance", w.gettext("At a glance"), lines[0], [service_table], paragraphs=lines,
                        statements=statements, words=w)


def _top_themes(inputs: ReportInputs, f: PublishedFigures, period: c.PeriodCounts) -> str | None:
    """The most cited themes of a period, from published counts only, saying which themes of
    k or more people are withheld and so cannot be placed in the order."""
    w = inputs.words
    p = period.label
    n = f.get(c.k_respondents(p))
    counts = [(t, f.get(c.k_theme(p, t))) for t in theme_ids(inputs, period)]
    shown = sorted(((t, int(x)) for t, x in counts if is_shown(x) and int(x) >= inputs.k),
                   key=lambda r: (-r[1], r[0]))
    withheld = [lower_first(theme_label(inputs, t)) for t, x in counts if x == WITHHELD]
    if not shown:
        if withheld:
            return w.gettext("Themes cited by {k} or more people are withheld to protect individuals and so "
                             "not placed in any order: {themes}.", k=inputs.k, themes=", ".join(withheld))
        return None
    parts = []
    for t, x in shown[:3]:
        pct = share(x, n, inputs.k)
        theme = lower_first(theme_label(inputs, t))
        parts.append(w.gettext("{theme} ({n} leavers, {share})", theme=theme, n=x, share=fmt_pct(float(pct)))
                     if is_shown(pct) else w.gettext("{theme} ({n} leavers)", theme=theme, n=x))
    text = w.ngettext("The reason most often given: {reasons}.", "The reasons most often given: {reasons}.",
                      len(parts), reasons=listed(parts, w))
    if withheld:
        text += " " + w.gettext("Also cited by {k} or more people, but withheld to protect individuals and so not "
                                "placed in this order: {themes}.", k=inputs.k, themes=", ".join(withheld))
    return text


def _service_answer(inputs: ReportInputs, f: PublishedFigures, v: PeriodView, k: int
                    ) -> tuple[list[str], dict, list[dict]]:
    """Is turnover in newer or longer-serving staff? Answered with shares for the last whole
    financial year (whole years never overlap), in three wide groups of length of service, and
    over the 12 months to the period's end by a comparison without counts when that is safe
    (:mod:`analysis.reports.newer_or_longer`). Returns sentences, the year's table and the
    comparisons stated, as the report's JSON records them."""
    w = inputs.words
    span = v.equality
    year = last_complete_year(v.last_quarter).label
    n = f.get(c.k_respondents(span.label))
    counts = {g: f.get(c.k_service_group(span.label, g)) for g in c.SERVICE_GROUPS}
    rows = [(g, w.gettext(label), [counts[g], share(counts[g], n, k)]) for g, label in SERVICE_GROUP_LABELS.items()]
    tab = table("service_groups", w.gettext("Leavers by length of service, financial year {year} ({span})",
                                            year=year, span=w.period(span.label)),
                w.gettext("Length of service"),
                [("count", w.gettext("Leavers"), "count"), ("share", w.gettext("Share of leavers"), "percent")], rows)
    lines: list[str] = []
    newer, longer = share(counts["under_2"], n, k), share(counts["5_plus"], n, k)
    if is_shown(newer) and is_shown(longer):
        values = {"year": year, "newer": fmt_pct(float(newer)), "longer": fmt_pct(float(longer))}
        if float(newer) > float(longer):
            lines.append(w.gettext("In {year}, {newer} of leavers had under two years' service and {longer} five "
                                   "years or more: more were newer staff.", **values))
        elif float(longer) > float(newer):
            lines.append(w.gettext("In {year}, {newer} of leavers had under two years' service and {longer} five "
                                   "years or more: more were longer-serving staff.", **values))
        else:
            lines.append(w.gettext("In {year}, {newer} of leavers had under two years' service and {longer} five "
                                   "years or more: as many were newer as longer-serving staff.", **values))
    statements: list[dict] = []
    rolling = v.rolling
    if not (lines and rolling.label == span.label):
        quarters = [q.label for q in v.last_quarter.last_n(4)]
        outcome = newer_or_longer.decide(rolling, quarters, k, inputs.statements)
        if outcome is not None:
            f.statements.append(newer_or_longer.relation(rolling, quarters, outcome))
            lines.append(_newer_or_longer_sentence(outcome, w.period(rolling.label), w))
            statements.append({"id": "newer_or_longer", "quarters": quarters, "dimension": "length_of_service",
                               "newer": list(c.SERVICE_GROUPS[newer_or_longer.NEWER]),
                               "longer": list(c.SERVICE_GROUPS[newer_or_longer.LONGER]),
                               "outcome": outcome})
    if not lines:
        lines.append(w.gettext("Whether leavers in {year} were newer or longer-serving staff cannot be said without "
                               "showing a group of fewer than {k} people.", year=year, k=k))
    return lines, tab, statements


def _newer_or_longer_sentence(outcome: str, rolling: str, w: ReportWords) -> str:
    """The comparison :func:`analysis.reports.newer_or_longer.decide` found safe, in words (one
    whole sentence for each outcome, so each can be translated whole)."""
    if outcome == ">":
        return w.gettext("Over the 12 months {rolling}, more leavers had under two years' service than five years "
                         "or more: more of those leaving were newer staff.", rolling=rolling)
    if outcome == "<":
        return w.gettext("Over the 12 months {rolling}, more leavers had five years' service or more than under two "
                         "years: more of those leaving were longer-serving staff.", rolling=rolling)
    return w.gettext("Over the 12 months {rolling}, as many leavers had under two years' service as five years "
                     "or more.", rolling=rolling)
