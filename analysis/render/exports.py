"""Downloads of a report's published tables: CSV (a zip, one file per table), XLSX and JSON.

Only published figures leave: the tables are the report's own (already suppressed) tables.
Text that a spreadsheet could run as a formula is neutralised with a leading apostrophe.

CSV layout: a zip holding one UTF-8 CSV per table, named ``NN-<table id>.csv`` in report order,
plus ``README.txt`` naming the report, period and threshold. Each CSV has a header row (the row
header, then column labels) and one row per table row; figures are written as in the JSON
(numbers as numbers; "fewer than 5", "withheld", "not shown" as words).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile

from analysis.render.format import safe_text

_ZIP_DATE = (2020, 1, 1, 0, 0, 0)  # a fixed date so the same report gives the same bytes


def iter_tables(report: dict):
    """Every published table of a report, in order."""
    for section in report["sections"]:
        yield from section.get("tables", [])


def _rows(t: dict) -> list[list[object]]:
    header = [t["row_header"], *[c["label"] for c in t["columns"]]]
    return [header, *[[row["label"], *row["values"]] for row in t["rows"]]]


def render_csv_zip(report: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        readme = (f"{report['title']}\nPeriod: {report['period']}\n"
                  f"Disclosure threshold: {report['parameters']['k']}\n"
                  f"Generated: {report['parameters'].get('generated_at')}\n"
                  "One CSV per published table. Counts from 1 to k-1 read 'fewer than k'.\n")
        zf.writestr(zipfile.ZipInfo("README.txt", _ZIP_DATE), readme)
        for i, t in enumerate(iter_tables(report), start=1):
            text = io.StringIO()
            writer = csv.writer(text, lineterminator="\r\n")
            for row in _rows(t):
                writer.writerow([safe_text(v) for v in row])
            info = zipfile.ZipInfo(f"{i:02d}-{t['id']}.csv", _ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, text.getvalue().encode("utf-8"))
    return buffer.getvalue()


def _sheet_title(i: int, table_id: str, used: set[str]) -> str:
    # Excel sheet names: at most 31 characters, none of []:*?/\ .
    base = "".join(ch for ch in f"{i:02d} {table_id}" if ch not in "[]:*?/\\")[:31]
    name, n = base, 1
    while name in used:
        n += 1
        name = f"{base[:28]}~{n}"
    used.add(name)
    return name


def render_xlsx(report: dict) -> bytes:
    """One sheet per table, values only (no formulas), plus a first sheet describing the report."""
    from openpyxl import Workbook  # loaded on use: it slows every start-up

    wb = Workbook()
    about = wb.active
    about.title = "About"
    for row in [["Report", report["title"]], ["Period", report["period"]],
                ["Disclosure threshold", report["parameters"]["k"]],
                ["Generated", report["parameters"].get("generated_at")],
                ["Theme model", report["parameters"].get("model_version") or ""]]:
        about.append([safe_text(v) for v in row])
    used: set[str] = {"About"}
    for i, t in enumerate(iter_tables(report), start=1):
        ws = wb.create_sheet(_sheet_title(i, t["id"], used))
        ws.append([safe_text(t["title"])])
        for row in _rows(t):
            ws.append([safe_text(v) for v in row])
        for cell_row in ws.iter_rows():
            for cell in cell_row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never let a string be stored as a formula
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def render_json(report: dict, *, include_audit: bool = True) -> str:
    """The report as JSON text. ``include_audit=False`` leaves out the audit record."""
    data = report if include_audit else {k: v for k, v in report.items() if k != "disclosure"}
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False)
