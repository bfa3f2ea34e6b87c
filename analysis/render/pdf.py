"""PDF of a built report via WeasyPrint: A4, a contents list with page numbers, page footers."""

from __future__ import annotations

import logging

from analysis.render.html import render_html_page


def render_pdf(report: dict, *, language: str | None = None) -> bytes:
    """The standalone page laid out for print, as PDF bytes; ``language`` as for
    :func:`analysis.render.html.render_html_page` (the PDF's language and title follow it)."""
    import weasyprint  # imported here: it is heavy and only PDF output needs it

    # WeasyPrint reports unsupported CSS through logging; a report is not the place for it.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    html = render_html_page(report, for_print=True, language=language)
    # Tagged PDF: headings, tables and reading order are in the file, for screen readers; the
    # title and language come from the page's <title> and lang.
    return weasyprint.HTML(string=html).write_pdf(pdf_tags=True)
