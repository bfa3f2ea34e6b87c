"""Emerging themes: topics among the comments no taxonomy theme explains.

Comments are represented by TF-IDF over stems and two-word phrases. Negation marks are dropped
and negation words, stop words and words of one or two letters are never features, so "no
cons" or "not really" cannot form a topic. Topics are found with non-negative matrix
factorisation (NMF), which on short texts gives coherent, distinct topics where k-means tends to
make one catch-all cluster and clusters of a shared common word.

Number of topics: every k from 2 to ``max_topics`` (at most one per ``min_size`` comments) is
fitted on a seeded sample of at most ``fit_sample`` comments (or only ``n_topics`` when given);
each comment joins the topic that carries most of its weight, when that is at least
``min_share`` of its total. A topic is usable when at least ``min_size`` comments join it and it
holds at most ``max_share`` (40 %) of the unexplained comments; other topics are dropped and
their comments stay without an emerging theme. The k chosen gives the most usable topics, then
the most comments in them; ties go to the smaller k.

Coherence: the normalised pointwise mutual information of each pair of a topic's top
``n_terms`` terms, from how often they appear in the same comment (1: always together, 0:
independent, -1: never together), averaged; reported per theme as ``coherence``.

Labels: the topic's strongest two-word phrase when it is among its five strongest terms with at
least half the weight of the strongest ("free lunch", "return office" read as phrases), otherwise
its two strongest words ("pay / pension"); a label already taken gets the topic's next distinctive
term. ``label_terms`` holds the terms of the label.

Stable ids: with a fixed seed the same data give the same topics; topics are then numbered by
size (largest first, ties by label), so ids ``emerging:1``, ``emerging:2`` ... repeat. Across runs
on changing data, ``map_emerging_themes`` matches new topics to old ones by the comments they
share (or, with no shared comments, by their terms) and ``EmergingThemes.renumbered`` carries the
old ids over.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import linear_sum_assignment
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from analysis.text import _NEGATIONS, NEGATION_PREFIX, PreparedText

__all__ = [
    "EMERGING_PREFIX",
    "EmergingThemeFinder",
    "EmergingThemes",
    "carry_over_ids",
    "map_emerging_themes",
    "npmi_coherence",
]

EMERGING_PREFIX = "emerging:"
THEME_COLUMNS = ["theme_id", "label", "label_terms", "terms", "size", "coherence", "examples"]


@dataclass
class EmergingThemes:
    """The emerging themes of one run.

    ``themes``: one row per topic with ``theme_id``, ``label``, ``label_terms``, ``terms``
    (distinctive terms, strongest first), ``size``, ``coherence`` (NPMI) and ``examples`` (most
    typical scrubbed comments). ``members``: Series from comment id to emerging theme id.
    ``centroids``: (topics, terms) array of unit topic vectors in the space of ``vocabulary``;
    row order follows ``themes``.
    """

    themes: pd.DataFrame
    members: pd.Series
    centroids: np.ndarray
    vocabulary: list[str]

    @classmethod
    def empty(cls) -> EmergingThemes:
        """No emerging themes."""
        return cls(pd.DataFrame(columns=THEME_COLUMNS), pd.Series(dtype=object, name="theme_id"),
                   np.zeros((0, 0)), [])

    def stored(self) -> bytes:
        """The state a later run needs to match its clusters to these (members, centroids,
        vocabulary, labels and terms), as bytes to keep. The example comments are left out: a
        copy of people's words kept with each run would outlive the retention purge of the
        comments themselves, and pages read examples from the comments as they are now."""
        import io

        import joblib

        themes = self.themes.assign(examples=[[] for _ in range(len(self.themes))])
        buffer = io.BytesIO()
        joblib.dump(replace(self, themes=themes), buffer, compress=3)
        return buffer.getvalue()

    @staticmethod
    def from_stored(state: bytes) -> EmergingThemes:
        """The state :meth:`stored` kept. Only bytes this app wrote to its own database are ever
        given here (they are unpickled)."""
        import io

        import joblib

        return joblib.load(io.BytesIO(bytes(state)))

    def only(self, theme_ids: Iterable[str]) -> EmergingThemes:
        """A copy holding only the themes ``theme_ids`` (in their order here) and their members."""
        wanted = set(theme_ids)
        keep = self.themes["theme_id"].isin(wanted).to_numpy()
        return replace(self, themes=self.themes[keep].reset_index(drop=True),
                       members=self.members[self.members.isin(wanted)],
                       centroids=self.centroids[keep] if len(self.centroids) else self.centroids)

    def renumbered(self, mapping: dict[str, str]) -> EmergingThemes:
        """A copy with theme ids renamed by ``mapping`` (new id -> id to use)."""
        themes = self.themes.copy()
        themes["theme_id"] = themes["theme_id"].map(lambda t: mapping.get(t, t))
        members = self.members.map(lambda t: mapping.get(t, t))
        return replace(self, themes=themes, members=members)


# Stems that answer the form rather than the question ("no cons", "pros: none", "n/a").
_FORM_WORDS = frozenset("con pro cons pros none noth nothing anyth anything everyth everything".split())


def _feature_tokens(joined: str) -> str:
    """The tokens of a prepared text that may form a topic: negation marks dropped, negation words,
    form words and one- or two-letter tokens left out."""
    out = []
    for token in joined.split():
        token = token.removeprefix(NEGATION_PREFIX)
        if len(token) > 2 and token not in _NEGATIONS and token not in _FORM_WORDS:
            out.append(token)
    return " ".join(out)


def npmi_coherence(binary: sp.csr_matrix, columns: Sequence[int], counts: np.ndarray | None = None) -> float:
    """Mean NPMI over pairs of ``columns`` of a (comments, terms) 0/1 matrix (-1 to 1); ``counts``
    gives how many comments each row stands for (default one each)."""
    counts = np.ones(binary.shape[0]) if counts is None else np.asarray(counts, dtype=np.float64)
    n = counts.sum()
    if n == 0 or len(columns) < 2:
        return 0.0
    sub = binary[:, list(columns)].astype(np.float64)
    together = (sub.T @ sp.diags(counts) @ sub).toarray() / n
    single = np.diag(together)
    values = []
    for a in range(len(columns)):
        for b in range(a + 1, len(columns)):
            joint = together[a, b]
            if joint <= 0:
                values.append(-1.0)
            elif joint >= 1:
                values.append(1.0)
            else:
                values.append(float(np.log(joint / (single[a] * single[b])) / -np.log(joint)))
    return float(np.mean(values))


class EmergingThemeFinder:
    """Topics of unexplained comments (scikit-learn shaped: ``fit`` then ``transform``).

    ``fit(docs, ids)`` learns the vocabulary and topics from at most ``fit_sample`` comments (so
    memory stays flat on large runs) and records them as ``themes_``; every comment is then
    assigned. ``transform(docs)`` returns, for each comment, the row of its topic in
    ``themes_.themes`` or -1.
    """

    def __init__(
        self,
        *,
        max_topics: int = 15,
        n_topics: int | None = None,
        min_size: int = 5,
        min_comments: int = 20,
        min_share: float = 0.5,
        max_share: float = 0.4,
        fit_sample: int = 10_000,
        n_terms: int = 6,
        n_examples: int = 3,
        seed: int = 0,
    ) -> None:
        self.max_topics = max_topics
        self.n_topics = n_topics
        self.min_size = min_size
        self.min_comments = min_comments
        self.min_share = min_share
        self.max_share = max_share
        self.fit_sample = fit_sample
        self.n_terms = n_terms
        self.n_examples = n_examples
        self.seed = seed

    def fit(self, docs: Sequence[PreparedText], ids: Sequence[str] | None = None) -> EmergingThemeFinder:
        """Find the topics among ``docs`` (comments already known to have no taxonomy theme)."""
        ids = [str(i) for i in (ids if ids is not None else range(len(docs)))]
        # Work in a canonical order (by text, then id) so that the same comments give the same
        # topics whatever order they arrive in.
        order = sorted(range(len(docs)), key=lambda i: (docs[i].joined, ids[i]))
        docs = [docs[i] for i in order]
        ids = [ids[i] for i in order]
        features = [_feature_tokens(d.joined) for d in docs]
        rng = np.random.default_rng(self.seed)
        usable = np.array([i for i, f in enumerate(features) if len(f.split()) >= 2], dtype=int)
        self.vectoriser_ = None
        self.model_ = None
        self.centroids_ = np.zeros((0, 0))
        self.k_ = 0
        self.coherences_: dict[int, float] = {}
        self.coverage_: dict[int, int] = {}
        self.themes_ = EmergingThemes.empty()
        if len(usable) < self.min_comments:
            return self
        if len(usable) > self.fit_sample:
            sample = np.sort(rng.choice(usable, self.fit_sample, replace=False))
        else:
            sample = usable
        self.vectoriser_ = TfidfVectorizer(
            token_pattern=r"\S+",  # noqa: S106 - a regular expression, not a password
            lowercase=False, ngram_range=(1, 2), min_df=2, max_df=0.5, max_features=20_000,
            sublinear_tf=True, dtype=np.float64,
        )
        # Each distinct text once, weighted by how often it was written (damped: a one-liner
        # repeated many times should not make a topic of its own wordings).
        distinct: dict[str, list[int]] = {}
        for i in sample:
            distinct.setdefault(features[i], []).append(int(i))
        try:
            X = self.vectoriser_.fit_transform(list(distinct))
        except ValueError:  # every term too rare or too common
            self.vectoriser_ = None
            return self
        X = normalize(X)
        first = np.array([group[0] for group in distinct.values()], dtype=int)
        counts = np.array([len(group) for group in distinct.values()], dtype=np.float64)
        nonempty = np.asarray(X.getnnz(axis=1) > 0)
        X, first, counts = X[nonempty], first[nonempty], counts[nonempty]
        binary = (X > 0).astype(np.int8).tocsr()
        weighted = sp.diags(np.sqrt(1 + np.log(counts))) @ X
        k_max = min(self.max_topics, int(counts.sum()) // self.min_size, X.shape[0], X.shape[1])
        best = None
        for k in ([min(self.n_topics, k_max)] if self.n_topics else range(2, k_max + 1)):
            candidate = self._fit_k(weighted, binary, counts, k)
            if candidate is None:
                continue
            self.coherences_[k] = candidate[0]
            # Most usable topics, then most comments in them; ties go to the smaller k.
            if best is None or (len(candidate[3]), self.coverage_[k]) > (len(best[3]), self.coverage_[best[1]]):
                best = candidate
        if best is None:
            self.vectoriser_ = None
            return self
        _, self.k_, self.model_, keep = best
        self.keep_ = keep
        self.themes_ = self._describe(X, binary, counts, first, docs)
        if self.themes_.themes.empty:
            return self
        assignment = self.transform([docs[i] for i in usable], prepared=[features[i] for i in usable])
        members = {ids[u]: self.themes_.themes["theme_id"].iat[c]
                   for u, c in zip(usable, assignment, strict=True) if c >= 0}
        sizes = pd.Series(members, dtype=object).value_counts()
        self.themes_.themes["size"] = self.themes_.themes["theme_id"].map(sizes).fillna(0).astype(int)
        self.themes_.members = pd.Series(members, dtype=object, name="theme_id")
        return self

    def _fit_k(self, X: sp.csr_matrix, binary: sp.csr_matrix, counts: np.ndarray, k: int):
        """(mean coherence of usable topics, k, model, usable topic indexes) or None."""
        model = NMF(n_components=k, init="nndsvdar", random_state=self.seed, max_iter=400)
        labels = self._hard(model.fit_transform(X))
        sizes = np.bincount(labels[labels >= 0], weights=counts[labels >= 0], minlength=k)
        keep = [t for t in range(k) if self.min_size <= sizes[t] <= self.max_share * counts.sum()]
        if not keep:
            return None
        scores = [npmi_coherence(binary, self._top(model.components_[t]), counts) for t in keep]
        self.coverage_[k] = int(sizes[keep].sum())
        return float(np.mean(scores)), k, model, keep

    def _top(self, component: np.ndarray) -> np.ndarray:
        """Indexes of the topic's strongest ``n_terms`` terms that it uses at all."""
        top = np.argsort(-component)[: self.n_terms]
        return top[component[top] > 0]

    def _hard(self, W: np.ndarray) -> np.ndarray:
        """Each comment's topic: the one holding at least ``min_share`` of its weight, else -1."""
        total = W.sum(axis=1)
        best = W.argmax(axis=1) if W.shape[1] else np.zeros(W.shape[0], dtype=int)
        share = np.divide(W[np.arange(W.shape[0]), best], total, out=np.zeros_like(total), where=total > 0)
        return np.where(share >= self.min_share, best, -1)

    def _describe(self, X, binary, counts, first, docs) -> EmergingThemes:
        names = self.vectoriser_.get_feature_names_out()
        W = self.model_.transform(X)
        labels = self._hard(W)
        rows = []
        for t in self.keep_:
            component = self.model_.components_[t]
            top = np.argsort(-component)[: max(self.n_terms, 10)]
            terms = list(dict.fromkeys(_words(names[j]) for j in top[: self.n_terms] if component[j] > 0))
            # A strong phrase names the topic ("free lunch", "great people"), else its two strongest words.
            phrases = [_words(names[j]) for j in top[:5] if component[j] >= 0.5 * component[top[0]]]
            phrases = [term for term in phrases if " " in term]
            # The strongest word's own phrase reads better than the word and the phrase side by side.
            own = [term for term in terms[:3] if " " in term and terms[0] in term.split()]
            label_terms = phrases[:1] or own[:1] or terms[:2]
            members = np.flatnonzero(labels == t)
            typical = members[np.argsort(-W[members, t], kind="stable")[: self.n_examples]]
            rows.append({
                "label": " / ".join(label_terms),
                "label_terms": label_terms,
                "terms": terms,
                "size": int(counts[members].sum()),
                "coherence": round(npmi_coherence(binary, self._top(component), counts), 3),
                "examples": [docs[first[m]].text for m in typical],
                "topic": t,
            })
        if not rows:
            return EmergingThemes.empty()
        # Two topics never share a label: a repeated one takes the topic's next distinctive term.
        seen: set[str] = set()
        for row in sorted(rows, key=lambda r: -r["size"]):
            extra = [t for t in row["terms"] if t not in " ".join(row["label_terms"]).split()
                     and t not in row["label_terms"]]
            while " / ".join(row["label_terms"]) in seen and extra:
                row["label_terms"] = [*row["label_terms"], extra.pop(0)]
            row["label"] = " / ".join(row["label_terms"])
            seen.add(row["label"])
        # Number topics by size, ties by label, so ids repeat on the same data.
        rows.sort(key=lambda r: (-r["size"], r["label"]))
        self.order_ = [r.pop("topic") for r in rows]
        self.centroids_ = normalize(self.model_.components_[self.order_])
        themes = pd.DataFrame(rows)
        themes.insert(0, "theme_id", [f"{EMERGING_PREFIX}{i}" for i in range(1, len(rows) + 1)])
        return EmergingThemes(themes[THEME_COLUMNS], pd.Series(dtype=object), self.centroids_, list(names))

    def transform(self, docs: Sequence[PreparedText], prepared: Sequence[str] | None = None) -> np.ndarray:
        """Row (in ``themes_.themes``) of each comment's topic, or -1."""
        if self.vectoriser_ is None or self.centroids_.shape[0] == 0:
            return np.full(len(docs), -1, dtype=int)
        features = prepared if prepared is not None else [_feature_tokens(d.joined) for d in docs]
        row_of = {topic: row for row, topic in enumerate(self.order_)}
        out = np.empty(len(docs), dtype=int)
        chunk = 50_000  # bounded memory on large runs
        for start in range(0, len(docs), chunk):
            X = normalize(self.vectoriser_.transform(features[start : start + chunk]))
            labels = self._hard(self.model_.transform(X))
            out[start : start + chunk] = [row_of.get(int(t), -1) for t in labels]
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


def carry_over_ids(previous: EmergingThemes, current: EmergingThemes, *, taken: Iterable[str] = (),
                   earlier: Sequence[EmergingThemes] = (), **kwargs) -> EmergingThemes:
    """``current`` with matched clusters renamed to their previous ids and new clusters numbered
    after the highest id of ``previous`` and of ``taken`` (every id given before, including
    themes an earlier run found that the previous run did not), so an id is never reused for a
    different cluster.

    ``earlier``: themes that runs before ``previous`` found and it did not, as those runs left
    them, most recent first. A cluster ``previous`` does not match is matched against them, so a
    theme that goes unfound for a run or more and comes back keeps its id, and with it the
    decision HR made on it."""
    mapping = map_emerging_themes(previous, current, **kwargs)
    used = set(previous.themes["theme_id"])
    for state in earlier:
        rest = [t for t in current.themes["theme_id"] if t not in mapping]
        candidates = [t for t in state.themes["theme_id"] if t not in used and t not in mapping.values()]
        if rest and candidates:
            mapping.update(map_emerging_themes(state.only(candidates), current.only(rest), **kwargs))
        used.update(state.themes["theme_id"])
    numbers = [int(t.split(":", 1)[1]) for t in [*used, *taken] if re.fullmatch(rf"{EMERGING_PREFIX}\d+", str(t))]
    next_number = max(numbers, default=0) + 1
    for theme_id in current.themes["theme_id"]:
        if theme_id not in mapping:
            mapping[theme_id] = f"{EMERGING_PREFIX}{next_number}"
            next_number += 1
    return current.renumbered(mapping)


def _words(feature: str) -> str:
    """A feature as a topic shows it: each word once. A phrase of one word twice ("time time",
    which "from time to time" becomes without its stop words) reads as a slip; it is the word."""
    return " ".join(dict.fromkeys(str(feature).split()))
