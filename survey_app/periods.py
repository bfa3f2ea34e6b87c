"""UK financial-year periods: Q1 is April to June, labelled like ``2025/26 Q1``."""

from __future__ import annotations

import re
from datetime import date

_LABEL = re.compile(r"^(\d{4})/(\d{2}) Q([1-4])$")


def add_months(d: date, months: int) -> date:
    """The first day of the month ``months`` after (or before, when negative) ``d``'s month."""
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def financial_quarter(d: date) -> str:
    """The label of the financial quarter holding ``d``."""
    start_year = d.year if d.month >= 4 else d.year - 1
    quarter = (d.month - 4) % 12 // 3 + 1
    return f"{start_year}/{(start_year + 1) % 100:02d} Q{quarter}"


def quarter_bounds(label: str) -> tuple[date, date]:
    """(first day, first day after) of a quarter label; ValueError if the label is malformed."""
    match = _LABEL.match(label)
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ValueError(f"not a financial quarter like 2025/26 Q1: {label!r}")
    start = add_months(date(int(match.group(1)), 4, 1), 3 * (int(match.group(3)) - 1))
    return start, add_months(start, 3)


def recent_quarters(today: date, count: int = 8) -> list[str]:
    """The quarter holding ``today`` and the ``count - 1`` before it, newest first."""
    return [financial_quarter(add_months(today, -3 * i)) for i in range(count)]
