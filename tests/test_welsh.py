"""Welsh: the respondent journey in Welsh and English for a council that offers both, with the
same answers stored either way; every interface string and questionnaire text translated."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

from analysis.language import detect_language
from survey_app.extensions import db
from survey_app.instruments import DEFINITIONS_DIR, load_definition, shipped_definitions
from survey_app.mixing import release
from survey_app.models import Comment, Response

from .support import EXIT_ANSWERS, Respondent, complete_exit_questionnaire, error_summary, lang_of, page_of, texts

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "survey_app" / "translations" / "cy" / "LC_MESSAGES" / "messages.po"


def test_an_english_only_council_shows_no_switch_and_english_pages(client, app):
    page = client.get("/exit/")
    assert lang_of(page) == "en" and not page_of(page).select(".app-language-switch")
    assert client.get("/language/cy?next=/exit/").status_code == 302
    assert lang_of(client.get("/exit/")) == "en"  # a language the council does not offer is ignored


def test_a_welsh_council_shows_welsh_first_with_a_switch_kept_for_the_journey(client, welsh_first):
    page = client.get("/exit/")
    assert lang_of(page) == "cy"
    assert page_of(page).select_one("h1").get_text(strip=True) == "Holiadur gadael"
    switch = page_of(page).select_one("nav.app-language-switch")
    assert switch.select_one("[aria-current]").get_text(strip=True) == "Cymraeg"
    english = switch.select_one("a[hreflang=en]")
    assert english["lang"] == "en" and english.get_text(strip=True) == "English"
    back = client.get(english["href"])
    assert back.status_code == 302 and back.headers["Location"] == "/exit/"
    page = client.get("/exit/your-job")
    assert lang_of(page) == "en" and "What was your role when you left?" in page.get_data(as_text=True)
    assert lang_of(client.get("/privacy")) == "en"  # the choice is kept on every page


def test_the_switch_never_sends_anyone_to_another_site(client, welsh_first):
    for target in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        assert client.get(f"/language/en?next={target}").headers["Location"] == "/"


def test_the_exit_questionnaire_in_welsh_stores_the_same_answers_as_in_english(client, app, welsh_first):
    person = Respondent(client, "exit")
    refused = person.post_page("your-job", {})
    assert refused.status_code == 400
    assert error_summary(refused) == ["Dewiswch eich ateb i ‘Beth oedd eich rôl pan wnaethoch chi adael?’"]
    assert texts(refused, ".govuk-error-summary__title") == ["Mae problem"]
    assert page_of(refused).title.get_text().startswith("Gwall:")
    assert "Gweithiwr cymdeithasol" in texts(refused, ".govuk-radios__label")
    check = person.get("check")
    assert "Gwiriwch eich atebion" in check.get_data(as_text=True)
    done = complete_exit_questionnaire(client)
    assert done.status_code == 302
    assert "Mae eich atebion wedi cael eu hanfon" in client.get(done.headers["Location"]).get_data(as_text=True)
    client.get("/language/en?next=/")
    complete_exit_questionnaire(client)
    release()
    rows = db.session.execute(sa.select(Response).order_by(Response.id)).scalars().all()
    assert len(rows) == 2
    shapes = [({k: v for k, v in r.answers.items()}, r.role, r.length_of_service, r.service_area) for r in rows]
    assert shapes[0] == shapes[1]
    assert rows[0].answers["role"] == EXIT_ANSWERS["your-job"]["role"]


def test_a_comment_written_in_welsh_is_stored_as_welsh_and_left_for_hr_to_theme(client, app, welsh_first):
    from survey_app.themes.service import run_themes

    answers = {**EXIT_ANSWERS, "why-leaving": {
        "main_reasons": ["caseload"],
        "reasons_text": "Roedd y llwyth achosion yn rhy drwm ac nid oedd gen i amser i weld y plant."}}
    complete_exit_questionnaire(client, answers=answers)
    release()
    comment = db.session.execute(sa.select(Comment).filter_by(question_key="reasons_text")).scalar_one()
    assert comment.language == "cy"
    english = db.session.execute(sa.select(Comment).filter_by(question_key="would_have_stayed")).scalar_one()
    assert english.language == "en"
    run_themes(progress=False)
    from survey_app.models import ThemeAssignment

    themed = set(db.session.execute(sa.select(ThemeAssignment.comment_id)).scalars())
    assert comment.id not in themed and english.id in themed


@pytest.mark.parametrize(("text", "language"), [
    ("Roedd y llwyth gwaith yn ormod ac roedd y rheolwr yn wych.", "cy"),
    ("Mae’n ddrwg gen i adael y tîm, ond mae’r teithio’n ormod.", "cy"),
    ("My caseload was far too high and supervision kept being cancelled.", "en"),
    ("Diolch yn fawr to the team, but the pay was too low.", "en"),  # English with a Welsh phrase
    ("Roedd y cyflog yn isel a doedd dim work life balance o gwbl.", "cy"),  # Welsh with an English phrase
    ("", None),
])
def test_welsh_is_told_from_english(text, language):
    assert detect_language(text) == language


def test_an_error_summary_is_titled_in_the_pages_language_even_when_the_page_gives_no_title(app, welsh_first):
    from flask import render_template_string

    page = ('{% extends "base.html" %}{% block content %}'
            '{{ govukErrorSummary({"errorList": [{"text": "Dewiswch un", "href": "#a"}]}) }}'
            '{{ govukErrorSummary({"titleText": "Teitl y dudalen", "errorList": []}) }}{% endblock %}')
    with app.test_request_context("/exit/"):
        shown = BeautifulSoup(render_template_string(page), "html.parser")
    assert [h.get_text(strip=True) for h in shown.select(".govuk-error-summary__title")] == [
        "Mae problem", "Teitl y dudalen"]


#: Staff pages whose every string is marked for translation (docs/welsh.md lists the rest).
TRANSLATED_STAFF_TEMPLATES = (
    "staff.html", "auth/account.html", "auth/hr_unconfirmed.html", "auth/link_expired.html",
    "auth/set_password.html", "auth/sign_in.html", "auth/sign_out.html", "auth/two_factor.html",
    "auth/two_factor_setup.html", "hr/overview.html", "hr/queue.html", "hr/response.html",
    "hr/follow_ups.html", "hr/follow_up.html", "hr/themes.html", "reports/index.html", "reports/show.html",
    "hr/accounts.html", "hr/invitations.html", "hr/export.html", "admin/users.html", "admin/user.html",
    "admin/user_invite.html", "admin/user_link.html", "admin/settings.html", "admin/surveys.html",
    "admin/survey.html", "components/confirm.html", "hr/focus_groups.html", "hr/focus_group_new.html",
    "hr/focus_group.html", "hr/focus_group_remark.html", "hr/paper_entry.html", "admin/audit.html",
    "admin/jobs.html", "hr/headcounts.html", "hr/theme.html",
)


def test_every_interface_string_of_the_respondent_and_staff_pages_has_a_welsh_translation():
    """Fails when a string is added to the respondent pages, or to a translated staff page or the
    Python behind it (navigation, flash messages, form labels), without its Welsh."""
    from babel.messages.extract import DEFAULT_KEYWORDS

    keywords = {**DEFAULT_KEYWORDS, "_l": None}
    method_map = [(line.split(":", 1)[0].strip("[ "), line.split(":", 1)[1].strip(" ]"))
                  for line in (ROOT / "babel.cfg").read_text().splitlines() if line.startswith("[")]
    found = {message[2] if isinstance(message[2], str) else message[2][0]
             for message in extract_from_dir(str(ROOT), [(p, m) for m, p in method_map], keywords=keywords)}
    found.discard("")
    with CATALOGUE.open("rb") as file:
        catalogue = read_po(file)
    # A plural message is known by its singular, and translated when every Welsh form is given.
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue
                  if m.id and not m.fuzzy and (m.string if isinstance(m.string, str) else all(m.string))}
    assert len(found) > 80
    # The staff pages are extracted too: their navigation, forms and messages among them.
    assert {"Sign in", "Overview", "Follow-ups", "Responses, newest first", "Select a status",
            "Your language is set to Welsh (Cymraeg).", "Marked as reviewed."} <= found
    assert sorted(found - translated) == []


def test_the_translated_staff_pages_are_the_ones_that_say_so():
    """A translated page sets ``page_translated``; any other staff page tells the browser its
    main content is English."""
    templates = ROOT / "survey_app" / "templates"
    marked = {str(p.relative_to(templates)) for p in templates.rglob("*.html")
              if "{% set page_translated = true %}" in p.read_text(encoding="utf-8")}
    assert marked == set(TRANSLATED_STAFF_TEMPLATES) - {"staff.html"} | {"errors/error.html"}


@pytest.mark.parametrize("template", TRANSLATED_STAFF_TEMPLATES)
def test_a_translated_staff_page_is_extracted_for_translation(template):
    templates = ROOT / "survey_app" / "templates"
    method_map = [(line.split(":", 1)[1].strip(" ]"), line.split(":", 1)[0].strip("[ "))
                  for line in (ROOT / "babel.cfg").read_text().splitlines() if line.startswith("[")]
    from babel.messages.extract import pathmatch

    path = f"survey_app/templates/{template}"
    assert (templates / template).exists()
    assert any(method == "jinja2" and pathmatch(pattern, path) for pattern, method in method_map), path


def test_every_shipped_questionnaire_text_has_welsh(runner, app):
    for definition in shipped_definitions():
        assert definition.missing_translations("cy") == [], definition.slug
    result = runner.invoke(args=["instruments", "check", str(DEFINITIONS_DIR / "exit.yaml"), "--languages", "cy,en"])
    assert result.exit_code == 0, result.output


def test_instruments_check_names_each_text_without_welsh(runner, app, tmp_path):
    text = (DEFINITIONS_DIR / "staff_survey.yaml").read_text(encoding="utf-8")
    english_only = text.replace('{en: "What is your role?", cy: "Beth yw eich rôl?"}', '"What is your role?"', 1)
    path = tmp_path / "survey.yaml"
    path.write_text(english_only, encoding="utf-8")
    assert load_definition(path).missing_translations("cy") == ["question role text"]
    result = runner.invoke(args=["instruments", "check", str(path), "--languages", "cy,en"])
    assert result.exit_code != 0 and "cy: question role text" in result.output
    assert runner.invoke(args=["instruments", "check", str(path), "--languages", "en"]).exit_code == 0


def test_the_catalogue_compiles_cleanly(tmp_path):
    result = subprocess.run([sys.executable, "-m", "babel.messages.frontend", "compile", "-i", str(CATALOGUE),
                             "-o", str(tmp_path / "messages.mo"), "-l", "cy", "--statistics"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
