"""Emerging themes: clusters of the comments no taxonomy theme explains.

Comments are represented by TF-IDF over stems and two-word phrases, normalised to unit length,
and grouped with k-means (on unit vectors this approximates grouping by cosine similarity).

Number of clusters: every k from 2 to ``max_clusters`` (and at most one cluster per
``min_cluster_size`` comments) is tried on a seeded sample of at most ``choice_sample``
comments and scored by its mean silhouette (cosine distance, on at most ``silhouette_sample``
of them). On short texts the silhouette
tends to creep up with k, so the criterion is parsimonious: the smallest k whose silhouette is
within ``silhouette_tolerance`` of the best. A k that leaves any cluster with fewer than
``min_cluster_size`` comments (scaled to the sample) is not a candidate. Fewer than ``min_comments`` comments give no
emerging themes.

k-means puts every comment somewhere, so on varied text one cluster often collects the
comments that fit nowhere. A cluster is kept only if its typical (median) member lies within
``min_similarity`` cosine of its centre, and a comment joins a cluster only when it is that
close; the rest stay without an emerging theme.

Stable ids: with a fixed seed the same data give the same clusters; clusters are then numbered
by size (largest first, ties by their label), so ids ``emerging:1``, ``emerging:2`` ... repeat.
Across runs on changing data, ``map_emerging_themes`` matches new clusters to old ones by the
comments they share (or, with no shared comments, by their distinctive terms) and
``EmergingThemes.renumbered`` carries the old ids over.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize

from analysis.text import PreparedText

__all__ = [
    "EMERGING_PREFIX",
    "EmergingThemeFinder",
    "EmergingThemes",
    "carry_over_ids",
    "map_emerging_themes",
]

EMERGING_PREFIX = "emerging:"


@dataclass
class EmergingThemes:
    """The emerging themes of one run.

    ``themes``: one row per cluster with ``theme_id``, ``label``, ``terms`` (list of
    distinctive terms), ``size``, ``examples`` (most typical scrubbed comments).
    ``members``: Series from comment id to emerging theme id (comments in a cluster only).
    ``centroids``: (clusters, terms) array in the space of ``vocabulary``; row order follows
    ``themes``.
    """

    themes: pd.DataFrame
    members: pd.Series
    centroids: np.ndarray
    vocabulary: list[str]

    @classmethod
    def empty(cls) -> EmergingThemes:
        """No emerging themes."""
        return cls(
            pd.DataFrame(columns=["theme_id", "label", "terms", "size", "examples"]),
            pd.Series(dtype=object, name="theme_id"),
            np.zeros((0, 0)),
            [],
        )

    def renumbered(self, mapping: dict[str, str]) -> EmergingThemes:
        """A copy with theme ids renamed by ``mapping`` (new id -> id to use)."""
        themes = self.themes.copy()
        themes["theme_id"] = themes["theme_id"].map(lambda t: mapping.get(t, t))
        members = self.members.map(lambda t: mapping.get(t, t))
        return replace(self, themes=themes, members=members)


class EmergingThemeFinder:
    """Cluster unexplained comments (scikit-learn shaped: ``fit`` then ``transform``).

    ``fit(docs, ids)`` learns the vocabulary (from at most ``fit_sample`` comments, so memory
    stays flat on large runs), chooses k, and records the clusters as ``themes_``.
    ``transform(docs)`` returns, for each comment, the index of its nearest cluster or -1 when
    it shares no vocabulary with the clusters or sits further than ``min_similarity``.
    """

    def __init__(
        self,
        *,
        max_clusters: int = 12,
        min_cluster_size: int = 5,
        min_comments: int = 20,
        min_similarity: float = 0.2,
        silhouette_sample: int = 2000,
        silhouette_tolerance: float = 0.01,
        choice_sample: int = 3000,
        fit_sample: int = 10_000,
        n_terms: int = 6,
        n_examples: int = 3,
        seed: int = 0,
    ) -> None:
        self.max_clusters = max_clusters
        self.min_cluster_size = min_cluster_size
        self.min_comments = min_comments
        self.min_similarity = min_similarity
        self.silhouette_sample = silhouette_sample
        self.silhouette_tolerance = silhouette_tolerance
        self.choice_sample = choice_sample
        self.fit_sample = fit_sample
        self.n_terms = n_terms
        self.n_examples = n_examples
        self.seed = seed

    def fit(self, docs: Sequence[PreparedText], ids: Sequence[str] | None = None) -> EmergingThemeFinder:
        """Find the clusters among ``docs`` (comments already known to have no taxonomy theme)."""
        ids = [str(i) for i in (ids if ids is not None else range(len(docs)))]
        # Cluster in a canonical order (by text, then id) so that the same comments give the
        # same clusters whatever order they arrive in; k-means depends on row order.
        order = sorted(range(len(docs)), key=lambda i: (docs[i].joined, ids[i]))
        docs = [docs[i] for i in order]
        ids = [ids[i] for i in order]
        rng = np.random.default_rng(self.seed)
        usable = np.array([i for i, d in enumerate(docs) if len(d.tokens) >= 2], dtype=int)
        self.vectoriser_ = None
        self.centroids_ = np.zeros((0, 0))
        self.k_ = 0
        self.silhouettes_: dict[int, float] = {}
        if len(usable) < self.min_comments:
            self.themes_ = EmergingThemes.empty()
            return self
        sample = (
            np.sort(rng.choice(usable, self.fit_sample, replace=False)) if len(usable) > self.fit_sample else usable
        )
        self.vectoriser_ = TfidfVectorizer(
            token_pattern=r"\S+",  # noqa: S106 - a regular expression, not a password
            lowercase=False,
            ngram_range=(1, 2),
            min_df=2,
            max_df=0.5,
            max_features=20_000,
            sublinear_tf=True,
            dtype=np.float64,
        )
        try:
            X = self.vectoriser_.fit_transform([docs[i].joined for i in sample])
        except ValueError:  # every term too rare or too common
            self.vectoriser_ = None
            self.themes_ = EmergingThemes.empty()
            return self
        X = normalize(X)
        nonempty = np.asarray(X.getnnz(axis=1) > 0)
        X, sample = X[nonempty], sample[nonempty]
        distinct = len({docs[i].joined for i in sample})  # k-means cannot make more clusters than points
        k_max = min(self.max_clusters, len(sample) // self.min_cluster_size, distinct)
        if k_max < 2:
            self.themes_ = EmergingThemes.empty()
            return self
        self.k_, labels, centroids = self._choose_k(X, k_max, rng)
        self.centroids_ = centroids
        self.themes_ = self._describe(X, labels, sample, docs, ids)
        if self.themes_.themes.empty:
            return self
        # Members: every usable comment, not only the fitting sample.
        assignment = self.transform([docs[i] for i in usable])
        members = {
            ids[u]: self.themes_.themes["theme_id"].iat[c] for u, c in zip(usable, assignment, strict=True) if c >= 0
        }
        sizes = pd.Series(members).value_counts()
        self.themes_.themes["size"] = self.themes_.themes["theme_id"].map(sizes).fillna(0).astype(int)
        self.themes_.members = pd.Series(members, dtype=object, name="theme_id")
        return self

    def _choose_k(self, X: sp.csr_matrix, k_max: int, rng: np.random.Generator):
        """Pick k on a sample of at most ``choice_sample`` comments, then fit k-means on all of ``X``."""
        n = X.shape[0]
        choice = np.sort(rng.choice(n, self.choice_sample, replace=False)) if n > self.choice_sample else np.arange(n)
        Xc = X[choice]
        check = (
            np.sort(rng.choice(len(choice), self.silhouette_sample, replace=False))
            if len(choice) > self.silhouette_sample
            else np.arange(len(choice))
        )
        for k in range(2, k_max + 1):
            labels = KMeans(n_clusters=k, n_init=self._inits(Xc.shape[0]), random_state=self.seed).fit(Xc).labels_
            # A k that leaves a cluster smaller than min_cluster_size (scaled to the sample)
            # is not a candidate: such a cluster could not be shown as a theme.
            smallest = max(2, round(self.min_cluster_size * len(choice) / n))
            if len(set(labels[check])) < 2 or np.bincount(labels, minlength=k).min() < smallest:
                continue
            self.silhouettes_[k] = float(silhouette_score(Xc[check], labels[check], metric="cosine"))
        k = 2
        if self.silhouettes_:
            best = max(self.silhouettes_.values())
            k = min(k for k, score in self.silhouettes_.items() if score >= best - self.silhouette_tolerance)
        model = KMeans(n_clusters=k, n_init=self._inits(X.shape[0]), random_state=self.seed).fit(X)
        return k, model.labels_, model.cluster_centers_

    @staticmethod
    def _inits(n: int) -> int:
        """k-means restarts: many on small data where they are cheap and runs are unstable."""
        return 10 if n <= 1000 else 2

    def _describe(self, X, labels, sample, docs, ids) -> EmergingThemes:
        names = self.vectoriser_.get_feature_names_out()
        overall = np.asarray(X.mean(axis=0)).ravel()
        rows = []
        for c in range(self.centroids_.shape[0]):
            inside = labels == c
            centroid = np.asarray(X[inside].mean(axis=0)).ravel()
            closeness = np.asarray(X[inside] @ normalize(centroid[None, :]).T).ravel()
            if (
                np.median(closeness) < self.min_similarity
                or (closeness >= self.min_similarity).sum() < self.min_cluster_size
            ):
                continue  # a catch-all of comments that fit nowhere, or too small to show
            # Distinctive: weight in the cluster minus weight across all unexplained comments.
            lift = centroid - overall
            top = [names[j] for j in np.argsort(-lift)[: self.n_terms] if lift[j] > 0]
            members = np.flatnonzero(inside)
            sims = np.asarray(X[members] @ normalize(centroid[None, :]).T).ravel()
            typical = members[np.argsort(-sims, kind="stable")[: self.n_examples]]
            rows.append(
                {
                    "label": " / ".join(top[:3]),
                    "terms": top,
                    "size": int(inside.sum()),
                    "examples": [docs[sample[m]].text for m in typical],
                    "centroid": normalize(centroid[None, :])[0],
                }
            )
        # Number clusters by size, ties by label, so ids repeat on the same data.
        rows.sort(key=lambda r: (-r["size"], r["label"]))
        if not rows:
            self.centroids_ = np.zeros((0, X.shape[1]))
            return EmergingThemes.empty()
        self.centroids_ = np.vstack([r.pop("centroid") for r in rows])
        themes = pd.DataFrame(rows)
        themes.insert(0, "theme_id", [f"{EMERGING_PREFIX}{i}" for i in range(1, len(rows) + 1)])
        return EmergingThemes(themes, pd.Series(dtype=object), self.centroids_, list(names))

    def transform(self, docs: Sequence[PreparedText]) -> np.ndarray:
        """Index (row of ``themes_.themes``) of each comment's nearest cluster, or -1."""
        if self.vectoriser_ is None or self.centroids_.shape[0] == 0:
            return np.full(len(docs), -1, dtype=int)
        out = np.empty(len(docs), dtype=int)
        chunk = 50_000  # bounded memory on large runs
        for start in range(0, len(docs), chunk):
            X = normalize(self.vectoriser_.transform([d.joined for d in docs[start : start + chunk]]))
            sims = np.asarray(X @ self.centroids_.T)
            best = sims.argmax(axis=1) if sims.shape[1] else np.zeros(X.shape[0], dtype=int)
            ok = sims[np.arange(X.shape[0]), best] >= self.min_similarity
            out[start : start + chunk] = np.where(ok, best, -1)
        return out

    def theme_ids(self, docs: Sequence[PreparedText]) -> list[str | None]:
        """Emerging theme id of each comment, or ``None``."""
        index = self.transform(docs)
        ids = self.themes_.themes["theme_id"].tolist()
        return [ids[i] if i >= 0 else None for i in index]


def map_emerging_themes(
    previous: EmergingThemes, current: EmergingThemes, *, min_overlap: float = 0.3
) -> dict[str, str]:
    """Match the clusters of ``current`` to those of ``previous``; returns current id -> previous id.

    Similarity is the Jaccard overlap of member comments, counted over comments present in
    both runs; when the runs share no comments it is the cosine similarity of the clusters'
    centroids over their shared terms. Pairs are chosen one-to-one to maximise total
    similarity (Hungarian algorithm); pairs under ``min_overlap`` stay unmatched.
    """
    if previous.themes.empty or current.themes.empty:
        return {}
    old_ids = previous.themes["theme_id"].tolist()
    new_ids = current.themes["theme_id"].tolist()
    shared = previous.members.index.intersection(current.members.index)
    sim = np.zeros((len(new_ids), len(old_ids)))
    if len(shared):
        # Comments in both runs: compare membership there only, so growth does not dilute overlap.
        old_in = previous.members.loc[shared]
        new_in = current.members.loc[shared]
        for a, new in enumerate(new_ids):
            new_set = set(new_in.index[new_in == new])
            for b, old in enumerate(old_ids):
                old_set = set(old_in.index[old_in == old])
                union = len(new_set | old_set)
                sim[a, b] = len(new_set & old_set) / union if union else 0.0
    else:
        common = sorted(set(previous.vocabulary) & set(current.vocabulary))
        if common:
            pos_old = {t: i for i, t in enumerate(previous.vocabulary)}
            pos_new = {t: i for i, t in enumerate(current.vocabulary)}
            a = normalize(current.centroids[:, [pos_new[t] for t in common]])
            b = normalize(previous.centroids[:, [pos_old[t] for t in common]])
            sim = a @ b.T
    rows, cols = linear_sum_assignment(-sim)
    return {new_ids[r]: old_ids[c] for r, c in zip(rows, cols, strict=True) if sim[r, c] >= min_overlap}


def carry_over_ids(previous: EmergingThemes, current: EmergingThemes, **kwargs) -> EmergingThemes:
    """``current`` with matched clusters renamed to their previous ids and new clusters numbered
    after the highest previous id (so an id is never reused for a different cluster)."""
    mapping = map_emerging_themes(previous, current, **kwargs)
    numbers = [int(t.split(":", 1)[1]) for t in previous.themes["theme_id"] if str(t).startswith(EMERGING_PREFIX)]
    next_number = max(numbers, default=0) + 1
    for theme_id in current.themes["theme_id"]:
        if theme_id not in mapping:
            mapping[theme_id] = f"{EMERGING_PREFIX}{next_number}"
            next_number += 1
    return current.renumbered(mapping)
