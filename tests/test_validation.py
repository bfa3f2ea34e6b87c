"""Bad input gets a clear message, in the GOV.UK error summary, and nothing is stored."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from survey_app.codes import issue_codes
from survey_app.extensions import db
from survey_app.models import DraftAnswers, Response

from .support import Respondent, complete_exit_questionnaire, error_summary, page_of


def _nothing_stored() -> bool:
    return (db.session.execute(sa.select(Response)).first() is None
            and db.session.execute(sa.select(DraftAnswers)).first() is None)


@pytest.mark.parametrize(
    ("page_id", "data", "message"),
    [
        ("your-job", {}, "Select your answer to ‘What was your role when you left?’"),
        ("your-job", {"role": "line_manager_spy"}, "Select one of the answers shown"),
        ("your-time-here", {"length_of_service": "forty_years"}, "Select one of the answers shown"),
        ("your-time-here", {"length_of_service": "1_to_2", "leaving_month": "2031-13"},
         "Select one of the answers shown"),
        ("why-leaving", {"main_reasons": ["caseload", "bribery"]}, "Select one of the answers shown"),
        ("ratings-support", {"rating_caseload": "9"}, "Select one of the answers shown"),
        ("why-leaving", {"reasons_text": "x" * 3001}, "Your answer must be 3,000 characters or fewer"),
    ],
    ids=["missing-required", "single-choice", "band", "month", "multiple-choice", "likert", "too-long"],
)
def test_each_question_type_refuses_bad_input(client, page_id, data, message):
    response = Respondent(client).post_page(page_id, data)
    assert response.status_code == 400
    assert error_summary(response) == [message]
    page = page_of(response)
    assert page.title.get_text().startswith("Error: ")
    assert message in page.select_one(".govuk-error-message").get_text()
    assert _nothing_stored()


def test_the_error_summary_links_to_the_question(client):
    response = Respondent(client).post_page("your-job", {})
    link = page_of(response).select_one(".govuk-error-summary__list a")
    assert link["href"] == "#role"
    assert page_of(response).find(id="role") is not None


def test_a_missing_csrf_token_is_refused(client):
    client.get("/exit/your-job")
    response = client.post("/exit/your-job", data={"role": "social_worker"})
    assert response.status_code == 400
    assert "Your page timed out" in page_of(response).get_text()
    assert _nothing_stored()


def test_a_forged_csrf_token_is_refused(client):
    client.get("/exit/your-job")
    response = client.post("/exit/your-job", data={"role": "social_worker", "csrf_token": "forged.token.value"})
    assert response.status_code == 400
    assert _nothing_stored()


def test_sending_with_a_forged_token_stores_nothing(client):
    person = Respondent(client)
    person.post_page("your-job", {"role": "social_worker"})
    person.post_page("your-time-here", {"length_of_service": "under_1"})
    before = db.session.execute(sa.select(DraftAnswers)).scalar_one().sealed
    response = client.post("/exit/check", data={"csrf_token": "forged"})
    assert response.status_code == 400
    assert db.session.execute(sa.select(Response)).first() is None
    db.session.expire_all()
    assert db.session.execute(sa.select(DraftAnswers)).scalar_one().sealed == before


def test_an_unknown_invitation_code_is_refused(client):
    response = Respondent(client, "staff-survey").enter_code("AAAA-BBBB-CCCC")
    assert response.status_code == 400
    assert error_summary(response) == ["The invitation code is not recognised. Check it and try again"]
    assert _nothing_stored()


def test_questions_need_a_code_first_when_the_instrument_requires_one(client):
    response = client.get("/staff-survey/about-you")
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff-survey/code")


def test_a_used_invitation_code_is_refused(client, app):
    [code] = issue_codes("staff-survey", 1, batch="test")
    person = Respondent(client, "staff-survey")
    person.enter_code(code)
    person.post_page("about-you", {"role": "asye"})
    person.post_check()
    assert db.session.execute(sa.select(sa.func.count()).select_from(Response)).scalar() == 1
    other = Respondent(app.test_client(), "staff-survey")
    response = other.enter_code(code.lower().replace("-", " "))
    assert response.status_code == 400
    assert error_summary(response) == ["This invitation code has already been used"]
    assert db.session.execute(sa.select(sa.func.count()).select_from(Response)).scalar() == 1


def test_an_oversized_body_is_refused_with_413(client, app):
    person = Respondent(client)
    form = person.get("why-leaving")
    from .support import csrf_token_of

    big = "y" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/exit/why-leaving", data={"csrf_token": csrf_token_of(form), "reasons_text": big})
    assert response.status_code == 413
    assert "too long" in page_of(response).get_text()
    assert _nothing_stored()


def test_free_text_is_stored_as_typed_but_normalised(client):
    from .support import EXIT_ANSWERS

    answers = dict(EXIT_ANSWERS)
    # A decomposed é (e + combining accent) and control characters (a NUL is refused outright:
    # tests/test_hostile_input.py).
    answers["why-leaving"] = {"reasons_text": "Caf\u0065\u0301 culture\x07 \x1b[31mgone\r\nfor good  "}
    complete_exit_questionnaire(client, answers=answers)
    from survey_app.models import Comment

    text = db.session.execute(sa.select(Comment.text).where(Comment.question_key == "reasons_text")).scalar_one()
    assert text == "Caf\u00e9 culture [31mgone\nfor good"
