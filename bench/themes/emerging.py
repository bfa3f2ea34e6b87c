"""Are emerging themes usable? Topics among public employee comments no taxonomy theme explains.

Samples ``--comments`` texts (``pros`` and ``cons``) from the review file with a fixed seed, runs
the theme pipeline (seeds only), and prints each emerging theme: label, size, share of the
unexplained comments, NPMI coherence and terms. As a baseline, k-means (the method used before,
with the same number of clusters, on the same TF-IDF features) is run on the same comments and
summarised the same way: mean NPMI of its clusters' top terms and the share of its largest
cluster (a catch-all shows as a large share).

    python bench/themes/emerging.py PATH/TO/indeed_reviews/dev.csv [--comments 5000] [--seed 1]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from analysis.taxonomy import load_taxonomy  # noqa: E402
from analysis.themes import ThemePipeline  # noqa: E402
from analysis.themes.emerging import _feature_tokens, npmi_coherence  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="indeed_reviews/dev.csv")
    parser.add_argument("--comments", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    reviews = pd.read_csv(args.path)
    texts = pd.concat([reviews["pros"], reviews["cons"]]).dropna().astype(str)
    texts = texts[texts.str.strip().ne("MISS")].sample(args.comments, random_state=args.seed).tolist()
    pipeline = ThemePipeline(load_taxonomy(), seed=0)
    started = time.perf_counter()
    run = pipeline.run(texts, sentiment=False)
    seconds = time.perf_counter() - started
    finder = pipeline.emerging
    unexplained = int((~run.comments["theme_ids"].map(bool)).sum())
    themes = run.emerging.themes
    print(f"{len(texts)} comments, {unexplained} unexplained by the taxonomy; {len(themes)} emerging themes "
          f"(k={finder.k_}) in {seconds:.1f} s; {int(themes['size'].sum())} comments in them")
    print(f"{'label':<28} {'size':>5} {'share':>6} {'NPMI':>6}  terms")
    for row in themes.itertuples():
        print(f"{row.label:<28} {row.size:>5} {row.size / unexplained:>6.1%} {row.coherence:>6.3f}  "
              f"{', '.join(row.terms)}")
    print(f"mean NPMI {themes['coherence'].mean():.3f}; largest share {themes['size'].max() / unexplained:.1%}")

    # Baseline: k-means with the same k on the same features of the same comments.
    vectoriser = finder.vectoriser_
    docs = pipeline._prepare([t for t, ids in zip(texts, run.comments["theme_ids"], strict=True) if not ids])
    features = [_feature_tokens(d.joined) for d in docs]
    X = vectoriser.transform(features)
    keep = np.asarray(X.getnnz(axis=1) > 0)
    X = X[keep]
    binary = (X > 0).astype(np.int8).tocsr()
    km = KMeans(n_clusters=max(finder.k_, 2), n_init=4, random_state=0).fit(X)
    names = vectoriser.get_feature_names_out()
    sizes = np.bincount(km.labels_)
    scores = []
    print(f"\nbaseline k-means, k={km.n_clusters}:")
    for c in np.argsort(-sizes):
        top = np.argsort(-km.cluster_centers_[c])[:6]
        scores.append(npmi_coherence(binary, top))
        print(f"{' / '.join(names[top[:2]]):<28} {sizes[c]:>5} {sizes[c] / unexplained:>6.1%} {scores[-1]:>6.3f}")
    print(f"mean NPMI {np.mean(scores):.3f}; largest share {sizes.max() / unexplained:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
