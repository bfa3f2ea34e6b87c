"""Staff pages in Welsh or English, as each member of staff chooses, where the council offers Welsh."""

from __future__ import annotations

import pytest

from survey_app.extensions import db
from survey_app.models import User

from .support import add_exit_response, csrf_token_of, error_summary, lang_of, page_of, sign_in, signed_in, texts


@pytest.fixture()
def english_first_with_welsh(app):
    app.config["LANGUAGES"] = ("en", "cy")
    yield app
    app.config["LANGUAGES"] = ("en",)



def _language_of(email: str) -> str | None:
    return db.session.execute(db.select(User.language).filter_by(email=email)).scalar_one()


def test_hr_who_chooses_welsh_reads_the_hr_pages_in_welsh_and_a_colleague_still_reads_english(
        app, english_first_with_welsh):
    add_exit_response()
    welsh_reader, colleague = app.test_client(), app.test_client()
    signed_in(welsh_reader, "hr", "dafydd@council.example")
    signed_in(colleague, "hr", "sam@council.example")

    account = welsh_reader.get("/account")
    assert lang_of(account) == "en"  # English first, until they choose
    page = welsh_reader.get("/account")
    chosen = welsh_reader.post("/account/language", data={"csrf_token": csrf_token_of(page), "language": "cy"})
    assert chosen.status_code == 302 and chosen.headers["Location"] == "/account"
    account = welsh_reader.get("/account")
    assert lang_of(account) == "cy"
    assert "Mae eich iaith wedi’i gosod i Gymraeg." in texts(account, ".govuk-notification-banner__content")[0]
    assert page_of(account).select_one("h1").get_text(strip=True) == "Eich cyfrif"
    assert page_of(account).select_one("input[name=language][value=cy]").has_attr("checked")

    overview = welsh_reader.get("/hr/overview")
    assert lang_of(overview) == "cy"
    assert page_of(overview).select_one("h1").get_text(strip=True) == "Trosolwg"
    assert "Ymatebion" in texts(overview, ".govuk-service-navigation__item")  # the navigation too
    queue = welsh_reader.get("/hr/")
    assert lang_of(queue) == "cy" and page_of(queue).select_one("h1").get_text(strip=True) == "Ymatebion"

    # A page not yet translated keeps the Welsh layout but says its content is English.
    assert page_of(overview).select_one("main").get("lang") is None
    theme = welsh_reader.get("/hr/themes/caseload")
    assert theme.status_code == 200
    assert lang_of(theme) == "cy" and page_of(theme).select_one("main")["lang"] == "en"
    missing = welsh_reader.get("/hr/no-such-page")  # an error page is translated
    assert missing.status_code == 404 and page_of(missing).select_one("main").get("lang") is None
    assert page_of(missing).select_one("h1").get_text(strip=True) == "Heb ddod o hyd i’r dudalen"

    other = colleague.get("/hr/overview")
    assert lang_of(other) == "en" and page_of(other).select_one("h1").get_text(strip=True) == "Overview"
    assert _language_of("dafydd@council.example") == "cy" and _language_of("sam@council.example") is None


def test_the_choice_is_kept_with_the_account_for_the_next_sign_in(app, client, english_first_with_welsh):
    user = signed_in(client, "standards")
    page = client.get("/account")
    client.post("/account/language", data={"csrf_token": csrf_token_of(page), "language": "cy"})
    again = app.test_client()
    sign_in(again, user.email)
    reports = again.get("/reports/")
    assert lang_of(reports) == "cy" and page_of(reports).select_one("h1").get_text(strip=True) == "Adroddiadau"
    assert "Nid oes adroddiadau wedi’u cyhoeddi eto." in reports.get_data(as_text=True)


def test_a_council_that_puts_welsh_first_shows_welsh_until_someone_chooses_english(client, welsh_first):
    assert lang_of(client.get("/sign-in")) == "cy"
    assert page_of(client.get("/sign-in")).select_one("h1").get_text(strip=True) == "Mewngofnodi"
    signed_in(client, "admin")
    assert lang_of(client.get("/account")) == "cy"
    page = client.get("/account")
    client.post("/account/language", data={"csrf_token": csrf_token_of(page), "language": "en"})
    account = client.get("/account")
    assert lang_of(account) == "en" and "Your language is set to English." in account.get_data(as_text=True)


def test_before_sign_in_staff_pages_carry_the_language_switch(client, welsh_first):
    sign_in_page = client.get("/sign-in")
    english = page_of(sign_in_page).select_one("nav.app-language-switch a[hreflang=en]")
    assert client.get(english["href"]).headers["Location"] == "/sign-in"
    assert lang_of(client.get("/sign-in")) == "en"


def test_respondent_pages_keep_their_own_choice_whatever_the_staff_setting(client, english_first_with_welsh):
    signed_in(client, "hr")
    page = client.get("/account")
    client.post("/account/language", data={"csrf_token": csrf_token_of(page), "language": "cy"})
    assert lang_of(client.get("/exit/")) == "en"  # the respondent journey's own default
    client.get("/language/cy?next=/exit/")
    assert lang_of(client.get("/exit/")) == "cy"


@pytest.mark.parametrize("value", ["fr", "", "CY", "cy,en", "<script>"])
def test_a_language_the_council_does_not_offer_is_refused_and_changes_nothing(client, english_first_with_welsh,
                                                                             value):
    user = signed_in(client, "hr")
    page = client.get("/account")
    refused = client.post("/account/language", data={"csrf_token": csrf_token_of(page), "language": value})
    assert refused.status_code == 400
    expected = "Select the language you want to use" if value == "" else "Select Cymraeg or English"
    assert error_summary(refused) == [expected]
    assert page_of(refused).select_one("#language-error") is not None
    assert page_of(refused).title.get_text().startswith("Error:")
    assert _language_of(user.email) is None


def test_the_language_setting_needs_the_forms_csrf_token(client, english_first_with_welsh):
    user = signed_in(client, "hr")
    assert client.post("/account/language", data={"language": "cy"}).status_code == 400
    assert client.post("/account/language", data={"language": "cy", "csrf_token": "forged"}).status_code == 400
    assert _language_of(user.email) is None


def test_the_setting_needs_a_signed_in_user(client, english_first_with_welsh):
    response = client.post("/account/language", data={"language": "cy"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_without_welsh_staff_pages_are_english_and_the_setting_is_not_offered(app, client):
    assert app.config["LANGUAGES"] == ("en",)
    user = signed_in(client, "hr")
    user.language = "cy"  # chosen while the council offered Welsh, which it has stopped
    db.session.commit()
    account = client.get("/account")
    assert lang_of(account) == "en"
    assert not page_of(account).select("input[name=language]")
    assert "Language / Iaith" not in account.get_data(as_text=True)
    assert lang_of(client.get("/hr/overview")) == "en"
    assert not page_of(client.get("/sign-in")).select(".app-language-switch")
    page = client.get("/account")
    refused = client.post("/account/language", data={"csrf_token": csrf_token_of(page), "language": "en"})
    assert refused.status_code == 404 and _language_of(user.email) == "cy"


@pytest.mark.parametrize(("role", "path", "heading"), [
    ("hr", "/hr/overview", "Trosolwg"),
    ("hr", "/hr/", "Ymatebion"),
    ("hr", "/hr/follow-ups", "Ceisiadau am sgwrs ddilynol"),
    ("hr", "/hr/themes", "Themâu"),
    ("hr", "/hr/invitations", "Gwahoddiadau i arolygon"),
    ("hr", "/hr/export", "Allforio"),
    ("hr", "/hr/focus-groups", "Grwpiau ffocws"),
    ("hr", "/hr/focus-groups/new", "Cofnodi grŵp ffocws"),
    ("hr", "/hr/accounts", "Cyfrifon AD sy’n aros am gadarnhad"),
    ("hr", "/reports/", "Adroddiadau"),
    ("hr", "/hr/headcounts", "Niferoedd staff"),
    ("admin", "/admin/users", "Defnyddwyr"),
    ("admin", "/admin/users/invite", "Gwahodd defnyddiwr"),
    ("admin", "/admin/settings", "Gosodiadau"),
    ("admin", "/admin/surveys", "Cyfnodau arolygon"),
    ("admin", "/admin/audit", "Log archwilio"),
    ("admin", "/admin/jobs", "Tasgau wedi’u hamserlennu"),
    ("standards", "/account", "Eich cyfrif"),
])
def test_each_translated_staff_page_reads_in_welsh_for_someone_who_chose_it(client, english_first_with_welsh, role,
                                                                            path, heading):
    signed_in(client, role)
    page = client.get("/account")
    client.post("/account/language", data={"csrf_token": csrf_token_of(page), "language": "cy"})
    shown = client.get(path)
    assert shown.status_code == 200
    assert lang_of(shown) == "cy" and page_of(shown).select_one("main").get("lang") is None
    assert page_of(shown).select_one("h1").get_text(" ", strip=True) == heading


def test_paper_entry_in_welsh_asks_in_welsh_and_stores_what_english_entry_stores(client, english_first_with_welsh):
    signed_in(client, "hr")
    page = client.get("/account")
    client.post("/account/language", data={"csrf_token": csrf_token_of(page), "language": "cy"})
    entry = client.get("/hr/responses/new/exit/paper")
    assert lang_of(entry) == "cy" and "Mis gadael" in texts(entry, "label")
    refused = client.post("/hr/responses/new/exit/paper",
                          data={"csrf_token": csrf_token_of(entry), "step": "0", "action": "continue"})
    assert refused.status_code == 400 and "Dewiswch y mis gadael" in error_summary(refused)
