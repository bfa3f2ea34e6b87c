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

from analysis.disclosure import is_shown
from analysis.render.format import safe_text
from analysis.reports.translation import ReportWords, report_language

_ZIP_DATE = (2020, 1, 1, 0, 0, 0)  # a fixed date so the same report gives the same bytes


def iter_tables(report: dict):
    """Every published table of a report, in order."""
    for section in report["sections"]:
        yield from section.get("tables", [])


def _rows(t: dict, words: ReportWords) -> list[list[object]]:
    """The table's header row and rows; a marker ("withheld", ...) in the edition's words."""
    header = [t["row_header"], *[c["label"] for c in t["columns"]]]
    return [header, *[[row["label"], *[v if is_shown(v) or v is None else words.marker(v) for v in row["values"]]]
                      for row in t["rows"]]]


def render_csv_zip(report: dict, *, language: str | None = None) -> bytes:
    """The zip of CSVs; ``language`` as for :func:`analysis.render.html.render_html_fragment`."""
    w = ReportWords(report_language(report, language))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        readme = (f"{report['title']}\n{w.gettext('Period')}: {w.period(report['period'])}\n"
                  f"{w.gettext('Disclosure threshold')}: {report['parameters']['k']}\n"
                  f"{w.gettext('Generated')}: {report['parameters'].get('generated_at')}\n"
                  + w.gettext("One CSV per published table. Counts from 1 to k-1 read 'fewer than k'.") + "\n")
        zf.writestr(zipfile.ZipInfo("README.txt", _ZIP_DATE), readme)
        for i, t in enumerate(iter_tables(report), start=1):
            text = io.StringIO()
            writer = csv.writer(text, lineterminator="\r\n")
            for row in _rows(t, w):
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


def render_xlsx(report: dict, *, language: str | None = None) -> bytes:
    """One sheet per table, values only (no formulas), plus a first sheet describing the report;
    ``language`` as for :func:`analysis.render.html.render_html_fragment`. Sheet names are the
    table ids, the same in every edition."""
    from openpyxl import Workbook  # loaded on use: it slows every start-up

    w = ReportWords(report_language(report, language))
    wb = Workbook()
    about = wb.active
    about.title = w.gettext("About")
    for row in [[w.gettext("Report"), report["title"]], [w.gettext("Period"), w.period(report["period"])],
                [w.gettext("Disclosure threshold"), report["parameters"]["k"]],
                [w.gettext("Generated"), report["parameters"].get("generated_at")],
                [w.gettext("Theme model"), report["parameters"].get("model_version") or ""]]:
        about.append([safe_text(v) for v in row])
    used: set[str] = {about.title}
    for i, t in enumerate(iter_tables(report), start=1):
        ws = wb.create_sheet(_sheet_title(i, t["id"], used))
        ws.append([safe_text(t["title"])])
        for row in _rows(t, w):
            ws.append([safe_text(v) for v in row])
        for cell_row in ws.iter_rows():
            for cell in cell_row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never let a string be stored as a formula
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def render_json(report: dict, *, include_audit: bool = True, language: str | None = None) -> str:
    """The report as JSON text. ``include_audit=False`` leaves out the audit record. The JSON
    is the report as built: its keys, ids and markers are the same in every edition."""
    report_language(report, language)
    data = report if include_audit else {k: v for k, v in report.items() if k != "disclosure"}
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False)
