"""HR's own view, attacked by an HR reader: no combination of identifying details shown on the
queue is held by fewer than k responses, and a response page shows no more than its queue row."""

from __future__ import annotations

from collections import Counter
from datetime import date

from survey_app.demo import seed_demo
from survey_app.hr.coarsen import Person, plan

from .support import page_of, signed_in, texts


def test_no_combination_shown_on_the_queue_is_held_by_fewer_than_k_responses(app, client):
    seed_demo(320, seed=3, today=date(2026, 6, 15))
    app.config["PAGE_SIZE"] = 1000
    signed_in(client, "hr")
    page = client.get("/hr/")
    rows = [_row(tr) for tr in page_of(page).select("tbody tr")]
    assert len(rows) >= 320
    # When, questionnaire, how the answers were given, role, service area, length of service:
    # what a reader of the queue sees.
    assert {r[2] for r in rows} & {"Paper form", "Exit interview notes", "Not shown"}  # not all online
    seen = Counter((r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows)
    assert min(seen.values()) >= 5, [c for c, n in seen.items() if n < 5][:5]
    # Something is still shown: a quarter (or run of quarters) for every response, and details
    # where groups are large enough.
    assert all(" Q" in when for when, *_ in seen)
    # A response page shows no more than its queue row: its leaving month only if the row did.
    link = page_of(page).select_one("tbody tr a")["href"]
    detail = client.get(link)
    assert texts(detail, "h1") == [f"Response for {rows[0][0]}"]


def _row(tr) -> list[str]:
    """A queue row's cells as seen on screen (the link's visually hidden words left out)."""
    for hidden in tr.select(".govuk-visually-hidden"):
        hidden.decompose()
    return [td.get_text(" ", strip=True) for td in tr.select("td")]


def test_runs_of_quarters_reach_k_and_a_detail_is_shown_only_when_k_share_it():
    k = 5

    def person(i, month, **details):
        return Person(str(i), "exit", date(2025, month, 1), {d: details.get(d) for d in (
            "role", "service_area", "length_of_service", "post_qualifying_experience", "employment_type")})

    people = ([person(i, 4, role="social_worker") for i in range(6)]  # Q1: 6 alike
              + [person(10 + i, 7, role="social_worker") for i in range(2)]  # Q2: 2
              + [person(20 + i, 10, role="team_manager") for i in range(3)])  # Q3: 3
    shown = plan(people, k)
    assert shown["0"].when == "April 2025" and shown["0"].details["role"] == "social_worker"
    # Q2 and Q3 alone are under k: they form one run, shown as such, where roles are 2 and 3.
    assert shown["10"].when == shown["20"].when == "2025/26 Q2 to 2025/26 Q3"
    assert "role" in shown["10"].hidden and "role" not in shown["10"].details
    assert shown["20"].quarters == ("2025/26 Q2", "2025/26 Q3")
    # Fewer than k responses to a questionnaire in all: nothing is shown.
    few = plan([person(i, 4, role="social_worker") for i in range(4)], k)
    assert {s.when for s in few.values()} == {""}
    assert "Fewer than 5 responses" in few["0"].note(k)


def test_a_version_published_mid_run_never_narrows_when_someone_answered_below_k(app, client):
    # An HR reader who knows when version 2 of the exit questionnaire was published (in July)
    # reads the queue, the response pages and the export: every (when, version) they see is held
    # by k or more responses, and a version with fewer than k in all shows no version.
    import csv
    import io

    from survey_app.extensions import db
    from survey_app.models import Instrument
    from survey_app.questionnaires import current_instrument

    from .support import add_exit_response, post_form

    app.config["DISCLOSURE_THRESHOLD"] = 3
    v1 = [add_exit_response(date(2025, 4, 1)) for _ in range(3)] + [add_exit_response(date(2025, 7, 1))]
    old = current_instrument("exit")
    old.is_current = False
    db.session.add(Instrument(organisation_id=old.organisation_id, slug="exit", version=old.version + 1,
                              kind=old.kind, title=old.title, definition=old.definition,
                              requires_code=old.requires_code, is_current=True))
    db.session.commit()
    v2 = [add_exit_response(date(2025, 8, 1)) for _ in range(2)]
    assert {r.instrument_version for r in v2} == {old.version + 1}

    signed_in(client, "hr")
    export = post_form(client, "/hr/export", {"dataset": "responses", "instrument": "exit", "quarter": "",
                                              "file_format": "csv"})
    rows = list(csv.DictReader(io.StringIO(export.get_data().decode("utf-8-sig"))))
    seen = Counter((r["instrument_version"], r["period"]) for r in rows if r["response_id"] in {x.id for x in v1 + v2})
    assert sum(seen.values()) == 6
    for (version, when), n in seen.items():
        assert version == "Not shown" or n >= 3, seen
    for r in v2:
        caption = texts(client.get(f"/hr/responses/{r.id}"), ".govuk-caption-l")[0]
        assert "version" not in caption
    caption = texts(client.get(f"/hr/responses/{v1[-1].id}"), ".govuk-caption-l")[0]
    assert f"(version {old.version})" in caption


def test_the_questions_on_a_response_page_never_tell_a_hidden_version(app, client):
    # Version 2 of the exit questionnaire asks a new question and drops another. Where a version
    # has fewer than k responses its number is hidden; a reader who knows what each version asked
    # must not be able to tell it from the questions the page lists either.
    import copy

    from survey_app.extensions import db
    from survey_app.models import Instrument
    from survey_app.questionnaires import current_instrument

    from .support import add_exit_response

    app.config["DISCLOSURE_THRESHOLD"] = 3
    v1 = [add_exit_response(date(2025, 4, 1)) for _ in range(2)]
    old = current_instrument("exit")
    changed = copy.deepcopy(old.definition)
    page = next(p for p in changed["pages"] if p["id"] == "ratings-conditions")
    page["questions"].append({"key": "rating_travel", "type": "likert",
                              "text": "How manageable was the travel your work asked of you?"})
    for p in changed["pages"]:
        p["questions"] = [q for q in p["questions"] if q["key"] != "improve"]
    old.is_current = False
    db.session.add(Instrument(organisation_id=old.organisation_id, slug="exit", version=old.version + 1,
                              kind=old.kind, title=old.title, definition=changed,
                              requires_code=old.requires_code, is_current=True))
    db.session.commit()
    v2 = [add_exit_response(date(2025, 5, 1), rating_travel="4") for _ in range(2)]

    signed_in(client, "hr")
    listed = {r.id: texts(client.get(f"/hr/responses/{r.id}"), ".govuk-summary-list__key") for r in v1 + v2}
    assert len({tuple(questions) for questions in listed.values()}) == 1, listed
    questions = listed[v1[0].id]
    assert "How manageable was the travel your work asked of you?" in questions  # asked by version 2 only
    assert any("improve" in q.lower() for q in questions)  # asked by version 1 only
    # The version a response answered is still read right where it is not asked.
    page = page_of(client.get(f"/hr/responses/{v2[0].id}"))
    rows = {r.select_one(".govuk-summary-list__key").get_text(" ", strip=True):
            r.select_one(".govuk-summary-list__value").get_text(" ", strip=True)
            for r in page.select(".govuk-summary-list__row")}
    assert rows["How manageable was the travel your work asked of you?"] == "Good"
