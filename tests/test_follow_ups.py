"""HR works through follow-up requests, which stay apart from anyone's answers."""

from __future__ import annotations

from datetime import date

from survey_app.extensions import db
from survey_app.models import AuditEvent, FollowUpRequest

from .support import add_exit_response, page_of, post_form, signed_in, texts


def _request(name: str, status: str = "new") -> FollowUpRequest:
    row = FollowUpRequest(organisation_id=1, talk_to="hr", name=name, contact=f"{name.lower()}@example.org",
                          requested_on=date.today(), status=status)
    db.session.add(row)
    db.session.commit()
    return row


def test_hr_lists_requests_with_their_status_and_filters_by_status(client):
    _request("Sam", "new")
    _request("Alex", "contacted")
    signed_in(client, "hr")
    page = client.get("/hr/follow-ups")
    assert sorted(texts(page, "tbody tr td:first-child")) == ["Alex", "Sam"]
    assert sorted(texts(page, "tbody .govuk-tag")) == ["Contacted", "New"]
    assert texts(client.get("/hr/follow-ups?status=contacted"), "tbody tr td:first-child") == ["Alex"]


def test_hr_records_the_status_and_notes_of_a_request(client):
    row = _request("Sam")
    signed_in(client, "hr")
    response = post_form(client, f"/hr/follow-ups/{row.id}", {"status": "done", "notes": "Spoke on Tuesday."})
    assert response.status_code == 302
    db.session.refresh(row)
    assert (row.status, row.notes) == ("done", "Spoke on Tuesday.")
    event = db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "updated")).scalar_one()
    assert (event.record_type, event.record_id) == ("follow_up", row.id)


def test_requests_are_never_shown_beside_responses_nor_filtered_by_them(client):
    response = add_exit_response()
    _request("Sam")
    signed_in(client, "hr")
    detail = page_of(client.get(f"/hr/responses/{response.id}")).get_text()
    assert "Sam" not in detail and "follow-up" not in detail.lower().replace("follow-ups", "")
    queue = page_of(client.get("/hr/")).get_text()
    assert "Sam" not in queue
    # The only filter is the status: anything else is ignored.
    page = client.get("/hr/follow-ups", query_string={"response": response.id, "period": "2026-05"})
    assert texts(page, "tbody tr td:first-child") == ["Sam"]
    form = page_of(client.get("/hr/follow-ups")).select("main form select, main form input:not([type=hidden])")
    assert [el["name"] for el in form] == ["status"]


def test_hr_navigation_counts_new_requests(client):
    signed_in(client, "hr")
    assert "Follow-ups" in texts(client.get("/hr/follow-ups"), ".govuk-service-navigation__item")
    _request("Sam")
    _request("Alex")
    _request("Kim", "done")
    assert "Follow-ups (2 new)" in texts(client.get("/hr/"), ".govuk-service-navigation__item")


def test_the_navigation_counts_new_requests_once_a_page_however_many_fields_it_renders(client):
    # Each GOV.UK form field is a template of its own, and each used to count the requests again.
    from sqlalchemy import event

    signed_in(client, "hr")
    _request("Sam")
    counted: list[str] = []

    def note(conn, cursor, statement, *args):  # noqa: ANN001, ANN002
        if "follow_up_request" in statement and "count(" in statement.lower():
            counted.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        page = client.get("/hr/focus-groups/new")
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    assert page.status_code == 200 and len(page_of(page).select("input, select, textarea")) > 5
    assert "Follow-ups (1 new)" in texts(page, ".govuk-service-navigation__item")
    assert len(counted) == 1
