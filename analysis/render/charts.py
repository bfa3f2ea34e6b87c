"""Charts as SVG, drawn with matplotlib's Agg backend (no display, no downloads).

What comes in: a chart dict from a report (``type`` ``line`` or ``stacked_bar``, ``x_labels``,
``series`` of ``{"label", "values"}`` with ``None`` for withheld points). What goes out: an SVG
string for inline use. Colours come from a palette readable with common colour-vision
deficiencies, and every series also differs by marker or hatching and carries a text label,
so colour is never the only cue. The report shows the chart's data table beside it.
"""

from __future__ import annotations

import io
import re

# Okabe and Ito's palette, safe for the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
HATCHES = ["", "//", "..", "xx", "\\\\", "--", "++", "oo"]
LINESTYLES = ["-", "--", "-.", ":", "-", "--", "-.", ":"]


def _pyplot():
    """matplotlib's pyplot on the Agg backend, loaded on first use (it costs about half a second,
    which every command and web worker would otherwise pay at start-up)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _style() -> dict:
    return {
        "font.family": ["DejaVu Sans"],
        "font.size": 9,
        "svg.fonttype": "none",  # keep text as text: selectable, readable by assistive tools
        "svg.hashsalt": "exitvoice",  # stable ids, so the same report gives the same SVG
        "axes.spines.top": False,
        "axes.spines.right": False,
    }


def chart_svg(chart: dict, width: float = 7.5, height: float = 3.4) -> str:
    """Draw one chart and return it as an SVG string (no XML prolog)."""
    plt = _pyplot()
    with plt.rc_context(_style()):
        fig, ax = plt.subplots(figsize=(width, height))
        try:
            x = list(range(len(chart["x_labels"])))
            if chart["type"] == "line":
                _line(ax, x, chart["series"])
            elif chart["type"] == "stacked_bar":
                _stacked(ax, x, chart["series"])
            else:
                raise ValueError(f"unknown chart type {chart['type']!r}")
            ax.set_xticks(x)
            ax.set_xticklabels(chart["x_labels"], rotation=30, ha="right", fontsize=7.5)
            ax.set_ylabel(chart.get("y_label", ""))
            ax.set_ylim(bottom=0)
            ax.grid(axis="y", color="#dddddd", linewidth=0.6)
            ax.set_axisbelow(True)
            fig.tight_layout()
            buffer = io.StringIO()
            fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        finally:
            plt.close(fig)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]
    title = _escape(chart.get("title", "Chart"))
    # Name the image for screen readers; the table beside it holds the numbers.
    return re.sub(r"<svg ", f'<svg role="img" aria-label="{title}" ', svg, count=1)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _line(ax, x: list[int], series: list[dict]) -> None:
    for i, s in enumerate(series):
        ys = [float("nan") if v is None else float(v) for v in s["values"]]
        color = PALETTE[i % len(PALETTE)]
        ax.plot(x, ys, color=color, marker=MARKERS[i % len(MARKERS)], linestyle=LINESTYLES[i % len(LINESTYLES)],
                linewidth=1.8, markersize=5, label=s["label"])
    # The legend sits outside the plot; markers and line styles tell series apart without colour.
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7.5, frameon=False)


def _stacked(ax, x: list[int], series: list[dict]) -> None:
    bottoms = [0.0] * len(x)
    for i, s in enumerate(series):
        ys = [0.0 if v is None else float(v) for v in s["values"]]
        ax.bar(x, ys, bottom=bottoms, color=PALETTE[i % len(PALETTE)], edgecolor="white",
               hatch=HATCHES[i % len(HATCHES)], label=s["label"], width=0.7)
        bottoms = [b + y for b, y in zip(bottoms, ys, strict=True)]
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7, frameon=False)
