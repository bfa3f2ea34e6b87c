"""Random small councils: no report prints a small count, and no hidden count can be worked
out from a quarterly report, the one before it and the annual report read together."""

import pytest

from analysis.disclosure import audit_reports, is_shown
from analysis.reports import build_annual_report, build_quarterly_report
from analysis.reports.synthetic import THEME_LABELS, synthetic_frames

FEW_THEMES = {t: THEME_LABELS[t] for t in ("caseload", "pay", "supervision", "wellbeing")}


def _published_counts(report):
    for section in report["sections"]:
        for table in section["tables"]:
            units = [c["unit"] for c in table["columns"]]
            for row in table["rows"]:
                for value, unit in zip(row["values"], units, strict=True):
                    if (row.get("unit") or unit) == "count":
                        yield table["id"], row["id"], value


def _assert_safe(reports, k):
    for report in reports:
        for table_id, row_id, value in _published_counts(report):
            if is_shown(value) and table_id != "turnover":
                assert not (0 < value < k), (table_id, row_id, value)
    # exact=False stops searching a count's range once two solutions differ; "pinned" stays exact.
    result = audit_reports(reports, exact=False)
    assert result.disclosed == []


FEW_THEMES = {t: THEME_LABELS[t] for t in ("caseload", "pay", "supervision", "wellbeing")}


# Fixed councils, so that every run checks the same ones; longer random searches belong in bench/.
# (482, 18) once gave away 2024/25 Q1's number of respondents through the overlapping rolling
# 12 months; it stays as a regression case.
@pytest.mark.parametrize(("seed", "per_year"), [(0, 12), (7, 15), (1234, 20), (5000, 30), (482, 18)])
def test_small_councils_publish_no_small_counts_and_nothing_can_be_worked_out(seed, per_year):
    frames = synthetic_frames("2025/26 Q1", years=2, leavers_per_year=per_year, seed=seed)
    args = (frames["responses"], frames["comments"], frames["theme_assignments"], frames["headcounts"])
    # This quarter, the one before (its rolling 12 months overlap by three quarters) and the
    # financial year that ended with it: a reader holding all three.
    quarterly = build_quarterly_report(*args, quarter="2025/26 Q1", theme_labels=FEW_THEMES)
    previous = build_quarterly_report(*args, quarter="2024/25 Q4", theme_labels=FEW_THEMES)
    annual = build_annual_report(*args, year="2024/25", theme_labels=FEW_THEMES)
    _assert_safe([quarterly, previous, annual], 5)


