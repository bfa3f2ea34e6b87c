"""Supervised multi-label theme model, trained from human codings.

Features: TF-IDF over word stems and two-word phrases (negation kept), TF-IDF over character
2-5-grams of the scrubbed text (robust to typos and word forms), optional dense extras (seed
scores, sentence embeddings). One logistic regression per theme (one-vs-rest). Each theme's
decision threshold is tuned to maximise F1 on out-of-fold predictions from internal
cross-validation, because a fixed 0.5 suits rare themes badly. Given ``base`` assignments (the
seed hits), the model is tuned to add to them: the F1 maximised is that of "base or model", and
the decision to add at all is cross-validated in turn (``_adding_threshold``), so a theme whose
model does not improve on the base on held-out rows, or has fewer than ``min_adding_positives``
codes, adds nothing (its threshold is infinite).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

from analysis.text import PreparedText
from analysis.themes.base import Embedder, ThemeScores, clearly_better

__all__ = ["SupervisedThemeModel", "rescale_to_threshold"]

_GRID = np.round(np.arange(0.05, 0.951, 0.025), 3)


def rescale_to_threshold(p: np.ndarray, threshold: np.ndarray) -> np.ndarray:
    """Map probabilities so that each theme's threshold becomes 0.5 (monotone, stays in [0, 1])."""
    th = np.clip(threshold, 1e-6, 1 - 1e-6)
    low = p / (2 * th)
    high = 0.5 + 0.5 * (p - th) / (1 - th)
    return np.where(p < th, low, high).astype(np.float32)


class SupervisedThemeModel:
    """One-vs-rest logistic regression on word and character TF-IDF, thresholds tuned by CV.

    ``fit(docs, labels, theme_ids, extra=None)``: ``labels`` is an (n, themes) 0/1 array.
    Themes with fewer than ``min_positives`` positive (or negative) examples are not trained;
    they are listed in ``untrained_`` and scored 0 here (the pipeline falls back to seeds).
    ``transform(docs, extra=None)`` returns ``ThemeScores`` over the trained themes, with the
    driving terms of each assigned theme (the word features that pushed its score up most).
    """

    def __init__(
        self,
        *,
        C: float = 4.0,
        word_ngrams: tuple[int, int] = (1, 2),
        char_ngrams: tuple[int, int] | None = (2, 5),
        min_df: int = 2,
        max_char_features: int = 200_000,
        cv: int = 3,
        min_positives: int = 3,
        min_adding_positives: int = 20,
        seed: int = 0,
        embedder: Embedder | None = None,
        n_terms: int = 3,
    ) -> None:
        self.C = C
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.min_df = min_df
        self.max_char_features = max_char_features
        self.cv = cv
        self.min_positives = min_positives
        self.min_adding_positives = min_adding_positives
        self.seed = seed
        self.embedder = embedder
        self.n_terms = n_terms

    # -- features ---------------------------------------------------------------------
    def _fit_features(self, docs: Sequence[PreparedText], extra: np.ndarray | None) -> sp.csr_matrix:
        n = len(docs)
        min_df = self.min_df if n >= 10 * self.min_df else 1
        self.words_ = TfidfVectorizer(
            token_pattern=r"\S+",  # noqa: S106 - a regular expression, not a password
            lowercase=False,
            ngram_range=self.word_ngrams,
            min_df=min_df,
            sublinear_tf=True,
            dtype=np.float64,
        )
        blocks = [self.words_.fit_transform([d.joined for d in docs])]
        self.chars_ = None
        if self.char_ngrams:
            self.chars_ = TfidfVectorizer(
                analyzer="char_wb",
                ngram_range=self.char_ngrams,
                min_df=min_df,
                sublinear_tf=True,
                max_features=self.max_char_features,
                dtype=np.float64,
            )
            blocks.append(self.chars_.fit_transform([d.text.casefold() for d in docs]))
        if self.embedder is not None:
            self.embedder.fit([d.text for d in docs])
        blocks.extend(self._dense(docs, extra))
        self.n_word_features_ = blocks[0].shape[1]
        return sp.hstack(blocks, format="csr", dtype=np.float64)

    def _features(self, docs: Sequence[PreparedText], extra: np.ndarray | None) -> sp.csr_matrix:
        blocks = [self.words_.transform([d.joined for d in docs])]
        if self.chars_ is not None:
            blocks.append(self.chars_.transform([d.text.casefold() for d in docs]))
        blocks.extend(self._dense(docs, extra))
        return sp.hstack(blocks, format="csr", dtype=np.float64)

    def _dense(self, docs: Sequence[PreparedText], extra: np.ndarray | None) -> list[sp.csr_matrix]:
        out = []
        if self.embedder is not None:
            out.append(sp.csr_matrix(np.asarray(self.embedder.transform([d.text for d in docs]), dtype=np.float64)))
        if extra is not None:
            out.append(sp.csr_matrix(np.asarray(extra, dtype=np.float64)))
        return out

    # -- fitting ----------------------------------------------------------------------
    def _classifier(self) -> LogisticRegression:
        return LogisticRegression(C=self.C, solver="liblinear", max_iter=1000)

    def fit(
        self,
        docs: Sequence[PreparedText],
        labels: np.ndarray,
        theme_ids: Sequence[str],
        extra: np.ndarray | None = None,
        base: np.ndarray | None = None,
    ) -> SupervisedThemeModel:
        """Train one classifier per theme with enough examples and tune its threshold.

        ``base``: (n, themes) 0/1 assignments the model's output will be added to (the seed
        hits); thresholds are then tuned for the union, and may be infinite (never add)."""
        labels = np.asarray(labels).astype(bool)
        if labels.shape != (len(docs), len(theme_ids)):
            raise ValueError(f"labels must be {(len(docs), len(theme_ids))}, got {labels.shape}")
        positives = labels.sum(axis=0)
        negatives = len(docs) - positives
        trainable = (positives >= self.min_positives) & (negatives >= self.min_positives)
        self.theme_ids_ = [t for t, ok in zip(theme_ids, trainable, strict=True) if ok]
        self.untrained_ = [t for t, ok in zip(theme_ids, trainable, strict=True) if not ok]
        self.positives_ = {t: int(p) for t, p in zip(theme_ids, positives, strict=True)}
        y = labels[:, trainable]
        X = self._fit_features(docs, extra)
        self.models_ = [self._classifier().fit(X, y[:, j]) for j in range(y.shape[1])]
        base = None if base is None else np.asarray(base, dtype=bool)[:, trainable]
        self.thresholds_ = self._tune_thresholds(X, y, base)
        return self

    def _tune_thresholds(self, X: sp.csr_matrix, y: np.ndarray, base: np.ndarray | None = None) -> np.ndarray:
        """Per theme, the threshold with the best F1 on out-of-fold probabilities (of the union
        with ``base`` when given, where never adding is a candidate that wins ties)."""
        thresholds = np.full(y.shape[1], 0.5)
        if self.cv < 2 or X.shape[0] < 2 * self.cv:
            return thresholds if base is None else np.full(y.shape[1], np.inf)
        oof = np.zeros(y.shape, dtype=float)
        folds = KFold(self.cv, shuffle=True, random_state=self.seed)
        for train, test in folds.split(X):
            for j in range(y.shape[1]):
                if y[train, j].all() or not y[train, j].any():
                    oof[test, j] = y[train, j].mean()
                    continue
                model = self._classifier().fit(X[train], y[train, j])
                oof[test, j] = model.predict_proba(X[test])[:, 1]
        for j in range(y.shape[1]):
            if y[:, j].sum() < self.cv:
                if base is not None:
                    thresholds[j] = np.inf
                continue
            predicted = oof[:, j][:, None] >= _GRID[None, :]
            if base is None:
                tp = (predicted & y[:, j][:, None]).sum(axis=0)
                f1 = 2 * tp / (predicted.sum(axis=0) + y[:, j].sum())
                thresholds[j] = _GRID[int(np.argmax(f1))]  # ties: the lowest threshold
                continue
            thresholds[j] = self._adding_threshold(oof[:, j], y[:, j], base[:, j])
        return thresholds

    def _adding_threshold(self, p: np.ndarray, y: np.ndarray, base: np.ndarray) -> float:
        """The threshold above which the model adds the theme to the seed hits, or infinity.

        The best threshold on the out-of-fold probabilities is chosen from 37 candidates, so on
        the same rows it will nearly always look better than adding nothing, by chance alone. So
        the decision to add at all is itself cross-validated: a threshold chosen on the other
        folds is scored on each held-out fold, and the model adds only if, on these held-out
        rows together, its additions raise the theme's F1 above the seed hits alone and are right
        more often than wrong by more than chance (``clearly_better``), and HR has coded at least
        ``min_adding_positives`` comments with the theme. The threshold used is then the one
        chosen on all rows.
        """

        def choose(rows: np.ndarray) -> float:
            predicted = p[rows][:, None] >= _GRID[None, :]
            union = base[rows][:, None] | predicted
            tp = (union & y[rows][:, None]).sum(axis=0)
            f1 = 2 * tp / np.maximum(union.sum(axis=0) + y[rows].sum(), 1)
            alone = 2 * (base[rows] & y[rows]).sum() / max(base[rows].sum() + y[rows].sum(), 1)
            if f1.max() <= alone + 1e-9:
                return np.inf
            tied = np.flatnonzero(np.isclose(f1, f1.max()))
            return float(_GRID[tied[len(tied) // 2]])  # the middle of equally good ones

        counts = np.zeros((2, 3))  # rows: with the model, seeds alone; columns: tp, fp, fn
        for train, test in KFold(self.cv, shuffle=True, random_state=self.seed + 1).split(p):
            added = p[test] >= choose(train)
            for k, predicted in enumerate((base[test] | added, base[test])):
                counts[k] += [(predicted & y[test]).sum(), (predicted & ~y[test]).sum(), (~predicted & y[test]).sum()]
        f1 = 2 * counts[:, 0] / np.maximum(2 * counts[:, 0] + counts[:, 1] + counts[:, 2], 1)
        gained, wrong = counts[0, 0] - counts[1, 0], counts[0, 1] - counts[1, 1]
        # Held out, the additions must raise the theme's F1 and be right more often than wrong by
        # more than chance would give (a sign test, ``clearly_better``).
        helps = (f1[0] > f1[1] and clearly_better(int(gained), int(wrong))
                 and y.sum() >= self.min_adding_positives)
        return choose(np.arange(len(p))) if helps else np.inf

    # -- scoring ----------------------------------------------------------------------
    def predict_proba(self, docs: Sequence[PreparedText], extra: np.ndarray | None = None) -> np.ndarray:
        """Raw probabilities, (n, trained themes)."""
        X = self._features(docs, extra)
        return self._proba(X)

    def _proba(self, X: sp.csr_matrix) -> np.ndarray:
        if not self.models_:
            return np.zeros((X.shape[0], 0))
        return np.column_stack([m.predict_proba(X)[:, 1] for m in self.models_])

    def transform(self, docs: Sequence[PreparedText], extra: np.ndarray | None = None) -> ThemeScores:
        """Scores (threshold mapped to 0.5), assignments and driving terms for trained themes."""
        X = self._features(docs, extra)
        p = self._proba(X)
        assigned = p >= self.thresholds_[None, :]
        scores = rescale_to_threshold(p, self.thresholds_)
        terms = self._driving_terms(X, assigned)
        return ThemeScores(list(self.theme_ids_), scores, assigned, terms)

    def _driving_terms(self, X: sp.csr_matrix, assigned: np.ndarray) -> list[dict[int, list[str]]]:
        names = self.words_.get_feature_names_out()
        width = self.n_word_features_
        coefs = [m.coef_[0, :width] for m in self.models_]
        terms: list[dict[int, list[str]]] = [{} for _ in range(X.shape[0])]
        words = X[:, :width].tocsr()
        for i, j in zip(*np.nonzero(assigned), strict=True):
            row = words.getrow(i)
            contrib = row.data * coefs[j][row.indices]
            order = np.argsort(-contrib)[: self.n_terms]
            terms[i][int(j)] = [names[row.indices[k]] for k in order if contrib[k] > 0]
        return terms
