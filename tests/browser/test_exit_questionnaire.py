"""A leaver fills in the exit questionnaire in a real browser; every page passes axe (WCAG 2.2 AA)."""

from __future__ import annotations

import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.axe import assert_no_axe_violations
from tests.browser.support import assert_fits_without_sideways_scroll, follow, send_form


def test_a_leaver_completes_the_questionnaire_in_a_browser(live_app, live_server, browser_page):
    page = browser_page
    page.goto(live_server + "/")
    assert_no_axe_violations(page)
    follow(page, page.get_by_role("link", name="Exit questionnaire"))
    assert_no_axe_violations(page)
    send_form(page, "Start now")

    # Page 1: submitting empty shows the error summary, which must itself be accessible.
    send_form(page, "Continue")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Social worker", exact=True).check()
    page.get_by_label("Permanent").check()
    page.get_by_label("Child in need and child protection").check()
    send_form(page, "Continue")

    page.get_by_role("group", name="How long did you work for the council?").get_by_label(
        "1 year to less than 2 years").check()
    page.get_by_label("In which month is your last working day? (optional)").select_option(index=3)
    assert_no_axe_violations(page)
    send_form(page, "Continue")

    page.get_by_label("Caseload or workload").check()
    page.get_by_label("Supervision or support from my manager").check()
    page.get_by_label("In your own words, why are you leaving? (optional)").fill(
        "Thirty children on my caseload and supervision cancelled every month.")
    assert_no_axe_violations(page)
    send_form(page, "Continue")

    page.get_by_label("What, if anything, would have made you stay? (optional)").fill("A manageable caseload.")
    assert_no_axe_violations(page)
    send_form(page, "Continue")

    page.get_by_role("group", name="Your caseload being manageable").get_by_label("Very poor").check()
    assert_no_axe_violations(page)
    send_form(page, "Continue")
    page.get_by_role("group", name="Pay and reward").get_by_label("Neither good nor poor").check()
    assert_no_axe_violations(page)
    send_form(page, "Continue")
    page.get_by_label("Social work for another council").check()
    assert_no_axe_violations(page)
    send_form(page, "Continue")
    assert_no_axe_violations(page)
    send_form(page, "Continue")

    # Check your answers, with a change link that comes back here.
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    assert_no_axe_violations(page)
    follow(page, page.get_by_role("link", name="Change What are you going on to do?"))
    page.get_by_label("Agency social work").check()
    send_form(page, "Continue")
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    assert "Agency social work" in page.content()
    send_form(page, "Continue")

    # Optional equality monitoring after check-your-answers.
    expect(page.get_by_role("heading", name="Equality monitoring")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("group", name="What is your age? (optional)").get_by_label("35 to 44").check()
    send_form(page, "Send my answers")

    expect(page.get_by_role("heading", name="Your answers have been sent")).to_be_visible()
    assert_no_axe_violations(page)

    follow(page, page.get_by_role("link", name="Ask for a follow-up conversation"))
    assert_no_axe_violations(page)
    send_form(page, "Send request")
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
    send_form(page, "Continue")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_no_axe_violations(page)


def test_a_leaver_saves_and_comes_back_on_another_device(live_app, live_server, browser, browser_page):
    """Save and come back later, in a real browser: the code is shown once, the pages pass axe at
    1,024 px and at 320 px (400 % zoom of a 1,280 px screen) without sideways scrolling, and a
    second browser with no cookies of the first carries on from the code."""
    page = browser_page
    page.goto(live_server + "/exit/")
    send_form(page, "Start now")
    page.get_by_label("Social worker", exact=True).check()
    page.get_by_label("Permanent").check()
    page.get_by_label("Child in need and child protection").check()
    send_form(page, "Save and come back later")
    expect(page.get_by_role("heading", name="Save your answers and come back later")).to_be_visible()
    assert_no_axe_violations(page)
    send_form(page, "Get a return code")
    expect(page.get_by_role("heading", name="Your answers have been saved")).to_be_visible()
    assert_no_axe_violations(page)
    code = page.locator("#return-code").inner_text().strip()
    assert len(code) == 19 and code.count("-") == 3
    page.set_viewport_size({"width": 320, "height": 640})
    assert_fits_without_sideways_scroll(page, "return code")
    assert_no_axe_violations(page)

    other = browser.new_context(viewport={"width": 1024, "height": 900}, bypass_csp=True)
    try:
        second = other.new_page()
        second.set_default_timeout(10000)
        second.goto(live_server + "/exit/")
        follow(second, second.get_by_role("link", name="Continue with a return code"))
        send_form(second, "Continue")  # empty: the error is announced
        expect(second.locator(".govuk-error-summary")).to_contain_text("Enter your return code")
        assert_no_axe_violations(second)
        second.get_by_label("Continue with a return code").fill(code.lower().replace("-", " "))
        send_form(second, "Continue")
        expect(second.get_by_role("heading", name="Check your answers")).to_be_visible()
        assert "Child in need and child protection" in second.content()
        assert "Save your answers and come back later" in second.content()
    finally:
        other.close()
