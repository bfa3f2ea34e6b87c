"""Statistical disclosure control: every published table passes through this package.

What comes in: true counts with the linear relations a reader knows between them (a total is
the sum of its parts; a theme cited in a band cannot exceed the people in that band; a year is
the sum of its quarters). What goes out: for each count, the figure to publish, a number or one
of the markers ``"fewer than k"``, ``"withheld"`` and ``"not shown"``.

Three modules, each with one job:

- :mod:`~analysis.disclosure.rules`: what each published form promises and what it tells a
  reader; the threshold, primary suppression, merging of small categories, percentages. Short
  enough to check in one sitting.
- :mod:`~analysis.disclosure.auditor`: a reader who knows only the published figures and the
  relations, working out the range of every hidden count by integer linear programming.
- :mod:`~analysis.disclosure.ledger`: decides what one report publishes, hiding more counts
  until the audit finds nothing a reader could work out.

The adversary that checks all of this from the outside, reading only the printed reports, lives
in ``tests/analysis/adversary.py`` and shares no code with the audit. ``docs/disclosure.md``
gives the argument and its limits.
"""

from analysis.disclosure.auditor import AuditResult, audit, audit_reports, connected, expression_range
from analysis.disclosure.ledger import History, Ledger
from analysis.disclosure.rules import (
    DEFAULT_K,
    MINIMUM_K,
    NOT_SHOWN,
    WITHHELD,
    DisclosureError,
    Published,
    Relation,
    bounds_of,
    check_threshold,
    fewer_than,
    fewer_than_k,
    is_disclosed,
    is_shown,
    merge_small_categories,
    share,
    suppress_small_count,
)

__all__ = [
    "DEFAULT_K", "MINIMUM_K", "NOT_SHOWN", "WITHHELD", "AuditResult", "DisclosureError", "History", "Ledger",
    "Published", "Relation", "audit", "audit_reports", "bounds_of", "check_threshold", "connected",
    "expression_range", "fewer_than", "fewer_than_k", "is_disclosed", "is_shown", "merge_small_categories", "share",
    "suppress_small_count",
]
