"""Zero-shot theme scoring from the taxonomy's seed phrases."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from analysis.taxonomy import Taxonomy, default_weight_for
from analysis.text import NEGATION_PREFIX, PreparedText, TextPreparer
from analysis.themes.base import ThemeScores

__all__ = ["SeedMatcher"]


class SeedMatcher:
    """Score comments by the seed phrases they contain.

    Seeds are prepared exactly like comments, so inflections, spelling variants and stop words
    do not matter. A plain seed also matches its negated form ("no supervision" is still about
    supervision); a seed written with a negation ("not valued") matches only negated text.
    A theme's score is ``1 - prod(1 - weight)`` over the distinct seeds matched, and the theme is
    assigned when the score reaches ``threshold``. The matched seed phrases are the driving terms.
    """

    def __init__(
        self,
        taxonomy: Taxonomy,
        preparer: TextPreparer | None = None,
        *,
        threshold: float = 0.5,
    ) -> None:
        self.taxonomy = taxonomy
        self.preparer = preparer or TextPreparer(scrub=False)
        self.threshold = threshold
        self.theme_ids = taxonomy.ids
        # n-gram of stems -> {theme column: (seed phrase, weight)}. Seeds that prepare to the
        # same stems ("caseload", "caseloads") are one seed: the first phrase, the top weight.
        self._index: dict[tuple[str, ...], dict[int, tuple[str, float]]] = {}
        self._max_len = 1
        for col, theme in enumerate(taxonomy.themes):
            for seed in theme.seeds:
                key = tuple(self.preparer.phrase_tokens(seed.phrase))
                if not key:
                    continue  # a seed made only of stop words can never match
                weight = seed.weight if seed.explicit else default_weight_for(len(key))
                by_theme = self._index.setdefault(key, {})
                phrase, best = by_theme.get(col, (seed.phrase, 0.0))
                by_theme[col] = (phrase, max(best, weight))
                self._max_len = max(self._max_len, len(key))

    def fit(
        self, docs: Sequence[PreparedText] | None = None, labels: object = None, theme_ids: object = None
    ) -> SeedMatcher:
        """Nothing to learn: seeds come from the taxonomy."""
        return self

    def transform(self, docs: Sequence[PreparedText]) -> ThemeScores:
        """Score each prepared comment against every taxonomy theme."""
        n, t = len(docs), len(self.theme_ids)
        miss = np.ones((n, t), dtype=np.float64)  # running prod(1 - weight)
        terms: list[dict[int, list[str]]] = []
        for i, doc in enumerate(docs):
            found = self._match(doc.tokens)
            doc_terms: dict[int, list[str]] = {}
            for col, phrase, weight in found:
                miss[i, col] *= 1.0 - weight
                doc_terms.setdefault(col, []).append(phrase)
            terms.append(doc_terms)
        scores = (1.0 - miss).astype(np.float32)
        assigned = scores >= self.threshold
        for i, doc_terms in enumerate(terms):
            for col in [c for c in doc_terms if not assigned[i, c]]:
                del doc_terms[col]
        return ThemeScores(self.theme_ids, scores, assigned, terms)

    def _match(self, tokens: list[str]) -> list[tuple[int, str, float]]:
        """Seeds found in ``tokens``, longest match first, each seed counted once per comment.

        Matching is greedy from the left: at each position the longest seed wins and its
        words are consumed, so "signs of safety" is not also read as "signed" and "safety".
        """
        plain = [t.removeprefix(NEGATION_PREFIX) for t in tokens]
        index = self._index
        found: dict[tuple[int, str], float] = {}
        start, n = 0, len(tokens)
        while start < n:
            step = 1
            for length in range(min(self._max_len, n - start), 0, -1):
                hits = index.get(tuple(tokens[start : start + length]))
                if hits is None:
                    hits = index.get(tuple(plain[start : start + length]))
                if hits is not None:
                    for col, (phrase, weight) in hits.items():
                        found[(col, phrase)] = weight
                    step = length
                    break
            start += step
        return [(col, phrase, weight) for (col, phrase), weight in found.items()]
