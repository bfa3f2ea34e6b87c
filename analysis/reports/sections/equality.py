"""Equality monitoring: the leavers of the last whole financial year by each characteristic.

What it shows: for each equality characteristic recorded, the leavers in each category and their
share, over ``PeriodView.equality``: the last whole financial year ending at or before the
report's quarter (the annual report's own year).

What it guarantees: equality counts are shown only for whole financial years, never for a quarter
or an overlapping 12 months, so no two equality tables can be subtracted from each other. They are
decided in the year's own ledger, protected as if the reader knew the year's number of leavers
exactly (:func:`analysis.reports.counts.count_span`), and read through
:class:`~analysis.reports.common.PublishedFigures`; a share is :func:`analysis.disclosure.share`
of two published counts of k or more.
"""

from __future__ import annotations

from analysis.disclosure import is_shown, share
from analysis.periods import last_complete_year
from analysis.reports import counts as c
from analysis.reports.base import PeriodView, ReportInputs, make_section
from analysis.reports.common import PublishedFigures, table
from analysis.reports.labels import EQUALITY, equality_label


def section(f: PublishedFigures, v: PeriodView, inputs: ReportInputs) -> dict:
    """The ``equality`` section: one table per characteristic, over the last whole financial year."""
    w = inputs.words
    span = v.equality
    p = span.label
    year = last_complete_year(v.last_quarter).label
    tables = []
    for char, values in span.equality.items():
        rows = []
        for value in values:
            count = f.get(c.k_equality(p, char, value))
            rows.append((value, equality_label(char, value, w),
                         [count, share(count, f.get(c.k_respondents(p)), inputs.k)]))
        title = w.gettext(EQUALITY[char])
        tables.append(table(f"equality_{char}", title, title,
                            [("count", w.gettext("Leavers"), "count"), ("share", w.gettext("Share"), "percent")],
                            rows))
    n = f.get(c.k_respondents(p))
    summary = (w.gettext("Equality monitoring covers the {n} leavers of the financial year {year} ({span}): it is "
                         "shown only for whole financial years, never for a quarter or an overlapping 12 months.",
                         n=n, year=year, span=w.period(p))
               if is_shown(n) else
               w.gettext("Equality monitoring covers the financial year {year} ({span}): it is shown only for "
                         "whole financial years, never for a quarter or an overlapping 12 months.",
                         year=year, span=w.period(p)))
    return make_section("equality", w.gettext("Equality monitoring (whole financial year)"), summary, tables,
                        words=w)
