"""Sentiment per comment with nltk's VADER, reading the lexicon shipped in ``vaderSentiment``.

Nothing is downloaded: the lexicon file comes from the installed ``vaderSentiment`` package and
is handed to nltk's analyser as text.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib.resources import files

import numpy as np
from nltk.sentiment import vader
from nltk.sentiment.vader import SentimentIntensityAnalyzer, VaderConstants

__all__ = ["VaderSentiment", "vader_lexicon_text"]


def vader_lexicon_text() -> str:
    """The VADER lexicon shipped inside the installed ``vaderSentiment`` package."""
    return (files("vaderSentiment") / "vader_lexicon.txt").read_text(encoding="utf-8")


#: nltk's own tokenising step, kept so a test can check the faster one against it
NLTK_WORDS_AND_EMOTICONS = vader.SentiText._words_and_emoticons


#: The first characters and the last characters of VADER's punctuation marks: a token starting
#: and ending with neither cannot lose a mark, so most tokens skip the check of every mark.
_MARK_EDGES = (frozenset(m[0] for m in VaderConstants.PUNC_LIST), frozenset(m[-1] for m in VaderConstants.PUNC_LIST))


def _words_and_emoticons(self) -> list[str]:
    """The same tokens as nltk's ``SentiText._words_and_emoticons``, found faster.

    nltk builds, for every comment, a dictionary of every punctuation mark joined before and
    after every word (about 40 entries per word) only to look up each token once; here each
    token is checked against the marks directly. A token of two or more characters loses one
    leading or trailing mark when what is left is a word of the comment with its punctuation
    removed; otherwise it is kept as it is.
    """
    words = {w for w in self.REGEX_REMOVE_PUNCTUATION.sub("", self.text).split() if len(w) > 1}
    firsts, lasts = _MARK_EDGES
    out = []
    for token in self.text.split():
        if len(token) <= 1:
            continue
        if token[0] not in firsts and token[-1] not in lasts:
            out.append(token)  # no mark begins or ends it: nothing to strip
            continue
        for mark in self.PUNC_LIST:
            if token.startswith(mark) and token[len(mark):] in words:
                token = token[len(mark):]
                break
            if token.endswith(mark) and token[: -len(mark)] in words:
                token = token[: -len(mark)]
                break
        out.append(token)
    return out


class _Analyser(SentimentIntensityAnalyzer):
    """nltk's analyser, given the lexicon as text.

    nltk's own constructor only reads through ``nltk.data``, which refuses paths outside its
    data folders; the scoring rules are unchanged.
    """

    def __init__(self, lexicon: str) -> None:  # noqa: D107 - replaces the loading step only
        # The scoring rules are nltk's; only its slow tokenising step is swapped for an equal one
        # (the same tokens, checked in tests/analysis/test_sentiment.py), for every analyser.
        vader.SentiText._words_and_emoticons = _words_and_emoticons
        self.lexicon_file = lexicon
        self.lexicon = self.make_lex_dict()
        self.constants = VaderConstants()


class VaderSentiment:
    """Compound VADER score in [-1, 1] per comment (scikit-learn shaped; ``fit`` learns nothing)."""

    def __init__(self) -> None:
        self._analyser: _Analyser | None = None

    def __getstate__(self) -> dict:
        # The lexicon is rebuilt on demand rather than pickled with a fitted pipeline.
        return {"_analyser": None}

    def fit(self, texts: Iterable[str] | None = None, y: object = None) -> VaderSentiment:
        """Nothing to learn."""
        return self

    def transform(self, texts: Iterable[str]) -> np.ndarray:
        """Return a float array of compound scores, one per text (0.0 for empty text)."""
        if self._analyser is None:
            self._analyser = _Analyser(vader_lexicon_text())
        score = self._analyser.polarity_scores
        return np.array([score(t)["compound"] if t else 0.0 for t in texts], dtype=float)
