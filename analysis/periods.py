"""UK financial periods: quarters, financial years and rolling 12 months.

The one place that knows how ExitVoice counts time. The UK financial year runs from
1 April to 31 March: ``2025/26 Q1`` is April to June 2025 and ``2025/26 Q4`` is January to
March 2026. Every period is a run of whole calendar months, so data keyed by a
``pandas.Period`` of frequency ``M`` (see ``docs/analysis-frames.md``) can be filtered with
:meth:`FinancialPeriod.contains` or :meth:`FinancialPeriod.months`.

Labels:

- a quarter: ``2025/26 Q1``
- a financial year: ``2025/26``
- a rolling 12 months: ``12 months to 2025/26 Q1`` (the four quarters ending with that one)
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Union

from analysis.errors import KindError

# pandas loads on first use: the web app imports this module at start-up for quarter labels alone.
if TYPE_CHECKING:
    import pandas as pd

_YEAR_RE = re.compile(r"^\s*(\d{4})/(\d{2})\s*$")
_QUARTER_RE = re.compile(r"^\s*(\d{4})/(\d{2})\s+Q([1-4])\s*$")
_ROLLING_RE = re.compile(r"^\s*12 months to\s+(.+)$", re.IGNORECASE)

MonthLike = Union["pd.Period", dt.date, str]


class PeriodError(KindError):
    """A period that cannot be read or made. ``kind`` says why and ``details`` the particulars
    (the ``label`` given, and so on); ``str()`` is the English message, for the command line,
    and the app words each kind in the language of its page."""

    MESSAGES = {
        "not_quarter": "{label!r} is not a quarter label like '2025/26 Q1'",
        "not_year": "{label!r} is not a financial year label like '2025/26'",
        "not_rolling": "{label!r} is not a rolling period like '12 months to 2025/26 Q1'",
        "not_period": "{label!r} is not a period: use a quarter ('2025/26 Q1'), a financial year ('2025/26') or a "
                      "rolling period ('12 months to 2025/26 Q1')",
        "years_apart": "{label!r} is not a financial year: the second year must follow the first (expected "
                       "{expected})",
        "year_out_of_range": "financial year {year!r} is out of range",
        "quarter_number": "quarter number must be 1 to 4, not {number!r}",
    }



def _check_year_pair(first: int, second: int, label: str) -> None:
    if (first + 1) % 100 != second:
        raise PeriodError("years_apart", label=label, expected=f"{first}/{(first + 1) % 100:02d}")


def _to_month(value: MonthLike) -> pd.Period:
    """Turn a month-like value (Period, date, datetime, 'YYYY-MM') into a monthly Period."""
    import pandas as pd

    if isinstance(value, pd.Period):
        return value.asfreq("M") if value.freqstr != "M" else value
    if isinstance(value, (dt.date, pd.Timestamp)):
        return pd.Period(year=value.year, month=value.month, freq="M")
    if isinstance(value, str):
        try:
            return pd.Period(value, freq="M")
        except (ValueError, TypeError) as exc:
            raise ValueError(f"{value!r} is not a month (expected YYYY-MM)") from exc
    raise ValueError(f"{value!r} is not a month, date or Period")


def financial_year_start(month: MonthLike) -> int:
    """The calendar year in which the financial year holding ``month`` starts (April)."""
    m = _to_month(month)
    return m.year if m.month >= 4 else m.year - 1


@dataclass(frozen=True, order=True)
class Quarter:
    """A UK financial quarter. ``start_year`` is the year the financial year begins."""

    start_year: int
    number: int

    def __post_init__(self) -> None:
        if self.number not in (1, 2, 3, 4):
            raise PeriodError("quarter_number", number=self.number)
        if not 1900 <= self.start_year <= 2999:
            raise PeriodError("year_out_of_range", year=self.start_year)

    # --- naming ---------------------------------------------------------------------------
    @property
    def label(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d} Q{self.number}"

    def __str__(self) -> str:
        return self.label

    @classmethod
    def parse(cls, label: str) -> Quarter:
        """``'2025/26 Q1'`` -> ``Quarter(2025, 1)``; anything else raises PeriodError (a ValueError)."""
        match = _QUARTER_RE.match(label) if isinstance(label, str) else None
        if not match:
            raise PeriodError("not_quarter", label=label)
        first, second, number = int(match[1]), int(match[2]), int(match[3])
        _check_year_pair(first, second, label)
        return cls(first, number)

    @classmethod
    def of(cls, month: MonthLike) -> Quarter:
        """The financial quarter holding a month or date (1 April starts Q1)."""
        m = _to_month(month)
        # April..June -> 1, July..Sept -> 2, Oct..Dec -> 3, Jan..March -> 4
        number = ((m.month - 4) % 12) // 3 + 1
        return cls(financial_year_start(m), number)

    # --- extent ---------------------------------------------------------------------------
    @property
    def first_month(self) -> pd.Period:
        import pandas as pd

        month_index = 4 + 3 * (self.number - 1)  # 4, 7, 10, 13
        year = self.start_year + (month_index - 1) // 12
        return pd.Period(year=year, month=(month_index - 1) % 12 + 1, freq="M")

    def months(self) -> list[pd.Period]:
        first = self.first_month
        return [first + i for i in range(3)]

    @property
    def start(self) -> dt.date:
        return self.first_month.start_time.date()

    @property
    def end(self) -> dt.date:
        return self.months()[-1].end_time.date()

    def contains(self, month: MonthLike) -> bool:
        return _to_month(month) in self.months()

    def quarters(self) -> list[Quarter]:
        return [self]

    # --- neighbours -----------------------------------------------------------------------
    def shift(self, n: int) -> Quarter:
        """The quarter ``n`` quarters later (negative: earlier)."""
        index = self.start_year * 4 + (self.number - 1) + n
        return Quarter(index // 4, index % 4 + 1)

    def previous(self) -> Quarter:
        return self.shift(-1)

    def same_quarter_last_year(self) -> Quarter:
        return self.shift(-4)

    def last_n(self, n: int) -> list[Quarter]:
        """The ``n`` quarters ending with this one, oldest first."""
        if n < 1:
            raise ValueError("n must be at least 1")
        return [self.shift(-i) for i in range(n - 1, -1, -1)]

    def rolling_12_months(self) -> Rolling12Months:
        return Rolling12Months(self)

    @property
    def financial_year(self) -> FinancialYear:
        return FinancialYear(self.start_year)


@dataclass(frozen=True, order=True)
class FinancialYear:
    """A UK financial year, 1 April ``start_year`` to 31 March the next year."""

    start_year: int

    def __post_init__(self) -> None:
        if not 1900 <= self.start_year <= 2999:
            raise PeriodError("year_out_of_range", year=self.start_year)

    @property
    def label(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    def __str__(self) -> str:
        return self.label

    @classmethod
    def parse(cls, label: str) -> FinancialYear:
        """``'2025/26'`` -> ``FinancialYear(2025)``; anything else raises PeriodError (a ValueError)."""
        match = _YEAR_RE.match(label) if isinstance(label, str) else None
        if not match:
            raise PeriodError("not_year", label=label)
        first, second = int(match[1]), int(match[2])
        _check_year_pair(first, second, label)
        return cls(first)

    @classmethod
    def of(cls, month: MonthLike) -> FinancialYear:
        return cls(financial_year_start(month))

    def quarters(self) -> list[Quarter]:
        return [Quarter(self.start_year, n) for n in (1, 2, 3, 4)]

    def months(self) -> list[pd.Period]:
        return [m for q in self.quarters() for m in q.months()]

    @property
    def start(self) -> dt.date:
        return dt.date(self.start_year, 4, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.start_year + 1, 3, 31)

    def contains(self, month: MonthLike) -> bool:
        return _to_month(month) in self.months()

    def previous(self) -> FinancialYear:
        return FinancialYear(self.start_year - 1)


@dataclass(frozen=True, order=True)
class Rolling12Months:
    """The twelve months made of the four financial quarters ending with ``last_quarter``."""

    last_quarter: Quarter

    @property
    def label(self) -> str:
        return f"12 months to {self.last_quarter.label}"

    def __str__(self) -> str:
        return self.label

    @classmethod
    def parse(cls, label: str) -> Rolling12Months:
        match = _ROLLING_RE.match(label) if isinstance(label, str) else None
        if not match:
            raise PeriodError("not_rolling", label=label)
        return cls(Quarter.parse(match[1]))

    def quarters(self) -> list[Quarter]:
        return self.last_quarter.last_n(4)

    def months(self) -> list[pd.Period]:
        return [m for q in self.quarters() for m in q.months()]

    @property
    def start(self) -> dt.date:
        return self.quarters()[0].start

    @property
    def end(self) -> dt.date:
        return self.last_quarter.end

    def contains(self, month: MonthLike) -> bool:
        return _to_month(month) in self.months()

    def previous(self) -> Rolling12Months:
        return Rolling12Months(self.last_quarter.previous())


FinancialPeriod = Quarter | FinancialYear | Rolling12Months


def parse_period(label: str) -> FinancialPeriod:
    """Parse any period label: a quarter, a financial year or a rolling 12 months."""
    for kind in (Quarter, FinancialYear, Rolling12Months):
        try:
            return kind.parse(label)
        except ValueError:
            continue
    raise PeriodError("not_period", label=label)


def month_mask(months: pd.Series, period: FinancialPeriod) -> pd.Series:
    """Boolean mask of a Series of monthly ``pandas.Period`` values falling in ``period``."""
    import pandas as pd

    wanted = set(period.months())
    return months.map(lambda m: (not pd.isna(m)) and _to_month(m) in wanted).astype(bool)


def quarter_of_series(months: pd.Series) -> pd.Series:
    """Label each month of a Series of monthly Periods with its quarter label (or None)."""
    import pandas as pd

    cache: dict[pd.Period, str] = {}

    def label(m: object) -> str | None:
        if m is None or (not isinstance(m, pd.Period) and pd.isna(m)):
            return None
        key = _to_month(m)  # type: ignore[arg-type]
        if key not in cache:
            cache[key] = Quarter.of(key).label
        return cache[key]

    return pd.Series([label(m) for m in months], index=months.index, dtype=object)


def last_complete_year(quarter: Quarter) -> FinancialYear:
    """The latest financial year that ends at or before the end of ``quarter``.

    Figures over longer periods (equality monitoring) are published only for whole financial
    years: they never overlap, so no two of them can be subtracted to reach a quarter.
    """
    return FinancialYear(quarter.start_year if quarter.number == 4 else quarter.start_year - 1)


def latest_30_september(quarter: Quarter) -> Quarter:
    """The most recent quarter ending on 30 September at or before the end of ``quarter``.

    The DfE children's social work workforce census counts staff in post on 30 September
    and leavers in the twelve months to that date, that is a Q2 quarter.
    """
    return quarter if quarter.number == 2 else Quarter(
        quarter.start_year if quarter.number > 2 else quarter.start_year - 1, 2
    )
