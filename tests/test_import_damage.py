"""Damaged and unusual files are refused or read, never half-read: shifted and cut-off rows,
UTF-16, several mapping mistakes at once, huge workbooks, and headcount files of every kind."""

from __future__ import annotations

import zipfile

from survey_app.imports.readers import MAX_ROWS

from .import_support import HEADER, MAPPING, ROWS, run_import, stored_responses, write_csv, write_mapping

SKIP_MANAGERS = MAPPING.replace("id_column: Staff ID\n", """\
id_column: Staff ID
skip_rows:
  - column: Service band
    values: ["10+"]
""")


def test_a_shifted_row_that_would_meet_a_skip_rule_is_refused_not_skipped(runner, tmp_path):
    # A cell inserted before "Service band" moves "10+" under it: the row would vanish as skipped.
    rows = [ROWS[0], ["1004", "", "02/2024", "Team Manager", "10+", "FALSE", "TRUE", "FALSE", "Too much travel"]]
    result = run_import(runner, write_csv(tmp_path / "l.csv", rows), write_mapping(tmp_path / "m.yaml", SKIP_MANAGERS))
    assert result.exit_code == 1
    assert "row 3" in result.output and "9 cells where the header has 8" in result.output
    assert stored_responses() == []


def test_a_file_cut_off_mid_row_is_refused_naming_the_row(runner, tmp_path):
    source = write_csv(tmp_path / "cut.csv", ROWS)
    data = source.read_bytes()
    source.write_bytes(data[: data.index(b"<1")])  # the last row ends mid-row, after "Social Worker,"
    result = run_import(runner, source, write_mapping(tmp_path / "m.yaml"))
    assert result.exit_code == 1
    assert "row 4" in result.output and "4 cells where the header has 8: the file may be cut off" in result.output
    assert stored_responses() == []


def test_utf16_files_are_read_with_and_without_a_byte_order_mark(runner, tmp_path):
    rows = [["1", "01/2024", "Social Worker", "1-2", "", "", "", "Café culture – sadly."]]
    mapping = write_mapping(tmp_path / "m.yaml")
    with_mark = run_import(runner, write_csv(tmp_path / "a.csv", rows, encoding="utf-16"), mapping)
    assert with_mark.exit_code == 0, with_mark.output[:500]
    assert "Read a.csv as utf-16." in with_mark.output
    rows[0][0], rows[0][7] = "2", "Café culture – still."
    without = run_import(runner, write_csv(tmp_path / "b.csv", rows, encoding="utf-16-le"), mapping)
    assert without.exit_code == 0, without.output[:500]
    assert sorted(c.text for r in stored_responses() for c in r.comments) == ["Café culture – sadly.",
                                                                                "Café culture – still."]


def test_every_mapping_mistake_is_reported_at_once(runner, tmp_path):
    broken = MAPPING.replace("question: role", "question: rôle").replace("question: length_of_service",
                                                                          "question: service_length")
    result = run_import(runner, write_csv(tmp_path / "l.csv", ROWS), write_mapping(tmp_path / "m.yaml", broken))
    assert result.exit_code == 1
    assert "rôle" in result.output and "service_length" in result.output


def test_a_garbled_header_gives_a_short_message(runner, tmp_path):
    header = [f"Column {'x' * 200} {n}" for n in range(300)]
    source = write_csv(tmp_path / "wide.csv", [["1"] * 300], header=header)
    result = run_import(runner, source, write_mapping(tmp_path / "m.yaml"))
    assert result.exit_code == 1
    assert "and 280 more" in result.output
    assert len(result.output) < 4000


def _bomb(path, rows: int):
    """An XLSX whose sheet XML is large but compresses to almost nothing."""
    row = '<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>x</t></is></c></row>'
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             'spreadsheetml/2006/main"><sheetData>' + "".join(row.format(n=n) for n in range(1, rows + 1))
             + "</sheetData></worksheet>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                         'package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="application/'
                         'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
                         'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                         'spreadsheetml.worksheet+xml"/></Types>')
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                         'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                         'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        archive.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
                         'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
                         'relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
        archive.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                         'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
                         'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
                         'Target="worksheets/sheet1.xml"/></Relationships>')
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def test_a_workbook_too_big_unpacked_is_refused_before_it_is_read(app, runner, tmp_path):
    app.config["IMPORT_MAX_UNCOMPRESSED_MB"] = 1
    source = _bomb(tmp_path / "bomb.xlsx", 30_000)  # about 2 MB of XML in a few KB
    assert source.stat().st_size < 300_000
    result = run_import(runner, source, write_mapping(tmp_path / "m.yaml"))
    assert result.exit_code == 1
    assert "unpacks to" in result.output and "more than the 1 MB allowed" in result.output


def test_a_workbook_with_too_many_rows_is_refused(app, runner, tmp_path):
    app.config["IMPORT_MAX_ROWS"] = 1000
    assert MAX_ROWS > 1000
    result = run_import(runner, _bomb(tmp_path / "long.xlsx", 1500), write_mapping(tmp_path / "m.yaml"))
    assert result.exit_code == 1
    assert "more than 1,000 rows" in result.output


def test_headcount_files_of_the_wrong_kind_or_damaged_get_named_errors(runner, tmp_path):
    good = "quarter,headcount,fte\n2025/26 Q1,100,95\n2025/26 Q2,102,96\n"
    cases = {
        "notes.pdf": (b"%PDF-1.4 not a table", "cannot read .pdf"),
        "latin.csv": ("quarter,headcount,fte,role\n2025/26 Q1,100,95,Travailleur soci\xe9\n".encode("latin-1"),
                      None),
        "cut.csv": (good.encode()[:-6], "row 3: 2 cells where the header has 3"),
        "fake.xlsx": (b"this is not a zip", "not a readable XLSX workbook"),
    }
    for name, (data, message) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        result = runner.invoke(args=["headcount", "import", str(path)])
        assert result.exception is None or isinstance(result.exception, SystemExit), (name, result.exception)
        assert "Traceback" not in result.output
        if message:
            assert result.exit_code == 1 and message in result.output, (name, result.output)
        else:  # read as Windows-1252, then refused for an unknown role with the row named
            assert "Travailleur social" not in result.output or result.exit_code in (0, 1)
    assert HEADER
