"""How much the reports say, and whether a reader holding all of them can work anything out.

Usage: python bench/reports/usefulness.py [--sizes 12 15 30 60] [--seeds 1 2 3] [--attack] [--as-published]

For each council size (leavers a quarter) and seed it builds eight quarterly reports ending
2025/26 Q1 (synthetic history from 2023/24 Q2) and prints, per council:

- top5_shown: of the 5 truly most cited themes of each of the 8 quarters (40 cells), how many
  the ranked table shows in some honest form: a count, or "fewer than k" (a range);
- top3_right: quarters whose "At a glance" names, in order, the truly most cited themes among
  those it may name (k or more people, printed as a number in the ranked table); ties may come
  in either order;
- top3_named: of the true top 3 themes of each quarter (24), how many "At a glance" names;
- service: quarters whose "At a glance" answers "newer or longer-serving?";
- total_shown: quarters whose number of respondents is printed;
- with --attack, recovered: hidden figures the adversary of ``tests/analysis/adversary.py``
  works out from the 8 quarterly, 8 length-of-service and one annual report (should be 0).

With ``--as-published`` the reports are built one after another as the app publishes them
(each quarter's quarterly, then its length-of-service report, then the year's): each keeps the
figures already published for its periods and knows the comparisons already stated.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))

from analysis.periods import Quarter  # noqa: E402
from analysis.reports import (  # noqa: E402
    build_annual_report,
    build_length_of_service_report,
    build_quarterly_report,
)
from analysis.reports.common import published_figures, published_relations, published_statements  # noqa: E402
from analysis.reports.synthetic import THEME_LABELS, synthetic_frames  # noqa: E402
from tests.analysis.truth import theme_counts  # noqa: E402

K = 5


def council(per_quarter: int, seed: int, attack: bool, as_published: bool = False) -> dict:
    frames = synthetic_frames("2025/26 Q1", years=2, leavers_per_year=4 * per_quarter, seed=seed)
    args = (frames["responses"], frames["comments"], frames["theme_assignments"], frames["headcounts"])
    top5 = top3 = named_top3 = service = totals = 0
    reports = []
    every = []  # every report in the order the app would publish them

    def known(statements: bool = True) -> dict:
        """With --as-published, what the app gives a draft: the figures and comparisons published."""
        if not as_published:
            return {}
        return {"published": published_figures(every), "published_relations": published_relations(every),
                **({"statements": published_statements(every)} if statements else {})}

    for q in Quarter.parse("2025/26 Q1").last_n(8):
        report = build_quarterly_report(*args, quarter=q.label, theme_labels=THEME_LABELS, k=K, **known())
        reports.append(report)
        every.append(report)
        if attack:
            every.append(build_length_of_service_report(*args, quarter=q.label, theme_labels=THEME_LABELS, k=K,
                                                        **known(statements=False)))
        truth = theme_counts(frames, [q.label])
        ranked = next(t for s in report["sections"] for t in s["tables"] if t["id"] == "themes_ranked")
        shown = {row["id"]: row["values"][0] for row in ranked["rows"]}
        best = sorted(truth, key=lambda t: -truth[t])[:5]
        top5 += sum(1 for t in best if isinstance(shown.get(t), int) or str(shown.get(t)).startswith("fewer"))
        glance = report["sections"][0]["paragraphs"]
        line = next((x.lower() for x in glance if x.startswith(("The reason", "Themes cited"))), "")
        ranked_part, _, withheld_part = line.partition("withheld to protect individuals")
        if line.startswith("themes cited"):
            ranked_part = ""
        named = [t for t in THEME_LABELS if THEME_LABELS[t].lower() in ranked_part.split("also cited")[0]]
        named.sort(key=lambda t: line.find(THEME_LABELS[t].lower()))
        withheld = [t for t in THEME_LABELS if THEME_LABELS[t].lower() in withheld_part]
        # Right: the themes named are, in order, the truly most cited of those a report may
        # name (k or more people, not withheld); ties may come in either order.
        nameable = sorted((t for t in truth if truth[t] >= K and t not in withheld and isinstance(shown.get(t), int)),
                          key=lambda t: -truth[t])[:3]
        if [truth[t] for t in named] == [truth[t] for t in nameable]:
            top3 += 1
        named_top3 += len(set(named) & set(sorted(truth, key=lambda t: -truth[t])[:3]))
        service += any("years' service" in x for x in glance)
        totals += glance[0][0].isdigit()
    result = {"leavers/q": per_quarter, "seed": seed, "top5_shown/40": top5, "top3_right/8": top3,
              "top3_named/24": named_top3,
              "service/8": service, "total_shown/8": totals}
    if attack:
        sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "tests", "analysis")))
        from adversary import read

        every.append(build_annual_report(*args, year="2024/25", theme_labels=THEME_LABELS, k=K, **known()))
        t0 = time.perf_counter()
        found = read(every, K).attack(seed=seed)
        result["recovered"] = len(found)
        result["attack_s"] = round(time.perf_counter() - t0, 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[12, 15, 30, 60])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--attack", action="store_true")
    parser.add_argument("--as-published", action="store_true",
                        help="build the reports one after another as the app publishes them: each keeps the "
                             "figures already published and knows the comparisons already stated")
    args = parser.parse_args()
    rows = [council(size, seed, args.attack, args.as_published) for size in args.sizes for seed in args.seeds]
    head = list(rows[0])
    print(" | ".join(head))
    for r in rows:
        print(" | ".join(str(r.get(h, "")) for h in head))


if __name__ == "__main__":
    main()
