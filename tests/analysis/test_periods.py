"""Financial periods: the one helper every report uses to count quarters and years."""

import datetime as dt

import pandas as pd
import pytest

from analysis.periods import (
    FinancialYear,
    Quarter,
    Rolling12Months,
    latest_30_september,
    month_mask,
    parse_period,
    quarter_of_series,
)


def test_q1_is_april_to_june():
    q = Quarter.parse("2025/26 Q1")
    assert q.start == dt.date(2025, 4, 1)
    assert q.end == dt.date(2025, 6, 30)
    assert [str(m) for m in q.months()] == ["2025-04", "2025-05", "2025-06"]


def test_q4_is_january_to_march_of_the_next_calendar_year():
    q = Quarter.parse("2025/26 Q4")
    assert q.start == dt.date(2026, 1, 1)
    assert q.end == dt.date(2026, 3, 31)


def test_31_march_and_1_april_fall_in_different_financial_years():
    assert Quarter.of(dt.date(2026, 3, 31)).label == "2025/26 Q4"
    assert Quarter.of(dt.date(2026, 4, 1)).label == "2026/27 Q1"
    assert FinancialYear.of(dt.date(2026, 3, 31)).label == "2025/26"
    assert FinancialYear.of(dt.date(2026, 4, 1)).label == "2026/27"


def test_year_turn_stays_in_q3_and_q4_of_the_same_financial_year():
    assert Quarter.of(pd.Period("2025-12", freq="M")).label == "2025/26 Q3"
    assert Quarter.of(pd.Period("2026-01", freq="M")).label == "2025/26 Q4"


def test_leap_year_february_ends_on_the_29th():
    assert Quarter.parse("2023/24 Q4").end == dt.date(2024, 3, 31)
    feb = next(m for m in Quarter.parse("2023/24 Q4").months() if m.month == 2)
    assert feb.end_time.date() == dt.date(2024, 2, 29)
    assert Quarter.of(dt.date(2024, 2, 29)).label == "2023/24 Q4"


def test_every_month_of_a_year_lands_in_exactly_one_quarter():
    fy = FinancialYear.parse("2024/25")
    months = fy.months()
    assert len(months) == 12 and len(set(months)) == 12
    assert months[0] == pd.Period("2024-04", freq="M")
    assert months[-1] == pd.Period("2025-03", freq="M")
    assert fy.start == dt.date(2024, 4, 1) and fy.end == dt.date(2025, 3, 31)
    for m in months:
        assert Quarter.of(m).financial_year == fy


def test_previous_quarter_crosses_the_financial_year():
    assert Quarter.parse("2025/26 Q1").previous().label == "2024/25 Q4"
    assert Quarter.parse("2025/26 Q2").previous().label == "2025/26 Q1"


def test_same_quarter_last_year():
    assert Quarter.parse("2025/26 Q3").same_quarter_last_year().label == "2024/25 Q3"


def test_rolling_12_months_is_the_four_quarters_ending_with_the_quarter():
    r = Quarter.parse("2025/26 Q2").rolling_12_months()
    assert [q.label for q in r.quarters()] == ["2024/25 Q3", "2024/25 Q4", "2025/26 Q1", "2025/26 Q2"]
    assert r.start == dt.date(2024, 10, 1) and r.end == dt.date(2025, 9, 30)
    assert r.label == "12 months to 2025/26 Q2"
    assert Rolling12Months.parse(r.label) == r


def test_last_n_quarters_oldest_first():
    labels = [q.label for q in Quarter.parse("2025/26 Q1").last_n(8)]
    assert labels[0] == "2023/24 Q2" and labels[-1] == "2025/26 Q1" and len(labels) == 8
    with pytest.raises(ValueError):
        Quarter.parse("2025/26 Q1").last_n(0)


@pytest.mark.parametrize(
    "label",
    ["2025/27 Q1", "2025/26 Q5", "2025/26 Q0", "2025-26 Q1", "Q1 2025/26", "", "2025/26Q", "1999/01"],
)
def test_bad_labels_give_a_clear_error(label):
    with pytest.raises(ValueError, match="is not"):
        parse_period(label)


def test_century_turn_label():
    assert FinancialYear.parse("2099/00").label == "2099/00"
    assert Quarter.parse("2099/00 Q4").end == dt.date(2100, 3, 31)


def test_parse_period_reads_each_kind():
    assert parse_period("2025/26 Q1") == Quarter(2025, 1)
    assert parse_period("2025/26") == FinancialYear(2025)
    assert parse_period("12 months to 2025/26 Q1") == Rolling12Months(Quarter(2025, 1))


def test_month_mask_and_quarter_labels_on_a_frame_column():
    months = pd.Series([pd.Period("2025-03", "M"), pd.Period("2025-04", "M"), None])
    assert month_mask(months, Quarter(2025, 1)).tolist() == [False, True, False]
    assert quarter_of_series(months).tolist() == ["2024/25 Q4", "2025/26 Q1", None]


def test_dfe_census_year_ends_on_30_september():
    assert latest_30_september(Quarter(2025, 2)) == Quarter(2025, 2)
    assert latest_30_september(Quarter(2025, 3)) == Quarter(2025, 2)
    assert latest_30_september(Quarter(2025, 4)) == Quarter(2025, 2)
    assert latest_30_september(Quarter(2025, 1)) == Quarter(2024, 2)
