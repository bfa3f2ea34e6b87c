"""Fixed councils attacked by a reader holding every report they published (``adversary.py``).

Each council has eight quarters of quarterly and length-of-service reports and a financial
year's report. Two of them start using ExitVoice inside the period, so their early reports
print zeros that anchor subtraction. Equality answers are skewed as real ones are.
"""

from __future__ import annotations

import re
from functools import cache

import pytest

from analysis.disclosure import audit_reports
from analysis.periods import Quarter
from analysis.reports import build_annual_report, build_length_of_service_report, build_quarterly_report
from analysis.reports.common import published_figures, published_relations, published_statements
from analysis.reports.synthetic import THEME_LABELS, synthetic_frames
from tests.analysis.adversary import quarters_of, read

# One worker builds each council's reports once for every test here.
pytestmark = pytest.mark.xdist_group("adversary")
K = 5
# (leavers a quarter, seed, last reported quarter, financial year). The data run from
# 2023/24 Q2 to 2025/26 Q1, so reports to 2024/25 Q3 begin before the data do.
COUNCILS = {
    "12 a quarter, data start inside": (12, 2, "2024/25 Q3", "2023/24"),
    "15 a quarter, data start inside": (15, 1, "2024/25 Q3", "2023/24"),
    # Seed 1 at 30 a quarter is the council bench/reports/usefulness.py found leaking through
    # the year's length-of-service groups before span ledgers checked the quarters' hidden bands.
    "30 a quarter": (30, 1, "2025/26 Q1", "2024/25"),
    # Seed 3 at 30 a quarter: a quick pass of the audit stopped at the first counts it found and
    # never came back to a year's "not stated" group, pinned by the quarters' bands.
    "30 a quarter, seed 3": (30, 3, "2025/26 Q1", "2024/25"),
    "60 a quarter": (60, 2, "2025/26 Q1", "2024/25"),
}
# Councils whose reports are also built one after another as the app publishes them. Seed 3 at
# 15 a quarter leaked that way before drafts were told every relation published before.
AS_PUBLISHED = {
    "15 a quarter, seed 3": (15, 3, "2025/26 Q1", "2024/25"),
    "30 a quarter, seed 3": COUNCILS["30 a quarter, seed 3"],
}


@cache
def _reports(per_quarter: int, seed: int, last: str, year: str) -> tuple[dict, ...]:
    frames = synthetic_frames("2025/26 Q1", years=2, leavers_per_year=4 * per_quarter, seed=seed)
    args = (frames["responses"], frames["comments"], frames["theme_assignments"], frames["headcounts"])
    out = []
    for q in Quarter.parse(last).last_n(8):
        out.append(build_quarterly_report(*args, quarter=q.label, theme_labels=THEME_LABELS, k=K))
        out.append(build_length_of_service_report(*args, quarter=q.label, theme_labels=THEME_LABELS, k=K))
    out.append(build_annual_report(*args, year=year, theme_labels=THEME_LABELS, k=K))
    return tuple(out)


@cache
def _reports_as_published(per_quarter: int, seed: int, last: str, year: str,
                          relations: bool = True) -> tuple[dict, ...]:
    """The same reports built one after another as the app publishes them: each keeps the
    figures already published for its periods, knows the comparisons already stated and (unless
    ``relations`` is false) every relation the reports before it printed."""
    frames = synthetic_frames("2025/26 Q1", years=2, leavers_per_year=4 * per_quarter, seed=seed)
    args = (frames["responses"], frames["comments"], frames["theme_assignments"], frames["headcounts"])
    out: list[dict] = []

    def earlier() -> dict:
        known = {"theme_labels": THEME_LABELS, "k": K, "published": published_figures(out)}
        return {**known, "published_relations": published_relations(out)} if relations else known

    for q in Quarter.parse(last).last_n(8):
        out.append(build_quarterly_report(*args, quarter=q.label, statements=published_statements(out), **earlier()))
        out.append(build_length_of_service_report(*args, quarter=q.label, **earlier()))
    out.append(build_annual_report(*args, year=year, statements=published_statements(out), **earlier()))
    return tuple(out)


def _tables(reports):
    for report in reports:
        for section in report["sections"]:
            for table in section.get("tables", []):
                yield report, section, table


@pytest.mark.parametrize("council", list(COUNCILS))
def test_a_reader_holding_every_report_works_out_no_hidden_count(council):
    reports = _reports(*COUNCILS[council])
    reader = read(reports, K)
    assert len(reader.hidden) > 1000  # the reports do hide things, and the reader sees them
    found = reader.attack()
    assert found == [], [(h.where, h.marker, lo) for h, lo, _ in found[:10]]


@pytest.mark.parametrize("council", list(AS_PUBLISHED))
def test_reports_published_one_after_another_as_the_app_does_give_nothing_away_either(council):
    # In the app each draft keeps the figures already published and is told what earlier
    # reports printed, so its choices differ from a report built alone.
    found = read(_reports_as_published(*AS_PUBLISHED[council]), K).attack()
    assert found == [], [(h.where, h.marker, lo) for h, lo, _ in found[:10]]


def test_a_draft_not_told_what_was_published_before_could_give_a_hidden_band_away():
    # The 2023/24 year's 2-to-5-years group (15) minus its printed fourth quarter (6), minus a
    # rolling 12 months printed two reports before (5, with zeros before the data start), left
    # the third quarter's hidden band at exactly 4. Each report alone was safe; the app's publication
    # check would refuse the draft, leaving HR unable to publish. Told every relation printed
    # before, the draft hides the group instead.
    blind = _reports_as_published(*AS_PUBLISHED["15 a quarter, seed 3"], relations=False)
    assert audit_reports(blind, exact=False).disclosed == ["2023/24 Q3|length_of_service|2_to_5"]
    told = _reports_as_published(*AS_PUBLISHED["15 a quarter, seed 3"])
    assert audit_reports(told, exact=False).disclosed == []


@pytest.mark.parametrize("council", ["12 a quarter, data start inside", "60 a quarter"])
def test_equality_tables_cover_whole_financial_years_that_never_overlap(council):
    # Overlapping 12-month tables, anchored by the zeros before a council's data start, gave
    # each quarter's equality counts by chained subtraction.
    spans = set()
    for _, section, table in _tables(_reports(*COUNCILS[council])):
        if table["id"].startswith("equality_"):
            span = re.search(r"\d{4}/\d{2} Q[1-4] to \d{4}/\d{2} Q[1-4]", section["summary"]).group(0)
            quarters = quarters_of(span)
            assert len(quarters) == 4 and quarters[0].endswith("Q1"), span
            spans.add(tuple(quarters))
    flat = [q for span in spans for q in span]
    assert spans and len(flat) == len(set(flat))


@pytest.mark.parametrize("council", list(COUNCILS))
def test_a_merged_other_column_is_never_one_small_group(council):
    # "Other (merged)" that is one category and one person printed that person's themes.
    merged_columns = 0
    for _, _, table in _tables(_reports(*COUNCILS[council])):
        note = table.get("note") or ""
        if "merged into Other:" not in note:
            continue
        members = note.split("merged into Other:", 1)[1].rstrip(".").split(",")
        assert len(members) >= 2, (table["id"], note)
        ids = [c["id"] for c in table["columns"]]
        people = table["rows"][0]["values"][ids.index("other")]
        assert people == "not shown" or people == "withheld" or people >= K, (table["id"], people)
        merged_columns += 1
    assert merged_columns > 0


def test_the_reader_holds_every_comparison_at_a_glance_to_what_it_says():
    # "More leavers had under two years' service than five or more" over 12 months tells a
    # reader something the printed counts do not: the reader's program must use it (the attack
    # above then proves it gives nothing away).
    import copy

    from tests.analysis.adversary import Reader

    reports = _reports(*COUNCILS["15 a quarter, data start inside"])
    stated = [(r, s) for r in reports for s in r["sections"][0].get("statements", [])]
    assert len(stated) >= 6
    stripped = copy.deepcopy(list(reports))
    for report in stripped:
        report["sections"][0]["statements"] = []
    readers = []
    for held in (reports, stripped):
        reader: Reader = read(held, K)
        reader._program_cache = reader._program()
        readers.append(reader)
    informative = 0
    for _, statement in stated:
        ranges = []
        for reader in readers:
            diff = reader.column(statement["quarters"], "length_of_service", statement["newer"])
            for name, c in reader.column(statement["quarters"], "length_of_service", statement["longer"]).items():
                diff[name] = diff.get(name, 0) - c
            vec = reader._vector(diff)  # every quarter's unknowns exist already: the program stands
            ranges.append((float(vec @ reader.solve(vec)), float(vec @ reader.solve(-vec))))
        (lo, hi), (lo_without, hi_without) = ranges
        assert {">": lo >= 1, "<": hi <= -1, "=": lo == hi == 0}[statement["outcome"]], (statement, lo, hi)
        informative += (lo, hi) != (lo_without, hi_without)
    assert informative >= 1
