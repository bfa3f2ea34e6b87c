"""Statistical disclosure control: the one module every published table passes through.

What comes in: true counts with the linear relations a reader knows between them (a total is
the sum of its parts; a theme cited in a band cannot exceed the people in that band; a rolling
12 months is the sum of its four quarters). What goes out: for each count, the figure to
publish, one of

- an ``int`` (the count, shown as it is; 0 is always shown as 0),
- ``"fewer than k"`` (primary suppression: the count is 1 to k-1),
- ``"withheld"`` (secondary suppression: a count of k or more hidden so that a small count
  cannot be worked out by subtraction),
- ``"not shown"`` (a figure over a longer period whose quarterly parts are not all published;
  it says nothing about the value, see ``docs/disclosure.md``).

The :func:`audit` function plays the part of a reader who knows only the published figures and
the relations, and works out by integer linear programming the smallest and largest value each
hidden count could take. A "fewer than k" or "withheld" count pinned to a single value, or a
"not shown" count pinned to a value from 1 to k-1, is a disclosure.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

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


def is_shown(value: object) -> bool:
    """True when a published figure is a number a reader can use."""
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


# --------------------------------------------------------------------------------------------
# The ledger: every count a report may publish and the relations between them
# --------------------------------------------------------------------------------------------


@dataclass
class _Count:
    key: str
    value: int
    group: str
    fixed: Published | None = None  # published elsewhere already; cannot change here
    components: tuple[str, ...] | None = None  # a longer period's count: sum of these


@dataclass
class Relation:
    """``sum(coef * cell) + constant <sense> 0`` with sense ``"="`` or ``"<="``.

    The constant is 0 for every relation a table implies; a sentence comparing two counts
    ("more left with under two years' service than five or more") states ``b - a + 1 <= 0``."""

    terms: dict[str, int]
    sense: str = "="
    constant: int = 0

    def to_json(self) -> dict:
        out = {"terms": dict(self.terms), "sense": self.sense}
        if self.constant:
            out["constant"] = self.constant
        return out

    @classmethod
    def from_json(cls, data: Relation | Mapping) -> Relation:
        if isinstance(data, Relation):
            return data
        return cls(dict(data["terms"]), data.get("sense", "="), int(data.get("constant", 0)))


@dataclass
class Ledger:
    """Collects the counts of one report (or one quarter) and decides what to publish.

    Use :meth:`count` for each count, :meth:`total_of` and :meth:`at_most` for the relations a
    reader knows, :meth:`derived` for a count over a longer period made of counts already
    decided elsewhere, then :meth:`publish`. Keys are global names such as
    ``"2025/26 Q1|themes|caseload"`` so that figures from different reports line up.
    """

    k: int = DEFAULT_K
    counts: dict[str, _Count] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    # Counts to protect against as if the reader knew them exactly (see assume_known).
    assumed_known: set[str] = field(default_factory=set)
    _decided: dict[str, Published] | None = None

    def __post_init__(self) -> None:
        check_threshold(self.k)

    # --- building ---------------------------------------------------------------------
    def count(self, key: str, value: int, group: str) -> str:
        """Register a count to be decided here. ``group`` is the table row it belongs to."""
        if key in self.counts:
            if self.counts[key].value != int(value):
                raise ValueError(f"{key} registered twice with different values")
            return key
        if int(value) < 0:
            raise ValueError(f"{key}: a count cannot be negative")
        self.counts[key] = _Count(key, int(value), group)
        self._decided = None
        return key

    def fixed(self, key: str, value: int, published: Published) -> str:
        """Register a count already published elsewhere (its decision cannot change)."""
        if key not in self.counts:
            self.counts[key] = _Count(key, int(value), "fixed", fixed=published)
        return key

    def derived(self, key: str, value: int, components: Sequence[str], group: str) -> str:
        """A count over a longer period equal to the sum of ``components`` (already known).

        It is published only when every component is published as a number, so it adds
        nothing a reader could not already add up; otherwise it is ``"not shown"``.
        """
        self.counts[key] = _Count(key, int(value), group, components=tuple(components))
        self.relations.append(Relation({key: 1, **{c: -1 for c in components}}))
        self._decided = None
        return key

    def total_of(self, total: str, parts: Iterable[str]) -> None:
        """The reader knows ``total`` is the sum of ``parts``."""
        terms: dict[str, int] = {total: 1}
        for p in parts:
            terms[p] = terms.get(p, 0) - 1
        self.relations.append(Relation(terms))
        self._decided = None

    def assume_known(self, key: str) -> None:
        """Suppress as if a reader knew ``key`` exactly, whatever is published for it.

        Used for totals that other reports may pin down (the people in a rolling 12 months),
        so tables hanging from them stay safe even then.
        """
        self.assumed_known.add(key)
        self._decided = None

    def at_most(self, part: str, cap: str) -> None:
        """The reader knows ``part`` cannot exceed ``cap`` (multi-response counts)."""
        self.relations.append(Relation({part: 1, cap: -1}, "<="))
        self._decided = None

    # --- deciding ---------------------------------------------------------------------
    def publish(self) -> dict[str, Published]:
        """Decide every count: primary, then secondary suppression until the audit passes."""
        if self._decided is not None:
            return self._decided
        k = self.k
        out: dict[str, Published] = {}
        for c in self.counts.values():
            if c.fixed is not None:
                out[c.key] = c.fixed
            elif c.components is None:
                out[c.key] = suppress_small_count(c.value, k)
        # Longer-period counts follow their parts (parts may themselves be derived).
        pending = [c for c in self.counts.values() if c.components is not None and c.fixed is None]
        while pending:
            progressed = False
            for c in list(pending):
                if all(p in out or p not in self.counts for p in c.components):
                    parts_shown = all(p in out and is_shown(out[p]) for p in c.components)
                    # The sum of the published parts: the same as the true value unless a part
                    # keeps a figure published before later returns changed it.
                    out[c.key] = sum(int(out[p]) for p in c.components) if parts_shown else NOT_SHOWN
                    pending.remove(c)
                    progressed = True
            if not progressed:
                for c in pending:
                    out[c.key] = NOT_SHOWN
                break
        self._secondary(out)
        self._decided = out
        return out

    def _free(self, key: str) -> bool:
        c = self.counts.get(key)
        return c is not None and c.fixed is None and c.components is None

    def _secondary(self, out: dict[str, Published]) -> None:
        """Hide more counts until no hidden count can be worked out from the rest."""
        k = self.k
        values = {key: c.value for key, c in self.counts.items()}
        known = {key: values[key] for key in self.assumed_known if key in values}

        def reader(view: dict[str, Published]) -> dict[str, Published]:
            return {**view, **known} if known else view

        def candidates(terms: Iterable[str]) -> list[str]:
            found = [t for t in terms if self._free(t) and is_shown(out[t]) and values[t] >= k]
            # Hide the smallest count first: it costs the reader least.
            return sorted(found, key=lambda t: (values[t], t))

        equalities = [r for r in self.relations if r.sense == "="]
        # 1. The classic rule: no equation may have exactly one unknown. Only equations with
        # a count decided here can change.
        equalities = [r for r in equalities if any(self._free(t) for t in r.terms)]
        seen = reader(out)
        for _ in range(len(self.counts) + 1):
            changed = False
            for rel in equalities:
                hidden = [t for t in rel.terms if t in seen and not is_shown(seen[t])
                          and seen[t] != NOT_SHOWN]
                if len(hidden) != 1:
                    continue
                unknown_free = [t for t in rel.terms if t in seen and seen[t] == NOT_SHOWN]
                if unknown_free:
                    continue  # a "not shown" figure leaves it open; the audit below checks
                pick = candidates(rel.terms)
                if pick:
                    out[pick[0]] = WITHHELD
                else:
                    self._drop_group(out, self.counts[hidden[0]].group)
                seen = reader(out)
                changed = True
            if not changed:
                break
        # 2. The full audit: bounds can pin a count even when every equation has two unknowns.
        # Only counts decided here are checked; after the first round, only those linked to
        # a count that changed, since nothing else a reader knows has moved.
        by_key: dict[str, list[Relation]] = defaultdict(list)
        for rel in self.relations:
            for t in rel.terms:
                by_key[t].append(rel)
        # Counts decided here, and hidden counts published elsewhere that share a relation with
        # one of them, which a figure decided here could give away (a quarter's hidden band,
        # through a year's group).
        own = [key for key, c in self.counts.items()
               if self._free(key) or (c.fixed is not None and not is_shown(c.fixed) and any(
                   self._free(t) for rel in by_key[key] for t in rel.terms))]
        check: list[str] = own
        strikes: dict[str, int] = {}
        # The true counts, then every solution found, carried from round to round: each round
        # only publishes less, so an earlier solution usually still fits (the audit checks).
        witnesses: list[dict[str, float]] = [dict(values)]
        for _ in range(200):
            try:
                result = audit(reader(out), self.relations, k, check=check, exact=False, witnesses=witnesses)
            except ValueError:
                # Figures published before no longer agree with the data (late returns for a
                # published quarter): nothing decided here can be shown consistently with them.
                for key in self.counts:
                    if self._free(key):
                        out[key] = NOT_SHOWN
                return
            if not result.disclosed:
                return
            touched: set[str] = set()
            changed: set[str] = set()
            before = dict(out)
            for key in result.disclosed:
                if key in touched or is_shown(out.get(key)):
                    continue  # an earlier fix in this round may already protect it
                terms = {t for rel in by_key[key] for t in rel.terms}
                touched |= terms
                strikes[key] = strikes.get(key, 0) + 1
                # A count still disclosed after a partner was withheld is held by bounds
                # elsewhere: stop chasing it cell by cell and withdraw its row; if even that
                # leaves it open (its row is already withdrawn, or it is a longer period's
                # count), withdraw every figure it shares a relation with.
                pick = candidates(terms) if strikes[key] < 2 else []
                if pick:
                    out[pick[0]] = WITHHELD
                    changed.add(pick[0])
                elif strikes[key] < 3 and self._free(key):
                    group = self.counts[key].group
                    self._drop_group(out, group)
                    changed |= {t for t, c in self.counts.items() if c.group == group}
                else:
                    for t in terms:
                        if self._free(t) and out[t] != NOT_SHOWN:
                            out[t] = NOT_SHOWN
                            changed.add(t)
                changed.add(key)
            if out == before:
                # Nothing decided here is left to withdraw: what pins these counts is published
                # elsewhere (or assumed known, see assume_known), not by this ledger's figures.
                return
            linked = self._linked_hidden(out, changed | set(result.disclosed), by_key)
            check = linked if result.complete else sorted(set(check) | set(linked))
        raise RuntimeError(f"secondary suppression did not converge: {result.disclosed[:5]}")  # pragma: no cover

    def _linked_hidden(self, out: dict[str, Published], start: set[str],
                       by_key: Mapping[str, list[Relation]]) -> list[str]:
        """Hidden counts reachable from ``start`` through relations among hidden counts."""
        seen, stack = set(start), list(start)
        while stack:
            key = stack.pop()
            for rel in by_key.get(key, ()):
                for t in rel.terms:
                    if t not in seen and t in out and not is_shown(out[t]):
                        seen.add(t)
                        stack.append(t)
        return sorted(t for t in seen if self._free(t) or t in start)

    def _drop_group(self, out: dict[str, Published], group: str) -> None:
        """Last resort: publish none of a table row, so it tells the reader nothing."""
        for key, c in self.counts.items():
            if c.group == group and c.fixed is None:
                out[key] = NOT_SHOWN

    def audit_data(self, keys: Iterable[str] | None = None) -> dict:
        """The published figures and relations, as JSON: what any reader of a report knows."""
        published = self.publish()
        chosen = set(published) if keys is None else set(keys)
        relations = [r.to_json() for r in self.relations if set(r.terms) & chosen]
        return {
            "k": self.k,
            "cells": {key: published[key] for key in sorted(chosen) if key in published},
            "relations": relations,
        }


# --------------------------------------------------------------------------------------------
# The auditor: what can a reader work out from the published figures alone?
# --------------------------------------------------------------------------------------------


@dataclass
class AuditResult:
    """For each hidden count, the smallest and largest value consistent with what is published,
    and the hidden counts a reader can work out (``disclosed``, see :func:`is_disclosed`)."""

    ranges: dict[str, tuple[float, float]]
    disclosed: list[str]
    # False when a quick pass stopped at the first counts it found given away, before checking
    # the rest: a caller fixing those must check every count again.
    complete: bool = True

    def to_json(self) -> dict:
        return {
            "ranges": {k: [lo, hi if math.isfinite(hi) else None] for k, (lo, hi) in self.ranges.items()},
            "disclosed": list(self.disclosed),
        }


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


_BIG = 10_000_000.0


def _clears(published: Published, lo: float, hi: float, k: int) -> bool:
    """Whether the values seen for a hidden figure, from ``lo`` to ``hi``, already show a
    reader cannot work it out (only once some value has been seen: ``lo <= hi``)."""
    return lo <= hi and not is_disclosed(published, lo, hi, k)


def _bounds_for(value: Published | None, k: int) -> tuple[float, float]:
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


def connected(published: Mapping[str, Published], relations: Sequence[Relation],
              start: Iterable[str]) -> tuple[list[Relation], set[str]]:
    """The relations and hidden counts linked to ``start`` through relations that share a
    count not published as a number.

    Counts outside this part are independent of it: whatever is learnt about ``start`` cannot
    change what a reader knows of them, so an audit of a new statement about ``start`` needs
    only this part."""
    def unknown(key: str) -> bool:
        return not is_shown(published.get(key))

    by_key: dict[str, list[int]] = defaultdict(list)
    for i, rel in enumerate(relations):
        for key in rel.terms:
            if unknown(key):
                by_key[key].append(i)
    keys = {key for key in start if unknown(key)}
    todo, chosen = list(keys), set()
    while todo:
        for i in by_key.get(todo.pop(), ()):
            if i in chosen:
                continue
            chosen.add(i)
            for key in relations[i].terms:
                if unknown(key) and key not in keys:
                    keys.add(key)
                    todo.append(key)
    return [relations[i] for i in sorted(chosen)], keys


def _sparse(entries: Sequence[tuple[int, int, float]], rows: int, columns: int):
    """A constraint matrix from (row, column, coefficient) entries, in the form HiGHS takes."""
    i, j, v = zip(*entries, strict=True)
    return coo_array((np.array(v, dtype=float), (np.array(i), np.array(j))), shape=(rows, columns)).tocsr()


def expression_range(published: Mapping[str, Published], relations: Sequence[Relation | Mapping],
                     expr: Mapping[str, int], k: int = DEFAULT_K) -> tuple[float, float]:
    """The smallest and largest value of ``sum(coef * count)`` over ``expr`` that a reader of
    ``published`` and ``relations`` cannot rule out (integer programs; ``inf`` when unbounded).
    Raises ``ValueError`` if the figures contradict each other."""
    rels = [Relation.from_json(r) for r in relations]
    keys = set(expr) | {t for r in rels for t in r.terms}
    bounds = {t: _bounds_for(published.get(t), k) for t in keys}
    names = sorted(t for t in keys if bounds[t][0] != bounds[t][1])
    index = {t: i for i, t in enumerate(names)}
    entries: list[tuple[int, int, float]] = []
    lows: list[float] = []
    highs: list[float] = []
    for r in rels:
        rhs = -float(r.constant)
        row = []
        for t, c in r.terms.items():
            if t in index:
                row.append((index[t], c))
            else:
                rhs -= c * bounds[t][0]
        if not row:
            if rhs < -1e-9 or (r.sense == "=" and rhs > 1e-9):
                raise ValueError("the published figures contradict a relation between them")
            continue
        entries.extend((len(lows), j, c) for j, c in row)
        lows.append(rhs if r.sense == "=" else -np.inf)
        highs.append(rhs)
    constant = float(sum(c * bounds[t][0] for t, c in expr.items() if t not in index))
    objective = np.zeros(len(names))
    for t, c in expr.items():
        if t in index:
            objective[index[t]] += c
    if not objective.any():
        return constant, constant
    constraints = [LinearConstraint(_sparse(entries, len(lows), len(names)), lows, highs)] if lows else []
    box = Bounds(np.array([bounds[t][0] for t in names]), np.array([min(bounds[t][1], _BIG) for t in names]))
    out = []
    for sign in (1, -1):
        res = milp(sign * objective, constraints=constraints, integrality=np.ones(len(names)), bounds=box)
        if res.status != 0:
            raise ValueError("the published figures contradict each other")
        value = float(objective @ np.round(res.x))
        out.append(value if abs(value) < _BIG / 2 else sign * -math.inf)
    return constant + out[0], constant + out[1]


def audit(
    published: Mapping[str, Published],
    relations: Sequence[Relation | Mapping],
    k: int = DEFAULT_K,
    check: Iterable[str] | None = None,
    exact: bool = True,
    witnesses: list[dict[str, float]] | None = None,
) -> AuditResult:
    """Find hidden counts a reader could pin down from published figures and relations.

    ``published`` maps keys to published figures (numbers, "fewer than k", "withheld",
    "not shown"); keys named in relations but not published are unknown non-negative
    integers. Each hidden count in ``check`` (default: every "fewer than k" or "withheld"
    figure) is minimised and maximised by integer linear programming over the connected
    group of relations it sits in. Returns ranges and the hidden counts a reader can work
    out (see :class:`AuditResult`).
    With ``exact=False`` the search stops as soon as two solutions differ for a count, so
    its range is only a lower estimate of the true range, but ``disclosed`` is still exact.
    ``witnesses``: points (``{key: value}``) found before, such as the true counts or an earlier
    audit's solutions; each one that satisfies the present figures and relations counts as a
    solution, and solutions found here are added to the list, so repeated audits of a ledger
    that only ever publishes less need fewer programs. A point lacking a count takes it from
    the first point (give the true counts first).
    """
    rels = [Relation.from_json(r) for r in relations]
    if check is not None:
        check = list(check)
        # Only the relations linked to the counts checked can bear on them (see connected).
        rels, _ = connected(published, rels, check)
    bounds: dict[str, tuple[float, float]] = {}
    for r in rels:
        for t in r.terms:
            bounds.setdefault(t, _bounds_for(published.get(t), k))
    for t, v in published.items():
        bounds.setdefault(t, _bounds_for(v, k))
    unknown = {t for t, (lo, hi) in bounds.items() if lo != hi}
    targets = [t for t in (check if check is not None else published)
               if t in published and not is_shown(published[t])]

    # Substitute known figures; a relation left with one unknown is just a bound on it.
    bnd = {t: list(b) for t, b in bounds.items()}
    for _ in range(len(rels) + 1):
        unknown = {t for t, (lo, hi) in bnd.items() if lo != hi}
        reduced: list[tuple[dict[str, int], str, float]] = []
        tightened = False
        for r in rels:
            terms = {t: c for t, c in r.terms.items() if t in unknown and c != 0}
            constant = r.constant + sum(c * bnd[t][0] for t, c in r.terms.items() if t not in unknown)
            if len(terms) == 1:
                (t, coef), = terms.items()
                limit = -constant / coef
                lo, hi = bnd[t]
                if r.sense == "=":
                    lo, hi = max(lo, limit), min(hi, limit)
                elif coef > 0:
                    hi = min(hi, math.floor(limit + 1e-9))
                else:
                    lo = max(lo, math.ceil(limit - 1e-9))
                if lo > hi:
                    raise ValueError(f"published figures are inconsistent around {t}")
                if [lo, hi] != bnd[t]:
                    bnd[t] = [lo, hi]
                    tightened = True
            elif terms:
                reduced.append((terms, r.sense, -constant))
        if not tightened:
            break
    bounds = {t: (b[0], b[1]) for t, b in bnd.items()}
    # Cheap and sound first: propagate bounds through the relations. Whatever it pins is
    # pinned; the tighter bounds also speed up the integer programs below.
    bounds = _propagate(bounds, reduced)
    if not exact:
        fast = [t for t in targets if is_disclosed(published[t], *bounds[t], k)]
        if fast:
            return AuditResult({t: bounds[t] for t in targets}, sorted(fast), complete=False)
    # Union-find over unknowns sharing a relation, so each group is solved on its own.
    parent: dict[str, str] = {t: t for t in unknown | set(targets)}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for terms, _, _ in reduced:
        first, *rest = terms
        for t in rest:
            a, b = find(first), find(t)
            if a != b:
                parent[a] = b
    members: dict[str, list[str]] = defaultdict(list)
    for t in unknown | set(targets):
        members[find(t)].append(t)
    rels_of: dict[str, list[int]] = defaultdict(list)
    for i, (terms, _, _) in enumerate(reduced):
        rels_of[find(next(iter(terms)))].append(i)

    ranges: dict[str, tuple[float, float]] = {}
    disclosed: list[str] = []
    for root, group_targets in itertools.groupby(sorted(targets, key=lambda t: (find(t), t)),
                                                 key=find):
        names = sorted(members[root])
        group_targets = list(group_targets)
        if len(names) == 1 and not rels_of[root]:
            # Known from bounds alone (possibly tightened to a single value above).
            t = names[0] if names[0] in bounds else group_targets[0]
            lo, hi = bounds[t]
            ranges[t] = (lo, hi)
            if is_disclosed(published[t], lo, hi, k):
                disclosed.append(t)
            continue
        single = rels_of[root]
        if len(single) == 1 and reduced[single[0]][1] == "=" and all(
                abs(c) == 1 for c in reduced[single[0]][0].values()):
            terms, _, rhs = reduced[single[0]]
            for t, (lo, hi) in _one_equation_ranges(terms, rhs, bounds).items():
                if t in group_targets:
                    ranges[t] = (lo, hi)
                    if is_disclosed(published[t], lo, hi, k):
                        disclosed.append(t)
            continue
        index = {t: i for i, t in enumerate(names)}
        n = len(names)
        entries: list[tuple[int, int, float]] = []
        lows, highs = [], []
        for i in rels_of[root]:
            terms, sense, rhs = reduced[i]
            entries.extend((len(lows), index[t], c) for t, c in terms.items())
            lows.append(rhs if sense == "=" else -np.inf)
            highs.append(rhs)
        lb = np.array([bounds[t][0] for t in names])
        # A large finite cap keeps every problem bounded; reaching it means "no upper limit".
        ub = np.array([min(bounds[t][1], _BIG) for t in names])
        # One sparse matrix per group, made once for all its programs (each is mostly zeros).
        matrix = _sparse(entries, len(lows), n) if lows else None
        constraints = [LinearConstraint(matrix, lows, highs)] if lows else []
        constraint_set = constraints
        seen_lo = np.full(n, np.inf)
        seen_hi = np.full(n, -np.inf)
        base = witnesses[0] if witnesses else {}
        for point in witnesses if witnesses is not None else ():
            # A solution found before (or the true counts) that satisfies every constraint of
            # this group as it stands is a value the reader cannot rule out: checked here, so
            # it can only clear a count, never pin one.
            x = np.array([point.get(t, base.get(t, math.nan)) for t in names])
            if np.isnan(x).any() or (x < lb).any() or (x > ub).any():
                continue
            if matrix is not None:
                ax = matrix @ x
                if (ax < np.array(lows) - 1e-6).any() or (ax > np.array(highs) + 1e-6).any():
                    continue
            np.minimum(seen_lo, x, out=seen_lo)
            np.maximum(seen_hi, x, out=seen_hi)

        def solve(objective: np.ndarray, target: str, constraint_set=constraint_set, lb=lb, ub=ub,
                  seen_lo=seen_lo, seen_hi=seen_hi, names=names) -> np.ndarray:
            res = milp(objective, constraints=constraint_set, integrality=np.ones(len(lb)),
                       bounds=Bounds(lb, ub))
            if res.status != 0:  # the published figures would contradict each other
                raise ValueError(f"published figures are inconsistent around {target}")
            x = np.round(res.x)
            np.minimum(seen_lo, x, out=seen_lo)
            np.maximum(seen_hi, x, out=seen_hi)
            if witnesses is not None:
                witnesses.append(dict(zip(names, x.tolist(), strict=True)))
            return x

        if not exact and not all(_clears(published[t], seen_lo[index[t]], seen_hi[index[t]], k)
                                 for t in group_targets):
            # A few cheap solutions first, pushed in opposite random directions: any count
            # that differs between two of them is not pinned. Seeded, so runs repeat exactly.
            rng = np.random.default_rng(n)
            for _ in range(2):
                weights = rng.uniform(0.5, 1.5, n)
                solve(weights, group_targets[0])
                solve(-weights, group_targets[0])
                if all(_clears(published[t], seen_lo[index[t]], seen_hi[index[t]], k)
                       for t in group_targets):
                    break
            # Then push every count still open up together, and down together, while that
            # clears some: far fewer programs than two per count.
            still = [t for t in group_targets
                     if not _clears(published[t], seen_lo[index[t]], seen_hi[index[t]], k)]
            while still:
                push = np.zeros(n)
                for t in still:
                    push[index[t]] = 1.0
                solve(-push, still[0])
                solve(push, still[0])
                after = [t for t in still if not _clears(published[t], seen_lo[index[t]], seen_hi[index[t]], k)]
                if len(after) == len(still):
                    break
                still = after
        for target in group_targets:
            i = index[target]
            # Two solutions already show the reader cannot tell: the range seen so far is a
            # lower estimate of the true one, enough to clear the count.
            if not exact and _clears(published[target], seen_lo[i], seen_hi[i], k):
                ranges[target] = (float(seen_lo[i]), float(seen_hi[i]))
                continue
            c = np.zeros(n)
            c[i] = -1.0
            hi = float(solve(c, target)[i])
            if not exact and not is_disclosed(published[target], seen_lo[i], hi, k):
                ranges[target] = (float(seen_lo[i]), math.inf if hi >= _BIG / 2 else hi)
                continue
            c[i] = 1.0
            lo = float(solve(c, target)[i])
            ranges[target] = (lo, math.inf if hi >= _BIG / 2 else hi)
            if is_disclosed(published[target], lo, ranges[target][1], k):
                disclosed.append(target)
    return AuditResult(ranges, sorted(disclosed))


def _propagate(bounds: dict[str, tuple[float, float]],
               reduced: Sequence[tuple[dict[str, int], str, float]],
               passes: int = 50) -> dict[str, tuple[float, float]]:
    """Tighten integer bounds through each relation in turn until nothing changes."""
    bounds = dict(bounds)
    unit = [r for r in reduced if all(abs(c) == 1 for c in r[0].values())]
    for _ in range(passes):
        changed = False
        for terms, sense, rhs in unit:
            if sense == "=":
                new = _one_equation_ranges(terms, rhs, bounds)
            else:
                # sum(a x) <= rhs: each term is at most rhs minus the least the others can be.
                mins = {t: (c * bounds[t][0] if c > 0 else c * bounds[t][1]) for t, c in terms.items()}
                total = sum(mins.values())
                new = {}
                for t, c in terms.items():
                    rest = total - mins[t] if math.isfinite(mins[t]) else sum(
                        v for u, v in mins.items() if u != t)
                    limit = rhs - rest
                    lo, hi = bounds[t]
                    if c > 0:
                        hi = min(hi, math.floor(limit + 1e-9) if math.isfinite(limit) else limit)
                    else:
                        lo = max(lo, math.ceil(-limit - 1e-9) if math.isfinite(limit) else -limit)
                    if lo > hi:
                        raise ValueError(f"published figures are inconsistent around {t}")
                    new[t] = (lo, hi)
            for t, (lo, hi) in new.items():
                lo, hi = math.ceil(lo - 1e-9), (math.floor(hi + 1e-9) if math.isfinite(hi) else hi)
                old_lo, old_hi = bounds[t]
                lo, hi = max(lo, old_lo), min(hi, old_hi)
                if (lo, hi) != (old_lo, old_hi):
                    bounds[t] = (lo, hi)
                    changed = True
        if not changed:
            break
    return bounds


def _one_equation_ranges(terms: Mapping[str, int], rhs: float,
                         bounds: Mapping[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """Exact ranges for ``sum(+-x) = rhs`` over integer intervals (sums of integer intervals
    are whole intervals, so no search is needed)."""
    ys = {}
    for t, coef in terms.items():
        lo, hi = bounds[t]
        ys[t] = (lo, hi) if coef > 0 else (-hi, -lo)
    total_lo = sum(y[0] for y in ys.values())
    total_hi = sum(y[1] for y in ys.values())
    out = {}
    for t, coef in terms.items():
        ylo, yhi = ys[t]
        rest_hi = total_hi - yhi if math.isfinite(yhi) else sum(
            y[1] for u, y in ys.items() if u != t)
        rest_lo = total_lo - ylo if math.isfinite(ylo) else sum(
            y[0] for u, y in ys.items() if u != t)
        lo, hi = max(ylo, rhs - rest_hi), min(yhi, rhs - rest_lo)
        if lo > hi:
            raise ValueError(f"published figures are inconsistent around {t}")
        out[t] = (lo, hi) if coef > 0 else (-hi, -lo)
    return out


def audit_reports(reports: Sequence[Mapping], exact: bool = True) -> AuditResult:
    """Audit several published reports together, as a reader holding all of them would.

    Each report is the JSON of a built report (its ``disclosure.audit`` part is used). A
    figure published under the same key in two reports must agree.
    """
    cells: dict[str, Published] = {}
    relations: list[Mapping] = []
    k = None
    for report in reports:
        data = report["disclosure"]["audit"] if "disclosure" in report else report
        k = data["k"] if k is None else min(k, data["k"])
        for key, value in data["cells"].items():
            if key in cells and cells[key] != value:
                # Two reports disagree: the reader keeps the more informative figure.
                lo_a, hi_a = _bounds_for(cells[key], data["k"])
                lo_b, hi_b = _bounds_for(value, data["k"])
                if (hi_b - lo_b) < (hi_a - lo_a):
                    cells[key] = value
            else:
                cells.setdefault(key, value)
        relations.extend(data["relations"])
    return audit(cells, relations, k or DEFAULT_K, exact=exact)
