"""Journeys that go through an inbox, in a real browser: the emails arrive at a real SMTP server
running in this process, and the person who receives one follows its link. Every page passes axe;
HR's invitation page has no sideways scroll at 1,024 px or at 200 % zoom (a 512 px window)."""

from __future__ import annotations

import re
from email import message_from_bytes
from email.policy import default

import pytest
from playwright.sync_api import expect

from tests.support import PASSWORD

from .axe import assert_no_axe_violations
from .support import assert_fits_without_sideways_scroll, send_form, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def mailing(live_app, live_server, smtp_server):
    """The served app emails through the in-process SMTP server, with links to the served site;
    returns a function that sends what is queued and gives {address: plain-text body}."""
    controller, inbox = smtp_server
    settings = {"MAIL_BACKEND": "smtp", "SMTP_TLS": "none", "SMTP_HOST": "127.0.0.1",
                "SMTP_PORT": controller.port, "SMTP_USERNAME": "", "BASE_URL": live_server}
    saved = {key: live_app.config.get(key) for key in settings}
    live_app.config.update(settings)

    def deliver() -> dict[str, str]:
        from survey_app.mail import send_queued

        with live_app.app_context():
            send_queued()
        received = {}
        for envelope in inbox.messages:
            message = message_from_bytes(envelope.content, policy=default)
            (address,) = envelope.rcpt_tos
            received[address] = message.get_body(preferencelist=("plain",)).get_content()
        inbox.messages.clear()
        return received

    deliver.app = live_app
    try:
        yield deliver
    finally:
        live_app.config.update(saved)


def _no_sideways_scroll(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    assert_fits_without_sideways_scroll(page, f"{width} px")


def test_staff_invited_by_email_answer_through_the_emailed_link(browser, browser_page, live_server, mailing,
                                                                 make_staff_user):
    from survey_app.questionnaires import sync_shipped_instruments

    with mailing.app.app_context():
        sync_shipped_instruments()  # the staff survey, which needs a code
    page = browser_page
    sign_in(page, live_server, make_staff_user("browser-invites@council.example"))
    page.goto(f"{live_server}/hr/invitations")
    assert_no_axe_violations(page)
    for width in (1024, 512):
        _no_sideways_scroll(page, width)
    page.set_viewport_size({"width": 1024, "height": 900})
    page.get_by_label("Survey").select_option("staff-survey")
    page.get_by_label("Email addresses").fill("ann.invitee@council.example\nbob.invitee@council.example")
    send_form(page, "Send invitations")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("2 invitations are queued")
    assert_no_axe_violations(page)

    inbox = mailing()
    assert set(inbox) == {"ann.invitee@council.example", "bob.invitee@council.example"}
    body = inbox["bob.invitee@council.example"]
    link = re.search(r"Go to (\S+) and enter this code when asked: (\S+)", body)
    assert link and link[1].startswith(live_server), body
    assert "browser-invites" not in body  # the sender is not named to the invitee

    invitee = browser.new_context(viewport={"width": 1024, "height": 900}, bypass_csp=True)
    try:
        staff = invitee.new_page()
        staff.set_default_timeout(10000)
        staff.goto(link[1])
        assert_no_axe_violations(staff)
        send_form(staff, "Start now")
        staff.get_by_label("Enter your invitation code").fill("WRONG-CODE-0000")
        send_form(staff, "Continue")
        expect(staff.locator(".govuk-error-summary")).to_be_visible()
        assert_no_axe_violations(staff)
        staff.get_by_label("Enter your invitation code").fill(link[2])
        send_form(staff, "Continue")
        expect(staff.locator("form .govuk-button").first).to_be_visible()
        assert "/staff-survey/code" not in staff.url
        assert_no_axe_violations(staff)
    finally:
        invitee.close()


def test_an_invited_colleague_sets_a_password_from_the_emailed_link(browser, browser_page, live_server, mailing,
                                                                     make_staff_user):
    page = browser_page
    sign_in(page, live_server, make_staff_user("browser-inviter@council.example", role="admin"))
    page.goto(f"{live_server}/admin/users/invite")
    page.get_by_label("Email address").fill("new.reader@council.example")
    page.get_by_label("Employer Standards group").check()
    send_form(page, "Send invitation")
    expect(page.get_by_role("heading", name="Invitation sent")).to_be_visible()
    assert "/set-password/" not in page.content()  # the admin never sees a working link
    assert_no_axe_violations(page)

    inbox = mailing()
    assert list(inbox) == ["new.reader@council.example"]
    link = re.search(r"https?://\S+/set-password/\S+", inbox["new.reader@council.example"])
    assert link and link[0].startswith(live_server)

    colleague = browser.new_context(viewport={"width": 512, "height": 900}, bypass_csp=True)
    try:
        reader = colleague.new_page()
        reader.set_default_timeout(10000)
        reader.goto(link[0])
        assert_no_axe_violations(reader)
        assert_fits_without_sideways_scroll(reader, "set password")
        reader.get_by_label("New password", exact=True).fill(PASSWORD)
        reader.get_by_label("Confirm new password").fill(PASSWORD)
        send_form(reader, "Set password")
        assert "/set-password/" not in reader.url
        assert_no_axe_violations(reader)
        # The link works once.
        reader.goto(link[0])
        expect(reader.locator("main")).to_contain_text("link")
        assert_no_axe_violations(reader)
    finally:
        colleague.close()
