"""Over HTTPS, as a council runs it: gunicorn serving TLS, production settings, PostgreSQL.

Browsers send no Referer when told not to, and Flask-WTF refuses a secure form post without one;
these journeys prove every kind of form (respondent pages, the follow-up request, sign-in and an
HR form) can be sent over TLS.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import _migrate, _postgres_database
from tests.support import PASSWORD

from .support import follow, gunicorn_over_tls, send_form, sign_in


@pytest.fixture(scope="module")
def tls_database():
    for url in _postgres_database():
        _migrate(url)
        yield url


@pytest.fixture(scope="module")
def tls_server(tls_database, tmp_path_factory):
    with gunicorn_over_tls(tls_database, tmp_path_factory.mktemp("tls")) as base:
        yield base


@pytest.fixture
def tls_page(browser):
    context = browser.new_context(viewport={"width": 1024, "height": 900}, ignore_https_errors=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def _create_user(database_url: str, email: str, role: str = "hr") -> str:
    from survey_app import create_app
    from survey_app.auth import accounts
    from survey_app.extensions import db

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        accounts.create_user(email, role, PASSWORD)
        db.session.commit()
        db.engine.dispose()
    return email


def test_the_site_is_served_over_https_with_secure_cookies(tls_server, tls_page):
    response = tls_page.goto(tls_server + "/exit/")
    assert response.url.startswith("https://")
    assert response.headers["strict-transport-security"].startswith("max-age=")
    assert response.headers["referrer-policy"] == "same-origin"
    send_form(tls_page, "Start now")
    cookies = tls_page.context.cookies()
    assert cookies and all(cookie["secure"] for cookie in cookies)


def test_a_leaver_sends_answers_and_a_follow_up_request_over_https(tls_server, tls_page):
    page = tls_page
    page.goto(tls_server + "/exit/")
    send_form(page, "Start now")
    page.get_by_label("Social worker", exact=True).check()
    page.get_by_label("Permanent").check()
    page.get_by_label("Child in need and child protection").check()
    send_form(page, "Continue")
    page.get_by_role("group", name="How long did you work for the council?").get_by_label(
        "1 year to less than 2 years").check()
    send_form(page, "Continue")
    # The remaining question pages are optional: each must accept a secure post and move on.
    for _ in range(12):
        expect(page.get_by_role("heading", name="Your page timed out")).to_have_count(0)
        expect(page.locator(".govuk-error-summary")).to_have_count(0)
        if page.get_by_role("button", name="Send my answers").count():
            break
        send_form(page, "Continue")
    else:
        pytest.fail("twelve presses of Continue never reached the page that sends the answers")
    send_form(page, "Send my answers")
    expect(page.get_by_role("heading", name="Your answers have been sent")).to_be_visible()

    follow(page, page.get_by_role("link", name="Ask for a follow-up conversation"))
    send_form(page, "Send request")
    # The post itself was accepted: the form answers with its own validation, not a timeout.
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.get_by_role("heading", name="Your page timed out")).to_have_count(0)


def test_hr_signs_in_and_records_a_focus_group_over_https(tls_server, tls_database, tls_page):
    page = tls_page
    email = _create_user(tls_database, "tls-hr@council.example")
    sign_in(page, tls_server, email)
    page.wait_for_url(f"{tls_server}/hr/overview")
    page.goto(f"{tls_server}/hr/focus-groups/new")
    page.get_by_label("Day").fill("12")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Facilitator").fill("HR business partner")
    page.get_by_label("Number of participants").fill("8")
    send_form(page, "Save and enter remarks")
    expect(page.get_by_role("heading", name="Add remarks")).to_be_visible()
    page.get_by_label("What would make you stay?").fill("Smaller caseloads\nRegular supervision")
    send_form(page, "Save remarks")
    expect(page.locator("#remarks-stay li")).to_have_count(2)
