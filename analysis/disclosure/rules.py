"""The rules of disclosure control, in one place a reader can check in one sitting.

What a published figure may be, and what each form promises:

- an ``int``: the count as it is (0 is always shown as 0);
- ``"fewer than k"``: the count is 1 to k-1, and a reader must not be able to work out which;
- ``"withheld"``: a count of k or more hidden so that a small count cannot be worked out by
  subtraction; a reader must not be able to work out its value;
- ``"not shown"``: a figure over a longer period whose parts are not all published; it promises
  only that it cannot be worked out as a value from 1 to k-1.

:func:`is_disclosed` states those promises as a test on the range a reader can narrow a figure
to, and :func:`bounds_of` what a reader knows of a figure from its published form alone.
:class:`Relation` is one linear fact a reader knows between counts (a total and its parts, a
quarter inside a year, a comparison printed as a sentence). The threshold k is never below 3
(:func:`check_threshold`); categories smaller than k are merged only into a group that reaches k
and holds at least two categories (:func:`merge_small_categories`); a percentage is printed only
over published counts of k or more (:func:`share`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

DEFAULT_K = 5
MINIMUM_K = 3

WITHHELD = "withheld"
NOT_SHOWN = "not shown"

Published = int | str


class DisclosureError(ValueError):
    """A disclosure setting or request that would put people at risk of being identified."""


def check_threshold(k: int) -> int:
    """Return ``k`` if it is an allowed threshold, else raise :class:`DisclosureError`."""
    if isinstance(k, bool) or not isinstance(k, int):
        raise DisclosureError(f"the disclosure threshold must be a whole number, not {k!r}")
    if k < MINIMUM_K:
        raise DisclosureError(
            f"the disclosure threshold cannot be below {MINIMUM_K} (asked for {k}): smaller "
            "groups could identify individual leavers"
        )
    return k


def fewer_than(k: int) -> str:
    """The marker shown in place of a count from 1 to k-1."""
    return f"fewer than {k}"


_FEWER_THAN = re.compile(r"fewer than (\d+)")


def fewer_than_k(value: object) -> int | None:
    """k of a "fewer than k" marker, else None (the inverse of :func:`fewer_than`)."""
    m = _FEWER_THAN.fullmatch(str(value))
    return int(m[1]) if m else None


def is_shown(value: object) -> bool:
    """True when a published figure is a number a reader can use."""
    kind = type(value)
    if kind is int or kind is float:  # the common cases first: audits ask this very often
        return True
    if kind is str or value is None:
        return False
    return isinstance(value, int | float) and not isinstance(value, bool)


def suppress_small_count(value: int, k: int = DEFAULT_K) -> Published:
    """Primary suppression of a single count: 0 stays 0, 1..k-1 become "fewer than k"."""
    check_threshold(k)
    value = int(value)
    if value < 0:
        raise ValueError(f"a count cannot be negative ({value})")
    return fewer_than(k) if 0 < value < k else value


def share(numerator: Published, denominator: Published, k: int = DEFAULT_K) -> float | str:
    """A percentage (one decimal place) from two *published* figures, else ``"withheld"``.

    A percentage is shown only when both its numerator and denominator are published counts
    and neither is below k: a percentage beside a published denominator would otherwise give
    back a hidden numerator.
    """
    if not (is_shown(numerator) and is_shown(denominator)):
        return WITHHELD
    num, den = int(numerator), int(denominator)
    if den < k or (0 < num < k) or den == 0:
        return WITHHELD
    return round(100.0 * num / den, 1)


def merge_small_categories(
    counts: Mapping[str, int], k: int = DEFAULT_K, other: str = "other"
) -> dict[str, str]:
    """Map each category to the column it is reported under in a cross-table.

    Categories with 1 to k-1 people are merged into ``other`` before any cross-tabulation.
    A merged column must itself hold at least k people from at least two categories: a
    column that is one small category under another name would show that group's answers
    (its zero and non-zero cells) to anyone who knows who is in it. When the small
    categories alone fall short, the smallest category of k or more joins them.
    What comes in: people per category. What goes out: ``{category: reported_category}``.
    """
    check_threshold(k)
    people = {category: int(n) for category, n in counts.items()}
    merged = {category for category, n in people.items() if 0 < n < k}
    if merged and (len(merged) < 2 or sum(people[c] for c in merged) < k):
        large = sorted((n, category) for category, n in people.items() if n >= k)
        if large:
            merged.add(large[0][1])
    return {category: other if category in merged else category for category in people}



@dataclass
class Relation:
    """``sum(coef * cell) + constant <sense> 0`` with sense ``"="`` or ``"<="``.

    The constant is 0 for every relation a table implies; a sentence comparing two counts
    ("more left with under two years' service than five or more") states ``b - a + 1 <= 0``."""

    terms: dict[str, int]
    sense: str = "="
    constant: int = 0
    #: told by reports published before (:meth:`Ledger.hold`), not stated by the report at hand:
    #: it bears on every decision but is not written again into the report's record
    held: bool = field(default=False, compare=False)
    #: the marker, made on first use: a relation is never changed once made, and a reader of ten
    #: years of reports holds tens of thousands of relations whose markers are asked for again
    _marker: tuple | None = field(default=None, init=False, repr=False, compare=False)

    def marker(self) -> tuple:
        """The same relation, however its terms are ordered: what makes a relation count once."""
        if self._marker is None:
            self._marker = (self.sense, self.constant, frozenset(self.terms.items()))
        return self._marker

    def to_json(self) -> dict:
        out = {"terms": dict(self.terms), "sense": self.sense}
        if self.constant:
            out["constant"] = self.constant
        return out

    @classmethod
    def from_json(cls, data: Relation | Mapping, marker: tuple | None = None) -> Relation:
        """The relation ``data`` describes; ``marker``: its :meth:`json_marker`, if already made."""
        if isinstance(data, Relation):
            return data
        rel = cls(dict(data["terms"]), data.get("sense", "="), int(data.get("constant", 0)))
        rel._marker = marker
        return rel

    @staticmethod
    def json_marker(data: Mapping) -> tuple:
        """The :meth:`marker` of the relation ``data`` (JSON) describes, without making it: ten years
        of published reports repeat most of each other's relations."""
        return data.get("sense", "="), int(data.get("constant", 0)), frozenset(data["terms"].items())


def is_disclosed(published: Published, lo: float, hi: float, k: int) -> bool:
    """Whether a hidden figure whose true value is known to lie in ``[lo, hi]`` gives away
    what its marker was there to hide.

    "fewer than k" and "withheld" promise that the exact value cannot be worked out. "not
    shown" promises only that no small count can be: worked out as 0 or as k or more it says
    nothing a printed figure could not, and known only to lie between 1 and k-1 it says no
    more than "fewer than k"."""
    if published == NOT_SHOWN:
        return lo == hi and 1 <= lo <= k - 1
    return lo == hi


def bounds_of(value: Published | None, k: int) -> tuple[float, float]:
    """What a reader knows about one figure from its published form alone."""
    if value is None or value == NOT_SHOWN:
        return 0.0, math.inf
    if is_shown(value):
        return float(value), float(value)
    if isinstance(value, str) and value.startswith("fewer than"):
        return 1.0, float(int(value.rsplit(" ", 1)[1]) - 1)
    if value == WITHHELD:
        # Zeros are always shown and 1..k-1 always say "fewer than k", so a withheld
        # count is known to be k or more.
        return float(k), math.inf
    raise ValueError(f"unknown published figure {value!r}")
