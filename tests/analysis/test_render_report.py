"""Rendering: what a standards reader opens or downloads shows the published tables only."""

import csv
import io
import json
import re
import zipfile
import zlib

import pytest
from openpyxl import load_workbook

from analysis.render import (
    render_csv_zip,
    render_html_fragment,
    render_html_page,
    render_json,
    render_pdf,
    render_xlsx,
)
from analysis.render.exports import iter_tables
from analysis.render.format import FORMULA_STARTS
from analysis.reports import build_length_of_service_report, build_quarterly_report
from analysis.reports.synthetic import THEME_LABELS, synthetic_frames

# A theme label that a spreadsheet would run as a formula, to prove exports neutralise it.
HOSTILE = {**{t: THEME_LABELS[t] for t in ("caseload", "pay", "supervision", "wellbeing")},
           "practice": "=HYPERLINK(\"http://example.invalid\",\"click\")"}


@pytest.fixture(scope="module")
def report():
    frames = synthetic_frames("2025/26 Q1", years=2, leavers_per_year=300, seed=2)
    return build_quarterly_report(
        frames["responses"], frames["comments"], frames["theme_assignments"], frames["headcounts"],
        quarter="2025/26 Q1", theme_labels=HOSTILE, generated_at="2025-07-01T09:00:00",
        quotes=[{"theme_id": "caseload", "text": "+1 more case every week, @ everyone"}],
    )


def test_html_has_every_section_and_every_table(report):
    html = render_html_fragment(report)
    for section in report["sections"]:
        assert f'id="{section["id"]}"' in html
        assert section["title"].replace("'", "&#39;") in html
    for table in iter_tables(report):
        assert f'id="table-{table["id"]}"' in html
    assert 'class="govuk-table' in html and 'class="govuk-heading-l"' in html
    assert "<html" not in html  # a fragment for the app's own page


def test_charts_are_svg_with_a_name_and_their_data_table(report):
    html = render_html_fragment(report)
    assert html.count("<svg") >= 1
    assert 'role="img" aria-label="Top themes over eight quarters"' in html
    assert 'aria-describedby="table-themes_trend"' in html
    assert 'id="table-themes_trend"' in html


def test_small_counts_read_in_words_in_the_html(report):
    html = render_html_fragment(report)
    assert "fewer than 5" in html or "withheld" in html


def test_the_standalone_page_carries_its_own_css_and_escapes_text(report):
    page = render_html_page(report)
    assert page.startswith("<!DOCTYPE html>")
    assert "@page" in page and "govuk-table" in page
    assert "=HYPERLINK(&#34;" in page or "=HYPERLINK(&quot;" in page  # escaped, not live markup


def test_pdf_renders_with_several_pages(report):
    pdf = render_pdf(report)
    assert pdf.startswith(b"%PDF")
    assert _page_count(pdf) > 1


def _page_count(pdf: bytes) -> int:
    """Count page objects, looking inside compressed object streams too."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", _decompressed(pdf)))


def test_xlsx_has_one_sheet_per_table_and_no_formulas(report):
    wb = load_workbook(io.BytesIO(render_xlsx(report)))
    tables = list(iter_tables(report))
    assert len(wb.sheetnames) == len(tables) + 1
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                    assert not cell.value.startswith(FORMULA_STARTS), cell.value
    assert any(t.startswith("'=HYPERLINK") for t in texts)


def test_csv_zip_has_one_safe_csv_per_table(report):
    zf = zipfile.ZipFile(io.BytesIO(render_csv_zip(report)))
    names = [n for n in zf.namelist() if n.endswith(".csv")]
    assert len(names) == len(list(iter_tables(report)))
    seen_hostile = False
    for name in names:
        rows = list(csv.reader(io.StringIO(zf.read(name).decode("utf-8"))))
        assert len(rows) >= 2
        for row in rows:
            for cell in row:
                if cell.startswith(FORMULA_STARTS):
                    float(cell)  # only a negative number may start with "-"
                seen_hostile |= cell.startswith("'=HYPERLINK")
    assert seen_hostile


def test_exports_hold_only_published_figures(report):
    published = {json.dumps(v) for v in report["disclosure"]["audit"]["cells"].values()}
    assert '"fewer than 5"' in published or '"withheld"' in published
    data = json.loads(render_json(report, include_audit=False))
    assert "disclosure" not in data and data["sections"] == report["sections"]


def test_length_of_service_report_renders():
    frames = synthetic_frames("2025/26 Q1", years=2, leavers_per_year=200, seed=4)
    report = build_length_of_service_report(
        frames["responses"], frames["comments"], frames["theme_assignments"], frames["headcounts"],
        quarter="2025/26 Q1", theme_labels=HOSTILE)
    html = render_html_fragment(report)
    assert 'id="answer"' in html and 'id="table-leavers_by_band"' in html and "<svg" in html


def _decompressed(pdf: bytes) -> bytes:
    """The PDF's bytes followed by every compressed stream in it, decompressed."""
    chunks = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            chunks.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"".join(chunks)


def test_the_pdf_is_tagged_with_its_language_and_marked_on_every_page(report):
    import shutil
    import subprocess

    marked = {**report, "parameters": {**report["parameters"], "council": "Northshire County Council",
                                       "marking": "OFFICIAL-SENSITIVE"}}
    pdf = render_pdf(marked)
    inside = _decompressed(pdf)
    assert b"/StructTreeRoot" in inside and b"/MarkInfo" in inside  # a tagged PDF
    assert re.search(rb"/Lang\s*\(en-GB\)", inside)
    html = render_html_page(marked)
    assert html.count("OFFICIAL-SENSITIVE") >= 2 and "Northshire County Council" in html
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler's pdftotext is not installed")
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    pages = [p for p in text.decode("utf-8").split("\f") if p.strip()]
    assert len(pages) > 1
    assert all("OFFICIAL-SENSITIVE" in p and "Northshire County Council" in p for p in pages)
