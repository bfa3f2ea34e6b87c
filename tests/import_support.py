"""Small spreadsheets and mappings for the import stories, written into a temporary folder."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from survey_app.extensions import db
from survey_app.models import Response

HEADER = ["Staff ID", "Leaving date", "Job title", "Service band", "Caseload", "Pay", "Family", "Why I left"]

ROWS = [
    ["1001", "14/03/2024", "Social Worker", "1-2", "TRUE", "FALSE", "-", "Too many cases to do the work well."],
    ["1002", "02/2024", "Team Manager", "10+", "FALSE", "TRUE", "FALSE", ""],
    ["1003", "2023", "Social Worker", "<1", "", "", "", "Moving closer to my parents."],
]

MAPPING = """\
instrument: exit
id_column: Staff ID
period:
  column: Leaving date
  year_only_month: 10
answers:
  - column: Job title
    question: role
    values:
      Social Worker: social_worker
      Team Manager: team_manager
  - column: Service band
    question: length_of_service
    values:
      "<1": under_1
      "1-2": 1_to_2
      "2-5": 2_to_5
      "5-10": 5_to_10
      "10+": 10_plus
  - question: main_reasons
    chosen: ["TRUE", "yes"]
    not_chosen: ["FALSE", "-"]
    checkboxes:
      Caseload: caseload
      Pay: pay
      Family: personal
  - column: Why I left
    comment: reasons
"""


def write_csv(path: Path, rows: list[list[str]], header: list[str] | None = None, encoding: str = "utf-8",
              bom: bool = False) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER if header is None else header)
    writer.writerows(rows)
    data = buffer.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def write_mapping(path: Path, text: str = MAPPING) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def run_import(runner, source: Path, mapping: Path, *extra: str):
    return runner.invoke(args=["import", "records", str(source), "--mapping", str(mapping), "--instrument", "exit",
                               *extra])


def stored_responses() -> list[Response]:
    db.session.expire_all()
    return list(db.session.execute(db.select(Response)).scalars())
