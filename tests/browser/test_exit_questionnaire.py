"""A leaver fills in the exit questionnaire in a real browser; every page passes axe (WCAG 2.2 AA)."""

from __future__ import annotations

import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.axe import assert_no_axe_violations


def test_a_leaver_completes_the_questionnaire_in_a_browser(live_app, live_server, browser_page):
    page = browser_page
    page.goto(live_server + "/")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Exit questionnaire").click()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Start now").click()

    # Page 1: submitting empty shows the error summary, which must itself be accessible.
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Social worker", exact=True).check()
    page.get_by_label("Permanent").check()
    page.get_by_label("Child in need and child protection").check()
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("group", name="How long did you work for the council?").get_by_label(
        "1 year to less than 2 years").check()
    page.get_by_label("In which month is your last working day? (optional)").select_option(index=3)
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Continue").click()

    page.get_by_label("Caseload or workload").check()
    page.get_by_label("Supervision or support from my manager").check()
    page.get_by_label("In your own words, why are you leaving? (optional)").fill(
        "Thirty children on my caseload and supervision cancelled every month.")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Continue").click()

    page.get_by_label("What, if anything, would have made you stay? (optional)").fill("A manageable caseload.")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("group", name="Your caseload being manageable").get_by_label("Very poor").check()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("group", name="Pay and reward").get_by_label("Neither good nor poor").check()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Social work for another council").check()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Continue").click()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Continue").click()

    # Check your answers, with a change link that comes back here.
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Change What are you going on to do?").click()
    page.get_by_label("Agency social work").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    assert "Agency social work" in page.content()
    page.get_by_role("button", name="Continue").click()

    # Optional equality monitoring after check-your-answers.
    expect(page.get_by_role("heading", name="Equality monitoring")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("group", name="What is your age? (optional)").get_by_label("35 to 44").check()
    page.get_by_role("button", name="Send my answers").click()

    expect(page.get_by_role("heading", name="Your answers have been sent")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Ask for a follow-up conversation").click()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Send request").click()
    assert_no_axe_violations(page)  # with errors shown

    with live_app.app_context():
        from survey_app.extensions import db
        from survey_app.models import Comment, Response

        # Other browser tests share this database: find this leaver's response by its comment.
        comment = db.session.execute(sa.select(Comment).filter_by(
            text="Thirty children on my caseload and supervision cancelled every month.")).scalar_one()
        response = db.session.get(Response, comment.response_id)
        assert response.answers["destination"] == "agency_work"
        assert response.answers["eq_age"] == "35_44"
        texts = set(db.session.execute(sa.select(Comment.text).filter_by(response_id=response.id)).scalars())
        assert texts == {"Thirty children on my caseload and supervision cancelled every month.",
                         "A manageable caseload."}
        db.session.remove()


def test_other_respondent_pages_are_accessible(live_server, browser_page):
    page = browser_page
    for path in ("/privacy", "/accessibility", "/exit/", "/staff-survey/", "/staff-survey/code", "/nowhere"):
        page.goto(live_server + path)
        assert_no_axe_violations(page)
    page.goto(live_server + "/staff-survey/code")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_no_axe_violations(page)


def test_a_leaver_saves_and_comes_back_on_another_device(live_app, live_server, browser, browser_page):
    """Save and come back later, in a real browser: the code is shown once, the pages pass axe at
    1,024 px and at 320 px (400 % zoom of a 1,280 px screen) without sideways scrolling, and a
    second browser with no cookies of the first carries on from the code."""
    page = browser_page
    page.goto(live_server + "/exit/")
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("Social worker", exact=True).check()
    page.get_by_label("Permanent").check()
    page.get_by_label("Child in need and child protection").check()
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.get_by_role("heading", name="Save your answers and come back later")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Get a return code").click()
    expect(page.get_by_role("heading", name="Your answers have been saved")).to_be_visible()
    assert_no_axe_violations(page)
    code = page.locator("#return-code").inner_text().strip()
    assert len(code) == 19 and code.count("-") == 3
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_no_axe_violations(page)

    other = browser.new_context(viewport={"width": 1024, "height": 900}, bypass_csp=True)
    try:
        second = other.new_page()
        second.set_default_timeout(10000)
        second.goto(live_server + "/exit/")
        second.get_by_role("link", name="Continue with a return code").click()
        second.get_by_role("button", name="Continue").click()  # empty: the error is announced
        expect(second.locator(".govuk-error-summary")).to_contain_text("Enter your return code")
        assert_no_axe_violations(second)
        second.get_by_label("Continue with a return code").fill(code.lower().replace("-", " "))
        second.get_by_role("button", name="Continue").click()
        expect(second.get_by_role("heading", name="Check your answers")).to_be_visible()
        assert "Child in need and child protection" in second.content()
        assert "Save your answers and come back later" in second.content()
    finally:
        other.close()
