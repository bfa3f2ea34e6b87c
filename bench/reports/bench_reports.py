"""Time building and rendering one quarterly report on synthetic history.

Usage: python bench/reports/bench_reports.py [--years 1 10] [--leavers 5000] [--comments 3]

For each history length it generates synthetic frames (5,000 leavers a year, 3 comments
each by default), then times: the report JSON (build + serialise), HTML (page), and PDF.
Figures are wall-clock seconds on this machine, one run each after generation.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))

from analysis.render import render_html_page, render_pdf
from analysis.reports import build_quarterly_report
from analysis.reports.synthetic import THEME_LABELS, synthetic_frames

TARGETS = {"json": 2.0, "html": 3.0, "pdf": 10.0}


def run(years: int, leavers: int, comments: int, quarter: str) -> dict:
    t0 = time.perf_counter()
    frames = synthetic_frames(quarter, years=years, leavers_per_year=leavers, comments_per_leaver=comments, seed=1)
    generated = time.perf_counter() - t0
    t0 = time.perf_counter()
    report = build_quarterly_report(frames["responses"], frames["comments"], frames["theme_assignments"],
                                    frames["headcounts"], quarter=quarter, theme_labels=THEME_LABELS,
                                    generated_at="2025-07-01T09:00:00", model_version="bench")
    text = json.dumps(report)
    t_json = time.perf_counter() - t0
    t0 = time.perf_counter()
    render_html_page(report)
    t_html = time.perf_counter() - t0
    t0 = time.perf_counter()
    pdf = render_pdf(report)
    t_pdf = time.perf_counter() - t0
    return {"years": years, "responses": len(frames["responses"]), "comments": len(frames["comments"]),
            "generate_s": round(generated, 2), "json_s": round(t_json, 2),
            "html_from_json_s": round(t_html, 2), "html_s": round(t_json + t_html, 2),
            "pdf_from_json_s": round(t_pdf, 2), "pdf_s": round(t_json + t_pdf, 2),
            "json_kb": len(text) // 1024, "pdf_kb": len(pdf) // 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--leavers", type=int, default=5000)
    parser.add_argument("--comments", type=int, default=3)
    parser.add_argument("--quarter", default="2025/26 Q1")
    args = parser.parse_args()
    print(f"cpus={os.cpu_count()} leavers/year={args.leavers} comments/leaver={args.comments}")
    for years in args.years:
        r = run(years, args.leavers, args.comments, args.quarter)
        verdict = ", ".join(f"{k} {'ok' if r[k + '_s'] <= v else 'OVER'} (target {v:g}s)" for k, v in TARGETS.items())
        print(json.dumps(r))
        print(f"  {verdict}")


if __name__ == "__main__":
    main()
