"""HR reviews responses: a filtered, paged queue; a detail page with every answer; notes; paper entry."""

from __future__ import annotations

from datetime import date

from survey_app.extensions import db
from survey_app.models import ActionNote, AuditEvent, Comment, Response
from survey_app.periods import add_months, financial_quarter

from .support import (
    add_exit_response,
    csrf_token_of,
    error_summary,
    first_change_waits_for,
    page_of,
    post_form,
    signed_in,
    texts,
)


def _queue_links(response) -> list[str]:
    return [a["href"] for a in page_of(response).select("table a")]


def _alike(n, period, **answers):
    return [add_exit_response(period, **answers) for _ in range(n)]


def test_the_queue_filters_by_quarter_role_service_area_length_and_review(app, client):
    app.config["DISCLOSURE_THRESHOLD"] = 3
    this_month = date.today().replace(day=1)
    a = _alike(3, this_month, role="team_manager", service_area="assessment", length_of_service="under_1")
    b = _alike(3, this_month, role="social_worker", service_area="child_protection")
    old = _alike(3, add_months(this_month, -12), role="social_worker")
    for r in b:
        r.reviewed = True
    db.session.commit()
    signed_in(client, "hr")

    def links(*group):
        return sorted(f"/hr/responses/{r.id}" for g in group for r in g)

    assert len(_queue_links(client.get("/hr/"))) == 9
    quarter = financial_quarter(this_month)
    assert sorted(_queue_links(client.get("/hr/", query_string={"quarter": quarter}))) == links(a, b)
    assert sorted(_queue_links(client.get("/hr/", query_string={"role": "team_manager"}))) == links(a)
    assert sorted(_queue_links(client.get("/hr/", query_string={"service_area": "child_protection"}))) == links(b)
    assert sorted(_queue_links(client.get("/hr/", query_string={"length_of_service": "under_1"}))) == links(a)
    assert sorted(_queue_links(client.get("/hr/", query_string={"status": "unreviewed"}))) == links(a, old)
    page = client.get("/hr/", query_string={"role": "team_manager"})
    assert texts(page, "#result-count") == ["3 responses"]
    assert texts(page, "tbody tr td .govuk-tag") == ["Not reviewed"] * 3


def test_details_fewer_than_k_responses_share_are_not_shown_and_filters_cannot_find_them(app, client):
    app.config["DISCLOSURE_THRESHOLD"] = 3
    this_month = date.today().replace(day=1)
    _alike(3, this_month, role="social_worker", service_area="child_protection", length_of_service="1_to_2")
    lone = add_exit_response(this_month, role="service_manager", service_area="assessment",
                             length_of_service="10_plus")
    signed_in(client, "hr")
    page = client.get("/hr/")
    cells = [texts(page, f"tbody tr:nth-child({n}) td") for n in range(1, 5)]
    # One service manager among four: their role, length of service or service area would
    # single them out, so none of the four shows them; the month, shared by four, is shown.
    assert {tuple(c[3:6]) for c in cells} == {("Not shown", "Not shown", "Not shown")}
    assert all(c[0].startswith(this_month.strftime("%B %Y") + " ") for c in cells)
    assert _queue_links(client.get("/hr/", query_string={"role": "service_manager"})) == []
    assert _queue_links(client.get("/hr/", query_string={"role": "social_worker"})) == []
    detail = client.get(f"/hr/responses/{lone.id}")
    rows = dict(zip(texts(detail, ".govuk-summary-list__key"), texts(detail, ".govuk-summary-list__value"),
                    strict=False))
    assert rows["What was your role when you left?"] == "Not shown"
    assert texts(detail, "h1") == [f"Response for {this_month:%B %Y}"]
    assert "role, length of service and service area are not shown" in texts(detail, "#coarse-note")[0]


def test_the_queue_pages_through_many_responses(app, client):
    app.config["PAGE_SIZE"] = 5
    for _ in range(12):
        add_exit_response()
    signed_in(client, "hr")
    first = client.get("/hr/")
    assert len(_queue_links(first)) == 5
    assert texts(first, "#result-count") == ["12 responses, page 1 of 3"]
    third = client.get("/hr/?page=3")
    assert len(_queue_links(third)) == 2
    seen = set(_queue_links(first)) | set(_queue_links(client.get("/hr/?page=2"))) | set(_queue_links(third))
    assert len(seen) == 12
    assert page_of(first).select_one(".govuk-pagination__next a")["href"] == "/hr/?page=2"


def test_the_detail_page_shows_every_answer_and_audits_the_view(app, client):
    app.config["DISCLOSURE_THRESHOLD"] = 3
    _alike(2, None, main_reasons=["caseload"])  # two others alike, so the role may be shown
    response = add_exit_response(reasons_text="=HYPERLINK(\"x\") and a caseload of 30", main_reasons=["caseload"])
    user = signed_in(client, "hr")
    page = client.get(f"/hr/responses/{response.id}")
    rows = dict(zip(texts(page, ".govuk-summary-list__key"), texts(page, ".govuk-summary-list__value"), strict=False))
    assert rows["What was your role when you left?"] == "Social worker"
    assert rows["What are your main reasons for leaving?"] == "Caseload or workload"
    # Free text is shown to HR as written.
    assert rows["In your own words, why are you leaving?"] == "=HYPERLINK(\"x\") and a caseload of 30"
    assert rows["What, if anything, would have made you stay?"] == "Not answered"
    event = db.session.execute(db.select(AuditEvent).order_by(AuditEvent.id.desc())).scalars().first()
    assert (event.action, event.record_type, event.record_id, event.actor_id) == \
        ("viewed", "response", response.id, user.id)


def test_hr_marks_a_response_reviewed_and_adds_an_action_note(client):
    response = add_exit_response()
    user = signed_in(client, "hr")
    detail = client.get(f"/hr/responses/{response.id}")
    token = csrf_token_of(detail)
    client.post(f"/hr/responses/{response.id}/reviewed", data={"csrf_token": token})
    assert db.session.get(Response, response.id).reviewed
    empty = client.post(f"/hr/responses/{response.id}/notes", data={"csrf_token": token, "text": ""})
    assert empty.status_code == 400
    assert error_summary(empty) == ["Enter what was done"]
    done = client.post(f"/hr/responses/{response.id}/notes",
                       data={"csrf_token": token, "text": "Raised caseload levels with the service manager."})
    assert done.status_code == 302
    note = db.session.execute(db.select(ActionNote)).scalar_one()
    assert (note.response_id, note.author_id) == (response.id, user.id)
    page = client.get(f"/hr/responses/{response.id}")
    assert "Raised caseload levels with the service manager." in texts(page, "#notes ~ dl dd")
    assert "hr@council.example" in " ".join(texts(page, "#notes ~ dl dt"))
    actions = db.session.execute(db.select(AuditEvent.action)).scalars().all()
    assert {"marked_reviewed", "note_added"} <= set(actions)


def test_a_paper_form_is_stored_with_its_channel_under_the_month_of_leaving(client):
    signed_in(client, "hr")
    leaving = add_months(date.today(), -14)
    response = post_form(client, "/hr/responses/new/exit/paper", {
        "period_month": leaving.strftime("%Y-%m"), "role": "senior_practitioner", "length_of_service": "5_to_10",
        "main_reasons": ["pay", "career"], "reasons_text": "Better pay at the neighbouring council.",
        "action": "save", "step": "0",
    })
    assert response.status_code == 302
    stored = db.session.execute(db.select(Response)).scalar_one()
    assert (stored.channel, stored.period) == ("paper", leaving)
    assert stored.answers["leaving_month"] == leaving.strftime("%Y-%m")
    assert stored.answers["main_reasons"] == ["pay", "career"]
    comment = db.session.execute(db.select(Comment)).scalar_one()
    assert (comment.purpose, comment.period) == ("reasons", leaving)
    assert response.headers["Location"] == f"/hr/responses/{stored.id}"
    last = db.session.execute(db.select(AuditEvent.action).order_by(AuditEvent.id.desc())).scalars().first()
    assert last == "entered"


def test_interview_notes_use_the_same_questionnaire_form(client):
    signed_in(client, "hr")
    form = page_of(client.get("/hr/responses/new/exit/interview"))
    labels = [el.get_text(" ", strip=True) for el in form.select("label, legend")]
    assert "Month of leaving" in labels
    assert any(label.startswith("What was your role when you left?") for label in labels), labels[:3]
    # The questionnaire's own month question is answered by the month of leaving above it.
    assert not form.select("[name=leaving_month]")
    response = post_form(client, "/hr/responses/new/exit/interview",
                         {"period_month": date.today().strftime("%Y-%m"), "action": "continue", "step": "0"})
    assert response.status_code == 400
    assert "Select your answer to ‘What was your role when you left?’" in error_summary(response)
    assert db.session.execute(db.select(Response)).first() is None
    response = post_form(client, "/hr/responses/new/exit/interview", {
        "period_month": date.today().strftime("%Y-%m"), "role": "asye", "length_of_service": "under_1",
        "action": "save", "step": "0"})
    assert db.session.execute(db.select(Response.channel)).scalar_one() == "interview"


def _next_page(client, response, data: dict, action: str = "continue"):
    """Press a button on an entry page as a browser would: the form's hidden fields, the
    fields filled in, and the button's own name and value."""
    form = page_of(response).select_one("main form")
    payload: dict[str, list[str]] = {}
    for field in form.select("input[name], select[name], textarea[name]"):
        kind = field.get("type", "")
        if field.name == "select":
            chosen = field.select_one("option[selected]")
            value = chosen["value"] if chosen else None
        elif field.name == "textarea":
            value = field.get_text()
        elif kind in ("radio", "checkbox"):
            value = field["value"] if field.has_attr("checked") else None
        elif kind == "submit" or field.name == "button":
            value = None
        else:
            value = field.get("value", "")
        if value is not None:
            payload.setdefault(field["name"], []).append(value)
    for name, value in data.items():
        payload[name] = value if isinstance(value, list) else [value]
    payload["action"] = [action]
    return client.post(response.request.path, data=payload)


def test_paper_entry_goes_a_page_at_a_time_and_stores_only_at_the_end(client):
    signed_in(client, "hr")
    leaving = add_months(date.today(), -3)
    first = client.get("/hr/responses/new/exit/paper")
    assert "page 1 of" in page_of(first).select_one(".govuk-caption-l").get_text()
    # A page's own errors, and only its own, are shown before moving on.
    refused = _next_page(client, first, {"period_month": leaving.strftime("%Y-%m")})
    assert refused.status_code == 400
    assert error_summary(refused) == ["Select your answer to ‘What was your role when you left?’"]
    page = _next_page(client, refused, {"role": "social_worker", "employment_type": "agency"})
    assert page.status_code == 200 and "page 2 of" in page.get_data(as_text=True)
    pages = 2
    answers = {"your-time-here": {"length_of_service": "2_to_5"},
               "why-leaving": {"main_reasons": ["caseload", "supervision"],
                               "reasons_text": "Thirty children.\nNo supervision for months."}}
    while "Check the answers" not in page_of(page).select_one("h1").get_text():
        names = {el["name"] for el in page_of(page).select("main form [name]") if el.get("type") != "hidden"}
        data = next((d for d in answers.values() if set(d) <= names), {})
        page = _next_page(client, page, data)
        assert page.status_code == 200
        pages += 1
        assert db.session.execute(db.select(Response)).first() is None  # nothing stored on the way
    summary = page_of(page).get_text(" ", strip=True)
    assert "Agency" in summary and "Thirty children." in summary
    # Change a page from the check page, and come straight back to it.
    again = _next_page(client, page, {}, action="change-0")
    assert page_of(again).select_one("[name=role][value=social_worker]").has_attr("checked")
    back = _next_page(client, again, {"role": "senior_practitioner"})
    assert "Check the answers" in page_of(back).select_one("h1").get_text()
    saved = _next_page(client, back, {}, action="save")
    assert saved.status_code == 302
    stored = db.session.execute(db.select(Response)).scalar_one()
    assert stored.answers["role"] == "senior_practitioner" and stored.answers["employment_type"] == "agency"
    assert stored.answers["main_reasons"] == ["caseload", "supervision"] and stored.period == leaving.replace(day=1)
    comment = db.session.execute(db.select(Comment).filter_by(question_key="reasons_text")).scalar_one()
    assert comment.text == "Thirty children.\nNo supervision for months."  # line breaks survive the pages
    assert pages > 4


def _entry_ready_to_save(client):
    """An exit questionnaire's paper entry, filled in and on its check page."""
    page = client.get("/hr/responses/new/exit/paper")
    page = _next_page(client, page, {"period_month": add_months(date.today(), -2).strftime("%Y-%m"),
                                     "role": "social_worker"})
    while "Check the answers" not in page_of(page).select_one("h1").get_text():
        names = {el["name"] for el in page_of(page).select("main form [name]") if el.get("type") != "hidden"}
        page = _next_page(client, page, {"length_of_service": "2_to_5"} if "length_of_service" in names else {})
    return page


def test_saving_one_entry_twice_stores_it_once_and_shows_the_stored_response(client):
    # Without JavaScript nothing stops a second click of "Save response", and the back button
    # brings the saved entry's check page back: the same entry, sent again, is the same response.
    signed_in(client, "hr")
    ready = _entry_ready_to_save(client)
    first = _next_page(client, ready, {}, action="save")
    again = _next_page(client, ready, {}, action="save")
    stored = db.session.execute(db.select(Response)).scalar_one()
    assert first.headers["Location"] == again.headers["Location"] == f"/hr/responses/{stored.id}"
    shown = client.get(again.headers["Location"])
    assert "This entry had already been saved" in page_of(shown).get_text(" ", strip=True)
    assert db.session.execute(db.select(db.func.count()).select_from(AuditEvent)
                              .filter_by(action="entered")).scalar_one() == 1
    # A new entry with the same answers (another leaver's form, answered alike) is a new response.
    assert _next_page(client, _entry_ready_to_save(client), {}, action="save").status_code == 302
    assert db.session.execute(db.select(db.func.count()).select_from(Response)).scalar_one() == 2


def test_two_saves_of_one_entry_at_once_store_it_once(client, app):
    # The second save reads nothing stored yet and inserts while the first is committing: the
    # database's unique digest refuses it, and it shows the response the first one stored.
    signed_in(client, "hr")
    ready = _entry_ready_to_save(client)
    with first_change_waits_for(lambda: _next_page(client, ready, {}, action="save")) as first:
        second = _next_page(client, ready, {}, action="save")
    stored = db.session.execute(db.select(Response)).scalar_one()
    assert first[0].headers["Location"] == second.headers["Location"] == f"/hr/responses/{stored.id}"


def test_the_queue_tells_hr_when_free_text_is_next_purged(client):
    signed_in(client, "hr")
    text = " ".join(texts(client.get("/hr/"), ".govuk-inset-text"))
    next_purge = add_months(date.today(), 1)
    assert f"The next purge is due on {next_purge:%-d %B %Y}" in text
    assert "kept for 36 months" in text


def test_paper_and_interview_entry_start_at_the_top_of_the_responses_page(client, app):
    from .support import add_exit_response, page_of, signed_in

    for _ in range(3):
        add_exit_response()
    signed_in(client, "hr")
    page = page_of(client.get("/hr/"))
    buttons = {a.get_text(" ", strip=True): a["href"] for a in page.select("#enter a.govuk-button")}
    assert buttons["Enter a paper questionnaire: Exit questionnaire"] == "/hr/responses/new/exit/paper"
    assert buttons["Enter exit interview notes"] == "/hr/responses/new/exit/interview"
    html = str(page)
    assert html.index('id="enter"') < html.index("<table")


def test_hr_responses_is_the_queue_and_is_refused_to_everyone_else(app, client):
    anonymous = client.get("/hr/responses")
    assert anonymous.status_code == 302 and "/sign-in" in anonymous.headers["Location"]
    reader = app.test_client()
    signed_in(reader, "standards")
    assert reader.get("/hr/responses?role=social_worker").status_code == 403
    signed_in(client, "hr")
    moved = client.get("/hr/responses?role=social_worker&reviewed=no")
    assert moved.status_code == 302
    assert moved.headers["Location"] == "/hr/?role=social_worker&reviewed=no"
    assert client.get(moved.headers["Location"]).status_code == 200
