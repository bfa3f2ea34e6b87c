"""The Employer Standards group reads published reports only; HR drafts, quotes and publishes."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
import sqlalchemy as sa

from survey_app.demo import seed_demo
from survey_app.extensions import db
from survey_app.models import AuditEvent, Report
from survey_app.reports.service import create_draft, publish
from survey_app.themes.service import run_themes

from .support import page_of, signed_in

QUARTER = "2025/26 Q2"


def _draft(client, data: dict, **kwargs):
    """Use the 'Draft a new report' form on the reports page."""
    token = page_of(client.get("/reports/")).find("input", attrs={"name": "csrf_token"})["value"]
    return client.post("/reports/new", data={"csrf_token": token, **data}, **kwargs)


@pytest.fixture
def reports(app):
    seed_demo(400, seed=5, today=date(2025, 11, 15))
    run_themes(progress=False)
    draft = create_draft("quarterly", QUARTER, created_by="hr@council.example")
    published = create_draft("quarterly", "2025/26 Q1", created_by="hr@council.example")
    publish(published, published_by="hr@council.example", without_quotes=True)
    return {"draft": draft.id, "published": published.id}


@pytest.mark.one_database
def test_a_standards_reader_sees_published_reports_and_never_a_draft(client, reports):
    signed_in(client, "standards")
    listing = page_of(client.get("/reports/"))
    links = [a["href"] for a in listing.select("main a.govuk-link")]
    assert f"/reports/{reports['published']}" in links
    assert f"/reports/{reports['draft']}" not in links
    assert client.get(f"/reports/{reports['draft']}").status_code == 404
    assert client.get(f"/reports/{reports['draft']}/download/json").status_code == 404
    page = client.get(f"/reports/{reports['published']}")
    assert page.status_code == 200
    assert "Quotes to show in the report" not in page.get_data(as_text=True)  # no unapproved quotes
    assert client.post(f"/reports/{reports['draft']}/publish").status_code == 403
    assert client.post("/reports/new", data={"kind": "quarterly"}).status_code == 403


@pytest.mark.one_database
def test_a_standards_reader_downloads_only_suppressed_tables(client, reports):
    signed_in(client, "standards")
    response = client.get(f"/reports/{reports['published']}/download/csv")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        text = " ".join(archive.read(name).decode("utf-8-sig") for name in archive.namelist())
    assert "fewer than 5" in text
    events = db.session.execute(sa.select(AuditEvent.action, AuditEvent.record_id)).all()
    assert ("downloaded", reports["published"]) in events


@pytest.mark.one_database
def test_report_charts_are_images_the_page_policy_allows(client, reports):
    signed_in(client, "standards")
    page = page_of(client.get(f"/reports/{reports['published']}"))
    assert page.find("svg") is None
    image = page.select_one("img.app-report-chart")
    assert image["alt"]
    svg = client.get(image["src"])
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and b"<svg" in svg.data


def test_hr_drafts_approves_quotes_and_publishes(client, reports):
    signed_in(client, "hr")
    created = _draft(client, {"kind": "quarterly", "period_quarterly": QUARTER})
    assert created.status_code == 302
    report_id = created.headers["Location"].rsplit("/", 1)[-1]
    page = page_of(client.get(f"/reports/{report_id}"))
    quote_boxes = page.select("input[name=quotes]")
    assert quote_boxes
    token = page.find("input", attrs={"name": "csrf_token"})["value"]
    no_quotes = client.post(f"/reports/{report_id}/publish", data={"csrf_token": token})
    assert "No quotes are approved" in client.get(no_quotes.headers["Location"]).get_data(as_text=True)
    client.post(f"/reports/{report_id}/quotes", data={"csrf_token": token, "quotes": [quote_boxes[0]["value"]]})
    done = client.post(f"/reports/{report_id}/publish", data={"csrf_token": token})
    assert done.status_code == 302
    stored = db.session.get(Report, report_id)
    assert stored.status == "published" and [q.approved for q in stored.quotes].count(True) == 1
    assert stored.quotes and any(q.text in str(stored.data) for q in stored.quotes if q.approved)


def test_drafting_with_a_bad_period_says_why(client, app):
    signed_in(client, "hr")
    response = _draft(client, {"kind": "quarterly", "period_quarterly": "Q7"}, follow_redirects=True)
    assert "is not a quarter label" in page_of(response).select_one(".govuk-error-summary").get_text()
    assert db.session.execute(sa.select(Report)).first() is None
