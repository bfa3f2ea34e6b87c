"""The auditor: what can a reader work out from published figures and relations alone?

:func:`audit` plays a reader who knows only the published figures and the linear relations
between them, and works out by integer linear programming the smallest and largest value each
hidden count could take; a hidden count narrowed to what its form promised to hide is
*disclosed* (:func:`~analysis.disclosure.rules.is_disclosed`). With ``exact=True`` ranges are
exact; with ``exact=False`` the list of disclosed counts is still exact but ranges of counts
that are safe may be lower estimates. :func:`audit_reports` audits many reports together, as a
reader holding all of them would; :func:`expression_range` bounds any linear expression (used
to decide whether a comparison may be printed).
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

from analysis.disclosure.rules import (
    DEFAULT_K,
    Published,
    Relation,
    bounds_of,
    is_disclosed,
    is_shown,
)


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



_BIG = 10_000_000.0


def _clears(published: Published, lo: float, hi: float, k: int) -> bool:
    """Whether the values seen for a hidden figure, from ``lo`` to ``hi``, already show a
    reader cannot work it out (only once some value has been seen: ``lo <= hi``)."""
    return lo <= hi and not is_disclosed(published, lo, hi, k)



def connected(published: Mapping[str, Published], relations: Sequence[Relation],
              start: Iterable[str]) -> tuple[list[Relation], set[str]]:
    """The relations and hidden counts linked to ``start`` through relations that share a
    count not published as a number.

    Counts outside this part are independent of it: whatever is learnt about ``start`` cannot
    change what a reader knows of them, so an audit of a new statement about ``start`` needs
    only this part."""
    shown = {key for key, value in published.items() if is_shown(value)}
    by_key: dict[str, list[int]] = defaultdict(list)
    for i, rel in enumerate(relations):
        for key in rel.terms:
            if key not in shown:
                by_key[key].append(i)
    keys = {key for key in start if key not in shown}
    todo, chosen = list(keys), set()
    while todo:
        for i in by_key.get(todo.pop(), ()):
            if i in chosen:
                continue
            chosen.add(i)
            for key in relations[i].terms:
                if key not in shown and key not in keys:
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
    bounds = {t: bounds_of(published.get(t), k) for t in keys}
    reduced: list[tuple[dict[str, int], str, float]] = []
    for r in rels:
        rhs = -float(r.constant)
        terms = {}
        for t, c in r.terms.items():
            if c == 0:
                continue
            if bounds[t][0] != bounds[t][1]:
                terms[t] = c
            else:
                rhs -= c * bounds[t][0]
        if not terms:
            if rhs < -1e-9 or (r.sense == "=" and rhs > 1e-9):
                raise ValueError("the published figures contradict a relation between them")
            continue
        reduced.append((terms, r.sense, rhs))
    reduced, _ = _without_free_counts(reduced, bounds, set(expr))
    names = sorted({t for t in expr if bounds[t][0] != bounds[t][1]} | {t for terms, _, _ in reduced for t in terms})
    index = {t: i for i, t in enumerate(names)}
    entries: list[tuple[int, int, float]] = []
    lows: list[float] = []
    highs: list[float] = []
    for terms, sense, rhs in reduced:
        entries.extend((len(lows), index[t], c) for t, c in terms.items())
        lows.append(rhs if sense == "=" else -np.inf)
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
    targets = [t for t in (check if check is not None else published)
               if t in published and not is_shown(published[t])]
    # What the reader knows of each count in a relation or checked here (a published count in
    # no relation and not checked bears on nothing below).
    bounds: dict[str, tuple[float, float]] = {}
    for t in itertools.chain((t for r in rels for t in r.terms), targets):
        if t not in bounds:
            bounds[t] = bounds_of(published.get(t), k)

    # Substitute known figures; a relation left with one unknown is just a bound on it. A
    # relation is looked at again only when one of its counts has become known.
    bnd = {t: list(b) for t, b in bounds.items()}
    relations_of: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rels):
        for t in r.terms:
            relations_of[t].append(i)
    queue = deque(range(len(rels)))
    queued = [True] * len(rels)
    while queue:
        i = queue.popleft()
        queued[i] = False
        r = rels[i]
        open_terms = [(t, c) for t, c in r.terms.items() if c != 0 and bnd[t][0] != bnd[t][1]]
        if len(open_terms) != 1:
            continue
        (t, coef), = open_terms
        constant = r.constant + sum(c * bnd[u][0] for u, c in r.terms.items() if bnd[u][0] == bnd[u][1])
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
        bnd[t] = [lo, hi]
        if lo == hi:
            for j in relations_of[t]:
                if not queued[j]:
                    queued[j] = True
                    queue.append(j)
    unknown = {t for t, (lo, hi) in bnd.items() if lo != hi}
    reduced: list[tuple[dict[str, int], str, float]] = []
    for r in rels:
        terms = {t: c for t, c in r.terms.items() if t in unknown and c != 0}
        if len(terms) > 1:
            constant = r.constant + sum(c * bnd[t][0] for t, c in r.terms.items() if t not in unknown)
            reduced.append((terms, r.sense, -constant))
    bounds = {t: (b[0], b[1]) for t, b in bnd.items()}
    # Counts no printed figure limits from above, each in one relation, are left out with
    # their relations' slack (a reader holding many reports holds thousands of them).
    reduced, dropped = _without_free_counts(reduced, bounds, set(targets))
    unknown -= dropped
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


def _without_free_counts(reduced: Sequence[tuple[dict[str, int], str, float]],
                         bounds: Mapping[str, tuple[float, float]],
                         keep: set[str]) -> tuple[list[tuple[dict[str, int], str, float]], set[str]]:
    """Drop the unknowns that can take whatever value their one relation needs.

    A count with no upper bound that appears in a single relation (a part a reader never saw
    printed, such as a quarter's cell missing from a year's sum) constrains the others only
    through its own lower bound: ``x + rest = rhs`` with ``x >= lo`` says exactly
    ``rest <= rhs - lo``, and ``rest - x <= rhs`` says nothing at all. Replacing each such
    relation by what it says about the others leaves every other count with exactly the
    values it could take before (``x`` is then a whole number again, as its coefficient is
    1 or -1), so ranges and disclosures are unchanged while the programs shrink; counts in
    ``keep`` are never dropped. Returns the relations left and the counts dropped."""
    # Relations are replaced, never changed in place: the caller's dicts stay as they were.
    relations: list[tuple[dict[str, int], str, float] | None] = list(reduced)
    where: dict[str, list[int]] = defaultdict(list)  # every relation a count was ever in
    for i, (terms, _, _) in enumerate(relations):
        for t in terms:
            where[t].append(i)
    uses = {t: len(found) for t, found in where.items()}  # the relations a count is still in
    open_above = {t for t in where if t not in keep and math.isfinite(bounds[t][0])
                  and not math.isfinite(bounds[t][1])}

    dropped: set[str] = set()
    todo = [t for t in where if t in open_above and uses[t] == 1]  # in a fixed order
    while todo:
        x = todo.pop()
        if x in dropped or uses[x] != 1:
            continue
        i = next(j for j in where[x] if relations[j] is not None and x in relations[j][0])
        terms, sense, rhs = relations[i]
        c = terms[x]
        rest = {t: v for t, v in terms.items() if t != x}
        lo = bounds[x][0]
        if sense == "=":
            if abs(c) != 1 or float(rhs) != int(rhs):
                continue  # x would have to be a fraction for some values of the rest
            # c = 1: x = rhs - rest >= lo; c = -1: x = rest - rhs >= lo.
            new = (rest, "<=", rhs - lo) if c > 0 else ({t: -v for t, v in rest.items()}, "<=", -rhs - lo)
        elif c > 0:
            new = (rest, "<=", rhs - c * lo)  # x at its least leaves the most room
        else:
            new = None  # x can always grow enough
        dropped.add(x)
        uses[x] = 0
        if new is not None and not new[0]:
            if new[2] < -1e-9:
                raise ValueError(f"published figures are inconsistent around {x}")
        elif new is not None:
            # What is left may hold whatever the others are ("-q <= 6"): then it says nothing.
            most = sum(v * (bounds[t][1] if v > 0 else bounds[t][0]) for t, v in new[0].items())
            if most > new[2] + 1e-9:
                relations[i] = new
                continue
        relations[i] = None
        for t in rest:
            uses[t] -= 1
            if uses[t] == 1 and t in open_above:
                todo.append(t)
    return [r for r in relations if r is not None], dropped


def _propagate(bounds: dict[str, tuple[float, float]],
               reduced: Sequence[tuple[dict[str, int], str, float]],
               passes: int = 50) -> dict[str, tuple[float, float]]:
    """Tighten integer bounds through the relations until nothing changes.

    Every relation is applied once, then again only when a count in it has been tightened
    (at most ``passes`` times the number of relations in all): the bounds reached are the
    same as going through every relation in turn until a whole pass changes nothing."""
    bounds = dict(bounds)
    unit = [r for r in reduced if all(abs(c) == 1 for c in r[0].values())]
    relations_of: dict[str, list[int]] = defaultdict(list)
    for i, (terms, _, _) in enumerate(unit):
        for t in terms:
            relations_of[t].append(i)
    queue = deque(range(len(unit)))
    queued = [True] * len(unit)
    budget = passes * len(unit)
    while queue and budget:
        budget -= 1
        i = queue.popleft()
        queued[i] = False
        terms, sense, rhs = unit[i]
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
                for j in relations_of[t]:
                    if not queued[j]:
                        queued[j] = True
                        queue.append(j)
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
                lo_a, hi_a = bounds_of(cells[key], data["k"])
                lo_b, hi_b = bounds_of(value, data["k"])
                if (hi_b - lo_b) < (hi_a - lo_a):
                    cells[key] = value
            else:
                cells.setdefault(key, value)
        relations.extend(data["relations"])
    return audit(cells, relations, k or DEFAULT_K, exact=exact)
