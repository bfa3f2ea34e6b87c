"""HTML of a built report: a fragment for the app's pages, or a standalone page.

What comes in: the dict from a report builder. What goes out: HTML text. Every table of the
report is shown as a table (charts also have their table), with the published figures as
they are in the JSON: "fewer than k", "withheld" and "not shown" appear in words.
"""

from __future__ import annotations

from importlib import resources

import jinja2

from analysis.disclosure import is_shown
from analysis.render.charts import chart_svg
from analysis.render.format import display


def _environment() -> jinja2.Environment:
    # A fresh environment per call keeps the module free of global state.
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resources.files("analysis.render") / "templates")),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=False,
        lstrip_blocks=False,
    )


def _view(report: dict) -> dict:
    """Turn the report's figures into display text, once, for every output that shows them."""
    params = report["parameters"]
    parameters = [("Council", params["council"])] if params.get("council") else []
    parameters += [("Period", params["period"]), ("Disclosure threshold", f"{params['k']} people"),
                  ("Generated", params.get("generated_at") or "")]
    if params.get("model_version"):
        parameters.append(("Theme model", params["model_version"]))
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
                    {"text": display(v, u), "hidden": not is_shown(v)}
                    for v, u in zip(row["values"], row_units, strict=True)]})
            tables.append({"id": t["id"], "title": t["title"], "row_header": t["row_header"],
                           "columns": [col["label"] for col in t["columns"]], "rows": rows,
                           "note": t.get("note")})
        charts = [{**c, "svg": chart_svg(c), "table_title": titles.get(c.get("table_id"), "")}
                  for c in s.get("charts", [])]
        sections.append({**s, "tables": tables, "charts": charts,
                         "paragraphs": s.get("paragraphs", [])[1:] if s.get("paragraphs") else [],
                         "quotes": s.get("quotes", []), "actions": s.get("actions", [])})
    return {"report": report, "parameters": parameters, "sections": sections,
            "council": params.get("council"), "marking": params.get("marking")}


def render_html_fragment(report: dict) -> str:
    """The report body with GOV.UK-Frontend-style class names, for embedding in a page."""
    return _environment().get_template("fragment.html").render(**_view(report))


def render_html_page(report: dict, *, for_print: bool = False) -> str:
    """A standalone HTML page with its own screen and print CSS."""
    env = _environment()
    css = (resources.files("analysis.render") / "templates" / "report.css").read_text(encoding="utf-8")
    view = _view(report)
    fragment = env.get_template("fragment.html").render(**view)
    return env.get_template("page.html").render(report=report, css=css, fragment=fragment, for_print=for_print,
                                                council=view["council"], marking=view["marking"])
