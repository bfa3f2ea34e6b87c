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


def test_where_welsh_is_offered_a_published_report_keeps_its_welsh_edition_and_readers_download_it(seeded, client):
    from survey_app.models import ReportFile
    from survey_app.reports.service import publish

    from .support import page_of, signed_in

    seeded.config["LANGUAGES"] = ("en", "cy")
    try:
        report = publish(create_draft("quarterly", QUARTER, created_by="hr@example.org"),
                         published_by="hr@example.org", without_quotes=True)
        stored = set(db.session.execute(sa.select(ReportFile.format).where(ReportFile.report_id == report.id))
                     .scalars())
        assert stored == {"html", "pdf", "csv", "xlsx", "json", "cy.html", "cy.pdf", "cy.csv", "cy.xlsx", "cy.json"}
        signed_in(client, "standards")
        page = page_of(client.get(f"/reports/{report.id}"))
        links = [a["href"] for a in page.select("a[hreflang=cy]")]
        assert f"/reports/{report.id}/download/cy/pdf" in links and len(links) == 5
        # The edition is the one stored at publication: later changes to the data cannot touch it.
        seed_demo(40, seed=9, today=date(2025, 11, 15))
        run_themes(progress=False)
        answer = client.get(f"/reports/{report.id}/download/cy/json")
        assert answer.status_code == 200
        assert answer.headers["Content-Disposition"].startswith('attachment; filename="cy-exitvoice-quarterly-')
        welsh = json.loads(answer.data)
        assert welsh["parameters"]["language"] == "cy" and welsh["disclosure"] == report.data["disclosure"]
        assert client.get(f"/reports/{report.id}/download/cy/docx").status_code == 404
    finally:
        seeded.config["LANGUAGES"] = ("en",)


def test_where_welsh_is_not_offered_there_is_no_welsh_edition_to_download(seeded, client):
    from survey_app.models import ReportFile
    from survey_app.reports.service import publish

    from .support import page_of, signed_in

    report = publish(create_draft("quarterly", QUARTER, created_by="hr@example.org"),
                     published_by="hr@example.org", without_quotes=True)
    assert not db.session.execute(sa.select(ReportFile.format).where(
        ReportFile.report_id == report.id, ReportFile.format.like("cy.%"))).first()
    signed_in(client, "hr")
    assert not page_of(client.get(f"/reports/{report.id}")).select("a[hreflang=cy]")
    assert client.get(f"/reports/{report.id}/download/cy/pdf").status_code == 404


def test_a_report_whose_welsh_edition_cannot_have_its_figures_is_not_published_at_all(seeded):
    from survey_app.models import ReportFile
    from survey_app.reports.service import publish

    seeded.config["LANGUAGES"] = ("cy", "en")
    try:
        report = create_draft("quarterly", QUARTER, created_by="hr@example.org")
        for quote in report.quotes:
            quote.approved = True
        db.session.commit()
        # Late returns and a theme run after the draft was built: its Welsh edition, built now,
        # would not print the draft's figures.
        seed_demo(40, seed=9, today=date(2025, 11, 15))
        run_themes(progress=False)
        with pytest.raises(ReportError, match="Welsh edition would not have the same figures"):
            publish(report, published_by="hr@example.org")
        db.session.expire_all()
        assert db.session.get(Report, report.id).status == "draft"
        assert db.session.execute(sa.select(ReportFile)).first() is None
    finally:
        seeded.config["LANGUAGES"] = ("en",)
