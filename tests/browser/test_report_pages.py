"""Report and theme pages pass axe (WCAG 2.2 A and AA) as HR and the standards group see them."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_no_axe_violations
from tests.browser.support import (
    assert_fits_without_sideways_scroll,
    follow,
    migrated_app,
    send_form,
    served,
    sign_in,
)
from tests.support import PASSWORD

SERVED: dict = {}  # the app report_server serves, for a test that changes its settings


@pytest.fixture(scope="module")
def report_server(tmp_path_factory):
    """A server of its own, with demo data, themes and one published report."""
    from survey_app.auth import accounts
    from survey_app.demo import seed_demo
    from survey_app.extensions import db
    from survey_app.reports.service import create_draft, publish
    from survey_app.themes.service import run_themes

    app = migrated_app(tmp_path_factory.mktemp("reports"))
    with app.app_context():
        seed_demo(400, seed=2, today=date(2025, 11, 15))
        run_themes(progress=False)
        report = create_draft("quarterly", "2025/26 Q2", created_by="hr@council.example")
        publish(report, published_by="hr@council.example", without_quotes=True)
        create_draft("quarterly", "2025/26 Q1", created_by="hr@council.example")
        accounts.create_user("reader@council.example", "standards", PASSWORD)
        accounts.create_user("hr-reports@council.example", "hr", PASSWORD)
        accounts.create_user("hr-cymraeg@council.example", "hr", PASSWORD).language = "cy"
        db.session.commit()
        report_id = report.id
    SERVED["app"], SERVED["published"] = app, report_id
    with served(app) as base:
        yield base, report_id


def test_a_standards_reader_reads_a_published_report(report_server, browser_page):
    base, report_id = report_server
    page = browser_page
    sign_in(page, base, "reader@council.example")
    page.goto(f"{base}/reports/")
    expect(page.get_by_role("heading", name="Reports", exact=True)).to_be_visible()
    assert_no_axe_violations(page)
    page.goto(f"{base}/reports/{report_id}")
    expect(page.locator("img.app-report-chart").first).to_be_visible()
    assert page.locator("img.app-report-chart").first.evaluate("img => img.naturalWidth") > 0
    assert_no_axe_violations(page)


def test_hr_report_and_theme_pages(report_server, browser_page):
    base, _ = report_server
    page = browser_page
    sign_in(page, base, "hr-reports@council.example")
    page.goto(f"{base}/reports/")
    assert_no_axe_violations(page)
    follow(page, page.locator("main a", has_text="Quarterly theme report").filter(has_text="2025/26 Q1, draft"))
    expect(page.get_by_role("heading", name="Publish")).to_be_visible()
    assert_no_axe_violations(page)
    page.goto(f"{base}/hr/themes")
    assert_no_axe_violations(page)
    page.goto(f"{base}/hr/")
    follow(page, page.locator("main table a").first)
    expect(page.get_by_role("heading", name="Themes in the written answers")).to_be_visible()
    page.get_by_text("Check or correct these themes").first.click()
    assert_no_axe_violations(page)


def test_a_slow_form_says_it_is_working_as_soon_as_it_is_sent(report_server, browser_page):
    base, _ = report_server
    page = browser_page
    sign_in(page, base, "hr-reports@council.example")
    page.goto(f"{base}/hr/themes/caseload")
    assert_no_axe_violations(page)
    # Keep the page from leaving, to see it as it looks while the server works.
    page.evaluate("document.querySelector('form[data-app-busy]').addEventListener('submit', e => e.preventDefault())")
    page.get_by_role("button", name="Save phrases and re-run themes").click()
    status = page.locator("form .app-busy[role=status]")
    expect(status).to_have_text("Saving the phrases.")
    assert_no_axe_violations(page)


def test_a_theme_run_asked_for_is_followed_on_the_page_until_it_ends(report_server, browser_page):
    # Saving the phrases starts the run in the background; the page shows its steps as they
    # come (a status region and a bar) and says when it has finished, without a reload.
    base, _ = report_server
    page = browser_page
    sign_in(page, base, "hr-reports@council.example")
    app = SERVED["app"]
    app.config["THEMES_IN_BACKGROUND"] = True
    try:
        page.goto(f"{base}/hr/themes/caseload")
        expect(page.locator("#theme-run")).to_be_hidden()
        page.get_by_label("Phrases, one per line").press("End")
        page.get_by_label("Phrases, one per line").type("\nheavy lifting")
        send_form(page, "Save phrases and re-run themes")
        expect(page.locator("#theme-run")).to_be_visible()
        assert_no_axe_violations(page)
        expect(page.locator("#theme-run-text")).to_contain_text("The themes have been run again", timeout=60_000)
        assert page.locator("#theme-run progress").evaluate("bar => bar.value === bar.max")
    finally:
        app.config["THEMES_IN_BACKGROUND"] = False


def test_a_theme_run_is_followed_in_welsh_for_someone_who_reads_welsh(report_server, browser_page):
    # The script takes its sentences from the page, so they are in the reader's language.
    base, _ = report_server
    page = browser_page
    app = SERVED["app"]
    offered = app.config["LANGUAGES"]
    app.config["LANGUAGES"] = ("en", "cy")
    app.config["THEMES_IN_BACKGROUND"] = True
    try:
        sign_in(page, base, "hr-cymraeg@council.example")
        page.goto(f"{base}/hr/themes/caseload")
        expect(page.locator("html")).to_have_attribute("lang", "cy")
        page.get_by_label("Ymadroddion, un ar bob llinell").press("End")
        page.get_by_label("Ymadroddion, un ar bob llinell").type("\nmountain of paperwork")
        send_form(page, "Cadw’r ymadroddion a rhedeg y themâu eto")
        expect(page.locator("#theme-run")).to_be_visible()
        done = "Mae’r themâu wedi cael eu rhedeg eto: rhoddwyd thema i"
        expect(page.locator("#theme-run-text")).to_contain_text(done, timeout=60_000)
        assert_no_axe_violations(page)
        # The published report's page offers its editions by a switch of its own, named in Welsh.
        page.goto(f"{base}/reports/{SERVED['published']}")
        switch = page.get_by_role("navigation", name="Iaith yr adroddiad")
        expect(switch).to_be_visible()
        page.set_viewport_size({"width": 512, "height": 900})
        assert_fits_without_sideways_scroll(page, "report in Welsh")
        assert_no_axe_violations(page)
        # A draft made where Welsh is offered keeps its Welsh edition: the Welsh reader reads it at
        # once, its charts drawn from that edition by address.
        from survey_app.reports.service import create_draft

        with app.app_context():
            draft_id = create_draft("quarterly", "2025/26 Q2", created_by="hr@council.example").id
        page.goto(f"{base}/reports/{draft_id}")
        expect(page.locator(".app-report")).to_have_attribute("lang", "cy")
        chart = page.locator("img.app-report-chart").first
        assert "edition=cy" in chart.get_attribute("src")
        expect(chart).to_be_visible()
        assert chart.evaluate("img => img.complete && img.naturalWidth") > 0
        # A draft made before Welsh was offered has its Welsh edition built for its page, which
        # brings its charts as data: images that the page's Content Security Policy lets the
        # browser draw.
        with app.app_context():
            app.config["LANGUAGES"] = ("en",)
            older_id = create_draft("quarterly", "2025/26 Q2", created_by="hr@council.example").id
            app.config["LANGUAGES"] = ("en", "cy")
        page.goto(f"{base}/reports/{older_id}?edition=cy")
        expect(page.locator(".app-report")).to_have_attribute("lang", "cy")
        chart = page.locator("img.app-report-chart").first
        assert chart.get_attribute("src").startswith("data:image/svg+xml;base64,")
        expect(chart).to_be_visible()
        assert chart.evaluate("img => img.complete && img.naturalWidth") > 0
    finally:
        app.config["THEMES_IN_BACKGROUND"] = False
        app.config["LANGUAGES"] = offered


def test_report_pages_fit_a_512_pixel_window(report_server, browser_page):
    """200 % zoom of a 1,024 px screen: the reports list, a published report with its many
    tables and charts, and a draft with its quotes and actions to approve never scroll
    sideways; each passes axe at that width."""
    base, report_id = report_server
    page = browser_page
    sign_in(page, base, "hr-reports@council.example")
    page.set_viewport_size({"width": 512, "height": 900})
    for path in ("/reports/", f"/reports/{report_id}", "/hr/themes", "/hr/themes/caseload"):
        assert page.goto(f"{base}{path}").status == 200, path
        assert_fits_without_sideways_scroll(page, path)
        assert_no_axe_violations(page)
        if path == f"/reports/{report_id}":
            assert page.locator("main table").count() > 10  # the report's tables were there to check
    page.goto(f"{base}/reports/")
    follow(page, page.locator("main a", has_text="Quarterly theme report").filter(has_text="2025/26 Q1, draft"))
    expect(page.get_by_role("heading", name="Publish")).to_be_visible()
    assert_fits_without_sideways_scroll(page, "draft")
    assert_no_axe_violations(page)
