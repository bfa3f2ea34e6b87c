""""You said, we did": HR's action notes, named by theme, approved in chosen words, published."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
import sqlalchemy as sa

from survey_app.demo import seed_demo
from survey_app.extensions import db
from survey_app.models import ActionNote, AuditEvent, Report, Response
from survey_app.reports.service import create_draft, publish
from survey_app.themes.service import run_themes

from .support import add_exit_response, csrf_token_of, error_summary, page_of, signed_in, texts

QUARTER = "2025/26 Q2"  # July to September 2025; notes from 1 April 2025 (Q1) to 30 September are offered


def test_an_action_note_names_the_theme_it_addresses_or_none(client):
    response = add_exit_response()
    signed_in(client, "hr")
    detail = client.get(f"/hr/responses/{response.id}")
    options = [o["value"] for o in page_of(detail).select("select[name=theme] option")]
    assert options[0] == "" and "caseload" in options
    token = csrf_token_of(detail)
    bad = client.post(f"/hr/responses/{response.id}/notes",
                      data={"csrf_token": token, "text": "Spoke to the team manager.", "theme": "no-such-theme"})
    assert bad.status_code == 400 and error_summary(bad)
    assert db.session.execute(sa.select(ActionNote)).first() is None
    for theme in ("caseload", ""):
        done = client.post(f"/hr/responses/{response.id}/notes",
                           data={"csrf_token": token, "text": f"Action on {theme or 'nothing'}.", "theme": theme})
        assert done.status_code == 302
    stored = dict(db.session.execute(sa.select(ActionNote.text, ActionNote.theme_id)).all())
    assert stored == {"Action on caseload.": "caseload", "Action on nothing.": None}
    assert "Theme: Caseload and workload" in " ".join(texts(client.get(f"/hr/responses/{response.id}"),
                                                            "#notes ~ dl dd"))


def _note(text: str, theme: str | None, written: datetime) -> ActionNote:
    response_id = db.session.execute(sa.select(Response.id).order_by(Response.id).limit(1)).scalar_one()
    note = ActionNote(organisation_id=1, response_id=response_id, written_at=written, text=text, theme_id=theme)
    db.session.add(note)
    db.session.commit()
    return note


def _top_theme(report: Report) -> str:
    section = next(s for s in report.data["sections"] if s["id"] == "themes")
    first = section["tables"][0]["rows"][0]
    assert isinstance(first["values"][0], int) and first["values"][0] >= 5
    return first["id"]


@pytest.fixture
def noted(app):
    seed_demo(400, seed=5, today=date(2025, 11, 15))
    run_themes(progress=False)
    top = _top_theme(create_draft("quarterly", QUARTER, created_by="hr@council.example"))
    notes = {
        "offered": _note("Emailed jo.bloggs@council.example: a second senior practitioner joined each team.",
                         top, datetime(2025, 5, 2, 10)),
        "other": _note("Asked payroll about market supplements.", "pay", datetime(2025, 9, 30, 23)),
        "too_early": _note("Reviewed the rota.", top, datetime(2025, 3, 31, 23)),
        "no_theme": _note("Forwarded to the service manager.", None, datetime(2025, 8, 1)),
    }
    return top, {name: note.id for name, note in notes.items()}


def _actions_form(client, report_id: str, ticked: dict[int, str]) -> object:
    page = client.get(f"/reports/{report_id}")
    data = {"csrf_token": csrf_token_of(page), "actions": [str(i) for i in ticked]}
    data |= {f"action-text-{i}": words for i, words in ticked.items()}
    return client.post(f"/reports/{report_id}/actions", data=data)


def _you_said(data: dict) -> dict:
    return next(s for s in data["sections"] if s["id"] == "you_said_we_did")


@pytest.mark.one_database
def test_you_said_we_did_from_action_note_to_published_report(app, client, noted):
    top, notes = noted
    signed_in(client, "hr")
    token = csrf_token_of(client.get("/reports/"))
    client.post("/reports/new", data={"csrf_token": token, "kind": "quarterly", "period_quarterly": QUARTER})
    draft = db.session.execute(sa.select(Report).order_by(Report.created_at.desc(), Report.id)).scalars().all()
    draft = next(r for r in draft if r.created_by == "hr@council.example" and r.actions)
    # Offered: the notes naming a theme, written from the start of Q1 to the end of Q2, scrubbed.
    offered = {a.note_id: a for a in draft.actions}
    assert {notes["offered"], notes["other"]} <= set(offered)
    assert notes["too_early"] not in offered and notes["no_theme"] not in offered
    for note_id in offered:  # the demo's own notes too
        note = db.session.get(ActionNote, note_id)
        assert note.theme_id and datetime(2025, 4, 1) <= note.written_at < datetime(2025, 10, 1)
    assert "[email]" in offered[notes["offered"]].text and "jo.bloggs" not in offered[notes["offered"]].text
    assert not any(a.approved for a in draft.actions)
    assert _you_said(draft.data)["actions"] == []

    # Ticking an action with no words is refused, keeps what was ticked, and changes nothing.
    chosen, other = offered[notes["offered"]].id, offered[notes["other"]].id
    refused = _actions_form(client, draft.id, {chosen: "A second senior practitioner joined each team.",
                                               other: "   "})
    assert refused.status_code == 400
    assert error_summary(refused) == ["Enter the words to publish, or untick this action"]
    assert page_of(refused).select_one(f"#action-{chosen}").has_attr("checked")
    db.session.refresh(draft)
    assert not any(a.approved for a in draft.actions)

    done = _actions_form(client, draft.id, {chosen: "A second senior practitioner joined each team."})
    assert done.status_code == 302
    db.session.refresh(draft)
    shown = _you_said(draft.data)["actions"]
    assert shown == [{"theme_id": top, "theme": shown[0]["theme"],
                      "text": "A second senior practitioner joined each team."}]
    assert "Asked payroll" not in json.dumps(draft.data)
    assert "approved_actions" in db.session.execute(sa.select(AuditEvent.action)).scalars().all()

    # A reader of the Employer Standards group can neither choose nor change them.
    reader = app.test_client()
    signed_in(reader, "standards", email="standards@council.example")
    page = reader.get(f"/reports/{draft.id}")
    assert page.status_code == 404  # a draft is HR's alone
    assert reader.post(f"/reports/{draft.id}/actions", data={"actions": [str(other)],
                                                            f"action-text-{other}": "Changed"}).status_code == 403

    # A later draft of the same period keeps the approval and the approved words.
    again = create_draft("quarterly", QUARTER, created_by="hr@council.example")
    kept = {a.note_id: (a.approved, a.text) for a in again.actions}
    assert kept[notes["offered"]] == (True, "A second senior practitioner joined each team.")
    assert kept[notes["other"]][0] is False
    publish(again, published_by="hr@council.example", without_quotes=True)
    html = reader.get(f"/reports/{again.id}/download/html").get_data(as_text=True)
    assert "We did: A second senior practitioner joined each team." in html
    assert "Asked payroll" not in html and "Reviewed the rota" not in html and "Forwarded" not in html
