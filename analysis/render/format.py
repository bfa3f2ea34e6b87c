"""How a published figure reads in a table: the same words in HTML, PDF, CSV and XLSX."""

from __future__ import annotations

from analysis.disclosure import is_shown
from analysis.reports.translation import ReportWords

# Characters a spreadsheet may treat as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def display(value: object, unit: str, words: ReportWords | None = None) -> str:
    """A figure as text for people: counts with separators, percentages with %, points signed;
    a marker ("fewer than 5", "withheld", ...) in the edition's words."""
    if value is None:
        return ""
    if not is_shown(value):
        return words.marker(value) if words is not None else str(value)
    if unit == "percent":
        return f"{float(value):.1f}%"
    if unit == "points":
        return f"{float(value):+.1f}"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def safe_text(value: object) -> object:
    """Neutralise text a spreadsheet could run as a formula, by prefixing an apostrophe.

    Numbers are left as numbers; only text is changed.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
