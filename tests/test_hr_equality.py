"""Equality answers are counted only in totals: never shown or exported for one person."""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa

from survey_app.extensions import db
from survey_app.models import Response

from .support import complete_exit_questionnaire, page_of, post_form, signed_in

EQUALITY = {"eq_age": "65_plus", "eq_sex": "female", "eq_sexual_orientation": "bisexual",
            "eq_ethnicity": "mixed", "eq_religion": "buddhist"}
SHOWN_AS = ["65 or over", "Bisexual", "Mixed or multiple ethnic groups", "Buddhist"]


def test_the_response_page_shows_no_equality_answer_and_says_why(app, client):
    complete_exit_questionnaire(app.test_client(), equality=EQUALITY)
    stored = db.session.execute(sa.select(Response)).scalar_one()
    assert stored.answers["eq_religion"] == "buddhist"  # kept for the totals ...
    signed_in(client)
    page = page_of(client.get(f"/hr/responses/{stored.id}")).get_text(" ", strip=True)
    assert "caseload" in page.lower()  # the free text is all there
    for label in SHOWN_AS:
        assert label not in page  # ... and shown for no one
    assert "never shown for one person" in page


def test_an_export_of_responses_holds_no_equality_column_or_value(app, client):
    complete_exit_questionnaire(app.test_client(), equality=EQUALITY)
    signed_in(client)
    response = post_form(client, "/hr/export", {"dataset": "responses", "instrument": "exit", "quarter": "",
                                                "file_format": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    header = rows[0]
    assert not [h for h in header if h.startswith("eq_") or "religion" in h.lower() or "sexual" in h.lower()]
    flat = " ".join(" ".join(r) for r in rows)
    for value in EQUALITY.values():
        assert value not in flat.split()
