"""HR sees why each comment got its themes, corrects them, and decides on emerging themes."""

from __future__ import annotations

import sqlalchemy as sa

from survey_app.extensions import db
from survey_app.models import AuditEvent, Comment, EmergingTheme, ThemeAssignment
from survey_app.themes.service import run_themes

from .support import add_exit_response, page_of, signed_in, texts


def _response_with_comment(text: str):
    response = add_exit_response(reasons_text=text)
    run_themes(progress=False)
    return response


def test_the_response_page_shows_each_comments_themes_and_why(client, app):
    response = _response_with_comment("My caseload was far too high to manage.")
    signed_in(client, "hr")
    page = client.get(f"/hr/responses/{response.id}")
    tags = texts(page, "#themes ~ .govuk-summary-card .govuk-tag")
    assert "Caseload and workload" in " ".join(tags)
    assert "because of:" in page_of(page).select_one(".govuk-summary-card").get_text()


def test_hr_corrects_a_comments_themes_and_the_change_is_audited(client, app):
    response = _response_with_comment("My caseload was far too high to manage.")
    comment_id = db.session.execute(sa.select(Comment.id)).scalar_one()
    signed_in(client, "hr")
    page = page_of(client.get(f"/hr/responses/{response.id}"))
    token = page.find("input", attrs={"name": "csrf_token"})["value"]
    saved = client.post(f"/hr/comments/{comment_id}/themes", data={"csrf_token": token, "themes": ["wellbeing"]})
    assert saved.status_code == 302
    sources = dict(db.session.execute(sa.select(ThemeAssignment.theme_id, ThemeAssignment.source)
                                      .filter_by(comment_id=comment_id)).all())
    assert sources["wellbeing"] == "hr" and sources["caseload"] == "rejected"
    assert db.session.execute(sa.select(AuditEvent.action).filter_by(record_id=comment_id)).scalar() == "coded_themes"
    unknown = client.post(f"/hr/comments/{comment_id}/themes", data={"csrf_token": token, "themes": ["gossip"]})
    assert unknown.status_code == 400


def test_the_queue_filters_by_theme(client, app):
    caseload = _response_with_comment("My caseload was far too high to manage.")
    add_exit_response(main_reasons=["pay"])
    signed_in(client, "hr")
    page = client.get("/hr/?theme=caseload")
    links = [a["href"] for a in page_of(page).select("main table a")]
    assert links == [f"/hr/responses/{caseload.id}"]
    assert len(page_of(client.get("/hr/?theme=pay")).select("main table a")) == 1


def test_hr_dismisses_an_emerging_theme(client, app):
    db.session.add(EmergingTheme(organisation_id=1, theme_id="emerging:1", label="choir / singing",
                                 terms=["choir", "singing"], size=6))
    db.session.commit()
    signed_in(client, "hr")
    page = page_of(client.get("/hr/themes"))
    assert "choir / singing" in page.get_text()
    token = page.find("input", attrs={"name": "csrf_token"})["value"]
    client.post("/hr/themes/emerging:1/decide", data={"csrf_token": token, "action": "dismiss"})
    assert db.session.execute(sa.select(EmergingTheme.status)).scalar_one() == "dismissed"
    refused = client.post("/hr/themes/emerging:1/decide", data={"csrf_token": token, "action": "dismiss"})
    assert refused.status_code == 404


def test_promoting_without_a_name_explains_what_is_missing(client, app):
    db.session.add(EmergingTheme(organisation_id=1, theme_id="emerging:2", label="x", terms=["x"], size=5))
    db.session.commit()
    signed_in(client, "hr")
    token = page_of(client.get("/hr/themes")).find("input", attrs={"name": "csrf_token"})["value"]
    response = client.post("/hr/themes/emerging:2/decide", data={"csrf_token": token, "action": "promote",
                                                                 "new_id": "x_theme", "label": ""},
                           follow_redirects=True)
    assert "Enter a name for the new theme" in page_of(response).select_one(".govuk-error-summary").get_text()
    # A bad id keeps everything HR typed, and says what a good one looks like.
    bad = client.post("/hr/themes/emerging:2/decide", data={"csrf_token": token, "action": "promote",
                                                            "new_id": "Staff Parking!", "label": "Staff parking",
                                                            "seeds": "car park, parking permit"})
    assert bad.status_code == 400
    page = page_of(bad)
    assert page.select_one(".govuk-error-summary li").get_text(strip=True).startswith("Enter a theme id of lower case")
    assert page.find("input", attrs={"name": "label"})["value"] == "Staff parking"
    assert page.find("input", attrs={"name": "new_id"})["value"] == "Staff Parking!"
    assert page.find("input", attrs={"name": "seeds"})["value"] == "car park, parking permit"
    assert db.session.execute(sa.select(EmergingTheme.status)).scalar_one() == "open"


def test_merging_an_emerging_theme_asks_first_and_changes_nothing_until_confirmed(client, app):
    db.session.add(EmergingTheme(organisation_id=1, theme_id="emerging:3", label="choir / singing",
                                 terms=["choir"], size=6))
    db.session.commit()
    signed_in(client, "hr")
    token = page_of(client.get("/hr/themes")).find("input", attrs={"name": "csrf_token"})["value"]
    asked = client.post("/hr/themes/emerging:3/decide", data={"csrf_token": token, "action": "merge", "into": "team"})
    assert asked.status_code == 200
    assert page_of(asked).select_one("h1").get_text(strip=True) == "Merge “choir / singing” into Team and colleagues?"
    assert db.session.execute(sa.select(EmergingTheme.status)).scalar_one() == "open"
    hidden = {i["name"]: i["value"] for i in page_of(asked).select("main form input[type=hidden]")}
    assert hidden["action"] == "merge" and hidden["into"] == "team" and hidden["confirm"] == "yes"
    done = client.post("/hr/themes/emerging:3/decide", data=hidden)
    assert done.status_code == 302
    assert db.session.execute(sa.select(EmergingTheme.status)).scalar_one() == "merged"
