"""How these figures are produced: the protection rules, in words, for every report.

What it shows: fixed paragraphs on the threshold k, "fewer than k", "withheld", percentages,
merged groups, longer periods, equality monitoring, quotes and multiple themes per leaver.

What it guarantees: it prints no figure but k, so it adds nothing to the publication ledger. The
quarterly, annual and length-of-service reports all end with it.
"""

from __future__ import annotations

from analysis.reports.base import make_section
from analysis.reports.translation import ReportWords


def section(k: int, words: ReportWords) -> dict:
    """The ``method`` section for threshold ``k``, in the edition's language."""
    w = words
    text = [
        w.gettext("To protect the people who answered, no figure in this report describes fewer than {k} people. "
                  "A count from 1 to {below} is shown as \u201c{fewer}\u201d; a count of 0 is shown as 0.",
                  k=k, below=k - 1, fewer=w.marker(f"fewer than {k}")),
        w.gettext("Where a hidden count could be worked out by subtracting the other figures in a table from its "
                  "total, or from another table in this report, one or more further counts are also hidden and "
                  "shown as \u201c{withheld}\u201d.", withheld=w.marker("withheld")),
        w.gettext("A percentage is shown only when both the number of people and the group it is a share of are "
                  "shown and at least {k}.", k=k),
        w.gettext("Groups (for example a length-of-service band) with fewer than {k} people are merged into "
                  "\u201c{merged}\u201d before themes are broken down by them.", k=k,
                  merged=w.gettext("Other (merged)")),
        w.gettext("Figures for longer periods (rolling 12 months, a financial year) are shown only when the "
                  "figures for each quarter in them were shown; otherwise they read \u201c{not_shown}\u201d. "
                  "This stops a quarter's hidden figure being worked out by comparing reports.",
                  not_shown=w.marker("not shown")),
        w.gettext("Equality monitoring is shown only for whole financial years, never for a single quarter or an "
                  "overlapping 12 months. "
                  "Quotes are shown only for themes at least {k} people cited, after HR has removed names and "
                  "other identifying details and approved them.", k=k),
        w.gettext("A leaver can cite several themes, by ticking them or in their own words, so theme shares add up "
                  "to more than 100%. Turnover uses exit records as leavers unless HR leaver counts are loaded."),
    ]
    return make_section("method", w.gettext("How these figures are produced"), text[0], [], paragraphs=text,
                        words=w)
