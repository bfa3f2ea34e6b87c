"""HR brings years of exit records in from a spreadsheet, and they count like any response."""

from __future__ import annotations

from datetime import date

from openpyxl import Workbook

from .import_support import HEADER, MAPPING, ROWS, run_import, stored_responses, write_csv, write_mapping


def test_an_import_stores_each_leaver_as_an_imported_response(runner, tmp_path):
    source = write_csv(tmp_path / "leavers.csv", ROWS)
    result = run_import(runner, source, write_mapping(tmp_path / "map.yaml"))

    assert result.exit_code == 0, result.output
    assert "3 rows read: 3 new, 0 already present, 0 skipped, 0 rejected." in result.output
    stored = {r.role + ":" + r.length_of_service: r for r in stored_responses()}
    assert set(stored) == {"social_worker:1_to_2", "team_manager:10_plus", "social_worker:under_1"}
    first = stored["social_worker:1_to_2"]
    assert first.channel == "imported"
    assert first.period == date(2024, 3, 1) and first.period_estimated is False
    assert first.answers["main_reasons"] == ["caseload"]
    assert [(c.purpose, c.text) for c in first.comments] == [("reasons", "Too many cases to do the work well.")]
    assert stored["team_manager:10_plus"].period == date(2024, 2, 1)
    assert all(len(r.source_fingerprint) == 64 for r in stored.values())


def test_no_source_id_is_stored(runner, tmp_path):
    source = write_csv(tmp_path / "leavers.csv", ROWS)
    run_import(runner, source, write_mapping(tmp_path / "map.yaml"))
    for response in stored_responses():
        assert "1001" not in repr(response.answers) and "1001" not in response.source_fingerprint


def test_a_year_on_its_own_is_placed_in_the_mapped_month_and_flagged_as_estimated(runner, tmp_path):
    source = write_csv(tmp_path / "leavers.csv", ROWS)
    run_import(runner, source, write_mapping(tmp_path / "map.yaml"))
    (estimated,) = [r for r in stored_responses() if r.period_estimated]
    assert estimated.period == date(2023, 10, 1)


def test_checkbox_cells_have_three_states(runner, tmp_path):
    rows = [
        ["1", "01/2024", "Social Worker", "1-2", "TRUE", "-", "FALSE", ""],  # one chosen, two shown
        ["2", "01/2024", "Social Worker", "2-5", "", "", "", ""],  # question not answered
        ["3", "01/2024", "Social Worker", "5-10", "Caseload", "Pay", "", ""],  # cells hold the option's name
        ["4", "01/2024", "Social Worker", "10+", "yes", "FALSE", "Personal or family reasons", ""],
    ]
    source = write_csv(tmp_path / "leavers.csv", rows)
    result = run_import(runner, source, write_mapping(tmp_path / "map.yaml"))
    assert result.exit_code == 0, result.output
    reasons = {r.length_of_service: r.answers.get("main_reasons") for r in stored_responses()}
    assert reasons == {"1_to_2": ["caseload"], "2_to_5": None, "5_to_10": ["caseload", "pay"],
                       "10_plus": ["caseload", "personal"]}


def test_a_checkbox_cell_that_means_nothing_is_refused(runner, tmp_path):
    rows = [["1", "01/2024", "Social Worker", "1-2", "maybe", "", "", ""]]
    result = run_import(runner, write_csv(tmp_path / "l.csv", rows), write_mapping(tmp_path / "map.yaml"))
    assert result.exit_code == 1
    assert "row 2, column 'Caseload', value 'maybe': not a checkbox value" in result.output
    assert stored_responses() == []


def test_importing_the_same_file_again_adds_nothing(runner, tmp_path):
    source = write_csv(tmp_path / "leavers.csv", ROWS)
    mapping = write_mapping(tmp_path / "map.yaml")
    run_import(runner, source, mapping)
    again = run_import(runner, source, mapping)
    assert again.exit_code == 0, again.output
    assert "3 rows read: 0 new, 3 already present, 0 skipped, 0 rejected." in again.output
    assert len(stored_responses()) == 3


def test_a_file_with_some_rows_already_imported_adds_only_the_new_ones(runner, tmp_path):
    mapping = write_mapping(tmp_path / "map.yaml")
    run_import(runner, write_csv(tmp_path / "first.csv", ROWS[:2]), mapping)
    result = run_import(runner, write_csv(tmp_path / "all.csv", ROWS), mapping)
    assert "3 rows read: 1 new, 2 already present" in result.output
    assert len(stored_responses()) == 3


def test_identical_rows_are_separate_leavers_and_still_import_once(runner, tmp_path):
    same = ["", "01/2024", "Social Worker", "1-2", "TRUE", "FALSE", "FALSE", ""]
    source = write_csv(tmp_path / "leavers.csv", [same, same, same])
    mapping = write_mapping(tmp_path / "map.yaml")
    assert "3 new" in run_import(runner, source, mapping).output
    assert "0 new, 3 already present" in run_import(runner, source, mapping).output
    assert len({r.source_fingerprint for r in stored_responses()}) == 3


def test_a_dry_run_reports_but_writes_nothing(runner, tmp_path):
    source = write_csv(tmp_path / "leavers.csv", ROWS)
    result = run_import(runner, source, write_mapping(tmp_path / "map.yaml"), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "3 new (dry run: nothing written)" in result.output
    assert stored_responses() == []


def test_one_bad_row_means_nothing_is_written(runner, tmp_path):
    rows = [*ROWS, ["1004", "31/13/2024", "Social Worker", "1-2", "", "", "", ""]]
    result = run_import(runner, write_csv(tmp_path / "leavers.csv", rows), write_mapping(tmp_path / "map.yaml"))
    assert result.exit_code == 1
    assert "row 5, column 'Leaving date', value '31/13/2024': not a date" in result.output
    assert "1 problems in 1 rows; nothing was written" in result.output
    assert "Traceback" not in result.output
    assert stored_responses() == []


def test_every_problem_is_reported_with_row_column_and_value(runner, tmp_path):
    rows = [
        ["1", "01/2024", "Chief Executive", "1-2", "", "", "", ""],
        ["2", "01/2024", "Social Worker", "forever", "", "", "", ""],
        ["3", "", "Social Worker", "1-2", "", "", "", ""],
    ]
    result = run_import(runner, write_csv(tmp_path / "l.csv", rows), write_mapping(tmp_path / "map.yaml"))
    assert result.exit_code == 1
    assert "row 2, column 'Job title', value 'Chief Executive': not in the value map for role" in result.output
    assert "row 3, column 'Service band', value 'forever': not in the value map for length_of_service" in (
        result.output)
    assert "row 4, column 'Leaving date', value '': no month of leaving" in result.output


def test_skip_invalid_writes_the_valid_rows_and_sets_the_rest_aside_with_reasons(runner, tmp_path):
    rows = [*ROWS, ["1004", "01/2024", "Chief Executive", "1-2", "", "", "", "Left."]]
    rejects = tmp_path / "rejects.csv"
    result = run_import(runner, write_csv(tmp_path / "l.csv", rows), write_mapping(tmp_path / "map.yaml"),
                        "--skip-invalid", "--rejects", str(rejects))
    assert result.exit_code == 0, result.output
    assert "4 rows read: 3 new, 0 already present, 0 skipped, 1 rejected." in result.output
    assert len(stored_responses()) == 3
    lines = rejects.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "source_row,reasons," + ",".join(HEADER)
    assert lines[1].startswith("5,\"column 'Job title', value 'Chief Executive': not in the value map for role\"")
    assert lines[1].endswith("1004,01/2024,Chief Executive,1-2,,,,Left.")


def test_skip_invalid_needs_a_rejects_file(runner, tmp_path):
    result = run_import(runner, write_csv(tmp_path / "l.csv", ROWS), write_mapping(tmp_path / "map.yaml"),
                        "--skip-invalid")
    assert result.exit_code == 2
    assert "--skip-invalid needs --rejects" in result.output


def test_an_unmapped_value_can_mean_not_stated_or_a_fallback_answer(runner, tmp_path):
    mapping = MAPPING.replace("      Team Manager: team_manager\n",
                              "      Team Manager: team_manager\n    otherwise: other\n")
    mapping = mapping.replace('      "10+": 10_plus\n', '      "10+": 10_plus\n    unmapped: not_stated\n')
    rows = [["1", "01/2024", "Chief Executive", "a long time", "", "", "", ""]]
    result = run_import(runner, write_csv(tmp_path / "l.csv", rows), write_mapping(tmp_path / "m.yaml", mapping))
    assert result.exit_code == 0, result.output
    (stored,) = stored_responses()
    assert stored.role == "other" and stored.length_of_service is None


def test_rows_can_be_kept_or_skipped_by_a_column(runner, tmp_path):
    mapping = MAPPING.replace("id_column: Staff ID\n", """\
id_column: Staff ID
keep_rows:
  - column: Job title
    starts_with: [social]
skip_rows:
  - column: Service band
    values: ["<1"]
""")
    result = run_import(runner, write_csv(tmp_path / "l.csv", ROWS), write_mapping(tmp_path / "m.yaml", mapping))
    assert result.exit_code == 0, result.output
    assert "3 rows read: 1 new, 0 already present, 2 skipped, 0 rejected." in result.output
    assert "skipped 1: not matched by keep_rows" in result.output
    assert [r.length_of_service for r in stored_responses()] == ["1_to_2"]


def test_service_length_can_come_from_start_and_end_years(runner, tmp_path):
    mapping = MAPPING.replace("""\
  - column: Service band
    question: length_of_service
    values:
      "<1": under_1
      "1-2": 1_to_2
      "2-5": 2_to_5
      "5-10": 5_to_10
      "10+": 10_plus
""", """\
  - question: length_of_service
    years_between: {start: Started, end: Leaving date}
""")
    header = [*HEADER, "Started"]
    rows = [["1", "03/2024", "Social Worker", "", "", "", "", "", "2024"],
            ["2", "03/2024", "Social Worker", "", "", "", "", "", "2021"],
            ["3", "2024", "Social Worker", "", "", "", "", "", "2009"],
            ["4", "03/2024", "Social Worker", "", "", "", "", "", "Not known"]]
    result = run_import(runner, write_csv(tmp_path / "l.csv", rows, header),
                        write_mapping(tmp_path / "m.yaml", mapping))
    assert result.exit_code == 1
    assert "row 5, column 'Started', value 'Not known': not a year" in result.output
    result = run_import(runner, write_csv(tmp_path / "l.csv", rows[:3], header),
                        write_mapping(tmp_path / "m.yaml", mapping))
    assert result.exit_code == 0, result.output
    assert sorted(r.length_of_service for r in stored_responses()) == ["10_plus", "2_to_5", "under_1"]


def test_a_workbook_sheet_imports_like_a_csv(runner, tmp_path):
    from datetime import datetime

    workbook = Workbook()
    workbook.active.title = "Notes"
    workbook.active.append(["Exported from the HR system"])
    sheet = workbook.create_sheet("Leavers")
    sheet.append(HEADER)
    sheet.append([1001, datetime(2024, 3, 14), "Social Worker", "1-2", True, False, "-", "Too many cases."])
    sheet.append([1002, "2023", "Team Manager", "10+", False, True, False, None])
    path = tmp_path / "leavers.xlsx"
    workbook.save(path)

    result = run_import(runner, path, write_mapping(tmp_path / "map.yaml"), "--sheet", "Leavers")
    assert result.exit_code == 0, result.output
    assert "2 rows read: 2 new" in result.output
    periods = sorted((r.period, r.period_estimated, r.answers.get("main_reasons")) for r in stored_responses())
    assert periods == [(date(2023, 10, 1), True, ["pay"]), (date(2024, 3, 1), False, ["caseload"])]

    missing = run_import(runner, path, write_mapping(tmp_path / "map.yaml"), "--sheet", "Starters")
    assert missing.exit_code == 1
    assert "there is no sheet 'Starters'; the workbook has: Notes, Leavers" in missing.output


def test_an_imported_record_is_shaped_like_one_sent_online(client, runner, tmp_path):
    from .support import complete_exit_questionnaire

    complete_exit_questionnaire(client)
    row = [["", "03/2024", "Social Worker", "1-2", "TRUE", "FALSE", "FALSE",
            "My caseload was over thirty children and supervision kept being cancelled."]]
    assert run_import(runner, write_csv(tmp_path / "l.csv", row), write_mapping(tmp_path / "m.yaml")).exit_code == 0
    by_channel = {r.channel: r for r in stored_responses()}
    online, imported = by_channel["online"], by_channel["imported"]
    for column in ("instrument_id", "instrument_slug", "instrument_version", "organisation_id", "role",
                   "length_of_service", "reviewed"):
        assert getattr(imported, column) == getattr(online, column), column
    assert imported.answers["main_reasons"] == ["caseload"]
    assert [(c.question_key, c.purpose, c.text) for c in imported.comments] == [
        (c.question_key, c.purpose, c.text) for c in online.comments if c.question_key == "reasons_text"]
    assert online.source_fingerprint is None and imported.source_fingerprint
