"""The Welsh edition of a report from the app's command line: the same figures as the report
drafted and stored, in Welsh; refused when the data no longer give the report's figures."""

from __future__ import annotations

import base64
import json
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from babel.messages.pofile import read_po

from analysis.reports.translation import ReportWords, provisional_title
from survey_app.demo import seed_demo
from survey_app.extensions import db
from survey_app.models import Report
from survey_app.reports.service import ReportError, create_draft, edition
from survey_app.themes.service import run_themes

QUARTER = "2025/26 Q2"


def _welsh_catalogue() -> dict[str, str]:
    """The staff pages' Welsh, read from the catalogue the app uses."""
    with (Path(__file__).resolve().parents[1] / "survey_app/translations/cy/LC_MESSAGES/messages.po").open("rb") as f:
        return {m.id: m.string for m in read_po(f) if isinstance(m.id, str) and m.id}


WELSH = _welsh_catalogue()


@pytest.fixture
def seeded(app):
    seed_demo(400, seed=4, today=date(2025, 11, 15))
    run_themes(progress=False)
    return app


@pytest.mark.one_database
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


@pytest.mark.one_database
def test_the_cli_writes_a_welsh_html_page(seeded, runner, tmp_path):
    out = tmp_path / "adroddiad.html"
    result = runner.invoke(args=["report", "length-of-service", "--quarter", QUARTER, "--out", str(out),
                                 "--language", "cy"])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert '<html lang="cy-GB"' in page and "Hyd gwasanaeth ymadawyr: wyth chwarter hyd at 2025/26 Ch2" in page
    assert "SWYDDOGOL-SENSITIF" in page and "Contents" not in page


@pytest.mark.one_database
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


@pytest.mark.one_database
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
        links = [a["href"] for a in page.select("a[hreflang=cy][download]")]
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


@pytest.mark.one_database
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


@pytest.mark.one_database
def test_a_draft_made_where_welsh_is_offered_is_published_in_both_languages_with_its_figures_after_late_returns(
        seeded):
    # The Welsh edition is built with the draft, from the same answers: late returns after the
    # draft change neither, so the report HR read is the one published, in both languages.
    from survey_app.models import ReportFile
    from survey_app.reports.service import publish

    seeded.config["LANGUAGES"] = ("cy", "en")
    try:
        report = create_draft("quarterly", QUARTER, created_by="hr@example.org")
        drafted = json.loads(json.dumps(report.data["disclosure"]))
        assert set(report.editions) == {"cy"}
        assert report.editions["cy"]["parameters"]["language"] == "cy"
        assert report.editions["cy"]["disclosure"] == drafted
        for quote in report.quotes:
            quote.approved = True
        db.session.commit()
        seed_demo(40, seed=9, today=date(2025, 11, 15))
        run_themes(progress=False)
        publish(report, published_by="hr@example.org")
        db.session.expire_all()
        published = db.session.get(Report, report.id)
        assert published.status == "published" and published.data["disclosure"] == drafted
        welsh = json.loads(_stored_json(report.id, "cy.json"))
        assert welsh["disclosure"] == drafted and welsh["title"].startswith("Pam mae gweithwyr")
        assert {f for f in db.session.execute(sa.select(ReportFile.format)).scalars()} >= {"json", "cy.json", "cy.pdf"}
    finally:
        seeded.config["LANGUAGES"] = ("en",)


@pytest.mark.one_database
def test_a_draft_made_before_welsh_was_offered_whose_welsh_edition_cannot_have_its_figures_is_not_published(seeded):
    from survey_app.models import ReportFile
    from survey_app.reports.service import publish

    report = create_draft("quarterly", QUARTER, created_by="hr@example.org")
    assert report.editions is None
    # Stored as SQL NULL, not as the JSON value null, so "no editions" reads the same in SQL.
    assert db.session.execute(sa.select(Report.id).where(Report.editions.is_(None))).scalars().all() == [report.id]
    for quote in report.quotes:
        quote.approved = True
    db.session.commit()
    seeded.config["LANGUAGES"] = ("cy", "en")
    try:
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


@pytest.mark.one_database
def test_a_welsh_reader_reads_the_welsh_edition_on_the_report_page_and_can_switch(seeded, client):
    # The Welsh Language Standards: a report read in the app is in the reader's language, not
    # English with a Welsh download beside it.
    from survey_app.reports.service import publish

    from .support import page_of, signed_in

    seeded.config["LANGUAGES"] = ("en", "cy")
    try:
        report = publish(create_draft("quarterly", QUARTER, created_by="hr@example.org"),
                         published_by="hr@example.org", without_quotes=True)
        welsh = json.loads(_stored_json(report.id, "cy.json"))
        reader = signed_in(client, "standards")
        reader.language = "cy"
        db.session.commit()
        page = page_of(client.get(f"/reports/{report.id}"))
        body = page.select_one(".app-report")
        assert body["lang"] == "cy"
        headings = [h.get_text(strip=True) for h in body.select("h2")]
        assert [s["title"] for s in welsh["sections"]][0] in headings
        assert report.data["sections"][0]["title"] not in headings
        # Its charts are the Welsh edition's too.
        image = body.select_one("img.app-report-chart")
        chart = image["src"]
        assert "edition=cy" in chart
        svg = client.get(chart).data.decode()
        first = [next(c for s in data["sections"] for c in s.get("charts", [])) for data in (welsh, report.data)]
        assert image["alt"] == first[0]["title"]
        assert first[0]["title"] != first[1]["title"]
        assert first[0]["title"] in svg and first[1]["title"] not in svg
        # The switch names each edition in its own language; the English one is a link.
        switch = page.select_one("nav.app-language-switch")
        assert switch.select_one("[aria-current=true]").get_text(strip=True) == "Cymraeg"
        english = switch.select_one("a[hreflang=en]")
        page = page_of(client.get(english["href"]))
        assert page.select_one(".app-report")["lang"] == "en"
        assert report.data["sections"][0]["title"] in [h.get_text(strip=True) for h in page.select(".app-report h2")]
    finally:
        seeded.config["LANGUAGES"] = ("en",)


@pytest.mark.one_database
def test_a_draft_made_where_welsh_is_offered_is_read_in_the_readers_language_at_once(seeded, client):
    from .support import page_of, signed_in

    seeded.config["LANGUAGES"] = ("en", "cy")
    try:
        report = create_draft("quarterly", QUARTER, created_by="hr@example.org")
        hr = signed_in(client, "hr")
        hr.language = "cy"
        db.session.commit()
        # Late returns since the draft change nothing: the page shows the edition built with it.
        seed_demo(40, seed=9, today=date(2025, 11, 15))
        run_themes(progress=False)
        body = page_of(client.get(f"/reports/{report.id}")).select_one(".app-report")
        assert body["lang"] == "cy"
        assert report.editions["cy"]["sections"][0]["title"] in [h.get_text(strip=True) for h in body.select("h2")]
        # Its charts are served from the stored edition, by address, in Welsh.
        image = body.select_one("img.app-report-chart")
        assert "edition=cy" in image["src"]
        welsh_chart = next(c for s in report.editions["cy"]["sections"] for c in s.get("charts", []))
        assert image["alt"] == welsh_chart["title"] and welsh_chart["title"] in client.get(image["src"]).data.decode()
        english = page_of(client.get(f"/reports/{report.id}?edition=en")).select_one(".app-report")
        assert english["lang"] == "en"
    finally:
        seeded.config["LANGUAGES"] = ("en",)


@pytest.mark.one_database
def test_a_draft_made_before_welsh_was_offered_shows_english_unless_asked_and_says_why_when_it_cannot_be(
        seeded, client):
    from .support import page_of, signed_in

    report = create_draft("quarterly", QUARTER, created_by="hr@example.org")
    seeded.config["LANGUAGES"] = ("en", "cy")
    try:
        hr = signed_in(client, "hr")
        hr.language = "cy"
        db.session.commit()
        assert page_of(client.get(f"/reports/{report.id}")).select_one(".app-report")["lang"] == "en"
        body = page_of(client.get(f"/reports/{report.id}?edition=cy")).select_one(".app-report")
        assert body["lang"] == "cy"
        # The Welsh edition is built for this page, so its charts come with it rather than from
        # a chart address that would build it again; each is named by its Welsh title.
        welsh_chart = next(c for s in edition(report, "cy")["sections"] for c in s.get("charts", []))
        image = body.select_one("img.app-report-chart")
        assert image["alt"] == welsh_chart["title"]
        assert image["src"].startswith("data:image/svg+xml;base64,")
        assert welsh_chart["title"] in base64.b64decode(image["src"].split(",", 1)[1]).decode()
        # Late returns since the draft: its Welsh edition would not print its figures, so the page
        # shows the English one and says why, instead of failing.
        seed_demo(40, seed=9, today=date(2025, 11, 15))
        run_themes(progress=False)
        answer = client.get(f"/reports/{report.id}?edition=cy")
        assert answer.status_code == 200
        page = page_of(answer)
        assert page.select_one(".app-report")["lang"] == "en"
        problem = page.select(".govuk-inset-text")[-1].get_text(" ", strip=True)
        assert problem.startswith(WELSH["This report is shown in English."])
        assert WELSH["The data have changed since this report was built, so its Welsh edition would not have the "
                     "same figures. Make a new draft."] in problem
    finally:
        seeded.config["LANGUAGES"] = ("en",)


def _stored_json(report_id: str, name: str) -> bytes:
    from survey_app.models import ReportFile

    return bytes(db.session.execute(sa.select(ReportFile.content).where(
        ReportFile.report_id == report_id, ReportFile.format == name)).scalar_one())


@pytest.mark.one_database
def test_a_report_published_before_welsh_was_offered_gets_a_welsh_edition_with_its_own_figures(seeded, client):
    # Turned on later, Welsh is built for reports already published, each with the figures it
    # was published with, although reports published after it are now held by any rebuild.
    from survey_app.reports.service import publish

    from .support import signed_in

    first = publish(create_draft("quarterly", "2025/26 Q1", created_by="hr@example.org"),
                    published_by="hr@example.org", without_quotes=True)
    publish(create_draft("quarterly", QUARTER, created_by="hr@example.org"), published_by="hr@example.org",
            without_quotes=True)
    seeded.config["LANGUAGES"] = ("en", "cy")
    try:
        signed_in(client, "standards")
        answer = client.get(f"/reports/{first.id}/download/cy/json")
        assert answer.status_code == 200, answer.data[:300]
        welsh = json.loads(answer.data)
        assert welsh["parameters"]["language"] == "cy"
        assert welsh["disclosure"]["audit"]["cells"] == first.data["disclosure"]["audit"]["cells"]
    finally:
        seeded.config["LANGUAGES"] = ("en",)
