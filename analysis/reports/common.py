"""Pieces shared by every report: tables, sentences and the record of published figures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from analysis.disclosure import WITHHELD, Published, Relation, is_shown, share
from analysis.reports.counts import PeriodCounts
from analysis.reports.translation import N_, ReportWords

#: The note under a table of themes by group. A table that collapses to one line (nothing in it
#: to compare) drops it, so the renderer knows it by this one text.
SEVERAL_THEMES = N_("People can cite several themes, so columns do not add up to the group.")


def lower_first(text: str) -> str:
    """"Caseload and workload" -> "caseload and workload", but "IT support" stays."""
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


def listed(items: Sequence[str], words: ReportWords) -> str:
    """["a", "b", "c"] -> "a, b and c" in the edition's language."""
    return words.listed(items)


class PublishedFigures:
    """Looks up the published form of any count and remembers which ones a report used.

    The report's JSON carries exactly the figures it shows and the relations between them,
    so :func:`analysis.disclosure.audit` can check the report knowing only what it publishes.
    """

    def __init__(self, periods: Sequence[PeriodCounts], k: int) -> None:
        self.k = k
        self._owner: dict[str, PeriodCounts] = {p.label: p for p in periods}
        self._periods = list(periods)
        self.used: dict[str, Published] = {}
        # Sentences that state a relation between hidden counts (a comparison), as relations.
        self.statements: list[Relation] = []

    def add(self, period: PeriodCounts) -> None:
        self._owner.setdefault(period.label, period)
        self._periods.append(period)

    def get(self, key: str) -> Published:
        """The published figure for ``key``; a count that was never decided is "not shown"."""
        owner = self._owner.get(key.split("|", 1)[0])
        if owner is None or not owner.has(key):
            value: Published = "not shown"
        else:
            value = owner.published(key)
        self.used[key] = value
        return value

    def audit_data(self) -> dict:
        for rel in self.statements:
            for key in rel.terms:  # the counts a statement is about join the record as published
                self.get(key)
        used = set(self.used)
        relations, seen = [], set()
        for period in self._periods:
            for rel in period.ledger.relations:
                # Relations held from published reports are in those reports' records already.
                if not rel.held and used & set(rel.terms):
                    marker = rel.marker()
                    if marker not in seen:
                        seen.add(marker)
                        relations.append(rel.to_json())
        # Marked, so later reports can take them into account (``published_statements``).
        relations.extend({**rel.to_json(), "statement": True} for rel in self.statements)
        return {"k": self.k, "cells": dict(sorted(self.used.items())), "relations": relations}


def published_figures(reports: Sequence[Mapping]) -> dict[str, Published]:
    """Figures by key as first published in ``reports`` (JSON, oldest first): a report built
    after them keeps these figures for the periods they cover."""
    out: dict[str, Published] = {}
    for data in reports:
        for key, value in data.get("disclosure", {}).get("audit", {}).get("cells", {}).items():
            out.setdefault(key, value)
    return out


def published_relations(reports: Sequence[Mapping], seen: set | None = None) -> list[Relation]:
    """Every relation published reports (JSON) gave their readers, comparisons included, once.
    ``seen``: markers of relations already held from other reports (left out here), to which
    those returned are added."""
    out, seen = [], set() if seen is None else seen
    for data in reports:
        for r in data.get("disclosure", {}).get("audit", {}).get("relations", []):
            marker = Relation.json_marker(r)
            if marker not in seen:
                seen.add(marker)
                out.append(Relation.from_json(r, marker))
    return out


def published_statements(reports: Sequence[Mapping]) -> list[Relation]:
    """The comparisons stated by published reports (JSON), as relations a reader holds."""
    return [Relation.from_json(r) for data in reports
            for r in data.get("disclosure", {}).get("audit", {}).get("relations", []) if r.get("statement")]


def table(
    table_id: str,
    title: str,
    row_header: str,
    columns: Sequence[tuple[str, str, str]],
    rows: Sequence[tuple[str, str, Sequence[object]]],
    note: str | None = None,
    list_fewer: str | None = None,
    list_zeros: bool = False,
) -> dict:
    """A published table as JSON: ``columns`` are (id, label, unit) with unit one of
    ``count``, ``percent``, ``points``, ``rate``, ``text``; ``rows`` are (id, label, values).

    ``list_fewer`` ("leavers" or "remarks"), for a table of one count column whose first row is
    its total and whose other rows are themes: the HTML and PDF list the themes counted "fewer
    than k" in one sentence under the table instead of a row each, and show a table whose every
    figure is hidden as one line. ``list_zeros``, for a table of themes by group whose first row
    is the group sizes: the HTML and PDF name the themes no one in any group cited, and the groups
    with nobody in them, beneath the table instead of as rows and columns of zeros. The JSON, CSV
    and XLSX keep every row and column."""
    return {
        "id": table_id,
        "title": title,
        "row_header": row_header,
        "columns": [{"id": c, "label": label, "unit": unit} for c, label, unit in columns],
        "rows": [{"id": r, "label": label, "values": list(values)} for r, label, values in rows],
        **({"note": note} if note else {}),
        **({"list_fewer": list_fewer} if list_fewer else {}),
        **({"list_zeros": True} if list_zeros else {}),
    }


def pp_change(now: float | str, before: float | str) -> float | str:
    """Change in percentage points between two published shares (else "withheld")."""
    if is_shown(now) and is_shown(before):
        return round(float(now) - float(before), 1)
    return WITHHELD


def fmt_pct(value: float) -> str:
    return f"{value:.0f}%" if float(value).is_integer() or abs(value) >= 10 else f"{value:.1f}%"


def change_sentence(subject: str, now: float | str, before: float | str, before_words: str,
                    now_words: str, words: ReportWords) -> str | None:
    """"Caseload was cited by 42% of leavers this quarter, up from 30% last quarter."

    Built only from published shares; None when the figures it needs are withheld.
    ``before_words`` and ``now_words`` are already in the edition's language.
    """
    if not is_shown(now):
        return None
    values = {"subject": subject, "share": fmt_pct(float(now)), "now": now_words, "before": before_words}
    if not is_shown(before):
        return words.gettext("{subject} was cited by {share} of leavers {now}.", **values)
    diff = float(now) - float(before)
    if abs(diff) < 0.05:
        return words.gettext("{subject} was cited by {share} of leavers {now}, the same as {before}.", **values)
    if diff > 0:
        return words.gettext("{subject} was cited by {share} of leavers {now}, up from {before_share} {before}.",
                             before_share=fmt_pct(float(before)), **values)
    return words.gettext("{subject} was cited by {share} of leavers {now}, down from {before_share} {before}.",
                         before_share=fmt_pct(float(before)), **values)


def share_of(figures: PublishedFigures, numerator_key: str, denominator_key: str) -> float | str:
    return share(figures.get(numerator_key), figures.get(denominator_key), figures.k)


def ranked(rows: Sequence[tuple[str, Published]], order: Mapping[str, int]) -> list[str]:
    """Order ids by their *published* count, largest first; hidden counts go last in the
    fixed order, so the ranking itself never hints at a hidden value."""
    shown = sorted((r for r in rows if is_shown(r[1])), key=lambda r: (-int(r[1]), order.get(r[0], 0), r[0]))
    hidden = sorted((r for r in rows if not is_shown(r[1])), key=lambda r: (order.get(r[0], 0), r[0]))
    return [r[0] for r in [*shown, *hidden]]
