"""HR records a focus group and enters its remarks quickly: one remark per line, per prompt."""

from __future__ import annotations

from datetime import date

from survey_app.extensions import db
from survey_app.models import AuditEvent, Comment, FocusGroupSession, Response

from .support import csrf_token_of, error_summary, page_of, post_form, signed_in, texts


def _record_session(client, **overrides) -> FocusGroupSession:
    held = date(2026, 3, 27)
    data = {"held_on": [str(held.day), str(held.month), str(held.year)],
            "facilitator": "A. Facilitator", "participants": "9",
            "service_areas": ["assessment", "looked_after"], "prompts": ["stay", "leave", "works_well", "improve"],
            **overrides}
    response = post_form(client, "/hr/focus-groups/new", data)
    assert response.status_code == 302, error_summary(response)
    return db.session.execute(db.select(FocusGroupSession)).scalar_one()


def test_hr_records_a_session_without_naming_anyone(client):
    signed_in(client, "hr")
    session = _record_session(client)
    assert (session.held_on, session.facilitator, session.participants) == (date(2026, 3, 27), "A. Facilitator", 9)
    assert session.service_areas == ["assessment", "looked_after"]
    assert session.prompts == ["stay", "leave", "works_well", "improve"]
    page = client.get(f"/hr/focus-groups/{session.id}")
    assert texts(page, "main h2")[:4] == ["What would make you stay?", "What would make you consider leaving?",
                                          "What works well?", "What should improve?"]


def test_a_session_needs_a_date_a_facilitator_and_a_headcount(client):
    signed_in(client, "hr")
    response = post_form(client, "/hr/focus-groups/new", {"participants": "none", "prompts": ["stay"]})
    assert response.status_code == 400
    summary = error_summary(response)
    assert "Enter the date of the session as day, month and year" in summary
    assert "Enter who facilitated the session" in summary
    assert db.session.execute(db.select(FocusGroupSession)).first() is None


def test_forty_pasted_remarks_become_forty_comments_with_the_prompts_purpose(client):
    signed_in(client, "hr")
    session = _record_session(client)
    pasted = "\n".join(f"- remark number {n} about caseloads" for n in range(1, 41)) + "\n\n   \n"
    response = post_form(client, f"/hr/focus-groups/{session.id}", {"stay": pasted, "works_well": "The team\r\n"})
    assert response.status_code == 302
    assert "41 remarks added." in page_of(client.get(response.headers["Location"])).get_text()
    comments = db.session.execute(db.select(Comment).where(Comment.question_key == "stay")).scalars().all()
    assert len(comments) == 40
    assert {c.purpose for c in comments} == {"would_have_stayed"}
    assert {c.focus_group_id for c in comments} == {session.id}
    assert {c.response_id for c in comments} == {None}
    assert {c.period for c in comments} == {date(2026, 3, 1)}
    assert sorted(c.text for c in comments)[0] == "remark number 1 about caseloads"
    well = db.session.execute(db.select(Comment).where(Comment.question_key == "works_well")).scalar_one()
    assert (well.purpose, well.text) == ("worked_well", "The team")
    # Remarks are not responses.
    assert db.session.execute(db.select(Response)).first() is None
    page = client.get(f"/hr/focus-groups/{session.id}")
    assert len(page_of(page).select("#remarks-stay li")) == 40


def test_a_remark_can_be_edited_or_removed_until_the_session_is_closed(client):
    signed_in(client, "hr")
    session = _record_session(client)
    post_form(client, f"/hr/focus-groups/{session.id}", {"improve": "Fewer agency staff\nMore parking"})
    remarks = {c.text: c for c in db.session.execute(db.select(Comment)).scalars()}
    parking = remarks["More parking"]
    path = f"/hr/focus-groups/{session.id}/remarks/{parking.id}"
    post_form(client, path, {"text": "More parking near the office", "action": "save"})
    assert db.session.get(Comment, parking.id).text == "More parking near the office"
    agency = remarks["Fewer agency staff"]
    post_form(client, f"/hr/focus-groups/{session.id}/remarks/{agency.id}",
              {"text": "Fewer agency staff", "action": "remove"})
    assert [c.text for c in db.session.execute(db.select(Comment)).scalars()] == ["More parking near the office"]

    page = client.get(f"/hr/focus-groups/{session.id}")
    token = csrf_token_of(page)
    asked = client.post(f"/hr/focus-groups/{session.id}/close", data={"csrf_token": token})
    assert asked.status_code == 200 and not db.session.get(FocusGroupSession, session.id).closed
    assert page_of(asked).select_one("h1").get_text(strip=True) == "Close this focus group session?"
    client.post(f"/hr/focus-groups/{session.id}/close", data={"csrf_token": token, "confirm": "yes"})
    assert db.session.get(FocusGroupSession, session.id).closed
    closed = client.get(f"/hr/focus-groups/{session.id}")
    assert not page_of(closed).select("textarea")
    assert "Change" not in " ".join(texts(closed, "#remarks-improve li"))
    # Changing a remark after closing is refused and changes nothing.
    client.post(path, data={"csrf_token": token, "text": "Rewritten", "action": "save"})
    client.post(f"/hr/focus-groups/{session.id}", data={"csrf_token": token, "improve": "Late"})
    assert [c.text for c in db.session.execute(db.select(Comment)).scalars()] == ["More parking near the office"]
    actions = db.session.execute(db.select(AuditEvent.action)).scalars().all()
    assert {"created", "remarks_added", "remark_edited", "remark_removed", "closed"} <= set(actions)
