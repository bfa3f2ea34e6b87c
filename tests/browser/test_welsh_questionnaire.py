"""A leaver completes the exit questionnaire in Welsh in a real browser: errors in Welsh, every
page passes axe, and the stored answers are shaped exactly as an English response's."""

from __future__ import annotations

import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.axe import assert_no_axe_violations
from tests.browser.support import follow, send_form


def test_a_leaver_completes_the_exit_questionnaire_in_welsh(live_app, live_server, browser_page):
    page = browser_page
    live_app.config["LANGUAGES"] = ("cy", "en")
    try:
        page.goto(live_server + "/")
        assert page.locator("html").get_attribute("lang") == "cy"
        expect(page.get_by_role("heading", name="Dweud eich dweud")).to_be_visible()
        assert_no_axe_violations(page)
        follow(page, page.get_by_role("link", name="Holiadur gadael"))
        send_form(page, "Dechrau nawr")

        send_form(page, "Parhau")
        expect(page.locator(".govuk-error-summary")).to_contain_text(
            "Dewiswch eich ateb i ‘Beth oedd eich rôl pan wnaethoch chi adael?’")
        assert page.title().startswith("Gwall:")
        assert_no_axe_violations(page)
        page.get_by_label("Gweithiwr cymdeithasol", exact=True).check()
        page.get_by_label("Parhaol").check()
        page.get_by_label("Plant mewn angen ac amddiffyn plant").check()
        send_form(page, "Parhau")

        page.get_by_role("group", name="Am faint o amser wnaethoch chi weithio i’r cyngor?").get_by_label(
            "1 flwyddyn i lai na 2 flynedd").check()
        assert_no_axe_violations(page)
        send_form(page, "Parhau")
        page.get_by_label("Llwyth achosion neu lwyth gwaith").check()
        page.get_by_label("Yn eich geiriau eich hun, pam ydych chi’n gadael? (dewisol)").fill(
            "Roedd y llwyth achosion yn rhy drwm.")
        assert_no_axe_violations(page)
        send_form(page, "Parhau")
        for _ in range(5):  # the optional pages, left as they are
            send_form(page, "Parhau")

        expect(page.get_by_role("heading", name="Gwiriwch eich atebion")).to_be_visible()
        assert_no_axe_violations(page)
        send_form(page, "Parhau")
        expect(page.get_by_role("heading", name="Monitro cydraddoldeb")).to_be_visible()
        send_form(page, "Hepgor y cwestiynau hyn ac anfon")
        expect(page.get_by_role("heading", name="Mae eich atebion wedi cael eu hanfon")).to_be_visible()
        assert_no_axe_violations(page)

        # Back to English from the switch, on the page the person was on.
        follow(page, page.get_by_role("link", name="English"))
        expect(page.get_by_role("heading", name="Your answers have been sent")).to_be_visible()
        assert page.locator("html").get_attribute("lang") == "en"
    finally:
        live_app.config["LANGUAGES"] = ("en",)

    with live_app.app_context():
        from survey_app.extensions import db
        from survey_app.models import Comment, Response

        comment = db.session.execute(sa.select(Comment).filter_by(text="Roedd y llwyth achosion yn rhy drwm.")
                                     ).scalar_one()
        response = db.session.get(Response, comment.response_id)
        assert response.answers["role"] == "social_worker"
        assert response.answers["main_reasons"] == ["caseload"]
        assert response.length_of_service == "1_to_2" and response.service_area == "child_protection"
        assert comment.question_key == "reasons_text" and comment.language == "cy"
        # Leave the shared database as the other browser tests expect it.
        db.session.delete(response)
        db.session.commit()
        db.session.remove()
