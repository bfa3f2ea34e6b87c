"""Zero-shot theme scoring from the taxonomy's seed phrases."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from analysis.taxonomy import Taxonomy, default_weight_for
from analysis.text import NEGATION_PREFIX, PreparedText, TextPreparer
from analysis.themes.base import ThemeScores, clearly_better

__all__ = ["SeedMatcher", "is_denial", "learn_vetoes", "phrase_pattern"]

#: A comment that only says there is nothing to complain of ("No cons", "None that I can think
#: of", "Nothing really", "No complaints about the pay") names no theme, whatever words it goes on
#: to list, unless it then turns ("none, but benefits could be better"). On the development half
#: of the public review comments this rule silences 14 comments, none of which names a problem
#: (bench/themes/README.md, "Lexicon rules").
_DENIAL = re.compile(
    r"^\W*(?:"
    r"n/?a|none|nope|nothing|no cons?|no negatives?|no downsides?|not (?:a )?(?:thing|one)"
    r"|no complaints?|no real (?:cons?|complaints?)|(?:i )?(?:can(?:no|')t|cannot|could(?:n'| no)t) think of"
    r"|i (?:do not|don't|didn't|did not) have (?:any )?(?:cons?|complaints?)"
    r")\b(?!\s+to do\b)",
    re.IGNORECASE,
)
_TURN = re.compile(
    r"\b(?:but|except|however|other than|apart from|besides|could be better|would be nice)\b", re.IGNORECASE
)


_WORD = re.compile(r"\w[\w']*")


def is_denial(text: str) -> bool:
    """Whether a comment only says there is nothing wrong (it then names no theme)."""
    text = text.replace("\u2019", "'")
    match = _DENIAL.match(text)
    return bool(match) and not _TURN.search(text, match.end())


def phrase_pattern(phrase: str) -> str:
    """The regular expression a lexicon phrase stands for, on lower-cased text.

    Words must match whole (word boundaries at both ends); a trailing ``*`` matches any word
    ending ("overwork*" matches "overworked", "overworking"); between words any run of spaces,
    "/" or "-" will do, and a "-" or "/" inside a word may also be a space or nothing, so
    "work life balance" matches "work-life balance" and "work/life balance", and "co-worker*"
    matches "coworkers" and "co workers".
    """
    parts = []
    for word in phrase.split(" "):
        tail = r"\w*" if word.endswith("*") else ""
        pieces = re.split(r"[-/]", word.rstrip("*"))
        parts.append(r"[\s/-]?".join(re.escape(piece) for piece in pieces) + tail)
    return r"(?<!\w)" + r"[\s/-]+".join(parts) + r"(?!\w)"


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
        #: ``(theme id, phrase)`` pairs HR's codes have overruled (see ``learn_vetoes``)
        self.vetoes: frozenset[tuple[str, str]] = frozenset()
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
        # The lexicon, indexed by each phrase's first word so that a comment is only tried against
        # the phrases that can start at each of its words (one alternation of every phrase would
        # try all of them at every position, which is hundreds of times slower).
        self._exact: dict[str, list[tuple[re.Pattern[str], int, str, float]]] = {}
        self._prefixed: dict[str, list[tuple[re.Pattern[str], int, str, float]]] = {}
        for col, theme in enumerate(taxonomy.themes):
            for phrase in theme.phrases:
                weight = phrase.weight if phrase.explicit else default_weight_for(len(phrase.phrase.split()))
                entry = (re.compile(phrase_pattern(phrase.phrase)), col, phrase.phrase, weight)
                first = phrase.phrase.split(" ")[0]
                if re.fullmatch(r"[\w']+", first):
                    self._exact.setdefault(first, []).append(entry)
                else:  # "overwork*", "co-worker*", "24/7": any word starting with the first piece
                    self._prefixed.setdefault(re.split(r"[-/*]", first)[0], []).append(entry)
        self._prefix_lengths = sorted({len(p) for p in self._prefixed})
        self._starts: dict[str, list] = {}

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_starts"] = {}  # a cache: rebuilt as comments are matched, never saved
        state.pop("_firsts", None)  # likewise, from the seed index
        return state

    def fit(
        self, docs: Sequence[PreparedText] | None = None, labels: object = None, theme_ids: object = None
    ) -> SeedMatcher:
        """Nothing to learn: seeds come from the taxonomy."""
        return self

    def evidence(self, doc: PreparedText) -> dict[tuple[int, str], float]:
        """Every seed or phrase found in one comment: ``(theme column, phrase) -> weight``.

        The same words found as a seed and as a phrase are one piece of evidence, at the higher
        weight. Vetoed ``(theme id, phrase)`` pairs (``vetoes``) are left out.
        """
        if is_denial(doc.text):
            return {}
        strongest: dict[tuple[int, str], float] = {}
        for col, phrase, weight in self._match(doc.tokens) + self._match_phrases(doc.text):
            if (self.theme_ids[col], phrase) not in self.vetoes:
                strongest[(col, phrase)] = max(weight, strongest.get((col, phrase), 0.0))
        return strongest

    def transform(self, docs: Sequence[PreparedText]) -> ThemeScores:
        """Score each prepared comment against every taxonomy theme."""
        n, t = len(docs), len(self.theme_ids)
        miss = np.ones((n, t), dtype=np.float64)  # running prod(1 - weight)
        terms: list[dict[int, list[str]]] = []
        for i, doc in enumerate(docs):
            doc_terms: dict[int, list[str]] = {}
            for (col, phrase), weight in self.evidence(doc).items():
                miss[i, col] *= 1.0 - weight
                doc_terms.setdefault(col, []).append(phrase)
            terms.append(doc_terms)
        scores = (1.0 - miss).astype(np.float32)
        assigned = scores >= self.threshold
        for i, doc_terms in enumerate(terms):
            for col in [c for c in doc_terms if not assigned[i, c]]:
                del doc_terms[col]
        return ThemeScores(self.theme_ids, scores, assigned, terms)

    def _match_phrases(self, text: str) -> list[tuple[int, str, float]]:
        """Lexicon phrases found in ``text``, each counted once per comment.

        At each word the longest phrase that matches there wins and its words are consumed, so
        "wear and tear on your body" is not also read as "wear and tear" (travel costs).
        """
        text = text.casefold().replace("\u2019", "'")
        found: dict[tuple[int, str], float] = {}
        end = 0
        for word in _WORD.finditer(text):
            start = word.start()
            if start < end:
                continue
            candidates = self._candidates(word.group())
            if not candidates:
                continue
            best = None
            for pattern, col, phrase, weight in candidates:
                match = pattern.match(text, start)
                if match and (best is None or match.end() > best[0]):
                    best = (match.end(), [(col, phrase, weight)])
                elif match and match.end() == best[0]:
                    best[1].append((col, phrase, weight))
            if best is not None:
                end = best[0]
                for col, phrase, weight in best[1]:
                    found[(col, phrase)] = max(weight, found.get((col, phrase), 0.0))
        return [(col, phrase, weight) for (col, phrase), weight in found.items()]

    def _candidates(self, token: str) -> list[tuple[re.Pattern[str], int, str, float]]:
        """The phrases that may start at a word (remembered: words repeat across comments)."""
        found = self._starts.get(token)
        if found is None:
            found = list(self._exact.get(token, ()))
            for length in self._prefix_lengths:
                if length > len(token):
                    break
                found += self._prefixed.get(token[:length], ())
            if len(self._starts) < 200_000:
                self._starts[token] = found
        return found

    def _first_words(self) -> frozenset[str]:
        """Every word a seed begins with (worked out once; not saved with a fitted pipeline)."""
        firsts = self.__dict__.get("_firsts")
        if firsts is None:
            firsts = self._firsts = frozenset(key[0] for key in self._index)
        return firsts

    def _match(self, tokens: list[str]) -> list[tuple[int, str, float]]:
        """Seeds found in ``tokens``, longest match first, each seed counted once per comment.

        Matching is greedy from the left: at each position the longest seed wins and its
        words are consumed, so "signs of safety" is not also read as "signed" and "safety".
        """
        plain = [t.removeprefix(NEGATION_PREFIX) for t in tokens]
        index = self._index
        firsts = self._first_words()
        found: dict[tuple[int, str], float] = {}
        start, n = 0, len(tokens)
        while start < n:
            step = 1
            if tokens[start] not in firsts and plain[start] not in firsts:
                start += 1  # no seed begins with this word
                continue
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


def learn_vetoes(
    matcher: SeedMatcher,
    docs: Sequence[PreparedText],
    labels: np.ndarray,
    *,
    min_rejections: int = 5,
    max_precision: float = 0.5,
    folds: int = 3,
    seed: int = 0,
) -> frozenset[tuple[str, str]]:
    """The lexicon hits HR's codes overrule: ``(theme id, phrase)`` pairs to veto.

    ``docs`` are comments HR has coded, ``labels`` their themes (an (n, themes) 0/1 array in
    taxonomy order; a theme not in a coded comment's row is a rejection). A phrase is a
    candidate for a theme when HR rejected that theme on at least ``min_rejections`` of the
    comments where the phrase was found and agreed on at most ``max_precision`` of them. The
    candidates of a theme are kept only if they pass cross-validation: chosen from the other
    folds' codes, on the held-out folds taken together they raise the theme's F1, against
    keeping every hit, and the wrong hits they remove outnumber the right ones by more than
    chance (``clearly_better``: 5 to 0, 7 to 1 ...). So a phrase HR has rejected only a few
    times, or whose veto would cost more agreements than it saves, keeps assigning its theme.
    """
    labels = np.asarray(labels, dtype=bool)
    n = len(docs)
    if n < folds * 2 or not labels.size:
        return frozenset()
    saved = matcher.vetoes
    matcher.vetoes = frozenset()
    try:
        evidence = [matcher.evidence(doc) for doc in docs]
    finally:
        matcher.vetoes = saved

    def candidates(rows: np.ndarray) -> set[tuple[int, str]]:
        hits: dict[tuple[int, str], list[int]] = {}
        for r in rows:
            for pair in evidence[r]:
                hits.setdefault(pair, []).append(r)
        chosen = set()
        for (col, phrase), where in hits.items():
            agreed = int(labels[where, col].sum())
            if len(where) - agreed >= min_rejections and agreed <= max_precision * len(where):
                chosen.add((col, phrase))
        return chosen

    def assigned(rows: np.ndarray, vetoed: set[tuple[int, str]], col: int) -> np.ndarray:
        out = np.zeros(len(rows), dtype=bool)
        for k, r in enumerate(rows):
            miss = 1.0
            for (c, phrase), weight in evidence[r].items():
                if c == col and (c, phrase) not in vetoed:
                    miss *= 1.0 - weight
            out[k] = 1.0 - miss >= matcher.threshold
        return out

    def f1(counts: np.ndarray) -> float:
        tp, fp, fn = counts
        return 2 * tp / max(2 * tp + fp + fn, 1)

    from sklearn.model_selection import KFold

    everything = candidates(np.arange(n))
    themes = {col for col, _ in everything}
    if not themes:
        return frozenset()
    with_veto = {col: np.zeros(3) for col in themes}
    without = {col: np.zeros(3) for col in themes}
    for train, test in KFold(folds, shuffle=True, random_state=seed).split(np.arange(n)):
        fold_vetoes = candidates(train)
        for col in themes:
            truth = labels[test, col]
            for vetoed, counts in ((fold_vetoes, with_veto[col]), (set(), without[col])):
                predicted = assigned(test, vetoed, col)
                counts += [(predicted & truth).sum(), (predicted & ~truth).sum(), (~predicted & truth).sum()]
    def helps(col: int) -> bool:
        # Held out, the veto must raise the theme's F1, and the wrong hits it removes must outnumber
        # the right ones by more than chance would (a sign test, ``clearly_better``).
        (tp, fp, _), (tp0, fp0, _) = with_veto[col], without[col]
        return f1(with_veto[col]) > f1(without[col]) and clearly_better(int(fp0 - fp), int(tp0 - tp))

    kept = {col for col in themes if helps(col)}
    return frozenset((matcher.theme_ids[col], phrase) for col, phrase in everything if col in kept)
