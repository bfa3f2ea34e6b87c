"""Measure the supervised theme model against human labels (held-out split or k-fold CV)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score, precision_recall_fscore_support
from sklearn.model_selection import KFold, train_test_split

from analysis.taxonomy import Taxonomy
from analysis.text import TextPreparer
from analysis.themes.seeds import SeedMatcher
from analysis.themes.supervised import SupervisedThemeModel

__all__ = ["Evaluation", "evaluate_codes_curve", "evaluate_cv", "evaluate_split"]


@dataclass
class Evaluation:
    """Per-label scores (``per_label``: label, support, precision, recall, f1) and averages."""

    per_label: pd.DataFrame
    micro_f1: float
    macro_f1: float
    method: str

    def summary(self) -> str:
        """Plain-text table for the terminal."""
        table = self.per_label.to_string(index=False, float_format=lambda v: f"{v:.3f}")
        return f"{table}\n\n{self.method}\nmicro F1 {self.micro_f1:.4f}\nmacro F1 {self.macro_f1:.4f}"


def _model_and_extras(texts, taxonomy: Taxonomy | None, labels: Sequence[str], seed: int, cv: int):
    preparer = TextPreparer()
    docs = preparer.transform(texts)
    extra = None
    # Seed scores are features only when the labels are this taxonomy's themes.
    if taxonomy is not None and set(labels) <= set(taxonomy.ids):
        extra = SeedMatcher(taxonomy, preparer).transform(docs).scores
    return docs, extra, SupervisedThemeModel(seed=seed, cv=cv)


def _scores(y_true: np.ndarray, y_pred: np.ndarray, labels: Sequence[str], method: str) -> Evaluation:
    precision, recall, f1, support = precision_recall_fscore_support(y_true, y_pred, zero_division=0)
    per_label = pd.DataFrame(
        {"label": list(labels), "support": support, "precision": precision, "recall": recall, "f1": f1}
    )
    return Evaluation(
        per_label,
        float(f1_score(y_true, y_pred, average="micro", zero_division=0)),
        float(f1_score(y_true, y_pred, average="macro", zero_division=0)),
        method,
    )


def evaluate_split(
    texts: Sequence[str],
    labels: np.ndarray,
    label_names: Sequence[str],
    *,
    test_size: float = 0.2,
    seed: int = 42,
    min_test_positives: int = 1,
    taxonomy: Taxonomy | None = None,
    inner_cv: int = 3,
) -> Evaluation:
    """Train on a random ``1 - test_size`` share, score on the rest.

    Only labels with at least ``min_test_positives`` positives in the test share are scored
    (all labels are trained). The split is ``train_test_split(random_state=seed)``.
    """
    labels = np.asarray(labels).astype(bool)
    index = np.arange(len(texts))
    train, test = train_test_split(index, test_size=test_size, random_state=seed)
    docs, extra, model = _model_and_extras(list(texts), taxonomy, label_names, seed, inner_cv)
    model.fit([docs[i] for i in train], labels[train], label_names, extra=None if extra is None else extra[train])
    scored = model.transform([docs[i] for i in test], extra=None if extra is None else extra[test])
    predicted = np.zeros((len(test), len(label_names)), dtype=bool)
    column = {name: j for j, name in enumerate(label_names)}
    for j, name in enumerate(scored.theme_ids):
        predicted[:, column[name]] = scored.assigned[:, j]
    keep = labels[test].sum(axis=0) >= min_test_positives
    method = (
        f"held-out split: test_size={test_size}, seed={seed}, {len(train)} train / {len(test)} test comments, "
        f"{int(keep.sum())} of {len(label_names)} labels with >= {min_test_positives} test positives"
    )
    return _scores(
        labels[test][:, keep], predicted[:, keep], [n for n, k in zip(label_names, keep, strict=True) if k], method
    )


def evaluate_cv(
    texts: Sequence[str],
    labels: np.ndarray,
    label_names: Sequence[str],
    *,
    cv: int = 5,
    seed: int = 42,
    taxonomy: Taxonomy | None = None,
    inner_cv: int = 3,
    progress: bool = False,
) -> Evaluation:
    """k-fold cross-validation: every comment is predicted by a model that never saw it."""
    from tqdm.auto import tqdm

    labels = np.asarray(labels).astype(bool)
    docs, extra, _ = _model_and_extras(list(texts), taxonomy, label_names, seed, inner_cv)
    predicted = np.zeros(labels.shape, dtype=bool)
    column = {name: j for j, name in enumerate(label_names)}
    folds = list(KFold(cv, shuffle=True, random_state=seed).split(np.arange(len(docs))))
    for train, test in tqdm(folds, desc="cross-validation", disable=not progress):
        model = SupervisedThemeModel(seed=seed, cv=inner_cv)
        model.fit([docs[i] for i in train], labels[train], label_names, extra=None if extra is None else extra[train])
        scored = model.transform([docs[i] for i in test], extra=None if extra is None else extra[test])
        for j, name in enumerate(scored.theme_ids):
            predicted[test, column[name]] = scored.assigned[:, j]
    return _scores(labels, predicted, label_names, f"{cv}-fold cross-validation, seed={seed}, {len(docs)} comments")


def evaluate_codes_curve(
    texts: Sequence[str],
    labels: np.ndarray,
    label_names: Sequence[str],
    taxonomy: Taxonomy,
    sizes: Sequence[int],
    *,
    cv: int = 5,
    seed: int = 42,
    progress: bool = False,
) -> pd.DataFrame:
    """How the whole theme pipeline does as HR codes more comments: the learning curve.

    ``labels`` are themes of ``taxonomy`` (``label_names`` its ids, any order). In each of ``cv``
    folds, the pipeline is fitted on the fold's training comments with the first ``n`` of them
    (in a fixed shuffled order) given to it as HR's codes, for each ``n`` in ``sizes``, and
    assigns themes to the held-out comments, which it never saw. ``n = 0`` is the zero-shot
    lexicon. Returns one row per size: ``codes``, ``micro_f1``, ``precision``, ``recall``,
    ``macro_f1``; a size larger than a fold's training share is left out.
    """
    from tqdm.auto import tqdm

    from analysis.themes.pipeline import ThemePipeline

    unknown = sorted(set(label_names) - set(taxonomy.ids))
    if unknown:
        raise ValueError(f"labels are not themes of the taxonomy: {', '.join(unknown)}")
    labels = np.asarray(labels).astype(bool)
    texts = [str(t) for t in texts]
    ids = [f"c{i}" for i in range(len(texts))]
    folds = list(KFold(cv, shuffle=True, random_state=seed).split(np.arange(len(texts))))
    largest = min(len(train) for train, _ in folds)
    sizes = sorted({int(n) for n in sizes if 0 <= int(n) <= largest})
    predicted = {n: np.zeros(labels.shape, dtype=bool) for n in sizes}
    column = {name: j for j, name in enumerate(label_names)}
    steps = [(fold, n) for fold in range(len(folds)) for n in sizes]
    for fold, n in tqdm(steps, desc="codes curve", disable=not progress):
        train, test = folds[fold]
        order = np.random.default_rng([seed, fold]).permutation(train) if n else train
        codes = {ids[i]: [label_names[j] for j in np.flatnonzero(labels[i])] for i in order[:n]}
        pipeline = ThemePipeline(taxonomy, seed=seed, progress=False)
        pipeline.fit([texts[i] for i in train], [ids[i] for i in train], codes=codes or None)
        assigned = pipeline.assign([texts[i] for i in test], [ids[i] for i in test])
        row = {ids[i]: k for k, i in enumerate(test)}
        for item in assigned.itertuples():
            if item.theme_id in column:
                predicted[n][test[row[item.comment_id]], column[item.theme_id]] = True
    rows = []
    for n in sizes:
        p, r, f, _ = precision_recall_fscore_support(labels, predicted[n], average="micro", zero_division=0)
        rows.append(
            {
                "codes": n,
                "micro_f1": float(f),
                "precision": float(p),
                "recall": float(r),
                "macro_f1": float(f1_score(labels, predicted[n], average="macro", zero_division=0)),
            }
        )
    return pd.DataFrame(rows)
