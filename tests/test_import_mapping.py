"""A council writes a mapping file; mistakes in it are named with the line and the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app.imports.mapping import MappingError, load_mapping
from survey_app.instruments import load_definition

from .import_support import MAPPING

EXIT = load_definition(Path(__file__).parent.parent / "survey_app/instruments/definitions/exit.yaml")


def problem_with(tmp_path, text: str) -> str:
    path = tmp_path / "map.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MappingError) as caught:
        load_mapping(path, EXIT)
    return str(caught.value)


def test_the_example_mapping_loads(tmp_path):
    (tmp_path / "map.yaml").write_text(MAPPING)
    mapping = load_mapping(tmp_path / "map.yaml", EXIT)
    assert [a.question.key for a in mapping.answers] == ["role", "length_of_service", "main_reasons", "reasons_text"]
    # Values are kept as written: TRUE stays text, not a YAML boolean.
    assert "true" in mapping.answers[2].chosen


def test_the_shipped_dete_example_loads():
    path = Path(__file__).parent.parent / "docs/examples/dete-mapping.yaml"
    mapping = load_mapping(path, EXIT)
    assert mapping.period.year_only_month == 7


def test_an_answer_that_is_not_offered_is_named_with_its_line(tmp_path):
    text = MAPPING.replace("Team Manager: team_manager", "Team Manager: manager")
    assert problem_with(tmp_path, text).startswith(
        "map.yaml, line 11: answer role: 'manager' is not an answer to role; answers: asye, social_worker")


def test_an_unknown_question_is_named(tmp_path):
    text = MAPPING.replace("question: role", "question: job")
    assert "line 8: answer: 'job' is not a question of exit" in problem_with(tmp_path, text)


def test_an_unknown_setting_is_named(tmp_path):
    text = MAPPING.replace("year_only_month: 10", "year_only_month: 10\n  guess: yes")
    assert "map.yaml, line 6: period: unknown setting 'guess'" in problem_with(tmp_path, text)


def test_a_theme_that_does_not_exist_is_named(tmp_path):
    text = MAPPING.replace("Pay: pay", "Pay: money")
    assert "line 25: answer main_reasons: 'money' is not an answer to main_reasons" in problem_with(tmp_path, text)


def test_a_question_filled_twice_is_refused(tmp_path):
    text = MAPPING + "  - column: Other title\n    question: role\n"
    assert "line 29: question role is already filled from the entry on line 7" in problem_with(tmp_path, text)


def test_a_period_is_required_and_formats_need_a_year(tmp_path):
    no_period = MAPPING.replace("period:\n  column: Leaving date\n  year_only_month: 10\n", "")
    assert "needs 'period'" in problem_with(tmp_path, no_period)
    bad_format = MAPPING.replace("year_only_month: 10", "formats: ['%d/%m']")
    assert "line 5: period: format '%d/%m' has no %Y" in problem_with(tmp_path, bad_format)


def test_a_mapping_for_another_questionnaire_is_refused(tmp_path):
    assert "line 1: this mapping is for the 'staff-survey' questionnaire, not 'exit'" in problem_with(
        tmp_path, MAPPING.replace("instrument: exit", "instrument: staff-survey"))


def test_broken_yaml_is_named_with_its_line(tmp_path):
    assert problem_with(tmp_path, "period:\n  column: [unclosed\n").startswith("map.yaml, line 3: not valid YAML")


def test_the_command_reports_a_broken_mapping_without_a_traceback(runner, tmp_path):
    from .import_support import ROWS, run_import, write_csv, write_mapping

    source = write_csv(tmp_path / "l.csv", ROWS)
    result = run_import(runner, source, write_mapping(tmp_path / "map.yaml", MAPPING.replace("Pay: pay", "Pay: x")))
    assert result.exit_code == 1
    assert "Error: The mapping cannot be used: map.yaml, line 25" in result.output
    assert "Traceback" not in result.output
