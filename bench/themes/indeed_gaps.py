"""Do zero-shot themes mean what they say? Check them against employees' own area ratings.

Reads the Indeed reviews dev split (``cons`` text plus 1-5 ratings per area; 0 = not rated),
assigns themes from the seed phrases only, and for each checked theme compares the mean of
(area rating - overall rating) over comments given the theme with the same mean over all
comments. A theme that means what it says should pick out people who rate that area lower
than they rate the employer overall: the gap should be at least 0.3 below the baseline.

    python bench/themes/indeed_gaps.py PATH/TO/indeed_reviews/dev.csv
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from analysis.themes import ThemePipeline  # noqa: E402

CHECKS = {
    "pay": "compensation_benefits_rating",
    "management": "management_rating",
    "flexibility": "work_life_balance_rating",
}
REQUIRED_DROP = 0.3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="indeed_reviews/dev.csv")
    parser.add_argument("--text-column", default="cons")
    args = parser.parse_args(argv)

    reviews = pd.read_csv(args.path)
    reviews = reviews[reviews[args.text_column].notna() & (reviews[args.text_column].str.strip() != "MISS")]
    reviews = reviews.reset_index(drop=True)
    run = ThemePipeline(seed=0).run(reviews[args.text_column].tolist(), sentiment=False)
    themes = run.comments["theme_ids"]
    themed = float((themes.str.len() > 0).mean())
    print(f"{len(reviews)} comments ({args.text_column}), {themed:.1%} given at least one theme (seeds only)")
    print(f"model {run.model_version}\n")
    print(
        f"{'theme':<12} {'rating':<30} {'n all':>6} {'mean all':>9} {'n theme':>8} {'mean theme':>11} {'drop':>6}  ok"
    )
    ok_all = True
    for theme, rating in CHECKS.items():
        rated = (reviews[rating] > 0) & (reviews["overall_rating"] > 0)
        gap = (reviews[rating] - reviews["overall_rating"])[rated]
        has = themes.apply(lambda ids, t=theme: t in ids)[rated]
        drop = gap.mean() - gap[has].mean()
        ok = drop >= REQUIRED_DROP
        ok_all &= ok
        print(
            f"{theme:<12} {rating:<30} {len(gap):>6} {gap.mean():>9.3f} {int(has.sum()):>8} "
            f"{gap[has].mean():>11.3f} {drop:>6.3f}  {'yes' if ok else 'NO'}"
        )
    share = themes.explode().dropna().value_counts() / len(themes)
    print("\nshare of comments per theme:")
    print(share.round(3).to_string())
    return 0 if ok_all else 1


if __name__ == "__main__":
    sys.exit(main())
