"""How these figures are produced: the protection rules, in words, for every report.

What it shows: fixed paragraphs on the threshold k, "fewer than k", "withheld", percentages,
merged groups, longer periods, equality monitoring, quotes and multiple themes per leaver.

What it guarantees: it prints no figure but k, so it adds nothing to the publication ledger. The
quarterly, annual and length-of-service reports all end with it.
"""

from __future__ import annotations

from analysis.reports.base import PeriodView, make_section


def section(k: int, v: PeriodView) -> dict:
    """The ``method`` section for threshold ``k``."""
    text = [
        (f"To protect the people who answered, no figure in this report describes fewer than {k} people. "
        f"A count from 1 to {k - 1} is shown as \u201cfewer than {k}\u201d; a count of 0 is shown as 0."),
        ("Where a hidden count could be worked out by subtracting the other figures in a table from its "
        "total, or from another table in this report, one or more further counts are also hidden and "
        "shown as \u201cwithheld\u201d."),
        ("A percentage is shown only when both the number of people and the group it is a share of are "
        f"shown and at least {k}."),
        (f"Groups (for example a length-of-service band) with fewer than {k} people are merged into "
        "\u201cOther (merged)\u201d before themes are broken down by them."),
        ("Figures for longer periods (rolling 12 months, a financial year) are shown only when the "
        "figures for each quarter in them were shown; otherwise they read \u201cnot shown\u201d. "
        "This stops a quarter's hidden figure being worked out by comparing reports."),
        ("Equality monitoring is shown only for whole financial years, never for a single quarter or an "
        "overlapping 12 months. "
        f"Quotes are shown only for themes at least {k} people cited, after HR has removed names and "
        "other identifying details and approved them."),
        ("A leaver can cite several themes, by ticking them or in their own words, so theme shares add up "
        "to more than 100%. Turnover uses exit records as leavers unless HR leaver counts are loaded."),
    ]
    return make_section("method", "How these figures are produced", text[0], [], paragraphs=text)
