"""Admins open and close a survey window; outside it nothing is taken and respondents are told why."""

from __future__ import annotations

from datetime import date, timedelta

from survey_app.extensions import db
from survey_app.models import AuditEvent, Response
from survey_app.questionnaires import current_instrument

from .support import EXIT_ANSWERS, Respondent, csrf_token_of, page_of, post_form, signed_in


def _admin_sets_window(app, opens: date | None, closes: date | None, action: str = "save"):
    admin = app.test_client()
    signed_in(admin, "admin")
    instrument = current_instrument("exit")

    def parts(d: date | None) -> list[str]:
        return [str(d.day), str(d.month), str(d.year)] if d else ["", "", ""]

    data = {"opens_on": parts(opens), "closes_on": parts(closes), "action": action}
    if action == "close_now":  # closing at once asks first; nothing changes until confirmed
        asked = post_form(admin, f"/admin/surveys/{instrument.id}", data)
        assert asked.status_code == 200 and "Yes, close it now" in asked.get_data(as_text=True)
        db.session.refresh(instrument)
        assert instrument.closes_on is None or instrument.closes_on >= date.today()
        data["confirm"] = "yes"
    response = post_form(admin, f"/admin/surveys/{instrument.id}", data)
    assert response.status_code == 302, page_of(response).get_text(" ", strip=True)[:400]
    db.session.refresh(instrument)
    return instrument


def test_an_admin_closes_a_survey_and_a_submission_is_refused_with_nothing_stored(app, client):
    person = Respondent(client)
    for page_id, data in EXIT_ANSWERS.items():
        person.post_page(page_id, data)
    token = csrf_token_of(person.get("check"))  # the person is on the last page when the survey closes
    instrument = _admin_sets_window(app, None, None, action="close_now")
    assert instrument.closes_on == date.today() - timedelta(days=1)

    refused = client.post("/exit/check", data={"csrf_token": token})
    assert refused.status_code == 403
    assert "It closed on" in page_of(refused).get_text()
    refused = client.post("/exit/equality", data={"csrf_token": token, "action": "skip"})
    assert refused.status_code == 403
    assert db.session.execute(db.select(Response)).first() is None
    assert db.session.execute(db.select(AuditEvent.action).where(AuditEvent.action == "window_changed")).first()


def test_a_survey_not_yet_open_says_when_it_opens(app, client):
    opens = date.today() + timedelta(days=10)
    _admin_sets_window(app, opens, opens + timedelta(days=20))
    page = client.get("/exit/")
    assert page.status_code == 403
    assert f"It opens on {opens:%-d %B %Y}." in page_of(page).get_text()
    assert "Exit questionnaire" not in [a.get_text(strip=True) for a in page_of(client.get("/")).select("main a")]


def test_inside_the_window_answers_are_taken(app, client):
    _admin_sets_window(app, date.today(), date.today())
    from .support import complete_exit_questionnaire

    assert complete_exit_questionnaire(client).headers["Location"].endswith("/exit/done")
    assert db.session.execute(db.select(Response)).first() is not None


def test_a_window_that_closes_before_it_opens_is_refused(app, client):
    signed_in(client, "admin")
    instrument = current_instrument("exit")
    response = post_form(client, f"/admin/surveys/{instrument.id}", {
        "opens_on": ["10", "5", "2026"], "closes_on": ["1", "5", "2026"], "action": "save"})
    assert response.status_code == 400
    assert "The closing date must be the same as or after the opening date" in page_of(response).get_text()
    db.session.refresh(instrument)
    assert instrument.opens_on is None and instrument.closes_on is None
