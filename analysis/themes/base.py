"""Small interfaces the theme pipeline is built from, and the score container they share.

Each step is scikit-learn shaped (``fit`` then ``transform``) so any step can be swapped for
another object with the same two methods: a cheaper matcher in tests, an embedding-based
classifier, a different clusterer. The pipeline only relies on what is declared here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np

from analysis.text import PreparedText

__all__ = ["Embedder", "ThemeScorer", "ThemeScores", "TextStep", "clearly_better"]

#: How unlikely a change's held-out record must be if it were really no better than leaving the
#: lexicon alone (one-sided sign test) before HR's codes may change what the lexicon assigns.
SIGN_TEST_ALPHA = 0.05


def clearly_better(wins: int, losses: int, alpha: float = SIGN_TEST_ALPHA) -> bool:
    """Whether a change that, on held-out comments, put ``wins`` right and ``losses`` wrong is
    better than chance: the one-sided sign test, P(at least ``wins`` of ``wins + losses`` fair
    coin tosses) <= ``alpha``. At 0.05 that needs 5 to 0, 7 to 1, 9 to 2 ... so a change resting on
    a comment or two, which is what chance gives at a few hundred codes, is never made."""
    from math import comb

    n = wins + losses
    if wins <= losses or n == 0:
        return False
    return sum(comb(n, k) for k in range(wins, n + 1)) / 2**n <= alpha


@dataclass
class ThemeScores:
    """Scores of ``n`` comments against ``theme_ids``.

    ``scores``: float array (n, themes) in [0, 1], where 0.5 is the decision point;
    ``assigned``: bool array, the themes each comment gets; ``terms``: per comment, a dict
    from theme column to the terms that drove it (only for assigned themes).
    """

    theme_ids: list[str]
    scores: np.ndarray
    assigned: np.ndarray
    terms: list[dict[int, list[str]]] = field(default_factory=list)

    def __len__(self) -> int:
        return self.scores.shape[0]


class TextStep(Protocol):
    """Turns raw texts into prepared texts (see ``analysis.text.TextPreparer``)."""

    def fit(self, texts: Sequence[object], y: object = None) -> TextStep: ...

    def transform(self, texts: Sequence[object]) -> list[PreparedText]: ...


@runtime_checkable
class ThemeScorer(Protocol):
    """Scores prepared comments against themes.

    ``fit`` receives the prepared comments and, for supervised scorers, a 0/1 label matrix
    with one column per id in ``theme_ids``; a zero-shot scorer ignores both.
    """

    def fit(
        self,
        docs: Sequence[PreparedText],
        labels: np.ndarray | None = None,
        theme_ids: Sequence[str] | None = None,
    ) -> ThemeScorer: ...

    def transform(self, docs: Sequence[PreparedText]) -> ThemeScores: ...


class Embedder(Protocol):
    """Maps raw texts to dense vectors (one row per text)."""

    def fit(self, texts: Sequence[str], y: object = None) -> Embedder: ...

    def transform(self, texts: Sequence[str]) -> np.ndarray: ...
