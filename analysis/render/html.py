"""HTML of a built report: a fragment for the app's pages, or a standalone page.

What comes in: the dict from a report builder. What goes out: HTML text. Every table of the
report is shown as a table (charts also have their table), with the published figures as
they are in the JSON: "fewer than k", "withheld" and "not shown" appear in words. A theme table
marked ``list_fewer`` names its themes counted "fewer than k" in one list beneath it instead of a
row each, and reads as one line when every figure in it is hidden; one marked ``list_zeros`` (themes
by group) names its empty groups and its themes no one cited beneath it instead of zeros. The
CSV, XLSX and JSON keep every row and column.
"""

from __future__ import annotations

import datetime as dt
import re
from importlib import resources

import jinja2

from analysis.disclosure import fewer_than_k, is_shown
from analysis.render.charts import chart_svg
from analysis.render.format import display
from analysis.reports.common import SEVERAL_THEMES
from analysis.reports.translation import N_, ReportWords, report_language


def _environment(words: ReportWords) -> jinja2.Environment:
    # A fresh environment per call keeps the module free of global state.
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resources.files("analysis.render") / "templates")),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=False,
        lstrip_blocks=False,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(words.catalogue, newstyle=True)  # type: ignore[attr-defined]
    return env


def _view(report: dict, words: ReportWords) -> dict:
    """Turn the report's figures into display text, once, for every output that shows them."""
    w = words
    params = report["parameters"]
    # Above the report, what a reader needs to place it (the council is named above the title);
    # the theme model's version, which only someone tracing a figure needs, follows the report.
    parameters = [(w.gettext("Period"), w.period(params["period"])),
                  (w.gettext("Disclosure threshold"), w.gettext("{k} people", k=params["k"])),
                  (w.gettext("Generated"), _day(params.get("generated_at"), w))]
    details = [(w.gettext("Theme model"), params["model_version"])] if params.get("model_version") else []
    sections = []
    for s in report["sections"]:
        tables = []
        titles = {}
        for t in s.get("tables", []):
            titles[t["id"]] = t["title"]
            units = [col["unit"] for col in t["columns"]]
            rows = []
            for row in t["rows"]:
                # A row may carry its own unit (a count row in a table of percentages).
                row_units = [row.get("unit") or u for u in units]
                rows.append({"label": row["label"], "cells": [
                    {"text": display(v, u, w), "hidden": not is_shown(v)}
                    for v, u in zip(row["values"], row_units, strict=True)]})
            shown = {"id": t["id"], "title": t["title"], "row_header": t["row_header"],
                     "columns": [col["label"] for col in t["columns"]], "rows": rows, "note": t.get("note")}
            if t.get("list_fewer"):
                shown = _fewer_listed(t, shown, w)
            elif t.get("list_zeros"):
                shown = _zeros_listed(t, shown, w, params["k"])
            tables.append(shown)
        charts = [{**c, "svg": chart_svg(c), "table_title": titles.get(c.get("table_id"), "")}
                  for c in s.get("charts", [])]
        sections.append({**s, "tables": tables, "charts": charts,
                         "paragraphs": s.get("paragraphs", [])[1:] if s.get("paragraphs") else [],
                         "quotes": s.get("quotes", []), "actions": s.get("actions", [])})
    return {"report": report, "parameters": parameters, "details": details, "sections": sections,
            "council": params.get("council"), "marking": _marking(params.get("marking"), w),
            "lang": w.html_lang}


def _day(timestamp: str | None, w: ReportWords) -> str:
    """An ISO 8601 time ("2025-07-01T09:00:00+00:00") as the day a reader says ("1 July 2025");
    anything else as it is. The exports keep the exact time."""
    if not timestamp:
        return ""
    try:
        return w.date(dt.datetime.fromisoformat(timestamp).date())
    except ValueError:
        return timestamp


#: What leads the list of themes a table counts "fewer than k" each, by what the table counts
#: and whether themes with figures are shown above it.
FEWER_LISTED = {
    ("leavers", False): N_("Raised by fewer than {k} leavers each:"),
    ("leavers", True): N_("Also raised, by fewer than {k} leavers each:"),
    ("remarks", False): N_("Raised in fewer than {k} remarks each:"),
    ("remarks", True): N_("Also raised, in fewer than {k} remarks each:"),
}


def _fewer_listed(table: dict, shown: dict, w: ReportWords) -> dict:
    """A theme table for reading (``list_fewer`` in the JSON): the themes counted "fewer than k"
    leave the table for one list under it, in the table's order; a table left with nothing but
    its hidden total reads as one line. The same facts, in fewer lines: every theme the JSON
    lists is still named, and the total row stays."""
    total, *themes = zip(table["rows"], shown["rows"], strict=True)
    fewer = [fewer_than_k(row["values"][0]) for row, _ in themes]
    listed = [view["label"] for (_, view), k in zip(themes, fewer, strict=True) if k]
    kept = [total[1]] + [view for (_, view), k in zip(themes, fewer, strict=True) if not k]
    result = {**shown, "rows": kept}
    if listed:
        lead = w.gettext(FEWER_LISTED[(table["list_fewer"], len(kept) > 1)], k=next(k for k in fewer if k))
        result["listed"] = {"lead": lead, "labels": listed}
    if len(kept) == 1 and not is_shown(total[0]["values"][0]):
        result["line"] = w.gettext("{title}: {label}, {value}.", title=shown["title"], label=total[1]["label"],
                                   value=total[1]["cells"][0]["text"])
    return result


def _zeros_listed(table: dict, shown: dict, w: ReportWords, k: int) -> dict:
    """A table of themes by group for reading (``list_zeros`` in the JSON): the groups with no
    one in them and the themes no one in any group cited leave the table for the lines beneath
    it. The same facts, without rows and columns of zeros. Where no theme is shown as cited by
    k or more people in any one group, the table compares nothing and reads as one line giving
    the group sizes (the CSV and XLSX keep its cells)."""
    sizes = table["rows"][0]["values"]
    empty = [i for i, n in enumerate(sizes) if _is_zero(n)]
    if len(empty) == len(sizes):
        return shown
    keep = [i for i in range(len(sizes)) if i not in empty]
    rows, unraised = [], []
    for raw, view in zip(table["rows"], shown["rows"], strict=True):
        if rows and all(_is_zero(raw["values"][i]) for i in keep):
            unraised.append(view["label"])
        else:
            rows.append({**view, "cells": [view["cells"][i] for i in keep]})
    result = {**shown, "rows": rows, "columns": [shown["columns"][i] for i in keep]}
    if not any(is_shown(v) and float(v) >= k for row in table["rows"][1:] for i, v in enumerate(row["values"])
               if i in keep):
        groups = "; ".join(f"{label}: {cell['text']}" for label, cell in zip(result["columns"], rows[0]["cells"],
                                                                           strict=True))
        result["line"] = w.gettext("{title}: no theme is shown as cited by {k} or more people in any one group, so "
                                   "the groups cannot be compared. People in each group: {groups}.",
                                   title=shown["title"], k=k, groups=groups)
        unraised = []
        # Nothing is compared, so there are no columns to add up; other notes (groups merged
        # into Other) still explain the sizes given.
        result["note"] = (shown.get("note") or "").replace(w.gettext(SEVERAL_THEMES), "").strip() or None
    if unraised:
        result["listed"] = {"lead": w.gettext("Cited by no one in any group:"), "labels": unraised}
    if empty:
        groups = w.listed([shown["columns"][i] for i in empty])
        result["note"] = " ".join(filter(None, [w.gettext("No leavers in: {groups}.", groups=groups),
                                                result.get("note")]))
    return result


def _is_zero(value: object) -> bool:
    return is_shown(value) and float(value) == 0


# The Government Security Classifications a council is likely to set, so that the catalogue
# carries them.
MARKINGS = (N_("OFFICIAL"), N_("OFFICIAL-SENSITIVE"))


def _marking(marking: str | None, w: ReportWords) -> str | None:
    """The protective marking line in the edition's language. A council's own wording is
    translated when the catalogue knows it (the Government Security Classifications do), else
    printed as the council set it."""
    return w.gettext(marking) if marking else marking


def _page_numbers_css(w: ReportWords) -> str:
    """The printed page footer ("Page 3 of 12") in the edition's language, as a CSS rule that
    replaces the stylesheet's English one; nothing for English. The sentence is translated
    whole and its placeholders become CSS page counters."""
    if w.language == "en":
        return ""
    parts = re.split(r"(\{page\}|\{pages\})", w.gettext("Page {page} of {pages}"))
    content = " ".join({"{page}": "counter(page)", "{pages}": "counter(pages)"}.get(part, _css_string(part))
                       for part in parts if part)
    return f"@page {{ @bottom-center {{ content: {content}; }} }}"


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ") + '"'


def render_html_fragment(report: dict, *, language: str | None = None) -> str:
    """The report body with GOV.UK-Frontend-style class names, for embedding in a page.
    ``language``: the report's own (see :func:`analysis.reports.translation.report_language`)."""
    words = ReportWords(report_language(report, language))
    return _environment(words).get_template("fragment.html").render(**_view(report, words))


def render_html_page(report: dict, *, for_print: bool = False, language: str | None = None) -> str:
    """A standalone HTML page with its own screen and print CSS, with ``lang`` and title in the
    report's language (``language`` as for :func:`render_html_fragment`)."""
    words = ReportWords(report_language(report, language))
    env = _environment(words)
    css = (resources.files("analysis.render") / "templates" / "report.css").read_text(encoding="utf-8")
    css += _page_numbers_css(words)
    view = _view(report, words)
    fragment = env.get_template("fragment.html").render(**view)
    return env.get_template("page.html").render(report=report, css=css, fragment=fragment, for_print=for_print,
                                                council=view["council"], marking=view["marking"],
                                                lang=view["lang"])
