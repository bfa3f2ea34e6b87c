"""Rendering: what a standards reader opens or downloads shows the published tables only."""

import csv
import io
import json
import re
import zipfile
import zlib

import pytest
from bs4 import BeautifulSoup
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


def test_the_first_printed_page_answers_the_first_questions_and_the_top_speaks_plainly(report):
    import shutil
    import subprocess

    traced = {**report, "parameters": {**report["parameters"], "council": "Northshire County Council",
                                       "model_version": "themes-1+rules2+tax1.0b36f344+seeds+s0"}}
    html = render_html_fragment(traced)
    page = BeautifulSoup(html, "html.parser")
    top = page.select_one(".ev-parameters")
    rows = dict(zip([dt.get_text(strip=True) for dt in top.select("dt")],
                    [dd.get_text(strip=True) for dd in top.select("dd")], strict=True))
    # The day in words, not "2025-07-01T09:00:00"; the council is named once, above the title.
    assert rows == {"Period": "2025/26 Q1", "Disclosure threshold": "5 people", "Generated": "1 July 2025"}
    assert [p.get_text(strip=True) for p in page.select(".ev-council")] == ["Northshire County Council"]
    # The theme model's version is for tracing a figure: after the last section, not above the first.
    assert html.count("themes-1+rules2") == 1 and html.index("themes-1+rules2") > html.rindex("</section>")
    assert page.select_one(".ev-details").get_text(" ", strip=True) == \
        "Theme model themes-1+rules2+tax1.0b36f344+seeds+s0"

    if shutil.which("pdftotext") is None:
        pytest.skip("poppler's pdftotext is not installed")
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=render_pdf(traced), capture_output=True,
                          check=True).stdout.decode("utf-8")
    first = " ".join(text.split("\f")[0].split())
    glance = next(s for s in report["sections"] if s["id"] == "at_a_glance")
    assert "At a glance" in first.split("Contents", 1)[1].split("How these figures are produced", 1)[1]
    assert " ".join(glance["summary"].split()) in first


def _theme_table(table_id: str, total: object, themes: dict[str, object], counted: str = "leavers") -> dict:
    from analysis.reports.common import table
    rows = [("answered", "Leavers who answered", [total])] + [(t, label, [v]) for t, (label, v) in
                                                               zip(themes, themes.items(), strict=True)]
    return table(table_id, f"Title of {table_id}", "Theme", [("people", "People", "count")], rows,
                 list_fewer=counted)


def _csv_texts(report: dict) -> dict[str, str]:
    zf = zipfile.ZipFile(io.BytesIO(render_csv_zip(report)))
    return {n: zf.read(n).decode("utf-8") for n in zf.namelist() if n.endswith(".csv")}


def _with_tables(report: dict, *tables: dict) -> dict:
    return {**report, "sections": [{"id": "other_answers", "title": "Other answers", "summary": "S",
                                    "tables": list(tables)}]}


def test_themes_counted_fewer_than_k_are_listed_under_their_table_in_html(report):
    mixed = _theme_table("answers_improve", 23, {"Caseload": 9, "Pay": "fewer than 5", "Supervision": 6,
                                                 "Admin, recording and IT": "fewer than 5"})
    hidden = _theme_table("answers_worked_well", "fewer than 5", {"Management": "fewer than 5"})
    empty = _theme_table("answers_would_have_stayed", "fewer than 5", {}, "remarks")
    shown = _theme_table("answers_other", 12, {"Pay": 7})
    page = BeautifulSoup(render_html_fragment(_with_tables(report, mixed, hidden, empty, shown)), "html.parser")

    # A table with figures keeps them, in order, and lists the small ones beneath it.
    rows = [(tr.th.get_text(strip=True), tr.td.get_text(strip=True))
            for tr in page.select("#table-answers_improve tbody tr")]
    assert rows == [("Leavers who answered", "23"), ("Caseload", "9"), ("Supervision", "6")]
    listed = page.select_one("#table-answers_improve").find_parent("div").find_next_sibling("p")
    assert listed.get_text(strip=True) == "Also raised, by fewer than 5 leavers each: Pay; Admin, recording and IT."

    # A table whose every figure is hidden reads as one line, with its themes listed.
    line = page.select_one("#table-answers_worked_well")
    assert line.name == "p"
    assert line.get_text() == "Title of answers_worked_well: Leavers who answered, fewer than 5."
    assert line.find_next_sibling("p").get_text(strip=True) == "Raised by fewer than 5 leavers each: Management."
    assert page.select_one("#table-answers_would_have_stayed").name == "p"

    # No theme lost, no "fewer than" cell left in these tables; a table with no small count is unchanged.
    assert not [td for td in page.select("td") if td.get_text(strip=True).startswith("fewer than")]
    assert [tr.th.get_text(strip=True) for tr in page.select("#table-answers_other tbody tr")] == [
        "Leavers who answered", "Pay"]
    assert not page.select_one("#table-answers_other").find_parent("div").find_next_sibling("p")


def test_listing_small_themes_changes_only_the_reading_not_the_data(report):
    mixed = _theme_table("answers_improve", 23, {"Caseload": 9, "Pay": "fewer than 5"})
    listed = _with_tables(report, mixed)
    plain = _with_tables(report, {k: v for k, v in mixed.items() if k != "list_fewer"})
    assert "Pay" in render_html_fragment(plain) and "Pay" in render_html_fragment(listed)
    # The CSV files keep a row per theme, as without the listing.
    assert _csv_texts(listed) == _csv_texts(plain)
    assert "Pay,fewer than 5" in next(iter(_csv_texts(listed).values()))
    welsh = render_html_fragment({**listed, "parameters": {**listed["parameters"], "language": "cy"}})
    assert "Wedi'u codi hefyd, gan lai na 5 o ymadawyr yr un:" in welsh.replace("&#39;", "'")


def test_a_theme_breakdown_names_its_empty_groups_and_uncited_themes_instead_of_rows_of_zeros(report):
    from analysis.reports.common import table
    columns = [("under_1", "Under 1 year", "count"), ("front_door", "Front door", "count"),
               ("merged", "Other (merged)", "count"), ("not_stated", "Not stated", "count")]
    rows = [("respondents", "People in this group", [6, 0, 9, 0]),
            ("caseload", "Caseload", ["fewer than 5", 0, 5, 0]),
            ("pay", "Pay", [0, 0, 0, 0]),
            ("admin", "Admin, recording and IT", [0, 0, "fewer than 5", 0]),
            ("retirement", "Retirement", [0, 0, 0, 0])]
    by_group = table("themes_by_role", "People citing each theme by role", "Theme", columns, rows,
                     note="People can cite several themes.", list_zeros=True)
    page = BeautifulSoup(render_html_fragment(_with_tables(report, by_group)), "html.parser")
    shown = page.select_one("#table-themes_by_role")
    assert [th.get_text(strip=True) for th in shown.select("thead th")] == ["Theme", "Under 1 year", "Other (merged)"]
    assert [[c.get_text(strip=True) for c in tr.select("th, td")] for tr in shown.select("tbody tr")] == [
        ["People in this group", "6", "9"], ["Caseload", "fewer than 5", "5"],
        ["Admin, recording and IT", "0", "fewer than 5"]]
    wrap = shown.find_parent("div")
    assert wrap.select_one(".ev-note").get_text() == (
        "No leavers in: Front door and Not stated. People can cite several themes.")
    assert wrap.find_next_sibling("p").get_text(strip=True) == "Cited by no one in any group: Pay; Retirement."
    # The data keep every row and column.
    assert "Front door" in next(iter(_csv_texts(_with_tables(report, by_group)).values()))


def test_a_theme_breakdown_with_no_theme_cited_by_k_in_any_group_reads_as_one_line(report):
    from analysis.reports.common import SEVERAL_THEMES, table
    from analysis.reports.translation import ReportWords
    columns = [("under_1", "Under 1 year", "count"), ("merged", "Other (merged)", "count"),
               ("not_stated", "Not stated", "count")]
    rows = [("respondents", "People in this group", [6, 9, 0]),
            ("caseload", "Caseload", ["fewer than 5", "fewer than 5", 0]),
            ("pay", "Pay", [0, 0, 0]),
            ("admin", "Admin", ["withheld", "fewer than 5", 0])]
    by_group = table("themes_by_role", "People citing each theme by role", "Theme", columns, rows,
                     note=f"{SEVERAL_THEMES} Groups of fewer than 5 people are merged into Other: Team manager.",
                     list_zeros=True)
    page = BeautifulSoup(render_html_fragment(_with_tables(report, by_group)), "html.parser")
    line = page.select_one("#table-themes_by_role")
    assert line.name == "p" and not page.select("table")
    assert line.get_text() == (
        "People citing each theme by role: no theme is shown as cited by 5 or more people in any one group, so the "
        "groups cannot be compared. People in each group: Under 1 year: 6; Other (merged): 9.")
    # Nothing is compared, so the note on columns not adding up goes; the note on merged groups stays.
    assert line.find_next_sibling("p").get_text() == (
        "No leavers in: Not stated. Groups of fewer than 5 people are merged into Other: Team manager.")
    # The same in Welsh, where the note is the catalogue's sentence.
    welsh_note = ReportWords("cy").gettext(SEVERAL_THEMES)
    assert welsh_note != SEVERAL_THEMES
    welsh_table = {**by_group, "note": f"{welsh_note} Grwpiau."}
    welsh = BeautifulSoup(render_html_fragment({**_with_tables(report, welsh_table), "parameters": {
        **report["parameters"], "language": "cy"}}), "html.parser")
    assert welsh.select_one("#table-themes_by_role").find_next_sibling("p").get_text().endswith("Grwpiau.")
    assert welsh_note not in welsh.get_text()
    assert "fewer than 5" in next(iter(_csv_texts(_with_tables(report, by_group)).values()))
