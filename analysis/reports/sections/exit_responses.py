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
    w = inputs.words
    p = v.current.label
    n = f.get(c.k_respondents(p))
    rows = [(ch, w.gettext(CHANNELS[ch]) if ch in CHANNELS else humanise(ch, w), [f.get(c.k_channel(p, ch))])
            for ch in v.current.categories.get("channel", [])]
    rows.append(("total", w.gettext("All exit responses"), [n]))
    n_before = f.get(c.k_respondents(v.previous.label))
    when = {"now": v.now_words, "before": v.previous_words}
    if is_shown(n) and is_shown(n_before):
        diff = int(n) - int(n_before)
        if diff == 0:
            summary = w.gettext("There were {n} exit responses {now}, the same as {n_before} {before}.",
                                n=n, n_before=n_before, **when)
        elif diff > 0:
            summary = w.gettext("There were {n} exit responses {now}, up from {n_before} {before}.",
                                n=n, n_before=n_before, **when)
        else:
            summary = w.gettext("There were {n} exit responses {now}, down from {n_before} {before}.",
                                n=n, n_before=n_before, **when)
    elif is_shown(n):
        summary = w.gettext("There were {n} exit responses {now}.", n=n, **when)
    elif n in (WITHHELD, NOT_SHOWN):
        # Not small: the total is hidden to protect a smaller figure elsewhere.
        summary = w.gettext("The number of exit responses {now} is {marker}, because showing it would "
                            "reveal a group of fewer than {k} people elsewhere in this report.",
                            marker=w.marker(n), k=inputs.k, **when)
    elif n == 0:
        summary = w.gettext("There were no exit responses {now}.", **when)
    else:
        summary = w.gettext("There were fewer than {k} exit responses {now}.", k=inputs.k, **when)
    return make_section(
        "responses", w.gettext("Responses"), summary,
        [table("responses_by_channel", w.gettext("Exit responses by channel"), w.gettext("Channel"),
               [("count", w.gettext("Responses"), "count")], rows,
               note=w.gettext("Exit questionnaires, interviews, paper forms and imported records together."))],
        words=w,
    )
