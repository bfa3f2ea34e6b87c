"""Rendering built reports: HTML (fragment or page), PDF, CSV (zip), XLSX, JSON and SVG charts.

Renderers take the dict a report builder returned and only present it: they never count or
decide what may be published.
"""

from analysis.render.exports import render_csv_zip, render_json, render_xlsx
from analysis.render.html import render_html_fragment, render_html_page
from analysis.render.pdf import render_pdf

__all__ = [
    "render_csv_zip",
    "render_html_fragment",
    "render_html_page",
    "render_json",
    "render_pdf",
    "render_xlsx",
]
