"""The held-out sample of public review comments used to measure zero-shot themes.

The lexicon in ``analysis/taxonomy.yaml`` is written from the taxonomy's meaning and from the
``cons`` texts of the Indeed review file *outside* this sample; the sample itself is only ever
labelled and scored. Which rows belong to it is decided here, by a fixed rule, so anyone with the
same public file draws the same sample:

* English ``cons`` texts (mostly ASCII letters and at least one common English word), not ``MISS``,
  3 to 80 words;
* the rows ordered by a SHA-256 of their text (a fixed, content-based shuffle), the first
  ``SAMPLE_SIZE`` kept.

``bench/themes/labels/indeed_heldout.csv`` holds two labellers' themes for each sampled row, keyed
by the row's number in the file and the first 12 hex digits of the text's SHA-1 (so a changed
file is noticed), never the text itself.

    python bench/themes/heldout.py PATH/indeed_reviews/dev.csv --write-texts OUT.csv
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from pathlib import Path

import pandas as pd

SAMPLE_SIZE = 500
LABELS = Path(__file__).with_name("labels") / "indeed_heldout.csv"
_WORD = re.compile(r"[a-z]+")


def _english_words() -> frozenset[str]:
    from english_words import get_english_words_set

    return frozenset(get_english_words_set(["web2"], lower=True, alpha=True))


def text_key(text: str) -> str:
    """First 12 hex digits of the SHA-1 of a comment: ties a label row to its text."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def english_cons(path: str | Path) -> pd.DataFrame:
    """Every usable English ``cons`` text of the review file: columns ``row``, ``text``."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    known = _english_words()
    rows = []
    for number, text in zip(frame.index, frame["cons"], strict=True):
        words = text.split()
        if text.strip() == "MISS" or not 3 <= len(words) <= 80:
            continue
        letters = [c for c in text if c.isalpha()]
        if not letters or sum(c.isascii() for c in letters) / len(letters) < 0.98:
            continue
        tokens = _WORD.findall(text.lower())
        if not tokens or sum(t in known for t in tokens) / len(tokens) < 0.8:
            continue  # another language, or mostly misspelt
        rows.append((int(number), text))
    return pd.DataFrame(rows, columns=["row", "text"])


def split(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(held-out sample, development rows): the sample is never used to write the lexicon."""
    cons = english_cons(path)
    order = cons["text"].map(lambda t: hashlib.sha256(t.encode("utf-8")).hexdigest())
    cons = cons.assign(_order=order).sort_values(["_order", "row"]).drop(columns="_order")
    # Identical texts fall on the same side: a duplicate of a held-out text is held out too.
    held_texts = set(cons.drop_duplicates("text")["text"].head(SAMPLE_SIZE))
    held = cons[cons["text"].isin(held_texts)].drop_duplicates("text").head(SAMPLE_SIZE)
    development = cons[~cons["text"].isin(held_texts)]
    return held.reset_index(drop=True), development.reset_index(drop=True)


def labelled(path: str | Path, labels: str | Path = LABELS) -> pd.DataFrame:
    """The held-out sample joined to its labels: ``row``, ``text``, ``labeller_a``, ``labeller_b``
    (each a list of theme ids). Fails if a label row no longer matches its text."""
    held, _ = split(path)
    table = pd.read_csv(labels, dtype=str, keep_default_na=False).astype({"row": int})
    merged = held.merge(table, on="row", how="inner", validate="one_to_one")
    wrong = merged[merged["text"].map(text_key) != merged["key"]]
    if len(wrong) or len(merged) != len(table):
        raise SystemExit(f"{labels}: {len(wrong) + len(table) - len(merged)} label rows do not match {path}")
    for column in ("labeller_a", "labeller_b"):
        merged[column] = merged[column].map(lambda v: sorted({t for t in v.split(";") if t}))
    return merged


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="indeed_reviews/dev.csv")
    parser.add_argument("--write-texts", metavar="OUT", help="write the sample (row, key, text) for labelling")
    args = parser.parse_args(argv)
    held, development = split(args.path)
    print(f"{len(held)} held-out comments, {len(development)} development comments", file=sys.stderr)
    if args.write_texts:
        held.assign(key=held["text"].map(text_key))[["row", "key", "text"]].to_csv(args.write_texts, index=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
