"""Save and come back later: a return code the person keeps, no account, nothing about them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from survey_app.extensions import db
from survey_app.models import DraftAnswers, Response
from survey_app.sealing import Unreadable, app_key, unseal

from .support import (
    EXIT_ANSWERS,
    Respondent,
    csrf_token_of,
    error_summary,
    first_change_waits_for,
    page_of,
    ready_to_send,
    same_browser,
)

CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$")


def _save(person: Respondent) -> str:
    """Press "Save and come back later" on the second page and get a code."""
    person.post_page("your-job", EXIT_ANSWERS["your-job"])
    pressed = person.post_page("your-time-here", {**EXIT_ANSWERS["your-time-here"], "action": "save"})
    assert pressed.status_code == 302 and pressed.headers["Location"].endswith("/exit/save")
    offer = person.get("save")
    assert "Get a return code" in offer.get_data(as_text=True)
    saved = person.client.post("/exit/save", data={"csrf_token": csrf_token_of(offer)})
    assert saved.status_code == 200
    code = page_of(saved).select_one("#return-code").get_text(strip=True)
    assert CODE.match(code), code
    assert code not in saved.headers.get("Location", "") and "no-store" in saved.headers["Cache-Control"]
    return code


def _resume(client, typed: str):
    page = client.get("/exit/resume")
    return client.post("/exit/resume", data={"csrf_token": csrf_token_of(page), "code": typed})


def test_answers_saved_with_a_code_open_on_another_device_and_send_once(app, client):
    code = _save(Respondent(client))
    # Another device: typed in lower case, with spaces, O for 0 and I for 1 where they occur.
    other = app.test_client()
    typed = " ".join(code.lower().split("-")).replace("0", "o").replace("1", "i")
    opened = _resume(other, typed)
    assert opened.status_code == 302 and opened.headers["Location"].endswith("/exit/check")
    check = page_of(other.get("/exit/check")).get_text(" ", strip=True)
    assert "Social worker" in check and "1 year to less than 2 years" in check
    person = Respondent(other)
    for page_id, data in list(EXIT_ANSWERS.items())[2:]:
        assert person.post_page(page_id, data).status_code == 302
    assert person.post_check().status_code == 302
    sent = person.post_page("equality", {"action": "skip"})
    assert sent.headers["Location"].endswith("/exit/done")
    stored = db.session.execute(sa.select(Response)).scalar_one()
    assert stored.answers["role"] == "social_worker" and stored.answers["length_of_service"] == "1_to_2"
    assert db.session.execute(sa.select(DraftAnswers)).first() is None
    # Sent answers are gone: the code opens nothing now.
    again = _resume(app.test_client(), code)
    assert again.status_code == 400
    assert error_summary(again)[0].startswith("No saved answers match this return code")


def test_a_saved_draft_is_kept_for_whole_days_and_holds_nothing_readable(app, client):
    before = datetime.now(UTC).replace(tzinfo=None)
    code = _save(Respondent(client))
    row = db.session.execute(sa.select(DraftAnswers)).scalar_one()
    assert (row.expires_at.hour, row.expires_at.minute, row.expires_at.second) == (0, 0, 0)
    assert before + timedelta(days=7) <= row.expires_at <= before + timedelta(days=8, hours=1)
    # As a reader of the database: the code is in no column, and neither are the answers.
    bare = code.replace("-", "")
    for value in (row.id, row.sealed.hex(), str(row.expires_at)):
        assert code not in value and bare not in value
    assert b"social_worker" not in row.sealed
    # Without the app's secret key, the code alone neither finds nor opens the row.
    wrong = app_key("not the secret", f"saved draft key {bare}")
    try:
        unseal(wrong, row.sealed)
        raise AssertionError("opened with the wrong key")
    except Unreadable:
        pass
    assert row.id != app_key("not the secret", f"saved draft id {bare}")
    # Saving again goes on in the same browser: the page after is still answered.
    assert "Social worker" in page_of(client.get("/exit/check")).get_text(" ", strip=True)


def test_a_new_code_replaces_the_old_one(client, app):
    person = Respondent(client)
    first = _save(person)
    offer = person.get("save")
    assert "A new code replaces the old one" in offer.get_data(as_text=True)
    second = page_of(client.post("/exit/save", data={"csrf_token": csrf_token_of(offer)})).select_one(
        "#return-code").get_text(strip=True)
    assert second != first
    assert _resume(app.test_client(), first).status_code == 400
    assert _resume(app.test_client(), second).status_code == 302
    assert db.session.execute(sa.select(sa.func.count()).select_from(DraftAnswers)).scalar_one() == 1


def test_bad_codes_get_a_clear_message_and_change_nothing(client, app):
    code = _save(Respondent(client))
    rows = db.session.execute(sa.select(DraftAnswers.id, DraftAnswers.sealed)).all()
    other = app.test_client()
    assert error_summary(_resume(other, "   ")) == ["Enter your return code"]
    assert error_summary(_resume(other, "7KQ4-M2XR")) == [
        "Enter the return code as it was shown to you: 16 letters and numbers, for example 7KQ4-M2XR-9HTD-WP3B"]
    near = code[:-1] + ("A" if code[-1] != "A" else "B")
    refused = _resume(other, near)
    assert refused.status_code == 400
    assert page_of(refused).select_one("#code")["value"] == near  # what was typed stays
    assert db.session.execute(sa.select(DraftAnswers.id, DraftAnswers.sealed)).all() == rows
    assert "Social worker" not in other.get("/exit/check").get_data(as_text=True)


def test_answers_saved_past_their_days_are_gone(client, app):
    code = _save(Respondent(client))
    row = db.session.execute(sa.select(DraftAnswers)).scalar_one()
    row.expires_at = datetime.now(UTC).replace(tzinfo=None) - timedelta(hours=1)
    db.session.commit()
    assert _resume(app.test_client(), code).status_code == 400


def test_nothing_to_save_before_the_first_answer(client):
    assert client.get("/exit/save").headers["Location"].endswith("/exit/")


def test_saved_answers_that_expire_are_said_to_have_been_kept_for_days(client):
    _save(Respondent(client))
    row = db.session.execute(sa.select(DraftAnswers)).scalar_one()
    row.expires_at = datetime.now(UTC).replace(tzinfo=None) - timedelta(hours=1)
    db.session.commit()
    page = page_of(client.get("/exit/check"))
    assert page.select_one("h1").get_text(strip=True) == "Your answers in progress were deleted"
    assert "kept for 7 days after they were last saved" in page.get_text(" ", strip=True)


def test_two_saves_of_the_same_answers_at_once_show_the_same_code_and_it_works(app, client):
    # A second click of "Get a return code" with JavaScript off: the browser shows the reply to the
    # second request, so that reply must hold a code that opens the answers the first one saved.
    person = Respondent(client)
    person.post_page("your-job", EXIT_ANSWERS["your-job"])
    offer = person.get("save")
    token = csrf_token_of(offer)
    elsewhere = same_browser(app, client)
    with first_change_waits_for(lambda: elsewhere.post("/exit/save", data={"csrf_token": token})) as first:
        second = client.post("/exit/save", data={"csrf_token": token})
    codes = [page_of(reply).select_one("#return-code").get_text(strip=True) for reply in (first[0], second)]
    assert codes[0] == codes[1] and CODE.match(codes[1])
    assert db.session.execute(sa.select(sa.func.count()).select_from(DraftAnswers)).scalar_one() == 1
    other = app.test_client()
    assert _resume(other, codes[1]).status_code == 302
    assert "Social worker" in other.get("/exit/check").get_data(as_text=True)
    # The browser carries on with the saved answers too.
    assert "Social worker" in client.get("/exit/check").get_data(as_text=True)


def test_saving_answers_another_tab_has_just_sent_says_they_were_sent(app, client):
    person = ready_to_send(client)
    offer = person.get("save")
    form = person.get("equality")
    elsewhere = same_browser(app, client)
    with first_change_waits_for(lambda: elsewhere.post(
            "/exit/equality", data={"csrf_token": csrf_token_of(form), "action": "skip"})) as sent:
        saved = client.post("/exit/save", data={"csrf_token": csrf_token_of(offer)}, follow_redirects=True)
    assert sent[0].headers["Location"].endswith("/exit/done")
    assert page_of(saved).select_one("h1").get_text(strip=True) == "You have already sent your answers"
    assert db.session.execute(sa.select(sa.func.count()).select_from(Response)).scalar_one() == 1
    assert db.session.execute(sa.select(sa.func.count()).select_from(DraftAnswers)).scalar_one() == 0
