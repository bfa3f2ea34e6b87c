"""The Welsh edition of a report from the app's command line: the same figures as the report
drafted and stored, in Welsh; refused when the data no longer give the report's figures."""

from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa

from analysis.reports.translation import ReportWords, provisional_title
from survey_app.demo import seed_demo
from survey_app.extensions import db
from survey_app.models import Report
from survey_app.reports.service import ReportError, create_draft, edition
from survey_app.themes.service import run_themes

QUARTER = "2025/26 Q2"


@pytest.fixture
def seeded(app):
    seed_demo(400, seed=4, today=date(2025, 11, 15))
    run_themes(progress=False)
    return app


def test_the_cli_writes_the_welsh_edition_of_the_report_it_drafts(seeded, runner, tmp_path):
    out = tmp_path / "adroddiad.json"
    result = runner.invoke(args=["report", "quarterly", "--quarter", QUARTER, "--format", "json", "--out", str(out),
                                 "--language", "cy"])
    assert result.exit_code == 0, result.output
    welsh = json.loads(out.read_text(encoding="utf-8"))
    stored = db.session.execute(sa.select(Report)).scalar_one()
    # What is stored is the report itself, in English; the file is its Welsh edition.
    assert stored.data["title"].startswith("Why children's social workers leave")
    assert welsh["title"] == "Pam mae gweithwyr cymdeithasol plant yn gadael: chwarter 2025/26 Ch2"
    assert welsh["parameters"]["language"] == "cy" and welsh["disclosure"] == stored.data["disclosure"]
    assert welsh["parameters"]["marking"] == stored.data["parameters"]["marking"]
    for en, cy in zip(stored.data["sections"], welsh["sections"], strict=True):
        assert [(t["id"], [r["values"] for r in t["rows"]]) for t in en["tables"]] == \
               [(t["id"], [r["values"] for r in t["rows"]]) for t in cy["tables"]]


def test_the_cli_writes_a_welsh_html_page(seeded, runner, tmp_path):
    out = tmp_path / "adroddiad.html"
    result = runner.invoke(args=["report", "length-of-service", "--quarter", QUARTER, "--out", str(out),
                                 "--language", "cy"])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert '<html lang="cy-GB"' in page and "Hyd gwasanaeth ymadawyr: wyth chwarter hyd at 2025/26 Ch2" in page
    assert "SWYDDOGOL-SENSITIF" in page and "Contents" not in page


def test_a_welsh_edition_is_refused_when_the_data_no_longer_give_the_reports_figures(seeded):
    report = create_draft("quarterly", QUARTER, created_by="hr@example.org")
    data = json.loads(json.dumps(report.data))
    data["disclosure"]["audit"]["cells"][next(iter(data["disclosure"]["audit"]["cells"]))] = 999
    report.data = data  # as if late returns had changed a figure since the draft was built
    with pytest.raises(ReportError, match="would not have the same figures"):
        edition(report, "cy")


def test_a_provisional_title_is_worded_as_before_in_english_and_in_welsh():
    end = date(2025, 12, 31)
    english = provisional_title("Report", end, ReportWords("en"))
    assert english == f"Provisional: Report (the period ends on {end:%-d %B %Y})"
    assert provisional_title("Adroddiad", end, ReportWords("cy")) == \
        "Dros dro: Adroddiad (daw'r cyfnod i ben ar 31 Rhagfyr 2025)"
