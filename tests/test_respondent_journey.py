"""A leaver completes the exit questionnaire and it reaches HR's tables, and nowhere else."""

from __future__ import annotations

from survey_app.extensions import db
from survey_app.models import Comment, DraftAnswers, Response

from .support import EXIT_ANSWERS, Respondent, complete_exit_questionnaire, page_of


def test_start_page_says_who_reads_the_answers(client):
    page = page_of(client.get("/exit/"))
    text = page.get_text(" ", strip=True)
    assert "HR team only" in text
    assert "never sent to your line manager" in text
    assert "IP address" in text
    assert page.select_one("a.govuk-button--start")["href"] == "/exit/your-job"


def test_a_completed_questionnaire_is_one_response_with_its_comments(client, app):
    response = complete_exit_questionnaire(client, equality={"eq_age": "25_34", "eq_sex": "prefer_not_to_say"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/exit/done")
    done = page_of(client.get("/exit/done"))
    assert done.select_one(".govuk-panel__title").get_text(strip=True) == "Your answers have been sent"

    stored = db.session.execute(db.select(Response)).scalars().all()
    assert len(stored) == 1
    answers = stored[0].answers
    assert answers["role"] == "social_worker"
    assert answers["main_reasons"] == ["caseload", "supervision"]
    assert answers["rating_caseload"] == 1
    assert answers["eq_age"] == "25_34"
    assert stored[0].length_of_service == "1_to_2"
    comments = {c.question_key: c for c in db.session.execute(db.select(Comment)).scalars()}
    assert set(comments) == {"reasons_text", "would_have_stayed", "worked_well"}
    assert comments["reasons_text"].purpose == "reasons"
    assert comments["reasons_text"].text == EXIT_ANSWERS["why-leaving"]["reasons_text"]
    # The draft is gone once the answers are sent.
    assert db.session.execute(db.select(DraftAnswers)).first() is None


def test_skipping_equality_monitoring_stores_no_equality_answers(client):
    complete_exit_questionnaire(client, equality=None)
    stored = db.session.execute(db.select(Response)).scalar_one()
    assert not any(key.startswith("eq_") for key in stored.answers)


def test_nothing_is_stored_until_the_person_sends(client):
    person = Respondent(client)
    for page_id, data in list(EXIT_ANSWERS.items())[:3]:
        person.post_page(page_id, data)
    assert db.session.execute(db.select(Response)).first() is None
    assert db.session.execute(db.select(Comment)).first() is None


def test_check_answers_shows_answers_with_change_links(client):
    person = Respondent(client)
    person.post_page("your-job", EXIT_ANSWERS["your-job"])
    page = page_of(person.get("check"))
    rows = {row.select_one(".govuk-summary-list__key").get_text(strip=True):
            row.select_one(".govuk-summary-list__value").get_text(strip=True)
            for row in page.select(".govuk-summary-list__row")}
    assert rows["What was your role when you left?"] == "Social worker"
    assert rows["How long did you work for the council?"] == "Not answered"
    change = page.select_one(".govuk-summary-list__actions a")
    assert change["href"] == "/exit/your-job?change=1"
    # Changing an answer returns to the check page.
    response = person.post_page("your-job", {"role": "team_manager"}, query="?change=1")
    assert response.headers["Location"].endswith("/exit/check")


def test_sending_without_a_required_answer_is_refused_on_the_check_page(client):
    person = Respondent(client)
    person.post_page("your-job", {"role": "social_worker"})
    response = person.post_check()
    assert response.status_code == 400
    summary = [a.get_text(strip=True) for a in page_of(response).select(".govuk-error-summary__list a")]
    assert summary == ["Answer ‘How long did you work for the council?’"]
    assert db.session.execute(db.select(Response)).first() is None


def test_question_pages_have_a_back_link(client):
    page = page_of(client.get("/exit/your-time-here"))
    assert page.select_one("a.govuk-back-link")["href"] == "/exit/your-job"


def test_a_follow_up_request_is_taken_after_sending(client):
    complete_exit_questionnaire(client)
    done = page_of(client.get("/exit/done"))
    link = done.find("a", string="Ask for a follow-up conversation")
    form_page = client.get(link["href"])
    text = page_of(form_page).get_text(" ", strip=True)
    assert "This part is not anonymous" in text
    assert "stored separately" in text


def test_every_question_is_labelled_by_its_own_text(client):
    from survey_app.instruments import shipped_definitions

    exit_q = next(d for d in shipped_definitions() if d.slug == "exit")
    for page in exit_q.pages:
        html = page_of(client.get(f"/exit/{page.id}"))
        labels = [" ".join(el.get_text().split()) for el in html.select("legend, label.govuk-label")]
        for question in page.questions:
            expected = question.text if question.required else f"{question.text} (optional)"
            assert " ".join(expected.split()) in labels, (page.id, question.key)
        assert all(hint.get_text(strip=True) for hint in html.select(".govuk-hint")), "empty hint"


def test_going_back_after_sending_says_the_answers_were_sent(client, app):
    from .support import complete_exit_questionnaire, page_of

    complete_exit_questionnaire(client)
    for path in ("/exit/check", "/exit/your-job"):
        page = client.get(path)
        assert page_of(page).select_one("h1").get_text(strip=True) == "You have already sent your answers", path
    # Someone else on the same device can still answer.
    again = client.get(page_of(client.get("/exit/check")).select_one("main a.govuk-link")["href"])
    assert again.status_code == 200
    assert page_of(client.get("/exit/your-job")).select_one("h1, legend h1, label h1") is not None
    assert "already sent" not in client.get("/exit/your-job").get_data(as_text=True)


def test_the_check_page_says_when_unsent_answers_will_be_deleted_and_an_expired_draft_says_so(client, app):
    from datetime import UTC, datetime, timedelta

    from survey_app.extensions import db
    from survey_app.models import DraftAnswers

    from .support import EXIT_ANSWERS, Respondent, page_of

    person = Respondent(client, "exit")
    person.post_page("your-job", EXIT_ANSWERS["your-job"])
    warning = page_of(person.get("check")).select_one(".govuk-inset-text").get_text(" ", strip=True)
    assert warning.startswith("Send your answers by ") and "deleted after that" in warning
    # The answers in progress expire while the person is away.
    draft = db.session.execute(db.select(DraftAnswers)).scalar_one()
    draft.expires_at = datetime.now(UTC).replace(tzinfo=None) - timedelta(hours=1)
    db.session.commit()
    page = person.get("check")
    assert page_of(page).select_one("h1").get_text(strip=True) == "Your answers in progress were deleted"
    assert "kept for 4 hours" in page.get_data(as_text=True)
    # Starting again works, and the message is not repeated.
    assert "Not answered" in person.get("check").get_data(as_text=True)


def test_answers_stored_by_a_send_whose_reply_never_arrived_are_reported_as_sent(client, app):
    """The server stores the answers and dies before the browser hears (the submission
    benchmark's kill runs). The browser still holds its old cookie; sending again must say the
    answers were sent, not that they were deleted, and must store nothing twice."""
    from survey_app.extensions import db

    from .support import page_of, ready_to_send, same_browser

    form = ready_to_send(client).get("equality")
    # The same request, sent with the same cookie from elsewhere: it stores the answers, and its
    # reply (with the cookie that says so) is what the browser never receives.
    elsewhere = same_browser(app, client)
    token = page_of(form).find("input", attrs={"name": "csrf_token"})["value"]
    sent = elsewhere.post("/exit/equality", data={"csrf_token": token, "action": "skip"})
    assert sent.headers["Location"].endswith("/exit/done")
    assert db.session.execute(db.select(Response)).scalar_one()
    retry = client.post("/exit/equality", data={"csrf_token": token, "action": "skip"})
    assert page_of(retry).select_one("h1").get_text(strip=True) == "You have already sent your answers"
    assert len(db.session.execute(db.select(Response)).scalars().all()) == 1


def test_two_sendings_of_the_same_answers_at_once_store_one_response_and_both_say_sent(client, app):
    """A double click, or two tabs: a second sending reads the answers before the first has stored
    them, and goes on after the first has committed. It must store nothing twice and tell the
    person their answers were sent, not fail."""
    from survey_app.extensions import db

    from .support import csrf_token_of, first_change_waits_for, page_of, ready_to_send, same_browser

    form = ready_to_send(client).get("equality")
    data = {"csrf_token": csrf_token_of(form), "action": "skip"}
    elsewhere = same_browser(app, client)
    with first_change_waits_for(lambda: elsewhere.post("/exit/equality", data=data)) as first:
        second = client.post("/exit/equality", data=data, follow_redirects=True)
    assert first[0].headers["Location"].endswith("/exit/done")
    assert second.status_code == 200
    assert page_of(second).select_one("h1").get_text(strip=True) == "You have already sent your answers"
    assert len(db.session.execute(db.select(Response)).scalars().all()) == 1
