"""Render a synthetic quarter to HTML and PDF for the screenshots in docs/screenshots/.

Usage: python bench/reports/make_screenshots.py OUT_DIR
Writes OUT_DIR/report.html and OUT_DIR/report.pdf; take the PNGs with chromium and pdftoppm
(see bench/reports/README.md).
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))

from analysis.render import render_html_page, render_pdf
from analysis.reports import build_quarterly_report
from analysis.reports.synthetic import THEME_LABELS, synthetic_frames


def main(out_dir: str) -> None:
    frames = synthetic_frames("2025/26 Q1", years=2, leavers_per_year=320, seed=1)
    report = build_quarterly_report(
        frames["responses"], frames["comments"], frames["theme_assignments"], frames["headcounts"],
        quarter="2025/26 Q1", theme_labels=THEME_LABELS, generated_at="2025-07-07T09:00:00",
        model_version="themes-synthetic-1",
        quotes=[{"theme_id": "caseload", "text": "My caseload was far too high to do the work properly."},
                {"theme_id": "pay", "text": "Neighbouring councils pay more for the same job."}],
        actions=[{"theme_id": "caseload", "text": "Caseloads in the assessment teams are now capped at 18 children, "
                                                  "reviewed monthly."},
                 {"theme_id": "pay", "text": "A market supplement was agreed for experienced social workers."}],
    )
    # What the app adds to every report it builds (a configured council name and protective
    # marking), so that the screenshots show what readers see.
    report["parameters"].update(council="Northshire County Council", marking="OFFICIAL-SENSITIVE")
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "report.html"), "w", encoding="utf-8") as fh:
        fh.write(render_html_page(report))
    with open(os.path.join(out_dir, "report.pdf"), "wb") as fh:
        fh.write(render_pdf(report))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "bench/out")
