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

SERVICE_GROUP_LABELS = {"under_2": "Under 2 years", "2_to_5": "2 to 5 years", "5_plus": "5 years or more",
                        c.NOT_STATED: "Not stated"}


def section(inputs: ReportInputs, f: PublishedFigures, v: PeriodView, done: dict) -> dict:
    """The questions the Employer Standards group asks first, answered in sentences built only
    from figures the report publishes elsewhere."""
    k = inputs.k
    now = v.current
    lines = []
    n = f.get(c.k_respondents(now.label))
    if is_shown(n):
        lines.append(f"{n} leavers answered {v.now_words} ({v.label}).")
    elif n in (WITHHELD, NOT_SHOWN):
        lines.append(f"The number of leavers who answered {v.now_words} ({v.label}) is {n}, to protect a "
                     f"group of fewer than {k} people elsewhere in this report.")
    else:
        lines.append(f"Fewer than {k} leavers answered {v.now_words} ({v.label}).")
    top = _top_themes(inputs, f, now)
    lines.append(top or f"No theme can be named {v.now_words} without showing a group of fewer than {k} people.")
    if v.kind == "quarterly":
        year = _top_themes(inputs, f, v.rolling)
        lines.append(f"Over the 12 months {v.rolling.label}: {lower_first(year)}" if year else
                     f"The 12 months {v.rolling.label} cannot be ranked: some quarter's figures are hidden.")
    first = ranked([(t, f.get(c.k_theme(now.label, t))) for t in theme_ids(inputs, now)],
                   {t: i for i, t in enumerate(inputs.theme_labels)})
    if first and is_shown(f.get(c.k_theme(now.label, first[0]))):
        t = first[0]
        this = share(f.get(c.k_theme(now.label, t)), n, k)
        for other, words in ((v.previous, v.previous_words), (v.last_year, "the same quarter last year")):
            if other is None:
                continue
            before = share(f.get(c.k_theme(other.label, t)), f.get(c.k_respondents(other.label)), k)
            sentence = change_sentence(theme_label(inputs, t), this, before, words, v.now_words)
            if sentence and is_shown(before):
                lines.append(sentence)
    answers, service_table, statements = _service_answer(inputs, f, v, k)
    lines.extend(answers)
    lines.append(done["summary"])
    return make_section("at_a_glance", "At a glance", lines[0], [service_table], paragraphs=lines,
                        statements=statements)


def _top_themes(inputs: ReportInputs, f: PublishedFigures, period: c.PeriodCounts) -> str | None:
    """The most cited themes of a period, from published counts only, saying which themes of
    k or more people are withheld and so cannot be placed in the order."""
    p = period.label
    n = f.get(c.k_respondents(p))
    counts = [(t, f.get(c.k_theme(p, t))) for t in theme_ids(inputs, period)]
    shown = sorted(((t, int(x)) for t, x in counts if is_shown(x) and int(x) >= inputs.k),
                   key=lambda r: (-r[1], r[0]))
    withheld = [lower_first(theme_label(inputs, t)) for t, x in counts if x == WITHHELD]
    if not shown:
        if withheld:
            return (f"Themes cited by {inputs.k} or more people are withheld to protect individuals and so "
                    f"not placed in any order: {', '.join(withheld)}.")
        return None
    parts = []
    for t, x in shown[:3]:
        pct = share(x, n, inputs.k)
        parts.append(f"{lower_first(theme_label(inputs, t))} ({x} leavers"
                     + (f", {fmt_pct(float(pct))})" if is_shown(pct) else ")"))
    text = f"{'The reason' if len(parts) == 1 else 'The reasons'} most often given: {listed(parts)}."
    if withheld:
        text += (f" Also cited by {inputs.k} or more people, but withheld to protect individuals and so not "
                 f"placed in this order: {', '.join(withheld)}.")
    return text


def _service_answer(inputs: ReportInputs, f: PublishedFigures, v: PeriodView, k: int
                    ) -> tuple[list[str], dict, list[dict]]:
    """Is turnover in newer or longer-serving staff? Answered with shares for the last whole
    financial year (whole years never overlap), in three wide groups of length of service, and
    over the 12 months to the period's end by a comparison without counts when that is safe
    (:mod:`analysis.reports.newer_or_longer`). Returns sentences, the year's table and the
    comparisons stated, as the report's JSON records them."""
    span = v.equality
    year = last_complete_year(v.last_quarter).label
    n = f.get(c.k_respondents(span.label))
    counts = {g: f.get(c.k_service_group(span.label, g)) for g in c.SERVICE_GROUPS}
    rows = [(g, label, [counts[g], share(counts[g], n, k)]) for g, label in SERVICE_GROUP_LABELS.items()]
    tab = table("service_groups", f"Leavers by length of service, financial year {year} ({span.label})",
                "Length of service", [("count", "Leavers", "count"), ("share", "Share of leavers", "percent")], rows)
    lines: list[str] = []
    newer, longer = share(counts["under_2"], n, k), share(counts["5_plus"], n, k)
    if is_shown(newer) and is_shown(longer):
        lead = ("more were newer staff" if float(newer) > float(longer) else "more were longer-serving staff"
                if float(longer) > float(newer) else "as many were newer as longer-serving staff")
        lines.append(f"In {year}, {fmt_pct(float(newer))} of leavers had under two years' service and "
                     f"{fmt_pct(float(longer))} five years or more: {lead}.")
    statements: list[dict] = []
    rolling = v.rolling
    if not (lines and rolling.label == span.label):
        quarters = [q.label for q in v.last_quarter.last_n(4)]
        outcome = newer_or_longer.decide(rolling, quarters, k, inputs.statements)
        if outcome is not None:
            f.statements.append(newer_or_longer.relation(rolling, quarters, outcome))
            lines.append(newer_or_longer.sentence(outcome, f"Over the 12 months {rolling.label}"))
            statements.append({"id": "newer_or_longer", "quarters": quarters, "dimension": "length_of_service",
                               "newer": list(c.SERVICE_GROUPS[newer_or_longer.NEWER]),
                               "longer": list(c.SERVICE_GROUPS[newer_or_longer.LONGER]),
                               "outcome": outcome})
    if not lines:
        lines.append(f"Whether leavers in {year} were newer or longer-serving staff cannot be said without "
                     f"showing a group of fewer than {k} people.")
    return lines, tab, statements
