"""Questionnaires are data: shipped files validate, broken ones fail with where and why."""

from __future__ import annotations

import pytest
import yaml

from survey_app.instruments import (
    EQUALITY_CHARACTERISTICS,
    DefinitionError,
    load_definition,
    shipped_definitions,
)


def test_three_instruments_ship_and_validate():
    kinds = {d.slug: d.kind for d in shipped_definitions()}
    assert kinds == {"exit": "exit", "staff-survey": "staff_survey", "focus-group": "focus_group"}


def test_the_exit_questionnaire_covers_the_design():
    exit_q = next(d for d in shipped_definitions() if d.slug == "exit")
    roles = {q.role for q in exit_q.questions}
    for role in (
        "role",
        "employment_type",
        "service_area",
        "length_of_service",
        "post_qualifying_experience",
        "leaving_month",
        "leaving_reasons",
        "destination",
        "recommend",
        "consider_returning",
        "comment.reasons",
        "comment.would_have_stayed",
        "comment.worked_well",
        "comment.improve",
        "comment.inclusion",
    ):
        assert role in roles, role
    assert {r.split(".")[1] for r in roles if r and r.startswith("equality.")} == set(EQUALITY_CHARACTERISTICS)
    for area in (
        "caseload",
        "supervision",
        "training",
        "management_support",
        "senior_communication",
        "valued",
        "environment",
        "flexible_working",
        "pay",
    ):
        assert f"rating.{area}" in roles
    # Equality monitoring is optional, after check-your-answers, with "Prefer not to say" everywhere.
    [equality] = exit_q.after_check_pages
    for q in equality.questions:
        assert not q.required
        assert ("prefer_not_to_say", "Prefer not to say") in q.options


def _write(tmp_path, data) -> object:
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


BASE = {
    "slug": "x",
    "version": 1,
    "kind": "exit",
    "title": "X",
    "pages": [
        {
            "id": "p",
            "questions": [
                {
                    "key": "role",
                    "type": "single_choice",
                    "text": "Role?",
                    "options": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}],
                }
            ],
        }
    ],
}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"type": "slider"}, "broken.yaml: question 'role': type must be one of"),
        ({"options": [{"value": "a", "label": "A"}]}, "question 'role': a choice question needs at least two options"),
        (
            {"role": "leaving_reasons", "type": "multiple_choice"},
            "leaving_reasons options must be theme ids; unknown: a, b",
        ),
        ({"role": "rating.pay"}, "question 'role': a rating.<area> role needs a likert question"),
        ({"role": "equality.star_sign"}, "equality characteristic must be one of"),
        ({"text": ""}, "question 'role': the question has no text"),
        ({"key": "Bad Key"}, "must be lower_snake_case"),
    ],
)
def test_a_broken_definition_names_the_file_question_and_reason(tmp_path, change, expected):
    data = yaml.safe_load(yaml.safe_dump(BASE))
    data["pages"][0]["questions"][0].update(change)
    with pytest.raises(DefinitionError) as excinfo:
        load_definition(_write(tmp_path, data))
    assert expected in str(excinfo.value)


def test_invalid_yaml_is_reported_with_the_file_name(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("slug: [unclosed")
    with pytest.raises(DefinitionError, match="bad.yaml: not valid YAML"):
        load_definition(path)


def test_the_check_command_explains_a_broken_file(tmp_path, runner):
    data = yaml.safe_load(yaml.safe_dump(BASE))
    data["kind"] = "poll"
    result = runner.invoke(args=["instruments", "check", str(_write(tmp_path, data))])
    assert result.exit_code != 0
    assert "broken.yaml: kind must be one of exit, staff_survey, focus_group, not 'poll'" in result.output


def test_a_parsed_definition_is_reused_only_while_its_row_holds_the_same_questionnaire(app):
    # Parses are cached by row id and version; the same id can name another questionnaire in
    # another database (or after a restore), and must then get its own parse.
    import copy

    from survey_app.models import Instrument
    from survey_app.questionnaires import current_instrument, definition_of

    row = current_instrument("exit")
    first = definition_of(row)
    assert definition_of(row) is first
    other = copy.deepcopy(row.definition)
    other["title"] = "Another questionnaire under the same id"
    impostor = Instrument(id=row.id, slug=row.slug, version=row.version, definition=other)
    assert definition_of(impostor).title == "Another questionnaire under the same id"
    assert definition_of(row).title == first.title != "Another questionnaire under the same id"


def test_pages_and_sendings_find_the_parsed_questionnaire_without_reading_its_definition(app, client):
    # Every respondent page and every sending needs the parsed questionnaire; once a process has
    # parsed it, none of them reads the definition's JSON again (the row's digest names the parse).
    import re

    from sqlalchemy import event, func, select

    from survey_app.extensions import db
    from survey_app.models import Response

    from .support import complete_exit_questionnaire

    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001 - SQLAlchemy's hook
        statements.append(statement)

    assert client.get("/exit/your-job").status_code == 200  # the first page parses it
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        sent = complete_exit_questionnaire(client)  # every page, the check page, the sending
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert sent.status_code == 302 and sent.location.endswith("/exit/done")
    assert db.session.execute(select(func.count()).select_from(Response)).scalar_one() == 1
    assert sum("FROM instrument" in s for s in statements) >= 10  # each request looked the version up
    reads = [s for s in statements if re.search(r"instrument\.definition\b(?!_)", s)]
    assert reads == [], reads
