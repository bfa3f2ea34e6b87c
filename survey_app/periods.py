"""Date helpers for the web app. Financial quarters come from ``analysis.periods``, the one
period helper every part of ExitVoice uses; this module only adapts it to plain dates."""

from __future__ import annotations

from datetime import date

from analysis.periods import Quarter


def add_months(d: date, months: int) -> date:
    """The first day of the month ``months`` after (or before, when negative) ``d``'s month."""
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def financial_quarter(d: date) -> str:
    """The label of the financial quarter holding ``d``, e.g. ``2025/26 Q1``."""
    return Quarter.of(d).label


def quarter_bounds(label: str) -> tuple[date, date]:
    """(first day, first day after) of a quarter label; ValueError if the label is malformed."""
    quarter = Quarter.parse(label)
    return quarter.start, quarter.shift(1).start


def recent_quarters(today: date, count: int = 8) -> list[str]:
    """The quarter holding ``today`` and the ``count - 1`` before it, newest first."""
    return [q.label for q in reversed(Quarter.of(today).last_n(count))]
