"""Are the leavers newer or longer-serving staff? Said over 12 months without printing a count.

Over a whole financial year the report prints the leavers in three wide groups of length of
service with their shares (:mod:`analysis.reports.sections.glance`). Over the 12 months to any
quarter it can say more often, and with no number, which group was larger: "more leavers had
under two years' service than five years or more", the reverse, or "as many". Such a sentence is a
linear inequality over the quarters' length-of-service counts, so it is checked, published and
attacked like any other figure: it goes into the report's disclosure record as a
:class:`analysis.disclosure.Relation` with a constant term.

What it guarantees: the sentence is printed only if *every* answer it could give, given the
figures the 12 months already publish (and earlier statements passed in), lets no reader work out
a hidden count (:func:`analysis.disclosure.audit`). The decision to speak therefore depends only
on what is already public, never on which answer is true, so staying silent gives nothing away
(a refusal that depended on the true answer would itself be a disclosure). What it does not
claim: that the groups' sizes are far apart; "more" means at least one more person.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from analysis.disclosure import NOT_SHOWN, Relation, audit, connected, expression_range, is_shown
from analysis.reports.counts import SERVICE_GROUPS, PeriodCounts, k_dim

NEWER, LONGER = "under_2", "5_plus"
OUTCOMES = (">", "<", "=")
DIMENSION = "length_of_service"


def relation(span: PeriodCounts, quarters: Sequence[str], outcome: str) -> Relation:
    """The outcome (newer ``>``, ``<`` or ``=`` longer-serving) as ``terms + constant <sense> 0``.

    Bands a quarter has nobody in are not counted in its ledger; they are 0 and left out."""
    diff: dict[str, int] = {}  # newer minus longer-serving
    for q in quarters:
        for group, sign in ((NEWER, 1), (LONGER, -1)):
            for band in SERVICE_GROUPS[group]:
                key = k_dim(q, DIMENSION, band)
                if span.has(key):
                    diff[key] = diff.get(key, 0) + sign
    if outcome == ">":  # diff >= 1, that is -diff + 1 <= 0
        return Relation({t: -c for t, c in diff.items()}, "<=", 1)
    if outcome == "<":  # diff <= -1, that is diff + 1 <= 0
        return Relation(dict(diff), "<=", 1)
    return Relation(dict(diff), "=")


def true_outcome(span: PeriodCounts, quarters: Sequence[str]) -> str:
    terms = relation(span, quarters, "=").terms
    return _outcome(sum(c * span.value(t) for t, c in terms.items()))


def _outcome(diff: int) -> str:
    """The outcome a difference (newer minus longer-serving) gives."""
    return ">" if diff > 0 else "<" if diff < 0 else "="


def _what_is_published(span: PeriodCounts) -> dict:
    cells = dict(span.ledger.publish())
    if span.frozen is not None:
        prefix = f"{span.label}|"
        for key in cells:
            if key.startswith(prefix):
                cells[key] = span.frozen.get(key, NOT_SHOWN)
    return cells


def decide(span: PeriodCounts, quarters: Sequence[str], k: int,
           known: Sequence[Relation] = ()) -> str | None:
    """The true outcome (``">"``, ``"<"`` or ``"="``) if every possible outcome is safe to
    state, else None.

    ``known``: statements already published (earlier reports) that a reader holds too."""
    cells = _what_is_published(span)
    terms = relation(span, quarters, "=").terms
    if not terms:
        return None  # nobody in either group, or the groups were never counted
    held = [*span.ledger.relations, *known]
    # First the relations among the compared counts and printed figures alone (a few dozen
    # where a reader of years of reports holds tens of thousands): a reader holding more can
    # only narrow the difference further, so if these already fix it, the report says it in
    # figures and saying it in words tells nobody anything new. (Were the rest contradictory,
    # as where late returns changed a published quarter, the search below would refuse; these
    # printed figures would still say the same.)
    local = [r for r in held if any(t in terms for t in r.terms)
             and all(t in terms or is_shown(cells.get(t)) for t in r.terms)]
    try:
        lo, hi = expression_range(cells, local, terms, k)
    except ValueError:
        lo, hi = -math.inf, math.inf  # the search below says so
    if lo == hi:
        return _outcome(int(lo))
    # Only the counts linked to the compared bands can be learnt about: audit that part.
    base, linked = connected(cells, held, terms)
    targets = [key for key in linked if key in cells]
    try:
        lo, hi = expression_range(cells, base, terms, k)
    except ValueError:
        return None  # figures published before no longer agree with the data (late returns)
    possible = [o for o in OUTCOMES if {">": hi >= 1, "<": lo <= -1, "=": lo <= 0 <= hi}[o]]
    if len(possible) == 1:
        return possible[0]  # what is published already says it: stating it adds nothing
    before: set[str] | None = None
    for outcome in possible:
        try:
            found = audit(cells, [*base, relation(span, quarters, outcome)], k, check=targets,
                          exact=False).disclosed
        except ValueError:
            continue  # this answer contradicts what is published after all
        if found:
            if before is None:
                try:
                    before = set(audit(cells, base, k, check=targets, exact=False).disclosed)
                except ValueError:
                    return None
            if set(found) - before:
                return None
    return true_outcome(span, quarters)
