"""Zero-shot themes against the frozen keyword baseline, on held-out labelled review comments.

    python bench/themes/lexicon_eval.py PATH/indeed_reviews/dev.csv [--codes-curve 0,25,50,100,200,400]

Prints, for the 500 held-out ``cons`` comments of ``heldout.py`` and the themes two labellers gave
them apart (``labels/indeed_heldout.csv``):

* agreement between the labellers (micro-F1 of one against the other, Cohen's kappa per theme);
* micro precision, recall and F1, and macro F1, of the keyword baseline (``baseline.py``), of the
  seed phrases alone (the taxonomy without its ``phrases``), and of the lexicon (seeds and
  phrases), each scored against labeller A, labeller B, and the themes both gave (the
  comments' agreed themes, every comment kept);
* per theme, F1 of the baseline and the lexicon against the agreed themes;
* with ``--codes-curve``, the whole pipeline's learning curve (``python -m analysis evaluate
  --codes-curve``, 5-fold) against each labeller.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score, f1_score, precision_recall_fscore_support

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from baseline import keyword_themes  # noqa: E402
from heldout import labelled  # noqa: E402

from analysis.taxonomy import load_taxonomy  # noqa: E402
from analysis.text import TextPreparer  # noqa: E402
from analysis.themes.evaluate import evaluate_codes_curve  # noqa: E402
from analysis.themes.seeds import SeedMatcher  # noqa: E402


def matrix(themes: list[list[str]], ids: list[str]) -> np.ndarray:
    column = {t: j for j, t in enumerate(ids)}
    out = np.zeros((len(themes), len(ids)), dtype=bool)
    for i, row in enumerate(themes):
        for theme in row:
            out[i, column[theme]] = True
    return out


def scores(truth: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    p, r, f, _ = precision_recall_fscore_support(truth, predicted, average="micro", zero_division=0)
    return {"precision": p, "recall": r, "micro_f1": f, "macro_f1": f1_score(truth, predicted, average="macro",
                                                                            zero_division=0)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="indeed_reviews/dev.csv")
    parser.add_argument("--codes-curve", metavar="N,N,...", help="also print the learning curve with N HR codes")
    args = parser.parse_args(argv)

    data = labelled(args.path)
    taxonomy = load_taxonomy()
    ids = taxonomy.ids
    a, b = matrix(data["labeller_a"].tolist(), ids), matrix(data["labeller_b"].tolist(), ids)
    agreed = a & b
    texts = data["text"].tolist()
    print(f"{len(texts)} held-out comments; labeller A {a.sum()} themes, B {b.sum()}, both {agreed.sum()}")
    print(f"agreement: micro-F1 of B against A {f1_score(a, b, average='micro'):.3f}")
    kappas = {
        t: cohen_kappa_score(a[:, j], b[:, j]) for j, t in enumerate(ids) if min(a[:, j].sum(), b[:, j].sum()) >= 5
    }
    print("Cohen's kappa per theme (both used it 5+ times): "
          + ", ".join(f"{t} {k:.2f}" for t, k in sorted(kappas.items(), key=lambda kv: -kv[1])))

    preparer = TextPreparer()
    docs = preparer.transform(texts)
    seeds_only = dataclasses.replace(
        taxonomy, themes=tuple(dataclasses.replace(t, phrases=()) for t in taxonomy.themes)
    )
    systems = {
        "keyword baseline (18 regexes)": matrix([keyword_themes(t) for t in texts], ids),
        "seed phrases only": SeedMatcher(seeds_only, preparer).transform(docs).assigned,
        "lexicon (seeds + phrases)": SeedMatcher(taxonomy, preparer).transform(docs).assigned,
    }
    rows = []
    for name, predicted in systems.items():
        for truth_name, truth in (("A", a), ("B", b), ("both", agreed)):
            rows.append({"system": name, "truth": truth_name, **scores(truth, predicted)})
    table = pd.DataFrame(rows)
    print()
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))

    per_theme = []
    for j, theme in enumerate(ids):
        per_theme.append(
            {
                "theme": theme,
                "agreed": int(agreed[:, j].sum()),
                **{
                    name: f1_score(agreed[:, j], predicted[:, j], zero_division=0)
                    for name, predicted in systems.items()
                    if name != "seed phrases only"
                },
            }
        )
    print()
    print(pd.DataFrame(per_theme).to_string(index=False, float_format=lambda v: f"{v:.2f}"))

    if args.codes_curve:
        sizes = [int(n) for n in args.codes_curve.split(",")]
        for truth_name, truth in (("A", a), ("B", b)):
            curve = evaluate_codes_curve(texts, truth, ids, taxonomy, sizes, cv=5, seed=42)
            print(f"\ncodes curve against labeller {truth_name} (5-fold):")
            print(curve.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
