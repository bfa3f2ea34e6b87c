"""The report in Welsh: the same figures, tables and hidden cells as the English edition, every
word the report writes in Welsh, and a catalogue that leaves no report string untranslated."""

from __future__ import annotations

import html as html_module
import io
import re
import string
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from analysis.periods import Quarter
from analysis.render import render_csv_zip, render_html_page, render_json
from analysis.reports import build_annual_report, build_length_of_service_report, build_quarterly_report
from analysis.reports.synthetic import THEME_LABELS, synthetic_frames
from analysis.reports.translation import taxonomy_labels, theme_labels_in
from analysis.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "analysis" / "translations" / "cy" / "LC_MESSAGES" / "reports.po"
WHEN = "2026-01-01T00:00:00"
# Three councils of different sizes, so that different cells are hidden in each.
COUNCILS = [(12, 1), (30, 3), (60, 1)]
QUARTERS = ["2025/26 Q1", "2024/25 Q3", "2024/25 Q1"]
WELSH_LABELS = theme_labels_in(THEME_LABELS, "cy")
# The editions fixture builds 42 reports (over a minute on a slow machine): its tests share one
# worker (tests/test_suite_groups.py checks that the grouping holds), so it is built once.
pytestmark = pytest.mark.xdist_group("welsh_editions")


def _frames(per_quarter: int, seed: int):
    frames = synthetic_frames("2025/26 Q1", years=2, leavers_per_year=4 * per_quarter, seed=seed)
    return (frames["responses"], frames["comments"], frames["theme_assignments"], frames["headcounts"])


def _editions(build, args, **kwargs) -> tuple[dict, dict]:
    english = build(*args, theme_labels=THEME_LABELS, k=5, generated_at=WHEN, **kwargs)
    welsh = build(*args, theme_labels=WELSH_LABELS, k=5, generated_at=WHEN, language="cy", **kwargs)
    return english, welsh


QUOTES = [{"theme_id": "caseload", "text": "Roedd fy llwyth achosion yn ormod."},
          {"theme_id": "pay", "text": "The agency paid more."}]
ACTIONS = [{"theme_id": "caseload", "text": "We capped caseloads at 18."}]


@pytest.fixture(scope="session")
def editions() -> list[tuple[str, dict, dict]]:
    """English and Welsh editions of the same councils' reports, over several quarters."""
    out = []
    for per_quarter, seed in COUNCILS:
        args = _frames(per_quarter, seed)
        for quarter in QUARTERS:
            out.append((f"{per_quarter}/{seed} quarterly {quarter}",
                        *_editions(build_quarterly_report, args, quarter=quarter, quotes=QUOTES, actions=ACTIONS)))
            out.append((f"{per_quarter}/{seed} length of service {quarter}",
                        *_editions(build_length_of_service_report, args, quarter=quarter)))
        out.append((f"{per_quarter}/{seed} annual 2024/25",
                    *_editions(build_annual_report, args, year="2024/25", quotes=QUOTES, actions=ACTIONS)))
    return out


def _figures(report: dict) -> dict:
    """Everything of a report that is not words: ids, figures, units, hidden cells, the record."""
    sections = []
    for s in report["sections"]:
        tables = [{"id": t["id"],
                   "columns": [(c["id"], c["unit"]) for c in t["columns"]],
                   "rows": [(r["id"], r["values"], r.get("unit")) for r in t["rows"]]}
                  for t in s["tables"]]
        charts = [{"id": c["id"], "type": c["type"], "table_id": c["table_id"],
                   "series": [(x["id"], x["values"]) for x in c["series"]]} for c in s.get("charts", [])]
        sections.append({"id": s["id"], "tables": tables, "charts": charts,
                         "quotes": [(q["theme_id"], q["text"]) for q in s.get("quotes", [])],
                         "actions": [(a["theme_id"], a["text"]) for a in s.get("actions", [])],
                         "statements": s.get("statements"), "paragraphs": len(s.get("paragraphs", []))})
    parameters = {k: v for k, v in report["parameters"].items() if k != "language"}
    return {"keys": sorted(report), "report": report["report"], "period": report["period"],
            "parameters": parameters, "sections": sections, "disclosure": report["disclosure"]}


def _texts(report: dict) -> list[str]:
    """Every piece of text the report itself writes (not HR's quotes and actions)."""
    out = [report["title"]]
    for s in report["sections"]:
        out += [s["title"], s["summary"], *s.get("paragraphs", [])]
        for t in s["tables"]:
            out += [t["title"], t["row_header"], *(c["label"] for c in t["columns"]),
                    *(r["label"] for r in t["rows"]), *([t["note"]] if "note" in t else [])]
        for c in s.get("charts", []):
            out += [c["title"], c["y_label"], *c["x_labels"], *(x["label"] for x in c["series"])]
    return out


def test_a_welsh_edition_has_exactly_the_figures_tables_and_hidden_cells_of_the_english(editions):
    assert len(editions) == len(COUNCILS) * (2 * len(QUARTERS) + 1)
    for name, english, welsh in editions:
        assert _figures(welsh) == _figures(english), name
        assert welsh["disclosure"] == english["disclosure"], name
        assert welsh["parameters"]["language"] == "cy" and "language" not in english["parameters"], name


def test_the_welsh_edition_is_written_in_welsh_where_the_english_writes_words(editions):
    for name, english, welsh in editions:
        assert welsh["title"] != english["title"], name
        for en, cy in zip(english["sections"], welsh["sections"], strict=True):
            assert cy["title"] != en["title"] and cy["summary"] != en["summary"], (name, en["id"])
            for a, b in zip(en["tables"], cy["tables"], strict=True):
                assert b["title"] != a["title"] and b["row_header"] != a["row_header"], (name, a["id"])
            for a, b in zip(en.get("paragraphs", []), cy.get("paragraphs", []), strict=True):
                assert a != b, (name, en["id"], a)


def test_quarters_are_named_in_welsh_but_stay_ids_in_the_data(editions):
    _, english, welsh = next(e for e in editions if e[0].startswith("60/1 quarterly 2025/26 Q1"))
    trend = next(t for s in welsh["sections"] for t in s["tables"] if t["id"] == "themes_trend")
    assert [c["id"] for c in trend["columns"]] == [q.label for q in Quarter.parse("2025/26 Q1").last_n(8)]
    assert trend["columns"][-1]["label"] == "2025/26 Ch1"
    assert welsh["title"] == "Pam mae gweithwyr cymdeithasol plant yn gadael: chwarter 2025/26 Ch1"
    assert welsh["period"] == english["period"] == "2025/26 Q1"


# Words that are the same in both languages.
SAME_IN_BOTH = {"Sikh"}


def test_no_english_sentence_heading_or_label_leaks_into_a_welsh_edition(editions):
    for name, english, welsh in editions:
        english_texts = {t for t in _texts(english) if re.search(r"[A-Za-z]{3}", t)} - SAME_IN_BOTH
        english_texts -= {t for t in english_texts if re.fullmatch(r"[\d/ Q]+(to [\d/ Q]+)?", t)}
        leaked = sorted(english_texts & set(_texts(welsh)))
        assert leaked == [], name
        page = _visible_text(render_html_page(welsh))
        leaked = sorted(t for t in english_texts if len(t) > 20 and t in page)
        assert leaked == [], name


def _visible_text(html: str) -> str:
    html = re.sub(r"<style>.*?</style>|<svg.*?</svg>", " ", html, flags=re.S)
    return html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_the_rendered_welsh_page_is_in_welsh_with_its_markers_and_marking_in_welsh(editions):
    _, english, welsh = next(e for e in editions if e[0].startswith("60/1 quarterly 2025/26 Q1"))
    welsh = {**welsh, "parameters": {**welsh["parameters"], "marking": "OFFICIAL-SENSITIVE", "council": "Cyngor Sir"}}
    html = render_html_page(welsh)
    assert '<html lang="cy-GB"' in html and 'class="ev-report" lang="cy-GB"' in html
    assert re.search(r"<title>Cyngor Sir: Pam mae gweithwyr cymdeithasol plant yn gadael: chwarter 2025/26 Ch1",
                     html)
    text = _visible_text(html)
    assert "SWYDDOGOL-SENSITIF" in text and "OFFICIAL" not in text
    assert "llai na 5" in text and "fewer than" not in text
    for english_word in ("Contents", "Theme:", "You said:", "We did:", "Disclosure threshold", "withheld",
                         "not shown", "The same figures are in the table"):
        assert english_word not in text, english_word
    # A respondent's quote stays in the language it was written in, and so do HR's words.
    quotes = next(s["quotes"] for s in welsh["sections"] if s["id"] == "quotes")
    assert quotes and all(q["text"] in text for q in quotes)
    assert "Roedd fy llwyth achosion yn ormod." in text and "We capped caseloads at 18." in text
    assert 'lang="en-GB"' in render_html_page(english)


def test_csv_of_a_welsh_edition_has_welsh_headers_and_markers_and_the_same_cells(editions):
    _, english, welsh = next(e for e in editions if e[0].startswith("12/1 quarterly 2025/26 Q1"))
    en, cy = (zipfile.ZipFile(io.BytesIO(render_csv_zip(r))) for r in (english, welsh))
    assert en.namelist() == cy.namelist()
    assert "Cyfnod: 2025/26 Ch1" in cy.read("README.txt").decode()
    table = cy.read(next(n for n in cy.namelist() if n.endswith("themes_ranked.csv"))).decode()
    assert table.startswith("Thema,") and "fewer than" not in table and "llai na 5" in table


def test_a_report_is_rendered_in_the_language_it_was_built_in(editions):
    _, english, welsh = editions[0]
    with pytest.raises(ValueError, match="build it with language='cy'"):
        render_html_page(english, language="cy")
    assert render_json(welsh, language="cy") == render_json(welsh)
    with pytest.raises(ValueError, match="language must be one of en, cy"):
        build_quarterly_report(*_frames(12, 1), quarter="2025/26 Q1", theme_labels=THEME_LABELS, language="fr")


def test_every_report_string_has_a_welsh_translation_with_the_same_placeholders():
    config = (ROOT / "babel-reports.cfg").read_text().splitlines()
    method_map = [(line.split(":", 1)[1].strip(" ]"), line.split(":", 1)[0].strip("[ "))
                  for line in config if line.startswith("[")]
    found = {m[2] for m in extract_from_dir(str(ROOT), method_map)}
    found.discard("")
    with CATALOGUE.open("rb") as file:
        catalogue = read_po(file)
    translated = {}
    for m in catalogue:
        forms = m.string if isinstance(m.string, tuple) else (m.string,)
        if m.id and all(forms) and not m.fuzzy:
            translated[m.id] = forms
    assert len(found) > 250
    assert sorted(str(x) for x in found if x not in translated) == []
    for msgid, forms in translated.items():
        source = msgid if isinstance(msgid, str) else msgid[0]
        for form in forms:
            assert _placeholders(form) == _placeholders(source), (source, form)


def _placeholders(text: str) -> set[str]:
    named = {f[1] for f in string.Formatter().parse(text) if f[1]} if "%(" not in text else set()
    return named | set(re.findall(r"%\((\w+)\)s", text))


def test_the_reports_catalogue_compiles_cleanly(tmp_path):
    result = subprocess.run([sys.executable, "-m", "babel.messages.frontend", "compile", "-i", str(CATALOGUE),
                             "-o", str(tmp_path / "reports.mo"), "-l", "cy", "--statistics"],
                            capture_output=True, text=True)
    assert result.returncode == 0 and "skipping" not in result.stderr, result.stderr


def test_every_taxonomy_theme_has_a_welsh_label_and_the_taxonomy_is_unchanged():
    taxonomy = load_taxonomy()
    welsh = taxonomy_labels("cy")
    assert list(welsh) == taxonomy.ids and len(welsh) == 18
    assert all(welsh[t.id] != t.label for t in taxonomy.themes)
    # A council's own theme (not in the taxonomy) keeps the name HR gave it.
    assert theme_labels_in({"caseload": "Caseload", "court_work": "Court work"}, "cy") == {
        "caseload": welsh["caseload"], "court_work": "Court work"}


def test_a_misspelt_theme_in_the_welsh_labels_is_named(tmp_path):
    path = tmp_path / "taxonomy.cy.yaml"
    path.write_text("labels:\n  caseloads: Llwyth achosion\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'caseloads' is not a theme of the taxonomy"):
        taxonomy_labels("cy", path)


def test_the_welsh_pdf_is_tagged_welsh_and_its_pages_are_numbered_and_marked_in_welsh(editions):
    import shutil
    import zlib

    from analysis.render import render_pdf

    _, _, welsh = next(e for e in editions if e[0].startswith("12/1 length of service 2025/26 Q1"))
    welsh = {**welsh, "parameters": {**welsh["parameters"], "marking": "OFFICIAL-SENSITIVE", "council": "Cyngor Sir"}}
    pdf = render_pdf(welsh)
    streams = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            streams.append(zlib.decompress(stream))
        except zlib.error:
            continue
    assert re.search(rb"/Lang\s*\(cy-GB\)", b"".join(streams))
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler's pdftotext is not installed")
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    pages = [p for p in text.decode("utf-8").split("\f") if p.strip()]
    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        assert f"Tudalen {number} o {len(pages)}" in page and "SWYDDOGOL-SENSITIF" in page
        assert "Page " not in page and "OFFICIAL" not in page


@pytest.mark.parametrize(("name", "build", "council", "period"), [
    ("quarterly", build_quarterly_report, (12, 1), {"quarter": "2025/26 Q1", "quotes": QUOTES, "actions": ACTIONS}),
    ("length of service", build_length_of_service_report, (30, 3), {"quarter": "2024/25 Q3"}),
    ("annual", build_annual_report, (60, 1), {"year": "2024/25", "quotes": QUOTES, "actions": ACTIONS}),
])
def test_an_edition_built_on_the_counts_of_the_english_build_is_the_edition_built_alone(name, build, council, period):
    # The app builds a council's Welsh edition with the English one, sharing its counts and
    # decisions: word for word and figure for figure what a build of its own gives.
    args = _frames(*council)
    shared: dict = {}
    english = build(*args, theme_labels=THEME_LABELS, k=5, generated_at=WHEN, shared=shared, **period)
    welsh = build(*args, theme_labels=WELSH_LABELS, k=5, generated_at=WHEN, language="cy", shared=shared, **period)
    alone_english, alone_welsh = _editions(build, args, **period)
    assert welsh == alone_welsh and english == alone_english
    assert welsh["parameters"]["language"] == "cy" and welsh["disclosure"] == english["disclosure"]
    with pytest.raises(ValueError, match="one report only"):  # a shared cache is for one report
        build(*args, theme_labels=THEME_LABELS, k=5, shared=shared,
              **({"year": "2023/24"} if name == "annual" else {**period, "quarter": "2023/24 Q1"}))
