"""HR's pages work in a real browser and pass axe-core's WCAG 2.2 A and AA checks."""

from __future__ import annotations

import pyotp
import pytest
from playwright.sync_api import expect

from tests.support import PASSWORD

from .axe import assert_no_axe_violations
from .support import assert_fits_without_sideways_scroll, follow, send_form, sign_in

pytestmark = pytest.mark.browser


def _add_response(live_app) -> None:
    from datetime import date

    from survey_app.extensions import db
    from survey_app.questionnaires import current_instrument, definition_of
    from survey_app.submissions import store_response

    with live_app.app_context():
        from survey_app.models import Response

        # The queue hides any detail fewer than k responses share, so responses other browser
        # tests left (in whatever order they ran) would hide these details too: start clean.
        for row in db.session.execute(db.select(Response)).scalars():
            db.session.delete(row)
        db.session.commit()
        instrument = current_instrument("exit")
        # Five alike, so the queue may show their month, role and length of service (k = 5).
        for _ in range(5):
            store_response(instrument, definition_of(instrument),
                           {"role": "social_worker", "length_of_service": "2_to_5", "main_reasons": ["caseload"],
                            "reasons_text": "Thirty children on my caseload.\nNo supervision for months."},
                           channel="online", period=date.today())
        db.session.commit()


def test_sign_in_and_its_error_state(browser_page, live_server, make_staff_user):
    page = browser_page
    email = make_staff_user("browser-signin@council.example")
    page.goto(f"{live_server}/sign-in")
    assert_no_axe_violations(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill("not the password at all")
    send_form(page, "Sign in")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    send_form(page, "Sign in")
    page.wait_for_url(f"{live_server}/hr/overview")


def test_second_factor_sign_in_and_setup(browser_page, live_server, make_staff_user):
    page = browser_page
    secret = pyotp.random_base32()
    email = make_staff_user("browser-totp@council.example", totp_secret=secret)
    sign_in(page, live_server, email)
    page.wait_for_url(f"{live_server}/sign-in/security-code")
    assert_no_axe_violations(page)
    page.get_by_label("Security code").fill(pyotp.TOTP(secret).now())
    send_form(page, "Continue")
    page.wait_for_url(f"{live_server}/hr/overview")
    page.goto(f"{live_server}/account/security-code")
    assert page.locator("main img").get_attribute("src").startswith("data:image/svg+xml")
    assert_no_axe_violations(page)


def test_review_queue_and_response_detail(browser_page, live_server, live_app, make_staff_user):
    page = browser_page
    _add_response(live_app)
    sign_in(page, live_server, make_staff_user("browser-queue@council.example"))
    page.wait_for_url(f"{live_server}/hr/overview")
    assert_no_axe_violations(page)
    follow(page, page.get_by_role("link", name="Responses", exact=True))
    page.wait_for_url(f"{live_server}/hr/")
    assert page.locator("tbody tr").count() >= 1
    assert_no_axe_violations(page)
    # No sideways scrolling of the page at 1,024 px or at 200 % zoom (a 512 px window): the
    # table scrolls inside its own focusable region instead.
    assert_fits_without_sideways_scroll(page, "queue at 1,024 px")
    page.set_viewport_size({"width": 512, "height": 900})
    assert_fits_without_sideways_scroll(page, "queue at 512 px")
    region = page.get_by_role("region", name="Responses, newest first")
    assert region.get_attribute("tabindex") == "0"
    assert_no_axe_violations(page)
    page.set_viewport_size({"width": 1024, "height": 900})
    page.get_by_label("Length of service").select_option("2_to_5")
    send_form(page, "Apply filters")
    expect(page.locator("#result-count")).to_have_text("5 responses")
    follow(page, page.locator("tbody tr a").first)
    expect(page.get_by_text("Thirty children on my caseload.")).to_be_visible()
    assert_no_axe_violations(page)
    send_form(page, "Add note")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_no_axe_violations(page)
    note = "Discussed caseload caps with the head of service."
    page.get_by_label("What was done about this, and by whom?").fill(note)
    send_form(page, "Add note")
    expect(page.get_by_text(note)).to_be_visible()
    send_form(page, "Mark as reviewed")
    expect(page.locator("main .govuk-tag", has_text="Reviewed").first).to_be_visible()
def test_focus_group_entry(browser_page, live_server, make_staff_user):
    page = browser_page
    sign_in(page, live_server, make_staff_user("browser-focus@council.example"))
    page.goto(f"{live_server}/hr/focus-groups/new")
    assert_no_axe_violations(page)
    send_form(page, "Save and enter remarks")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Day").fill("12")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Facilitator").fill("HR business partner")
    page.get_by_label("Number of participants").fill("8")
    page.get_by_label("Assessment").check()
    send_form(page, "Save and enter remarks")
    expect(page.get_by_role("heading", name="Add remarks")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("What would make you stay?").fill("Smaller caseloads\nRegular supervision\nParking")
    send_form(page, "Save remarks")
    expect(page.locator("#remarks-stay li")).to_have_count(3)
    assert_no_axe_violations(page)


def test_export_page(browser_page, live_server, make_staff_user):
    page = browser_page
    sign_in(page, live_server, make_staff_user("browser-export@council.example"))
    page.goto(f"{live_server}/hr/export")
    assert_no_axe_violations(page)
    page.get_by_label("CSV (UTF-8)").check()
    assert page.get_by_label("CSV (UTF-8)").is_checked()
    # The file itself is checked in tests/test_export.py: formula-safe cells, BOM, ISO dates.


def test_paper_entry_follow_ups_and_admin_pages(browser_page, live_server, make_staff_user):
    page = browser_page
    sign_in(page, live_server, make_staff_user("browser-paper@council.example"))
    # Paper entry goes a page at a time, with each page's errors, and a page to check at the end.
    page.goto(f"{live_server}/hr/responses/new/exit/paper")
    assert_no_axe_violations(page)
    send_form(page, "Continue")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Month of leaving").select_option(index=2)
    page.get_by_label("Social worker", exact=True).check()
    send_form(page, "Continue")
    expect(page.locator(".govuk-caption-l")).to_contain_text("page 2 of")
    page.get_by_role("group", name="How long did you work for the council?").get_by_label(
        "1 year to less than 2 years").check()
    send_form(page, "Continue")
    send_form(page, "Previous page")
    expect(page.get_by_role("group", name="How long did you work for the council?").get_by_label(
        "1 year to less than 2 years")).to_be_checked()
    assert_no_axe_violations(page)
    for path in ("/hr/follow-ups", "/hr/focus-groups", "/account"):
        page.goto(f"{live_server}{path}")
        assert_no_axe_violations(page)
    page.goto(f"{live_server}/sign-out")
    follow(page, page.get_by_role("button", name="Sign out", exact=True))
    sign_in(page, live_server, make_staff_user("browser-admin@council.example", role="admin"))
    page.wait_for_url(f"{live_server}/admin/users")
    for path in ("/admin/users", "/admin/users/invite", "/admin/settings", "/admin/surveys", "/admin/audit"):
        page.goto(f"{live_server}{path}")
        assert_no_axe_violations(page)


FILLED = {"/hr/follow-ups": "Montgomery-Smythe", "/hr/focus-groups": "North East locality",
          "/hr/invitations": "long batch name"}


def test_hr_pages_fit_a_512_pixel_window(browser_page, live_server, live_app, make_staff_user):
    """200 % zoom of a 1,024 px screen: no HR page scrolls sideways; a wide data table scrolls
    inside its own focusable region instead. Each page also passes axe at that width."""
    from survey_app.codes import issue_codes
    from survey_app.extensions import db
    from survey_app.questionnaires import sync_shipped_instruments

    page = browser_page
    _add_response(live_app)
    with live_app.app_context():  # a batch of invitations, a follow-up request and a focus group, so their tables fill
        from datetime import date

        from survey_app.models import FocusGroupSession, FollowUpRequest
        from survey_app.questionnaires import current_instrument

        sync_shipped_instruments()
        issue_codes("staff-survey", 3, "2026-12-04 email for the zoom test with a long batch name", commit=False)
        db.session.add(FollowUpRequest(
            organisation_id=1, talk_to="other_manager", name="Alexandra Montgomery-Smythe",
            contact="alexandra.montgomery-smythe@children-services.council.example", requested_on=date.today()))
        db.session.add(FocusGroupSession(
            organisation_id=1, instrument_id=current_instrument("focus-group").id, held_on=date.today(),
            facilitator="Principal Social Worker (North East locality)", participants=9,
            service_areas=["assessment", "looked_after"], prompts=[]))
        db.session.commit()
    sign_in(page, live_server, make_staff_user("browser-zoom@council.example"))
    page.set_viewport_size({"width": 512, "height": 900})
    for path in ("/hr/overview", "/hr/", "/hr/themes", "/hr/themes/caseload", "/hr/invitations", "/hr/follow-ups",
                 "/hr/focus-groups", "/hr/export", "/hr/headcounts", "/hr/responses/new/exit/paper", "/reports/",
                 "/account"):
        assert page.goto(f"{live_server}{path}").status == 200, path
        if path in FILLED:  # the table is there with its long values, not an empty state
            expect(page.locator("main table").get_by_text(FILLED[path]).first).to_be_visible()
        assert_fits_without_sideways_scroll(page, path)
        assert_no_axe_violations(page)


def test_admin_pages_fit_a_512_pixel_window(browser_page, live_server, make_staff_user):
    """The admin's pages at 200 % zoom of a 1,024 px screen: no sideways scroll, axe clean."""
    page = browser_page
    sign_in(page, live_server, make_staff_user("browser-admin-zoom@council.example", role="admin"))
    page.set_viewport_size({"width": 512, "height": 900})
    for path in ("/admin/users", "/admin/users/invite", "/admin/settings", "/admin/surveys", "/admin/audit",
                 "/admin/jobs", "/account"):
        assert page.goto(f"{live_server}{path}").status == 200, path
        assert_fits_without_sideways_scroll(page, path)
        assert_no_axe_violations(page)
