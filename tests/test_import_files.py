"""Spreadsheets arrive in many encodings and with the damage spreadsheets do; each is read or explained."""

from __future__ import annotations

from .import_support import HEADER, MAPPING, ROWS, run_import, stored_responses, write_csv, write_mapping

ACCENTED = [["1", "01/2024", "Social Worker", "1-2", "", "", "", "Café culture and naïve managers – sadly."]]


def test_utf8_with_and_without_a_byte_order_mark_is_read(runner, tmp_path):
    mapping = write_mapping(tmp_path / "map.yaml")
    plain = run_import(runner, write_csv(tmp_path / "plain.csv", ACCENTED), mapping)
    assert plain.exit_code == 0, plain.output
    assert "Read plain.csv as utf-8." in plain.output
    # With a BOM the first header ("Staff ID") must still be recognised.
    rows = [["2", "02/2024", "Social Worker", "1-2", "", "", "", "Café."]]
    with_bom = run_import(runner, write_csv(tmp_path / "bom.csv", rows, bom=True), mapping)
    assert with_bom.exit_code == 0, with_bom.output
    texts = sorted(c.text for r in stored_responses() for c in r.comments)
    assert texts == ["Café culture and naïve managers – sadly.", "Café."]


def test_windows_1252_is_detected(runner, tmp_path):
    source = write_csv(tmp_path / "excel.csv", ACCENTED, encoding="cp1252")
    result = run_import(runner, source, write_mapping(tmp_path / "map.yaml"))
    assert result.exit_code == 0, result.output
    assert "Read excel.csv as cp1252." in result.output
    assert stored_responses()[0].comments[0].text == "Café culture and naïve managers – sadly."


def test_latin_1_is_detected_or_given(runner, tmp_path):
    rows = [["1", "01/2024", "Social Worker", "1-2", "", "", "", "Café, naïve, £30k."]]
    source = write_csv(tmp_path / "latin.csv", rows, encoding="latin-1")
    mapping = write_mapping(tmp_path / "map.yaml")
    detected = run_import(runner, source, mapping, "--dry-run")
    assert detected.exit_code == 0, detected.output
    given = run_import(runner, source, mapping, "--encoding", "latin-1")
    assert given.exit_code == 0, given.output
    assert "Read latin.csv as latin-1." in given.output
    assert stored_responses()[0].comments[0].text == "Café, naïve, £30k."


def test_a_file_that_only_decodes_with_replacement_characters_is_refused_naming_the_row(runner, tmp_path):
    source = write_csv(tmp_path / "broken.csv", ROWS)
    data = source.read_bytes().replace(b"Moving closer", b"Moving \x81closer")  # 0x81: no character anywhere
    source.write_bytes(data)
    result = run_import(runner, source, write_mapping(tmp_path / "map.yaml"))
    assert result.exit_code == 1
    assert "broken.csv cannot be read: row 4: byte 0x81 cannot be read as utf-8 or cp1252" in result.output
    assert stored_responses() == []


def test_a_wrong_encoding_given_is_refused_naming_the_row(runner, tmp_path):
    source = write_csv(tmp_path / "excel.csv", ROWS[:2] + ACCENTED, encoding="cp1252")
    result = run_import(runner, source, write_mapping(tmp_path / "map.yaml"), "--encoding", "utf-8")
    assert result.exit_code == 1
    assert "row 4: byte 0xE9 cannot be read as utf-8" in result.output


def test_a_file_already_holding_replacement_characters_is_refused(runner, tmp_path):
    rows = [["1", "01/2024", "Social Worker", "1-2", "", "", "", "Caf\ufffd culture"]]
    result = run_import(runner, write_csv(tmp_path / "mangled.csv", rows), write_mapping(tmp_path / "map.yaml"))
    assert result.exit_code == 1
    assert "row 2 already holds a replacement character" in result.output


def test_headers_match_despite_non_breaking_and_doubled_spaces(runner, tmp_path):
    header = ["Staff\u00a0ID", " Leaving  date ", "Job\u00a0title", "Service band\u00a0", "CASELOAD", "Pay", "Family",
              "Why I\tleft"]
    result = run_import(runner, write_csv(tmp_path / "l.csv", ROWS, header), write_mapping(tmp_path / "map.yaml"))
    assert result.exit_code == 0, result.output
    assert len(stored_responses()) == 3


def test_a_missing_column_is_named_with_its_mapping_line(runner, tmp_path):
    header = [h if h != "Leaving date" else "Leaving month" for h in HEADER]
    result = run_import(runner, write_csv(tmp_path / "l.csv", ROWS, header), write_mapping(tmp_path / "map.yaml"))
    assert result.exit_code == 1
    assert "columns named in the mapping are not in the header on row 1: 'leaving date' (mapping line 4)" in (
        result.output)


def test_a_shifted_header_row_is_explained(runner, tmp_path):
    source = write_csv(tmp_path / "l.csv", ROWS)
    source.write_bytes(b"Leavers 2023-24,,,\r\n\r\n" + source.read_bytes())
    mapping = write_mapping(tmp_path / "map.yaml")
    result = run_import(runner, source, mapping)
    assert result.exit_code == 1
    assert "the header is on row 3, not row 1" in result.output
    assert "header_row: 3" in result.output
    fixed = run_import(runner, source, write_mapping(tmp_path / "fixed.yaml", "header_row: 3\n" + MAPPING))
    assert fixed.exit_code == 0, fixed.output
    assert "3 rows read: 3 new" in fixed.output


def test_a_row_shifted_by_an_inserted_cell_is_refused(runner, tmp_path):
    rows = [["1", "", "01/2024", "Social Worker", "1-2", "", "", "", "Text"]]
    result = run_import(runner, write_csv(tmp_path / "l.csv", rows), write_mapping(tmp_path / "map.yaml"))
    assert result.exit_code == 1
    assert "row 2, value 'Text': the row has 9 cells where the header has 8: a cell was inserted" in result.output


def test_bands_a_spreadsheet_turned_into_dates_are_refused_with_the_likely_band(runner, tmp_path):
    rows = [
        ["1", "01/2024", "Social Worker", "01-Feb", "", "", "", ""],
        ["2", "01/2024", "Social Worker", "Nov-20", "", "", "", ""],
        ["3", "01/2024", "Social Worker", "2-5", "", "", "", ""],
    ]
    result = run_import(runner, write_csv(tmp_path / "l.csv", rows), write_mapping(tmp_path / "map.yaml"))
    assert result.exit_code == 1
    assert "row 2, column 'Service band', value '01-Feb': looks like the band 1-2 turned into a date" in result.output
    assert "row 3, column 'Service band', value 'Nov-20': looks like the band 11-20 turned into a date" in (
        result.output)
    assert "row 4" not in result.output
    assert stored_responses() == []


def test_long_ids_cut_to_scientific_notation_are_refused_naming_the_rows_that_share_them(runner, tmp_path):
    rows = [["1.23457E+11", *row[1:]] for row in ROWS[:2]] + [["123456789012", *ROWS[2][1:]]]
    result = run_import(runner, write_csv(tmp_path / "l.csv", rows), write_mapping(tmp_path / "map.yaml"))
    assert result.exit_code == 1
    assert ("row 2, column 'Staff ID', value '1.23457E+11': an id shown in scientific notation: the spreadsheet "
            "kept only its first digits, and rows 2, 3 now share it") in result.output
    assert "row 4" not in result.output


def test_an_id_on_two_rows_is_refused(runner, tmp_path):
    rows = [ROWS[0], ["1001", *ROWS[1][1:]]]
    result = run_import(runner, write_csv(tmp_path / "l.csv", rows), write_mapping(tmp_path / "map.yaml"))
    assert result.exit_code == 1
    assert "the same id is on rows 2, 3" in result.output
