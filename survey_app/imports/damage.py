"""Recognise the damage spreadsheets do to exported data, so it can be explained, not stored.

Each function takes a cell's text and says what probably happened, or returns None.
"""

from __future__ import annotations

import re

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DAY_MONTH = re.compile(r"^(\d{1,2})[-/ ]([A-Za-z]{3,9})$")  # 01-Feb: "1-2" read as 1 February
_MONTH_YEAR = re.compile(r"^([A-Za-z]{3,9})[-/ ](\d{2})$")  # Nov-20: "11-20" read as November 2020
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})( 00:00:00)?$")
_SCIENTIFIC = re.compile(r"^[+-]?\d(\.\d+)?[eE][+-]?\d+$")


def _month_number(name: str) -> int | None:
    prefix = name[:3].casefold()
    return _MONTHS.index(prefix) + 1 if prefix in _MONTHS else None


def band_turned_into_date(cell: str) -> str | None:
    """For a band cell a spreadsheet has turned into a date, an explanation naming the likely band."""
    match = _DAY_MONTH.match(cell)
    if match and (month := _month_number(match.group(2))):
        return (
            f"looks like the band {int(match.group(1))}-{month} turned into a date by a spreadsheet; "
            "correct the cell (format the column as text before typing bands)"
        )
    match = _MONTH_YEAR.match(cell)
    if match and (month := _month_number(match.group(1))):
        return (
            f"looks like the band {month}-{int(match.group(2))} turned into a date by a spreadsheet; "
            "correct the cell (format the column as text before typing bands)"
        )
    match = _ISO_DATE.match(cell)
    if match:
        return (
            "a date where a band was expected: a spreadsheet probably turned a band such as "
            f"{int(match.group(3))}-{int(match.group(2))} into a date; correct the cell"
        )
    return None


def id_in_scientific_notation(cell: str) -> bool:
    """True for an id a spreadsheet has shown as 1.23457E+11, which keeps only its first digits."""
    return bool(_SCIENTIFIC.match(cell.strip()))
