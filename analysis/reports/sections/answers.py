"""What leavers said in words besides their reasons for leaving, and what focus groups raised.

What it shows: for each other question answered in words (what would have kept them, what worked
well, what the council should improve), the leavers who answered it and how many of them raised
each taxonomy theme (``other_answers``); and for focus groups, the remarks made and the themes
raised, per prompt (``focus_groups``).

What it guarantees: every count is read through :class:`~analysis.reports.common.PublishedFigures`.
Each question is its own measure: a theme raised here is never counted as a reason for leaving.
A sentence names the theme raised most often only when its count is shown and at least k and no
hidden count could be as large.
"""

from __future__ import annotations

from collections.abc import Mapping

from analysis.disclosure import Published, is_shown
from analysis.reports import counts as c
from analysis.reports.base import PeriodView, ReportInputs, make_section, theme_label
from analysis.reports.common import PublishedFigures, listed, lower_first, ranked, table
from analysis.reports.labels import FOCUS_PURPOSES, humanise
from analysis.reports.translation import N_

ANSWER_TITLES = {"would_have_stayed": N_("What would have kept them"), "worked_well": N_("What worked well"),
                 "improve": N_("What the council should improve")}
# One sentence per question and count of top themes: Welsh words them differently.
MOST_RAISED = {
    "would_have_stayed": (N_("Of the {answered} leavers who said what would have kept them, {theme} was raised "
                             "most often ({top})."),
                          N_("Of the {answered} leavers who said what would have kept them, {themes} were raised "
                             "most often ({top} each).")),
    "worked_well": (N_("Of the {answered} leavers who said what worked well for them, {theme} was raised "
                       "most often ({top})."),
                    N_("Of the {answered} leavers who said what worked well for them, {themes} were raised "
                       "most often ({top} each).")),
    "improve": (N_("Of the {answered} leavers who said what the council should improve, {theme} was raised "
                   "most often ({top})."),
                N_("Of the {answered} leavers who said what the council should improve, {themes} were raised "
                   "most often ({top} each).")),
}


def section(inputs: ReportInputs, f: PublishedFigures, v: PeriodView) -> dict:
    """The other questions leavers answered in words, each counted on its own: a theme here is
    never a reason for leaving (praise of supervision is not a complaint about it)."""
    w = inputs.words
    p = v.current.label
    order = {t: i for i, t in enumerate(inputs.theme_labels)}
    tables, lines = [], []
    for purpose in v.current.answer_purposes:
        answered = f.get(c.k_answered(p, purpose))
        counts = {t: f.get(c.k_answer_theme(p, purpose, t)) for t in v.current.themes
                  if v.current.has(c.k_answer_theme(p, purpose, t))}
        ids = [t for t in ranked(list(counts.items()), order) if counts[t] != 0]
        rows = [("answered", w.gettext("Leavers who answered"), [answered])] + [
            (t, theme_label(inputs, t), [counts[t]]) for t in ids]
        tables.append(table(f"answers_{purpose}", w.gettext(ANSWER_TITLES[purpose]), w.gettext("Theme"),
                            [("people", w.gettext("People"), "count")], rows, list_fewer="leavers"))
        line = _most_raised(inputs, counts, answered, purpose)
        if line:
            lines.append(line)
    if not tables:
        summary = w.gettext("No leaver answered these questions in words this period.")
    else:
        summary = lines[0] if lines else w.gettext("No theme can be named as raised most often by at least {k} "
                                                   "of the leavers who answered these questions.", k=inputs.k)
    return make_section("other_answers", w.gettext("What would have kept them, what worked, what to improve"),
                        summary, tables, paragraphs=lines, words=w)


def _most_raised(inputs: ReportInputs, counts: Mapping[str, Published], answered: Published,
                 purpose: str) -> str | None:
    """"Of the 23 leavers who said what would have kept them, caseload and workload was raised
    most often (9)", only when no hidden figure could be as large: every other count is shown or
    is "fewer than k" while the top is k or more."""
    shown = {t: int(x) for t, x in counts.items() if is_shown(x)}
    if not shown or not is_shown(answered):
        return None
    top = max(shown.values())
    hidden_could_match = any(not is_shown(x) and not str(x).startswith("fewer than") for x in counts.values())
    if top < inputs.k or hidden_could_match:
        return None
    first = [lower_first(theme_label(inputs, t)) for t, x in shown.items() if x == top]
    one, several = MOST_RAISED[purpose]
    if len(first) == 1:
        return inputs.words.gettext(one, answered=answered, theme=first[0], top=top)
    return inputs.words.gettext(several, answered=answered, themes=listed(first, inputs.words), top=top)


def focus_groups_section(inputs: ReportInputs, f: PublishedFigures, v: PeriodView) -> dict:
    """The ``focus_groups`` section: remarks and themes, one table per prompt purpose."""
    w = inputs.words
    p = v.current.label
    tables, total_shown = [], []
    for purpose in v.current.purposes:
        remarks = f.get(c.k_remarks(p, purpose))
        themes = [key.rsplit("|", 1)[1] for key in v.current.ledger.counts
                  if key.startswith(f"{p}|focus_group|{purpose}|") and not key.endswith("|remarks")]
        order = {t: i for i, t in enumerate(inputs.theme_labels)}
        ids = ranked([(t, f.get(c.k_focus_theme(p, purpose, t))) for t in themes], order)
        rows = [("remarks", w.gettext("Remarks made"), [remarks])] + [
            (t, theme_label(inputs, t), [f.get(c.k_focus_theme(p, purpose, t))]) for t in ids]
        prompt = w.gettext(FOCUS_PURPOSES[purpose]) if purpose in FOCUS_PURPOSES else humanise(purpose, w)
        tables.append(table(f"focus_{purpose}", w.gettext("Focus groups: {prompt}", prompt=prompt),
                            w.gettext("Theme"), [("remarks", w.gettext("Remarks"), "count")], rows,
                            list_fewer="remarks"))
        if is_shown(remarks):
            total_shown.append(int(remarks))
    if not tables:
        summary = w.gettext("No focus groups were recorded this period.")
    elif total_shown:
        summary = w.gettext("Focus groups recorded {n} remarks across the prompts shown.", n=sum(total_shown))
    else:
        summary = None
    return make_section("focus_groups", w.gettext("Focus groups: themes by prompt"), summary, tables, words=w)
