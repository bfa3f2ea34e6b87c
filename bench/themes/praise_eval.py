"""The praise rule of the reasons question, measured on held-out public review comments.

    python bench/themes/praise_eval.py PATH/indeed_reviews/dev.csv

The rule (``analysis/themes/praise.py``) was written on the development rows only. Its job is to
leave out praise written in answer to "why are you leaving?" without losing any complaint. Two
measures, on the rows of the held-out sample of ``heldout.py``:

* the ``pros`` texts of those rows (what reviewers liked), read as if each were an answer to the
  reasons question: every theme the lexicon finds there is praise, so the fewer the better;
* the labelled held-out ``cons`` texts (``labels/indeed_heldout.csv``), read as reasons: micro
  precision, recall and F1 against each labeller must not fall, and the themes the rule removes
  are printed so a reader can judge each one.
The same figures for the development rows are printed beside them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from heldout import labelled, split  # noqa: E402
from lexicon_eval import matrix, scores  # noqa: E402

from analysis.taxonomy import load_taxonomy  # noqa: E402
from analysis.text import TextPreparer  # noqa: E402
from analysis.themes.praise import without_praise  # noqa: E402
from analysis.themes.seeds import SeedMatcher  # noqa: E402


def english(texts: list[str]) -> list[str]:
    return [t for t in texts if t.strip() and t.strip() != "MISS" and t.isascii() and len(t.split()) >= 1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="indeed_reviews/dev.csv")
    args = parser.parse_args(argv)

    taxonomy = load_taxonomy()
    preparer = TextPreparer()
    matcher = SeedMatcher(taxonomy, preparer)

    def assigned(texts: list[str]):
        return matcher.transform(preparer.transform(texts)).assigned

    frame = pd.read_csv(args.path, dtype=str, keep_default_na=False)
    held, development = split(args.path)
    rows = []
    for name, part in (("held-out", held), ("development", development)):
        pros = english(frame.loc[part["row"], "pros"].tolist())
        before, after = assigned(pros), assigned([without_praise(t) for t in pros])
        rows.append({"rows": name, "pros texts": len(pros), "themes found": int(before.sum()),
                     "with the rule": int(after.sum()), "texts with a theme": int(before.any(axis=1).sum()),
                     "with the rule ": int(after.any(axis=1).sum())})
    print("Praise (pros) read as answers to the reasons question: themes the lexicon finds")
    print(pd.DataFrame(rows).to_string(index=False))

    data = labelled(args.path)
    ids = taxonomy.ids
    texts = data["text"].tolist()
    truth = {"A": matrix(data["labeller_a"].tolist(), ids), "B": matrix(data["labeller_b"].tolist(), ids)}
    truth["both"] = truth["A"] & truth["B"]
    before, after = assigned(texts), assigned([without_praise(t) for t in texts])
    table = []
    for label, predicted in (("without the rule", before), ("with the rule", after)):
        for who, t in truth.items():
            table.append({"lexicon": label, "truth": who, **scores(t, predicted)})
    print()
    print(f"Held-out labelled cons ({len(texts)}) read as reasons")
    print(pd.DataFrame(table).to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    removed = [(i, [ids[j] for j in range(len(ids)) if before[i, j] and not after[i, j]])
               for i in range(len(texts)) if (before[i] & ~after[i]).any()]
    print()
    print(f"Themes the rule removes from held-out cons: {sum(len(r) for _, r in removed)}")
    for i, themes in removed:
        agreed = [t for t in themes if truth["both"][i, ids.index(t)]]
        print(f"  {', '.join(themes)} (both labellers gave: {', '.join(agreed) or 'none'}): {texts[i][:140]!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
