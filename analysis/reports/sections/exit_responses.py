"""Responses: how many exit responses the period had, by channel and in all.

What it shows: exit questionnaires, interviews, paper forms and imported records, by channel and
together, and a sentence comparing the total with the period before.

What it guarantees: every count is read through
:class:`~analysis.reports.common.PublishedFigures`; the comparison is made only when both totals
are published. A total hidden to protect a smaller figure elsewhere is said to be hidden for
that reason, not called small.
"""

from __future__ import annotations

from analysis.disclosure import NOT_SHOWN, WITHHELD, is_shown
from analysis.reports import counts as c
from analysis.reports.base import PeriodView, ReportInputs, make_section
from analysis.reports.common import PublishedFigures, table
from analysis.reports.labels import CHANNELS, humanise


def section(inputs: ReportInputs, f: PublishedFigures, v: PeriodView) -> dict:
    """The ``responses`` section: exit responses by channel and in all."""
    p = v.current.label
    n = f.get(c.k_respondents(p))
    rows = [(ch, CHANNELS.get(ch, humanise(ch)), [f.get(c.k_channel(p, ch))])
            for ch in v.current.categories.get("channel", [])]
    rows.append(("total", "All exit responses", [n]))
    n_before = f.get(c.k_respondents(v.previous.label))
    if is_shown(n) and is_shown(n_before):
        diff = int(n) - int(n_before)
        trend = "the same as" if diff == 0 else ("up from" if diff > 0 else "down from")
        summary = f"There were {n} exit responses {v.now_words}, {trend} {n_before} {v.previous_words}."
    elif is_shown(n):
        summary = f"There were {n} exit responses {v.now_words}."
    elif n in (WITHHELD, NOT_SHOWN):
        # Not small: the total is hidden to protect a smaller figure elsewhere.
        summary = (f"The number of exit responses {v.now_words} is {n}, because showing it would "
                   f"reveal a group of fewer than {inputs.k} people elsewhere in this report.")
    elif n == 0:
        summary = f"There were no exit responses {v.now_words}."
    else:
        summary = f"There were fewer than {inputs.k} exit responses {v.now_words}."
    return make_section(
        "responses", "Responses", summary,
        [table("responses_by_channel", "Exit responses by channel", "Channel",
               [("count", "Responses", "count")], rows,
               note="Exit questionnaires, interviews, paper forms and imported records together.")],
    )
