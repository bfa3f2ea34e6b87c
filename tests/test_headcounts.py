"""HR loads headcounts so reports can give turnover rates; a bad file changes nothing."""

from __future__ import annotations

import sqlalchemy as sa

from analysis.loaders import load_frames
from survey_app.extensions import db
from survey_app.models import Headcount

GOOD = """quarter,role,service_area,length_of_service,headcount,fte,vacancies,agency_workers
2025/26 Q1,,,,210,198.5,24,31
2025/26 Q1,social_worker,,,120,114,15,20
2025/26 Q1,,,under_1,30,30,,
2025/26 Q2,,,,205,194,,
"""


def test_headcounts_import_and_reach_the_analysis_frames(runner, tmp_path):
    path = tmp_path / "headcounts.csv"
    path.write_text("\ufeff" + GOOD, encoding="utf-8")
    result = runner.invoke(args=["headcount", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Imported 4 headcount rows for 2025/26 Q1, 2025/26 Q2." in result.output
    frame = load_frames(db.engine).headcounts
    whole = frame[(frame["quarter"] == "2025/26 Q1") & frame["role"].isna() & frame["length_of_service"].isna()]
    assert whole[["headcount", "fte", "vacancies", "agency_workers"]].values.tolist() == [[210, 198.5, 24, 31]]


def test_importing_a_quarter_again_replaces_it(runner, tmp_path):
    path = tmp_path / "headcounts.csv"
    path.write_text(GOOD)
    runner.invoke(args=["headcount", "import", str(path)])
    path.write_text("quarter,headcount,fte\n2025/26 Q1,215,200\n")
    runner.invoke(args=["headcount", "import", str(path)])
    rows = db.session.execute(sa.select(Headcount.quarter, Headcount.headcount)).all()
    assert sorted(rows) == [("2025/26 Q1", 215), ("2025/26 Q2", 205)]


def test_a_bad_file_names_every_problem_and_imports_nothing(runner, tmp_path):
    path = tmp_path / "headcounts.csv"
    path.write_text("quarter,role,headcount,fte\n2025/26 Q1,,210,198\nQ5 2025,wizard,-3,lots\n")
    result = runner.invoke(args=["headcount", "import", str(path)])
    assert result.exit_code != 0
    assert "row 3, column quarter: 'Q5 2025': not a financial quarter like 2025/26 Q1" in result.output
    assert "row 3, column role: 'wizard': not one of" in result.output
    assert "row 3, column headcount: '-3': cannot be negative" in result.output
    assert "row 3, column fte: 'lots': not a number" in result.output
    assert db.session.execute(sa.select(Headcount)).first() is None


def test_headcounts_read_from_xlsx(runner, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Quarter", "Headcount", "FTE"])
    sheet.append(["2024/25 Q4", 190, 180.5])
    path = tmp_path / "headcounts.xlsx"
    book.save(path)
    result = runner.invoke(args=["headcount", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert db.session.execute(sa.select(Headcount.headcount)).scalar_one() == 190


def test_hr_uploads_headcounts_from_the_template_and_reports_use_hr_leavers(app, client):
    import io

    from openpyxl import load_workbook

    from .support import page_of, signed_in, texts

    signed_in(client, "hr")
    page = client.get("/hr/headcounts")
    assert page.status_code == 200
    token = page_of(page).select_one("input[name=csrf_token]")["value"]
    # The XLSX template, filled in as downloaded, loads as it is.
    template = client.get("/hr/headcounts/template.xlsx")
    assert template.status_code == 200
    rows = list(load_workbook(io.BytesIO(template.data)).active.iter_rows(values_only=True))
    assert rows[0] == ("quarter", "role", "service_area", "length_of_service", "headcount", "fte",
                       "vacancies", "agency_workers", "leavers")
    done = client.post("/hr/headcounts", data={"csrf_token": token, "file": (io.BytesIO(template.data), "h.xlsx")},
                       content_type="multipart/form-data")
    assert done.status_code == 302
    stored = db.session.execute(sa.select(Headcount).where(Headcount.length_of_service.is_(None))).scalar_one()
    assert (stored.headcount, stored.leavers) == (320, 14)
    frame = load_frames(db.engine).headcounts
    assert frame["leavers"].dropna().tolist() == [14, 6]
    # A bad CSV: every problem listed, nothing changed.
    bad = "quarter,headcount,fte,leavers\n2025/26 Q5,10,10,-1\n"
    refused = client.post("/hr/headcounts", data={"csrf_token": token,
                                                  "file": (io.BytesIO(bad.encode()), "h.csv")},
                          content_type="multipart/form-data")
    assert refused.status_code == 400
    problems = texts(refused, "#problems li")
    assert any("column quarter" in p for p in problems) and any("column leavers" in p for p in problems)
    assert db.session.execute(sa.select(sa.func.count()).select_from(Headcount)).scalar_one() == 2
    # No file at all: a clear message.
    empty = client.post("/hr/headcounts", data={"csrf_token": token}, content_type="multipart/form-data")
    assert empty.status_code == 400 and "Choose a CSV or XLSX file of headcounts" in empty.get_data(as_text=True)
    csv_template = client.get("/hr/headcounts/template.csv")
    assert csv_template.data.decode().splitlines()[0] == ",".join(rows[0])
