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

    # Every staff page is translated: none says its content is English.
    assert page_of(overview).select_one("main").get("lang") is None
    theme = welsh_reader.get("/hr/themes/caseload")
    assert theme.status_code == 200
    assert lang_of(theme) == "cy" and page_of(theme).select_one("main").get("lang") is None
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


THEME_PAGE_WORDS = {
    "cy": {"caption": "Thema", "headings": ["Beth sy’n canfod y thema hon", "Newid yr ymadroddion",
                                             "Sylwadau â’r thema hon"],
           "buttons": ["Cadw’r ymadroddion a rhedeg y themâu eto", "Cadarnhau", "Nid y thema hon"],
           "question": "Yn eich geiriau eich hun, pam ydych chi’n gadael?",
           "waiting": "Mae’r themâu’n aros i gael eu rhedeg eto.", "match": "paru ymadroddion pob thema a dysgu o "
           "gywiriadau AD", "problem": "Mae problem",
           "bad line": "Llinell 2: dim ond llythrennau, digidau, collnodau, cysylltnodau a ‘/’ a all fod yn "
                       "‘bad pay!’, gyda ‘*’ ar ddiwedd gair i gyfateb i unrhyw derfyniad",
           "repeated": "Llinell 3: mae ‘pay’ yn y rhestr yn barod",
           "unchanged": "Nid yw’r rhestr ymadroddion wedi newid",
           "saved": "Mae’r ymadroddion wedi’u cadw (fersiwn 1: ychwanegwyd heavy lifting). Mae’r themâu’n cael eu "
                    "rhedeg eto gyda nhw: mae’r dudalen hon yn dangos pa mor bell mae’r rhediad wedi mynd.",
           "confirmed": "Wedi cadarnhau Caseload and workload ar y sylw hwn.",
           "running": "Mae’r themâu’n cael eu rhedeg eto: cam 3 o 6, paru ymadroddion pob thema a dysgu o "
                      "gywiriadau AD."},
    "en": {"caption": "Theme", "headings": ["What finds this theme", "Change the phrases", "Comments with this theme"],
           "buttons": ["Save phrases and re-run themes", "Confirm", "Not this theme"],
           "question": "In your own words, why are you leaving?",
           "waiting": "The themes are waiting to be run again.",
           "match": "matching each theme's phrases and learning from HR's corrections", "problem": "There is a problem",
           "bad line": "Line 2: 'bad pay!' can only hold letters, digits, apostrophes, hyphens and '/', with '*' at "
                       "the end of a word to match any ending",
           "repeated": "Line 3: 'pay' is already in the list",
           "unchanged": "The phrase list has not changed",
           "saved": "Phrases saved (version 1: added heavy lifting). The themes are being run again with them: this "
                    "page shows how far the run has got.",
           "confirmed": "Confirmed Caseload and workload on this comment.",
           "running": "The themes are being run again: step 3 of 6, matching each theme's phrases and learning from "
                      "HR's corrections."},
}


@pytest.mark.parametrize("language", ["cy", "en"])
def test_a_themes_own_page_its_messages_and_its_phrase_errors_are_in_the_readers_language(
        client, english_first_with_welsh, language):
    import json
    from datetime import timedelta

    from survey_app.audit import utcnow
    from survey_app.models import ScheduledJob
    from survey_app.themes.service import run_themes
    from survey_app.worker import THEMES

    words = THEME_PAGE_WORDS[language]
    add_exit_response(reasons_text="My caseload was far too high to do the job safely.")
    run_themes(progress=False)
    signed_in(client, "hr")
    account = client.get("/account")
    client.post("/account/language", data={"csrf_token": csrf_token_of(account), "language": language})

    page = client.get("/hr/themes/caseload")
    assert page.status_code == 200 and lang_of(page) == language
    assert page_of(page).select_one("main").get("lang") is None
    assert texts(page, ".govuk-caption-l") == [words["caption"]]
    assert page_of(page).select_one("h1").get_text(strip=True) == "Caseload and workload"  # the taxonomy's name
    assert [h for h in texts(page, "main h2") if h in words["headings"]] == words["headings"]
    assert set(words["buttons"]) <= set(texts(page, "main .govuk-button"))
    assert words["question"] in texts(page, ".govuk-summary-card__title")[0]
    # The run's progress, as the script writes it, comes from the page in its language.
    panel = page_of(page).select_one("#theme-run")
    assert panel["data-app-run-waiting"] == words["waiting"]
    assert json.loads(panel["data-app-run-stages"])["match"] == words["match"]
    assert "{step}" in panel["data-app-run-running"] and "{themed}" in panel["data-app-run-done"]
    if language == "cy":
        assert "The themes" not in str(panel) and "Reload" not in str(panel)

    token = csrf_token_of(page)
    current = page_of(page).find("textarea", attrs={"name": "phrases"}).get_text().strip()
    refused = client.post("/hr/themes/caseload/phrases", data={"csrf_token": token,
                                                                "phrases": "pay\nbad pay!\npay\n"})
    assert refused.status_code == 400
    assert texts(refused, ".govuk-error-summary__title") == [words["problem"]]
    assert error_summary(refused) == [words["bad line"], words["repeated"]]
    unchanged = client.post("/hr/themes/caseload/phrases", data={"csrf_token": token, "phrases": current})
    assert error_summary(unchanged) == [words["unchanged"]]

    saved = client.post("/hr/themes/caseload/phrases", data={"csrf_token": token,
                                                              "phrases": current + "\nheavy lifting\n"},
                        follow_redirects=True)
    assert words["saved"] in texts(saved, ".govuk-notification-banner__content")[0]
    status = client.get("/hr/theme-run").get_json()
    assert status["last_status"] == "ok" and status["themed"] == 1 and status["comments"] == 1

    comment_id = page_of(saved).select_one(".govuk-summary-card")["id"].removeprefix("comment-")
    confirmed = client.post(f"/hr/themes/caseload/comments/{comment_id}",
                            data={"csrf_token": token, "action": "confirm"}, follow_redirects=True)
    assert words["confirmed"] in texts(confirmed, ".govuk-notification-banner__content")[0]

    # Another run under way: the page drawn while it runs names its stage in the reader's language.
    row = db.session.get(ScheduledJob, THEMES)
    row.lease_until = utcnow() + timedelta(minutes=5)
    row.progress_step, row.progress_steps, row.progress_text = 3, 6, "match"
    db.session.commit()
    running = page_of(client.get("/hr/themes/caseload")).select_one("#theme-run-text").get_text(strip=True)
    assert running == words["running"]


def _switch_on_the_sign_in_page(client, name: str) -> None:
    """Choose a language with the switch on the sign-in page, like a person would."""
    page = client.get("/sign-in")
    link = page_of(page).select_one(f"nav.app-language-switch a[lang][hreflang]:-soup-contains('{name}')")
    assert client.get(link["href"]).headers["Location"] == "/sign-in"


@pytest.mark.parametrize("second_factor", [False, True])
def test_a_language_chosen_on_the_sign_in_page_is_kept_past_sign_in_and_saved_if_none_was(
        app, client, english_first_with_welsh, second_factor):
    import pyotp

    from .support import make_user, post_form

    secret = pyotp.random_base32() if second_factor else None
    user = make_user("ceri@council.example", "hr", totp_secret=secret)
    _switch_on_the_sign_in_page(client, "Cymraeg")
    assert lang_of(client.get("/sign-in")) == "cy"
    signed = sign_in(client, user.email)
    if second_factor:
        assert signed.headers["Location"] == "/sign-in/security-code"
        code_page = client.get("/sign-in/security-code")
        assert lang_of(code_page) == "cy"  # still the language chosen, on the second step too
        signed = post_form(client, "/sign-in/security-code", {"code": pyotp.TOTP(secret).now()})
    assert signed.status_code == 302
    home = client.get(signed.headers["Location"])
    assert lang_of(home) == "cy" and page_of(home).select_one("h1").get_text(strip=True) == "Trosolwg"
    assert "Mae eich iaith wedi’i gosod i Gymraeg." in texts(home, ".govuk-notification-banner__content")[0]
    assert _language_of(user.email) == "cy"  # saved: the next sign-in, anywhere, is in Welsh too
    if not second_factor:  # (a security code cannot be used twice)
        elsewhere = app.test_client()
        sign_in(elsewhere, user.email)
        assert lang_of(elsewhere.get("/hr/overview")) == "cy"


def test_a_switch_on_the_sign_in_page_holds_for_that_visit_and_leaves_the_saved_language(app, client, welsh_first):
    user = signed_in(client, "hr", "bethan@council.example")
    account = client.get("/account")
    client.post("/account/language", data={"csrf_token": csrf_token_of(account), "language": "cy"})
    client.post("/sign-out", data={"csrf_token": csrf_token_of(client.get("/sign-out"))})

    assert lang_of(client.get("/sign-in")) == "cy"  # the council's first language, before sign-in
    _switch_on_the_sign_in_page(client, "English")
    sign_in(client, user.email)
    overview = client.get("/hr/overview")
    assert lang_of(overview) == "en" and page_of(overview).select_one("h1").get_text(strip=True) == "Overview"
    assert not texts(overview, ".govuk-notification-banner__content")  # nothing was saved, so nothing to say
    account = client.get("/account")
    assert lang_of(account) == "en"
    assert texts(account, "#visit-language") == [
        "You chose English on the sign-in page, for this visit only. To use it every time, choose it here and save."]
    assert page_of(account).select_one("#visit-language span[lang=en]").get_text() == "English"
    assert _language_of(user.email) == "cy"
    again = app.test_client()
    sign_in(again, user.email)
    assert lang_of(again.get("/hr/overview")) == "cy"  # a visit without the switch: the saved language

    # Saving a language on the account page ends the visit's own choice.
    client.post("/account/language", data={"csrf_token": csrf_token_of(account), "language": "cy"})
    assert lang_of(client.get("/hr/overview")) == "cy" and not texts(client.get("/account"), "#visit-language")


def test_without_a_choice_on_the_sign_in_page_nothing_is_saved(client, welsh_first):
    user = signed_in(client, "hr", "gwyn@council.example")
    assert lang_of(client.get("/hr/overview")) == "cy"  # the council's first language
    assert _language_of(user.email) is None


def _reads(client, language: str) -> None:
    account = client.get("/account")
    client.post("/account/language", data={"csrf_token": csrf_token_of(account), "language": language})


@pytest.mark.parametrize(("language", "undecodable", "not_a_workbook"), [
    ("cy", "Ni ellir darllen headcounts.csv: rhes 2: ni ellir darllen beit 0x81 fel utf-8 neu cp1252; dim ond gyda "
           "nodau amnewid y byddai’r ffeil yn datgodio. Cadwch hi fel UTF-8 a rhowch gynnig arall arni",
     "Ni ellir darllen headcounts.xlsx: nid yw’n llyfr gwaith XLSX y gellir ei ddarllen"),
    ("en", "headcounts.csv cannot be read: row 2: byte 0x81 cannot be read as utf-8 or cp1252; the file would only "
           "decode with replacement characters. Save it as UTF-8 and try again",
     "headcounts.xlsx cannot be read: not a readable XLSX workbook"),
])
def test_a_headcount_file_that_cannot_be_read_is_refused_in_the_readers_language(
        client, english_first_with_welsh, language, undecodable, not_a_workbook):
    import io

    signed_in(client, "hr")
    _reads(client, language)
    for name, data, expected in (("h.csv", b"quarter,headcount,fte\n2025/26 Q1,\x81,3\n", undecodable),
                                 ("h.xlsx", b"this is not a workbook", not_a_workbook)):
        page = client.get("/hr/headcounts")
        refused = client.post("/hr/headcounts", data={"csrf_token": csrf_token_of(page),
                                                      "file": (io.BytesIO(data), name)},
                              content_type="multipart/form-data")
        assert refused.status_code == 400 and texts(refused, "#problems li") == [expected]


@pytest.mark.parametrize(("language", "refusal"), [
    ("cy", "Beth oedd eich rôl pan wnaethoch chi adael?: nid yw’n un o’r atebion a gynigir: astronaut"),
    ("en", "What was your role when you left?: not an offered answer: astronaut"),
])
def test_a_paper_entry_the_questionnaire_refuses_says_why_in_the_readers_language(
        client, english_first_with_welsh, monkeypatch, language, refusal):
    from datetime import date

    from survey_app import submissions

    signed_in(client, "hr")
    _reads(client, language)
    # The form offered the answer, but the questionnaire no longer does (it changed meanwhile):
    # its own check, the last before anything is stored, refuses it.
    checked = submissions.clean_answers
    monkeypatch.setattr(submissions, "clean_answers",
                        lambda definition, raw, *args, **kwargs: checked(definition, {**raw, "role": "astronaut"},
                                                                          *args, **kwargs))
    entry = client.get("/hr/responses/new/exit/paper")
    refused = client.post("/hr/responses/new/exit/paper", data={
        "csrf_token": csrf_token_of(entry), "period_month": date.today().strftime("%Y-%m"), "role": "social_worker",
        "length_of_service": "1_to_2", "action": "save", "step": "0"})
    assert refused.status_code == 400
    assert error_summary(refused) == [refusal]


@pytest.mark.parametrize(("language", "why"), [
    ("cy", "Nid yw 'Q7' yn label chwarter fel '2025/26 Q1'"),
    ("en", "'Q7' is not a quarter label like '2025/26 Q1'"),
])
def test_a_report_period_that_cannot_be_read_is_refused_in_the_readers_language(
        client, english_first_with_welsh, language, why):
    signed_in(client, "hr")
    _reads(client, language)
    page = client.get("/reports/")
    refused = client.post("/reports/new", data={"csrf_token": csrf_token_of(page), "kind": "quarterly",
                                                "period_quarterly": "Q7"}, follow_redirects=True)
    assert lang_of(refused) == language and error_summary(refused) == [why]
