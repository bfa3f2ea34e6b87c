"""The ledger: the counts one report (or one quarter) may publish, and what it publishes.

A ledger collects counts and the relations a reader knows between them, then decides each
count's published form: primary suppression (:func:`~analysis.disclosure.rules.suppress_small_count`),
longer periods shown only when all their parts are, then secondary suppression, hiding more
counts until :func:`~analysis.disclosure.auditor.audit` finds nothing a reader could work out.
What it guarantees: every figure of :meth:`Ledger.publish` passes that audit together with the
figures published before (given as fixed) and the relations a reader knows; if no choice of
figures decided here can make them consistent with those published before, it shows none.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from analysis.disclosure.auditor import audit
from analysis.disclosure.rules import (
    DEFAULT_K,
    NOT_SHOWN,
    WITHHELD,
    Published,
    Relation,
    check_threshold,
    is_shown,
    suppress_small_count,
)


@dataclass
class _Count:
    key: str
    value: int
    group: str
    fixed: Published | None = None  # published elsewhere already; cannot change here
    components: tuple[str, ...] | None = None  # a longer period's count: sum of these



class History:
    """What the readers of reports published before hold: their figures by key and the relations
    between them. A ledger told of it (:meth:`Ledger.hold`) protects those figures too, so a new
    report cannot pin a count hidden before by adding to what earlier reports printed (a year's
    group minus a rolling 12 months published earlier, say).

    Made once per set of published reports (the app keeps one per process). A relation is held
    with the counts those reports printed as numbers folded into its constant (see ``held``),
    which is how every audit would read it, so the audits of a draft do not substitute the same
    printed figures again (a reader of ten years of reports holds tens of thousands of them)."""

    def __init__(self, figures: Mapping[str, Published], relations: Iterable[Relation | Mapping]) -> None:
        self.figures = dict(figures)
        self.relations = [Relation.from_json(r) for r in relations]
        self.markers = [r.marker() for r in self.relations]
        # Only counts not printed as numbers lead anywhere (see ``around``): index those alone.
        self._shown = {key for key, value in self.figures.items() if is_shown(value)}
        self._by_key: dict[str, list[int]] = {}
        for i, rel in enumerate(self.relations):
            for key in rel.terms:
                if key not in self._shown:
                    found = self._by_key.get(key)
                    if found is None:
                        self._by_key[key] = [i]
                    else:
                        found.append(i)
        # Each relation as a ledger holds it, made the first time one is held (see ``held``).
        self._held: dict[int, tuple[Relation | None, tuple | None, list[tuple[str, Published]]]] = {}

    def held(self, i: int) -> tuple[Relation | None, tuple | None, list[tuple[str, Published]]]:
        """Relation ``i`` as a ledger holds it: with every count printed as a number replaced by
        its value and marked as held (None where the printed figures settle it entirely), its
        marker, and the published figure of each of its counts that has one."""
        found = self._held.get(i)
        if found is None:
            rel = self.relations[i]
            shown, figures = self._shown, self.figures
            # One pass over the terms (a reader of ten years of reports holds tens of thousands).
            terms, constant, printed = {}, rel.constant, []
            for key, c in rel.terms.items():
                if key in figures:
                    printed.append((key, figures[key]))
                if key in shown:
                    constant += c * int(figures[key])
                elif c != 0:
                    terms[key] = c
            folded = Relation(terms, rel.sense, constant, held=True) if terms else None
            found = (folded, folded.marker() if folded is not None else None, printed)
            self._held[i] = found
        return found

    def around(self, keys: Iterable[str]) -> list[int]:
        """The relations (by position) linked to ``keys`` through counts these reports did not
        print as numbers (a printed number stops the chain: the reader knows it already)."""
        todo = [key for key in keys if not is_shown(self.figures.get(key))]
        seen_keys, chosen = set(todo), set()
        while todo:
            for i in self._by_key.get(todo.pop(), ()):
                if i in chosen:
                    continue
                chosen.add(i)
                for key in self.relations[i].terms:
                    if key not in seen_keys and not is_shown(self.figures.get(key)):
                        seen_keys.add(key)
                        todo.append(key)
        return sorted(chosen)


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

    def hold(self, history: History, keys: Iterable[str]) -> None:
        """Add what readers of earlier reports know about ``keys``: the relations linked to them
        (held, with the figures those reports printed folded in, see :class:`History`) and, as
        figures already published, every count of those relations that was published."""
        seen = {r.marker() for r in self.relations}
        for i in history.around(keys):
            rel, marker, figures = history.held(i)
            if rel is None or marker in seen or history.markers[i] in seen:
                continue
            seen.add(marker)
            self.relations.append(rel)
            for key, figure in figures:
                if key not in self.counts:
                    # A hidden figure's true value is not known here: the guess only keeps the
                    # true counts from serving as a ready solution (the audit checks each one).
                    self.fixed(key, int(figure) if is_shown(figure) else 0, figure)
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
        # The counts decided here (see ``_free``), looked up many times over thousands of relations.
        free = {key for key in self.counts if self._free(key)}
        known = {key: values[key] for key in self.assumed_known if key in values}

        def reader(view: dict[str, Published]) -> dict[str, Published]:
            return {**view, **known} if known else view

        def candidates(terms: Iterable[str]) -> list[str]:
            found = [t for t in terms if t in free and is_shown(out[t]) and values[t] >= k]
            # Hide the smallest count first: it costs the reader least.
            return sorted(found, key=lambda t: (values[t], t))

        equalities = [r for r in self.relations if r.sense == "="]
        # 1. The classic rule: no equation may have exactly one unknown. Only equations with
        # a count decided here can change.
        equalities = [r for r in equalities if any(t in free for t in r.terms)]
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
        beside_free = {t for key in free for rel in by_key.get(key, ()) for t in rel.terms}
        own = [key for key, c in self.counts.items()
               if key in free or (c.fixed is not None and not is_shown(c.fixed) and key in beside_free)]
        check: list[str] = own
        strikes: dict[str, int] = {}

        def withdraw_around(key: str, changed: set[str]) -> None:
            """The last resort: withdraw every figure decided here that shares a relation with ``key``."""
            for t in {t for rel in by_key[key] for t in rel.terms}:
                if t in free and out[t] != NOT_SHOWN:
                    out[t] = NOT_SHOWN
                    changed.add(t)

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
                    if key in free:
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
                elif strikes[key] < 3 and key in free:
                    group = self.counts[key].group
                    self._drop_group(out, group)
                    changed |= {t for t, c in self.counts.items() if c.group == group}
                else:
                    withdraw_around(key, changed)
                changed.add(key)
            if out == before:
                # The cheaper steps changed nothing (the partners of a count decided here are too
                # small to withhold and its row is already withdrawn, so the next round would do
                # the same): withdraw now every figure sharing a relation with each such count.
                for key in result.disclosed:
                    if key in free and not is_shown(out[key]):
                        strikes[key] = 3
                        withdraw_around(key, changed)
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
        relations = [r.to_json() for r in self.relations if not r.held and set(r.terms) & chosen]
        return {
            "k": self.k,
            "cells": {key: published[key] for key in sorted(chosen) if key in published},
            "relations": relations,
        }

