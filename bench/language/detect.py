"""How well ``analysis.language.detect_language`` tells Welsh comments from English ones.

    python bench/language/detect.py PATH/TO/shared/data [--mixed 500] [--seed 3]

Welsh: the sentences of ``welsh_sentences_cc0/cy.txt`` (CC0). English: the ``cons`` and
``pros`` texts of ``indeed_reviews/dev.csv`` that are mostly ASCII (the file holds other
languages too) and the comments of ``nhs_patient_feedback_labelled/v6framework_230831.csv``.
Mixed: a Welsh sentence with an English phrase from the reviews put in its middle (should still
be Welsh), and an English comment with a short Welsh phrase put in (should still be English).
Prints precision and recall for Welsh on each set, and the confusion counts.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from analysis.language import detect_language  # noqa: E402

WELSH_PHRASES = ["diolch yn fawr", "mae'n ddrwg gen i", "bore da", "os gwelwch yn dda", "dim problem",
                 "chwarae teg", "iechyd da", "pob lwc"]


def english_texts(data: Path) -> list[str]:
    reviews = pd.read_csv(data / "indeed_reviews" / "dev.csv", dtype=str, keep_default_na=False)
    texts = [t for column in ("cons", "pros") for t in reviews[column]
             if t.strip() and t.strip() != "MISS" and sum(c.isascii() for c in t) / len(t) > 0.98]
    nhs = pd.read_csv(data / "nhs_patient_feedback_labelled" / "v6framework_230831.csv", dtype=str,
                      keep_default_na=False)
    texts += [t for t in nhs["FFT answer"] if t.strip() and t.strip() != "Did not answer"]
    return texts


def scores(texts: list[str], truth: str) -> tuple[int, int]:
    """(texts called Welsh, texts in all)."""
    return sum(detect_language(t) == "cy" for t in texts), len(texts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--mixed", type=int, default=500)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args(argv)
    welsh = [line.strip() for line in (args.data / "welsh_sentences_cc0" / "cy.txt").read_text(encoding="utf-8")
             .splitlines() if line.strip()]
    english = english_texts(args.data)
    rng = random.Random(args.seed)
    short_english = [t for t in english if 2 <= len(t.split()) <= 6]
    mixed_welsh, mixed_english = [], []
    for _ in range(args.mixed):
        words = rng.choice(welsh).split()
        cut = rng.randint(0, len(words))
        mixed_welsh.append(" ".join(words[:cut] + rng.choice(short_english).split() + words[cut:]))
        words = rng.choice(english).split()
        cut = rng.randint(0, len(words))
        mixed_english.append(" ".join(words[:cut] + rng.choice(WELSH_PHRASES).split() + words[cut:]))
    print(f"{'set':<40} {'texts':>7} {'called Welsh':>13}")
    results = {}
    for name, texts in (("Welsh sentences (cy.txt)", welsh), ("English comments (reviews, NHS)", english),
                        ("Welsh with an English phrase", mixed_welsh), ("English with a Welsh phrase", mixed_english)):
        called, total = scores(texts, "")
        results[name] = (called, total)
        print(f"{name:<40} {total:>7} {called:>13}")
    for label, cy_set, en_set in (("plain", "Welsh sentences (cy.txt)", "English comments (reviews, NHS)"),
                                  ("mixed", "Welsh with an English phrase", "English with a Welsh phrase")):
        tp, n_cy = results[cy_set]
        fp, n_en = results[en_set]
        precision = tp / (tp + fp) if tp + fp else 0.0
        print(f"{label}: Welsh precision {precision:.4f}, recall {tp / n_cy:.4f} "
              f"({tp} of {n_cy} Welsh found, {fp} of {n_en} English called Welsh)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
